// Package fetch is newsflow's front door: it polls the configured feeds,
// sitemaps and pages, fetches the page of every new item, and writes each
// page to news.raw as a RawArticle, once; it also fetches URLs submitted
// through the API (package submitapi).
//
// Every request goes through the same polite, safe path: robots.txt
// (package robots), a per-host rate limit shared by all replicas through
// Redis (package ratelimit), a per-host circuit breaker, retries with
// backoff and jitter, and an HTTP client with an SSRF guard, phase
// timeouts, a streamed body cap and a decompression-bomb guard (packages
// safehttp and guard). Polled documents are fetched with conditional GET,
// their validators kept in Redis, so an unchanged feed costs a 304.
//
// Emit-once: an item's identity (see sources.Identity) is claimed in Redis
// with SET NX and a short lease before its page is fetched, confirmed as
// done for the seen window once the page is on news.raw, and released on a
// transient failure so a later poll tries again. A replica that dies
// mid-fetch loses nothing: its lease expires. The one duplicate left
// possible is a crash between the broker's acknowledgement and the confirm;
// the cleaner's URL dedup absorbs it.
//
// Oversized pages are cut at the cap and flagged body_truncated (the story
// is near the top and the cleaner handles unclosed markup); oversized feeds
// and sitemaps are refused, since a cut XML document silently loses items.
package fetch

import (
	"context"
	crand "crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/newsflow/newsflow/pkg/fetch/feeds"
	"github.com/newsflow/newsflow/pkg/fetch/guard"
	"github.com/newsflow/newsflow/pkg/fetch/ratelimit"
	"github.com/newsflow/newsflow/pkg/fetch/safehttp"
	"github.com/newsflow/newsflow/pkg/fetch/sources"
	"github.com/newsflow/newsflow/pkg/fetch/submitapi"
	newsflowv1 "github.com/newsflow/newsflow/pkg/gen/newsflow/v1"
	"github.com/newsflow/newsflow/pkg/stage"
	"github.com/newsflow/newsflow/pkg/topics"
	"github.com/newsflow/newsflow/pkg/urlnorm"
	"github.com/newsflow/newsflow/pkg/wire"
)

// Sink is where fetched pages go (a stage.KafkaSink in production).
type Sink interface {
	Write(ctx context.Context, outs []stage.Output) error
}

// Config configures a Fetcher. Zero fields take the documented defaults;
// UserAgent and Guard are required.
type Config struct {
	// UserAgent is sent with every request; it must carry a contact URL.
	UserAgent string
	// Guard is the SSRF guard every connection goes through.
	Guard *guard.Guard
	// Topic is where pages are written (default news.raw).
	Topic string
	// Politeness: robots.txt, rate limit, retries, circuit breaker.
	Politeness Politeness
	// MaxPageBytes caps a page body (default 5 MiB; longer pages are cut and flagged).
	MaxPageBytes int64
	// MaxFeedBytes caps a feed or sitemap, after decompression (default 16 MiB; longer ones are refused).
	MaxFeedBytes int64
	// MaxRatio is the largest decompression ratio accepted (default 100).
	MaxRatio int
	// MaxRedirects per fetch (default 5).
	MaxRedirects int
	// Timeouts of the phases of one request (defaults: TLS 10s, headers 15s,
	// body idle 15s, whole fetch 60s). The connect timeout is the guard's.
	TLSTimeout, HeaderTimeout, BodyIdleTimeout, FetchTimeout time.Duration
	// Concurrency is the most HTTP requests in flight (default 32).
	Concurrency int
	// ItemWorkers is how many pages of one poll are fetched at once (default 4).
	ItemWorkers int
	// SubmitWorkers fetch queued submitted URLs (default 4); SubmitQueue
	// is the most URLs queued (default 1000).
	SubmitWorkers, SubmitQueue int
	// SeenWindow is how long an emitted item is remembered (default 30 days).
	SeenWindow time.Duration
	// ClaimLease is how long a claimed item stays claimed by a replica that
	// does not finish it (default 10m).
	ClaimLease time.Duration
	// ValidatorTTL is how long ETag / Last-Modified are kept (default 30 days).
	ValidatorTTL time.Duration
	// KeyPrefix of every Redis key (default "newsflow:fetch:").
	KeyPrefix string
	// MaxSitemaps is the most child sitemaps of an index read per poll,
	// newest first (default 50).
	MaxSitemaps int
	// DrainTimeout bounds how long Run waits for in-flight fetches after
	// its context ends (default 30s).
	DrainTimeout time.Duration
}

// DefaultMaxPageBytes is the page body cap when Config.MaxPageBytes is 0.
const DefaultMaxPageBytes = 5 << 20

