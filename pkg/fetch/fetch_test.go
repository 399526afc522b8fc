package fetch_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"

	"github.com/newsflow/newsflow/pkg/fetch"
	"github.com/newsflow/newsflow/pkg/fetch/sources"
	"github.com/newsflow/newsflow/pkg/fetch/submitapi"
	newsflowv1 "github.com/newsflow/newsflow/pkg/gen/newsflow/v1"
	"github.com/newsflow/newsflow/pkg/stage"
)

func miniRedis(t *testing.T) redis.UniversalClient {
	t.Helper()
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

func source(name string, kind sources.Kind, u string) sources.Source {
	return sources.Source{Name: name, Kind: kind, URL: u, Interval: time.Minute, MinInterval: time.Second,
		MaxInterval: time.Hour, Identity: sources.IdentityAuto, MaxItems: 100, Language: "en", Tags: []string{"t1", "t2"}}
}

func TestPollFeedEmitsEachItemOnce(t *testing.T) {
	kinds := []struct {
		name, path, ctype string
		build             func(base string, paths ...string) []byte
		title             string
	}{
		{"rss", "/feed.rss", "application/rss+xml", rss, "RSS item 0"},
		{"atom", "/feed.atom", "application/atom+xml", atom, "Atom item 0"},
		{"json", "/feed.json", "application/feed+json", jsonFeed, "JSON item 0"},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			s := newSite(t)
			s.addPages("/a/1", "/a/2", "/a/3", "/a/4")
			s.setDoc(k.path, k.ctype, k.build(s.base, "/a/1", "/a/2", "/a/3"))
			sink := &memSink{}
			f := newFetcher(t, miniRedis(t), sink, fetcherOpts{prefix: "t:"})
			src := source(k.name, sources.KindFeed, s.base+k.path)
			ctx := context.Background()

			res, err := f.Poll(ctx, src)
			if err != nil || res.Emitted != 3 || !res.Complete {
				t.Fatalf("first poll: %+v %v", res, err)
			}
			res, err = f.Poll(ctx, src)
			if err != nil || !res.NotModified || res.Emitted != 0 {
				t.Fatalf("second poll: %+v %v, want 304 and nothing emitted", res, err)
			}
			if n := s.count(k.path, http.StatusNotModified); n != 1 {
				t.Fatalf("%d 304 answers for the feed, want 1", n)
			}
			// The feed changes: one new item and the old three.
			s.setDoc(k.path, k.ctype, k.build(s.base, "/a/4", "/a/1", "/a/2", "/a/3"))
			res, err = f.Poll(ctx, src)
			if err != nil || res.Emitted != 1 || res.Seen != 3 {
				t.Fatalf("third poll: %+v %v, want 1 new and 3 seen", res, err)
			}
			got := urlCounts(sink.articles(t))
			for _, p := range []string{"/a/1", "/a/2", "/a/3", "/a/4"} {
				if got[s.base+p] != 1 {
					t.Errorf("%s emitted %d times, want 1 (all: %v)", p, got[s.base+p], got)
				}
				if n := s.count(p, 0); n != 1 {
					t.Errorf("%s fetched %d times, want 1", p, n)
				}
			}
			var a *newsflowv1.RawArticle
			var out stage.Output
			for i, x := range sink.articles(t) {
				if x.GetRequestedUrl() == s.base+"/a/1" {
					a = x
					sink.mu.Lock()
					out = sink.outs[i]
					sink.mu.Unlock()
				}
			}
			if a.GetSource().GetKind() != newsflowv1.SourceKind_SOURCE_KIND_FEED || a.GetSource().GetName() != k.name ||
				a.GetSource().GetFeedUrl() != src.URL || a.GetSource().GetLanguageHint() != "en" ||
				strings.Join(a.GetSource().GetTags(), ",") != "t1,t2" {
				t.Errorf("source %+v", a.GetSource())
			}
			if a.GetHints().GetTitle() != k.title || a.GetHints().GetPublishedAt() == nil {
				t.Errorf("hints %+v", a.GetHints())
			}
			if a.GetStatusCode() != 200 || a.GetCharset() != "utf-8" || !strings.HasPrefix(a.GetContentType(), "text/html") ||
				!strings.Contains(string(a.GetBody()), "Body of /a/1") || a.GetFetchedAt() == nil || a.GetFetchDuration() == nil {
				t.Errorf("article %v", a)
			}
			if string(out.Key) != fetch.RecordKey(a.GetUrl()) || len(out.Key) != 32 {
				t.Errorf("key %s, want RecordKey(url)", out.Key)
			}
			if ua := s.requests("/a/1")[0].ua; !strings.Contains(ua, "+https://example.org/newsflow-bot") {
				t.Errorf("user agent %q lacks the contact URL", ua)
			}
		})
	}
}

