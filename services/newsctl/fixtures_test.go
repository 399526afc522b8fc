package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/segmentio/kafka-go"
	"google.golang.org/protobuf/proto"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/corpus"
	"github.com/newsflow/newsflow/pkg/dedup"
	"github.com/newsflow/newsflow/pkg/devstack"
	newsflowv1 "github.com/newsflow/newsflow/pkg/gen/newsflow/v1"
	"github.com/newsflow/newsflow/pkg/once"
	"github.com/newsflow/newsflow/pkg/replay"
	"github.com/newsflow/newsflow/pkg/stage"
	"github.com/newsflow/newsflow/pkg/topics"
	"github.com/newsflow/newsflow/pkg/wire"
)

// runCtl runs newsctl in-process with args and returns what it printed.
func runCtl(ctx context.Context, args ...string) (stdout, stderr string, err error) {
	root := newRoot()
	var out, errb bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs(args)
	err = root.ExecuteContext(ctx)
	return out.String(), errb.String(), err
}

// pipelineState is a Kafka cluster and Redis with a cleaned and an enriched
// topic, and the Redis key prefixes one test uses.
type pipelineState struct {
	bc                                    broker.Config
	rdb                                   redis.UniversalClient
	redisURL                              string
	cleaned, enriched                     string
	oncePrefix, dedupPrefix, replayPrefix string
}

// ctlArgs are the connection and prefix flags of a newsctl command on st.
func (st pipelineState) ctlArgs(cmd ...string) []string {
	return append(cmd, "--brokers", strings.Join(st.bc.Brokers, ","), "--redis-url", st.redisURL,
		"--replay-prefix", st.replayPrefix, "--once-prefix", st.oncePrefix, "--dedup-prefix", st.dedupPrefix)
}

// storyFixture is one story as the cleaner and enricher would have
// delivered it.
type storyFixture struct {
	id, canonical, raw, text string
	rev2                     bool // also delivered as revision 2 to the enriched topic
}

// seedStories registers n stories in the dedup index (as the cleaner's
// Resolve does) and delivers each through pkg/once to the cleaned topic
// (revision 1) and the enriched topic (revision 1, and revision 2 for every
// third story), as the stages do.
func seedStories(t *testing.T, ctx context.Context, st pipelineState, seed uint64, firstID, n int) []storyFixture {
	t.Helper()
	ix, err := dedup.NewIndex(st.rdb, dedup.Config{Prefix: st.dedupPrefix})
	if err != nil {
		t.Fatal(err)
	}
	g := corpus.New(seed)
	var fx []storyFixture
	var fps []dedup.Fingerprint
	for i := 0; i < n; i++ {
		pg := g.Article(firstID+i, 5, 0)
		f := storyFixture{canonical: pg.URL, raw: fmt.Sprintf("https://syndication.example/feed/%d.html", firstID+i),
			text: strings.Join(pg.Paragraphs, "\n\n"), rev2: i%3 == 0}
		fp, err := ix.Fingerprint(f.canonical, f.text)
		if err != nil {
			t.Fatal(err)
		}
		fx, fps = append(fx, f), append(fps, fp)
	}
	rs, err := ix.Resolve(ctx, fps)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rs {
		if r.Kind != dedup.KindNew {
			t.Fatalf("fixture story %d resolved as %s: the fixtures must be new stories", i, r.Kind)
		}
		fx[i].id = r.StoryID
	}
	sink, closeSink := newOnceSink(t, st)
	defer closeSink()
	var cleaned, enriched []stage.Output
	for _, f := range fx {
		a := f.article()
		cleaned = append(cleaned, output(t, st.cleaned, f.id, 1, a))
		enriched = append(enriched, output(t, st.enriched, f.id, 1, &newsflowv1.EnrichedArticle{Article: a, Revision: 1, Language: "en"}))
		if f.rev2 {
			a2 := f.article()
			a2.Revision = 2
			enriched = append(enriched, output(t, st.enriched, f.id, 2, &newsflowv1.EnrichedArticle{Article: a2, Revision: 2, Language: "en"}))
		}
	}
	for _, outs := range [][]stage.Output{cleaned, enriched} {
		if err := deliver(ctx, sink, outs); err != nil {
			t.Fatalf("deliver fixtures: %v", err)
		}
	}
	return fx
}