// RecordBatchBytes is the largest record batch the fetcher writes to the raw
// topic for pages of at most maxPageBytes: one page of the largest size and
// its fields. Consumers decompress a whole record batch at once (kafka-go
// does), so this, not the fetch size, sets the cleaner's buffer per
// partition; batches of 16 MiB cost it about 30 MiB more heap at saturation.
func RecordBatchBytes(maxPageBytes int64) int64 { return maxPageBytes + 1<<20 }

func (c *Config) defaults() {
	if c.Topic == "" {
		c.Topic = topics.Raw
	}
	if c.MaxPageBytes <= 0 {
		c.MaxPageBytes = DefaultMaxPageBytes
	}
	if c.MaxFeedBytes <= 0 {
		c.MaxFeedBytes = 16 << 20
	}
	if c.MaxRatio <= 0 {
		c.MaxRatio = 100
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 32
	}
	if c.ItemWorkers <= 0 {
		c.ItemWorkers = 4
	}
	if c.SubmitWorkers <= 0 {
		c.SubmitWorkers = 4
	}
	if c.SubmitQueue <= 0 {
		c.SubmitQueue = 1000
	}
	if c.SeenWindow <= 0 {
		c.SeenWindow = 30 * 24 * time.Hour
	}
	if c.ClaimLease <= 0 {
		c.ClaimLease = 10 * time.Minute
	}
	if c.ValidatorTTL <= 0 {
		c.ValidatorTTL = 30 * 24 * time.Hour
	}
	if c.KeyPrefix == "" {
		c.KeyPrefix = "newsflow:fetch:"
	}
	if c.MaxSitemaps <= 0 {
		c.MaxSitemaps = 50
	}
	if c.DrainTimeout <= 0 {
		c.DrainTimeout = 30 * time.Second
	}
}

// Option configures a Fetcher.
type Option func(*Fetcher)

// WithLogger sets the logger (default: none).
func WithLogger(l *zap.Logger) Option { return func(f *Fetcher) { f.log = l } }

// WithRegisterer registers the fetcher's metrics (default: not registered).
func WithRegisterer(r prometheus.Registerer) Option { return func(f *Fetcher) { f.reg = r } }

// WithLimiter replaces the shared Redis rate limiter.
func WithLimiter(l RateLimiter) Option { return func(f *Fetcher) { f.limiter = l } }

// Fetcher polls sources and fetches pages into news.raw.
type Fetcher struct {
	cfg     Config
	log     *zap.Logger
	reg     prometheus.Registerer
	limiter RateLimiter
	m       *metrics
	st      *store
	g       *getter
	client  *safehttp.Client
	sink    Sink
	sem     chan struct{}

	mu       sync.Mutex
	srcs     map[string]*sched
	sitemaps map[string]sitemapShape // what each polled sitemap URL turned out to be
	stopped  bool
	wake     chan struct{}
	queue    chan string
	closing  chan struct{} // closed once stopped is set: submit workers drain and exit
}

// sched is the polling state of one source.
type sched struct {
	src      sources.Source
	interval time.Duration
	next     time.Time
	running  bool
}

type sitemapShape struct {
	index    bool
	children []feeds.SitemapRef
}

// New returns a Fetcher that keeps its state in rdb and writes pages to sink.
func New(cfg Config, rdb redis.UniversalClient, sink Sink, opts ...Option) (*Fetcher, error) {
	if cfg.UserAgent == "" {
		return nil, errors.New("fetch: Config.UserAgent is required (name the bot and a contact URL)")
	}
	if cfg.Guard == nil {
		return nil, errors.New("fetch: Config.Guard is required")
	}
	cfg.defaults()
	f := &Fetcher{cfg: cfg, log: zap.NewNop(), sink: sink, srcs: map[string]*sched{}, sitemaps: map[string]sitemapShape{},
		wake: make(chan struct{}, 1), queue: make(chan string, cfg.SubmitQueue), closing: make(chan struct{}), sem: make(chan struct{}, cfg.Concurrency)}
	for _, o := range opts {
		o(f)
	}
	f.m = newMetrics(f.reg)
	if f.limiter == nil {
		f.limiter = ratelimit.New(rdb, ratelimit.Options{Prefix: cfg.KeyPrefix, MaxWait: time.Minute})
	}
	client, err := safehttp.New(safehttp.Options{
		Guard: cfg.Guard, UserAgent: cfg.UserAgent, MaxRedirects: cfg.MaxRedirects,
		TLSHandshakeTimeout: cfg.TLSTimeout, HeaderTimeout: cfg.HeaderTimeout, BodyIdleTimeout: cfg.BodyIdleTimeout,
		Timeout: cfg.FetchTimeout, MaxBodyBytes: cfg.MaxPageBytes, MaxRatio: cfg.MaxRatio,
	})
	if err != nil {
		return nil, err
	}
	f.client = client
	f.g = newGetter(client, f.limiter, cfg.Politeness, f.m, f.log)
	f.g.sem = f.sem
	f.st = &store{rdb: rdb, prefix: cfg.KeyPrefix, owner: ownerID(), window: cfg.SeenWindow, lease: cfg.ClaimLease, validatorTTL: cfg.ValidatorTTL}
	return f, nil
}

