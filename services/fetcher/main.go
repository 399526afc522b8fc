// Command fetcher discovers news pages from the configured feeds, sitemaps
// and pages, and from URLs submitted to its API, fetches them politely and
// safely, and writes each page to news.raw. Run with --help for every
// setting; each flag is also a NEWSFLOW_* environment variable.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/config"
	"github.com/newsflow/newsflow/pkg/fetch"
	"github.com/newsflow/newsflow/pkg/fetch/guard"
	"github.com/newsflow/newsflow/pkg/fetch/sources"
	"github.com/newsflow/newsflow/pkg/fetch/submitapi"
	"github.com/newsflow/newsflow/pkg/logging"
	"github.com/newsflow/newsflow/pkg/ops"
	"github.com/newsflow/newsflow/pkg/redisconn"
	"github.com/newsflow/newsflow/pkg/service"
	"github.com/newsflow/newsflow/pkg/stage"
	"github.com/newsflow/newsflow/pkg/topics"
)

// version is the release, stamped at build time (-ldflags "-X main.version=v1.2.3").
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	err := run(ctx, os.Args[1:], os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(os.Stderr, "fetcher: %v\n", err)
		os.Exit(1)
	}
}

// settings are the fetcher's own flags, beside the shared Kafka, Redis and
// logging ones.
type settings struct {
	opsAddr, apiAddr, apiTokenFile, apiToken string
	sourcesFile                              string
	sourcesReload                            time.Duration
	botName, contactURL, robotsAgent         string
	allowCIDRs, allowHosts                   []string
	submitMaxURLs                            int
	connectTimeout                           time.Duration
	startupTimeout                           time.Duration
	profiling                                bool
	memoryLimit                              int64
	cfg                                      fetch.Config
}

