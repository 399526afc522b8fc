package ops

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	b, _ := io.ReadAll(rec.Body)
	return rec.Code, string(b)
}

func TestReadinessFollowsChecksAndPauses(t *testing.T) {
	s := New("127.0.0.1:0", zap.NewNop())
	redisUp := true
	s.AddCheck("kafka", func(context.Context) error { return nil })
	s.AddCheck("redis", func(context.Context) error {
		if !redisUp {
			return errors.New("connection refused")
		}
		return nil
	})
	h := s.Handler()
	tests := []struct {
		name       string
		setup      func()
		wantCode   int
		wantFailed []string
	}{
		{"all up", func() {}, 200, nil},
		{"redis down", func() { redisUp = false }, 503, []string{"redis"}},
		{"paused stage", func() { redisUp = true; s.SetNotReady("stage", "paused: produce") }, 503, []string{"stage"}},
		{"resumed", func() { s.SetReady("stage") }, 200, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.setup()
			code, body := get(t, h, "/readyz")
			if code != tc.wantCode {
				t.Fatalf("/readyz = %d %s, want %d", code, body, tc.wantCode)
			}
			var got struct {
				Ready   bool              `json:"ready"`
				Failing map[string]string `json:"failing"`
			}
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatal(err)
			}
			if len(got.Failing) != len(tc.wantFailed) {
				t.Errorf("failing %v, want %v", got.Failing, tc.wantFailed)
			}
			for _, f := range tc.wantFailed {
				if got.Failing[f] == "" {
					t.Errorf("failing %v lacks %s with a reason", got.Failing, f)
				}
			}
		})
	}
	if code, _ := get(t, h, "/healthz"); code != 200 {
		t.Errorf("/healthz = %d while dependencies fail; liveness must not depend on them", code)
	}
}

func TestMetricsExposeRegisteredSeries(t *testing.T) {
	s := New("127.0.0.1:0", zap.NewNop())
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "newsflow_test_things_total", Help: "things"})
	s.Registry().MustRegister(c)
	c.Add(3)
	code, body := get(t, s.Handler(), "/metrics")
	if code != 200 || !strings.Contains(body, "newsflow_test_things_total 3") || !strings.Contains(body, "go_goroutines") {
		t.Errorf("/metrics = %d:\n%.500s", code, body)
	}
}

func TestProfilingIsServedOnlyWhenEnabled(t *testing.T) {
	tests := []struct {
		name   string
		enable bool
		want   int
	}{
		{"off by default", false, http.StatusNotFound},
		{"on when enabled", true, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New("127.0.0.1:0", zap.NewNop())
			if tt.enable {
				s.EnableProfiling()
			}
			code, body := get(t, s.Handler(), "/debug/pprof/heap?debug=1")
			if code != tt.want {
				t.Fatalf("/debug/pprof/heap = %d, want %d:\n%.300s", code, tt.want, body)
			}
			if tt.enable && !strings.Contains(body, "heap profile:") {
				t.Errorf("/debug/pprof/heap is not a heap profile:\n%.300s", body)
			}
		})
	}
}

func TestBuildInfoNamesServiceAndVersion(t *testing.T) {
	s := New("127.0.0.1:0", zap.NewNop())
	RegisterBuildInfo(s.Registry(), "cleaner", "v1.2.3")
	_, body := get(t, s.Handler(), "/metrics")
	if !strings.Contains(body, `newsflow_build_info{go="`) || !strings.Contains(body, `service="cleaner",version="v1.2.3"} 1`) {
		t.Errorf("/metrics lacks the build info:\n%.800s", body)
	}
}