func ownerID() string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = crand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// SetSources replaces the polled sources. Unchanged sources keep their
// schedule; new and changed ones are polled soon, spread over a few seconds.
func (f *Fetcher) SetSources(srcs []sources.Source) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now()
	keep := make(map[string]bool, len(srcs))
	for _, src := range srcs {
		keep[src.Name] = true
		s, ok := f.srcs[src.Name]
		if ok && s.src.Equal(src) {
			continue
		}
		stagger := time.Duration(rand.Int64N(int64(min(src.Interval, 5*time.Second)) + 1))
		if ok {
			s.src, s.interval = src, src.Interval
			if s.next.After(now.Add(stagger)) {
				s.next = now.Add(stagger)
			}
			continue
		}
		f.srcs[src.Name] = &sched{src: src, interval: src.Interval, next: now.Add(stagger)}
	}
	for name := range f.srcs {
		if s := f.srcs[name]; !keep[name] {
			delete(f.sitemaps, s.src.URL)
			delete(f.srcs, name)
			f.m.interval.DeleteLabelValues(name)
		}
	}
	f.m.sources.Set(float64(len(f.srcs)))
	f.m.reloads.WithLabelValues("ok").Inc()
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// SourcesError records a sources file that failed to load (the previous
// sources stay in force).
func (f *Fetcher) SourcesError(err error) {
	f.m.reloads.WithLabelValues("error").Inc()
	f.log.Error("sources file not loaded; keeping the previous sources", zap.Error(err))
}

// Run polls the sources and fetches submitted URLs until ctx ends. It then
// stops starting new work, lets in-flight fetches finish (up to
// DrainTimeout), fetches the URLs still queued within the same time, and
// returns. Closing the sink is the caller's job.
func (f *Fetcher) Run(ctx context.Context) error {
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	var wg sync.WaitGroup
	for i := 0; i < f.cfg.SubmitWorkers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f.submitWorker(work)
		}()
	}
	f.scheduleLoop(ctx, work, &wg)

	f.mu.Lock()
	f.stopped = true
	queued := len(f.queue)
	close(f.closing)
	f.mu.Unlock()
	f.log.Info("stopping: finishing in-flight fetches", zap.Int("queued_submits", queued), zap.Duration("drain_timeout", f.cfg.DrainTimeout))
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(f.cfg.DrainTimeout):
		f.log.Warn("drain timeout: cancelling fetches still in flight", zap.Duration("after", f.cfg.DrainTimeout))
		cancelWork()
		<-done
	}
	f.client.CloseIdleConnections()
	return nil
}

func (f *Fetcher) scheduleLoop(stop, work context.Context, wg *sync.WaitGroup) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		now := time.Now()
		nextWake := now.Add(time.Second)
		var due []*sched
		f.mu.Lock()
		for _, s := range f.srcs {
			if s.running {
				continue
			}
			if !s.next.After(now) {
				s.running = true
				due = append(due, s)
			} else if s.next.Before(nextWake) {
				nextWake = s.next
			}
		}
		f.mu.Unlock()
		for _, s := range due {
			wg.Add(1)
			go func() {
				defer wg.Done()
				f.runPoll(stop, work, s)
			}()
		}
		timer.Reset(time.Until(nextWake))
		select {
		case <-stop.Done():
			return
		case <-f.wake:
		case <-timer.C:
		}
	}
}

