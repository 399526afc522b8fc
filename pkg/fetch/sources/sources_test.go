package sources_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pkg/fetch/sources"
)

func TestParseAppliesDefaults(t *testing.T) {
	srcs, err := sources.Parse([]byte(`
defaults:
  interval: 10m
  language: en
  tags: [default]
sources:
  - name: world
    kind: feed
    url: https://news.example.com/world/rss
    tags: [world, wire]
  - name: site-news
    kind: Sitemap
    url: https://news.example.com/sitemap_index.xml
    interval: 1m
    min_interval: 30s
    max_interval: 20m
    language: pt-BR
    identity: content
    max_items: 50
    max_age: 48h
  - name: about
    kind: page
    url: http://example.org/about
`))
	if err != nil {
		t.Fatal(err)
	}
	want := []sources.Source{
		{Name: "world", Kind: sources.KindFeed, URL: "https://news.example.com/world/rss", Interval: 10 * time.Minute,
			MinInterval: 150 * time.Second, MaxInterval: time.Hour, Language: "en", Tags: []string{"world", "wire"},
			Identity: sources.IdentityAuto, MaxItems: 200},
		{Name: "site-news", Kind: sources.KindSitemap, URL: "https://news.example.com/sitemap_index.xml", Interval: time.Minute,
			MinInterval: 30 * time.Second, MaxInterval: 20 * time.Minute, Language: "pt-BR", Tags: []string{"default"},
			Identity: sources.IdentityContent, MaxItems: 50, MaxAge: 48 * time.Hour},
		{Name: "about", Kind: sources.KindPage, URL: "http://example.org/about", Interval: 10 * time.Minute,
			MinInterval: 150 * time.Second, MaxInterval: time.Hour, Language: "en", Tags: []string{"default"},
			Identity: sources.IdentityAuto, MaxItems: 200},
	}
	if len(srcs) != len(want) {
		t.Fatalf("%d sources, want %d", len(srcs), len(want))
	}
	for i := range want {
		if !srcs[i].Equal(want[i]) {
			t.Errorf("source %d:\n got %+v\nwant %+v", i, srcs[i], want[i])
		}
	}
	if empty, err := sources.Parse(nil); err != nil || len(empty) != 0 {
		t.Fatalf("empty file: %v %v", empty, err)
	}
}

func TestParseErrorsNameTheField(t *testing.T) {
	cases := []struct{ yaml, want string }{
		{"sources:\n  - {name: a, kind: rss, url: https://x.test/}", `sources[0] (name "a"): kind: "rss" is not feed, sitemap or page`},
		{"sources:\n  - {name: a, kind: feed, url: ftp://x.test/}", `url: scheme "ftp"`},
		{"sources:\n  - {name: a, kind: feed}", "url: required"},
		{"sources:\n  - {name: Bad Name, kind: feed, url: https://x.test/}", "name:"},
		{"sources:\n  - {name: a, kind: feed, url: https://x.test/}\n  - {name: a, kind: page, url: https://y.test/}", `sources[1] (name "a"): name: already used by sources[0]`},
		{"sources:\n  - {name: a, kind: feed, url: https://x.test/, interval: 100ms}", "interval: 100ms is outside"},
		{"sources:\n  - {name: a, kind: feed, url: https://x.test/, interval: 1m, min_interval: 2m}", "min_interval (2m0s) <= interval"},
		{"sources:\n  - {name: a, kind: feed, url: https://x.test/, language: English}", "language:"},
		{"sources:\n  - {name: a, kind: feed, url: https://x.test/, identity: title}", "identity:"},
		{"sources:\n  - {name: a, kind: feed, url: https://u:p@x.test/}", "user information"},
		{"sources:\n  - {name: a, kind: feed, url: https://x.test/, intervall: 1m}", "field intervall not found"},
		{"sources: [", "sources file"},
	}
	for _, c := range cases {
		_, err := sources.Parse([]byte(c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", c.yaml, err, c.want)
		}
	}
}

func TestWatchReloadsOnChange(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sources.yaml")
	write := func(s string) {
		// Write a new file and rename it over the old, as a ConfigMap update does.
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			t.Fatal(err)
		}
	}
	write("sources:\n  - {name: a, kind: feed, url: https://x.test/a}\n")
	var mu sync.Mutex
	var got [][]sources.Source
	var errs []error
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		sources.Watch(ctx, path, 10*time.Millisecond,
			func(s []sources.Source) { mu.Lock(); got = append(got, s); mu.Unlock() },
			func(err error) { mu.Lock(); errs = append(errs, err); mu.Unlock() })
	}()
	waitFor := func(cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			mu.Lock()
			ok := cond()
			mu.Unlock()
			if ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out: %d loads, errors %v", len(got), errs)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitFor(func() bool { return len(got) == 1 })
	write("sources:\n  - {name: a, kind: feed, url: https://x.test/a}\n  - {name: b, kind: page, url: https://x.test/b}\n")
	waitFor(func() bool { return len(got) == 2 && len(got[1]) == 2 })
	write("sources:\n  - {name: a, kind: nonsense, url: https://x.test/a}\n")
	waitFor(func() bool { return len(errs) == 1 })
	time.Sleep(50 * time.Millisecond)
	cancel()
	<-done
	if len(got) != 2 || len(errs) != 1 {
		t.Fatalf("%d loads and %d errors, want 2 and 1 (a bad file is reported once and keeps the old list)", len(got), len(errs))
	}
}
