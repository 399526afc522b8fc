package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"go.uber.org/zap/zaptest"
	"google.golang.org/protobuf/proto"

	"github.com/newsflow/newsflow/pkg/fetch"
	"github.com/newsflow/newsflow/pkg/fetch/guard"
	"github.com/newsflow/newsflow/pkg/fetch/submitapi"
	newsflowv1 "github.com/newsflow/newsflow/pkg/gen/newsflow/v1"
	"github.com/newsflow/newsflow/pkg/stage"
	"github.com/newsflow/newsflow/pkg/testenv"
)

// stubSubmitter records what the API hands it.
type stubSubmitter struct {
	mu   sync.Mutex
	got  []string
	fail map[string]bool
}

func (s *stubSubmitter) CheckURL(raw string) error {
	if !strings.HasPrefix(raw, "https://") {
		return errors.New("not https")
	}
	return nil
}

func (s *stubSubmitter) Submit(_ context.Context, urls []string, wait bool) ([]submitapi.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, urls...)
	var out []submitapi.Result
	for _, u := range urls {
		switch {
		case !wait:
			out = append(out, submitapi.Result{URL: u, Status: submitapi.StatusQueued})
		case s.fail[u]:
			out = append(out, submitapi.Result{URL: u, Status: submitapi.StatusFailed, Class: "http_4xx", Error: "HTTP 404"})
		default:
			out = append(out, submitapi.Result{URL: u, Status: submitapi.StatusEmitted, Key: fetch.RecordKey(u)})
		}
	}
	return out, nil
}

func runSubmit(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	cmd := newSubmitCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetArgs(args)
	cmd.SilenceUsage = true
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

func TestSubmitCommand(t *testing.T) {
	stub := &stubSubmitter{fail: map[string]bool{"https://b.example/404": true}}
	api := httptest.NewServer(submitapi.Handler(stub, submitapi.StaticToken("tok"), submitapi.Options{MaxURLs: 2}))
	defer api.Close()
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	os.WriteFile(tokenFile, []byte("tok\n"), 0o600)
	list := filepath.Join(dir, "urls.txt")
	os.WriteFile(list, []byte("# morning list\nhttps://a.example/1\n\n  https://a.example/2  \nhttps://a.example/3\n"), 0o600)
	t.Setenv("NEWSFLOW_API_TOKEN", "")
	t.Setenv("NEWSFLOW_API_TOKEN_FILE", "")

	// Three URLs from a file in batches of two: all queued, in order.
	out, err := runSubmit(t, "", "--api", api.URL, "--token-file", tokenFile, "-f", list, "--batch", "2")
	if err != nil {
		t.Fatalf("submit -f: %v\n%s", err, out)
	}
	if strings.Count(out, "queued\t") != 3 || strings.Join(stub.got, " ") != "https://a.example/1 https://a.example/2 https://a.example/3" {
		t.Fatalf("output %q, server got %v", out, stub.got)
	}
	// --wait prints keys and failures, and a failure fails the command.
	out, err = runSubmit(t, "https://b.example/ok\nhttps://b.example/404\n", "--api", api.URL, "--token-file", tokenFile, "--wait", "-f", "-")
	if err == nil || !strings.Contains(err.Error(), "1 of 2 URLs failed") {
		t.Fatalf("submit --wait: %v", err)
	}
	if !strings.Contains(out, "emitted\t"+fetch.RecordKey("https://b.example/ok")) || !strings.Contains(out, "failed\thttp_4xx\thttps://b.example/404") {
		t.Fatalf("output %q", out)
	}
	// The token from the environment works too; a wrong one is a 401.
	t.Setenv("NEWSFLOW_API_TOKEN", "tok")
	if out, err := runSubmit(t, "", "--api", api.URL, "https://c.example/1"); err != nil {
		t.Fatalf("token from env: %v %s", err, out)
	}
	t.Setenv("NEWSFLOW_API_TOKEN", "wrong")
	if _, err := runSubmit(t, "", "--api", api.URL, "https://c.example/1"); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("wrong token: %v", err)
	}
	t.Setenv("NEWSFLOW_API_TOKEN", "")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--api", api.URL, "https://c.example/1"}, "no API token"},
		{[]string{"--api", api.URL, "--token-file", tokenFile}, "no URLs"},
		{[]string{"--api", api.URL, "--token-file", tokenFile, "http://insecure.example/"}, "HTTP 400"},
		{[]string{"--api", api.URL, "--token-file", tokenFile, "-f", filepath.Join(dir, "missing.txt")}, "-f"},
	}
	for _, c := range cases {
		if _, err := runSubmit(t, "", c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("submit %v: %v, want %q", c.args, err, c.want)
		}
	}
}

// resolverTo points every name at 127.0.0.1, so the fetcher reaches the
// test site under an allow-listed name.
type resolverTo struct{}

func (resolverTo) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
}

// TestIntegrationSubmitCommand is acceptance 5 for newsctl: `newsctl
// submit` puts a page on the real broker through a fetcher's API.
func TestIntegrationSubmitCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test")
	}
	bc := testenv.Kafka(t)
	rdb, _ := testenv.Redis(t)
	topic := testenv.Name("news.raw")
	testenv.CreateTopics(t, bc, 1, topic)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<html><body><p>submitted page %s</p></body></html>", r.URL.Path)
	}))
	defer site.Close()
	su, _ := url.Parse(site.URL)
	page := "http://site.test:" + su.Port() + "/news/submitted"

	policy, _ := guard.ParsePolicy(nil, []string{"site.test"})
	sink := stage.NewKafkaSink(bc, stage.SinkOptions{})
	defer sink.Close()
	f, err := fetch.New(fetch.Config{
		UserAgent: "newsflow-test/1.0 (+https://example.org/bot)",
		Guard:     guard.New(policy, guard.WithResolver(resolverTo{})),
		Topic:     topic, KeyPrefix: testenv.Name("newsctl") + ":",
	}, rdb, sink, fetch.WithLogger(zaptest.NewLogger(t)))
	if err != nil {
		t.Fatal(err)
	}
	api := httptest.NewServer(submitapi.Handler(f, submitapi.StaticToken("itok"), submitapi.Options{}))
	defer api.Close()
	t.Setenv("NEWSFLOW_API_TOKEN", "itok")

	out, err := runSubmit(t, "", "--api", api.URL, "--wait", page)
	if err != nil || !strings.HasPrefix(out, "emitted\t"+fetch.RecordKey(page)) {
		t.Fatalf("newsctl submit: %v\n%s", err, out)
	}
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: bc.Brokers, Topic: topic, Partition: 0, MaxWait: 100 * time.Millisecond})
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	m, err := r.ReadMessage(ctx)
	if err != nil {
		t.Fatalf("read %s: %v", topic, err)
	}
	var a newsflowv1.RawArticle
	if err := proto.Unmarshal(m.Value, &a); err != nil {
		t.Fatal(err)
	}
	if a.GetUrl() != page || string(m.Key) != fetch.RecordKey(page) || !strings.Contains(string(a.GetBody()), "submitted page /news/submitted") ||
		a.GetSource().GetKind() != newsflowv1.SourceKind_SOURCE_KIND_SUBMIT {
		t.Fatalf("record %s: %v", m.Key, &a)
	}
	t.Logf("newsctl submit -> fetcher API -> %s: key %s", topic, m.Key)
}
