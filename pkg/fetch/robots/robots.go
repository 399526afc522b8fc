// Package robots answers whether the fetcher may fetch a URL under the
// site's robots.txt (RFC 9309), and what Crawl-delay the site asks for.
// Parsing is github.com/temoto/robotstxt (Google's matching rules); this
// package adds a bounded per-site cache with RFC 9309 expiry, one fetch per
// site at a time, and the status-code rules: 4xx means no restrictions, 5xx
// means full disallow until the next try, an unreachable site is an error
// (try later) rather than a guess.
package robots

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
	"golang.org/x/sync/singleflight"
)

// MaxBytes is how much of a robots.txt is read: RFC 9309 asks crawlers to
// parse at least 500 KiB.
const MaxBytes = 512 << 10

// Fetch downloads robotsURL and returns the HTTP status and the body
// (at most MaxBytes; a longer file may be cut). An error means no HTTP
// answer at all.
type Fetch func(ctx context.Context, robotsURL string) (status int, body []byte, err error)

// Verdict is the answer for one URL.
type Verdict struct {
	// Allowed is true when robots.txt lets the agent fetch the URL.
	Allowed bool
	// CrawlDelay is the delay between requests the site asks of the agent (0: none).
	CrawlDelay time.Duration
	// RobotsURL is the robots.txt that decided.
	RobotsURL string
}

// Options tune a Cache.
type Options struct {
	// Agent is the product token matched against User-agent lines ("newsflow").
	Agent string
	// TTL is how long a fetched robots.txt is trusted (default 24h, the RFC 9309 maximum).
	TTL time.Duration
	// ErrorTTL is how long a 5xx answer or an unreachable site is remembered
	// before the next try (default 5m).
	ErrorTTL time.Duration
	// MaxSites bounds the cache (default 10000 sites).
	MaxSites int
	// Now is the clock (default time.Now); for tests.
	Now func() time.Time
}

// Cache holds the robots.txt of recently fetched sites. It is safe for
// concurrent use.
type Cache struct {
	opts  Options
	fetch Fetch
	group singleflight.Group

	mu    sync.Mutex
	sites map[string]*entry
}

type entry struct {
	data    *robotstxt.RobotsData
	err     error
	expires time.Time
}

// New returns a cache that downloads robots.txt files with fetch.
func New(fetch Fetch, o Options) *Cache {
	if o.Agent == "" {
		o.Agent = "newsflow"
	}
	if o.TTL <= 0 {
		o.TTL = 24 * time.Hour
	}
	if o.ErrorTTL <= 0 {
		o.ErrorTTL = 5 * time.Minute
	}
	if o.MaxSites <= 0 {
		o.MaxSites = 10000
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Cache{opts: o, fetch: fetch, sites: map[string]*entry{}}
}

// ErrUnreachable wraps the error of a robots.txt that could not be fetched.
var ErrUnreachable = errors.New("robots.txt unreachable")

// Check returns the verdict for u. The error is non-nil only when the
// site's robots.txt could not be fetched at all (the fetch should be tried
// later, not made).
func (c *Cache) Check(ctx context.Context, u *url.URL) (Verdict, error) {
	site := u.Scheme + "://" + u.Host
	robotsURL := site + "/robots.txt"
	e, err := c.entry(ctx, site, robotsURL)
	if err != nil {
		return Verdict{RobotsURL: robotsURL}, err
	}
	if e.err != nil {
		return Verdict{RobotsURL: robotsURL}, e.err
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	g := e.data.FindGroup(c.opts.Agent)
	return Verdict{Allowed: e.data.TestAgent(path, c.opts.Agent), CrawlDelay: g.CrawlDelay, RobotsURL: robotsURL}, nil
}

func (c *Cache) entry(ctx context.Context, site, robotsURL string) (*entry, error) {
	now := c.opts.Now()
	c.mu.Lock()
	e, ok := c.sites[site]
	c.mu.Unlock()
	if ok && now.Before(e.expires) {
		return e, nil
	}
	v, err, _ := c.group.Do(site, func() (any, error) {
		e := c.load(ctx, robotsURL)
		if ctx.Err() != nil {
			// A cancelled caller must not poison the cache for others.
			return e, nil
		}
		c.store(site, e)
		return e, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*entry), nil
}

func (c *Cache) load(ctx context.Context, robotsURL string) *entry {
	now := c.opts.Now()
	status, body, err := c.fetch(ctx, robotsURL)
	if err != nil {
		return &entry{err: fmt.Errorf("%w: %s: %w", ErrUnreachable, robotsURL, err), expires: now.Add(c.opts.ErrorTTL)}
	}
	switch {
	case status >= 500:
		// RFC 9309 2.3.1.4: a server error means complete disallow, for now.
		data, _ := robotstxt.FromStatusAndBytes(503, nil)
		return &entry{data: data, expires: now.Add(c.opts.ErrorTTL)}
	case status >= 400:
		data, _ := robotstxt.FromStatusAndBytes(404, nil)
		return &entry{data: data, expires: now.Add(c.opts.TTL)}
	case status < 200 || status >= 300:
		// Redirects are followed by the fetch; anything else left is odd:
		// treat it as unavailable (no restrictions), as RFC 9309 does.
		data, _ := robotstxt.FromStatusAndBytes(404, nil)
		return &entry{data: data, expires: now.Add(c.opts.TTL)}
	}
	data, perr := robotstxt.FromBytes(body)
	if perr != nil {
		// The parser rejects some malformed lines outright; keep the lines
		// that parse rather than ignoring the whole file.
		data, perr = robotstxt.FromBytes(keepValidLines(body))
		if perr != nil {
			data, _ = robotstxt.FromStatusAndBytes(404, nil)
		}
	}
	return &entry{data: data, expires: now.Add(c.opts.TTL)}
}

// keepValidLines drops the lines the parser chokes on (bad Crawl-delay
// values, rules before any User-agent line) and keeps every other rule.
func keepValidLines(body []byte) []byte {
	var b strings.Builder
	seenAgent := false
	for _, line := range strings.Split(string(body), "\n") {
		key := strings.ToLower(strings.TrimSpace(strings.SplitN(line, ":", 2)[0]))
		switch key {
		case "user-agent", "useragent", "user agent":
			seenAgent = true
		case "allow", "disallow", "crawl-delay", "crawldelay":
			if !seenAgent {
				continue
			}
		}
		if _, err := robotstxt.FromString("User-agent: *\n" + line); err != nil {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

func (c *Cache) store(site string, e *entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.sites) >= c.opts.MaxSites {
		now := c.opts.Now()
		for k, v := range c.sites {
			if !now.Before(v.expires) {
				delete(c.sites, k)
			}
		}
		// Still full: drop an arbitrary tenth (map order is random).
		for k := range c.sites {
			if len(c.sites) < c.opts.MaxSites*9/10 {
				break
			}
			delete(c.sites, k)
		}
	}
	c.sites[site] = e
}

// Len is the number of cached sites.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.sites)
}