// runPoll polls one due source and sets its next poll time: sooner when
// it had new items, later when it had none or failed, always within the
// source's bounds, with ±10% jitter so sources do not synchronise.
func (f *Fetcher) runPoll(stop, work context.Context, s *sched) {
	f.mu.Lock()
	src, interval := s.src, s.interval
	f.mu.Unlock()
	log := f.log.With(zap.String("source", src.Name))

	var res PollResult
	var err error
	result := "unchanged"
	leased, lerr := f.st.pollLease(work, src.Name, max(interval*8/10, time.Second))
	switch {
	case lerr != nil:
		err = withClass(ClassRedis, lerr)
	case !leased:
		result = "leased_elsewhere"
	default:
		res, err = f.poll(stop, work, src)
	}
	if err != nil {
		log.Warn("poll failed", zap.String("class", Class(err)), zap.Error(err))
	} else if res.New > 0 {
		log.Info("polled", zap.Int("items", res.Items), zap.Int("new", res.New), zap.Int("emitted", res.Emitted),
			zap.Int("failed", res.Failed), zap.Int("deferred", res.Deferred))
	}
	if leased || lerr != nil {
		result = pollOutcome(res, err)
		interval = nextInterval(src, interval, res, err)
	}
	f.m.polls.WithLabelValues(src.Name, result).Inc()
	f.m.interval.WithLabelValues(src.Name).Set(interval.Seconds())

	jitter := time.Duration(rand.Int64N(int64(interval)/5+1)) - interval/10
	f.mu.Lock()
	s.running = false
	if cur, ok := f.srcs[src.Name]; ok && cur == s && s.src.Equal(src) {
		s.interval = interval
		s.next = time.Now().Add(interval + jitter)
	}
	f.mu.Unlock()
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// pollOutcome names a poll's result for the polls_total metric.
func pollOutcome(res PollResult, err error) string {
	switch {
	case err != nil:
		return "error"
	case res.NotModified:
		return "not_modified"
	case res.New > 0:
		return "changed"
	}
	return "unchanged"
}

// nextInterval adapts a source's poll interval: halved after a poll that
// found new items (busy feeds are read more often), 1.5 times longer after
// one that found nothing, doubled after a failure; always within
// [MinInterval, MaxInterval].
func nextInterval(src sources.Source, cur time.Duration, res PollResult, err error) time.Duration {
	var next time.Duration
	switch {
	case err != nil:
		next = cur * 2
	case res.New > 0:
		next = cur / 2
	default:
		next = cur * 3 / 2
	}
	return min(src.MaxInterval, max(src.MinInterval, next))
}

// PollResult is what one poll of a source did.
type PollResult struct {
	// NotModified: the server answered 304 (for an index: it and every child).
	NotModified bool
	// Items found in the document(s); Old of them skipped by max_age.
	Items, Old int
	// New items claimed by this poll; Seen were emitted before (or are in flight elsewhere).
	New, Seen int
	// Emitted pages; Failed for good (marked done); Deferred to the next poll.
	Emitted, Failed, Deferred int
	// Complete: every item was dealt with, so the document's validators were stored.
	Complete bool
}

func (r *PollResult) add(o PollResult) {
	r.Items += o.Items
	r.Old += o.Old
	r.New += o.New
	r.Seen += o.Seen
	r.Emitted += o.Emitted
	r.Failed += o.Failed
	r.Deferred += o.Deferred
}

// Poll polls one source once, now, and returns when its pages are written.
func (f *Fetcher) Poll(ctx context.Context, src sources.Source) (PollResult, error) {
	return f.poll(ctx, ctx, src)
}

// poll: stop ends the starting of new page fetches, work bounds those in flight.
func (f *Fetcher) poll(stop, work context.Context, src sources.Source) (PollResult, error) {
	switch src.Kind {
	case sources.KindFeed:
		return f.pollFeed(stop, work, src)
	case sources.KindSitemap:
		return f.pollSitemap(stop, work, src)
	case sources.KindPage:
		return f.pollPage(work, src)
	}
	return PollResult{}, fmt.Errorf("source %s: unknown kind %q", src.Name, src.Kind)
}

var (
	feedAccept = "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, " +
		"application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
	sitemapAccept = "application/xml, text/xml;q=0.9, application/x-gzip;q=0.9, */*;q=0.5"
	pageAccept    = "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.5, */*;q=0.1"
)

// getDoc fetches a polled document, conditionally when validators are
// stored. It returns (nil, true, nil) on 304.
func (f *Fetcher) getDoc(ctx context.Context, src sources.Source, docURL, accept string, conditional bool, page bool) (*safehttp.Response, bool, error) {
	h := http.Header{"Accept": {accept}}
	if conditional {
		etag, lm, err := f.st.validators(ctx, docURL)
		if err != nil {
			return nil, false, withClass(ClassRedis, err)
		}
		if etag != "" {
			h.Set("If-None-Match", etag)
		}
		if lm != "" {
			h.Set("If-Modified-Since", lm)
		}
	}
	req := safehttp.Request{URL: docURL, Header: h, MaxBytes: f.cfg.MaxFeedBytes}
	if page {
		req.MaxBytes, req.Truncate = f.cfg.MaxPageBytes, true
	}
	resp, err := f.g.get(ctx, src.Name, req)
	if err != nil {
		return nil, false, err
	}
	if resp.StatusCode == http.StatusNotModified {
		if !conditional {
			return nil, false, &StatusError{URL: docURL, StatusCode: 304}
		}
		return nil, true, nil
	}
	return resp, false, nil
}

func (f *Fetcher) saveValidators(ctx context.Context, docURL string, resp *safehttp.Response) {
	if err := f.st.saveValidators(ctx, docURL, resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")); err != nil {
		f.log.Warn("validators not saved; the next poll will download the document again", zap.String("url", docURL), zap.Error(err))
	}
}

func (f *Fetcher) pollFeed(stop, work context.Context, src sources.Source) (PollResult, error) {
	resp, notModified, err := f.getDoc(work, src, src.URL, feedAccept, true, false)
	if err != nil {
		return PollResult{}, err
	}
	if notModified {
		return PollResult{NotModified: true, Complete: true}, nil
	}
	body, err := f.maybeGunzip(resp.Body)
	if err != nil {
		return PollResult{}, fmt.Errorf("feed %s: %w", src.URL, err)
	}
	items, err := feeds.ParseFeed(body, resp.FinalURL)
	if err != nil {
		return PollResult{}, withClass(ClassParse, fmt.Errorf("feed %s: %w", src.URL, err))
	}
	res, err := f.processItems(stop, work, src, src.URL, newsflowv1.SourceKind_SOURCE_KIND_FEED, items)
	if err != nil {
		return res, err
	}
	if res.Complete {
		f.saveValidators(work, src.URL, resp)
	}
	return res, nil
}

func (f *Fetcher) maybeGunzip(body []byte) ([]byte, error) {
	if !safehttp.IsGzip(body) {
		return body, nil
	}
	return safehttp.Gunzip(body, f.cfg.MaxFeedBytes, f.cfg.MaxRatio)
}

func (f *Fetcher) parseSitemap(resp *safehttp.Response) (*feeds.Sitemap, error) {
	body, err := f.maybeGunzip(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("sitemap %s: %w", resp.RequestedURL, err)
	}
	sm, err := feeds.ParseSitemap(body, resp.FinalURL)
	if err != nil {
		return nil, withClass(ClassParse, fmt.Errorf("sitemap %s: %w", resp.RequestedURL, err))
	}
	return sm, nil
}

func (f *Fetcher) pollSitemap(stop, work context.Context, src sources.Source) (PollResult, error) {
	resp, notModified, err := f.getDoc(work, src, src.URL, sitemapAccept, true, false)
	if err != nil {
		return PollResult{}, err
	}
	var sm *feeds.Sitemap
	indexUnchanged := false
	if notModified {
		f.mu.Lock()
		shape, known := f.sitemaps[src.URL]
		f.mu.Unlock()
		switch {
		case known && !shape.index:
			return PollResult{NotModified: true, Complete: true}, nil
		case known:
			// The index is unchanged, its children may not be: poll them.
			sm, indexUnchanged = &feeds.Sitemap{Index: true, Sitemaps: shape.children}, true
		default:
			// 304 but this process never saw the document (a restart):
			// fetch it whole to learn what it lists.
			if resp, _, err = f.getDoc(work, src, src.URL, sitemapAccept, false, false); err != nil {
				return PollResult{}, err
			}
		}
	}
	if sm == nil {
		if sm, err = f.parseSitemap(resp); err != nil {
			return PollResult{}, err
		}
		f.mu.Lock()
		f.sitemaps[src.URL] = sitemapShape{index: sm.Index, children: sm.Sitemaps}
		f.mu.Unlock()
	}
	if !sm.Index {
		res, err := f.processItems(stop, work, src, src.URL, newsflowv1.SourceKind_SOURCE_KIND_SITEMAP, sm.URLs)
		if err == nil && res.Complete {
			f.saveValidators(work, src.URL, resp)
		}
		return res, err
	}

	children := append([]feeds.SitemapRef(nil), sm.Sitemaps...)
	sort.SliceStable(children, func(i, j int) bool { return children[i].LastMod.After(children[j].LastMod) })
	if len(children) > f.cfg.MaxSitemaps {
		children = children[:f.cfg.MaxSitemaps]
	}
	total := PollResult{NotModified: true, Complete: true}
	var firstErr error
	for _, c := range children {
		if stop.Err() != nil {
			total.Complete = false
			break
		}
		cresp, cnm, err := f.getDoc(work, src, c.URL, sitemapAccept, true, false)
		if err != nil {
			total.Complete = false
			if firstErr == nil {
				firstErr = err
			}
			f.log.Warn("child sitemap not fetched", zap.String("source", src.Name), zap.String("url", c.URL), zap.Error(err))
			continue
		}
		if cnm {
			continue
		}
		total.NotModified = false
		csm, err := f.parseSitemap(cresp)
		if err != nil {
			total.Complete = false
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if csm.Index {
			f.log.Warn("nested sitemap index ignored (sitemaps.org allows one level)", zap.String("url", c.URL))
			continue
		}
		res, err := f.processItems(stop, work, src, c.URL, newsflowv1.SourceKind_SOURCE_KIND_SITEMAP, csm.URLs)
		total.add(res)
		if err != nil {
			return total, err
		}
		if res.Complete {
			f.saveValidators(work, c.URL, cresp)
		} else {
			total.Complete = false
		}
	}
	if total.Complete && !indexUnchanged {
		f.saveValidators(work, src.URL, resp)
	}
	if firstErr != nil && total.New == 0 {
		return total, firstErr
	}
	return total, nil
}

func (f *Fetcher) pollPage(work context.Context, src sources.Source) (PollResult, error) {
	resp, notModified, err := f.getDoc(work, src, src.URL, pageAccept, true, true)
	if err != nil {
		return PollResult{}, err
	}
	if notModified {
		return PollResult{NotModified: true, Complete: true}, nil
	}
	res := PollResult{Items: 1, Complete: true}
	if err := checkPageType(resp); err != nil {
		return res, err
	}
	sum := sha256.Sum256(resp.Body)
	identity := "page:" + src.Name + ":" + hex.EncodeToString(sum[:])
	ok, err := f.st.claim(work, []string{identity})
	if err != nil {
		return res, withClass(ClassRedis, err)
	}
	if !ok[0] {
		res.Seen = 1
		f.m.duplicates.WithLabelValues(src.Name).Inc()
		f.saveValidators(work, src.URL, resp)
		return res, nil
	}
	res.New = 1
	ra := f.article(resp)
	ra.Source = sourceOf(src, newsflowv1.SourceKind_SOURCE_KIND_PAGE, "", "")
	if _, err := f.emit(work, ra, src.Name, newsflowv1.SourceKind_SOURCE_KIND_PAGE); err != nil {
		_ = f.st.release(context.WithoutCancel(work), identity)
		return res, err
	}
	res.Emitted = 1
	if err := f.st.confirm(work, identity); err != nil {
		f.log.Warn("emitted page not confirmed; it may be emitted again", zap.String("url", src.URL), zap.Error(err))
	}
	f.saveValidators(work, src.URL, resp)
	return res, nil
}

// identity returns the key under which an item is remembered.
func identity(src sources.Source, docURL string, it feeds.Item) string {
	link := it.URL
	if c, err := urlnorm.Canonical(link); err == nil {
		link = c
	}
	switch src.Identity {
	case sources.IdentityGUID:
		if it.GUID != "" {
			return "guid:" + docURL + "\x00" + it.GUID
		}
	case sources.IdentityContent:
		return "content:" + it.Title + "\x00" + link + "\x00" + it.Summary
	}
	return "url:" + link
}

type candidate struct {
	item     feeds.Item
	identity string
}

// processItems claims the new items of a document and fetches their pages.
func (f *Fetcher) processItems(stop, work context.Context, src sources.Source, docURL string, kind newsflowv1.SourceKind, items []feeds.Item) (PollResult, error) {
	res := PollResult{Items: len(items)}
	if kind == newsflowv1.SourceKind_SOURCE_KIND_SITEMAP {
		// News first: a sitemap is not in any useful order.
		items = append([]feeds.Item(nil), items...)
		sort.SliceStable(items, func(i, j int) bool { return items[i].Published.After(items[j].Published) })
	}
	now := time.Now()
	seen := map[string]bool{}
	var cands []candidate
	for _, it := range items {
		if src.MaxAge > 0 && !it.Published.IsZero() && now.Sub(it.Published) > src.MaxAge {
			res.Old++
			continue
		}
		id := identity(src, docURL, it)
		if seen[id] {
			continue
		}
		seen[id] = true
		cands = append(cands, candidate{item: it, identity: id})
	}

	// Claim in chunks until MaxItems new items are claimed or every
	// candidate was looked at.
	var claimed []candidate
	i := 0
	for i < len(cands) && len(claimed) < src.MaxItems {
		chunk := cands[i:min(len(cands), i+src.MaxItems-len(claimed))]
		ids := make([]string, len(chunk))
		for j, c := range chunk {
			ids[j] = c.identity
		}
		ok, err := f.st.claim(work, ids)
		if err != nil {
			f.releaseAll(work, claimed)
			return res, withClass(ClassRedis, err)
		}
		for j, c := range chunk {
			if ok[j] {
				claimed = append(claimed, c)
			} else {
				res.Seen++
			}
		}
		i += len(chunk)
	}
	res.Complete = i == len(cands)
	res.New = len(claimed)
	if res.Seen > 0 {
		f.m.duplicates.WithLabelValues(src.Name).Add(float64(res.Seen))
	}

	var mu sync.Mutex
	jobs := make(chan candidate)
	var wg sync.WaitGroup
	for w := 0; w < min(f.cfg.ItemWorkers, len(claimed)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range jobs {
				emitted, permanent := f.fetchItem(stop, work, src, docURL, kind, c)
				mu.Lock()
				switch {
				case emitted:
					res.Emitted++
				case permanent:
					res.Failed++
				default:
					res.Deferred++
					res.Complete = false
				}
				mu.Unlock()
			}
		}()
	}
	for _, c := range claimed {
		jobs <- c
	}
	close(jobs)
	wg.Wait()
	return res, nil
}

func (f *Fetcher) releaseAll(ctx context.Context, cs []candidate) {
	for _, c := range cs {
		_ = f.st.release(context.WithoutCancel(ctx), c.identity)
	}
}

// fetchItem fetches and emits one claimed item and settles its claim.
func (f *Fetcher) fetchItem(stop, work context.Context, src sources.Source, docURL string, kind newsflowv1.SourceKind, c candidate) (emitted, permanent bool) {
	settle := context.WithoutCancel(work)
	if stop.Err() != nil {
		_ = f.st.release(settle, c.identity)
		return false, false
	}
	ra, err := f.fetchPage(work, src.Name, c.item.URL)
	if err == nil {
		ra.Source = sourceOf(src, kind, docURL, c.item.Language)
		ra.Hints = hintsOf(c.item)
		_, err = f.emit(work, ra, src.Name, kind)
	}
	if err != nil {
		if Permanent(err) {
			f.log.Info("item page not fetchable; not trying again", zap.String("source", src.Name), zap.String("url", c.item.URL),
				zap.String("class", Class(err)), zap.Error(err))
			if cerr := f.st.confirm(settle, c.identity); cerr != nil {
				f.log.Warn("confirm failed item", zap.Error(cerr))
			}
			return false, true
		}
		f.log.Warn("item page fetch failed; the next poll tries again", zap.String("source", src.Name), zap.String("url", c.item.URL),
			zap.String("class", Class(err)), zap.Error(err))
		if rerr := f.st.release(settle, c.identity); rerr != nil {
			f.log.Warn("release failed; the claim lapses after its lease", zap.Error(rerr))
		}
		return false, false
	}
	if err := f.st.confirm(settle, c.identity); err != nil {
		f.log.Warn("emitted item not confirmed; it may be emitted again", zap.String("url", c.item.URL), zap.Error(err))
	}
	return true, false
}

// checkPageType refuses bodies that are not pages (PDF, images, video).
func checkPageType(resp *safehttp.Response) error {
	switch ct := resp.ContentType; {
	case ct == "", ct == "text/html", ct == "application/xhtml+xml", ct == "text/plain",
		strings.HasPrefix(ct, "text/html"), ct == "application/xml", ct == "text/xml":
		return nil
	default:
		return withClass(ClassContentType, fmt.Errorf("fetch %s: content type %q is not a page", resp.RequestedURL, ct))
	}
}

// fetchPage fetches one page politely and returns it as a RawArticle
// (without source and hints).
func (f *Fetcher) fetchPage(ctx context.Context, source, pageURL string) (*newsflowv1.RawArticle, error) {
	resp, err := f.g.get(ctx, source, safehttp.Request{URL: pageURL, Header: http.Header{"Accept": {pageAccept}},
		MaxBytes: f.cfg.MaxPageBytes, Truncate: true})
	if err != nil {
		return nil, err
	}
	if err := checkPageType(resp); err != nil {
		return nil, err
	}
	if resp.Truncated {
		f.log.Warn("page body cut at the cap", zap.String("url", pageURL), zap.Int64("cap", f.cfg.MaxPageBytes))
	}
	return f.article(resp), nil
}

func (f *Fetcher) article(resp *safehttp.Response) *newsflowv1.RawArticle {
	return &newsflowv1.RawArticle{
		Url:           resp.FinalURL,
		RequestedUrl:  resp.RequestedURL,
		FetchedAt:     timestamppb.New(resp.Started.Add(resp.Duration)),
		StatusCode:    int32(resp.StatusCode),
		ContentType:   resp.RawContentType,
		Charset:       resp.Charset,
		Body:          resp.Body,
		BodyTruncated: resp.Truncated,
		FetchDuration: durationpb.New(resp.Duration),
	}
}

func sourceOf(src sources.Source, kind newsflowv1.SourceKind, docURL, itemLang string) *newsflowv1.Source {
	lang := src.Language
	if itemLang != "" {
		lang = itemLang // a news sitemap's per-article language is more specific
	}
	return &newsflowv1.Source{Kind: kind, Name: src.Name, FeedUrl: docURL, LanguageHint: lang, Tags: append([]string(nil), src.Tags...)}
}

func hintsOf(it feeds.Item) *newsflowv1.FeedHints {
	h := &newsflowv1.FeedHints{Title: it.Title, Author: it.Author, Summary: it.Summary, Guid: it.GUID}
	if !it.Published.IsZero() {
		h.PublishedAt = timestamppb.New(it.Published)
	}
	return h
}

// RecordKey is the news.raw key of a page: the hex of the first 16 bytes
// of SHA-256 over its canonical URL (the same hash the cleaner's story id
// uses), or over the URL as given when it cannot be canonicalised.
func RecordKey(pageURL string) string {
	if c, err := urlnorm.Canonical(pageURL); err == nil {
		pageURL = c
	}
	sum := sha256.Sum256([]byte(pageURL))
	return hex.EncodeToString(sum[:16])
}

// emit writes a page to the topic and returns its key.
func (f *Fetcher) emit(ctx context.Context, ra *newsflowv1.RawArticle, source string, kind newsflowv1.SourceKind) (string, error) {
	key := RecordKey(ra.GetUrl())
	value, headers, err := wire.Encode(ra)
	if err != nil {
		return "", err
	}
	headers = append(headers,
		stage.Header{Key: stage.HeaderStage, Value: []byte("fetcher")},
		stage.Header{Key: stage.HeaderTraceparent, Value: []byte(newTraceparent())})
	out := stage.Output{Topic: f.cfg.Topic, Key: []byte(key), Value: value, Headers: headers}
	if err := f.sink.Write(ctx, []stage.Output{out}); err != nil {
		return "", withClass("produce", fmt.Errorf("write %s to %s: %w", ra.GetUrl(), f.cfg.Topic, err))
	}
	f.m.emitted.WithLabelValues(source, strings.ToLower(strings.TrimPrefix(kind.String(), "SOURCE_KIND_"))).Inc()
	return key, nil
}

// newTraceparent starts a W3C trace for a fetched page: the fetcher is
// where a page's trace begins.
func newTraceparent() string {
	var b [24]byte
	_, _ = crand.Read(b[:])
	return "00-" + hex.EncodeToString(b[:16]) + "-" + hex.EncodeToString(b[16:]) + "-01"
}

// CheckURL says why a submitted URL can never be fetched, or nil.
func (f *Fetcher) CheckURL(raw string) error {
	if len(raw) > 4096 {
		return errors.New("URL longer than 4096 bytes")
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return fmt.Errorf("not a URL: %v", err)
	}
	if !u.IsAbs() {
		return errors.New("not an absolute http(s) URL")
	}
	return f.cfg.Guard.CheckURL(u)
}

// Submit queues URLs for fetching, or with wait fetches them now and
// reports each outcome. Submitted URLs are fetched even when they were
// emitted before: a submission is an explicit request.
func (f *Fetcher) Submit(ctx context.Context, urls []string, wait bool) ([]submitapi.Result, error) {
	for i := range urls {
		urls[i] = strings.TrimSpace(urls[i])
	}
	if !wait {
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.stopped {
			return nil, submitapi.ErrShuttingDown
		}
		if len(f.queue)+len(urls) > cap(f.queue) {
			f.m.submitted.WithLabelValues("rejected").Add(float64(len(urls)))
			return nil, fmt.Errorf("%w (%d queued, room for %d)", submitapi.ErrQueueFull, len(f.queue), cap(f.queue)-len(f.queue))
		}
		out := make([]submitapi.Result, len(urls))
		for i, u := range urls {
			f.queue <- u
			out[i] = submitapi.Result{URL: u, Status: submitapi.StatusQueued}
		}
		f.m.submitted.WithLabelValues("queued").Add(float64(len(urls)))
		return out, nil
	}
	f.mu.Lock()
	stopped := f.stopped
	f.mu.Unlock()
	if stopped {
		return nil, submitapi.ErrShuttingDown
	}
	out := make([]submitapi.Result, len(urls))
	var wg sync.WaitGroup
	sem := make(chan struct{}, f.cfg.ItemWorkers)
	for i, u := range urls {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i] = f.fetchSubmitted(ctx, u)
		}()
	}
	wg.Wait()
	return out, nil
}

