package safehttp_test

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pkg/fetch/guard"
	"github.com/newsflow/newsflow/pkg/fetch/safehttp"
)

// stubResolver answers from a map, so no test needs DNS.
type stubResolver map[string]string

func (s stubResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	ip, ok := s[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return []netip.Addr{netip.MustParseAddr(ip)}, nil
}

var resolver = stubResolver{
	"news.test":    "127.0.0.1", // allow-listed by name: the test server
	"evil.test":    "127.0.0.1", // the same server, but not allow-listed
	"private.test": "10.0.0.1",
	"meta.test":    "169.254.169.254",
	"v6.test":      "::1",
}

func newClient(t *testing.T, o safehttp.Options) *safehttp.Client {
	t.Helper()
	p, err := guard.ParsePolicy(nil, []string{"news.test"})
	if err != nil {
		t.Fatal(err)
	}
	o.Guard = guard.New(p, guard.WithResolver(resolver), guard.WithDialTimeout(2*time.Second))
	o.UserAgent = "newsflow-test/1 (+https://example.org/bot)"
	c, err := safehttp.New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// serve starts a test server and returns the base URL under news.test.
func serve(t *testing.T, h http.Handler) (base string, port string) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return "http://news.test:" + u.Port(), u.Port()
}

// allocated runs f and returns the bytes it allocated (runtime.MemStats
// TotalAlloc), a bound on the memory the fetch could have held.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestSSRFRefusals(t *testing.T) {
	var secretHits atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/secret", func(w http.ResponseWriter, r *http.Request) {
		secretHits.Add(1)
		fmt.Fprint(w, "internal data")
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
	})
	base, port := serve(t, mux)
	c := newClient(t, safehttp.Options{})
	targets := []struct {
		url, reason string
	}{
		{"http://127.0.0.1:" + port + "/secret", "loopback"},
		{"http://evil.test:" + port + "/secret", "loopback"},
		{"http://10.0.0.5/secret", "private"},
		{"http://private.test/secret", "private"},
		{"http://169.254.169.254/latest/meta-data/", "cloud metadata"},
		{"http://meta.test/latest/meta-data/", "cloud metadata"},
		{"http://[::1]:" + port + "/secret", "loopback"},
		{"http://v6.test:" + port + "/secret", "loopback"},
		{"file:///etc/passwd", "scheme"},
	}
	for _, tc := range targets {
		for _, via := range []string{"direct", "redirect"} {
			t.Run(via+" "+tc.url, func(t *testing.T) {
				u := tc.url
				if via == "redirect" {
					u = base + "/redirect?to=" + url.QueryEscape(tc.url)
				}
				resp, err := c.Get(context.Background(), safehttp.Request{URL: u})
				if err == nil {
					t.Fatalf("fetched %s (status %d), want an SSRF refusal", u, resp.StatusCode)
				}
				if safehttp.ClassOf(err) != safehttp.ClassSSRF || !errors.Is(err, guard.ErrBlocked) {
					t.Fatalf("class %q, want ssrf: %v", safehttp.ClassOf(err), err)
				}
				if !strings.Contains(err.Error(), tc.reason) {
					t.Fatalf("error %q does not give the reason %q", err, tc.reason)
				}
				if via == "redirect" && !strings.Contains(err.Error(), "redirect") {
					t.Fatalf("error %q does not say a redirect led there", err)
				}
			})
		}
	}
	if n := secretHits.Load(); n != 0 {
		t.Fatalf("the internal endpoint was reached %d times", n)
	}
	// The allow-listed name still works.
	resp, err := c.Get(context.Background(), safehttp.Request{URL: base + "/secret"})
	if err != nil || resp.StatusCode != 200 || string(resp.Body) != "internal data" {
		t.Fatalf("allow-listed fetch: %v %+v", err, resp)
	}
}

