package extract

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/newsflow/newsflow/pkg/urlnorm"
)

// tline is one paragraph candidate of a plain-text dump.
type tline struct {
	text    string
	kind    lineKind
	words   int  // countWords(text)
	body    bool // isBodyLike(text)
	heading bool // an HTML heading (h1-h6); never set for text dumps
}

func newTline(text string, kind lineKind) tline {
	w := countWords(text)
	return tline{text: text, kind: kind, words: w, body: bodyLike(text, w)}
}

// extractText extracts an article from a plain-text page dump: the text a
// browser shows, copied out, with site header, ads, banners and footers.
//
// The dump is split into paragraphs (blank-line separated; hard-wrapped
// lines are re-joined). The story starts at its title, the first
// substantial headline-like line before the first body paragraph that is
// not site furniture (name, slogan) and nearest to the body; everything
// before it is the site header. Byline and date lines between title and body become metadata.
// From the body on, the shared line rules drop ads, banners and prompts;
// "related" boxes and comment sections are cut, and trailing headline-like
// lines after the last sentence (link lists, tags) are dropped. A title
// hint from the feed, when given, picks the title line directly.
func (e *Extractor) extractText(ctx context.Context, body []byte, p Page) (*Article, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("extract: %w", err)
	}
	host := hostOf(p.URL)
	raw := splitParagraphs(string(body))
	lines := make([]tline, 0, len(raw))
	for _, s := range raw {
		if s = normalizeText(s); s != "" {
			lines = append(lines, newTline(s, classifyLine(s)))
		}
	}
	a := &Article{Format: "text"}
	if c, err := urlnorm.Canonical(p.URL); err == nil {
		a.CanonicalURL = c
	}
	a.SiteName = siteFromHost(host)
	if len(lines) == 0 {
		return e.finish(a, p, false)
	}

	firstBody := -1
	for i, l := range lines {
		if l.kind == lineBody && l.body {
			firstBody = i
			break
		}
	}
	titleAt := findTextTitle(lines, firstBody, host, p.Hints.Title)
	start := 0
	if titleAt >= 0 {
		a.Title = lines[titleAt].text
		start = titleAt + 1
	}
	end := len(lines)
	if firstBody < 0 {
		firstBody = start
	}
	// Between title and first body paragraph: byline, date, dek.
	var paras []string
	for i := start; i < firstBody && i < end; i++ {
		l := lines[i]
		if l.kind.dropped() {
			continue
		}
		if names, ok := parseByline(l.text); ok && a.Byline == "" {
			a.Byline = names
			a.Authors = splitAuthors(names)
			continue
		}
		if isDateLine(l.text) {
			if t, ok := parseTextDate(l.text); ok && a.Published.IsZero() {
				a.Published = t
			}
			continue
		}
		paras = append(paras, l.text)
	}
	paras = append(paras, bodyLines(lines[min(firstBody, end):end])...)
	a.Paragraphs = paras
	if a.Published.IsZero() {
		if t, ok := urlDate(p.URL); ok {
			a.Published = t
		}
	}
	return e.finish(a, p, true)
}

// bodyLines applies the line rules to the story part of a dump.
func bodyLines(lines []tline) []string {
	totalWords := 0
	for _, l := range lines {
		if l.kind == lineBody {
			totalWords += l.words
		}
	}
	out := make([]tline, 0, len(lines))
	seenWords := 0
	inBox := false
loop:
	for _, l := range lines {
		switch l.kind {
		case lineComments:
			if seenWords > 0 {
				break loop
			}
			continue
		case lineBoxHeader:
			// A links box late in the text is the page footer: stop. Earlier
			// it is an inline box: skip its headline lines.
			if seenWords*100 >= totalWords*65 {
				break loop
			}
			inBox = true
			continue
		case lineBody:
		default:
			continue
		}
		if inBox {
			if !l.body {
				continue
			}
			inBox = false
		}
		seenWords += l.words
		out = append(out, l)
	}
	return trimTail(out)
}

// trimTail drops the lines after the last body-like paragraph that do not
// end like a sentence: headline lists, tags, "Read more" labels.
func trimTail(lines []tline) []string {
	last := -1
	for i := len(lines) - 1; i >= 0; i-- {
		if lines[i].body {
			last = i
			break
		}
	}
	kept := make([]tline, 0, len(lines))
	for i, l := range lines {
		if last < 0 || i <= last || endsSentence(l.text) && l.words >= 4 || signOffRE.MatchString(l.text) {
			kept = append(kept, l)
		}
	}
	// A short paragraph with an e-mail address closing the story is the
	// reporter's contact line or the paper's tip line ("Jane Doe can be
	// reached at ...", "Do you have a story for us? Email ..."), in any
	// language; story text rarely ends on an address.
	for k := 0; k < 2 && len(kept) > 2; k++ {
		l := kept[len(kept)-1]
		if l.words > 60 || !emailRE.MatchString(l.text) {
			break
		}
		kept = kept[:len(kept)-1]
	}
	return dropRepeats(kept)
}

var emailRE = regexp.MustCompile(`[\w.+-]+@[\w-]+\.[\w.-]*\w`)

// signOffRE matches the credit line that ends wire copy ("Reporting by
// Jane Doe; Editing by John Roe"): story text, though not a sentence.
var signOffRE = regexp.MustCompile(`(?i)^\(?(additional )?(reporting|writing|editing|compiled|research|translated) by\b`)

