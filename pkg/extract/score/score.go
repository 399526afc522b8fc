// Package score measures text extraction quality at the token level, the
// measure extraction benchmarks use, so that newsflow's extractor and other
// extractors can be compared against hand-written ground truth
// (pkg/extract/testdata/corpus/NAME.truth.txt): the extracted text and the
// truth are bags of lower-case word tokens (CJK characters one token each);
// precision is the share of extracted tokens that are in the truth, recall
// the share of truth tokens extracted, F1 their harmonic mean.
package score

import (
	"strings"
	"unicode"
)

// Tokens splits s into lower-case word tokens.
func Tokens(s string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for _, r := range strings.ToLower(s) {
		switch {
		case isCJK(r):
			flush()
			out = append(out, string(r))
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			cur.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	return out
}

// Score is precision, recall and F1 of one extraction, with the token
// counts needed to pool several.
type Score struct {
	Precision, Recall, F1 float64
	Common, Got, Want     int
}

// Text compares extracted text with the ground truth.
func Text(got, want string) Score {
	g, w := Tokens(got), Tokens(want)
	bag := make(map[string]int, len(w))
	for _, t := range w {
		bag[t]++
	}
	common := 0
	for _, t := range g {
		if bag[t] > 0 {
			bag[t]--
			common++
		}
	}
	return newScore(common, len(g), len(w))
}

func newScore(common, got, want int) Score {
	s := Score{Common: common, Got: got, Want: want}
	switch {
	case got == 0 && want == 0:
		s.Precision, s.Recall, s.F1 = 1, 1, 1
		return s
	case got == 0:
		s.Precision = 1
	default:
		s.Precision = float64(common) / float64(got)
	}
	if want == 0 {
		s.Recall = 1
	} else {
		s.Recall = float64(common) / float64(want)
	}
	if s.Precision+s.Recall > 0 {
		s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
	}
	return s
}

// Pool adds up scores over pages (micro-average over tokens).
func Pool(ss []Score) Score {
	var c, g, w int
	for _, s := range ss {
		c, g, w = c+s.Common, g+s.Got, w+s.Want
	}
	return newScore(c, g, w)
}

func isCJK(r rune) bool {
	return r >= 0x2e80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r))
}
