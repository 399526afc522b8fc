// Command enricher consumes clean stories from news.cleaned and produces them
// to news.enriched with their people, organisations and places, language,
// keywords, summary, topic and sentiment. Run with --help for every setting.
package main

import (
	"context"

	"github.com/newsflow/newsflow/pkg/enrich"
	"github.com/newsflow/newsflow/pkg/enricher"
	"github.com/newsflow/newsflow/pkg/service"
	"github.com/newsflow/newsflow/pkg/topics"
)

func main() {
	service.Main(service.Stage{
		Name:        "enricher",
		Summary:     "enricher adds entities, places, language, keywords, summary, topic and sentiment to clean stories (news.cleaned -> news.enriched).",
		Group:       "newsflow-enricher",
		Input:       topics.Cleaned,
		Output:      topics.Enriched,
		OpsAddr:     ":9103",
		ExactlyOnce: true,
		Build: func(ctx context.Context, d service.Deps) (service.Parts, error) {
			en, err := enrich.New()
			if err != nil {
				return service.Parts{}, err
			}
			return service.Parts{Handler: enricher.New(en, d.Registry).Handler()}, nil
		},
	})
}