// streamBody writes n bytes of 'a' in 64 KiB writes and records how many
// went out before the client hung up.
func streamBody(n int64, withLength bool, sent *atomic.Int64, done chan<- struct{}) http.HandlerFunc {
	chunk := bytes.Repeat([]byte("a"), 64<<10)
	return func(w http.ResponseWriter, r *http.Request) {
		defer func() { done <- struct{}{} }()
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		if withLength {
			w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
		}
		for left := n; left > 0; {
			k := min(int64(len(chunk)), left)
			m, err := w.Write(chunk[:k])
			sent.Add(int64(m))
			if err != nil {
				return
			}
			left -= int64(m)
		}
	}
}

func TestHugeBodyIsCutOrRefusedWithBoundedMemory(t *testing.T) {
	const gib = 1 << 30
	const maxAlloc = 48 << 20
	cases := []struct {
		name       string
		withLength bool
		truncate   bool
		wantClass  string
	}{
		{"content-length, refuse", true, false, safehttp.ClassTooLarge},
		{"chunked, refuse", false, false, safehttp.ClassTooLarge},
		{"chunked, truncate", false, true, ""},
		{"content-length, truncate", true, true, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var sent atomic.Int64
			done := make(chan struct{}, 1)
			base, _ := serve(t, streamBody(gib, tc.withLength, &sent, done))
			c := newClient(t, safehttp.Options{MaxBodyBytes: 5 << 20})
			var resp *safehttp.Response
			var err error
			alloc := allocated(func() {
				resp, err = c.Get(context.Background(), safehttp.Request{URL: base + "/huge", Truncate: tc.truncate})
			})
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("server still sending 20s after the client stopped")
			}
			t.Logf("%s: allocated %s, server sent %s of 1 GiB, err=%v", tc.name,
				safehttp.FormatBytes(int64(alloc)), safehttp.FormatBytes(sent.Load()), err)
			if alloc > maxAlloc {
				t.Errorf("allocated %d bytes for a capped fetch, want < %d", alloc, maxAlloc)
			}
			if sent.Load() > 256<<20 {
				t.Errorf("server sent %d bytes before the client hung up", sent.Load())
			}
			if tc.wantClass != "" {
				if safehttp.ClassOf(err) != tc.wantClass || !strings.Contains(err.Error(), "5 MiB") {
					t.Fatalf("err = %v, want %s naming the 5 MiB cap", err, tc.wantClass)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !resp.Truncated || len(resp.Body) != 5<<20 {
				t.Fatalf("truncated=%v len=%d, want a 5 MiB cut body", resp.Truncated, len(resp.Body))
			}
			if resp.Charset != "utf-8" || resp.ContentType != "text/html" {
				t.Errorf("content type %q charset %q", resp.ContentType, resp.Charset)
			}
		})
	}
}

// gzipBomb returns a multi-member gzip stream that expands to n MiB of
// zeros: one compressed MiB repeated, cheap to build and about 1000:1.
func gzipBomb(t *testing.T, mib int) []byte {
	t.Helper()
	var one bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&one, gzip.BestCompression)
	if _, err := zw.Write(make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	return bytes.Repeat(one.Bytes(), mib)
}

