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

	"github.com/redis/go-redis/v9"
	"github.com/spf13/cobra"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/config"
	"github.com/newsflow/newsflow/pkg/replay"
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
	brokers      []string
	redisURL     string
	replayPrefix string
	sec          security
}

// replayStore is the store of replay checkpoints and revisions.
func (g *globals) replayStore(rdb redis.UniversalClient) *replay.RedisStore {
	return replay.NewRedisStore(rdb, replay.WithPrefix(g.replayPrefix))
}

// redis connects to the Redis of --redis-url.
func (g *globals) redis() (redis.UniversalClient, error) {
	rc := g.sec.redis
	rc.URL, rc.Timeout = g.redisURL, 5*time.Second
	if g.sec.envErr != nil {
		return nil, g.sec.envErr
	}
	if err := rc.Validate(); err != nil {
		return nil, err
	}
	rdb, err := rc.Client()
	if err != nil {
		return nil, err
	}
	if rc.PasswordFile != "" || strings.HasPrefix(rc.URL, "rediss:") {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := rc.CheckAccess(ctx, rdb, nil); err != nil {
			rdb.Close()
			return nil, err
		}
	}
	return rdb, nil
}

func (g *globals) broker() (broker.Config, error) {
	bc := broker.Config{Brokers: g.brokers, ClientID: "newsctl", DialTimeout: 10 * time.Second, TLS: g.sec.kafka.TLS, SASL: g.sec.kafka.SASL}
	if g.sec.envErr != nil {
		return bc, g.sec.envErr
	}
	if err := bc.Validate(); err != nil {
		return bc, err
	}
	if g.sec.kafkaSecured() {
		return bc, checkKafka(bc)
	}
	return bc, nil
}

// version is the release, stamped at build time (-ldflags "-X main.version=v1.2.3").
var version = "dev"

func newRoot() *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   "newsctl",
		Short: "newsflow's operator CLI",
		Long: `newsctl runs and operates newsflow, the pipeline that turns news pages into a clean,
enriched, duplicate-free stream of stories on Kafka.

Start with "newsctl dev": the whole pipeline in one process, no setup.`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringSliceVar(&g.brokers, "brokers", envList("brokers", "127.0.0.1:9092"),
		"Kafka bootstrap brokers (env "+config.EnvName("brokers")+")")
	root.PersistentFlags().StringVar(&g.redisURL, "redis-url", envOr("redis-url", "redis://127.0.0.1:6379/0"),
		"Redis of the pipeline's dedup and replay state (env "+config.EnvName("redis-url")+")")
	root.PersistentFlags().StringVar(&g.replayPrefix, "replay-prefix", envOr("replay-prefix", replay.DefaultPrefix),
		"prefix of the Redis keys of replay checkpoints and revisions (env "+config.EnvName("replay-prefix")+")")
	g.sec.register(root.PersistentFlags())
	root.AddCommand(newDevCmd(), newTopicsCmd(g), newExtractCmd(), newEnrichCmd(), newReplayCmd(g), newTailCmd(g), newLagCmd(g), newDLQCmd(g), newGroupsCmd(g), newSubmitCmd(),
		newStoryCmd(g), newRebuildCmd(g))
	return root
}

// envOr returns the flag's NEWSFLOW_ variable, or def.
func envOr(flag, def string) string {
	if v, ok := os.LookupEnv(config.EnvName(flag)); ok {
		return v
	}
	return def
}

// envList returns the comma-separated list in the flag's NEWSFLOW_ variable, or def.
func envList(flag, def string) []string {
	v := envOr(flag, def)
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
