package cleaner

import (
	"context"
	"testing"

	"github.com/newsflow/newsflow/pkg/corpus"
	newsflowv1 "github.com/newsflow/newsflow/pkg/gen/newsflow/v1"
)

func BenchmarkClean(b *testing.B) {
	g := corpus.New(1)
	var raws []*newsflowv1.RawArticle
	var bytes int64
	for i := 0; i < 64; i++ {
		pg := g.Article(i, 4+i%8, 0)
		raws = append(raws, &newsflowv1.RawArticle{Url: pg.URL, ContentType: "text/html; charset=utf-8", Body: pg.HTML})
		bytes += int64(len(pg.HTML))
	}
	c := New()
	b.ReportAllocs()
	b.SetBytes(bytes / int64(len(raws)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Clean(context.Background(), raws[i%len(raws)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}
