package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"google.golang.org/protobuf/proto"

	"github.com/newsflow/newsflow/pkg/fetch/sources"
	"github.com/newsflow/newsflow/pkg/fetch/submitapi"
	newsflowv1 "github.com/newsflow/newsflow/pkg/gen/newsflow/v1"
	"github.com/newsflow/newsflow/pkg/testenv"
)

func TestFlagsAreValidatedByName(t *testing.T) {
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte("tok\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	badSources := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(badSources, []byte("sources:\n  - {name: x, kind: rss, url: https://x.test/}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := []string{"--contact-url", "https://example.org/bot", "--api-token-file", tokenFile}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no contact url", []string{"--api-addr", ""}, "--contact-url (NEWSFLOW_CONTACT_URL): required"},
		{"contact url not http", []string{"--contact-url", "mailto:x@y", "--api-addr", ""}, "--contact-url"},
		{"api without token", []string{"--contact-url", "https://example.org/bot"}, "--api-token-file"},
		{"empty token file", []string{"--contact-url", "https://example.org/bot", "--api-token-file", filepath.Join(dir, "missing")}, "--api-token-file"},
		{"bad cidr", append(base, "--allow-cidrs", "10.0.0.0/99"), "--allow-cidrs"},
		{"bad host", append(base, "--allow-hosts", "http://x"), "--allow-hosts"},
		{"bad sources", append(base, "--sources", badSources), `--sources (NEWSFLOW_SOURCES): ` + badSources + `: sources[0] (name "x"): kind: "rss"`},
		{"zero timeout", append(base, "--fetch-timeout", "0s"), "--fetch-timeout"},
		{"small cap", append(base, "--max-page-bytes", "10"), "--max-page-bytes"},
		{"bad robots agent", append(base, "--robots-agent", "news flow"), "--robots-agent"},
		{"stray argument", append(base, "extra"), "unexpected argument"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stderr bytes.Buffer
			err := run(context.Background(), c.args, &stderr)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("run(%v) = %v, want an error containing %q", c.args, err, c.want)
			}
		})
	}
	var help bytes.Buffer
	if err := run(context.Background(), []string{"--help"}, &help); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("--help: %v", err)
	}
	for _, want := range []string{"NEWSFLOW_CONTACT_URL", "NEWSFLOW_API_TOKEN_FILE", "NEWSFLOW_HOST_INTERVAL", "NEWSFLOW_MAX_PAGE_BYTES", "default 5MiB"} {
		if !strings.Contains(help.String(), want) {
			t.Errorf("--help does not mention %s", want)
		}
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestIntegrationFetcherService runs the service as main does, against the
// real broker and Redis: a source from the YAML file and a URL submitted to
// the API both reach the topic; SIGTERM (the context) stops it cleanly.
func TestIntegrationFetcherService(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test")
	}
	bc := testenv.Kafka(t)
	_, redisURL := testenv.Redis(t)
	topic := testenv.Name("news.raw")
	testenv.CreateTopics(t, bc, 1, topic)

	var mu sync.Mutex
	var uas []string
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		uas = append(uas, r.UserAgent())
		mu.Unlock()
		switch r.URL.Path {
		case "/robots.txt":
			http.NotFound(w, r)
		case "/feed.rss":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, `<rss version="2.0"><channel><title>t</title><item><title>One</title><link>http://%s/story/1</link></item></channel></rss>`, r.Host)
		default:
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprintf(w, "<html><body><p>page %s</p></body></html>", r.URL.Path)
		}
	}))
	defer site.Close()

	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	os.WriteFile(tokenFile, []byte("svc-token"), 0o600)
	srcFile := filepath.Join(dir, "sources.yaml")
	os.WriteFile(srcFile, []byte("sources:\n  - name: local\n    kind: feed\n    url: "+site.URL+"/feed.rss\n    interval: 1s\n    tags: [svc]\n"), 0o600)
	apiAddr, opsAddr := freeAddr(t), freeAddr(t)
	args := []string{
		"--brokers", strings.Join(bc.Brokers, ","), "--redis-url", redisURL, "--topic", topic,
		"--key-prefix", testenv.Name("svc") + ":", "--contact-url", "https://example.org/newsflow-bot",
		"--api-addr", apiAddr, "--api-token-file", tokenFile, "--ops-addr", opsAddr,
		"--sources", srcFile, "--sources-reload", "100ms", "--allow-cidrs", "127.0.0.1/32",
		"--host-interval", "10ms", "--log-format", "console", "--log-level", "warn",
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, os.Stderr) }()
	defer func() {
		cancel()
		<-done
	}()

	// Wait for the API, then submit a page through it.
	c := &submitapi.Client{Base: "http://" + apiAddr, Token: "svc-token"}
	var res *submitapi.Response
	var err error
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if res, err = c.Submit(context.Background(), []string{site.URL + "/submitted"}, true); err == nil {
			break
		}
	}
	if err != nil || res.Results[0].Status != submitapi.StatusEmitted {
		t.Fatalf("submit: %+v %v", res, err)
	}
	if resp, err := http.Get("http://" + opsAddr + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", resp, err)
	}

	r := kafka.NewReader(kafka.ReaderConfig{Brokers: bc.Brokers, Topic: topic, Partition: 0, MaxWait: 100 * time.Millisecond})
	defer r.Close()
	rctx, rcancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer rcancel()
	got := map[string]*newsflowv1.RawArticle{}
	for len(got) < 2 {
		m, err := r.ReadMessage(rctx)
		if err != nil {
			t.Fatalf("read %s: %v (have %d records)", topic, err, len(got))
		}
		var a newsflowv1.RawArticle
		if err := proto.Unmarshal(m.Value, &a); err != nil {
			t.Fatal(err)
		}
		got[strings.TrimPrefix(a.GetUrl(), site.URL)] = &a
	}
	if a := got["/story/1"]; a == nil || a.GetSource().GetName() != "local" || a.GetSource().GetTags()[0] != "svc" {
		t.Errorf("feed item: %v", a)
	}
	if a := got["/submitted"]; a == nil || a.GetSource().GetKind() != newsflowv1.SourceKind_SOURCE_KIND_SUBMIT {
		t.Errorf("submitted page: %v", a)
	}
	mu.Lock()
	ua := uas[0]
	mu.Unlock()
	if ua != "newsflow-fetcher/1.0 (+https://example.org/newsflow-bot)" {
		t.Errorf("User-Agent %q", ua)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run after SIGTERM: %v", err)
		}
	case <-time.After(40 * time.Second):
		t.Fatal("the service did not stop after SIGTERM")
	}
	done <- nil // for the deferred receive
}

func TestExampleSourcesFileIsValid(t *testing.T) {
	srcs, err := sources.Load("sources.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 4 || srcs[2].Language != "de" || srcs[0].Language != "en" {
		t.Fatalf("example sources: %+v", srcs)
	}
}
