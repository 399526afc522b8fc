package pipebench

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/newsflow/newsflow/pkg/fetch/submitapi"
)

// FetcherRun is the fetcher process alone: the mix's pages served by
// loopback origins, submitted through its API, fetched onto a raw topic.
type FetcherRun struct {
	// Pages submitted; Emitted the ones on the raw topic; Failed the rest.
	Pages   int `json:"pages"`
	Emitted int `json:"emitted"`
	Failed  int `json:"failed"`
	// Hosts is the number of origins (each its own loopback address, so
	// its own per-host rate limit); HostInterval the fetcher's least gap
	// between two requests to one host.
	Hosts        int     `json:"hosts"`
	HostInterval string  `json:"host_interval"`
	ServedBytes  int64   `json:"served_bytes"`
	Wall         float64 `json:"wall_s"` // from the first submit to the last page on the topic
	// PerSec is Emitted / Wall; PerCPU pages per CPU second of the fetcher.
	PerSec float64    `json:"per_s"`
	PerCPU float64    `json:"per_cpu_s"`
	Proc   ProcResult `json:"proc"`
}

// fetchHosts is how many origins serve the pages; fetchInterval the
// per-host politeness of the measurement. 16 hosts at 20 ms allow 800
// pages/s, well above what the fetcher does on this machine, so the fetcher,
// not politeness, is what is measured.
const (
	fetchHosts    = 16
	fetchInterval = 20 * time.Millisecond
	submitChunk   = 100 // the API's default --submit-max-urls
	submitters    = 4
)

// origins serves pages from fetchHosts loopback addresses (127.0.0.2...):
// listening from startOrigins, serving from serve, after every add.
type origins struct {
	lns    []net.Listener
	srvs   []*http.Server
	bases  []string            // http://127.0.0.k:port
	pages  []map[string][]byte // per origin: path -> HTML
	served atomic.Int64
}

func startOrigins(n int) (*origins, error) {
	o := &origins{}
	for i := range n {
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.%d:0", i+2))
		if err != nil {
			o.close()
			return nil, fmt.Errorf("origin %d: %w", i, err)
		}
		pages := map[string][]byte{}
		srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			html, ok := pages[r.URL.Path]
			if !ok { // robots.txt included: no rules
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Length", strconv.Itoa(len(html)))
			n, _ := w.Write(html)
			o.served.Add(int64(n))
		})}
		o.lns = append(o.lns, ln)
		o.srvs = append(o.srvs, srv)
		o.bases = append(o.bases, "http://"+ln.Addr().String())
		o.pages = append(o.pages, pages)
	}
	return o, nil
}

// add places a page of the mix on the origin its site hashes to and
// returns the address the fetcher is given. Pages are added before serve:
// the maps are read without a lock afterwards.
func (o *origins) add(pageURL string, html []byte) (string, error) {
	u, err := url.Parse(pageURL)
	if err != nil {
		return "", fmt.Errorf("page address %q: %w", pageURL, err)
	}
	h := fnv.New32a()
	h.Write([]byte(u.Host))
	i := int(h.Sum32() % uint32(len(o.srvs)))
	path := "/" + u.Host + u.EscapedPath()
	if u.RawQuery != "" {
		path += "-" + url.PathEscape(u.RawQuery) // the origin serves paths only
	}
	o.pages[i][path] = html
	return o.bases[i] + path, nil
}

// serve starts answering requests.
func (o *origins) serve() {
	for i, srv := range o.srvs {
		go func() { _ = srv.Serve(o.lns[i]) }()
	}
}

func (o *origins) close() {
	for i, s := range o.srvs {
		_ = s.Close()        // closes the listener once Serve has started
		_ = o.lns[i].Close() // and before it has
	}
}