func TestGzipBomb(t *testing.T) {
	bomb := gzipBomb(t, 1024) // 1 GiB when expanded
	t.Logf("bomb: %s compressed, 1 GiB expanded", safehttp.FormatBytes(int64(len(bomb))))
	mux := http.NewServeMux()
	mux.HandleFunc("/bomb", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "text/html")
		w.Write(bomb)
	})
	page := strings.Repeat("<p>A real article paragraph with varied words number ", 2000)
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		switch r.URL.Query().Get("enc") {
		case "gzip":
			w.Header().Set("Content-Encoding", "gzip")
			zw := gzip.NewWriter(w)
			zw.Write([]byte(page))
			zw.Close()
		case "deflate":
			w.Header().Set("Content-Encoding", "deflate")
			zw := zlib.NewWriter(w)
			zw.Write([]byte(page))
			zw.Close()
		}
	})
	base, _ := serve(t, mux)
	c := newClient(t, safehttp.Options{MaxBodyBytes: 5 << 20})
	for _, truncate := range []bool{false, true} {
		var err error
		alloc := allocated(func() {
			_, err = c.Get(context.Background(), safehttp.Request{URL: base + "/bomb", Truncate: truncate})
		})
		t.Logf("truncate=%v: allocated %s, err=%v", truncate, safehttp.FormatBytes(int64(alloc)), err)
		if safehttp.ClassOf(err) != safehttp.ClassBomb || !strings.Contains(err.Error(), "decompression bomb") {
			t.Fatalf("truncate=%v: err = %v, want a decompression bomb error", truncate, err)
		}
		if alloc > 32<<20 {
			t.Errorf("allocated %d bytes decoding a bomb", alloc)
		}
	}
	for _, enc := range []string{"gzip", "deflate"} {
		resp, err := c.Get(context.Background(), safehttp.Request{URL: base + "/page?enc=" + enc})
		if err != nil || string(resp.Body) != page {
			t.Fatalf("%s page: err=%v, %d bytes", enc, err, len(resp.Body))
		}
		if resp.WireBytes >= int64(len(page)) {
			t.Errorf("%s: %d wire bytes for a %d byte page: not compressed?", enc, resp.WireBytes, len(page))
		}
	}
	// A gzipped sitemap file (no Content-Encoding) goes through Gunzip.
	if _, err := safehttp.Gunzip(bomb, 50<<20, 100); safehttp.ClassOf(err) != safehttp.ClassBomb {
		t.Fatalf("Gunzip(bomb) = %v, want a bomb error", err)
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write([]byte(page))
	zw.Close()
	if out, err := safehttp.Gunzip(z.Bytes(), 50<<20, 100); err != nil || string(out) != page {
		t.Fatalf("Gunzip(page) = %d bytes, %v", len(out), err)
	}
	if _, err := safehttp.Gunzip(z.Bytes(), 1000, 100); safehttp.ClassOf(err) != safehttp.ClassTooLarge {
		t.Fatalf("Gunzip over the cap = %v, want too_large", err)
	}
}

func TestSlowServersTimeOut(t *testing.T) {
	mux := http.NewServeMux()
	// One byte a second, forever: only the whole-fetch timeout stops it.
	mux.HandleFunc("/drip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(200)
		for {
			if _, err := w.Write([]byte("x")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(time.Second):
			}
		}
	})
	// A few bytes, then silence.
	mux.HandleFunc("/stall", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		w.Write([]byte("<html>"))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	// The status line never comes.
	mux.HandleFunc("/noheaders", func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	})
	base, _ := serve(t, mux)
	cases := []struct {
		path, phase, msg string
		opts             safehttp.Options
	}{
		{"/drip", "body", "whole fetch exceeded 1.5s", safehttp.Options{Timeout: 1500 * time.Millisecond, BodyIdleTimeout: 5 * time.Second}},
		{"/stall", "body", "no body bytes for 300ms", safehttp.Options{Timeout: 10 * time.Second, BodyIdleTimeout: 300 * time.Millisecond}},
		{"/noheaders", "headers", "", safehttp.Options{Timeout: 10 * time.Second, HeaderTimeout: 300 * time.Millisecond}},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			c := newClient(t, tc.opts)
			var err error
			alloc := allocated(func() {
				_, err = c.Get(context.Background(), safehttp.Request{URL: base + tc.path})
			})
			var e *safehttp.Error
			if !errors.As(err, &e) || e.Class != safehttp.ClassTimeout || e.Phase != tc.phase {
				t.Fatalf("err = %v, want a timeout during %s", err, tc.phase)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err %q does not say %q", err, tc.msg)
			}
			if alloc > 8<<20 {
				t.Errorf("allocated %d bytes waiting on a slow server", alloc)
			}
			t.Logf("%v (allocated %s)", err, safehttp.FormatBytes(int64(alloc)))
		})
	}
}