// quoteFolder makes typographic quotes and apostrophes compare equal to
// plain ones: a pull quote is often typeset differently from the sentence
// it repeats.
var quoteFolder = strings.NewReplacer("’", "'", "‘", "'", "‛", "'", "“", `"`, "”", `"`, "„", `"`, "«", `"`, "»", `"`)

// dropRepeats removes short paragraphs whose text appears inside another
// paragraph: pull quotes, captions and teasers repeating the story.
// Headings are kept: a subheading quoting a phrase of the story ("'IT
// WOULD HAVE RUINED US'") is still the story's.
func dropRepeats(lines []tline) []string {
	out := make([]string, 0, len(lines))
	if len(lines) < 2 || len(lines) > 400 {
		for _, l := range lines {
			out = append(out, l.text)
		}
		return out
	}
	folded := make([]string, len(lines))
	for i, l := range lines {
		folded[i] = strings.ToLower(l.text)
		if strings.ContainsAny(folded[i], "’‘‛“”„«»") {
			folded[i] = quoteFolder.Replace(folded[i])
		}
	}
	for i, l := range lines {
		dup := false
		if !l.heading && len(l.text) < 200 && l.words >= 4 {
			needle := strings.Trim(folded[i], " .!?\"'")
			for j, q := range folded {
				if j != i && len(q) > len(folded[i]) && strings.Contains(q, needle) {
					dup = true
					break
				}
			}
		}
		if !dup {
			out = append(out, l.text)
		}
	}
	return out
}

// findTextTitle returns the index of the title line, or -1.
func findTextTitle(lines []tline, firstBody int, host, hint string) int {
	limit := firstBody
	if limit < 0 {
		limit = min(len(lines), 20)
	}
	if hint = normalizeText(hint); hint != "" {
		best, bestSim := -1, 0.6
		for i := 0; i < min(len(lines), max(limit+1, 20)); i++ {
			if s := similarity(lines[i].text, hint); s > bestSim {
				best, bestSim = i, s
			}
		}
		if best >= 0 {
			return best
		}
	}
	var cands []int
	for i := 0; i < limit; i++ {
		l := lines[i]
		if l.kind != lineBody || !isHeadlineLike(l.text) || isDateLine(l.text) {
			continue
		}
		if _, ok := parseByline(l.text); ok {
			continue
		}
		cands = append(cands, i)
	}
	// The candidate nearest the body wins: site names, slogans and menus
	// come first in a dump, and a standfirst between title and body ends
	// like a sentence, so it is no candidate. Furniture is skipped even
	// there, unless nothing else is left.
	for k := len(cands) - 1; k >= 0; k-- {
		if !isChromeLike(lines[cands[k]].text, host) {
			return cands[k]
		}
	}
	if len(cands) > 0 {
		return cands[len(cands)-1]
	}
	return -1
}

// isDateLine reports whether s is a dateline: a short line that is mostly a
// date ("Published March 17, 2023 10:32 AM"), or a relative time ("2 hours ago").
func isDateLine(s string) bool {
	if len(s) > 80 || !strings.ContainsAny(s, "0123456789") {
		return false
	}
	if _, ok := parseTextDate(s); ok {
		return countWords(s) <= 10
	}
	l := strings.ToLower(s)
	return strings.HasSuffix(l, " ago") && countWords(s) <= 5
}

// splitParagraphs splits a text dump into paragraphs: blank lines separate
// paragraphs; inside a block, hard-wrapped lines (similar lengths, up to
// 100 characters) are joined, other lines stay separate paragraphs.
func splitParagraphs(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var out []string
	for _, block := range strings.Split(s, "\n\n") {
		var lines []string
		for _, l := range strings.Split(block, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				lines = append(lines, l)
			}
		}
		if len(lines) == 0 {
			continue
		}
		if isHardWrapped(lines) {
			out = append(out, strings.Join(lines, " "))
			continue
		}
		out = append(out, lines...)
	}
	return out
}

func isHardWrapped(lines []string) bool {
	if len(lines) < 2 {
		return false
	}
	maxLen := 0
	for _, l := range lines {
		maxLen = max(maxLen, len(l))
	}
	if maxLen > 100 || maxLen < 40 {
		return false
	}
	for _, l := range lines[:len(lines)-1] {
		if len(l)*10 < maxLen*6 {
			return false
		}
	}
	return true
}

// similarity is the share of the shorter string's words found in the other.
func similarity(a, b string) float64 {
	if la, lb := len(a), len(b); la > 4*lb+16 || lb > 4*la+16 {
		return 0 // the length penalty below would keep the score under 0.4
	}
	wa, wb := wordsOf(a), wordsOf(b)
	if len(wa) == 0 || len(wb) == 0 {
		return 0
	}
	if len(wa) > len(wb) {
		wa, wb = wb, wa
	}
	set := make(map[string]bool, len(wb))
	for _, w := range wb {
		set[w] = true
	}
	hit := 0
	for _, w := range wa {
		if set[w] {
			hit++
		}
	}
	// Penalise a short string matching inside a much longer one.
	return float64(hit) / float64(len(wa)) * min(1, float64(len(wa))/float64(len(wb))*1.5)
}

func hostOf(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// siteFromHost makes a site name of a host: "www.example-news.com" -> "example-news.com".
func siteFromHost(host string) string {
	return strings.TrimPrefix(host, "www.")
}