func TestSitemapIndexWithGzippedNewsSitemap(t *testing.T) {
	s := newSite(t)
	s.addPages("/n/1", "/n/2", "/n/3", "/p/1", "/p/2")
	s.setDoc("/sitemap_index.xml", "application/xml", sitemapIndex(s.base, "/news-sitemap.xml.gz", "/pages.xml"))
	s.setDoc("/news-sitemap.xml.gz", "application/gzip", gz(newsSitemap(s.base, "/n/1", "/n/2", "/n/3")))
	s.setDoc("/pages.xml", "application/xml", []byte(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>`+
		s.base+`/p/1</loc><lastmod>2026-03-01</lastmod></url><url><loc>`+s.base+`/p/2</loc></url></urlset>`))
	sink := &memSink{}
	f := newFetcher(t, miniRedis(t), sink, fetcherOpts{prefix: "t:"})
	src := source("sitemaps", sources.KindSitemap, s.base+"/sitemap_index.xml")
	ctx := context.Background()
	res, err := f.Poll(ctx, src)
	if err != nil || res.Emitted != 5 || !res.Complete {
		t.Fatalf("first poll: %+v %v", res, err)
	}
	res, err = f.Poll(ctx, src)
	if err != nil || !res.NotModified || res.Emitted != 0 {
		t.Fatalf("second poll: %+v %v", res, err)
	}
	for _, p := range []string{"/sitemap_index.xml", "/news-sitemap.xml.gz", "/pages.xml"} {
		if n := s.count(p, http.StatusNotModified); n != 1 {
			t.Errorf("%s: %d 304 answers, want 1", p, n)
		}
	}
	// A child changes while the index does not: the new page is found.
	s.addPages("/n/4")
	s.setDoc("/news-sitemap.xml.gz", "application/gzip", gz(newsSitemap(s.base, "/n/4", "/n/1", "/n/2", "/n/3")))
	res, err = f.Poll(ctx, src)
	if err != nil || res.Emitted != 1 {
		t.Fatalf("third poll: %+v %v", res, err)
	}
	counts := urlCounts(sink.articles(t))
	if len(counts) != 6 {
		t.Fatalf("emitted %v, want 6 pages once each", counts)
	}
	for u, n := range counts {
		if n != 1 {
			t.Errorf("%s emitted %d times", u, n)
		}
	}
	for _, a := range sink.articles(t) {
		if strings.Contains(a.GetUrl(), "/n/") {
			if a.GetSource().GetLanguageHint() != "de" || !strings.HasPrefix(a.GetHints().GetTitle(), "News item") ||
				a.GetSource().GetKind() != newsflowv1.SourceKind_SOURCE_KIND_SITEMAP || !strings.HasSuffix(a.GetSource().GetFeedUrl(), ".xml.gz") {
				t.Errorf("news sitemap article: source %+v hints %+v", a.GetSource(), a.GetHints())
			}
		}
	}
}

func TestItemFailuresArePermanentOrRetried(t *testing.T) {
	s := newSite(t)
	s.addPages("/ok", "/flaky")
	s.setStatus("/flaky", http.StatusServiceUnavailable)
	s.setDoc("/feed.rss", "application/rss+xml", rss(s.base, "/ok", "/gone", "/flaky"))
	sink := &memSink{}
	f := newFetcher(t, miniRedis(t), sink, fetcherOpts{prefix: "t:"})
	src := source("f", sources.KindFeed, s.base+"/feed.rss")
	ctx := context.Background()
	res, err := f.Poll(ctx, src)
	if err != nil || res.Emitted != 1 || res.Failed != 1 || res.Deferred != 1 || res.Complete {
		t.Fatalf("first poll: %+v %v, want 1 emitted, 1 failed for good, 1 deferred", res, err)
	}
	if n := s.count("/flaky", 0); n != 2 {
		t.Errorf("/flaky requested %d times, want 2 (one retry)", n)
	}
	s.setStatus("/flaky", 0)
	res, err = f.Poll(ctx, src)
	if err != nil || res.NotModified || res.Emitted != 1 || res.Seen != 2 || !res.Complete {
		t.Fatalf("second poll: %+v %v, want the feed downloaded again and /flaky emitted", res, err)
	}
	if n := s.count("/gone", 0); n != 1 {
		t.Errorf("/gone requested %d times, want 1 (a 404 is not retried)", n)
	}
	if res, err = f.Poll(ctx, src); err != nil || !res.NotModified {
		t.Fatalf("third poll: %+v %v, want 304 now that every item is settled", res, err)
	}
}

func TestSSRFInFeedItemsAndSubmissions(t *testing.T) {
	s := newSite(t)
	s.addPages("/secret")
	port := s.base[strings.LastIndex(s.base, ":")+1:]
	feed := `<rss version="2.0"><channel><title>x</title>` +
		`<item><title>a</title><link>http://evil.test:` + port + `/secret</link></item>` +
		`<item><title>b</title><link>http://127.0.0.1:` + port + `/secret</link></item>` +
		`<item><title>c</title><link>http://169.254.169.254/latest/meta-data/</link></item>` +
		`<item><title>d</title><link>http://meta.test/latest/</link></item>` +
		`<item><title>e</title><link>http://[::1]:` + port + `/secret</link></item>` +
		`<item><title>f</title><link>http://10.1.2.3/secret</link></item>` +
		`</channel></rss>`
	s.setDoc("/feed.rss", "application/rss+xml", []byte(feed))
	reg := prometheus.NewRegistry()
	sink := &memSink{}
	f := newFetcher(t, miniRedis(t), sink, fetcherOpts{prefix: "t:", reg: reg})
	res, err := f.Poll(context.Background(), source("f", sources.KindFeed, s.base+"/feed.rss"))
	if err != nil || res.Failed != 6 || res.Emitted != 0 {
		t.Fatalf("poll: %+v %v, want 6 refusals", res, err)
	}
	if n := s.count("/secret", 0); n != 0 {
		t.Fatalf("/secret reached %d times", n)
	}
	if n := testutil.ToFloat64(metric(t, reg, "newsflow_fetcher_errors_total", "ssrf")); n != 6 {
		t.Errorf("errors_total{class=ssrf} = %v, want 6", n)
	}
	// A submitted literal private address is refused before it is queued;
	// a name that resolves to one is refused at connect with the reason.
	if err := f.CheckURL("http://127.0.0.1/x"); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("CheckURL(127.0.0.1) = %v", err)
	}
	results, err := f.Submit(context.Background(), []string{"http://meta.test/latest/meta-data/"}, true)
	if err != nil || results[0].Status != submitapi.StatusFailed || results[0].Class != "ssrf" ||
		!strings.Contains(results[0].Error, "cloud metadata") {
		t.Fatalf("submit metadata host: %+v %v", results, err)
	}
}

// metric finds the counter of a vector whose label values include want.
func metric(t *testing.T, reg *prometheus.Registry, name, want string) prometheus.Collector {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetValue() == want {
					total += m.GetCounter().GetValue()
				}
			}
		}
	}
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "x"})
	c.Add(total)
	return c
}

