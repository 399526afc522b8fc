// Package safehttp is the fetcher's HTTP client for pages from the open web:
// every connection goes through the SSRF guard, every phase has a timeout,
// bodies are streamed under a size cap and never read whole first,
// compressed bodies are decoded under a decompression-bomb guard, and
// redirects are limited, loop-checked and re-checked hop by hop.
//
// It is a thin layer over net/http rather than a crawler library because
// these guarantees must hold for every byte the fetcher reads, and the
// standard library exposes exactly the hooks needed (DialContext,
// CheckRedirect, httptrace) without a second HTTP stack to audit.
package safehttp

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/newsflow/newsflow/pkg/fetch/guard"
)

// Options configure a Client. Zero fields take the defaults documented on
// each; Guard is required.
type Options struct {
	// Guard checks every URL and every dialled address (required).
	Guard *guard.Guard
	// UserAgent is sent with every request; it should name the bot and a contact URL.
	UserAgent string
	// MaxRedirects is the most redirects followed for one fetch (default 5).
	MaxRedirects int
	// TLSHandshakeTimeout bounds the TLS handshake (default 10s). The TCP
	// connect is bounded by the guard's dial timeout.
	TLSHandshakeTimeout time.Duration
	// HeaderTimeout bounds the wait for the response headers after the
	// request was written (default 15s).
	HeaderTimeout time.Duration
	// BodyIdleTimeout fails a body that sends nothing for this long (default 15s).
	BodyIdleTimeout time.Duration
	// Timeout bounds the whole fetch, redirects and body included (default 60s):
	// it is what stops a server that sends one byte a second.
	Timeout time.Duration
	// MaxBodyBytes is the default body cap, after decompression (default 5 MiB).
	MaxBodyBytes int64
	// MaxRatio is the largest expansion of a compressed body accepted once
	// it has produced more than 1 MiB (default 100; HTML compresses 5-15x).
	MaxRatio int
}

func (o *Options) defaults() {
	if o.MaxRedirects <= 0 {
		o.MaxRedirects = 5
	}
	if o.TLSHandshakeTimeout <= 0 {
		o.TLSHandshakeTimeout = 10 * time.Second
	}
	if o.HeaderTimeout <= 0 {
		o.HeaderTimeout = 15 * time.Second
	}
	if o.BodyIdleTimeout <= 0 {
		o.BodyIdleTimeout = 15 * time.Second
	}
	if o.Timeout <= 0 {
		o.Timeout = 60 * time.Second
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 5 << 20
	}
	if o.MaxRatio <= 0 {
		o.MaxRatio = 100
	}
}

// Request is one fetch.
type Request struct {
	// URL to fetch (http or https).
	URL string
	// Header holds extra request headers (If-None-Match, Accept, ...).
	Header http.Header
	// MaxBytes overrides the client's body cap when positive.
	MaxBytes int64
	// Truncate keeps the first MaxBytes of an oversized body and flags the
	// response Truncated; without it an oversized body is an error
	// (ClassTooLarge). Pages are cut (their story is near the top), feeds and
	// sitemaps are refused (a cut XML document silently loses entries).
	Truncate bool
	// OnRedirect, when set, is asked about every redirect hop after the
	// guard accepted it (the fetcher checks robots.txt here).
	OnRedirect func(ctx context.Context, to *url.URL) error
}

// Response is a fetched page. Body is set for 2xx answers only.
type Response struct {
	RequestedURL string
	FinalURL     string
	StatusCode   int
	Header       http.Header
	// ContentType is the media type without parameters, lower-cased.
	ContentType string
	// RawContentType is the Content-Type header as sent.
	RawContentType string
	// Charset is the charset parameter of Content-Type, lower-cased, if any.
	Charset string
	Body    []byte
	// Truncated is true when Body was cut at the cap.
	Truncated bool
	// WireBytes counts body bytes read from the connection (before decoding).
	WireBytes int64
	// Redirects are the URLs visited before FinalURL, in order.
	Redirects []string
	Started   time.Time
	Duration  time.Duration
}

// Client fetches under Options. It is safe for concurrent use.
type Client struct {
	opts Options
	hc   *http.Client
}

// New returns a Client.
func New(o Options) (*Client, error) {
	if o.Guard == nil {
		return nil, errors.New("safehttp: Options.Guard is required")
	}
	o.defaults()
	tr := &http.Transport{
		// No proxy from the environment: a proxy would be dialled instead of
		// the page's host and defeat the guard's address check.
		Proxy:                  nil,
		DialContext:            o.Guard.DialContext,
		TLSClientConfig:        &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    o.TLSHandshakeTimeout,
		ResponseHeaderTimeout:  o.HeaderTimeout,
		ExpectContinueTimeout:  time.Second,
		MaxIdleConns:           256,
		MaxIdleConnsPerHost:    4,
		IdleConnTimeout:        90 * time.Second,
		MaxResponseHeaderBytes: 64 << 10,
		// We ask for gzip ourselves and decode under the bomb guard.
		DisableCompression: true,
		ForceAttemptHTTP2:  true,
	}
	c := &Client{opts: o}
	c.hc = &http.Client{Transport: tr, CheckRedirect: c.checkRedirect}
	return c, nil
}