func (s *settings) register(set *config.Set) {
	c := &s.cfg
	p := &c.Politeness
	set.StringVar(&s.opsAddr, "ops-addr", ":9101", "listen address of /healthz, /readyz and /metrics")
	// Pages of up to --max-page-bytes are held while fetched, decoded and
	// produced; a soft limit keeps bursts of large pages from growing the
	// heap to twice its live size (pkg/service.ApplyMemoryLimit).
	service.RegisterMemoryLimit(set, &s.memoryLimit, 200<<20)
	set.BoolVar(&s.profiling, "pprof", false, "also serve /debug/pprof on the ops port (CPU and heap profiles; keep that port private)")
	set.StringVar(&s.apiAddr, "api-addr", ":8080", `listen address of the submit API (POST /v1/submit); "" disables the API`)
	set.StringVar(&s.apiTokenFile, "api-token-file", "", "file holding the API bearer token (a mounted Secret; re-read when it changes)")
	set.StringVar(&s.apiToken, "api-token", "", "API bearer token (prefer the environment variable or --api-token-file: flags show in ps)")
	set.IntVar(&s.submitMaxURLs, "submit-max-urls", 100, "most URLs in one submit request")
	set.StringVar(&s.sourcesFile, "sources", "", "YAML file of feeds, sitemaps and pages to poll (re-read on change); empty: submitted URLs only")
	set.DurationVar(&s.sourcesReload, "sources-reload", 10*time.Second, "how often the sources file is checked for changes")
	set.StringVar(&s.botName, "bot-name", "newsflow-fetcher/1.0", "product name and version at the start of the User-Agent")
	set.StringVar(&s.contactURL, "contact-url", "", "http(s) URL where site owners learn about the bot and reach its operator (required; sent in the User-Agent)")
	set.StringVar(&s.robotsAgent, "robots-agent", "newsflow", "product token matched against robots.txt User-agent lines")
	set.ListVar(&s.allowCIDRs, "allow-cidrs", nil, "address ranges the SSRF guard lets through although private or loopback (e.g. 10.0.0.0/8 for an intranet)")
	set.ListVar(&s.allowHosts, "allow-hosts", nil, `host names whose addresses are not checked by the SSRF guard (".corp.example" matches subdomains)`)
	set.StringVar(&c.Topic, "topic", topics.Raw, "topic fetched pages are written to")
	set.DurationVar(&p.HostInterval, "host-interval", time.Second, "least time between two requests to one host, across all replicas (a larger Crawl-delay wins)")
	set.DurationVar(&p.MaxCrawlDelay, "max-crawl-delay", time.Minute, "largest robots.txt Crawl-delay obeyed")
	set.IntVar(&p.Retries, "retries", 2, "retries of a request after a timeout, connect failure, 5xx or 429 (0: none)")
	set.DurationVar(&p.RetryBase, "retry-base", 500*time.Millisecond, "first retry backoff (doubles per retry, with full jitter)")
	set.DurationVar(&p.RetryMax, "retry-max", 30*time.Second, "longest retry backoff; a longer Retry-After ends the fetch")
	set.IntVar(&p.BreakerFailures, "breaker-failures", 5, "consecutive failures of a host that open its circuit breaker")
	set.DurationVar(&p.BreakerOpen, "breaker-open", time.Minute, "how long an open circuit breaker pauses requests to its host")
	set.ByteSizeVar(&c.MaxPageBytes, "max-page-bytes", fetch.DefaultMaxPageBytes, "page body cap; longer pages are cut there and flagged body_truncated")
	set.ByteSizeVar(&c.MaxFeedBytes, "max-feed-bytes", 16<<20, "feed and sitemap cap after decompression; longer ones are refused")
	set.IntVar(&c.MaxRatio, "max-decompression-ratio", 100, "largest expansion of a compressed body past its first MiB (decompression bomb guard)")
	set.IntVar(&c.MaxRedirects, "max-redirects", 5, "most redirects followed per fetch (each hop is re-checked)")
	set.DurationVar(&s.connectTimeout, "connect-timeout", 10*time.Second, "timeout of DNS resolution and TCP connect")
	set.DurationVar(&c.TLSTimeout, "tls-timeout", 10*time.Second, "timeout of the TLS handshake")
	set.DurationVar(&c.HeaderTimeout, "header-timeout", 15*time.Second, "timeout waiting for response headers")
	set.DurationVar(&c.BodyIdleTimeout, "body-idle-timeout", 15*time.Second, "a body that sends nothing for this long fails")
	set.DurationVar(&c.FetchTimeout, "fetch-timeout", 60*time.Second, "timeout of one whole fetch, redirects and body included")
	set.IntVar(&c.Concurrency, "concurrency", 32, "most HTTP requests in flight")
	set.IntVar(&c.ItemWorkers, "item-workers", 4, "pages of one poll fetched at once")
	set.IntVar(&c.SubmitWorkers, "submit-workers", 4, "workers fetching queued submitted URLs")
	set.IntVar(&c.SubmitQueue, "submit-queue", 1000, "most submitted URLs waiting; beyond it the API answers 429")
	set.DurationVar(&c.SeenWindow, "seen-window", 30*24*time.Hour, "how long an emitted feed item is remembered (it is not emitted again within it)")
	set.DurationVar(&c.ClaimLease, "claim-lease", 10*time.Minute, "how long an item stays claimed by a replica that dies while fetching it")
	set.DurationVar(&c.ValidatorTTL, "validator-ttl", 30*24*time.Hour, "how long ETag / Last-Modified of polled documents are kept")
	set.StringVar(&c.KeyPrefix, "key-prefix", "newsflow:fetch:", "prefix of every Redis key of the fetcher")
	set.IntVar(&c.MaxSitemaps, "max-sitemaps", 50, "most child sitemaps of an index read per poll, newest first")
	set.DurationVar(&c.DrainTimeout, "drain-timeout", 30*time.Second, "on SIGTERM, how long in-flight fetches may finish")
	set.DurationVar(&s.startupTimeout, "startup-timeout", 2*time.Minute, "how long the start-up checks of Kafka and Redis retry while a dependency is unreachable or the topic missing; a wrong password, an untrusted certificate or a missing ACL fails at once")
}

