// Package ops serves a service's operations port: /healthz (the process is
// alive), /readyz (its dependencies answer and it is consuming), /metrics
// (Prometheus) and, when enabled, /debug/pprof.
package ops

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"
)

// Check is one readiness condition: nil when the dependency answers.
type Check func(ctx context.Context) error

// Server is the ops HTTP server of one process.
type Server struct {
	addr     string
	log      *zap.Logger
	registry *prometheus.Registry
	timeout  time.Duration
	pprof    bool

	mu     sync.Mutex
	checks map[string]Check
	notOK  map[string]string // conditions set by the process itself (e.g. "paused: redis down")

	srv *http.Server
	ln  net.Listener
}

// New returns a server for addr (host:port; ":0" picks a free port) with a
// fresh Prometheus registry holding the Go and process collectors.
func New(addr string, log *zap.Logger) *Server {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return &Server{addr: addr, log: log, registry: reg, timeout: 2 * time.Second,
		checks: map[string]Check{}, notOK: map[string]string{}}
}

// EnableProfiling makes Handler serve net/http/pprof under /debug/pprof/.
// Profiles reveal memory contents (heap samples hold stack traces, not
// values) and cost CPU while taken: keep the ops port private.
func (s *Server) EnableProfiling() { s.pprof = true }

// Registry is where the process registers its metrics.
func (s *Server) Registry() *prometheus.Registry { return s.registry }

// AddCheck adds a named readiness check, run on every /readyz request.
func (s *Server) AddCheck(name string, c Check) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checks[name] = c
}

// SetNotReady marks a named condition as failing with a reason; SetReady
// clears it. Stages use it to say "paused" while a dependency is down.
func (s *Server) SetNotReady(name, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.notOK[name] = reason
}

// SetReady clears a condition set by SetNotReady.
func (s *Server) SetReady(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.notOK, name)
}

// Ready runs every check and returns the failing ones by name.
func (s *Server) Ready(ctx context.Context) map[string]string {
	s.mu.Lock()
	failing := map[string]string{}
	for k, v := range s.notOK {
		failing[k] = v
	}
	checks := make(map[string]Check, len(s.checks))
	for k, v := range s.checks {
		checks[k] = v
	}
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for name, c := range checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c(ctx); err != nil {
				mu.Lock()
				failing[name] = err.Error()
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return failing
}

// Handler returns the ops HTTP handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		failing := s.Ready(r.Context())
		w.Header().Set("Content-Type", "application/json")
		if len(failing) > 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"ready": len(failing) == 0, "failing": failing})
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{Registry: s.registry}))
	if s.pprof {
		// pprof.Index serves the named profiles (heap, allocs, goroutine, ...)
		// under /debug/pprof/<name>; the other four are its special cases.
		mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	}
	return mux
}

// Listen binds the port; Addr then reports the bound address.
func (s *Server) Listen() error {
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("ops listen on %s: %w", s.addr, err)
	}
	s.ln = ln
	return nil
}

// Addr is the bound address (after Listen).
func (s *Server) Addr() string {
	if s.ln == nil {
		return s.addr
	}
	return s.ln.Addr().String()
}

// Serve serves until ctx ends, then shuts down within a few seconds.
func (s *Server) Serve(ctx context.Context) error {
	if s.ln == nil {
		if err := s.Listen(); err != nil {
			return err
		}
	}
	s.srv = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(s.ln) }()
	s.log.Info("ops server listening", zap.String("addr", s.Addr()))
	select {
	case err := <-errc:
		return fmt.Errorf("ops server: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("ops server shutdown: %w", err)
	}
	return nil
}

// RegisterBuildInfo exports newsflow_build_info{service, version, go} = 1, so
// dashboards can tell which release each replica runs.
func RegisterBuildInfo(reg prometheus.Registerer, service, version string) {
	if version == "" {
		version = "dev"
	}
	g := prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "newsflow", Name: "build_info",
		Help:        "The release a service was built from (always 1).",
		ConstLabels: prometheus.Labels{"service": service, "version": version, "go": runtime.Version()}})
	g.Set(1)
	reg.MustRegister(g)
}
