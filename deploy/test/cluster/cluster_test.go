// Package cluster_test runs newsflow on the one-node Kubernetes cluster that
// deploy/test/test-k8s.sh starts (make test-k8s): the test overlay of the real manifests is
// applied, the pods must become Ready through their probes, stories put on the raw topic
// must arrive enriched, and a cleaner pod deleted mid-stream must be replaced with nothing
// lost or duplicated. Without the cluster (NEWSFLOW_K8S_RENDER unset) it skips.
package cluster_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/corpus"
	"github.com/newsflow/newsflow/pkg/e2e"
	newsflowv1 "github.com/newsflow/newsflow/pkg/gen/newsflow/v1"
	"github.com/newsflow/newsflow/pkg/stage"
	"github.com/newsflow/newsflow/pkg/testenv"
	"github.com/newsflow/newsflow/pkg/wire"

	"github.com/newsflow/newsflow/deploy/test/cluster"
)

const namespace = "newsflow-k8stest"

func kubectl(t *testing.T, stdin []byte, args ...string) string {
	t.Helper()
	out, err := kubectlErr(stdin, args...)
	if err != nil {
		t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func kubectlErr(stdin []byte, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Getenv("NEWSFLOW_KUBECTL"), args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

func TestK8sPipeline(t *testing.T) {
	renderPath := os.Getenv("NEWSFLOW_K8S_RENDER")
	if renderPath == "" || os.Getenv("NEWSFLOW_KUBECTL") == "" {
		t.Skip("NEWSFLOW_K8S_RENDER / NEWSFLOW_KUBECTL not set: run deploy/test/test-k8s.sh (make test-k8s)")
	}
	bc := testenv.Kafka(t)
	rdb, redisURL := testenv.Redis(t)
	_ = rdb

	// Run-unique topics and groups: the broker is shared with other tests.
	run := testenv.Name("k8s")
	render, err := os.ReadFile(renderPath)
	if err != nil {
		t.Fatal(err)
	}
	manifest := strings.ReplaceAll(string(render), "k8stest.", run+".")
	manifest = strings.ReplaceAll(manifest, "k8stest-", run+"-")
	raw, cleaned, enriched := run+".news.raw", run+".news.cleaned", run+".news.enriched"
	testenv.CreateTopics(t, bc, 3, raw, cleaned, enriched, raw+".dlq", cleaned+".dlq")

	kubectl(t, nil, "create", "namespace", namespace)
	t.Cleanup(func() {
		if t.Failed() {
			out, _ := kubectlErr(nil, "-n", namespace, "get", "pods,events", "-o", "wide")
			t.Logf("pods and events:\n%s", out)
			for _, app := range []string{"cleaner", "enricher"} {
				out, _ := kubectlErr(nil, "-n", namespace, "logs", "-l", "app.kubernetes.io/name="+app, "--tail", "30", "--all-containers", "--prefix")
				t.Logf("%s logs:\n%s", app, out)
			}
		}
		_, _ = kubectlErr(nil, "delete", "namespace", namespace, "--wait=true", "--timeout=90s")
	})
	kubectl(t, nil, "-n", namespace, "create", "secret", "generic", "newsflow-redis", "--from-literal=url="+redisURL)
	kubectl(t, []byte(manifest), "apply", "-f", "-")

	waitReady := func(what string) {
		t.Helper()
		t0 := time.Now()
		kubectl(t, nil, "-n", namespace, "rollout", "status", "deployment/newsflow-cleaner", "--timeout=180s")
		kubectl(t, nil, "-n", namespace, "rollout", "status", "deployment/newsflow-enricher", "--timeout=180s")
		kubectl(t, nil, "-n", namespace, "wait", "--for=condition=Ready", "pod", "-l", "app.kubernetes.io/part-of=newsflow", "--timeout=180s")
		t.Logf("%s: pods Ready through /readyz in %s", what, time.Since(t0).Round(time.Millisecond))
	}
	waitReady("first start")
	checkConfined(t, "cleaner")
	checkConfined(t, "enricher")
	cleanerPod := strings.TrimSpace(kubectl(t, nil, "-n", namespace, "get", "pod", "-l", "app.kubernetes.io/name=cleaner", "-o", "jsonpath={.items[0].metadata.name}"))

	const n = 300
	g := corpus.New(7)
	var outs []stage.Output
	urls := map[string]bool{}
	for i := 0; i < n; i++ {
		pg := g.Article(50000+i, 4+i%5, 0)
		v, h, err := wire.Encode(&newsflowv1.RawArticle{Url: pg.URL, RequestedUrl: pg.URL, FetchedAt: timestamppb.Now(), StatusCode: 200,
			ContentType: "text/html; charset=utf-8", Body: pg.HTML, Source: &newsflowv1.Source{Kind: newsflowv1.SourceKind_SOURCE_KIND_FEED, Name: "k8s"}})
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, stage.Output{Topic: raw, Key: []byte(pg.URL), Value: v, Headers: h})
		urls[pg.URL] = true
	}
	sink := stage.NewKafkaSink(bc, stage.SinkOptions{})
	defer sink.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// Produce steadily (30 batches over ~15s) and delete the cleaner pod once a fifth of
	// the stories are cleaned: records are in flight on both sides of the deletion.
	produced := make(chan error, 1)
	go func() {
		for i := 0; i < n; i += n / 30 {
			if err := sink.Write(ctx, outs[i:min(i+n/30, n)]); err != nil {
				produced <- err
				return
			}
			time.Sleep(500 * time.Millisecond)
		}
		produced <- nil
	}()
	early := waitAtLeast(ctx, t, bc, cleaned, n/5)
	t.Logf("deleting cleaner pod %s mid-stream (%d of %d stories cleaned so far)", cleanerPod, early, n)
	t0 := time.Now()
	kubectl(t, nil, "-n", namespace, "delete", "pod", cleanerPod, "--wait=false")
	// The old pod drains (preStop, then SIGTERM and --drain-timeout) and goes away.
	kubectl(t, nil, "-n", namespace, "wait", "--for=delete", "pod/"+cleanerPod, "--timeout=90s")
	t.Logf("old cleaner pod gone %s after the delete (graceful drain)", time.Since(t0).Round(time.Millisecond))
	if err := <-produced; err != nil {
		t.Fatalf("produce: %v", err)
	}
	waitReady("after the delete")
	newPod := strings.TrimSpace(kubectl(t, nil, "-n", namespace, "get", "pod", "-l", "app.kubernetes.io/name=cleaner", "-o", "jsonpath={.items[0].metadata.name}"))
	if newPod == cleanerPod {
		t.Fatalf("cleaner pod %s was not replaced", cleanerPod)
	}

	got := waitCount(ctx, t, bc, enriched, n)
	seen := map[string]int{}
	for _, m := range got {
		var e newsflowv1.EnrichedArticle
		if err := wire.Decode(stage.FromKafka(m), &e); err != nil {
			t.Fatalf("decode enriched: %v", err)
		}
		seen[e.GetArticle().GetUrl()]++
	}
	var lost, dup []string
	for u := range urls {
		switch seen[u] {
		case 0:
			lost = append(lost, u)
		case 1:
		default:
			dup = append(dup, fmt.Sprintf("%s x%d", u, seen[u]))
		}
	}
	if len(lost) > 0 || len(dup) > 0 || len(got) != n {
		t.Fatalf("%d records on %s for %d stories: %d lost %v, %d duplicated %v", len(got), enriched, n, len(lost), head(lost), len(dup), head(dup))
	}
	t.Logf("%d stories enriched exactly once across the cleaner pod replacement (%s -> %s)", n, cleanerPod, newPod)
	for _, s := range []string{"cleaner", "enricher"} {
		logUsage(t, s)
	}
}

// logUsage logs the peak resident memory and CPU time of a service's process: the
// measurements behind the requests and limits of the manifests.
func logUsage(t *testing.T, service string) {
	out, _ := exec.Command("pgrep", "-f", "^/usr/local/bin/"+service+"( |$)").Output()
	for _, pid := range strings.Fields(string(out)) {
		status, err1 := os.ReadFile("/proc/" + pid + "/status")
		stat, err2 := os.ReadFile("/proc/" + pid + "/stat")
		if err1 != nil || err2 != nil {
			continue
		}
		var hwm string
		for _, l := range strings.Split(string(status), "\n") {
			if strings.HasPrefix(l, "VmHWM:") {
				hwm = strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:"))
			}
		}
		f := strings.Fields(string(stat)[strings.LastIndexByte(string(stat), ')')+2:])
		var ut, st int
		if len(f) > 12 {
			fmt.Sscan(f[11], &ut)
			fmt.Sscan(f[12], &st)
		}
		t.Logf("%s pid %s: peak RSS %s, CPU %.2fs (clock ticks at 100/s)", service, pid, hwm, float64(ut+st)/100)
	}
}

// waitCount reads the topic until it holds at least want records (or the context ends),
// and once more after a pause so late duplicates are counted too.
func waitCount(ctx context.Context, t *testing.T, bc broker.Config, topic string, want int) []cluster.Message {
	t.Helper()
	for {
		ms, err := e2e.ReadTopic(ctx, bc, topic)
		if err == nil && len(ms) >= want {
			time.Sleep(3 * time.Second)
			if ms, err = e2e.ReadTopic(ctx, bc, topic); err == nil {
				return ms
			}
		}
		if ctx.Err() != nil {
			t.Fatalf("%s has %d records, want %d: %v", topic, len(ms), want, err)
		}
		time.Sleep(time.Second)
	}
}

// checkConfined reads /proc of the service's process on this (single) node and requires
// what the manifests ask for to be in force: uid/gid 65532, no_new_privs, a seccomp filter
// (RuntimeDefault), no effective capabilities, and a read-only root filesystem.
func checkConfined(t *testing.T, service string) {
	t.Helper()
	out, err := exec.Command("pgrep", "-f", "^/usr/local/bin/"+service+"( |$)").Output()
	pids := strings.Fields(string(out))
	if err != nil || len(pids) == 0 {
		t.Fatalf("no %s process on the node: %v", service, err)
	}
	pid := pids[0]
	status, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]string{}
	for _, l := range strings.Split(string(status), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok {
			fields[k] = strings.Join(strings.Fields(v), " ")
		}
	}
	want := map[string]string{"Uid": "65532 65532 65532 65532", "Gid": "65532 65532 65532 65532",
		"NoNewPrivs": "1", "Seccomp": "2", "CapEff": "0000000000000000", "CapPrm": "0000000000000000"}
	for k, v := range want {
		if fields[k] != v {
			t.Errorf("%s (pid %s): %s = %q, want %q", service, pid, k, fields[k], v)
		}
	}
	mounts, err := os.ReadFile("/proc/" + pid + "/mounts")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(mounts), "\n") {
		f := strings.Fields(l)
		if len(f) >= 4 && f[1] == "/" {
			if !strings.HasPrefix(f[3], "ro,") && f[3] != "ro" {
				t.Errorf("%s: root filesystem mounted %s, want ro", service, f[3])
			}
		}
	}
	t.Logf("%s pid %s: uid 65532, no_new_privs, seccomp filter, no capabilities, read-only root", service, pid)
}

// waitAtLeast polls until the topic holds at least want records and returns how many.
func waitAtLeast(ctx context.Context, t *testing.T, bc broker.Config, topic string, want int) int {
	t.Helper()
	for {
		ms, err := e2e.ReadTopic(ctx, bc, topic)
		if err == nil && len(ms) >= want {
			return len(ms)
		}
		if ctx.Err() != nil {
			t.Fatalf("%s has %d records, want %d: %v", topic, len(ms), want, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func head(s []string) []string {
	if len(s) > 5 {
		return s[:5]
	}
	return s
}
