package extract

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/net/html"
)

func (e *Extractor) extractHTML(ctx context.Context, src []byte, p Page) (*Article, error) {
	d, err := parse(ctx, src, e.maxNodes, e.maxDepth)
	switch {
	case errors.Is(err, errBudget):
		return nil, newError(OutcomeTooComplex, nil, "more than %d nodes", e.maxNodes)
	case errors.Is(err, html.ErrBufferExceeded):
		return nil, newError(OutcomeTooComplex, err, "token larger than the tokenizer buffer")
	case err != nil:
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, fmt.Errorf("extract: parse html: %w", err)
	}
	ld := parseJSONLD(d.jsonld)
	d.prepare()
	a := &Article{Format: "html"}
	d.fillMeta(a, ld, p)
	m := newMetaIndex(d.metas)
	articleType := isArticleType(m, ld)

	roots := d.selectRoots()
	em := &emitter{d: d}
	for _, r := range roots {
		markSelected(r)
		em.flush()
		em.walk(r, true, false)
	}
	em.flush()
	paras, stats := filterBlocks(em.blocks, a)
	a.Paragraphs = paras

	// A date in the URL is the last resort: it has no time of day.
	if a.Published.IsZero() {
		if t, ok := urlDate(p.URL); ok {
			a.Published = t
		}
	}
	if a.LeadImage == "" {
		a.LeadImage = d.contentImage(resolveBase(p.URL, d.base))
	}
	// An index page: the "content" is a list of linked headlines.
	if !articleType && stats.linkedHeadings >= 4 && stats.linkedHeadings*2 >= stats.headings {
		a.Paragraphs = nil
		return e.finishNotArticle(a, p, "page is a list of linked headlines")
	}
	if (ld.isCollection || strings.EqualFold(m.first("og:type"), "website")) && !articleType && countWords(strings.Join(paras, " ")) < 150 {
		a.Paragraphs = nil
		return e.finishNotArticle(a, p, "page declares itself a collection or website")
	}
	// JavaScript-rendered pages often carry the story only in JSON-LD.
	if ld.articleBody != "" && countWords(strings.Join(paras, " ")) < e.minWords && countWords(ld.articleBody) >= e.minWords {
		a.Paragraphs = splitParagraphs(ld.articleBody)
	}
	return e.finish(a, p, d.root.rawLen > 0)
}

func (e *Extractor) finishNotArticle(a *Article, p Page, why string) (*Article, error) {
	a2, err := e.finish(a, p, true)
	if err != nil {
		return a2, err
	}
	a.Paragraphs, a.Text, a.WordCount = nil, "", 0
	return a, newError(OutcomeNotArticle, nil, "%s", why)
}

func markSelected(n *node) {
	n.flags |= fSelected
	for c := n.first; c != nil; c = c.next {
		if !c.isText {
			markSelected(c)
		}
	}
}

type blockStats struct {
	headings, linkedHeadings int
}

// filterBlocks applies the line rules to the emitted blocks of the main
// content: drops ads, prompts, link blocks, the title repeated as h1 and
// byline/date lines at the top (filling the article's byline and date
// when the metadata had none); cuts comments and trailing link boxes.
func filterBlocks(blocks []block, a *Article) ([]string, blockStats) {
	var st blockStats
	lines := make([]tline, 0, len(blocks))
	names := strings.Join(a.Authors, " ")
	seenBody := false
	for i, b := range blocks {
		if b.heading > 0 {
			st.headings++
			if b.linkLen*10 >= b.textLen*8 {
				st.linkedHeadings++
			}
		}
		kind := classifyLine(b.text)
		if kind != lineBody {
			lines = append(lines, newTline(b.text, kind))
			continue
		}
		if b.linkLen*10 >= b.textLen*6 && !b.pre {
			// a link or a list of links: related stories, tags, "read more"
			continue
		}
		if b.heading == 1 && a.Title == "" {
			a.Title = b.text
			continue
		}
		if !seenBody {
			// The article header inside the content: title again, kicker,
			// byline, dateline, and a standfirst repeating the description.
			switch {
			case a.Title != "" && (b.text == a.Title || (b.heading > 0 || b.textLen < 300) && similarity(b.text, a.Title) >= 0.8):
				continue
			case names != "" && similarity(b.text, names) >= 0.8 && countWords(b.text) <= 12:
				continue
			case a.Description != "" && b.text == a.Description && len(blocks)-i > 3:
				continue
			}
			if n, ok := parseByline(b.text); ok {
				if a.Byline == "" {
					a.Byline = n
					if len(a.Authors) == 0 {
						a.Authors = splitAuthors(n)
					}
				}
				continue
			}
			if isDateLine(b.text) {
				if t, ok := parseTextDate(b.text); ok && a.Published.IsZero() {
					a.Published = t
				}
				continue
			}
		}
		l := newTline(b.text, kind)
		seenBody = seenBody || l.body
		lines = append(lines, l)
	}
	return bodyLines(lines), st
}