func TestRobotsDisallowInFeed(t *testing.T) {
	s := newSite(t)
	s.setRobots("User-agent: *\nDisallow: /private\n")
	s.addPages("/public/1", "/private/1")
	s.setDoc("/feed.rss", "application/rss+xml", rss(s.base, "/public/1", "/private/1"))
	reg := prometheus.NewRegistry()
	sink := &memSink{}
	f := newFetcher(t, miniRedis(t), sink, fetcherOpts{prefix: "t:", reg: reg})
	res, err := f.Poll(context.Background(), source("f", sources.KindFeed, s.base+"/feed.rss"))
	if err != nil || res.Emitted != 1 || res.Failed != 1 {
		t.Fatalf("poll: %+v %v", res, err)
	}
	if n := s.count("/private/1", 0); n != 0 {
		t.Fatalf("disallowed page fetched %d times", n)
	}
	if n := s.count("/robots.txt", 0); n != 1 {
		t.Errorf("robots.txt fetched %d times, want 1 (cached)", n)
	}
	if n := testutil.ToFloat64(metric(t, reg, "newsflow_fetcher_robots_denied_total", "f")); n != 1 {
		t.Errorf("robots_denied_total = %v", n)
	}
}

func TestPageSourceEmitsOnChangeOnly(t *testing.T) {
	s := newSite(t)
	s.setDoc("/about", "text/html; charset=utf-8", []byte("<html><body><p>version one</p></body></html>"))
	sink := &memSink{}
	f := newFetcher(t, miniRedis(t), sink, fetcherOpts{prefix: "t:"})
	src := source("about", sources.KindPage, s.base+"/about")
	ctx := context.Background()
	steps := []struct {
		body        string
		notModified bool
		emitted     int
	}{
		{"", false, 1}, // first poll
		{"", true, 0},  // 304
		{"<html><body><p>version two!</p></body></html>", false, 1}, // changed
		{"<html><body><p>version one</p></body></html>", false, 0},  // back to a body already emitted
	}
	for i, st := range steps {
		if st.body != "" {
			s.setDoc("/about", "text/html; charset=utf-8", []byte(st.body))
		}
		res, err := f.Poll(ctx, src)
		if err != nil || res.NotModified != st.notModified || res.Emitted != st.emitted {
			t.Fatalf("step %d: %+v %v", i, res, err)
		}
	}
	as := sink.articles(t)
	if len(as) != 2 || as[0].GetSource().GetKind() != newsflowv1.SourceKind_SOURCE_KIND_PAGE {
		t.Fatalf("%d articles", len(as))
	}
}

