package enrich

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

func newEnricher(t testing.TB, opts ...Option) *Enricher {
	t.Helper()
	e, err := New(opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e
}

// readStory reads a testdata story: first line the title, then paragraphs
// separated by blank lines.
func readStory(t testing.TB, path string) Input {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	title, body, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	var paras []string
	for _, p := range strings.Split(strings.TrimSpace(body), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			paras = append(paras, p)
		}
	}
	return Input{Title: strings.TrimSpace(title), Text: strings.Join(paras, "\n\n"), Paragraphs: paras}
}

func findEntity(r Result, typ EntityType, name string) (Entity, bool) {
	for _, e := range r.Entities {
		if e.Type == typ && e.Name == name {
			return e, true
		}
	}
	return Entity{}, false
}

func TestSeedGolden(t *testing.T) {
	e := newEnricher(t)
	in := readStory(t, "testdata/seed.txt")
	res, err := e.Enrich(context.Background(), in)
	if err != nil {
		t.Fatalf("Enrich: %v", err)
	}
	if len(res.Degraded) > 0 {
		t.Fatalf("degraded parts: %v", res.Degraded)
	}
	if res.Language != "en" {
		t.Errorf("language %q, want en", res.Language)
	}
	for _, name := range []string{"Xi Jinping", "Vladimir Putin", "Volodymyr Zelensky", "Wang Wenbin", "Qin Gang", "Dmytro Kuleba"} {
		if _, ok := findEntity(res, Person, name); !ok {
			t.Errorf("missing person %q", name)
		}
	}
	for _, name := range []string{"Kremlin", "Foreign Ministry"} {
		if _, ok := findEntity(res, Org, name); !ok {
			t.Errorf("missing org %q", name)
		}
	}
	places := map[string]string{"China": "CN", "Russia": "RU", "Ukraine": "UA", "Moscow": "RU", "Beijing": "CN", "Kiev": "UA", "Saudi Arabia": "SA", "Iran": "IR", "Uzbekistan": "UZ", "Singapore": "SG", "United States": "US"}
	for name, code := range places {
		p, ok := findEntity(res, Place, name)
		if !ok {
			t.Errorf("missing place %q", name)
			continue
		}
		if p.CountryCode != code {
			t.Errorf("place %q has code %q, want %q", name, p.CountryCode, code)
		}
	}
	for _, ent := range res.Entities {
		if ent.Type != Place {
			continue
		}
		if _, want := places[ent.Name]; !want {
			t.Errorf("unexpected place %q (%s)", ent.Name, ent.CountryCode)
		}
	}
	if xi, ok := findEntity(res, Person, "Xi Jinping"); ok && xi.Count < 8 {
		t.Errorf("Xi Jinping counted %d times; short forms (Xi) should count toward him", xi.Count)
	}
	if c := res.Category.Label; c != "politics" && !strings.HasPrefix(c, "conflict") {
		t.Errorf("category %+v, want politics or conflict", res.Category)
	}
	checkInvariants(t, in, res)

	got, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "seed.golden.json")
	if *update {
		if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("read golden (run go test -run SeedGolden -update): %v", err)
	}
	if !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(want)) {
		t.Errorf("result differs from %s (rerun with -update after checking the change):\n%s", golden, got)
	}
}

// checkInvariants asserts properties every result must have.
func checkInvariants(t *testing.T, in Input, res Result) {
	checkInvariantsLang(t, in, res, res.Language == "en")
}

// checkInvariantsLang checks the surface of mentions only when strict:
// other languages may inflect names (Москве for Москва).
func checkInvariantsLang(t *testing.T, in Input, res Result, strict bool) {
	t.Helper()
	runes := []rune(in.Text)
	for _, ent := range res.Entities {
		if ent.Count != len(ent.Mentions) || ent.Count == 0 {
			t.Errorf("%s %q: count %d, %d mentions", ent.Type, ent.Name, ent.Count, len(ent.Mentions))
		}
		if ent.Type != Place && ent.CountryCode != "" {
			t.Errorf("%s %q has a country code", ent.Type, ent.Name)
		}
		for _, m := range ent.Mentions {
			if m.Start < 0 || m.End > len(runes) || m.Start >= m.End {
				t.Fatalf("%q: mention %v out of range", ent.Name, m)
			}
			// case-insensitive: datelines write places in capitals
			surface := strings.ToLower(string(runes[m.Start:m.End]))
			if name := strings.ToLower(ent.Name); strict && !strings.Contains(name, surface) && !strings.Contains(surface, name) && ent.Type != Org {
				t.Errorf("%s %q: mention %v reads %q", ent.Type, ent.Name, m, surface)
			}
		}
	}
	if len(res.Keywords) > 10 {
		t.Errorf("%d keywords, want <= 10", len(res.Keywords))
	}
	for i, k := range res.Keywords {
		if k.Score <= 0 || k.Score > 1 || (i > 0 && k.Score > res.Keywords[i-1].Score) {
			t.Errorf("keyword %d %q score %v not in (0,1] descending", i, k.Text, k.Score)
		}
	}
	if len(res.Summary) > 3 {
		t.Errorf("summary has %d sentences", len(res.Summary))
	}
	for _, s := range res.Summary {
		if !strings.Contains(strings.Join(strings.Fields(in.Text), " "), strings.TrimSuffix(s, "…")) {
			t.Errorf("summary sentence not from the text: %q", s)
		}
	}
	if res.Sentiment < -1 || res.Sentiment > 1 {
		t.Errorf("sentiment %v out of [-1,1]", res.Sentiment)
	}
	if c := res.Category.Confidence; c < 0 || c > 1 {
		t.Errorf("category confidence %v out of [0,1]", c)
	}
}

