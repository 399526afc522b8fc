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
	hf := newHeaderFacts(blocks, a.Title, names)
	furniture := hf.furniture()
	seenBody := false
	for i, b := range blocks {
		if b.meta {
			continue
		}
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
		if furniture[i] {
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
			case hf.isTitle(i):
				continue
			case names != "" && countWords(b.text) <= 12 && similarity(b.text, names) >= 0.8:
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
		l.heading = b.heading > 0
		seenBody = seenBody || l.body
		lines = append(lines, l)
	}
	return bodyLines(lines), st
}

// headerFacts answers, once per block, whether one of the first blocks of
// the content repeats the title or is a byline/dateline: the header checks
// compare words (similarity), which costs allocations, and both the header
// pass and the main pass of filterBlocks ask.
type headerFacts struct {
	blocks        []block
	title, names  string
	titles, metas []int8 // 0 unknown, 1 yes, -1 no
}

const headerFactsMax = 16

func newHeaderFacts(blocks []block, title, names string) *headerFacts {
	n := min(len(blocks), headerFactsMax)
	return &headerFacts{blocks: blocks, title: title, names: names, titles: make([]int8, n), metas: make([]int8, n)}
}

func (h *headerFacts) isTitle(i int) bool {
	if i >= len(h.titles) {
		return isTitleBlock(h.blocks[i], h.title)
	}
	if h.titles[i] == 0 {
		h.titles[i] = -1
		if isTitleBlock(h.blocks[i], h.title) {
			h.titles[i] = 1
		}
	}
	return h.titles[i] > 0
}

func (h *headerFacts) isMeta(i int) bool {
	if i >= len(h.metas) {
		return isMetaBlock(h.blocks[i], h.names)
	}
	if h.metas[i] == 0 {
		h.metas[i] = -1
		if isMetaBlock(h.blocks[i], h.names) {
			h.metas[i] = 1
		}
	}
	return h.metas[i] > 0
}

// isTitleBlock reports whether a block of the content repeats the title.
func isTitleBlock(b block, title string) bool {
	return title != "" && (b.text == title || (b.heading > 0 || b.textLen < 300) && similarity(b.text, title) >= 0.8)
}

// isMetaBlock reports whether a block is a byline or a dateline.
func isMetaBlock(b block, names string) bool {
	if b.meta {
		return true
	}
	if b.textLen > 200 {
		return false
	}
	if _, ok := parseByline(b.text); ok {
		return true
	}
	return names != "" && countWords(b.text) <= 12 && similarity(b.text, names) >= 0.8 || isDateLine(b.text)
}

// furniture marks the parts of an article header that the content
// selection kept around the title: a kicker or section label above it
// ("Deutsche Bahn", "A Reporter at Large") and a standfirst between the
// title and the byline or dateline that closes the header. The title,
// byline and dateline themselves are handled by filterBlocks (they fill
// metadata). Nothing is marked when no title block opens the content.
func (h *headerFacts) furniture() map[int]bool {
	blocks := h.blocks
	ti := -1
	for i := 0; i < min(len(blocks), 10); i++ {
		if h.isTitle(i) {
			ti = i
			break
		}
		if isBodyLike(blocks[i].text) {
			break // the body has begun: the title was not in the content
		}
	}
	if ti < 0 {
		return nil
	}
	var out map[int]bool
	mark := func(i int) {
		if out == nil {
			out = make(map[int]bool)
		}
		out[i] = true
	}
	for i := 0; i < ti; i++ {
		if b := blocks[i]; !isBodyLike(b.text) && countWords(b.text) <= 8 {
			mark(i)
		}
	}
	// The header ends at the last byline/dateline within a few blocks of
	// the title; what lies between is the standfirst (never a long text).
	mi := -1
	for j := ti + 1; j < min(len(blocks), ti+5); j++ {
		if h.isMeta(j) {
			mi = j
			continue
		}
		if countWords(blocks[j].text) >= 60 {
			break
		}
	}
	for j := ti + 1; j < mi; j++ {
		if blocks[j].heading == 0 && !h.isMeta(j) {
			mark(j)
		}
	}
	return out
}
