package fetch

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/sony/gobreaker/v2"
	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pkg/fetch/guard"
	"github.com/newsflow/newsflow/pkg/fetch/robots"
	"github.com/newsflow/newsflow/pkg/fetch/safehttp"
)

// RateLimiter spaces the requests to one host, across every replica
// (ratelimit.Limiter over Redis in production).
type RateLimiter interface {
	Wait(ctx context.Context, host string, interval time.Duration) (time.Duration, error)
}

// Politeness configures how the fetcher treats other people's servers.
type Politeness struct {
	// IgnoreRobots skips robots.txt. The zero value obeys it; only tests
	// of other behaviour and operators fetching their own sites set this.
	IgnoreRobots bool
	// RobotsAgent is the product token matched against robots.txt
	// User-agent lines (default "newsflow").
	RobotsAgent string
	// HostInterval is the least time between two requests to one host,
	// across all replicas (default 1s). A larger robots.txt Crawl-delay wins.
	HostInterval time.Duration
	// MaxCrawlDelay caps the Crawl-delay obeyed (default 60s): a site asking
	// for more is still fetched, once a minute.
	MaxCrawlDelay time.Duration
	// Retries is how many times a transient failure (timeout, connect,
	// 5xx, 429) is retried within one fetch (0: the default, 2; negative: never).
	Retries int
	// RetryBase and RetryMax bound the exponential backoff with full jitter
	// between retries (defaults 500ms and 30s). A Retry-After longer than
	// RetryMax ends the fetch instead of waiting.
	RetryBase, RetryMax time.Duration
	// BreakerFailures consecutive transient failures of one host open its
	// circuit (default 5); BreakerOpen is how long it stays open before one
	// probe request is let through (default 1m).
	BreakerFailures int
	BreakerOpen     time.Duration
}

func (p *Politeness) defaults() {
	if p.RobotsAgent == "" {
		p.RobotsAgent = "newsflow"
	}
	if p.HostInterval <= 0 {
		p.HostInterval = time.Second
	}
	if p.MaxCrawlDelay <= 0 {
		p.MaxCrawlDelay = time.Minute
	}
	switch {
	case p.Retries == 0:
		p.Retries = 2
	case p.Retries < 0:
		p.Retries = 0
	}
	if p.RetryBase <= 0 {
		p.RetryBase = 500 * time.Millisecond
	}
	if p.RetryMax <= 0 {
		p.RetryMax = 30 * time.Second
	}
	if p.BreakerFailures <= 0 {
		p.BreakerFailures = 5
	}
	if p.BreakerOpen <= 0 {
		p.BreakerOpen = time.Minute
	}
}

// maxBreakers bounds the per-host circuit breakers kept in memory.
const maxBreakers = 10000

// getter makes one polite fetch: robots.txt, the shared per-host rate
// limit, the host's circuit breaker, the safe client, and retries.
type getter struct {
	client  *safehttp.Client
	robots  *robots.Cache
	limiter RateLimiter
	p       Politeness
	m       *metrics
	log     *zap.Logger

	// sem bounds the requests in flight; taken after the rate-limit wait,
	// so that a request sleeping for its slot does not hold it.
	sem chan struct{}

	mu       sync.Mutex
	breakers map[string]*gobreaker.TwoStepCircuitBreaker[struct{}]
}

func newGetter(client *safehttp.Client, limiter RateLimiter, p Politeness, m *metrics, log *zap.Logger) *getter {
	p.defaults()
	g := &getter{client: client, limiter: limiter, p: p, m: m, log: log,
		breakers: map[string]*gobreaker.TwoStepCircuitBreaker[struct{}]{}}
	g.robots = robots.New(g.fetchRobots, robots.Options{Agent: p.RobotsAgent})
	return g
}

