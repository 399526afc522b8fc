package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/segmentio/kafka-go"
	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/cleaner"
	"github.com/newsflow/newsflow/pkg/dedup"
	"github.com/newsflow/newsflow/pkg/devstack"
	"github.com/newsflow/newsflow/pkg/enrich"
	"github.com/newsflow/newsflow/pkg/enricher"
	newsflowv1 "github.com/newsflow/newsflow/pkg/gen/newsflow/v1"
	"github.com/newsflow/newsflow/pkg/lag"
	"github.com/newsflow/newsflow/pkg/logging"
	"github.com/newsflow/newsflow/pkg/once"
	"github.com/newsflow/newsflow/pkg/stage"
	"github.com/newsflow/newsflow/pkg/templates"
	"github.com/newsflow/newsflow/pkg/topics"
	"github.com/newsflow/newsflow/pkg/wire"
)

type devOptions struct {
	json       bool
	follow     bool
	verbose    bool
	partitions int
	timeout    time.Duration
}

func newDevCmd() *cobra.Command {
	o := devOptions{}
	cmd := &cobra.Command{
		Use:   "dev [FILE|FOLDER|URL|-|sample:seed-article]...",
		Short: "Run the whole pipeline in one process on an embedded Kafka and Redis",
		Long: `dev starts an embedded Kafka cluster and an embedded Redis inside this process,
creates newsflow's topics, runs the cleaner and enricher stages against them, puts
the given pages on news.raw and prints each enriched story as it arrives on
news.enriched. Nothing needs to be installed. It exits when every page has been
processed (or dead-lettered), unless --follow is given. Without pages it runs the
built-in sample, the news page dump newsflow was born from.`,
		Example: `  newsctl dev
  newsctl dev ../shared/samples/seed-article.txt
  newsctl dev ./pages/ --json
  newsctl dev https://example.com/news/story.html`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{defaultSample}
			}
			return runDev(cmd.Context(), cmd.OutOrStdout(), args, o)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.json, "json", false, "print each enriched story as one line of protobuf JSON")
	f.BoolVar(&o.follow, "follow", false, "keep running after the inputs are processed (Ctrl-C stops)")
	f.BoolVar(&o.verbose, "verbose", false, "log what the stages do")
	f.IntVar(&o.partitions, "partitions", 3, "partitions of the embedded topics")
	f.DurationVar(&o.timeout, "timeout", 2*time.Minute, "give up when the pages are not through by then")
	return cmd
}

func runDev(ctx context.Context, stdout io.Writer, args []string, o devOptions) error {
	inputs, err := expandInputs(args)
	if err != nil {
		return err
	}
	level := "warn"
	if o.verbose {
		level = "debug"
	}
	log, err := logging.New("newsctl-dev", logging.Config{Level: level, Format: "console"})
	if err != nil {
		return err
	}
	started := time.Now()
	stack, err := devstack.Start(ctx, o.partitions)
	if err != nil {
		return err
	}
	defer stack.Close()

	en, err := enrich.New()
	if err != nil {
		return err
	}
	rdb := redis.NewClient(&redis.Options{Addr: stack.Redis.Addr()})
	defer rdb.Close()
	ix, err := dedup.NewIndex(rdb, dedup.Config{})
	if err != nil {
		return err
	}
	clean := cleaner.New(cleaner.WithDedup(ix), cleaner.WithTemplates(templates.New(rdb, templates.Config{}), templates.FilterOptions{}))
	stages := []struct {
		name, in, out string
		bh            stage.BatchHandler
		h             stage.Handler
	}{
		{"cleaner", topics.Raw, topics.Cleaned, clean.BatchHandler(), nil},
		{"enricher", topics.Cleaned, topics.Enriched, nil, enricher.New(en, nil).Handler()},
	}
	runCtx, stopStages := context.WithCancel(ctx)
	defer stopStages()
	g, gctx := errgroup.WithContext(runCtx)
	for _, s := range stages {
		cfg := devStageConfig(s.name, s.in, s.out)
		// each story once, as in production: the stages write through pkg/once
		prod := once.NewKafkaProducer(stack.Broker, once.KafkaOptions{})
		defer prod.Close()
		logr := once.NewKafkaLog(stack.Broker)
		defer logr.Close()
		sink, err := once.New(rdb, prod, logr, once.Config{Owner: "newsctl-dev-" + s.name, Logger: log.Named(s.name)})
		if err != nil {
			return err
		}
		opts := []stage.Option{stage.WithLogger(log.Named(s.name)), stage.WithSink(sink)}
		var r *stage.Runner
		if s.bh != nil {
			r, err = stage.NewBatch(cfg, stack.Broker, s.bh, opts...)
		} else {
			r, err = stage.New(cfg, stack.Broker, s.h, opts...)
		}
		if err != nil {
			return err
		}
		g.Go(func() error { return r.Run(gctx) })
	}

	fed, err := feed(ctx, stack.Broker, inputs)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "newsflow dev: embedded Kafka %s and Redis %s up in %s; %d page(s) on %s\n",
		strings.Join(stack.Broker.Brokers, ","), stack.Redis.Addr(), time.Since(started).Round(time.Millisecond), fed, topics.Raw)

	printed, err := tailUntilDone(ctx, stdout, stack.Broker, o)
	stopStages()
	if gerr := g.Wait(); gerr != nil && err == nil {
		err = gerr
	}
	dead := countRecords(context.WithoutCancel(ctx), stack.Broker, topics.DLQ(topics.Raw), topics.DLQ(topics.Cleaned))
	fmt.Fprintf(stdout, "newsflow dev: %d page(s) in, %d story(ies) out, %d dead-lettered, in %s\n",
		fed, printed, dead, time.Since(started).Round(time.Millisecond))
	return err
}

