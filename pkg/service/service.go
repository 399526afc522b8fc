// Package service runs a pipeline stage as an operating-system process: it
// parses the flags and NEWSFLOW_* environment, builds the logger, the Redis
// client and the ops server, runs the stage, and drains it on SIGTERM.
// Each service's main is a call to Main with what makes that stage itself.
package service

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/config"
	"github.com/newsflow/newsflow/pkg/logging"
	"github.com/newsflow/newsflow/pkg/once"
	"github.com/newsflow/newsflow/pkg/ops"
	"github.com/newsflow/newsflow/pkg/redisconn"
	"github.com/newsflow/newsflow/pkg/stage"
)

// Deps are what a stage's Build gets to make its handler and sink.
type Deps struct {
	Log      *zap.Logger
	Registry prometheus.Registerer
	Redis    redis.UniversalClient
	Broker   broker.Config
	Stage    stage.Config
}

// Stage describes one stage service.
type Stage struct {
	// Name is the binary and stage name.
	Name string
	// Summary is the first line of --help.
	Summary string
	// Default group, input and output topics.
	Group, Input, Output string
	// BatchSize is the stage's default --batch-size (0: the runner's, 100).
	BatchSize int
	// MaxInFlightBytes is the stage's default --max-in-flight-bytes (0: the
	// runner's, 64 MiB).
	MaxInFlightBytes int64
	// MemoryLimit is the stage's default --memory-limit, the Go soft memory
	// limit when GOMEMLIMIT is not set (0: none).
	MemoryLimit int64
	// OpsAddr is the default ops listen address.
	OpsAddr string
	// Flags registers the stage's own flags; Validate checks them after parsing.
	Flags    func(s *config.Set)
	Validate func() error
	// Version is the release the binary was built from (main.version,
	// stamped by -ldflags "-X main.version=..."); logged at start and
	// exported as newsflow_build_info.
	Version string
	// ExactlyOnce makes the stage deliver through pkg/once: each story
	// (StoryID, Revision) reaches the output topic once.
	ExactlyOnce bool
	// RedisPrefixes are the Redis key prefixes the stage's own parts use,
	// checked at start beside pkg/once's (the ACL file must allow them).
	RedisPrefixes []string
	// Build makes the stage's handler.
	Build func(ctx context.Context, d Deps) (Parts, error)
}

// Parts are what a stage's Build makes: one of Handler (run per record,
// MaxInFlight at once) and Batch (run per consumed batch).
type Parts struct {
	Handler stage.Handler
	Batch   stage.BatchHandler
}

// OnceConfig is the exactly-once writer's part of the configuration.
type OnceConfig struct {
	Window         time.Duration
	Lease          time.Duration
	ProduceTimeout time.Duration
	SettleGrace    time.Duration
	AutoRebuild    bool
}

// Register adds the --once-* flags.
func (c *OnceConfig) Register(s *config.Set) {
	s.DurationVar(&c.Window, "once-window", 7*24*time.Hour, "how long a delivered story is remembered: a copy arriving within it is dropped")
	s.DurationVar(&c.Lease, "once-lease", 30*time.Second, "how long a claim on a story excludes other replicas; a killed replica's stories wait this long (must exceed 1.5 x (produce timeout + settle grace + 1%))")
	s.DurationVar(&c.ProduceTimeout, "once-produce-timeout", 10*time.Second, "longest one produce call may take (the writer's timeouts are derived from it)")
	s.DurationVar(&c.SettleGrace, "once-settle-grace", 5*time.Second, "how long after a produce call returned the broker may still append what it was sent")
	s.BoolVar(&c.AutoRebuild, "once-auto-rebuild", true, "when Redis lost the exactly-once store while the output topic is not empty, refill it from the topic before delivering again (false: wait for `newsctl dedup-rebuild`)")
}

// sink makes the exactly-once Sink of a stage and its closer.
func (c OnceConfig) sink(d Deps, owner string) (*once.Sink, func() error, error) {
	// One record per input: a produce call carries at most a stage batch.
	ko := once.KafkaOptions{MetadataTimeout: min(2*time.Second, c.ProduceTimeout/4), MaxRecords: d.Stage.BatchSize}
	ko.WriteTimeout = max(c.ProduceTimeout-ko.MetadataTimeout-10*time.Millisecond, time.Second)
	if ko.Bound() > c.ProduceTimeout {
		return nil, nil, fmt.Errorf("exactly-once writer: --once-produce-timeout %s is too short (at least %s)", c.ProduceTimeout, ko.Bound())
	}
	prod, logr := once.NewKafkaProducer(d.Broker, ko), once.NewKafkaLog(d.Broker)
	closeAll := func() error { return errors.Join(prod.Close(), logr.Close()) }
	s, err := once.New(d.Redis, prod, logr, once.Config{
		Owner: owner, Window: c.Window, Lease: c.Lease, AutoRebuild: c.AutoRebuild,
		ProduceTimeout: c.ProduceTimeout, SettleGrace: c.SettleGrace,
		Logger: d.Log.Named("once"), Registerer: d.Registry,
	})
	if err != nil {
		_ = closeAll()
		return nil, nil, fmt.Errorf("exactly-once writer: %w", err)
	}
	return s, closeAll, nil
}

// Main runs the stage with the process's arguments and exits.
func Main(st Stage) {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	err := Run(ctx, st, os.Args[1:], os.Stderr)
	stop()
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
	default:
		fmt.Fprintf(os.Stderr, "%s: %v\n", st.Name, err)
		os.Exit(1)
	}
}

