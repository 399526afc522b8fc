// Package submitapi is the fetcher's HTTP API for submitted URLs:
//
//	POST /v1/submit
//	Authorization: Bearer <token>
//	Content-Type: application/json
//
//	{"urls": ["https://example.com/a", ...], "wait": false}
//
// Without "wait" the URLs are queued and the answer is 202 Accepted with a
// "queued" result per URL; with "wait": true the fetcher fetches them before
// answering 200 OK with each URL's outcome (emitted with its news.raw key, or
// failed with the error). Every error is a JSON object {"error": "...",
// "details": [...]} with a 4xx or 5xx status: 400 malformed JSON or URLs
// (nothing is queued then), 401 missing or wrong token, 405 wrong method,
// 413 body too large, 415 not JSON, 429 queue full, 503 shutting down.
package submitapi

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// Path is where the API is served.
const Path = "/v1/submit"

// Request is the body of a submit call.
type Request struct {
	URLs []string `json:"urls"`
	// Wait asks the fetcher to fetch before answering.
	Wait bool `json:"wait,omitempty"`
}

// Result statuses.
const (
	StatusQueued  = "queued"
	StatusEmitted = "emitted"
	StatusFailed  = "failed"
)

// Result is the outcome for one submitted URL.
type Result struct {
	URL    string `json:"url"`
	Status string `json:"status"`
	// Key is the news.raw record key (hex hash of the canonical URL) of an emitted page.
	Key string `json:"key,omitempty"`
	// FinalURL is the address after redirects of an emitted page.
	FinalURL string `json:"final_url,omitempty"`
	// Error and Class describe a failure.
	Error string `json:"error,omitempty"`
	Class string `json:"class,omitempty"`
}

// Response is the body of a successful call.
type Response struct {
	Results []Result `json:"results"`
}

// URLError is a submitted URL that was refused.
type URLError struct {
	Index int    `json:"index"`
	URL   string `json:"url"`
	Error string `json:"error"`
}

// ErrorResponse is the body of every error answer.
type ErrorResponse struct {
	Error   string     `json:"error"`
	Details []URLError `json:"details,omitempty"`
}

// Errors a Submitter returns for whole requests.
var (
	// ErrQueueFull: the fetcher has too many queued URLs (429).
	ErrQueueFull = errors.New("submit queue is full")
	// ErrShuttingDown: the fetcher is stopping (503).
	ErrShuttingDown = errors.New("fetcher is shutting down")
)

// Submitter is what the API hands URLs to (the fetcher).
type Submitter interface {
	// CheckURL says why a URL can never be fetched, or nil.
	CheckURL(raw string) error
	// Submit queues the URLs, or with wait fetches them and reports each outcome.
	Submit(ctx context.Context, urls []string, wait bool) ([]Result, error)
}

// TokenSource returns the bearer token the API expects.
type TokenSource func() (string, error)

// StaticToken is a TokenSource of a fixed token.
func StaticToken(tok string) TokenSource { return func() (string, error) { return tok, nil } }

// FileToken reads the token from a file (a mounted Secret) and re-reads it
// when the file changes, so a rotated Secret takes effect without a
// restart. Surrounding white space is ignored.
func FileToken(path string) TokenSource {
	var mu sync.Mutex
	var tok string
	var mod time.Time
	var size int64 = -1
	return func() (string, error) {
		fi, err := os.Stat(path)
		if err != nil {
			return "", fmt.Errorf("token file: %w", err)
		}
		mu.Lock()
		defer mu.Unlock()
		if fi.ModTime().Equal(mod) && fi.Size() == size {
			return tok, nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("token file: %w", err)
		}
		tok, mod, size = strings.TrimSpace(string(b)), fi.ModTime(), fi.Size()
		return tok, nil
	}
}

