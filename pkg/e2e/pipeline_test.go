package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/corpus"
	newsflowv1 "github.com/newsflow/newsflow/pkg/gen/newsflow/v1"
	"github.com/newsflow/newsflow/pkg/lag"
	"github.com/newsflow/newsflow/pkg/stage"
	"github.com/newsflow/newsflow/pkg/testenv"
	"github.com/newsflow/newsflow/pkg/wire"
)

// pipeline names one test's topics and groups, so tests never share state.
type pipeline struct {
	raw, cleaned, enriched      string
	cleanerGroup, enricherGroup string
}

func newPipeline(t *testing.T, bc broker.Config, partitions int) pipeline {
	p := pipeline{raw: testenv.Name("raw"), cleaned: testenv.Name("cleaned"), enriched: testenv.Name("enriched"),
		cleanerGroup: testenv.Name("cleaner"), enricherGroup: testenv.Name("enricher")}
	testenv.CreateTopics(t, bc, partitions, p.raw, p.cleaned, p.enriched, p.raw+".dlq", p.cleaned+".dlq")
	return p
}

func (p pipeline) stageArgs(bc broker.Config, redisURL, group, in, out string, extra ...string) []string {
	return append([]string{"--brokers", bc.Brokers[0], "--redis-url", redisURL, "--group", group,
		"--input-topic", in, "--output-topic", out, "--dlq-topic", in + ".dlq", "--ops-addr", "127.0.0.1:0",
		"--log-level", "info", "--drain-timeout", "20s"}, extra...)
}

// rawPages returns n generated pages as news.raw records.
func rawPages(t *testing.T, seed uint64, n, firstID int) ([]stage.Output, []corpus.Page) {
	g := corpus.New(seed)
	var outs []stage.Output
	var pages []corpus.Page
	for i := 0; i < n; i++ {
		pg := g.Article(firstID+i, 4+i%5, 0)
		raw := &newsflowv1.RawArticle{Url: pg.URL, RequestedUrl: pg.URL, FetchedAt: timestamppb.Now(), StatusCode: 200,
			ContentType: "text/html; charset=utf-8", Body: pg.HTML,
			Source: &newsflowv1.Source{Kind: newsflowv1.SourceKind_SOURCE_KIND_FEED, Name: "e2e"}}
		v, h, err := wire.Encode(raw)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, stage.Output{Key: []byte(pg.URL), Value: v, Headers: h})
		pages = append(pages, pg)
	}
	return outs, pages
}

func write(t *testing.T, bc broker.Config, topic string, outs []stage.Output) {
	t.Helper()
	for i := range outs {
		outs[i].Topic = topic
	}
	sink := stage.NewKafkaSink(bc, stage.SinkOptions{})
	defer sink.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := sink.Write(ctx, outs); err != nil {
		t.Fatalf("write %s: %v", topic, err)
	}
}

