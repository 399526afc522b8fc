package extract

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// benchPages runs ex over pages b.N times and reports pages/s, MB/s (via
// SetBytes) and allocations per page. Run on one core, as the issue asks:
//
//	go test ./extract/ -run '^$' -bench Extract -cpu 1
func benchPages(b *testing.B, pages []Page) {
	ex := New()
	var size int64
	for _, p := range pages {
		size += int64(len(p.Body))
	}
	b.SetBytes(size / int64(len(pages)))
	b.ReportAllocs()
	b.ResetTimer()
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		_, _ = ex.Extract(ctx, pages[i%len(pages)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}

func BenchmarkExtractSeedText(b *testing.B) {
	benchPages(b, []Page{loadPage(b, "testdata/text/seed-article.txt")})
}

func BenchmarkExtractCorpusHTML(b *testing.B) {
	var pages []Page
	for _, cp := range loadCorpus(b) {
		pages = append(pages, cp.page)
	}
	benchPages(b, pages)
}

func BenchmarkExtractPage(b *testing.B) {
	for _, name := range []string{"en-schema-news", "en-blog-comments", "ja-shiftjis", "en-oldschool-table"} {
		b.Run(name, func(b *testing.B) {
			benchPages(b, []Page{loadPage(b, filepath.Join("testdata/corpus", name+".html"))})
		})
	}
}

// BenchmarkExtractLarge measures a page of realistic size (about 400 KB,
// as big news pages are) built from a corpus page padded with navigation,
// scripts and teasers.
func BenchmarkExtractLarge(b *testing.B) {
	p := loadPage(b, "testdata/corpus/en-schema-news.html")
	pad := strings.Repeat(`<div class="teaser"><h3><a href="/x">Another headline about something</a></h3><p>A short teaser sentence for the story.</p></div>`+
		`<script>var x = {"a": [1,2,3], "b": "some long configuration string for the ad server"};</script>`, 1500)
	body := strings.Replace(string(p.Body), "<footer", `<div class="more">`+pad+`</div><footer`, 1)
	p.Body = []byte(body)
	benchPages(b, []Page{p})
}