// Options tune the handler.
type Options struct {
	// MaxURLs per request (default 100).
	MaxURLs int
	// MaxBodyBytes of a request (default 1 MiB).
	MaxBodyBytes int64
	// WaitTimeout bounds a request with "wait": true (default 2m).
	WaitTimeout time.Duration
}

// Handler serves Path.
func Handler(s Submitter, token TokenSource, o Options) http.Handler {
	if o.MaxURLs <= 0 {
		o.MaxURLs = 100
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 1 << 20
	}
	if o.WaitTimeout <= 0 {
		o.WaitTimeout = 2 * time.Minute
	}
	mux := http.NewServeMux()
	mux.HandleFunc(Path, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeError(w, http.StatusMethodNotAllowed, ErrorResponse{Error: "use POST " + Path})
			return
		}
		if !authorized(r, token) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="newsflow-fetcher"`)
			writeError(w, http.StatusUnauthorized, ErrorResponse{Error: "missing or invalid bearer token"})
			return
		}
		if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
			writeError(w, http.StatusUnsupportedMediaType, ErrorResponse{Error: "Content-Type must be application/json"})
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, o.MaxBodyBytes))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				writeError(w, http.StatusRequestEntityTooLarge, ErrorResponse{Error: fmt.Sprintf("request body over %d bytes", o.MaxBodyBytes)})
				return
			}
			writeError(w, http.StatusBadRequest, ErrorResponse{Error: "read body: " + err.Error()})
			return
		}
		var req Request
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			writeError(w, http.StatusBadRequest, ErrorResponse{Error: "malformed JSON: " + err.Error() + ` (want {"urls": ["https://..."]})`})
			return
		}
		if dec.More() {
			writeError(w, http.StatusBadRequest, ErrorResponse{Error: "malformed JSON: more than one object"})
			return
		}
		switch {
		case len(req.URLs) == 0:
			writeError(w, http.StatusBadRequest, ErrorResponse{Error: `"urls" must list at least one URL`})
			return
		case len(req.URLs) > o.MaxURLs:
			writeError(w, http.StatusBadRequest, ErrorResponse{Error: fmt.Sprintf("%d URLs, at most %d per request", len(req.URLs), o.MaxURLs)})
			return
		}
		var bad []URLError
		for i, u := range req.URLs {
			if err := s.CheckURL(u); err != nil {
				bad = append(bad, URLError{Index: i, URL: truncate(u, 300), Error: err.Error()})
			}
		}
		if len(bad) > 0 {
			writeError(w, http.StatusBadRequest, ErrorResponse{Error: fmt.Sprintf("%d of %d URLs refused; nothing was queued", len(bad), len(req.URLs)), Details: bad})
			return
		}
		ctx := r.Context()
		if req.Wait {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, o.WaitTimeout)
			defer cancel()
		}
		results, err := s.Submit(ctx, req.URLs, req.Wait)
		switch {
		case errors.Is(err, ErrQueueFull):
			w.Header().Set("Retry-After", "10")
			writeError(w, http.StatusTooManyRequests, ErrorResponse{Error: err.Error()})
			return
		case errors.Is(err, ErrShuttingDown):
			w.Header().Set("Retry-After", "5")
			writeError(w, http.StatusServiceUnavailable, ErrorResponse{Error: err.Error()})
			return
		case err != nil:
			writeError(w, http.StatusInternalServerError, ErrorResponse{Error: err.Error()})
			return
		}
		code := http.StatusAccepted
		if req.Wait {
			code = http.StatusOK
		}
		writeJSON(w, code, Response{Results: results})
	})
	return mux
}

func authorized(r *http.Request, token TokenSource) bool {
	want, err := token()
	if err != nil || want == "" {
		return false
	}
	h := r.Header.Get("Authorization")
	const prefix = "bearer "
	if len(h) <= len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return false
	}
	got := strings.TrimSpace(h[len(prefix):])
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func writeError(w http.ResponseWriter, code int, e ErrorResponse) { writeJSON(w, code, e) }

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