func TestDisabledParts(t *testing.T) {
	e := newEnricher(t, Disable(PartEntities, PartSummary, PartSentiment, PartLanguage))
	in := readStory(t, "testdata/seed.txt")
	res, err := e.Enrich(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if res.Entities != nil || res.Summary != nil || res.Sentiment != 0 || res.Language != "" {
		t.Errorf("disabled parts produced output: %+v", res)
	}
	if len(res.Keywords) == 0 || res.Category.Code == "" || res.WordCount == 0 {
		t.Errorf("enabled parts missing: keywords %v category %v words %d", res.Keywords, res.Category, res.WordCount)
	}
	in.Language = "EN"
	res, _ = e.Enrich(context.Background(), in)
	if res.Language != "en" {
		t.Errorf("given language not kept: %q", res.Language)
	}
}

func TestPanickingPartDegrades(t *testing.T) {
	var mu sync.Mutex
	var got []Part
	e := newEnricher(t, OnDegrade(func(p Part, _ any) {
		mu.Lock()
		got = append(got, p)
		mu.Unlock()
	}))
	e.cfg.panicForTest = PartEntities
	res, err := e.Enrich(context.Background(), readStory(t, "testdata/seed.txt"))
	if err != nil {
		t.Fatalf("a failing part must not fail the story: %v", err)
	}
	if len(res.Degraded) != 1 || res.Degraded[0] != string(PartEntities) || res.Entities != nil {
		t.Errorf("degraded %v entities %d", res.Degraded, len(res.Entities))
	}
	if len(res.Keywords) == 0 || len(res.Summary) == 0 {
		t.Errorf("other parts lost: keywords %d summary %d", len(res.Keywords), len(res.Summary))
	}
	if len(got) != 1 || got[0] != PartEntities {
		t.Errorf("OnDegrade calls: %v", got)
	}
}

func TestCancelledContext(t *testing.T) {
	e := newEnricher(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Enrich(ctx, Input{Text: "Hello."}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestOptions(t *testing.T) {
	tests := []struct {
		name string
		opt  Option
		ok   bool
	}{
		{"disable known", Disable(PartSummary), true},
		{"disable unknown", Disable("astrology"), false},
		{"keywords zero", Keywords(0), false},
		{"keywords five", Keywords(5), true},
		{"summary too long", SummarySentences(50), false},
		{"wpm", WordsPerMinute(10), false},
		{"max runes tiny", MaxRunes(10), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.opt)
			if (err == nil) != tc.ok {
				t.Fatalf("New: err = %v, want ok=%v", err, tc.ok)
			}
		})
	}
	parts, err := ParseParts("sentiment, Summary,,")
	if err != nil || len(parts) != 2 || parts[0] != PartSentiment || parts[1] != PartSummary {
		t.Fatalf("ParseParts = %v, %v", parts, err)
	}
	if _, err := ParseParts("sentiment,bogus"); err == nil {
		t.Fatal("ParseParts accepted an unknown part")
	}
}

func TestHostileInput(t *testing.T) {
	e := newEnricher(t, MaxRunes(5000))
	inputs := []Input{
		{},
		{Text: "\xff\xfe\x00 broken \xc3"},
		{Text: strings.Repeat("A", 100000)},
		{Text: strings.Repeat("Xi ", 30000)},
		{Text: strings.Repeat("“", 1000) + strings.Repeat(".", 1000)},
		{Title: strings.Repeat("President ", 2000)},
		{Paragraphs: []string{"Putin met Xi in Moscow.", "", "They talked."}},
	}
	for i, in := range inputs {
		res, err := e.Enrich(context.Background(), in)
		if err != nil || len(res.Degraded) > 0 {
			t.Errorf("input %d: err %v degraded %v", i, err, res.Degraded)
		}
		for _, s := range res.Summary {
			if !utf8.ValidString(s) {
				t.Errorf("input %d: invalid UTF-8 in summary", i)
			}
		}
	}
}

func TestParagraphsWhenTextEmpty(t *testing.T) {
	e := newEnricher(t)
	res, err := e.Enrich(context.Background(), Input{Paragraphs: []string{"President Emmanuel Macron visited Berlin on Monday.", "Macron said the talks went well."}, Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	p, ok := findEntity(res, Person, "Emmanuel Macron")
	if !ok || p.Count != 2 {
		t.Errorf("Emmanuel Macron: %+v (ok=%v) in %+v", p, ok, res.Entities)
	}
	if b, ok := findEntity(res, Place, "Berlin"); !ok || b.CountryCode != "DE" {
		t.Errorf("Berlin: %+v", b)
	}
}

func TestWordCountAndReadingTime(t *testing.T) {
	tests := []struct {
		text  string
		words int
	}{
		{"", 0},
		{"One two three.", 3},
		{"Xi’s state-visit, 3-day trip", 4},
		{"北京今天", 2},
	}
	for _, tc := range tests {
		if got := wordCount(tc.text); got != tc.words {
			t.Errorf("wordCount(%q) = %d, want %d", tc.text, got, tc.words)
		}
	}
	e := newEnricher(t, Only(PartKeywords))
	res, _ := e.Enrich(context.Background(), Input{Text: strings.Repeat("word ", 460)})
	if res.WordCount != 460 || res.ReadingTimeSeconds != 120 {
		t.Errorf("460 words: count %d, reading %ds, want 460 and 120s", res.WordCount, res.ReadingTimeSeconds)
	}
}
