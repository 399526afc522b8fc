// Package compare measures newsflow's extractor beside go-trafilatura
// (without fallback) and readeck's go-readability on the extraction corpus,
// in one run: token precision/recall/F1 per page and pooled, and speed on
// one core. It is a module of its own so that the other extractors'
// dependencies never reach pkg/go.mod. Run it from this folder:
//
//	GOWORK=off go test -run Quality -v .
//	GOWORK=off go test -run '^$' -bench . -cpu 1 .
//	GOWORK=off NEWSFLOW_BENCH_REPORT=/abs/path.md go test -count=1 -run '^TestBenchReport$' -v .
package compare

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	nurl "net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	readability "codeberg.org/readeck/go-readability/v2"
	trafilatura "github.com/markusmobius/go-trafilatura"
	"github.com/newsflow/newsflow/pkg/extract"
	"github.com/newsflow/newsflow/pkg/extract/score"
	"golang.org/x/net/html/charset"
)

type page struct {
	name, truth string
	batch       int // 1: written with the extractor; 2: written after it (see the corpus README)
	p           extract.Page
}

func loadCorpus(t testing.TB) []page {
	files, _ := filepath.Glob("../testdata/corpus/*.html")
	sort.Strings(files)
	var out []page
	for _, f := range files {
		base := strings.TrimSuffix(f, ".html")
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		truth, _ := os.ReadFile(base + ".truth.txt")
		var m struct {
			URL, Content_Type, Charset string
			Batch                      int
		}
		if b, err := os.ReadFile(base + ".page.json"); err == nil {
			_ = json.Unmarshal(b, &m)
		}
		ct := m.Content_Type
		if m.Charset != "" {
			ct = "text/html; charset=" + m.Charset
		}
		out = append(out, page{filepath.Base(base), string(truth), max(m.Batch, 1), extract.Page{URL: m.URL, ContentType: ct, Body: body}})
	}
	if len(out) == 0 {
		t.Fatal("empty corpus")
	}
	return out
}

// extractor is one contender: it returns the main text of a page.
type extractor struct {
	name string
	run  func(p extract.Page) string
}

// utf8Reader decodes the body as a browser would (header, then <meta>,
// then sniffing); the other extractors expect UTF-8.
func utf8Reader(p extract.Page) io.Reader {
	r, err := charset.NewReader(bytes.NewReader(p.Body), p.ContentType)
	if err != nil {
		return bytes.NewReader(p.Body)
	}
	return r
}

func contenders() []extractor {
	ex := extract.New()
	return []extractor{
		{"newsflow", func(p extract.Page) string {
			a, err := ex.Extract(context.Background(), p)
			if err != nil || a == nil {
				return ""
			}
			return a.Text
		}},
		{"trafilatura", func(p extract.Page) string {
			u, _ := nurl.Parse(p.URL)
			res, err := trafilatura.Extract(utf8Reader(p), trafilatura.Options{OriginalURL: u, EnableFallback: false, ExcludeComments: true})
			if err != nil || res == nil {
				return ""
			}
			return res.ContentText
		}},
		{"readability", func(p extract.Page) string {
			u, _ := nurl.Parse(p.URL)
			a, err := readability.FromReader(utf8Reader(p), u)
			if err != nil || a.Node == nil {
				return ""
			}
			var b strings.Builder
			_ = a.RenderText(&b)
			return b.String()
		}},
	}
}

// TestQuality prints per-page and pooled token P/R/F1 of each contender.
// Pages whose truth is empty (not articles) count as right when the
// output is empty too.
func TestQuality(t *testing.T) {
	pages := loadCorpus(t)
	cs := contenders()
	var rep strings.Builder
	fmt.Fprintf(&rep, "%-22s", "page")
	for _, c := range cs {
		fmt.Fprintf(&rep, " | %-20s", c.name+" P/R/F1")
	}
	rep.WriteString("\n")
	pooled := make([][]score.Score, len(cs))
	for _, pg := range pages {
		fmt.Fprintf(&rep, "%-22s", pg.name)
		for i, c := range cs {
			s := score.Text(c.run(pg.p), pg.truth)
			pooled[i] = append(pooled[i], s)
			fmt.Fprintf(&rep, " | %.2f %.2f %.3f     ", s.Precision, s.Recall, s.F1)
		}
		rep.WriteString("\n")
	}
	fmt.Fprintf(&rep, "%-22s", "POOLED")
	for i := range cs {
		s := score.Pool(pooled[i])
		fmt.Fprintf(&rep, " | %.2f %.2f %.3f     ", s.Precision, s.Recall, s.F1)
	}
	rep.WriteString("\n")
	t.Log("\n" + rep.String())
}

// BenchmarkContenders extracts the whole corpus with each contender;
// compare pages/s within one run only (the machine is shared).
func BenchmarkContenders(b *testing.B) {
	pages := loadCorpus(b)
	var size int
	for _, p := range pages {
		size += len(p.p.Body)
	}
	for _, c := range contenders() {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(size / len(pages)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				c.run(pages[i%len(pages)].p)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
		})
	}
}