// validate checks the settings and names the flag at fault.
func (s *settings) validate() error {
	c := &s.cfg
	u, err := url.Parse(s.contactURL)
	switch {
	case s.contactURL == "":
		return config.Invalid("contact-url", "required: an http(s) URL describing the bot, so site owners can reach its operator")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return config.Invalid("contact-url", "%q is not an absolute http(s) URL", s.contactURL)
	}
	if s.botName == "" || strings.ContainsAny(s.botName, "()\r\n") {
		return config.Invalid("bot-name", "%q must be a non-empty product token such as newsflow-fetcher/1.0", s.botName)
	}
	if s.robotsAgent == "" || strings.ContainsAny(s.robotsAgent, " /\t") {
		return config.Invalid("robots-agent", "%q must be one word such as newsflow", s.robotsAgent)
	}
	if s.apiAddr != "" {
		if _, _, err := net.SplitHostPort(s.apiAddr); err != nil {
			return config.Invalid("api-addr", "%q is not host:port", s.apiAddr)
		}
		if s.apiTokenFile == "" && s.apiToken == "" {
			return config.Invalid("api-token-file", `the API needs a token: set --api-token-file or %s, or disable the API with --api-addr ""`, config.EnvName("api-token"))
		}
	}
	if s.apiTokenFile != "" {
		if b, err := os.ReadFile(s.apiTokenFile); err != nil || strings.TrimSpace(string(b)) == "" {
			return config.Invalid("api-token-file", "cannot read a token from %s: %v", s.apiTokenFile, errOrEmpty(err))
		}
	}
	if _, err := guard.ParsePolicy(s.allowCIDRs, nil); err != nil {
		return config.Invalid("allow-cidrs", "%v", err)
	}
	if _, err := guard.ParsePolicy(nil, s.allowHosts); err != nil {
		return config.Invalid("allow-hosts", "%v", err)
	}
	positive := []struct {
		name string
		v    time.Duration
	}{
		{"sources-reload", s.sourcesReload}, {"host-interval", c.Politeness.HostInterval}, {"max-crawl-delay", c.Politeness.MaxCrawlDelay},
		{"retry-base", c.Politeness.RetryBase}, {"retry-max", c.Politeness.RetryMax}, {"breaker-open", c.Politeness.BreakerOpen},
		{"connect-timeout", s.connectTimeout}, {"tls-timeout", c.TLSTimeout}, {"header-timeout", c.HeaderTimeout},
		{"body-idle-timeout", c.BodyIdleTimeout}, {"fetch-timeout", c.FetchTimeout}, {"seen-window", c.SeenWindow},
		{"claim-lease", c.ClaimLease}, {"validator-ttl", c.ValidatorTTL}, {"drain-timeout", c.DrainTimeout},
		{"startup-timeout", s.startupTimeout},
	}
	for _, p := range positive {
		if p.v <= 0 {
			return config.Invalid(p.name, "must be positive, got %s", p.v)
		}
	}
	counts := []struct {
		name   string
		v, min int
	}{
		{"retries", c.Politeness.Retries, 0}, {"breaker-failures", c.Politeness.BreakerFailures, 1},
		{"max-decompression-ratio", c.MaxRatio, 2}, {"max-redirects", c.MaxRedirects, 1}, {"concurrency", c.Concurrency, 1},
		{"item-workers", c.ItemWorkers, 1}, {"submit-workers", c.SubmitWorkers, 1}, {"submit-queue", c.SubmitQueue, 1},
		{"max-sitemaps", c.MaxSitemaps, 1}, {"submit-max-urls", s.submitMaxURLs, 1},
	}
	for _, n := range counts {
		if n.v < n.min {
			return config.Invalid(n.name, "must be at least %d, got %d", n.min, n.v)
		}
	}
	if c.MaxPageBytes < 1024 {
		return config.Invalid("max-page-bytes", "must be at least 1KiB, got %d", c.MaxPageBytes)
	}
	if c.MaxFeedBytes < 1024 {
		return config.Invalid("max-feed-bytes", "must be at least 1KiB, got %d", c.MaxFeedBytes)
	}
	if c.Topic == "" {
		return config.Invalid("topic", "required")
	}
	if c.KeyPrefix == "" {
		return config.Invalid("key-prefix", "required")
	}
	if s.sourcesFile != "" {
		if _, err := sources.Load(s.sourcesFile); err != nil {
			return config.Invalid("sources", "%v", err)
		}
	}
	return nil
}

func errOrEmpty(err error) error {
	if err == nil {
		return errors.New("the file is empty")
	}
	return err
}