// CheckURL applies the guard's URL check (scheme, host, literal address)
// without fetching: callers use it to refuse early, before robots.txt.
func (c *Client) CheckURL(u *url.URL) error {
	if err := c.opts.Guard.CheckURL(u); err != nil {
		return &Error{Class: ClassSSRF, Phase: "url", URL: u.Redacted(), Err: err}
	}
	return nil
}

// CloseIdleConnections closes pooled connections.
func (c *Client) CloseIdleConnections() { c.hc.CloseIdleConnections() }

// state travels in the request context so that checkRedirect, which gets
// only the request, can reach the fetch it belongs to.
type state struct {
	mu         sync.Mutex
	phase      string
	hops       []string
	onRedirect func(ctx context.Context, to *url.URL) error
}

func (s *state) setPhase(p string) {
	s.mu.Lock()
	s.phase = p
	s.mu.Unlock()
}

func (s *state) getPhase() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.phase
}

type stateKey struct{}

func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	st, _ := req.Context().Value(stateKey{}).(*state)
	target := req.URL.String()
	if len(via) > c.opts.MaxRedirects {
		return &Error{Class: ClassRedirectLimit, Phase: "redirect", URL: via[0].URL.String(),
			Err: fmt.Errorf("stopped after %d redirects (last hop to %s)", c.opts.MaxRedirects, target)}
	}
	for _, v := range via {
		if v.URL.String() == target {
			chain := make([]string, 0, len(via)+1)
			for _, w := range via {
				chain = append(chain, w.URL.String())
			}
			chain = append(chain, target)
			return &Error{Class: ClassRedirectLoop, Phase: "redirect", URL: via[0].URL.String(),
				Err: fmt.Errorf("redirect loop: %s", strings.Join(chain, " -> "))}
		}
	}
	if err := c.opts.Guard.CheckURL(req.URL); err != nil {
		return &Error{Class: ClassSSRF, Phase: "redirect", URL: via[0].URL.String(),
			Err: fmt.Errorf("redirect from %s: %w", via[len(via)-1].URL, err)}
	}
	if st != nil && st.onRedirect != nil {
		if err := st.onRedirect(req.Context(), req.URL); err != nil {
			return &Error{Class: ClassRedirectDeny, Phase: "redirect", URL: via[0].URL.String(),
				Err: fmt.Errorf("redirect to %s: %w", target, err)}
		}
	}
	// Validators belong to the first URL, not to where it moved.
	req.Header.Del("If-None-Match")
	req.Header.Del("If-Modified-Since")
	if st != nil {
		st.mu.Lock()
		st.hops = append(st.hops, via[len(via)-1].URL.String())
		st.mu.Unlock()
	}
	return nil
}