func devStageConfig(name, in, out string) stage.Config {
	return stage.Config{
		Name: name, Group: "newsflow-" + name, Input: in, Output: out, DLQ: topics.DLQ(in),
		BatchSize: 50, BatchWait: 2 * time.Millisecond, MaxInFlight: 8, MaxAttempts: 3,
		RetryBackoff: 50 * time.Millisecond, MaxBackoff: time.Second, DrainTimeout: 5 * time.Second,
		SessionTimeout: 6 * time.Second, HeartbeatInterval: time.Second, FetchMaxBytes: 16 << 20, MaxInFlightBytes: 32 << 20,
	}
}

// feed loads every input and writes it to news.raw.
func feed(ctx context.Context, bc broker.Config, inputs []string) (int, error) {
	sink := stage.NewKafkaSink(bc, stage.SinkOptions{})
	defer sink.Close()
	var outs []stage.Output
	for _, in := range inputs {
		raw, err := loadPage(ctx, in, pageURLFor(in))
		if err != nil {
			return 0, err
		}
		value, headers, err := wire.Encode(raw)
		if err != nil {
			return 0, err
		}
		outs = append(outs, stage.Output{Topic: topics.Raw, Key: []byte(in), Value: value, Headers: headers})
	}
	if err := sink.Write(ctx, outs); err != nil {
		return 0, fmt.Errorf("put pages on %s: %w", topics.Raw, err)
	}
	return len(outs), nil
}

func pageURLFor(src string) string {
	if isURL(src) {
		return src
	}
	return ""
}

// tailUntilDone prints enriched stories until both stages have committed
// everything on their inputs and every output has been printed (or, with
// --follow, until ctx ends).
func tailUntilDone(ctx context.Context, w io.Writer, bc broker.Config, o devOptions) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	if o.follow {
		cancel()
		ctx, cancel = context.WithCancel(context.WithoutCancel(ctx))
	}
	defer cancel()
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: bc.Brokers, Dialer: bc.Dialer(), GroupID: "newsctl-dev-tail",
		Topic: topics.Enriched, StartOffset: kafka.FirstOffset, MaxWait: 100 * time.Millisecond, CommitInterval: 0})
	defer r.Close()

	var mu sync.Mutex
	printed := 0
	done := make(chan struct{})
	if !o.follow {
		go func() {
			defer close(done)
			client := bc.Client()
			defer broker.CloseClient(client)
			for {
				select {
				case <-ctx.Done():
					return
				case <-time.After(100 * time.Millisecond):
				}
				mu.Lock()
				n := printed
				mu.Unlock()
				if idle(ctx, client, n) {
					cancel()
					return
				}
			}
		}()
	}
	for {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			if ctx.Err() != nil {
				<-doneOrClosed(done, o.follow)
				if !o.follow && context.Cause(ctx) == context.DeadlineExceeded {
					return printed, fmt.Errorf("pages not through after %s", o.timeout)
				}
				return printed, nil
			}
			return printed, fmt.Errorf("read %s: %w", topics.Enriched, err)
		}
		var story newsflowv1.EnrichedArticle
		if err := wire.Decode(stage.FromKafka(m), &story); err != nil {
			return printed, err
		}
		printStory(w, &story, o.json)
		mu.Lock()
		printed++
		mu.Unlock()
	}
}

