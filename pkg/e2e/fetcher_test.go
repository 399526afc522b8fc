package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pkg/fetch/submitapi"
	"github.com/newsflow/newsflow/pkg/testenv"
)

// TestE2ETwoFetcherProcessesShareHostRate is issue 6's acceptance 2 with
// real processes: two fetcher binaries sharing one redis-server are each
// given 15 pages of one host at once; the host's request log shows the two
// together never closer than the per-host interval.
func TestE2ETwoFetcherProcessesShareHostRate(t *testing.T) {
	bc := testenv.Kafka(t)
	_, redisURL := testenv.Redis(t)
	bin := Binaries(t)
	topic := testenv.Name("news.raw")
	testenv.CreateTopics(t, bc, 2, topic)

	var mu sync.Mutex
	var hits []time.Time
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		hits = append(hits, time.Now())
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, "<html><body><h1>Page %s</h1><p>A story served to two fetchers.</p></body></html>", r.URL.Path)
	}))
	defer site.Close()

	const interval = 150 * time.Millisecond
	token := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(token, []byte("e2e-token"), 0o600); err != nil {
		t.Fatal(err)
	}
	prefix := testenv.Name("rate") + ":" // one limiter namespace for both, none shared with other tests
	var apis []string
	for range 2 {
		api := "127.0.0.1:" + strconv.Itoa(freePort(t))
		apis = append(apis, api)
		Start(t, filepath.Join(bin, "fetcher"), []string{
			"--brokers", bc.Brokers[0], "--redis-url", redisURL, "--topic", topic, "--key-prefix", prefix,
			"--contact-url", "https://example.org/newsflow-bot", "--api-addr", api, "--api-token-file", token,
			"--ops-addr", "127.0.0.1:0", "--allow-cidrs", "127.0.0.1/32", "--host-interval", interval.String(),
			"--log-level", "warn",
		})
	}
	var wg sync.WaitGroup
	for i, api := range apis {
		var urls []string
		for j := range 15 {
			urls = append(urls, fmt.Sprintf("%s/p%d/%d", site.URL, i, j))
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &submitapi.Client{Base: "http://" + api, Token: "e2e-token"}
			var res *submitapi.Response
			var err error
			for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				res, err = c.Submit(ctx, urls, true)
				cancel()
				if err == nil {
					break
				}
			}
			if err != nil {
				t.Errorf("submit to %s: %v", api, err)
				return
			}
			for _, r := range res.Results {
				if r.Status != submitapi.StatusEmitted {
					t.Errorf("%s: %s %s", r.URL, r.Status, r.Error)
				}
			}
		}()
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(hits) != 30 {
		t.Fatalf("%d page requests, want 30", len(hits))
	}
	slices.SortFunc(hits, func(a, b time.Time) int { return a.Compare(b) })
	closest := time.Hour
	for i := 1; i < len(hits); i++ {
		closest = min(closest, hits[i].Sub(hits[i-1]))
	}
	span := hits[len(hits)-1].Sub(hits[0])
	t.Logf("two fetcher processes: 30 requests to one host over %s, closest two %s apart (interval %s)",
		span.Round(time.Millisecond), closest.Round(time.Millisecond), interval)
	// The limiter grants slots an interval apart on Redis's clock; the server
	// sees them through two processes' scheduling, so a gap may shrink when a
	// loaded machine delays one request more than the next. The rate is
	// judged over two-second windows, with two requests of slack for such
	// delays: unshared limiters would let both processes in, twice the rate.
	const window = 2 * time.Second
	most := int(window/interval) + 2
	for i := range hits {
		n := 0
		for j := i; j < len(hits) && hits[j].Sub(hits[i]) < window; j++ {
			n++
		}
		if n > most {
			t.Fatalf("%d requests within %s from %s: the per-host rate allows %d", n, window, hits[i].Format("15:04:05.000"), most)
		}
	}
	if span < 29*interval-100*time.Millisecond {
		t.Errorf("30 requests within %s: faster than one per %s", span, interval)
	}
}