// Run parses args, runs the stage until ctx ends and drains it.
func Run(ctx context.Context, st Stage, args []string, stderr io.Writer) error {
	var (
		bc        broker.Config
		rc        redisconn.Config
		sc        stage.Config
		lc        logging.Config
		oc        OnceConfig
		addr      string
		wait      time.Duration
		profiling bool
		memLimit  int64
	)
	set := config.New(st.Name, st.Summary)
	set.SetOutput(stderr)
	bc.Register(set, "newsflow-"+st.Name)
	rc.Register(set)
	sc.BatchSize = st.BatchSize
	sc.MaxInFlightBytes = st.MaxInFlightBytes
	sc.Register(set, st.Name, st.Group, st.Input, st.Output, st.Input+".dlq")
	lc.Register(set)
	if st.ExactlyOnce {
		oc.Register(set)
	}
	set.StringVar(&addr, "ops-addr", st.OpsAddr, "listen address of /healthz, /readyz and /metrics")
	RegisterMemoryLimit(set, &memLimit, st.MemoryLimit)
	set.BoolVar(&profiling, "pprof", false, "also serve /debug/pprof on the ops port (CPU and heap profiles; keep that port private)")
	set.DurationVar(&wait, "startup-timeout", 2*time.Minute, startupTimeoutUsage)
	if st.Flags != nil {
		st.Flags(set)
	}
	if err := set.Parse(args); err != nil {
		return err
	}
	for _, v := range []func() error{bc.Validate, rc.Validate, sc.Validate, st.Validate} {
		if v == nil {
			continue
		}
		if err := v(); err != nil {
			return err
		}
	}
	log, err := logging.New(st.Name, lc)
	if err != nil {
		return err
	}
	defer func() { _ = log.Sync() }()
	ApplyMemoryLimit(log, memLimit, set.IsSet("memory-limit"))

	rdb, err := rc.Client()
	if err != nil {
		return err
	}
	defer rdb.Close()

	srv := ops.New(addr, log)
	if profiling {
		srv.EnableProfiling()
	}
	if err := srv.Listen(); err != nil {
		return err
	}
	srv.AddCheck("kafka", bc.Ping)
	srv.AddCheck("redis", func(ctx context.Context) error { return redisconn.Ping(ctx, rdb) })
	if err := CheckStartup(ctx, log, st.startup(bc, rc, rdb, sc, wait)); err != nil {
		return err
	}

	deps := Deps{Log: log, Registry: srv.Registry(), Redis: rdb, Broker: bc, Stage: sc}
	parts, err := st.Build(ctx, deps)
	if err != nil {
		return fmt.Errorf("build %s: %w", st.Name, err)
	}
	opts := []stage.Option{stage.WithLogger(log), stage.WithRegisterer(srv.Registry()), stage.WithStatus(srv)}
	if st.ExactlyOnce {
		checkRedis(ctx, log, rdb)
		host, _ := os.Hostname()
		sink, closeSink, err := oc.sink(deps, st.Name+"@"+host+":"+strconv.Itoa(os.Getpid()))
		if err != nil {
			return err
		}
		defer func() { _ = closeSink() }()
		opts = append(opts, stage.WithSink(sink))
	}
	var runner *stage.Runner
	switch {
	case parts.Batch != nil:
		runner, err = stage.NewBatch(sc, bc, parts.Batch, opts...)
	case parts.Handler != nil:
		runner, err = stage.New(sc, bc, parts.Handler, opts...)
	default:
		err = fmt.Errorf("build %s: no handler", st.Name)
	}
	if err != nil {
		return err
	}

	opsCtx, stopOps := context.WithCancel(context.WithoutCancel(ctx))
	opsDone := make(chan error, 1)
	go func() { opsDone <- srv.Serve(opsCtx) }()

	ops.RegisterBuildInfo(srv.Registry(), st.Name, st.Version)
	log.Info("starting", zap.String("version", st.Version), zap.Strings("brokers", bc.Brokers), zap.String("redis", rc.Redacted()), zap.String("ops", srv.Addr()))
	runErr := runner.Run(ctx)
	log.Info("stopped", zap.NamedError("reason", context.Cause(ctx)))
	stopOps()
	if err := <-opsDone; err != nil {
		log.Warn("ops server", zap.Error(err))
	}
	return runErr
}

// checkRedis warns, at start, when Redis is set up so that it may forget
// exactly-once records (eviction, no persistence). A Redis that refuses
// CONFIG GET (managed services) is not judged.
func checkRedis(ctx context.Context, log *zap.Logger, rdb redis.UniversalClient) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := once.CheckRedis(ctx, rdb); err != nil {
		log.Warn("redis may lose the exactly-once store; stories could be delivered twice after a Redis restart", zap.Error(err))
	}
}

// startup is what the stage checks before it consumes: read its input (and,
// delivering exactly once, its output, which a recovered claim reads back),
// write its output and DLQ, join its group, and use its Redis keys.
func (st Stage) startup(bc broker.Config, rc redisconn.Config, rdb redis.UniversalClient, sc stage.Config, wait time.Duration) Startup {
	need := broker.Need{Read: []string{sc.Input}, Write: []string{sc.Output, sc.DLQ}, Groups: []string{sc.Group}}
	prefixes := append([]string(nil), st.RedisPrefixes...)
	if st.ExactlyOnce {
		need.Read = append(need.Read, sc.Output)
		prefixes = append(prefixes, once.DefaultPrefix)
	}
	return Startup{Kafka: bc, Need: need, Redis: rdb, RedisConfig: rc, RedisPrefixes: prefixes, Timeout: wait}
}
