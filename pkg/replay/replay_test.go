package replay

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/devstack"
	"github.com/newsflow/newsflow/pkg/stage"
	"github.com/newsflow/newsflow/pkg/testenv"
	"github.com/newsflow/newsflow/pkg/topics"
)

// stopAfter is a Progress that cancels a replay once sent reaches n.
type stopAfter struct {
	n      int64
	cancel context.CancelFunc
	seen   []int64
}

func (p *stopAfter) Update(sent, total int64) {
	p.seen = append(p.seen, sent)
	if p.n > 0 && sent >= p.n {
		p.cancel()
	}
}

// readAll returns the records of topic, all partitions.
func readAll(t *testing.T, ctx context.Context, bc broker.Config, topic string) []kafka.Message {
	t.Helper()
	c := bc.Client()
	md, err := c.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		t.Fatal(err)
	}
	var out []kafka.Message
	for _, p := range md.Topics[0].Partitions {
		res, err := c.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: {kafka.LastOffsetOf(p.ID)}}})
		if err != nil {
			t.Fatal(err)
		}
		end := res.Topics[topic][0].LastOffset
		if end == 0 {
			continue
		}
		r := kafka.NewReader(kafka.ReaderConfig{Brokers: bc.Brokers, Topic: topic, Partition: p.ID, MaxWait: 50 * time.Millisecond})
		for {
			m, err := r.ReadMessage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, m)
			if m.Offset >= end-1 {
				break
			}
		}
		r.Close()
	}
	return out
}

func header(m kafka.Message, k string) string {
	for _, h := range m.Headers {
		if h.Key == k {
			return string(h.Value)
		}
	}
	return ""
}