func (f *Fetcher) fetchSubmitted(ctx context.Context, u string) submitapi.Result {
	ra, err := f.fetchPage(ctx, "submit", u)
	key := ""
	if err == nil {
		ra.Source = &newsflowv1.Source{Kind: newsflowv1.SourceKind_SOURCE_KIND_SUBMIT, Name: "submit"}
		key, err = f.emit(ctx, ra, "submit", newsflowv1.SourceKind_SOURCE_KIND_SUBMIT)
	}
	if err != nil {
		f.m.submitted.WithLabelValues("failed").Inc()
		f.log.Warn("submitted URL failed", zap.String("url", u), zap.String("class", Class(err)), zap.Error(err))
		return submitapi.Result{URL: u, Status: submitapi.StatusFailed, Error: err.Error(), Class: Class(err)}
	}
	f.m.submitted.WithLabelValues("emitted").Inc()
	return submitapi.Result{URL: u, Status: submitapi.StatusEmitted, Key: key, FinalURL: ra.GetUrl()}
}

// submitWorker fetches queued URLs until the fetcher stops, then empties
// the queue with the work context (which the drain timeout cancels).
func (f *Fetcher) submitWorker(work context.Context) {
	for {
		select {
		case u := <-f.queue:
			f.fetchSubmitted(work, u)
		case <-f.closing:
			for {
				select {
				case u := <-f.queue:
					f.fetchSubmitted(work, u)
				default:
					return
				}
			}
		}
	}
}