// Get fetches r.URL. It returns a Response for every HTTP answer, whatever
// its status, and an *Error when no acceptable answer was read.
func (c *Client) Get(ctx context.Context, r Request) (*Response, error) {
	started := time.Now()
	u, err := url.Parse(r.URL)
	if err != nil {
		return nil, &Error{Class: ClassSSRF, Phase: "url", URL: r.URL, Err: fmt.Errorf("unparseable URL: %w", err)}
	}
	if err := c.opts.Guard.CheckURL(u); err != nil {
		return nil, &Error{Class: ClassSSRF, Phase: "url", URL: r.URL, Err: err}
	}
	limit := r.MaxBytes
	if limit <= 0 {
		limit = c.opts.MaxBodyBytes
	}

	st := &state{phase: "connect", onRedirect: r.OnRedirect}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	total := time.AfterFunc(c.opts.Timeout, func() {
		cancel(timeoutf("whole fetch exceeded %s", c.opts.Timeout))
	})
	defer total.Stop()

	trace := &httptrace.ClientTrace{
		DNSStart:             func(httptrace.DNSStartInfo) { st.setPhase("dns") },
		ConnectStart:         func(string, string) { st.setPhase("connect") },
		TLSHandshakeStart:    func() { st.setPhase("tls") },
		WroteRequest:         func(httptrace.WroteRequestInfo) { st.setPhase("headers") },
		GotFirstResponseByte: func() { st.setPhase("headers") },
	}
	ctx = httptrace.WithClientTrace(context.WithValue(ctx, stateKey{}, st), trace)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &Error{Class: ClassProtocol, Phase: "url", URL: r.URL, Err: err}
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if c.opts.UserAgent != "" {
		req.Header.Set("User-Agent", c.opts.UserAgent)
	}
	req.Header.Set("Accept-Encoding", "gzip, deflate")

	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, c.wrap(r.URL, st, err, context.Cause(ctx))
	}
	defer resp.Body.Close()
	st.setPhase("body")

	out := &Response{
		RequestedURL:   r.URL,
		FinalURL:       resp.Request.URL.String(),
		StatusCode:     resp.StatusCode,
		Header:         resp.Header,
		RawContentType: resp.Header.Get("Content-Type"),
		Started:        started,
	}
	st.mu.Lock()
	out.Redirects = append([]string(nil), st.hops...)
	st.mu.Unlock()
	if mt, params, err := mime.ParseMediaType(out.RawContentType); err == nil {
		out.ContentType = strings.ToLower(mt)
		out.Charset = strings.ToLower(strings.Trim(params["charset"], `"' `))
	} else if out.RawContentType != "" {
		out.ContentType = strings.ToLower(strings.TrimSpace(strings.SplitN(out.RawContentType, ";", 2)[0]))
	}

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// Read a little so the connection can be reused, then give up on it.
		n, _ := io.Copy(io.Discard, io.LimitReader(resp.Body, 16<<10))
		out.WireBytes = n
		out.Duration = time.Since(started)
		return out, nil
	}

	if cl := resp.ContentLength; cl > limit && !r.Truncate && resp.Header.Get("Content-Encoding") == "" {
		return nil, &Error{Class: ClassTooLarge, Phase: "headers", URL: r.URL,
			Err: fmt.Errorf("Content-Length %d exceeds the %s body cap", cl, FormatBytes(limit))}
	}

	// The idle timer is reset by every read that returns data; when it
	// fires it cancels the fetch with a cause that names the limit.
	idle := time.AfterFunc(c.opts.BodyIdleTimeout, func() {
		cancel(timeoutf("no body bytes for %s", c.opts.BodyIdleTimeout))
	})
	defer idle.Stop()
	wire := &countingReader{r: resp.Body, onRead: func() { idle.Reset(c.opts.BodyIdleTimeout) }}
	body, truncated, err := readBody(wire, resp.Header.Get("Content-Encoding"), limit, r.Truncate, c.opts.MaxRatio, resp.ContentLength)
	out.WireBytes = wire.n
	out.Duration = time.Since(started)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.URL = r.URL
			return nil, e
		}
		return nil, c.wrap(r.URL, st, err, context.Cause(ctx))
	}
	out.Body, out.Truncated = body, truncated
	return out, nil
}

func (c *Client) wrap(rawURL string, st *state, err, cause error) error {
	e := classify(rawURL, st.getPhase(), err, cause)
	st.mu.Lock()
	hops := append([]string(nil), st.hops...)
	st.mu.Unlock()
	if len(hops) > 0 && e.Phase != "redirect" {
		e.Err = fmt.Errorf("after redirects via %s: %w", strings.Join(hops, " -> "), e.Err)
	}
	return e
}

type countingReader struct {
	r      io.Reader
	n      int64
	onRead func()
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if n > 0 && c.onRead != nil {
		c.onRead()
	}
	return n, err
}

// readBody decodes and reads at most limit bytes. It never allocates more
// than the bytes it has read (plus bytes.Buffer growth), whatever the
// server announces.
func readBody(wire *countingReader, encoding string, limit int64, truncate bool, maxRatio int, length int64) ([]byte, bool, error) {
	var src io.Reader = wire
	enc := strings.ToLower(strings.TrimSpace(encoding))
	if enc != "" && enc != "identity" {
		length = -1 // the decoded size is unknown
		dec, err := newDecoder(wire, enc, func() int64 { return wire.n }, maxRatio)
		if err != nil {
			return nil, false, err
		}
		defer dec.Close()
		src = dec
	}
	return readCapped(src, limit, truncate, length)
}

// readCapped reads up to limit bytes from src, in chunks, and reports
// whether more was there. A known length (Content-Length) within the cap
// sizes the buffer once; the cap, not the server, bounds the allocation.
func readCapped(src io.Reader, limit int64, truncate bool, length int64) ([]byte, bool, error) {
	var buf bytes.Buffer
	if length > 0 {
		buf.Grow(int(min(length, limit)) + bytes.MinRead)
	}
	n, err := io.Copy(&buf, io.LimitReader(src, limit))
	if err != nil {
		return nil, false, err
	}
	if n < limit {
		return buf.Bytes(), false, nil
	}
	// Exactly at the cap: one more byte tells a cut body from a full one.
	var one [1]byte
	m, err := io.ReadFull(src, one[:])
	if m == 0 {
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, false, err
		}
		return buf.Bytes(), false, nil
	}
	if !truncate {
		return nil, false, &Error{Class: ClassTooLarge, Phase: "body",
			Err: fmt.Errorf("body exceeds the %s cap (stopped reading there)", FormatBytes(limit))}
	}
	return buf.Bytes(), true, nil
}

// FormatBytes renders a byte count for error messages ("5 MiB", "512 KiB").
func FormatBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + " GiB"
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return strconv.FormatInt(n, 10) + " B"
}
