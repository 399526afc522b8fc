// Command stageprof runs the cleaner or the enricher stage in-process, as
// its service binary does (same flags, same handler and sinks), with
// net/http/pprof on --pprof-addr, so a benchmark run can be profiled:
//
//	stageprof --stage enricher --pprof-addr 127.0.0.1:6060 -- <service flags>
//	go tool pprof http://127.0.0.1:6060/debug/pprof/allocs
//
// The services themselves expose no pprof endpoint; this is the tool for
// finding out where their time and memory go.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	_ "net/http/pprof" // the profiling endpoints, on the default mux
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/newsflow/newsflow/pkg/cleaner"
	"github.com/newsflow/newsflow/pkg/dedup"
	"github.com/newsflow/newsflow/pkg/enrich"
	"github.com/newsflow/newsflow/pkg/enricher"
	"github.com/newsflow/newsflow/pkg/extract"
	"github.com/newsflow/newsflow/pkg/service"
	"github.com/newsflow/newsflow/pkg/templates"
	"github.com/newsflow/newsflow/pkg/topics"
)

func main() {
	stage := flag.String("stage", "enricher", "cleaner or enricher")
	pprofAddr := flag.String("pprof-addr", "127.0.0.1:6060", "listen address of /debug/pprof")
	flag.Parse()
	go func() { _ = http.ListenAndServe(*pprofAddr, nil) }()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	var st service.Stage
	switch *stage {
	case "cleaner":
		st = service.Stage{Name: "cleaner", Group: "newsflow-cleaner", Input: topics.Raw, Output: topics.Cleaned, OpsAddr: ":9102", ExactlyOnce: true,
			Build: func(ctx context.Context, d service.Deps) (service.Parts, error) {
				// the cleaner service's defaults (services/cleaner/main.go)
				ix, err := dedup.NewIndex(d.Redis, dedup.Config{Window: time.Hour})
				if err != nil {
					return service.Parts{}, err
				}
				c := cleaner.New(cleaner.WithRegisterer(d.Registry), cleaner.WithExtractor(extract.New(extract.WithMaxBytes(5<<20))), cleaner.WithDedup(ix),
					cleaner.WithTemplates(templates.New(d.Redis, templates.Config{}), templates.FilterOptions{}))
				return service.Parts{Batch: c.BatchHandler()}, nil
			}}
	case "enricher":
		st = service.Stage{Name: "enricher", Group: "newsflow-enricher", Input: topics.Cleaned, Output: topics.Enriched, OpsAddr: ":9103", ExactlyOnce: true,
			Build: func(ctx context.Context, d service.Deps) (service.Parts, error) {
				en, err := enrich.New()
				if err != nil {
					return service.Parts{}, err
				}
				return service.Parts{Handler: enricher.New(en, d.Registry).Handler()}, nil
			}}
	default:
		fmt.Fprintf(os.Stderr, "stageprof: --stage %q: want cleaner or enricher\n", *stage)
		os.Exit(2)
	}
	if err := service.Run(ctx, st, flag.Args(), os.Stderr); err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "stageprof:", err)
		os.Exit(1)
	}
}
