package robots_test

import (
	"context"
	"errors"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pkg/fetch/robots"
)

type site struct {
	status int
	body   string
	err    error
}

func fetcher(sites map[string]site, calls *atomic.Int64) robots.Fetch {
	return func(_ context.Context, u string) (int, []byte, error) {
		calls.Add(1)
		s, ok := sites[u]
		if !ok {
			return 404, nil, nil
		}
		return s.status, []byte(s.body), s.err
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestCheck(t *testing.T) {
	sites := map[string]site{
		"https://a.test/robots.txt": {200, `
User-agent: *
Disallow: /private
Crawl-delay: 2

User-agent: newsflow
Disallow: /no-bots
Allow: /no-bots/ok
Crawl-delay: 0.5
`, nil},
		"https://b.test/robots.txt": {503, "", nil},
		"https://c.test/robots.txt": {403, "", nil},
		"https://d.test/robots.txt": {0, "", errors.New("connection refused")},
		"https://e.test/robots.txt": {200, "Disallow: /early\nUser-agent: *\nCrawl-delay: soon\nDisallow: /x?y\n", nil},
		"https://f.test/robots.txt": {200, "User-agent: *\nDisallow: /\n", nil},
	}
	var calls atomic.Int64
	c := robots.New(fetcher(sites, &calls), robots.Options{Agent: "newsflow"})
	cases := []struct {
		url     string
		allowed bool
		delay   time.Duration
		err     bool
	}{
		{"https://a.test/news/1", true, 500 * time.Millisecond, false},
		{"https://a.test/private/1", true, 500 * time.Millisecond, false}, // the newsflow group replaces *
		{"https://a.test/no-bots/x", false, 500 * time.Millisecond, false},
		{"https://a.test/no-bots/ok/1", true, 500 * time.Millisecond, false},
		{"https://b.test/anything", false, 0, false}, // 5xx: full disallow
		{"https://c.test/anything", true, 0, false},  // 4xx: no restrictions
		{"https://d.test/anything", false, 0, true},  // unreachable: try later
		{"https://e.test/x?y=1", false, 0, false},    // the bad lines are dropped, the rest kept
		{"https://e.test/early", true, 0, false},
		{"https://f.test/", false, 0, false},
		{"https://nobody.test/a", true, 0, false}, // no robots.txt
	}
	for _, tc := range cases {
		t.Run(tc.url, func(t *testing.T) {
			v, err := c.Check(context.Background(), mustURL(t, tc.url))
			if tc.err {
				if err == nil || !errors.Is(err, robots.ErrUnreachable) {
					t.Fatalf("err = %v, want ErrUnreachable", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if v.Allowed != tc.allowed || v.CrawlDelay != tc.delay {
				t.Fatalf("verdict %+v, want allowed=%v delay=%s", v, tc.allowed, tc.delay)
			}
		})
	}
	// Every site was fetched once, however many URLs were checked.
	if n := calls.Load(); n != 7 {
		t.Fatalf("%d robots.txt fetches, want 7 (one per site)", n)
	}
}

func TestExpiryAndConcurrency(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	var calls atomic.Int64
	slow := func(ctx context.Context, u string) (int, []byte, error) {
		calls.Add(1)
		time.Sleep(50 * time.Millisecond)
		return 200, []byte("User-agent: *\nDisallow: /x\n"), nil
	}
	c := robots.New(slow, robots.Options{TTL: time.Hour, Now: clock, MaxSites: 2})
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Check(context.Background(), mustURL(t, "http://s.test/a")); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Fatalf("20 concurrent checks made %d fetches, want 1", n)
	}
	mu.Lock()
	now = now.Add(2 * time.Hour)
	mu.Unlock()
	if _, err := c.Check(context.Background(), mustURL(t, "http://s.test/a")); err != nil {
		t.Fatal(err)
	}
	if n := calls.Load(); n != 2 {
		t.Fatalf("after the TTL %d fetches, want 2", n)
	}
	for _, h := range []string{"http://t.test/", "http://u.test/", "http://v.test/"} {
		if _, err := c.Check(context.Background(), mustURL(t, h)); err != nil {
			t.Fatal(err)
		}
	}
	if c.Len() > 2 {
		t.Fatalf("cache holds %d sites, bound is 2", c.Len())
	}
}

func FuzzRobots(f *testing.F) {
	f.Add("User-agent: *\nDisallow: /\nCrawl-delay: 1e309\n")
	f.Add("Disallow: /a\nUser-agent: newsflow\nAllow: /*$\n")
	f.Fuzz(func(t *testing.T, body string) {
		c := robots.New(func(context.Context, string) (int, []byte, error) { return 200, []byte(body), nil }, robots.Options{})
		_, _ = c.Check(context.Background(), &url.URL{Scheme: "http", Host: "x.test", Path: "/a/b"})
	})
}