func TestRetriesAndCircuitBreaker(t *testing.T) {
	s := newSite(t)
	s.setStatus("/down", http.StatusServiceUnavailable)
	reg := prometheus.NewRegistry()
	f := newFetcher(t, miniRedis(t), &memSink{}, fetcherOpts{prefix: "t:", reg: reg})
	ctx := context.Background()
	// BreakerFailures is 3 and Retries 1: the first submit makes 2 requests,
	// the second trips the breaker on its first, the rest never leave.
	for i := 0; i < 4; i++ {
		res, err := f.Submit(ctx, []string{s.base + "/down"}, true)
		if err != nil || res[0].Status != submitapi.StatusFailed {
			t.Fatalf("submit %d: %+v %v", i, res, err)
		}
		if i >= 2 && res[0].Class != fetch.ClassCircuitOpen {
			t.Errorf("submit %d: class %s, want circuit_open", i, res[0].Class)
		}
	}
	if n := s.count("/down", 0); n != 3 {
		t.Fatalf("server saw %d requests, want 3 (then the circuit opened)", n)
	}
	if n := testutil.ToFloat64(metric(t, reg, "newsflow_fetcher_circuit_opened_total", "news.test")); n != 1 {
		t.Errorf("circuit_opened_total = %v", n)
	}
}

func TestSubmitQueueDrainsOnShutdown(t *testing.T) {
	s := newSite(t)
	s.addPages("/s/1", "/s/2", "/s/3")
	sink := &memSink{}
	f := newFetcher(t, miniRedis(t), sink, fetcherOpts{prefix: "t:", tweak: func(c *fetch.Config) {
		c.SubmitQueue = 3
		c.SubmitWorkers = 1
		c.Politeness.HostInterval = 50 * time.Millisecond
	}})
	ctx, cancel := context.WithCancel(context.Background())
	urls := []string{s.base + "/s/1", s.base + "/s/2", s.base + "/s/3"}
	res, err := f.Submit(ctx, urls, false)
	if err != nil || len(res) != 3 || res[0].Status != submitapi.StatusQueued {
		t.Fatalf("submit: %+v %v", res, err)
	}
	if _, err := f.Submit(ctx, []string{s.base + "/s/4"}, false); !errors.Is(err, submitapi.ErrQueueFull) {
		t.Fatalf("submit past the queue: %v, want ErrQueueFull", err)
	}
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	cancel() // SIGTERM right away: the queued URLs are still fetched
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if got := urlCounts(sink.articles(t)); len(got) != 3 {
		t.Fatalf("emitted %v, want the 3 queued URLs", sortedKeys(got))
	}
	if _, err := f.Submit(context.Background(), urls[:1], false); !errors.Is(err, submitapi.ErrShuttingDown) {
		t.Fatalf("submit after stop: %v", err)
	}
}