// FetcherAlone measures the fetcher binary fetching n pages of the mix
// (20 KB to 2 MB) from loopback origins onto a fresh raw topic: its rate,
// CPU and peak RSS.
func (b *Bench) FetcherAlone(ctx context.Context, run, n int) (FetcherRun, error) {
	name := fmt.Sprintf("r%dg", run)
	t := b.topics(name)
	defer b.cleanup(t)
	r := FetcherRun{Pages: n, Hosts: fetchHosts, HostInterval: fetchInterval.String()}
	if err := CreateTopics(ctx, b.bc, t, b.cfg.Partitions); err != nil {
		return r, err
	}
	o, err := startOrigins(fetchHosts)
	if err != nil {
		return r, err
	}
	defer o.close()
	mix := b.mix(name, b.cfg.Seed+uint64(run)*10+5)
	urls := make([]string, 0, n)
	for range n {
		it, err := mix.Next()
		if err != nil {
			return r, err
		}
		u, err := o.add(it.URL, it.HTML)
		if err != nil {
			return r, err
		}
		urls = append(urls, u)
	}
	o.serve()

	token := "pipebench-" + b.runID
	tokenFile := filepath.Join(b.cfg.LogDir, name+"-token")
	if err := os.WriteFile(tokenFile, []byte(token), 0o600); err != nil {
		return r, fmt.Errorf("fetcher token: %w", err)
	}
	port, err := freePort()
	if err != nil {
		return r, err
	}
	api := "127.0.0.1:" + strconv.Itoa(port)
	args := append([]string{"--brokers", b.bc.Brokers[0], "--redis-url", b.cfg.RedisURL, "--topic", t.Raw,
		"--key-prefix", b.runID + ":" + name + ":", "--client-id", "pipebench-fetcher",
		"--contact-url", "https://example.org/newsflow-pipebench", "--api-addr", api, "--api-token-file", tokenFile,
		"--allow-cidrs", "127.0.0.0/8", "--host-interval", fetchInterval.String(), "--log-level", "info"},
		b.cfg.ServiceArgs...)
	s, err := StartService("fetcher", filepath.Join(b.cfg.BinDir, "fetcher"), b.cfg.LogDir, b.cfg.ServiceEnv, args...)
	if err != nil {
		return r, err
	}
	defer func() { _ = s.Stop(30 * time.Second) }()
	if err := s.WaitReady(ctx); err != nil {
		return r, fmt.Errorf("fetcher not ready: %w\n%s", err, s.LogTail(4000))
	}
	if err := waitListening(ctx, api, time.Minute); err != nil {
		return r, fmt.Errorf("fetcher API: %w\n%s", err, s.LogTail(4000))
	}

	client := &submitapi.Client{Base: "http://" + api, Token: token}
	before := snapshot(s)
	start := time.Now()
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(submitters)
	for i := 0; i < len(urls); i += submitChunk {
		chunk := urls[i:min(i+submitChunk, len(urls))]
		g.Go(func() error {
			res, err := client.Submit(gctx, chunk, true)
			if err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			for _, x := range res.Results {
				switch x.Status {
				case submitapi.StatusEmitted:
					r.Emitted++
				default:
					r.Failed++
					if r.Failed <= 3 {
						b.cfg.Logf("run %d: fetcher: %s %s: %s (%s)", run, x.Status, x.URL, x.Error, x.Class)
					}
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return r, fmt.Errorf("submit: %w\n%s", err, s.LogTail(4000))
	}
	if r.Emitted == 0 {
		return r, errors.New("the fetcher emitted no page")
	}
	// "emitted" means acknowledged by the broker: the pages are on the topic.
	if got, err := EndOffsets(ctx, b.bc, t.Raw); err != nil {
		return r, err
	} else if got < int64(r.Emitted) {
		return r, fmt.Errorf("raw topic holds %d records, the fetcher reported %d emitted", got, r.Emitted)
	}
	end := time.Now()
	after := snapshot(s)
	r.Proc = procResult(ctx, s, before["fetcher"], after["fetcher"])
	r.ServedBytes = o.served.Load()
	r.Wall = end.Sub(start).Seconds()
	r.PerSec = float64(r.Emitted) / r.Wall
	if r.Proc.CPU > 0 {
		r.PerCPU = float64(r.Emitted) / r.Proc.CPU
	}
	b.cfg.Logf("run %d: fetcher alone: %d pages (%d failed) from %d hosts in %.1fs = %.1f pages/s, %.1f per CPU-s, peak RSS %.0f MiB",
		run, r.Emitted, r.Failed, r.Hosts, r.Wall, r.PerSec, r.PerCPU, float64(r.Proc.PeakRSS)/(1<<20))
	return r, nil
}

// waitListening waits until addr accepts TCP connections.
func waitListening(ctx context.Context, addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			return c.Close()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not listening after %s: %w", addr, timeout, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
