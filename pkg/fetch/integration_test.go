package fetch_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/segmentio/kafka-go"
	"google.golang.org/protobuf/proto"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/fetch"
	"github.com/newsflow/newsflow/pkg/fetch/sources"
	"github.com/newsflow/newsflow/pkg/fetch/submitapi"
	newsflowv1 "github.com/newsflow/newsflow/pkg/gen/newsflow/v1"
	"github.com/newsflow/newsflow/pkg/stage"
	"github.com/newsflow/newsflow/pkg/testenv"
)

// realServices returns the real broker with a fresh topic, a sink writing
// to it, and the real Redis with a fresh key prefix.
func realServices(t *testing.T) (broker.Config, string, *stage.KafkaSink, redis.UniversalClient, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test (needs the real Kafka broker and redis-server)")
	}
	bc := testenv.Kafka(t)
	rdb, _ := testenv.Redis(t)
	topic := testenv.Name("news.raw")
	testenv.CreateTopics(t, bc, 3, topic)
	sink := stage.NewKafkaSink(bc, stage.SinkOptions{})
	t.Cleanup(func() { sink.Close() })
	return bc, topic, sink, rdb, testenv.Name("fetch") + ":"
}

func decode(t *testing.T, m kafka.Message) *newsflowv1.RawArticle {
	t.Helper()
	var a newsflowv1.RawArticle
	if err := proto.Unmarshal(m.Value, &a); err != nil {
		t.Fatalf("record %s: %v", m.Key, err)
	}
	return &a
}

