// Command newsctl is newsflow's operator CLI: run the whole pipeline in one
// process (dev), manage topics, and run the cleaner and enricher on single
// pages. Run `newsctl --help` for the commands.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	err := newRoot().ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "newsctl:", err)
		os.Exit(1)
	}
}

// globals are the connection flags every Kafka-facing command shares.
type globals struct {
	brokers []string
}

func (g *globals) broker() (broker.Config, error) {
	bc := broker.Config{Brokers: g.brokers, ClientID: "newsctl", DialTimeout: 10 * time.Second}
	return bc, bc.Validate()
}

func newRoot() *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   "newsctl",
		Short: "newsflow's operator CLI",
		Long: `newsctl runs and operates newsflow, the pipeline that turns news pages into a clean,
enriched, duplicate-free stream of stories on Kafka.

Start with "newsctl dev PAGE...": the whole pipeline in one process, no setup.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringSliceVar(&g.brokers, "brokers", envList("brokers", "127.0.0.1:9092"),
		"Kafka bootstrap brokers (env "+config.EnvName("brokers")+")")
	root.AddCommand(newDevCmd(), newTopicsCmd(g), newExtractCmd(), newEnrichCmd())
	return root
}

// envList returns the comma-separated list in the flag's NEWSFLOW_ variable, or def.
func envList(flag, def string) []string {
	v, ok := os.LookupEnv(config.EnvName(flag))
	if !ok {
		v = def
	}
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
