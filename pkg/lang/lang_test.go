package lang

import (
	"bufio"
	"os"
	"runtime"
	"sort"
	"strings"
	"testing"
)

type sampleCase struct{ code, kind, text string }

func loadSamples(t testing.TB) []sampleCase {
	t.Helper()
	f, err := os.Open("testdata/samples.tsv")
	if err != nil {
		t.Fatalf("open samples: %v", err)
	}
	defer f.Close()
	var out []sampleCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := strings.SplitN(line, "\t", 3)
		if len(p) != 3 {
			t.Fatalf("bad sample line %q", line)
		}
		out = append(out, sampleCase{p[0], p[1], p[2]})
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read samples: %v", err)
	}
	return out
}

// TestDetectAccuracy measures accuracy on the hand-written multilingual set
// and prints a per-language table (go test -v -run DetectAccuracy ./lang).
func TestDetectAccuracy(t *testing.T) {
	samples := loadSamples(t)
	type score struct{ ok, n int }
	byKind := map[string]*score{"title": {}, "para": {}}
	byLang := map[string]*score{}
	for _, s := range samples {
		got, conf := Detect(s.text)
		if byLang[s.code] == nil {
			byLang[s.code] = &score{}
		}
		byLang[s.code].n++
		byKind[s.kind].n++
		if got == s.code {
			byLang[s.code].ok++
			byKind[s.kind].ok++
		} else {
			t.Logf("miss %s %s: got %q (%.2f) for %q", s.code, s.kind, got, conf, s.text)
		}
		if conf < 0 || conf > 1 {
			t.Errorf("confidence %v out of [0,1] for %q", conf, s.text)
		}
	}
	langs := make([]string, 0, len(byLang))
	for l := range byLang {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	for _, l := range langs {
		t.Logf("%-3s %d/%d", l, byLang[l].ok, byLang[l].n)
	}
	title, para := byKind["title"], byKind["para"]
	t.Logf("titles %d/%d, paragraphs %d/%d, languages %d", title.ok, title.n, para.ok, para.n, len(langs))
	if len(langs) < 8 {
		t.Errorf("test set covers %d languages, want >= 8", len(langs))
	}
	if float64(title.ok) < 0.9*float64(title.n) {
		t.Errorf("title accuracy %d/%d below 90%%", title.ok, title.n)
	}
	if para.ok != para.n {
		t.Errorf("paragraph accuracy %d/%d, want all", para.ok, para.n)
	}
}

func TestDetectEdgeCases(t *testing.T) {
	long := strings.Repeat("The minister said the plan would cut costs for families. ", 200)
	tests := []struct {
		name, text, want string
	}{
		{"empty", "", ""},
		{"digits and punctuation", "2023 — 12:30 !!!", ""},
		{"short English title", "Parliament approves budget", "en"},
		{"long text is sampled", long, "en"},
		{"greek by script", "Η κυβέρνηση ανακοίνωσε νέα μέτρα", "el"},
		{"korean by script", "정부가 새 예산안을 발표했다", "ko"},
		{"japanese with kana", "東京で大雨のため電車が止まりました", "ja"},
		{"chinese without kana", "北京今天发布新的交通规定", "zh"},
		{"invalid utf8", "\xff\xfe\xfd Regierung beschließt neues Gesetz", "de"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, conf := Detect(tc.text)
			if got != tc.want {
				t.Fatalf("Detect(%.40q) = %q, want %q", tc.text, got, tc.want)
			}
			if got == "" && conf != 0 {
				t.Fatalf("unknown language with confidence %v", conf)
			}
		})
	}
}

func TestSampleKeepsWords(t *testing.T) {
	text := strings.Repeat("abcdefg ", 100)
	got := sample(text, 45)
	if len([]rune(got)) > 45 {
		t.Fatalf("sample too long: %d runes", len([]rune(got)))
	}
	if !strings.HasSuffix(got, "abcdefg") {
		t.Fatalf("sample cut a word: %q", got)
	}
}

func TestLanguagesIncludesDetectable(t *testing.T) {
	set := map[string]bool{}
	for _, c := range Languages() {
		if len(c) != 2 {
			t.Errorf("code %q is not ISO 639-1", c)
		}
		set[c] = true
	}
	for _, s := range loadSamples(t) {
		if !set[s.code] {
			t.Errorf("sample language %q not in Languages()", s.code)
		}
	}
}

// BenchmarkDetect reports the cost of one detection on a paragraph and the
// heap held by the loaded models (heap-MiB).
func BenchmarkDetect(b *testing.B) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	Warm()
	runtime.GC()
	runtime.ReadMemStats(&after)
	text := "The government said on Tuesday that it would raise spending on hospitals and schools next year, despite warnings from economists that the budget deficit is already too large."
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		Detect(text)
	}
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "model-heap-MiB")
}
