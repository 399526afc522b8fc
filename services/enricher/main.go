// Command enricher consumes clean stories from news.cleaned and produces them
// to news.enriched, each story once, with their people, organisations and
// places, language, keywords, summary, topic and sentiment. Run with --help
// for every setting.
package main

import (
	"context"

	"github.com/newsflow/newsflow/pkg/config"
	"github.com/newsflow/newsflow/pkg/enrich"
	"github.com/newsflow/newsflow/pkg/enricher"
	"github.com/newsflow/newsflow/pkg/service"
	"github.com/newsflow/newsflow/pkg/topics"
)

// version is the release, stamped at build time (-ldflags "-X main.version=v1.2.3").
var version = "dev"

func main() {
	var disable string
	var off []enrich.Part
	service.Main(service.Stage{
		Name:        "enricher",
		Summary:     "enricher adds entities, places, language, keywords, summary, topic and sentiment to clean stories (news.cleaned -> news.enriched), each story once.",
		Group:       "newsflow-enricher",
		Input:       topics.Cleaned,
		Output:      topics.Enriched,
		OpsAddr:     ":9103",
		Version:     version,
		ExactlyOnce: true,
		// Its peak at saturation is about 230 MiB RSS; the soft limit only
		// bounds bursts (pkg/service.ApplyMemoryLimit).
		MemoryLimit: 400 << 20,
		Flags: func(s *config.Set) {
			s.StringVar(&disable, "enrich-disable", "", "comma-separated enrichment parts to switch off (language, entities, keywords, summary, category, sentiment); their fields stay empty")
		},
		Validate: func() error {
			var err error
			if off, err = enrich.ParseParts(disable); err != nil {
				return config.Invalid("enrich-disable", "%v", err)
			}
			return nil
		},
		Build: func(ctx context.Context, d service.Deps) (service.Parts, error) {
			en, err := enrich.New(enrich.Disable(off...))
			if err != nil {
				return service.Parts{}, err
			}
			return service.Parts{Handler: enricher.New(en, d.Registry).Handler()}, nil
		},
	})
}