func doneOrClosed(done chan struct{}, follow bool) <-chan struct{} {
	if follow {
		c := make(chan struct{})
		close(c)
		return c
	}
	return done
}

// idle reports whether both stages have committed all their input and the
// printed count covers news.enriched.
func idle(ctx context.Context, c *kafka.Client, printed int) bool {
	for group, topic := range map[string]string{"newsflow-cleaner": topics.Raw, "newsflow-enricher": topics.Cleaned} {
		ps, err := lag.Of(ctx, c, group, topic)
		if err != nil || lag.Total(ps) > 0 {
			return false
		}
		for _, p := range ps {
			if p.End > 0 && p.Committed < 0 {
				return false
			}
		}
	}
	ps, err := lag.Of(ctx, c, "newsctl-dev-tail", topics.Enriched)
	if err != nil {
		return false
	}
	var total int64
	for _, p := range ps {
		total += p.End
	}
	return int64(printed) >= total
}

func countRecords(ctx context.Context, bc broker.Config, names ...string) int64 {
	var n int64
	c := bc.Client()
	defer broker.CloseClient(c)
	for _, t := range names {
		ps, err := lag.Offsets(ctx, c, t)
		if err != nil {
			continue
		}
		for _, p := range ps {
			n += p.End - p.Start
		}
	}
	return n
}

func printStory(w io.Writer, s *newsflowv1.EnrichedArticle, asJSON bool) {
	if asJSON {
		b, _ := protojson.MarshalOptions{}.Marshal(s)
		fmt.Fprintln(w, string(b))
		return
	}
	printStoryText(w, s)
}

func printStoryText(w io.Writer, s *newsflowv1.EnrichedArticle) {
	a := s.GetArticle()
	fmt.Fprintf(w, "\n== %s\n", a.GetTitle())
	fmt.Fprintf(w, "   story %s  lang %s  words %d  revision %d\n", a.GetStoryId(), s.GetLanguage(), a.GetWordCount(), s.GetRevision())
	if a.GetCanonicalUrl() != "" {
		fmt.Fprintf(w, "   url %s\n", a.GetCanonicalUrl())
	}
	if c := s.GetCategory(); c != nil {
		fmt.Fprintf(w, "   topic %s (%.2f)  sentiment %+.2f  reading %ds\n", c.GetLabel(), c.GetConfidence(), s.GetSentiment(), s.GetReadingTimeSeconds())
	}
	byType := map[newsflowv1.EntityType][]string{}
	for _, e := range s.GetEntities() {
		name := e.GetName()
		if e.GetCountryCode() != "" {
			name += " " + e.GetCountryCode()
		}
		byType[e.GetType()] = append(byType[e.GetType()], name)
	}
	for _, t := range []struct {
		label string
		typ   newsflowv1.EntityType
	}{{"people", newsflowv1.EntityType_ENTITY_TYPE_PERSON}, {"orgs", newsflowv1.EntityType_ENTITY_TYPE_ORG}, {"places", newsflowv1.EntityType_ENTITY_TYPE_PLACE}} {
		if len(byType[t.typ]) > 0 {
			fmt.Fprintf(w, "   %-7s %s\n", t.label, strings.Join(byType[t.typ], ", "))
		}
	}
	var kws []string
	for _, k := range s.GetKeywords() {
		kws = append(kws, k.GetText())
	}
	if len(kws) > 0 {
		fmt.Fprintf(w, "   keywords %s\n", strings.Join(kws, ", "))
	}
	for _, sentence := range s.GetSummary() {
		fmt.Fprintf(w, "   > %s\n", sentence)
	}
}