// TestRunner replays a topic on the embedded Kafka: gap fill, reprocess, and
// a replay stopped halfway and resumed from its checkpoint.
func TestRunner(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	stack, err := devstack.Start(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer stack.Close()
	if _, err := topics.Ensure(ctx, stack.Broker.Client(), []topics.Spec{{Name: "src", Partitions: 2, ReplicationFactor: 1},
		{Name: "dst", Partitions: 2, ReplicationFactor: 1}}); err != nil {
		t.Fatal(err)
	}
	runnerScenario(t, ctx, stack.Broker, NewRedisStore(newTestRedis(t)), "src", "dst")
}

// TestIntegrationRunner is the same on the real broker and redis-server.
func TestIntegrationRunner(t *testing.T) {
	bc := testenv.Kafka(t)
	rdb, _ := testenv.Redis(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	name := testenv.Name("replay")
	testenv.CreateTopics(t, bc, 2, name+"-src", name+"-dst")
	t.Cleanup(func() { // this test's keys only
		ctx := context.Background()
		for it := rdb.Scan(ctx, 0, name+":*", 1000).Iterator(); it.Next(ctx); {
			rdb.Del(ctx, it.Val())
		}
	})
	runnerScenario(t, ctx, bc, NewRedisStore(rdb, WithPrefix(name+":")), name+"-src", name+"-dst")
}

// runnerScenario replays 60 records of src to dst three times: gap fill,
// reprocess, and stopped at a third and resumed.
func runnerScenario(t *testing.T, ctx context.Context, bc broker.Config, store *RedisStore, src, dst string) {
	before := time.Now().Add(-time.Second)
	const n = 60
	var outs []stage.Output
	for i := 0; i < n; i++ {
		o := stage.Output{Topic: src, Key: []byte(fmt.Sprintf("k-%02d", i)), Value: []byte(fmt.Sprintf("v-%02d", i)),
			Headers: []stage.Header{{Key: "x", Value: []byte("y")}}}
		if i%2 == 0 { // headers of an earlier replay are replaced
			o.Headers = append(o.Headers, stage.Header{Key: stage.HeaderReplay, Value: []byte("r-old")}, stage.Header{Key: HeaderRevision, Value: []byte("9")})
		}
		outs = append(outs, o)
	}
	sink := stage.NewKafkaSink(bc, stage.SinkOptions{})
	defer sink.Close()
	if err := sink.Write(ctx, outs); err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, id, wantRev string, wantEach int) {
		t.Helper()
		count := map[string]int{}
		for _, m := range readAll(t, ctx, bc, dst) {
			if header(m, stage.HeaderReplay) != id {
				continue
			}
			count[string(m.Key)]++
			if string(m.Value) != "v-"+strings.TrimPrefix(string(m.Key), "k-") || header(m, "x") != "y" || header(m, HeaderRevision) != wantRev {
				t.Errorf("replayed %s: value %q headers %v", m.Key, m.Value, m.Headers)
			}
		}
		if len(count) != n {
			t.Errorf("replay %s: %d distinct records on the target, want %d", id, len(count), n)
		}
		for k, c := range count {
			if c != wantEach {
				t.Errorf("replay %s: %s sent %d times, want %d", id, k, c, wantEach)
			}
		}
	}

	for _, tc := range []struct {
		name      string
		reprocess bool
		wantRev   string
	}{{"gap fill", false, ""}, {"reprocess", true, "2"}} {
		t.Run(tc.name, func(t *testing.T) {
			id := NewID(time.Now())
			st, err := Plan(ctx, bc.Client(), id, Spec{Source: src, Target: dst, From: before, Reprocess: tc.reprocess})
			if err != nil {
				t.Fatal(err)
			}
			if st.Total() != n || st.Sent() != 0 {
				t.Fatalf("plan covers %d records (%d sent), want %d", st.Total(), st.Sent(), n)
			}
			st.Spec.Revision = 2
			p := &stopAfter{}
			if err := NewRunner(bc, store, nil, p).Run(ctx, st); err != nil {
				t.Fatal(err)
			}
			saved, err := store.Load(ctx, id)
			if err != nil || !saved.Done || saved.Sent() != n || len(p.seen) == 0 || p.seen[len(p.seen)-1] != n {
				t.Errorf("after the run: saved %+v, %v; progress %v", saved, err, p.seen)
			}
			check(t, id, tc.wantRev, 1)
		})
	}

	t.Run("stopped and resumed", func(t *testing.T) {
		id := NewID(time.Now())
		st, err := Plan(ctx, bc.Client(), id, Spec{Source: src, Target: dst, From: before, Rate: 400})
		if err != nil {
			t.Fatal(err)
		}
		rctx, stop := context.WithCancel(ctx)
		p := &stopAfter{n: n / 3, cancel: stop}
		if err := NewRunner(bc, store, nil, p).Run(rctx, st); err == nil {
			t.Fatal("a cancelled replay returned no error")
		}
		stop()
		saved, err := store.Load(ctx, id)
		if err != nil || saved.Done || saved.Sent() < n/3 || saved.Sent() >= n {
			t.Fatalf("checkpoint after the stop: %+v, %v", saved, err)
		}
		at := saved.Sent()
		if err := NewRunner(bc, store, nil, &stopAfter{}).Run(ctx, saved); err != nil {
			t.Fatal(err)
		}
		check(t, id, "", 1) // nothing sent twice, nothing skipped
		t.Logf("stopped at %d of %d, resumed", at, n)
	})

	t.Run("plan", func(t *testing.T) {
		tests := []struct {
			name string
			spec Spec
			want string // error, or "" with total
			n    int64
		}{
			{"after the end", Spec{Source: src, From: time.Now().Add(time.Hour)}, "", 0},
			{"one partition", Spec{Source: src, From: before, Partitions: []int{1}}, "", -1},
			{"no source", Spec{From: before}, "no source topic", 0},
			{"unknown topic", Spec{Source: src + "-nope", From: before}, src + "-nope", 0},
			{"unknown partition", Spec{Source: src, From: before, Partitions: []int{5}}, "has no partition 5", 0},
			{"to before from", Spec{Source: src, From: before, To: before.Add(-time.Hour)}, "is not after", 0},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				st, err := Plan(ctx, bc.Client(), "r-plan", tc.spec)
				if tc.want != "" {
					if err == nil || !strings.Contains(err.Error(), tc.want) {
						t.Errorf("error %v, want %q", err, tc.want)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				switch {
				case tc.n >= 0 && st.Total() != tc.n:
					t.Errorf("total %d, want %d", st.Total(), tc.n)
				case tc.n < 0 && (len(st.Ranges) != 1 || st.Total() == 0 || st.Total() >= n):
					t.Errorf("one partition: %+v", st.Ranges)
				}
				if st.Spec.Target != tc.spec.Source {
					t.Errorf("target %q, want the source", st.Spec.Target)
				}
			})
		}
	})
}

func TestRevisionOf(t *testing.T) {
	tests := []struct {
		name  string
		value string
		set   bool
		want  int64
	}{
		{"absent", "", false, 0},
		{"two", "2", true, 2},
		{"zero", "0", true, 0},
		{"negative", "-3", true, 0},
		{"garbage", "x", true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := stage.Input{}
			if tc.set {
				in.Headers = []stage.Header{{Key: HeaderRevision, Value: []byte(tc.value)}}
			}
			if got := RevisionOf(in); got != tc.want {
				t.Errorf("RevisionOf(%q) = %d, want %d", tc.value, got, tc.want)
			}
		})
	}
}
