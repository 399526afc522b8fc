package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pkg/corpus"
)

// TestDevRunsTheSeedArticleThroughThePipeline is the README's run command:
// the whole pipeline on the embedded Kafka and Redis, no service installed.
func TestDevRunsTheSeedArticleThroughThePipeline(t *testing.T) {
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	if err := runDev(ctx, &out, []string{defaultSample}, devOptions{partitions: 3, timeout: 45 * time.Second}); err != nil {
		t.Fatalf("dev: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"== China President Xi’s 3-Day State Visit to Russia Announced by Kremlin",
		"lang en",
		"1 page(s) in, 1 story(ies) out, 0 dead-lettered",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	t.Logf("seed article through the embedded pipeline in %s:\n%s", time.Since(start).Round(time.Millisecond), got)
}

// TestDevFolderOfPages feeds a folder of generated HTML pages plus a binary
// file: every article comes out, the binary file is dead-lettered.
func TestDevFolderOfPages(t *testing.T) {
	dir := t.TempDir()
	g := corpus.New(7)
	var titles []string
	for i := 0; i < 8; i++ {
		pg := g.Article(i, 5, 0)
		titles = append(titles, pg.Title)
		if err := os.WriteFile(filepath.Join(dir, "page"+string(rune('a'+i))+".html"), pg.HTML, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	noise := make([]byte, 4096)
	for i := range noise {
		noise[i] = byte(i*7919 + i/3)
	}
	if err := os.WriteFile(filepath.Join(dir, "zz-noise.bin"), noise, 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := runDev(ctx, &out, []string{dir}, devOptions{json: true, partitions: 2, timeout: 45 * time.Second}); err != nil {
		t.Fatalf("dev: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, title := range titles {
		if strings.Count(got, `"title":"`+title+`"`) != 1 {
			t.Errorf("story %q not printed exactly once:\n%s", title, got)
		}
	}
	if !strings.Contains(got, "9 page(s) in, 8 story(ies) out, 1 dead-lettered") {
		t.Errorf("summary wrong:\n%s", got)
	}
}
