package extract

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode"
)

// Token-level scoring against the hand-written ground truth of the corpus
// (testdata/corpus/NAME.truth.txt), the measure used by extraction
// benchmarks: the extracted text and the truth are bags of lower-case word
// tokens (CJK characters one token each); precision is the share of
// extracted tokens that are in the truth, recall the share of truth tokens
// extracted, F1 their harmonic mean.

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
		case isCJKChar(r):
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

// ScoreText compares extracted text with the ground truth.
func ScoreText(got, want string) Score {
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

// corpusPage is one page of the corpus with its truth.
type corpusPage struct {
	name  string
	page  Page
	truth string
}

func loadCorpus(t testing.TB) []corpusPage {
	t.Helper()
	files, _ := filepath.Glob("testdata/corpus/*.html")
	sort.Strings(files)
	var out []corpusPage
	for _, f := range files {
		truth, err := os.ReadFile(strings.TrimSuffix(f, ".html") + ".truth.txt")
		if err != nil {
			t.Fatalf("%s has no truth file: %v", f, err)
		}
		out = append(out, corpusPage{
			name:  strings.TrimSuffix(filepath.Base(f), ".html"),
			page:  loadPage(t, f),
			truth: string(truth),
		})
	}
	if len(out) == 0 {
		t.Fatal("empty corpus")
	}
	return out
}

// minCorpusF1 is the floor for the pooled F1 over the corpus; a change that
// drops below it is a regression. Per-page scores are logged (go test -v).
const minCorpusF1 = 0.95

// TestCorpusQuality scores the extractor on the corpus: pooled token F1
// must stay above minCorpusF1, non-article pages must be refused, and
// every article page must keep most of its text.
func TestCorpusQuality(t *testing.T) {
	ex := New()
	var scores []Score
	var report strings.Builder
	fmt.Fprintf(&report, "%-22s %6s %6s %6s  %s\n", "page", "P", "R", "F1", "outcome")
	for _, cp := range loadCorpus(t) {
		a, err := ex.Extract(context.Background(), cp.page)
		if strings.TrimSpace(cp.truth) == "" {
			if OutcomeOf(err) != OutcomeNotArticle {
				t.Errorf("%s: outcome %s, want %s", cp.name, OutcomeOf(err), OutcomeNotArticle)
			}
			fmt.Fprintf(&report, "%-22s %6s %6s %6s  %s\n", cp.name, "-", "-", "-", OutcomeOf(err))
			continue
		}
		got := ""
		if a != nil {
			got = a.Text
		}
		s := ScoreText(got, cp.truth)
		scores = append(scores, s)
		fmt.Fprintf(&report, "%-22s %6.3f %6.3f %6.3f  %s\n", cp.name, s.Precision, s.Recall, s.F1, OutcomeOf(err))
		if s.F1 < 0.8 {
			t.Errorf("%s: F1 %.3f (P %.3f R %.3f)", cp.name, s.F1, s.Precision, s.Recall)
		}
	}
	all := Pool(scores)
	fmt.Fprintf(&report, "%-22s %6.3f %6.3f %6.3f  (pooled over %d pages)\n", "ALL", all.Precision, all.Recall, all.F1, len(scores))
	t.Log("\n" + report.String())
	if all.F1 < minCorpusF1 {
		t.Errorf("pooled F1 %.3f < %.2f", all.F1, minCorpusF1)
	}
}

func TestScoreText(t *testing.T) {
	tests := []struct {
		got, want string
		p, r      float64
	}{
		{"a b c", "a b c", 1, 1},
		{"a b", "a b c d", 1, 0.5},
		{"a b c d", "a b", 0.5, 1},
		{"", "a", 1, 0},
		{"A, b!", "a b", 1, 1},
		{"日本", "日本語", 1, 2.0 / 3},
	}
	for _, tt := range tests {
		s := ScoreText(tt.got, tt.want)
		if fmt.Sprintf("%.3f %.3f", s.Precision, s.Recall) != fmt.Sprintf("%.3f %.3f", tt.p, tt.r) {
			t.Errorf("ScoreText(%q, %q) = P %.3f R %.3f, want %.3f %.3f", tt.got, tt.want, s.Precision, s.Recall, tt.p, tt.r)
		}
	}
}
