// Command cleaner consumes raw pages from news.raw and produces the clean
// story of each to news.cleaned, exactly once: main-content extraction,
// metadata, text normalisation, site template learning and story identity
// (dedup). Run with --help for every setting.
package main

import (
	"context"
	"time"

	"github.com/newsflow/newsflow/pkg/cleaner"
	"github.com/newsflow/newsflow/pkg/config"
	"github.com/newsflow/newsflow/pkg/dedup"
	"github.com/newsflow/newsflow/pkg/extract"
	"github.com/newsflow/newsflow/pkg/service"
	"github.com/newsflow/newsflow/pkg/templates"
	"github.com/newsflow/newsflow/pkg/topics"
)

// version is the release, stamped at build time (-ldflags "-X main.version=v1.2.3").
var version = "dev"

func main() {
	var (
		maxPage      int64
		learn        bool
		tplThreshold int
		dedupWindow  time.Duration
		maxDistance  int
	)
	service.Main(service.Stage{
		Name:    "cleaner",
		Summary: "cleaner turns raw news pages (news.raw) into clean stories (news.cleaned), each story once.",
		Group:   "newsflow-cleaner",
		Input:   topics.Raw,
		Output:  topics.Cleaned,
		OpsAddr: ":9102",
		// Pages run to megabytes. Batches of 25 keep the dedup and template
		// round trips per batch a constant; the byte budget bounds what all
		// partitions' batches and prefetch hold together (24 MiB still fills
		// batches of ~14 pages at saturation). The live heap at saturation is
		// then ~110 MiB, a third of it language models: a 216 MiB soft limit
		// keeps the peak near 240 MiB RSS instead of 310 for ~4% of CPU, a
		// 200 MiB one costs ~15% (bench/SIZING.md).
		BatchSize:        25,
		MaxInFlightBytes: 24 << 20,
		MemoryLimit:      216 << 20,
		Version:          version,
		ExactlyOnce:      true,
		// story identity and site templates, beside the exactly-once store
		RedisPrefixes: []string{dedup.DefaultPrefix, templates.DefaultPrefix},
		Flags: func(s *config.Set) {
			s.ByteSizeVar(&maxPage, "max-page-bytes", 5<<20, "largest page body extracted; larger pages go to the DLQ as too_large")
			s.BoolVar(&learn, "templates", true, "learn each site's templates (blocks repeated across its pages) in Redis and drop them")
			s.IntVar(&tplThreshold, "template-threshold", templates.DefaultThreshold, "distinct pages of a host a block must appear on to be dropped as template")
			s.DurationVar(&dedupWindow, "dedup-window", 7*24*time.Hour, "how long story identities (URLs, content hashes, near-duplicate sketches) are remembered")
			s.IntVar(&maxDistance, "dedup-max-distance", 4, "largest Hamming distance of two 64-bit sketches that makes two texts the same story (pairs within 3 are always found, within 4 when they share a 16-bit band)")
		},
		Validate: func() error {
			if maxPage < 1024 {
				return config.Invalid("max-page-bytes", "must be at least 1KiB, got %d", maxPage)
			}
			if err := (templates.Config{Threshold: tplThreshold}).Validate(); err != nil {
				return config.Invalid("template-threshold", "%v", err)
			}
			if err := (dedup.Config{Window: dedupWindow, MaxDistance: maxDistance}).Validate(); err != nil {
				return config.Invalid("dedup-window", "%v", err)
			}
			return nil
		},
		Build: func(ctx context.Context, d service.Deps) (service.Parts, error) {
			ix, err := dedup.NewIndex(d.Redis, dedup.Config{Window: dedupWindow, MaxDistance: maxDistance})
			if err != nil {
				return service.Parts{}, err
			}
			opts := []cleaner.Option{
				cleaner.WithRegisterer(d.Registry),
				cleaner.WithExtractor(extract.New(extract.WithMaxBytes(int(maxPage)))),
				cleaner.WithDedup(ix),
			}
			if learn {
				opts = append(opts, cleaner.WithTemplates(templates.New(d.Redis, templates.Config{Threshold: tplThreshold}), templates.FilterOptions{}))
			}
			return service.Parts{Batch: cleaner.New(opts...).BatchHandler()}, nil
		},
	})
}
