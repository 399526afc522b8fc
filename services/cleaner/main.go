// Command cleaner consumes raw pages from news.raw and produces the clean
// story of each to news.cleaned: main-content extraction, metadata, text
// normalisation and story identity. Run with --help for every setting.
package main

import (
	"context"

	"github.com/newsflow/newsflow/pkg/cleaner"
	"github.com/newsflow/newsflow/pkg/config"
	"github.com/newsflow/newsflow/pkg/extract"
	"github.com/newsflow/newsflow/pkg/service"
	"github.com/newsflow/newsflow/pkg/stage"
	"github.com/newsflow/newsflow/pkg/topics"
)

func main() {
	var maxPage int64
	service.Main(service.Stage{
		Name:    "cleaner",
		Summary: "cleaner turns raw news pages (news.raw) into clean stories (news.cleaned).",
		Group:   "newsflow-cleaner",
		Input:   topics.Raw,
		Output:  topics.Cleaned,
		OpsAddr: ":9102",
		Flags: func(s *config.Set) {
			s.ByteSizeVar(&maxPage, "max-page-bytes", 5<<20, "largest page body extracted; larger pages go to the DLQ as too_large")
		},
		Validate: func() error {
			if maxPage < 1024 {
				return config.Invalid("max-page-bytes", "must be at least 1KiB, got %d", maxPage)
			}
			return nil
		},
		Build: func(ctx context.Context, d service.Deps) (stage.Handler, stage.Sink, error) {
			c := cleaner.New(cleaner.WithRegisterer(d.Registry), cleaner.WithExtractor(extract.New(extract.WithMaxBytes(int(maxPage)))))
			return c.Handler(), nil, nil
		},
	})
}