// waitDrained waits until group has committed topic to its end.
func waitDrained(t *testing.T, bc broker.Config, group, topic string, timeout time.Duration, procs ...*Proc) {
	t.Helper()
	c := bc.Client()
	defer broker.CloseClient(c)
	deadline := time.Now().Add(timeout)
	for {
		ps, err := lag.Of(context.Background(), c, group, topic)
		if err == nil && lag.Total(ps) == 0 && allCommitted(ps) {
			return
		}
		for _, p := range procs {
			if p.Exited() {
				t.Fatalf("%s exited early: %v", p.Name, p.Wait(0))
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("group %s not drained on %s after %s: %+v (%v)", group, topic, timeout, ps, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func allCommitted(ps []lag.Partition) bool {
	for _, p := range ps {
		if p.End > 0 && p.Committed != p.End {
			return false
		}
	}
	return true
}

func readAll(t *testing.T, bc broker.Config, topic string) []stage.Input {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ms, err := ReadTopic(ctx, bc, topic)
	if err != nil {
		t.Fatal(err)
	}
	ins := make([]stage.Input, len(ms))
	for i, m := range ms {
		ins[i] = stage.FromKafka(m)
	}
	return ins
}

// TestE2EPipelineProcesses runs cleaner and enricher as OS processes against
// the real broker and Redis: every page comes out enriched once, malformed
// records land in the DLQ with their reason, offsets are committed, and
// SIGTERM stops both cleanly.
func TestE2EPipelineProcesses(t *testing.T) {
	bc := testenv.Kafka(t)
	_, redisURL := testenv.Redis(t)
	bin := Binaries(t)
	p := newPipeline(t, bc, 3)

	const n = 60
	outs, pages := rawPages(t, 1, n, 1000)
	outs = append(outs,
		stage.Output{Key: []byte("garbage"), Value: []byte{0xff, 0xff, 0xff, 0x01}},
		stage.Output{Key: []byte("wrong-type"), Value: []byte("x"), Headers: []stage.Header{{Key: stage.HeaderContentType, Value: []byte("application/json")}}},
	)
	write(t, bc, p.raw, outs)

	cl := Start(t, filepath.Join(bin, "cleaner"), p.stageArgs(bc, redisURL, p.cleanerGroup, p.raw, p.cleaned))
	en := Start(t, filepath.Join(bin, "enricher"), p.stageArgs(bc, redisURL, p.enricherGroup, p.cleaned, p.enriched))
	t0 := time.Now()
	waitDrained(t, bc, p.cleanerGroup, p.raw, 2*time.Minute, cl, en)
	waitDrained(t, bc, p.enricherGroup, p.cleaned, 2*time.Minute, cl, en)
	drained := time.Since(t0)

	enriched := readAll(t, bc, p.enriched)
	byURL := map[string]int{}
	for _, in := range enriched {
		var e newsflowv1.EnrichedArticle
		if err := wire.Decode(in, &e); err != nil {
			t.Fatalf("decode enriched: %v", err)
		}
		byURL[e.GetArticle().GetUrl()]++
		if e.GetArticle().GetStoryId() == "" || string(in.Key) != e.GetArticle().GetStoryId() {
			t.Errorf("enriched record key %q, story id %q", in.Key, e.GetArticle().GetStoryId())
		}
		if in.Header(stage.HeaderTraceparent) == nil || string(in.Header(stage.HeaderStage)) != "enricher" {
			t.Errorf("enriched record lacks trace or stage headers: %v", in.Headers)
		}
	}
	for _, pg := range pages {
		if byURL[pg.URL] != 1 {
			t.Errorf("%s delivered %d times, want once", pg.URL, byURL[pg.URL])
		}
	}
	dead := readAll(t, bc, p.raw+".dlq")
	if len(dead) != 2 {
		t.Fatalf("%d dead letters, want 2", len(dead))
	}
	for _, d := range dead {
		if got := string(d.Header(stage.HeaderErrorClass)); got != "malformed" || len(d.Header(stage.HeaderError)) == 0 {
			t.Errorf("dead letter %q: class %q reason %q", d.Key, got, d.Header(stage.HeaderError))
		}
	}

	for _, pr := range []*Proc{cl, en} {
		if err := pr.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
	}
	for _, pr := range []*Proc{cl, en} {
		if err := pr.Wait(30 * time.Second); err != nil {
			t.Errorf("%s after SIGTERM: %v", pr.Name, err)
		}
		if !pr.Contains("left consumer group") {
			t.Errorf("%s did not leave its group cleanly", pr.Name)
		}
	}
	t.Logf("processes on the real broker: %d pages + 2 malformed in, %d enriched out, %d dead-lettered; drained in %s",
		n, len(enriched), len(dead), drained.Round(time.Millisecond))
}

// TestE2ESigtermMidStream stops the cleaner with SIGTERM while it is busy and
// restarts it: nothing is lost, and nothing is processed twice, because the
// batch in flight at SIGTERM is finished and committed before exit.
func TestE2ESigtermMidStream(t *testing.T) {
	bc := testenv.Kafka(t)
	_, redisURL := testenv.Redis(t)
	bin := Binaries(t)
	p := newPipeline(t, bc, 3)

	const n = 1200
	outs, pages := rawPages(t, 2, n, 5000)
	write(t, bc, p.raw, outs)
	args := p.stageArgs(bc, redisURL, p.cleanerGroup, p.raw, p.cleaned, "--batch-size", "20", "--max-in-flight", "4")

	cl := Start(t, filepath.Join(bin, "cleaner"), args)
	c := bc.Client()
	defer broker.CloseClient(c)
	deadline := time.Now().Add(2 * time.Minute)
	for {
		ps, err := lag.Of(context.Background(), c, p.cleanerGroup, p.raw)
		var committed int64
		for _, x := range ps {
			committed += max(0, x.Committed)
		}
		if err == nil && committed >= n/5 {
			break
		}
		if time.Now().After(deadline) || cl.Exited() {
			t.Fatalf("cleaner made no progress: %+v %v", ps, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cl.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cl.Wait(30 * time.Second); err != nil {
		t.Fatalf("cleaner after SIGTERM: %v", err)
	}
	ps, err := lag.Of(context.Background(), c, p.cleanerGroup, p.raw)
	if err != nil {
		t.Fatal(err)
	}
	var committedAtStop int64
	for _, x := range ps {
		committedAtStop += max(0, x.Committed)
	}
	before := len(readAll(t, bc, p.cleaned))
	if int64(before) != committedAtStop {
		t.Errorf("at SIGTERM: %d outputs but %d inputs committed; a drained stop leaves them equal", before, committedAtStop)
	}
	if committedAtStop >= n {
		t.Fatalf("the cleaner finished before SIGTERM (%d committed); the test did not stop it mid-stream", committedAtStop)
	}

	cl2 := Start(t, filepath.Join(bin, "cleaner"), args)
	waitDrained(t, bc, p.cleanerGroup, p.raw, 3*time.Minute, cl2)
	cleaned := readAll(t, bc, p.cleaned)
	seen := map[string]int{}
	for _, in := range cleaned {
		var a newsflowv1.CleanedArticle
		if err := wire.Decode(in, &a); err != nil {
			t.Fatal(err)
		}
		seen[a.GetUrl()]++
	}
	lost, dup := 0, 0
	for _, pg := range pages {
		switch c := seen[pg.URL]; {
		case c == 0:
			lost++
		case c > 1:
			dup += c - 1
		}
	}
	if lost != 0 || dup != 0 {
		t.Errorf("after SIGTERM and restart: lost %d, processed twice %d; want 0 and 0", lost, dup)
	}
	_ = cl2.Signal(syscall.SIGTERM)
	_ = cl2.Wait(30 * time.Second)
	t.Logf("SIGTERM after %d of %d committed: %s lost %d, duplicated %d", committedAtStop, n, fmt.Sprint(len(cleaned), " outputs,"), lost, dup)
}
