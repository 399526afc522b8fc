package enricher

import (
	"context"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/pkg/corpus"
	"github.com/newsflow/newsflow/pkg/enrich"
	newsflowv1 "github.com/newsflow/newsflow/pkg/gen/newsflow/v1"
)

func BenchmarkEnrich(b *testing.B) {
	g := corpus.New(1)
	var arts []*newsflowv1.CleanedArticle
	for i := 0; i < 32; i++ {
		pg := g.Article(i, 4+i%8, 0)
		arts = append(arts, &newsflowv1.CleanedArticle{StoryId: "x", Title: pg.Title, Paragraphs: pg.Paragraphs, Text: strings.Join(pg.Paragraphs, "\n\n"), Language: "en"})
	}
	en, err := enrich.New()
	if err != nil {
		b.Fatal(err)
	}
	e := New(en, nil)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.Enrich(context.Background(), arts[i%len(arts)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "stories/s")
}
