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
	"syscall"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/config"
	"github.com/newsflow/newsflow/pkg/logging"
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
	// OpsAddr is the default ops listen address.
	OpsAddr string
	// Flags registers the stage's own flags; Validate checks them after parsing.
	Flags    func(s *config.Set)
	Validate func() error
	// Build makes the handler and, optionally, the output sink (nil: at-least-once KafkaSink).
	Build func(ctx context.Context, d Deps) (stage.Handler, stage.Sink, error)
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
		bc   broker.Config
		rc   redisconn.Config
		sc   stage.Config
		lc   logging.Config
		addr string
	)
	set := config.New(st.Name, st.Summary)
	set.SetOutput(stderr)
	bc.Register(set, "newsflow-"+st.Name)
	rc.Register(set)
	sc.Register(set, st.Name, st.Group, st.Input, st.Output, st.Input+".dlq")
	lc.Register(set)
	set.StringVar(&addr, "ops-addr", st.OpsAddr, "listen address of /healthz, /readyz and /metrics")
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

	rdb, err := rc.Client()
	if err != nil {
		return err
	}
	defer rdb.Close()

	srv := ops.New(addr, log)
	if err := srv.Listen(); err != nil {
		return err
	}
	srv.AddCheck("kafka", bc.Ping)
	srv.AddCheck("redis", func(ctx context.Context) error { return redisconn.Ping(ctx, rdb) })

	handler, sink, err := st.Build(ctx, Deps{Log: log, Registry: srv.Registry(), Redis: rdb, Broker: bc, Stage: sc})
	if err != nil {
		return fmt.Errorf("build %s: %w", st.Name, err)
	}
	opts := []stage.Option{stage.WithLogger(log), stage.WithRegisterer(srv.Registry()), stage.WithStatus(srv)}
	if sink != nil {
		opts = append(opts, stage.WithSink(sink))
	}
	runner, err := stage.New(sc, bc, handler, opts...)
	if err != nil {
		return err
	}

	opsCtx, stopOps := context.WithCancel(context.WithoutCancel(ctx))
	opsDone := make(chan error, 1)
	go func() { opsDone <- srv.Serve(opsCtx) }()

	log.Info("starting", zap.Strings("brokers", bc.Brokers), zap.String("redis", rc.Redacted()), zap.String("ops", srv.Addr()))
	runErr := runner.Run(ctx)
	log.Info("stopped", zap.NamedError("reason", context.Cause(ctx)))
	stopOps()
	if err := <-opsDone; err != nil {
		log.Warn("ops server", zap.Error(err))
	}
	return runErr
}
