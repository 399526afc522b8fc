package fetch_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"go.uber.org/zap/zaptest"
	"google.golang.org/protobuf/proto"

	"github.com/newsflow/newsflow/pkg/fetch"
	"github.com/newsflow/newsflow/pkg/fetch/guard"
	newsflowv1 "github.com/newsflow/newsflow/pkg/gen/newsflow/v1"
	"github.com/newsflow/newsflow/pkg/stage"
)

// resolver maps test host names to addresses, so no test needs DNS.
type resolver map[string]string

func (r resolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	ip, ok := r[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return []netip.Addr{netip.MustParseAddr(ip)}, nil
}

var testResolver = resolver{
	"news.test":  "127.0.0.1", // allow-listed: the test site
	"other.test": "127.0.0.1", // allow-listed: a second site name
	"evil.test":  "127.0.0.1", // not allow-listed: must be refused
	"meta.test":  "169.254.169.254",
}

// hit is one request in a site's log.
type hit struct {
	path   string
	status int
	at     time.Time
	ua     string
}

// doc is a document the site serves with an ETag.
type doc struct {
	body        []byte
	contentType string
	etag        string
}

// site is a test web site with robots.txt, feeds, sitemaps and pages, and
// a log of every request it answered.
type site struct {
	srv  *httptest.Server
	base string // http://news.test:PORT

	mu     sync.Mutex
	hits   []hit
	robots string
	docs   map[string]doc
	pages  map[string]string
	status map[string]int
}

func newSite(t *testing.T) *site {
	t.Helper()
	s := &site{docs: map[string]doc{}, pages: map[string]string{}, status: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	u, _ := url.Parse(s.srv.URL)
	s.base = "http://news.test:" + u.Port()
	return s
}

func (s *site) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	path := r.URL.RequestURI()
	robots := s.robots
	d, isDoc := s.docs[r.URL.Path]
	page, isPage := s.pages[r.URL.Path]
	forced := s.status[r.URL.Path]
	s.mu.Unlock()
	code := http.StatusOK
	defer func() {
		s.mu.Lock()
		s.hits = append(s.hits, hit{path: path, status: code, at: time.Now(), ua: r.UserAgent()})
		s.mu.Unlock()
	}()
	switch {
	case forced != 0:
		code = forced
		w.Header().Set("Retry-After", "0")
		http.Error(w, "forced", code)
	case r.URL.Path == "/robots.txt":
		if robots == "" {
			code = http.StatusNotFound
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, robots)
	case isDoc:
		if d.etag != "" && r.Header.Get("If-None-Match") == d.etag {
			code = http.StatusNotModified
			w.WriteHeader(code)
			return
		}
		w.Header().Set("Content-Type", d.contentType)
		if d.etag != "" {
			w.Header().Set("ETag", d.etag)
		}
		w.Write(d.body)
	case isPage:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	default:
		code = http.StatusNotFound
		http.NotFound(w, r)
	}
}

func (s *site) setDoc(path, contentType string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.docs[path] = doc{body: body, contentType: contentType, etag: fmt.Sprintf(`"%x"`, len(body)*31+int(body[len(body)/2]))}
}

func (s *site) addPages(paths ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range paths {
		s.pages[p] = fmt.Sprintf("<html><head><title>Story %s</title></head><body><article><h1>Story %s</h1><p>Body of %s.</p></article></body></html>", p, p, p)
	}
}

func (s *site) setRobots(body string) { s.mu.Lock(); s.robots = body; s.mu.Unlock() }

func (s *site) setStatus(path string, code int) { s.mu.Lock(); s.status[path] = code; s.mu.Unlock() }

// requests returns the log entries whose path starts with prefix.
func (s *site) requests(prefix string) []hit {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []hit
	for _, h := range s.hits {
		if strings.HasPrefix(h.path, prefix) {
			out = append(out, h)
		}
	}
	return out
}

func (s *site) count(path string, status int) int {
	n := 0
	for _, h := range s.requests(path) {
		if h.path == path && (status == 0 || h.status == status) {
			n++
		}
	}
	return n
}

func rss(base string, paths ...string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>` + base + `/</link>`)
	for i, p := range paths {
		fmt.Fprintf(&b, `<item><title>RSS item %d</title><link>%s%s</link><guid isPermaLink="false">rss-%s</guid><pubDate>Mon, 02 Mar 2026 09:%02d:00 GMT</pubDate><author>desk@example.org (Desk)</author><description>&lt;p&gt;Summary %d&lt;/p&gt;</description></item>`, i, base, p, p, i, i)
	}
	b.WriteString(`</channel></rss>`)
	return []byte(b.String())
}

func atom(base string, paths ...string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id><updated>2026-03-02T10:00:00Z</updated>`)
	for i, p := range paths {
		fmt.Fprintf(&b, `<entry><title>Atom item %d</title><link href="%s%s"/><id>urn:atom:%s</id><updated>2026-03-02T10:00:00Z</updated><author><name>Atom Author</name></author></entry>`, i, base, p, p)
	}
	b.WriteString(`</feed>`)
	return []byte(b.String())
}