// deliver is a stage's retry loop around Write: a broker still electing
// the leaders of new topics answers NOT_LEADER for a moment.
func deliver(ctx context.Context, s *once.Sink, outs []stage.Output) error {
	for {
		err := s.Write(ctx, outs)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last error: %v)", ctx.Err(), err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func (f storyFixture) article() *newsflowv1.CleanedArticle {
	return &newsflowv1.CleanedArticle{StoryId: f.id, CanonicalUrl: f.canonical, Url: f.raw, AlternateUrls: []string{f.raw},
		Title: "story " + f.id, Text: f.text, Paragraphs: strings.Split(f.text, "\n\n"), Language: "en", Revision: 1}
}

func output(t *testing.T, topic, id string, rev int64, m proto.Message) stage.Output {
	t.Helper()
	v, h, err := wire.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	return stage.Output{Topic: topic, Key: []byte(id), Value: v, Headers: h, StoryID: id, Revision: rev}
}

// newOnceSink is a stage's exactly-once writer on st.
func newOnceSink(t *testing.T, st pipelineState) (*once.Sink, func()) {
	t.Helper()
	prod := once.NewKafkaProducer(st.bc, once.KafkaOptions{})
	s, err := once.New(st.rdb, prod, once.NewKafkaLog(st.bc), once.Config{Prefix: st.oncePrefix, Owner: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return s, func() { _ = prod.Close() }
}

// placed returns where each key's records are on topic: "rev@partition/offset".
func placed(t *testing.T, ctx context.Context, bc broker.Config, topic string) map[string][]string {
	t.Helper()
	logr := once.NewKafkaLog(bc)
	n, err := logr.Partitions(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	parts := make([]int, n)
	for i := range parts {
		parts[i] = i
	}
	bounds, err := logr.Bounds(ctx, topic, parts)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for p, b := range bounds {
		err := logr.Scan(ctx, topic, p, b.Start, b.End, func(r once.Record) bool {
			rev := string(r.Header(once.HeaderRevision))
			out[string(r.Key)] = append(out[string(r.Key)], fmt.Sprintf("%s@%d/%d", rev, p, r.Offset))
			return true
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// writeOld appends an enriched story with a record time beyond the window.
func writeOld(t *testing.T, ctx context.Context, bc broker.Config, topic, id, url string, age time.Duration) {
	t.Helper()
	a := &newsflowv1.EnrichedArticle{Article: &newsflowv1.CleanedArticle{StoryId: id, CanonicalUrl: url, Url: url,
		Text: strings.Repeat("an old story about the harbour and the ferry timetable ", 8), Revision: 1}, Revision: 1}
	v, h, err := wire.Encode(a)
	if err != nil {
		t.Fatal(err)
	}
	m := stage.ToKafka(stage.Output{Topic: topic, Key: []byte(id), Value: v, Headers: append(h,
		stage.Header{Key: once.HeaderStory, Value: []byte(id)}, stage.Header{Key: once.HeaderRevision, Value: []byte("1")})})
	m.Time = time.Now().Add(-age)
	w := &kafka.Writer{Addr: kafka.TCP(bc.Brokers...), Transport: bc.Transport(), Balancer: kafka.Murmur2Balancer{},
		RequiredAcks: kafka.RequireAll, BatchTimeout: time.Millisecond}
	defer w.Close()
	if err := w.WriteMessages(ctx, m); err != nil {
		t.Fatal(err)
	}
}

// embeddedState starts the embedded Kafka (3 partitions) and Redis and
// returns the pipeline state of the default topics and key prefixes on them.
// Both stop when the test ends.
func embeddedState(t *testing.T, ctx context.Context) (pipelineState, *devstack.Stack) {
	t.Helper()
	stack, err := devstack.Start(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stack.Close)
	rdb := redis.NewClient(&redis.Options{Addr: stack.Redis.Addr()})
	t.Cleanup(func() { rdb.Close() })
	return pipelineState{bc: stack.Broker, rdb: rdb, redisURL: stack.RedisURL, cleaned: topics.Cleaned, enriched: topics.Enriched,
		oncePrefix: once.DefaultPrefix, dedupPrefix: dedup.DefaultPrefix, replayPrefix: replay.DefaultPrefix}, stack
}
