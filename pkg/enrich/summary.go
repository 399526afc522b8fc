package enrich

import (
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxSummarySentence caps one summary sentence (in code points); a longer
// sentence is cut at the last word boundary and ends with "…".
const maxSummarySentence = 400

// summarize picks the n most central sentences and returns them in story
// order (extractive summary, written by hand: a frequency-based sentence
// ranking is the standard baseline and needs no model). A sentence scores
// the sum of its content words' story frequencies over the square root of
// its length, plus a bonus for words shared with the title; the lead
// sentence is boosted (news puts the gist first), questions and sentences
// that open with a quotation are damped, and fragments under five words
// are skipped.
func (r *resources) summarize(d, title *doc, lang string, n int) []string {
	if len(d.sents) == 0 {
		return nil
	}
	tf := map[string]int{}
	for i := range d.toks {
		t := &d.toks[i]
		if t.kind == tWord && !r.isStop(lang, t.lower) {
			tf[t.lower]++
		}
	}
	inTitle := map[string]bool{}
	for i := range title.toks {
		t := &title.toks[i]
		if t.kind == tWord && !r.isStop(lang, t.lower) {
			inTitle[t.lower] = true
		}
	}
	type scored struct {
		idx   int
		score float64
	}
	var cands []scored
	for si, s := range d.sents {
		words, sum, shared := 0, 0.0, 0
		for k := s.from; k < s.to; k++ {
			t := &d.toks[k]
			if t.kind != tWord {
				continue
			}
			words++
			if f := tf[t.lower]; f > 0 {
				sum += float64(f)
				if inTitle[t.lower] {
					shared++
				}
			}
		}
		if words < 5 {
			continue
		}
		score := sum/math.Sqrt(float64(words)) + 2*float64(shared)
		if si == 0 {
			score *= 1.5
		}
		text := d.text[s.bstart:s.bend]
		if strings.HasSuffix(strings.TrimRight(text, "\"'”’» "), "?") {
			score *= 0.5
		}
		if r, _ := utf8.DecodeRuneInString(text); strings.ContainsRune("\"“‘«", r) {
			score *= 0.7
		}
		cands = append(cands, scored{si, score})
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	if len(cands) > n {
		cands = cands[:n]
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].idx < cands[j].idx })
	out := make([]string, 0, len(cands))
	for _, c := range cands {
		s := d.sents[c.idx]
		out = append(out, clip(strings.Join(strings.Fields(d.text[s.bstart:s.bend]), " "), maxSummarySentence))
	}
	return out
}

// clip shortens s to at most max code points, cutting at a word boundary
// and adding "…"; it never cuts inside a word.
func clip(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	cut := cutRunes(s, max-1)
	if i := strings.LastIndexFunc(cut, unicode.IsSpace); i > 0 {
		cut = cut[:i]
	}
	return strings.TrimRightFunc(cut, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) }) + "…"
}
