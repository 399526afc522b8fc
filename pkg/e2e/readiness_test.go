package e2e

import (
	"bufio"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pkg/testenv"
)

// TestE2EReadinessProbesLeakNothing probes a running cleaner's /readyz as a
// kubelet does for half an hour (every 10 s) and checks that the process
// holds no more goroutines afterwards. Each probe asks the broker for its
// metadata; a probe that left its kafka-go transport open kept a goroutine
// polling the whole cluster and a connection, per probe, for the life of
// the pod.
func TestE2EReadinessProbesLeakNothing(t *testing.T) {
	bin := Binaries(t)
	bc := testenv.Kafka(t)
	_, redisURL := testenv.Redis(t)
	p := newPipeline(t, bc, 1)
	ops := "127.0.0.1:" + strconv.Itoa(freePort(t))
	args := append(p.stageArgs(bc, redisURL, p.cleanerGroup, p.raw, p.cleaned), "--ops-addr", ops)
	cl := Start(t, filepath.Join(bin, "cleaner"), args)

	deadline := time.Now().Add(30 * time.Second)
	for readyz(ops) != http.StatusOK {
		if cl.Exited() {
			t.Fatalf("the cleaner exited: %v", cl.Wait(0))
		}
		if time.Now().After(deadline) {
			t.Fatal("/readyz not 200 within 30s of start")
		}
		time.Sleep(100 * time.Millisecond)
	}
	before := goroutines(t, ops)
	const probes = 180
	for i := 0; i < probes; i++ {
		if code := readyz(ops); code != http.StatusOK {
			t.Fatalf("probe %d: /readyz answered %d", i, code)
		}
	}
	// A closed transport's goroutines end at once; give them a moment.
	var after int
	for range 20 {
		if after = goroutines(t, ops); after-before < 10 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("goroutines before %d probes: %d, after: %d", probes, before, after)
	if after-before >= 10 {
		t.Errorf("%d /readyz probes left %d more goroutines (%d -> %d); want none", probes, after-before, before, after)
	}
}

// goroutines reads the go_goroutines gauge of a service's /metrics.
func goroutines(t *testing.T, ops string) int {
	t.Helper()
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get("http://" + ops + "/metrics")
	if err != nil {
		t.Fatalf("metrics: %v", err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "go_goroutines "); ok {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("go_goroutines %q: %v", v, err)
			}
			return int(n)
		}
	}
	t.Fatalf("no go_goroutines in %s/metrics (%v)", ops, sc.Err())
	return 0
}