func TestProduceFailureReleasesItems(t *testing.T) {
	s := newSite(t)
	s.addPages("/a", "/b")
	s.setDoc("/feed.rss", "application/rss+xml", rss(s.base, "/a", "/b"))
	sink := &memSink{fail: errors.New("broker down")}
	f := newFetcher(t, miniRedis(t), sink, fetcherOpts{prefix: "t:"})
	src := source("f", sources.KindFeed, s.base+"/feed.rss")
	res, err := f.Poll(context.Background(), src)
	if err != nil || res.Deferred != 2 || res.Complete {
		t.Fatalf("poll with the broker down: %+v %v", res, err)
	}
	sink.mu.Lock()
	sink.fail = nil
	sink.mu.Unlock()
	res, err = f.Poll(context.Background(), src)
	if err != nil || res.Emitted != 2 {
		t.Fatalf("poll after recovery: %+v %v, want both items emitted", res, err)
	}
}

func TestNextInterval(t *testing.T) {
	src := sources.Source{MinInterval: time.Minute, MaxInterval: time.Hour}
	cases := []struct {
		name string
		cur  time.Duration
		res  fetch.PollResult
		err  error
		want time.Duration
	}{
		{"new items halve", 10 * time.Minute, fetch.PollResult{New: 3}, nil, 5 * time.Minute},
		{"new items stop at min", 90 * time.Second, fetch.PollResult{New: 1}, nil, time.Minute},
		{"nothing new grows", 10 * time.Minute, fetch.PollResult{Seen: 5}, nil, 15 * time.Minute},
		{"304 grows", 10 * time.Minute, fetch.PollResult{NotModified: true}, nil, 15 * time.Minute},
		{"growth stops at max", 50 * time.Minute, fetch.PollResult{NotModified: true}, nil, time.Hour},
		{"error doubles", 10 * time.Minute, fetch.PollResult{}, errors.New("x"), 20 * time.Minute},
	}
	for _, c := range cases {
		if got := fetch.NextInterval(src, c.cur, c.res, c.err); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestRunPollsAndReloadsSources(t *testing.T) {
	s := newSite(t)
	s.addPages("/r/1", "/r/2")
	s.setDoc("/one.rss", "application/rss+xml", rss(s.base, "/r/1"))
	s.setDoc("/two.rss", "application/rss+xml", rss(s.base, "/r/2"))
	sink := &memSink{}
	f := newFetcher(t, miniRedis(t), sink, fetcherOpts{prefix: "t:"})
	one := source("one", sources.KindFeed, s.base+"/one.rss")
	one.Interval, one.MinInterval = time.Second, time.Second
	f.SetSources([]sources.Source{one})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	waitFor(t, 10*time.Second, func() bool { return len(sink.articles(t)) == 1 })
	two := source("two", sources.KindFeed, s.base+"/two.rss")
	two.Interval, two.MinInterval = time.Second, time.Second
	f.SetSources([]sources.Source{two}) // "one" removed, "two" added
	waitFor(t, 10*time.Second, func() bool { return len(sink.articles(t)) == 2 })
	before := s.count("/one.rss", 0)
	time.Sleep(2500 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if after := s.count("/one.rss", 0); after != before {
		t.Errorf("removed source polled %d more times", after-before)
	}
	if n := s.count("/two.rss", http.StatusNotModified); n < 1 {
		t.Errorf("source two polled again %d times with 304, want at least 1", n)
	}
}

func waitFor(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met after %s", d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