// run parses args, runs the fetcher until ctx ends (SIGTERM) and drains it:
// stop polling, stop the API taking URLs, finish in-flight fetches, flush
// the producer.
func run(ctx context.Context, args []string, stderr io.Writer) error {
	var (
		bc broker.Config
		rc redisconn.Config
		lc logging.Config
		s  settings
	)
	set := config.New("fetcher", "fetcher polls feeds, sitemaps and pages and fetches submitted URLs, politely and safely, into news.raw.")
	set.SetOutput(stderr)
	bc.Register(set, "newsflow-fetcher")
	rc.Register(set)
	lc.Register(set)
	s.register(set)
	if err := set.Parse(args); err != nil {
		return err
	}
	for _, v := range []func() error{bc.Validate, rc.Validate, s.validate} {
		if err := v(); err != nil {
			return err
		}
	}
	log, err := logging.New("fetcher", lc)
	if err != nil {
		return err
	}
	defer func() { _ = log.Sync() }()
	service.ApplyMemoryLimit(log, s.memoryLimit, set.IsSet("memory-limit"))
	rdb, err := rc.Client()
	if err != nil {
		return err
	}
	defer rdb.Close()

	policy, _ := guard.ParsePolicy(s.allowCIDRs, s.allowHosts)
	s.cfg.Guard = guard.New(policy, guard.WithDialTimeout(s.connectTimeout))
	s.cfg.UserAgent = s.botName + " (+" + s.contactURL + ")"
	s.cfg.Politeness.RobotsAgent = s.robotsAgent
	if s.cfg.Politeness.Retries == 0 {
		s.cfg.Politeness.Retries = -1 // the flag's 0 means none; the library's 0 means its default
	}

	srv := ops.New(s.opsAddr, log)
	if s.profiling {
		srv.EnableProfiling()
	}
	if err := srv.Listen(); err != nil {
		return err
	}
	srv.AddCheck("kafka", bc.Ping)
	srv.AddCheck("redis", func(ctx context.Context) error { return redisconn.Ping(ctx, rdb) })
	// Before anything is fetched or produced: reach, trust, log in to and
	// hold the ACLs of Kafka (WRITE on the topic) and Redis (the key prefix).
	if err := service.CheckStartup(ctx, log, service.Startup{Kafka: bc, Need: broker.Need{Write: []string{s.cfg.Topic}},
		Redis: rdb, RedisConfig: rc, RedisPrefixes: []string{s.cfg.KeyPrefix}, Timeout: s.startupTimeout}); err != nil {
		return err
	}

	sink := stage.NewKafkaSink(bc, stage.SinkOptions{BatchBytes: fetch.RecordBatchBytes(s.cfg.MaxPageBytes)})
	f, err := fetch.New(s.cfg, rdb, sink, fetch.WithLogger(log), fetch.WithRegisterer(srv.Registry()))
	if err != nil {
		return err
	}

	var apiSrv *http.Server
	var apiLn net.Listener
	if s.apiAddr != "" {
		token := submitapi.StaticToken(s.apiToken)
		if s.apiTokenFile != "" {
			token = submitapi.FileToken(s.apiTokenFile)
		}
		apiLn, err = net.Listen("tcp", s.apiAddr)
		if err != nil {
			return fmt.Errorf("api listen on %s: %w", s.apiAddr, err)
		}
		apiSrv = &http.Server{
			Handler:           submitapi.Handler(f, token, submitapi.Options{MaxURLs: s.submitMaxURLs, WaitTimeout: 2 * s.cfg.FetchTimeout}),
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       30 * time.Second,
			IdleTimeout:       2 * time.Minute,
		}
	}

	background, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBackground()
	opsDone := make(chan error, 1)
	go func() { opsDone <- srv.Serve(background) }()
	if s.sourcesFile != "" {
		go sources.Watch(ctx, s.sourcesFile, s.sourcesReload, func(srcs []sources.Source) {
			log.Info("sources loaded", zap.String("file", s.sourcesFile), zap.Int("sources", len(srcs)))
			f.SetSources(srcs)
		}, f.SourcesError)
	}
	apiDone := make(chan error, 1)
	if apiSrv != nil {
		go func() {
			if err := apiSrv.Serve(apiLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
				apiDone <- fmt.Errorf("api server: %w", err)
				return
			}
			apiDone <- nil
		}()
	} else {
		apiDone <- nil
	}
	ops.RegisterBuildInfo(srv.Registry(), "fetcher", version)
	log.Info("starting", zap.String("version", version), zap.Strings("brokers", bc.Brokers), zap.String("redis", rc.Redacted()), zap.String("ops", srv.Addr()),
		zap.String("api", s.apiAddr), zap.String("sources", s.sourcesFile), zap.String("user_agent", s.cfg.UserAgent))

	runDone := make(chan error, 1)
	go func() { runDone <- f.Run(ctx) }()
	select {
	case <-ctx.Done():
	case err := <-apiDone:
		if err != nil { // the API died under us: stop everything
			log.Error("api server failed", zap.Error(err))
			stopBackground()
			<-runDone
			_ = sink.Close()
			return err
		}
		<-ctx.Done()
	}
	// SIGTERM: the fetcher stops polling and drains; meanwhile the API stops
	// accepting connections and lets its in-flight requests finish (new
	// submissions get 503 from the stopping fetcher). Then flush the producer.
	apiClosed := make(chan struct{})
	go func() {
		defer close(apiClosed)
		if apiSrv != nil {
			sctx, cancel := context.WithTimeout(context.Background(), s.cfg.DrainTimeout)
			defer cancel()
			_ = apiSrv.Shutdown(sctx)
		}
	}()
	runErr := <-runDone
	<-apiClosed
	if err := sink.Close(); err != nil {
		log.Warn("producer flush", zap.Error(err))
	}
	log.Info("stopped", zap.NamedError("reason", context.Cause(ctx)))
	stopBackground()
	if err := <-opsDone; err != nil {
		log.Warn("ops server", zap.Error(err))
	}
	return runErr
}