func jsonFeed(base string, paths ...string) []byte {
	var items []string
	for i, p := range paths {
		items = append(items, fmt.Sprintf(`{"id":"json-%s","url":"%s%s","title":"JSON item %d","date_published":"2026-03-02T07:00:00Z"}`, p, base, p, i))
	}
	return []byte(`{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[` + strings.Join(items, ",") + `]}`)
}

func newsSitemap(base string, paths ...string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">`)
	for i, p := range paths {
		fmt.Fprintf(&b, `<url><loc>%s%s</loc><news:news><news:publication><news:name>Test</news:name><news:language>de</news:language></news:publication><news:publication_date>2026-03-02T0%d:00:00Z</news:publication_date><news:title>News item %d</news:title></news:news></url>`, base, p, i%10, i)
	}
	b.WriteString(`</urlset>`)
	return []byte(b.String())
}

func sitemapIndex(base string, children ...string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	for _, c := range children {
		fmt.Fprintf(&b, `<sitemap><loc>%s%s</loc></sitemap>`, base, c)
	}
	b.WriteString(`</sitemapindex>`)
	return []byte(b.String())
}

func gz(data []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	zw.Close()
	return b.Bytes()
}

// memSink collects outputs in memory.
type memSink struct {
	mu   sync.Mutex
	outs []stage.Output
	fail error
}

func (m *memSink) Write(_ context.Context, outs []stage.Output) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	m.outs = append(m.outs, outs...)
	return nil
}

func (m *memSink) articles(t *testing.T) []*newsflowv1.RawArticle {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*newsflowv1.RawArticle
	for _, o := range m.outs {
		var a newsflowv1.RawArticle
		if err := proto.Unmarshal(o.Value, &a); err != nil {
			t.Fatal(err)
		}
		out = append(out, &a)
	}
	return out
}

// urlCounts counts articles per requested URL.
func urlCounts(as []*newsflowv1.RawArticle) map[string]int {
	m := map[string]int{}
	for _, a := range as {
		m[a.GetRequestedUrl()]++
	}
	return m
}

func sortedKeys(m map[string]int) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

type fetcherOpts struct {
	prefix string
	reg    *prometheus.Registry
	tweak  func(*fetch.Config)
}

func newFetcher(t *testing.T, rdb redis.UniversalClient, sink fetch.Sink, o fetcherOpts) *fetch.Fetcher {
	t.Helper()
	pol, err := guard.ParsePolicy(nil, []string{"news.test", "other.test"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := fetch.Config{
		UserAgent: "newsflow-test/1.0 (+https://example.org/newsflow-bot)",
		Guard:     guard.New(pol, guard.WithResolver(testResolver), guard.WithDialTimeout(2*time.Second)),
		KeyPrefix: o.prefix,
		Politeness: fetch.Politeness{HostInterval: time.Millisecond, Retries: 1,
			RetryBase: 10 * time.Millisecond, RetryMax: 200 * time.Millisecond, BreakerFailures: 3, BreakerOpen: time.Minute},
		FetchTimeout: 10 * time.Second,
		DrainTimeout: 10 * time.Second,
	}
	if o.tweak != nil {
		o.tweak(&cfg)
	}
	reg := o.reg
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	f, err := fetch.New(cfg, rdb, sink, fetch.WithLogger(zaptest.NewLogger(t)), fetch.WithRegisterer(reg))
	if err != nil {
		t.Fatal(err)
	}
	return f
}
