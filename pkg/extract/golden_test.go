package extract

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/ with the current output")

// goldenArticle is the stable, reviewable form of an Article for golden files.
type goldenArticle struct {
	Outcome          string   `json:"outcome"`
	Title            string   `json:"title"`
	Byline           string   `json:"byline,omitempty"`
	Authors          []string `json:"authors,omitempty"`
	Published        string   `json:"published,omitempty"`
	Modified         string   `json:"modified,omitempty"`
	SiteName         string   `json:"site_name,omitempty"`
	CanonicalURL     string   `json:"canonical_url,omitempty"`
	LeadImage        string   `json:"lead_image,omitempty"`
	Description      string   `json:"description,omitempty"`
	DeclaredLanguage string   `json:"declared_language,omitempty"`
	Paywalled        bool     `json:"paywalled,omitempty"`
	Charset          string   `json:"charset,omitempty"`
	WordCount        int      `json:"word_count"`
	Paragraphs       []string `json:"paragraphs"`
}

func toGolden(a *Article, err error) goldenArticle {
	g := goldenArticle{Outcome: OutcomeOf(err)}
	if a == nil {
		return g
	}
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	g.Title, g.Byline, g.Authors = a.Title, a.Byline, a.Authors
	g.Published, g.Modified = ts(a.Published), ts(a.Modified)
	g.SiteName, g.CanonicalURL, g.LeadImage = a.SiteName, a.CanonicalURL, a.LeadImage
	g.Description, g.DeclaredLanguage, g.Paywalled = a.Description, a.DeclaredLanguage, a.Paywalled
	g.Charset, g.WordCount, g.Paragraphs = a.Charset, a.WordCount, a.Paragraphs
	return g
}

// pageMeta is the sidecar <name>.page.json of a test page: how it was served.
type pageMeta struct {
	URL         string    `json:"url"`
	ContentType string    `json:"content_type"`
	Charset     string    `json:"charset"`
	HintTitle   string    `json:"hint_title"`
	HintAuthor  string    `json:"hint_author"`
	HintPub     time.Time `json:"hint_published"`
}

// loadPage reads a test page and its optional sidecar.
func loadPage(t testing.TB, path string) Page {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p := Page{Body: body}
	side := strings.TrimSuffix(path, filepath.Ext(path)) + ".page.json"
	if b, err := os.ReadFile(side); err == nil {
		var m pageMeta
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", side, err)
		}
		p.URL, p.ContentType, p.Charset = m.URL, m.ContentType, m.Charset
		p.Hints = Hints{Title: m.HintTitle, Author: m.HintAuthor, Published: m.HintPub}
	}
	return p
}

// checkGolden compares got with the golden file, or rewrites it with -update.
func checkGolden(t *testing.T, goldenPath string, got goldenArticle) {
	t.Helper()
	out, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, '\n')
	if *update {
		if err := os.WriteFile(goldenPath, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatalf("missing golden file (run go test -run %s -update): %v", t.Name(), err)
	}
	if !bytes.Equal(out, want) {
		t.Errorf("output differs from %s (run with -update after review):\n%s", goldenPath, diffLines(string(want), string(out)))
	}
}

// diffLines is a small line diff for golden failures.
func diffLines(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	n := 0
	for i := 0; i < max(len(wl), len(gl)) && n < 20; i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			b.WriteString("- " + w + "\n+ " + g + "\n")
			n++
		}
	}
	return b.String()
}

// TestGoldenText runs every plain-text page under testdata/text and
// compares the result with its .golden.json.
func TestGoldenText(t *testing.T) {
	files, _ := filepath.Glob("testdata/text/*.txt")
	if len(files) == 0 {
		t.Fatal("no text test pages")
	}
	ex := New()
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		t.Run(name, func(t *testing.T) {
			p := loadPage(t, f)
			if p.ContentType == "" {
				p.ContentType = "text/plain; charset=utf-8"
			}
			a, err := ex.Extract(context.Background(), p)
			checkGolden(t, strings.TrimSuffix(f, ".txt")+".golden.json", toGolden(a, err))
		})
	}
}

// TestGoldenHTML runs every page of the corpus (testdata/corpus/*.html)
// and compares the result with its .golden.json.
func TestGoldenHTML(t *testing.T) {
	files, _ := filepath.Glob("testdata/corpus/*.html")
	if len(files) == 0 {
		t.Fatal("no corpus pages")
	}
	ex := New()
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".html")
		t.Run(name, func(t *testing.T) {
			a, err := ex.Extract(context.Background(), loadPage(t, f))
			checkGolden(t, strings.TrimSuffix(f, ".html")+".golden.json", toGolden(a, err))
		})
	}
}
