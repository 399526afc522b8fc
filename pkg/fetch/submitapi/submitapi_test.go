package submitapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pkg/fetch/submitapi"
)

type stub struct {
	err   error
	calls [][]string
}

func (s *stub) CheckURL(raw string) error {
	if !strings.HasPrefix(raw, "https://") {
		return errors.New("only https in this test")
	}
	return nil
}

func (s *stub) Submit(_ context.Context, urls []string, wait bool) ([]submitapi.Result, error) {
	if s.err != nil {
		return nil, s.err
	}
	s.calls = append(s.calls, urls)
	out := make([]submitapi.Result, len(urls))
	for i, u := range urls {
		out[i] = submitapi.Result{URL: u, Status: submitapi.StatusQueued}
		if wait {
			out[i].Status = submitapi.StatusEmitted
		}
	}
	return out, nil
}

func TestHandler(t *testing.T) {
	cases := []struct {
		name, method, auth, ctype, body string
		submitErr                       error
		code                            int
		msg                             string
		calls                           int
	}{
		{"queued", "POST", "Bearer tok", "application/json", `{"urls":["https://a.test/1","https://a.test/2"]}`, nil, 202, "", 1},
		{"wait", "POST", "bearer tok", "application/json; charset=utf-8", `{"urls":["https://a.test/1"],"wait":true}`, nil, 200, "", 1},
		{"no auth", "POST", "", "application/json", `{"urls":["https://a.test/1"]}`, nil, 401, "bearer token", 0},
		{"basic auth", "POST", "Basic dG9rOg==", "application/json", `{"urls":["https://a.test/1"]}`, nil, 401, "bearer token", 0},
		{"wrong token", "POST", "Bearer tok2", "application/json", `{"urls":["https://a.test/1"]}`, nil, 401, "bearer token", 0},
		{"get", "GET", "Bearer tok", "", "", nil, 405, "POST", 0},
		{"form", "POST", "Bearer tok", "application/x-www-form-urlencoded", "urls=x", nil, 415, "application/json", 0},
		{"bad json", "POST", "Bearer tok", "application/json", `{"urls":`, nil, 400, "malformed JSON", 0},
		{"two objects", "POST", "Bearer tok", "application/json", `{"urls":["https://a.test/1"]}{}`, nil, 400, "more than one", 0},
		{"no urls", "POST", "Bearer tok", "application/json", `{}`, nil, 400, "at least one", 0},
		{"too many", "POST", "Bearer tok", "application/json", `{"urls":["https://a/1","https://a/2","https://a/3"]}`, nil, 400, "at most 2", 0},
		{"one bad url", "POST", "Bearer tok", "application/json", `{"urls":["https://a.test/1","http://a.test/2"]}`, nil, 400, "1 of 2 URLs refused", 0},
		{"too big", "POST", "Bearer tok", "application/json", `{"urls":["https://a.test/` + strings.Repeat("x", 2000) + `"]}`, nil, 413, "over", 0},
		{"queue full", "POST", "Bearer tok", "application/json", `{"urls":["https://a.test/1"]}`, submitapi.ErrQueueFull, 429, "full", 0},
		{"stopping", "POST", "Bearer tok", "application/json", `{"urls":["https://a.test/1"]}`, submitapi.ErrShuttingDown, 503, "shutting down", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := &stub{err: c.submitErr}
			h := submitapi.Handler(s, submitapi.StaticToken("tok"), submitapi.Options{MaxURLs: 2, MaxBodyBytes: 1024})
			req := httptest.NewRequest(c.method, submitapi.Path, strings.NewReader(c.body))
			if c.auth != "" {
				req.Header.Set("Authorization", c.auth)
			}
			if c.ctype != "" {
				req.Header.Set("Content-Type", c.ctype)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != c.code {
				t.Fatalf("status %d, want %d: %s", rec.Code, c.code, rec.Body)
			}
			if rec.Header().Get("Content-Type") != "application/json" {
				t.Errorf("content type %q", rec.Header().Get("Content-Type"))
			}
			if c.code >= 400 {
				var e submitapi.ErrorResponse
				if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || !strings.Contains(e.Error, c.msg) {
					t.Fatalf("error body %s, want %q", rec.Body, c.msg)
				}
				if c.code == 401 && rec.Header().Get("WWW-Authenticate") == "" {
					t.Error("401 without WWW-Authenticate")
				}
			} else {
				var r submitapi.Response
				if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil || len(r.Results) == 0 {
					t.Fatalf("body %s", rec.Body)
				}
			}
			if len(s.calls) != c.calls {
				t.Errorf("Submit called %d times, want %d", len(s.calls), c.calls)
			}
		})
	}
}

func TestFileTokenRotates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(path, []byte("first\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	src := submitapi.FileToken(path)
	h := submitapi.Handler(&stub{}, src, submitapi.Options{})
	call := func(tok string) int {
		req := httptest.NewRequest("POST", submitapi.Path, strings.NewReader(`{"urls":["https://a.test/"]}`))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	if c := call("first"); c != http.StatusAccepted {
		t.Fatalf("first token: %d", c)
	}
	// Rotate the Secret (a new file with a new mtime).
	later := time.Now().Add(time.Second)
	if err := os.WriteFile(path, []byte("second"), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(path, later, later)
	if c := call("first"); c != http.StatusUnauthorized {
		t.Fatalf("old token after rotation: %d", c)
	}
	if c := call("second"); c != http.StatusAccepted {
		t.Fatalf("new token: %d", c)
	}
	os.Remove(path)
	if c := call("second"); c != http.StatusUnauthorized {
		t.Fatalf("token file gone: %d, want 401 (fail closed)", c)
	}
}