// TestIntegrationFeedsAndSitemapsExactlyOnce is acceptance 1: RSS, Atom,
// JSON Feed, a sitemap index with a gzipped Google News sitemap, robots.txt
// and pages; polled three times; every item's page is on the real broker
// exactly once and unchanged documents cost a 304.
func TestIntegrationFeedsAndSitemapsExactlyOnce(t *testing.T) {
	bc, topic, sink, rdb, prefix := realServices(t)
	s := newSite(t)
	s.setRobots("User-agent: *\nDisallow: /private/\n")
	var all []string
	for i := 1; i <= 4; i++ {
		for _, kind := range []string{"rss", "atom", "json", "news", "plain"} {
			all = append(all, fmt.Sprintf("/%s/%d", kind, i))
		}
	}
	s.addPages(all...)
	s.addPages("/private/1")
	// One story is in the RSS feed and in the Atom feed: still one record.
	s.setDoc("/feed.rss", "application/rss+xml", rss(s.base, "/rss/1", "/rss/2", "/rss/3", "/rss/4", "/shared", "/private/1"))
	s.setDoc("/feed.atom", "application/atom+xml", atom(s.base, "/atom/1", "/atom/2", "/atom/3", "/atom/4", "/shared"))
	s.setDoc("/feed.json", "application/feed+json", jsonFeed(s.base, "/json/1", "/json/2", "/json/3", "/json/4"))
	s.setDoc("/sitemap_index.xml", "application/xml", sitemapIndex(s.base, "/sitemap-news.xml.gz", "/sitemap-plain.xml"))
	s.setDoc("/sitemap-news.xml.gz", "application/x-gzip", gz(newsSitemap(s.base, "/news/1", "/news/2", "/news/3", "/news/4")))
	s.setDoc("/sitemap-plain.xml", "application/xml", []byte(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`+
		`<url><loc>`+s.base+`/plain/1</loc></url><url><loc>`+s.base+`/plain/2</loc></url>`+
		`<url><loc>`+s.base+`/plain/3</loc></url><url><loc>`+s.base+`/plain/4</loc></url></urlset>`))
	s.addPages("/shared")
	all = append(all, "/shared")

	f := newFetcher(t, rdb, sink, fetcherOpts{prefix: prefix, tweak: func(c *fetch.Config) { c.Topic = topic }})
	srcs := []sources.Source{
		source("rss", sources.KindFeed, s.base+"/feed.rss"),
		source("atom", sources.KindFeed, s.base+"/feed.atom"),
		source("json", sources.KindFeed, s.base+"/feed.json"),
		source("sitemaps", sources.KindSitemap, s.base+"/sitemap_index.xml"),
	}
	ctx := context.Background()
	for round := 1; round <= 3; round++ {
		emitted := 0
		for _, src := range srcs {
			res, err := f.Poll(ctx, src)
			if err != nil {
				t.Fatalf("round %d, %s: %v", round, src.Name, err)
			}
			emitted += res.Emitted
			if round > 1 && (!res.NotModified || res.Emitted != 0) {
				t.Errorf("round %d, %s: %+v, want 304 and nothing emitted", round, src.Name, res)
			}
		}
		t.Logf("round %d: %d pages emitted", round, emitted)
	}
	msgs := testenv.ReadRecords(t, bc, topic, 3, len(all), 60*time.Second)
	seen := map[string]int{}
	for _, m := range msgs {
		a := decode(t, m)
		path := strings.TrimPrefix(a.GetRequestedUrl(), s.base)
		seen[path]++
		if string(m.Key) != fetch.RecordKey(a.GetUrl()) {
			t.Errorf("%s: key %s, want %s", path, m.Key, fetch.RecordKey(a.GetUrl()))
		}
		hs := map[string]string{}
		for _, h := range m.Headers {
			hs[h.Key] = string(h.Value)
		}
		if !strings.Contains(hs[stage.HeaderContentType], "newsflow.v1.RawArticle") || hs[stage.HeaderSchemaVersion] != "1" ||
			hs[stage.HeaderStage] != "fetcher" || len(hs[stage.HeaderTraceparent]) != 55 {
			t.Errorf("%s: headers %v", path, hs)
		}
		if !strings.Contains(string(a.GetBody()), "Body of "+path) {
			t.Errorf("%s: body %q", path, a.GetBody())
		}
		if strings.HasPrefix(path, "/news/") && (a.GetSource().GetLanguageHint() != "de" || a.GetHints().GetPublishedAt() == nil) {
			t.Errorf("%s: news sitemap fields lost: %v %v", path, a.GetSource(), a.GetHints())
		}
	}
	for _, p := range all {
		if seen[p] != 1 {
			t.Errorf("%s on the topic %d times, want exactly 1", p, seen[p])
		}
	}
	if seen["/private/1"] != 0 || s.count("/private/1", 0) != 0 {
		t.Errorf("robots-disallowed page fetched or emitted")
	}
	if len(msgs) != len(all) {
		t.Errorf("%d records for %d pages", len(msgs), len(all))
	}
	for _, doc := range []string{"/feed.rss", "/feed.atom", "/feed.json", "/sitemap_index.xml", "/sitemap-news.xml.gz", "/sitemap-plain.xml"} {
		if n := s.count(doc, http.StatusNotModified); n != 2 {
			t.Errorf("%s answered 304 %d times over rounds 2 and 3, want 2", doc, n)
		}
	}
	t.Logf("%d pages on %s exactly once after 3 polls of 4 sources; unchanged documents answered 304", len(all), topic)
}

// TestIntegrationRobotsCrawlDelay is acceptance 2, first half: Disallow
// is obeyed and requests to the host are spaced by the Crawl-delay,
// measured from the server's request log.
func TestIntegrationRobotsCrawlDelay(t *testing.T) {
	_, topic, sink, rdb, prefix := realServices(t)
	s := newSite(t)
	s.setRobots("User-agent: *\nDisallow: /private\n\nUser-agent: newsflow\nDisallow: /private\nDisallow: /nobots\nCrawl-delay: 0.3\n")
	var paths []string
	for i := 0; i < 6; i++ {
		paths = append(paths, fmt.Sprintf("/d/%d", i))
	}
	s.addPages(paths...)
	s.addPages("/private/x", "/nobots/y")
	s.setDoc("/feed.rss", "application/rss+xml", rss(s.base, append(paths, "/private/x", "/nobots/y")...))
	f := newFetcher(t, rdb, sink, fetcherOpts{prefix: prefix, tweak: func(c *fetch.Config) {
		c.Topic = topic
		c.ItemWorkers = 4 // parallel workers must still queue behind the delay
	}})
	res, err := f.Poll(context.Background(), source("delay", sources.KindFeed, s.base+"/feed.rss"))
	if err != nil || res.Emitted != 6 || res.Failed != 2 {
		t.Fatalf("poll: %+v %v", res, err)
	}
	if s.count("/private/x", 0)+s.count("/nobots/y", 0) != 0 {
		t.Fatal("disallowed pages were requested")
	}
	hits := s.requests("/d/")
	sort.Slice(hits, func(i, j int) bool { return hits[i].at.Before(hits[j].at) })
	const delay = 300 * time.Millisecond
	// The slots are exactly a delay apart in Redis time; what the server
	// sees may shift by scheduling jitter, never by a missing wait (which
	// would put requests a few milliseconds apart).
	for i := 1; i < len(hits); i++ {
		if gap := hits[i].at.Sub(hits[i-1].at); gap < delay*2/3 {
			t.Errorf("requests %d and %d %s apart, Crawl-delay is %s", i-1, i, gap, delay)
		}
	}
	span := hits[len(hits)-1].at.Sub(hits[0].at)
	if span < 5*delay-50*time.Millisecond {
		t.Errorf("6 requests in %s, Crawl-delay %s needs at least %s", span, delay, 5*delay)
	}
	t.Logf("6 pages over %s with Crawl-delay %s (4 workers)", span.Round(time.Millisecond), delay)
}

// TestIntegrationTwoFetchersShareHostRate is acceptance 2, second half:
// two fetchers (replicas) sharing one Redis fetch from one host at once
// and together stay under the per-host rate, measured from the server log.
func TestIntegrationTwoFetchersShareHostRate(t *testing.T) {
	_, topic, sink, rdb, prefix := realServices(t)
	s := newSite(t)
	var urlsA, urlsB []string
	for i := 0; i < 15; i++ {
		s.addPages(fmt.Sprintf("/x/a%d", i), fmt.Sprintf("/x/b%d", i))
		urlsA = append(urlsA, fmt.Sprintf("%s/x/a%d", s.base, i))
		urlsB = append(urlsB, fmt.Sprintf("%s/x/b%d", s.base, i))
	}
	const interval = 100 * time.Millisecond // 10 requests a second per host
	tweak := func(c *fetch.Config) {
		c.Topic = topic
		c.ItemWorkers = 8
		c.Politeness.HostInterval = interval
	}
	a := newFetcher(t, rdb, sink, fetcherOpts{prefix: prefix, tweak: tweak})
	b := newFetcher(t, rdb, sink, fetcherOpts{prefix: prefix, tweak: tweak})
	var wg sync.WaitGroup
	for _, run := range []struct {
		f    *fetch.Fetcher
		urls []string
	}{{a, urlsA}, {b, urlsB}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := run.f.Submit(context.Background(), run.urls, true)
			if err != nil {
				t.Error(err)
				return
			}
			for _, r := range res {
				if r.Status != submitapi.StatusEmitted {
					t.Errorf("%s: %s %s", r.URL, r.Status, r.Error)
				}
			}
		}()
	}
	wg.Wait()
	hits := s.requests("/x/")
	if len(hits) != 30 {
		t.Fatalf("%d page requests, want 30", len(hits))
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].at.Before(hits[j].at) })
	// Any window of one second holds at most 10 requests (11 when jitter
	// moves one onto the window's edge), and no two requests come closer
	// than scheduling jitter can explain.
	maxInWindow := 0
	for i := range hits {
		n := 0
		for j := i; j < len(hits) && hits[j].at.Sub(hits[i].at) < 2*time.Second; j++ {
			n++
		}
		maxInWindow = max(maxInWindow, n)
	}
	// Two-second windows with two requests of slack for a request a loaded
	// machine delayed; two unshared limiters would allow twice the rate.
	if maxInWindow > 22 {
		t.Errorf("%d requests within two seconds, the per-host rate is 10/s", maxInWindow)
	}
	minGap := time.Hour
	for i := 1; i < len(hits); i++ {
		minGap = min(minGap, hits[i].at.Sub(hits[i-1].at))
	}
	// The limiter grants slots an interval apart on Redis's clock; a single
	// gap seen by the server may shrink when a loaded machine delays one
	// request more than the next, so the rate is judged over windows above
	// and the gap is only reported.
	span := hits[len(hits)-1].at.Sub(hits[0].at)
	t.Logf("2 fetchers, 30 requests to one host over %s: max %d in any 2s window, min gap %s (limit 10/s, interval %s)",
		span.Round(time.Millisecond), maxInWindow, minGap.Round(time.Millisecond), interval)
}

// TestIntegrationSubmitAPI is acceptance 5 for the HTTP API: a page goes
// to the real broker; bad requests get 4xx JSON errors; no token, no entry.
func TestIntegrationSubmitAPI(t *testing.T) {
	bc, topic, sink, rdb, prefix := realServices(t)
	s := newSite(t)
	s.addPages("/submitted", "/queued")
	f := newFetcher(t, rdb, sink, fetcherOpts{prefix: prefix, tweak: func(c *fetch.Config) { c.Topic = topic }})
	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan error, 1)
	go func() { runDone <- f.Run(ctx) }()
	api := httptest.NewServer(submitapi.Handler(f, submitapi.StaticToken("s3cret"), submitapi.Options{MaxURLs: 3}))
	defer api.Close()

	post := func(token, ctype, body string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodPost, api.URL+submitapi.Path, strings.NewReader(body))
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatalf("answer %d is not JSON: %v", resp.StatusCode, err)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("answer content type %q", ct)
		}
		return resp.StatusCode, out
	}
	const js = "application/json"
	bad := []struct {
		name, token, ctype, body string
		code                     int
		msg                      string
	}{
		{"no token", "", js, `{"urls":["` + s.base + `/submitted"]}`, 401, "bearer token"},
		{"wrong token", "guess", js, `{"urls":["` + s.base + `/submitted"]}`, 401, "bearer token"},
		{"not json", "s3cret", "text/plain", `urls=x`, 415, "application/json"},
		{"malformed", "s3cret", js, `{"urls": [`, 400, "malformed JSON"},
		{"unknown field", "s3cret", js, `{"url": "x"}`, 400, "malformed JSON"},
		{"empty", "s3cret", js, `{"urls": []}`, 400, "at least one URL"},
		{"too many", "s3cret", js, `{"urls": ["http://a.test/","http://b.test/","http://c.test/","http://d.test/"]}`, 400, "at most 3"},
		{"ftp", "s3cret", js, `{"urls": ["ftp://x.test/a"]}`, 400, "refused"},
		{"relative", "s3cret", js, `{"urls": ["/just/a/path"]}`, 400, "refused"},
		{"loopback", "s3cret", js, `{"urls": ["` + s.base + `/ok", "http://127.0.0.1/admin"]}`, 400, "refused"},
	}
	for _, c := range bad {
		code, out := post(c.token, c.ctype, c.body)
		if code != c.code || !strings.Contains(fmt.Sprint(out["error"]), c.msg) {
			t.Errorf("%s: %d %v, want %d with %q", c.name, code, out, c.code, c.msg)
		}
	}
	code, out := post("s3cret", js, `{"urls": ["`+s.base+`/ok", "http://127.0.0.1/admin"]}`)
	if details, _ := out["details"].([]any); code != 400 || len(details) != 1 || !strings.Contains(fmt.Sprint(details[0]), "loopback") {
		t.Errorf("details of a refused URL: %v", out)
	}
	resp, err := http.Get(api.URL + submitapi.Path)
	if err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %v %v", resp, err)
	}
	if n := s.count("/ok", 0) + s.count("/submitted", 0); n != 0 {
		t.Fatalf("a refused request fetched %d pages", n)
	}

	// The client newsctl uses: wait for the fetch, then queue one.
	c := &submitapi.Client{Base: api.URL, Token: "s3cret"}
	res, err := c.Submit(context.Background(), []string{s.base + "/submitted"}, true)
	if err != nil || len(res.Results) != 1 || res.Results[0].Status != submitapi.StatusEmitted || res.Results[0].Key == "" {
		t.Fatalf("submit and wait: %+v %v", res, err)
	}
	waitKey := res.Results[0].Key
	res, err = c.Submit(context.Background(), []string{s.base + "/queued"}, false)
	if err != nil || res.Results[0].Status != submitapi.StatusQueued {
		t.Fatalf("submit queued: %+v %v", res, err)
	}
	if _, err := (&submitapi.Client{Base: api.URL}).Submit(context.Background(), []string{s.base + "/x"}, false); err == nil ||
		!strings.Contains(err.Error(), "401") {
		t.Fatalf("client without token: %v", err)
	}
	msgs := testenv.ReadRecords(t, bc, topic, 3, 2, 30*time.Second)
	keys := map[string]string{}
	for _, m := range msgs {
		a := decode(t, m)
		if a.GetSource().GetKind() != newsflowv1.SourceKind_SOURCE_KIND_SUBMIT {
			t.Errorf("source %v", a.GetSource())
		}
		keys[strings.TrimPrefix(a.GetUrl(), s.base)] = string(m.Key)
	}
	if len(msgs) != 2 || keys["/submitted"] != waitKey || keys["/queued"] != fetch.RecordKey(s.base+"/queued") {
		t.Fatalf("records %v, want /submitted under the key the API returned (%s) and /queued", keys, waitKey)
	}
	cancel()
	if err := <-runDone; err != nil {
		t.Fatal(err)
	}
}

// TestIntegrationRunDrainsOnShutdown runs the fetcher loop on sources
// against the real services and stops it mid-work: what was started is
// finished and on the topic, nothing is emitted twice after a restart.
func TestIntegrationRunDrainsOnShutdown(t *testing.T) {
	bc, topic, sink, rdb, prefix := realServices(t)
	s := newSite(t)
	var paths []string
	for i := 0; i < 12; i++ {
		paths = append(paths, fmt.Sprintf("/run/%d", i))
	}
	s.addPages(paths...)
	s.setDoc("/feed.rss", "application/rss+xml", rss(s.base, paths...))
	tweak := func(c *fetch.Config) {
		c.Topic = topic
		c.ItemWorkers = 2
		c.Politeness.HostInterval = 100 * time.Millisecond
	}
	src := source("run", sources.KindFeed, s.base+"/feed.rss")
	src.Interval, src.MinInterval = time.Second, time.Second

	// First life: stopped after a few pages.
	f1 := newFetcher(t, rdb, sink, fetcherOpts{prefix: prefix, tweak: tweak})
	f1.SetSources([]sources.Source{src})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f1.Run(ctx) }()
	waitFor(t, 20*time.Second, func() bool { return len(s.requests("/run/")) >= 3 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	first := len(s.requests("/run/"))
	// Second life (a restarted replica): the rest, and nothing twice.
	f2 := newFetcher(t, rdb, sink, fetcherOpts{prefix: prefix, tweak: tweak})
	f2.SetSources([]sources.Source{src})
	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() { done <- f2.Run(ctx2) }()
	msgs := testenv.ReadRecords(t, bc, topic, 3, len(paths), 60*time.Second)
	cancel2()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, m := range msgs {
		seen[decode(t, m).GetRequestedUrl()]++
	}
	for _, p := range paths {
		if seen[s.base+p] != 1 {
			t.Errorf("%s on the topic %d times", p, seen[s.base+p])
		}
	}
	t.Logf("first run fetched %d of %d pages before SIGTERM; the restart fetched the rest; %d records", first, len(paths), len(msgs))
}