// fetchRobots downloads a robots.txt under the host's rate limit.
func (g *getter) fetchRobots(ctx context.Context, robotsURL string) (int, []byte, error) {
	u, err := url.Parse(robotsURL)
	if err != nil {
		return 0, nil, err
	}
	if _, err := g.limiter.Wait(ctx, hostKey(u), g.p.HostInterval); err != nil {
		return 0, nil, err
	}
	resp, err := g.client.Get(ctx, safehttp.Request{URL: robotsURL, MaxBytes: robots.MaxBytes, Truncate: true})
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, resp.Body, nil
}

func hostKey(u *url.URL) string { return strings.ToLower(u.Hostname()) }

func (g *getter) breaker(host string) *gobreaker.TwoStepCircuitBreaker[struct{}] {
	g.mu.Lock()
	defer g.mu.Unlock()
	if b, ok := g.breakers[host]; ok {
		return b
	}
	if len(g.breakers) >= maxBreakers {
		for h, b := range g.breakers {
			if b.State() == gobreaker.StateClosed {
				delete(g.breakers, h)
			}
			if len(g.breakers) < maxBreakers*9/10 {
				break
			}
		}
	}
	failures := uint32(g.p.BreakerFailures)
	b := gobreaker.NewTwoStepCircuitBreaker[struct{}](gobreaker.Settings{
		Name:         host,
		MaxRequests:  1,
		Timeout:      g.p.BreakerOpen,
		ReadyToTrip:  func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= failures },
		IsSuccessful: func(err error) bool { return !hostFailure(err) },
		IsExcluded:   func(err error) bool { return Class(err) == safehttp.ClassCanceled },
		OnStateChange: func(name string, from, to gobreaker.State) {
			if to == gobreaker.StateOpen {
				g.m.breakerTrips.WithLabelValues(g.m.host(name)).Inc()
				g.log.Warn("circuit opened: pausing requests to host", zap.String("host", name), zap.Duration("for", g.p.BreakerOpen))
			}
		},
	})
	g.breakers[host] = b
	return b
}

// hostFailure is what counts against a host's circuit breaker: signs that
// the server is down or overloaded, not refusals of one URL.
func hostFailure(err error) bool {
	switch Class(err) {
	case safehttp.ClassTimeout, safehttp.ClassConnect, safehttp.ClassProtocol, safehttp.ClassTLS, ClassHTTP5xx, ClassHTTP429:
		return true
	}
	return false
}

// get fetches req politely. It returns the response for 2xx and 304
// answers and an error for everything else (a *StatusError for other
// statuses).
func (g *getter) get(ctx context.Context, source string, req safehttp.Request) (*safehttp.Response, error) {
	u, err := url.Parse(req.URL)
	if err != nil || u.Host == "" {
		return nil, withClass(safehttp.ClassSSRF, fmt.Errorf("fetch %q: not an absolute URL", req.URL))
	}
	host := hostKey(u)
	hl := g.m.host(host)
	for attempt := 0; ; attempt++ {
		resp, err := g.once(ctx, source, hl, u, req)
		if err == nil {
			return resp, nil
		}
		g.m.errors.WithLabelValues(source, hl, Class(err)).Inc()
		if !Retryable(err) || attempt >= g.p.Retries || ctx.Err() != nil {
			return nil, err
		}
		backoff := g.backoff(attempt)
		var se *StatusError
		if errors.As(err, &se) && se.RetryAfter > 0 {
			if se.RetryAfter > g.p.RetryMax {
				return nil, err
			}
			backoff = max(backoff, se.RetryAfter)
		}
		g.m.retries.WithLabelValues(source, hl).Inc()
		g.log.Debug("retrying", zap.String("url", req.URL), zap.Int("attempt", attempt+1), zap.Duration("backoff", backoff), zap.Error(err))
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, err
		case <-t.C:
		}
	}
}