func TestRedirects(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/b", http.StatusMovedPermanently) })
	mux.HandleFunc("/b", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/a", http.StatusFound) })
	mux.HandleFunc("/hop", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		http.Redirect(w, r, "/hop?n="+strconv.Itoa(n+1), http.StatusFound)
	})
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/final", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/final", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") != "" {
			t.Errorf("validator of the first URL sent to the redirect target")
		}
		fmt.Fprint(w, "here")
	})
	mux.HandleFunc("/private", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "no") })
	base, _ := serve(t, mux)
	c := newClient(t, safehttp.Options{MaxRedirects: 5})

	var err error
	alloc := allocated(func() { _, err = c.Get(context.Background(), safehttp.Request{URL: base + "/a"}) })
	if alloc > 4<<20 {
		t.Errorf("allocated %d bytes following a redirect loop", alloc)
	}
	if safehttp.ClassOf(err) != safehttp.ClassRedirectLoop || !strings.Contains(err.Error(), "/a -> ") {
		t.Fatalf("loop: %v", err)
	}
	_, err = c.Get(context.Background(), safehttp.Request{URL: base + "/hop?n=0"})
	if safehttp.ClassOf(err) != safehttp.ClassRedirectLimit || !strings.Contains(err.Error(), "after 5 redirects") {
		t.Fatalf("limit: %v", err)
	}
	resp, err := c.Get(context.Background(), safehttp.Request{URL: base + "/moved", Header: http.Header{"If-None-Match": {`"v1"`}}})
	if err != nil || resp.FinalURL != base+"/final" || len(resp.Redirects) != 1 || string(resp.Body) != "here" {
		t.Fatalf("moved: %v %+v", err, resp)
	}
	deny := func(_ context.Context, to *url.URL) error {
		if to.Path == "/private" {
			return errors.New("robots.txt disallows /private")
		}
		return nil
	}
	mux.HandleFunc("/to-private", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/private", http.StatusFound) })
	_, err = c.Get(context.Background(), safehttp.Request{URL: base + "/to-private", OnRedirect: deny})
	if safehttp.ClassOf(err) != safehttp.ClassRedirectDeny || !strings.Contains(err.Error(), "robots.txt") {
		t.Fatalf("hook: %v", err)
	}
}

func TestStatusAndConditionalHeaders(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/feed", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("User-Agent") == "" || !strings.Contains(r.Header.Get("User-Agent"), "+https://example.org/bot") {
			t.Errorf("user agent %q", r.Header.Get("User-Agent"))
		}
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		fmt.Fprint(w, "<rss/>")
	})
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "gone", http.StatusGone) })
	base, _ := serve(t, mux)
	c := newClient(t, safehttp.Options{})
	resp, err := c.Get(context.Background(), safehttp.Request{URL: base + "/feed"})
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("ETag") != `"v1"` {
		t.Fatalf("first: %v %+v", err, resp)
	}
	resp, err = c.Get(context.Background(), safehttp.Request{URL: base + "/feed", Header: http.Header{"If-None-Match": {`"v1"`}}})
	if err != nil || resp.StatusCode != http.StatusNotModified || resp.Body != nil {
		t.Fatalf("conditional: %v %+v", err, resp)
	}
	resp, err = c.Get(context.Background(), safehttp.Request{URL: base + "/gone"})
	if err != nil || resp.StatusCode != http.StatusGone || resp.Body != nil {
		t.Fatalf("gone: %v %+v", err, resp)
	}
	_, err = c.Get(context.Background(), safehttp.Request{URL: "http://nxdomain.test/"})
	if safehttp.ClassOf(err) != safehttp.ClassDNS || !safehttp.Transient(err) {
		t.Fatalf("nxdomain: class %q: %v", safehttp.ClassOf(err), err)
	}
}