// backoff is exponential with full jitter: uniform in [base/2, min(max, base*2^attempt)].
func (g *getter) backoff(attempt int) time.Duration {
	d := g.p.RetryBase << min(attempt, 20)
	if d > g.p.RetryMax || d <= 0 {
		d = g.p.RetryMax
	}
	lo := g.p.RetryBase / 2
	if d <= lo {
		return d
	}
	return lo + rand.N(d-lo)
}

func (g *getter) once(ctx context.Context, source, hl string, u *url.URL, req safehttp.Request) (*safehttp.Response, error) {
	if err := g.client.CheckURL(u); err != nil {
		return nil, err
	}
	crawlDelay := time.Duration(0)
	if !g.p.IgnoreRobots {
		v, err := g.robots.Check(ctx, u)
		if err != nil {
			var blocked *guard.BlockedError
			if errors.As(err, &blocked) {
				// The host itself is forbidden: say so, not that robots.txt failed.
				return nil, &safehttp.Error{Class: safehttp.ClassSSRF, Phase: "connect", URL: u.Redacted(), Err: blocked}
			}
			if Class(err) == "other" || Class(err) == ClassRobotsUnreachable {
				return nil, withClass(ClassRobotsUnreachable, fmt.Errorf("fetch %s: %w", u.Redacted(), err))
			}
			return nil, fmt.Errorf("fetch %s: robots.txt: %w", u.Redacted(), err)
		}
		if !v.Allowed {
			g.m.robotsDenied.WithLabelValues(source, hl).Inc()
			return nil, &RobotsDeniedError{URL: u.Redacted(), RobotsURL: v.RobotsURL}
		}
		crawlDelay = min(v.CrawlDelay, g.p.MaxCrawlDelay)
		req.OnRedirect = g.redirectAllowed
	}
	waited, err := g.limiter.Wait(ctx, hostKey(u), max(g.p.HostInterval, crawlDelay))
	if waited > 0 {
		g.m.rateWaits.WithLabelValues(source, hl).Inc()
		g.m.rateWaitSecs.WithLabelValues(source, hl).Add(waited.Seconds())
	}
	if err != nil {
		if Class(err) == ClassRateBacklog || errors.Is(err, context.Canceled) {
			return nil, err
		}
		return nil, withClass(ClassRedis, fmt.Errorf("fetch %s: %w", u.Redacted(), err))
	}

	cb := g.breaker(hostKey(u))
	done, err := cb.Allow()
	if err != nil {
		return nil, withClass(ClassCircuitOpen, fmt.Errorf("fetch %s: circuit open for %s after repeated failures: %w", u.Redacted(), hostKey(u), err))
	}
	if g.sem != nil {
		select {
		case g.sem <- struct{}{}:
		case <-ctx.Done():
			done(ctx.Err())
			return nil, ctx.Err()
		}
	}
	resp, err := g.client.Get(ctx, req)
	if g.sem != nil {
		<-g.sem
	}
	if err == nil && (resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests) {
		err = &StatusError{URL: req.URL, StatusCode: resp.StatusCode, RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())}
	}
	done(err)
	if resp != nil {
		g.m.bytes.WithLabelValues(source, hl).Add(float64(resp.WireBytes))
	}
	if err != nil {
		return nil, err
	}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		g.m.notModified.WithLabelValues(source, hl).Inc()
		return resp, nil
	case resp.StatusCode >= 200 && resp.StatusCode <= 299:
		g.m.fetched.WithLabelValues(source, hl).Inc()
		g.m.duration.WithLabelValues(source).Observe(resp.Duration.Seconds())
		return resp, nil
	}
	return nil, &StatusError{URL: req.URL, StatusCode: resp.StatusCode}
}

// redirectAllowed applies robots.txt to every redirect hop.
func (g *getter) redirectAllowed(ctx context.Context, to *url.URL) error {
	v, err := g.robots.Check(ctx, to)
	if err != nil {
		return err
	}
	if !v.Allowed {
		return &RobotsDeniedError{URL: to.Redacted(), RobotsURL: v.RobotsURL}
	}
	return nil
}
