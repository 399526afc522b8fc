package stage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pkg/broker"
)

// recSink records what it is given and fails the first failN writes.
type recSink struct {
	mu    sync.Mutex
	got   []Output
	failN int32
	calls atomic.Int32
}

func (s *recSink) Write(_ context.Context, outs []Output) error {
	if s.calls.Add(1) <= s.failN {
		return errors.New("broker unavailable")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, outs...)
	return nil
}

type recStatus struct {
	mu       sync.Mutex
	notReady []string
	ready    int
}

func (r *recStatus) SetNotReady(name, reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.notReady = append(r.notReady, reason)
}
func (r *recStatus) SetReady(string) { r.mu.Lock(); r.ready++; r.mu.Unlock() }

func testConfig() Config {
	return Config{Name: "test", Group: "g", Input: "in", Output: "out", DLQ: "in.dlq", BatchSize: 10,
		BatchWait: time.Millisecond, MaxInFlight: 4, MaxAttempts: 3, RetryBackoff: time.Millisecond,
		MaxBackoff: 4 * time.Millisecond, DrainTimeout: time.Second, SessionTimeout: 10 * time.Second,
		HeartbeatInterval: time.Second, FetchMaxBytes: 1 << 20, MaxInFlightBytes: 8 << 20}
}

func newTestRunner(t *testing.T, h Handler, sink, dlq Sink, opts ...Option) *Runner {
	t.Helper()
	opts = append([]Option{WithSink(sink), WithDLQSink(dlq)}, opts...)
	r, err := New(testConfig(), broker.Config{Brokers: []string{"127.0.0.1:1"}, DialTimeout: time.Second}, h, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func inputs(values ...string) []Input {
	var in []Input
	for i, v := range values {
		in = append(in, Input{Topic: "in", Partition: 2, Offset: int64(100 + i), Key: []byte("k" + v), Value: []byte(v),
			Headers: []Header{{Key: "x-custom", Value: []byte("keep")}}})
	}
	return in
}

func TestProcessBatchRoutesOutputsAndDeadLetters(t *testing.T) {
	var transientCalls atomic.Int32
	h := func(_ context.Context, in Input) ([]Output, error) {
		v := string(in.Value)
		switch {
		case strings.HasPrefix(v, "bad"):
			return nil, Rejectf("malformed", "cannot parse %q", v)
		case v == "boom":
			panic("handler bug")
		case v == "flaky":
			if transientCalls.Add(1) < 2 {
				return nil, errors.New("temporary")
			}
		case v == "never":
			return nil, errors.New("always temporary")
		case v == "skip":
			return nil, nil
		}
		return []Output{{Value: []byte(strings.ToUpper(v))}}, nil
	}
	sink, dlq := &recSink{}, &recSink{}
	r := newTestRunner(t, h, sink, dlq)
	if err := r.processBatch(context.Background(), inputs("a", "bad1", "boom", "flaky", "never", "skip", "b")); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range sink.got {
		got = append(got, string(o.Value))
		if o.Topic != "out" {
			t.Errorf("output topic %q, want default out", o.Topic)
		}
		hs := map[string]string{}
		for _, h := range o.Headers {
			hs[h.Key] = string(h.Value)
		}
		if _, _, ok := parseTraceparent(hs[HeaderTraceparent]); !ok {
			t.Errorf("output without a valid traceparent: %v", hs)
		}
		if hs[HeaderStage] != "test" {
			t.Errorf("stage header %q", hs[HeaderStage])
		}
	}
	if want := "A,FLAKY,B"; strings.Join(got, ",") != want {
		t.Errorf("outputs %v, want %s (input order kept)", got, want)
	}
	wantDead := map[string]string{"bad1": "malformed", "boom": ClassPanic, "never": ClassRetriesExhausted}
	if len(dlq.got) != len(wantDead) {
		t.Fatalf("dead letters %d, want %d", len(dlq.got), len(wantDead))
	}
	for _, d := range dlq.got {
		hs := map[string]string{}
		for _, h := range d.Headers {
			hs[h.Key] = string(h.Value)
		}
		v := string(d.Value)
		if hs[HeaderErrorClass] != wantDead[v] {
			t.Errorf("%s: class %q, want %q", v, hs[HeaderErrorClass], wantDead[v])
		}
		if d.Topic != "in.dlq" || string(d.Key) != "k"+v || hs["x-custom"] != "keep" {
			t.Errorf("%s: DLQ record must keep key, value and headers: topic %s key %s headers %v", v, d.Topic, d.Key, hs)
		}
		if hs[HeaderOriginTopic] != "in" || hs[HeaderOriginPartition] != "2" || hs[HeaderOriginOffset] == "" || hs[HeaderAttempt] != "1" || hs[HeaderError] == "" {
			t.Errorf("%s: DLQ origin headers incomplete: %v", v, hs)
		}
	}
}

func TestProcessBatchPausesWhileSinkFailsAndNeverDrops(t *testing.T) {
	h := func(_ context.Context, in Input) ([]Output, error) { return []Output{{Value: in.Value}}, nil }
	sink := &recSink{failN: 3}
	st := &recStatus{}
	r := newTestRunner(t, h, sink, &recSink{}, WithStatus(st))
	if err := r.processBatch(context.Background(), inputs("a", "b")); err != nil {
		t.Fatal(err)
	}
	if len(sink.got) != 2 || sink.calls.Load() != 4 {
		t.Errorf("got %d outputs after %d calls, want 2 after 4", len(sink.got), sink.calls.Load())
	}
	if len(st.notReady) != 1 || st.ready != 1 {
		t.Errorf("status: not ready %v, ready %d; want one pause then ready", st.notReady, st.ready)
	}
}

func TestProcessBatchGivesUpOnlyWhenCancelled(t *testing.T) {
	h := func(_ context.Context, in Input) ([]Output, error) { return []Output{{Value: in.Value}}, nil }
	sink := &recSink{failN: 1 << 30}
	r := newTestRunner(t, h, sink, &recSink{})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := r.processBatch(ctx, inputs("a")); err == nil {
		t.Fatal("processBatch returned nil while the sink never accepted: the caller would commit lost records")
	}
}

func TestDeadLetterOfRedrivenRecordCountsAttempts(t *testing.T) {
	r := newTestRunner(t, nil, &recSink{}, &recSink{})
	in := inputs("x")[0]
	in.Headers = append(in.Headers, Header{HeaderAttempt, []byte("2")}, Header{HeaderErrorClass, []byte("old")})
	d := r.deadLetter(in, "malformed", errors.New("still bad"))
	n := 0
	for _, h := range d.Headers {
		switch h.Key {
		case HeaderAttempt:
			if string(h.Value) != "3" {
				t.Errorf("attempt %s, want 3", h.Value)
			}
		case HeaderErrorClass:
			n++
			if string(h.Value) != "malformed" {
				t.Errorf("class %s, want the new one", h.Value)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d error-class headers, want 1", n)
	}
}

func TestChildTraceparent(t *testing.T) {
	const parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	tests := []struct {
		name, parent string
		keepTrace    bool
	}{
		{"valid parent keeps trace id", parent, true},
		{"missing parent starts a trace", "", false},
		{"garbage parent starts a trace", "00-xyz-123-01", false},
		{"all-zero trace id is invalid", "00-00000000000000000000000000000000-00f067aa0ba902b7-01", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := childTraceparent([]byte(tc.parent))
			traceID, _, ok := parseTraceparent(got)
			if !ok {
				t.Fatalf("child %q is not a valid traceparent", got)
			}
			if keeps := traceID == "4bf92f3577b34da6a3ce929d0e0e4736"; keeps != tc.keepTrace {
				t.Errorf("child %q keeps trace id: %v, want %v", got, keeps, tc.keepTrace)
			}
			if got == tc.parent {
				t.Error("child must have a new span id")
			}
		})
	}
}

func TestConfigValidateNamesTheField(t *testing.T) {
	tests := []struct {
		name  string
		mod   func(*Config)
		field string
	}{
		{"batch size zero", func(c *Config) { c.BatchSize = 0 }, "--batch-size"},
		{"no group", func(c *Config) { c.Group = "" }, "--group"},
		{"output is input", func(c *Config) { c.Output = c.Input }, "--output-topic"},
		{"short session", func(c *Config) { c.SessionTimeout = time.Second }, "--session-timeout"},
		{"heartbeat too long", func(c *Config) { c.HeartbeatInterval = 5 * time.Second }, "--heartbeat-interval"},
		{"backoff above max", func(c *Config) { c.RetryBackoff = time.Minute }, "--retry-backoff"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := testConfig()
			tc.mod(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.field) || !strings.Contains(err.Error(), "NEWSFLOW_") {
				t.Errorf("Validate() = %v, want an error naming %s and its env variable", err, tc.field)
			}
		})
	}
	if err := testConfig().Validate(); err != nil {
		t.Errorf("valid config rejected: %v", err)
	}
}

func TestDrainContextOutlivesParentByTheDrainTime(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	ctx, stop := drainContext(parent, 30*time.Millisecond)
	defer stop()
	cancel()
	if ctx.Err() != nil {
		t.Fatal("drain context ended with its parent; in-flight work would be cut off")
	}
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("drain context never ended after the parent was cancelled")
	}
}

func TestBatchHandlerRetriesOnlyFailedAndIsolatesPanics(t *testing.T) {
	var calls [][]string
	var mu sync.Mutex
	flaky := 0
	bh := func(_ context.Context, ins []Input) []Result {
		mu.Lock()
		defer mu.Unlock()
		var vs []string
		for _, in := range ins {
			vs = append(vs, string(in.Value))
		}
		calls = append(calls, vs)
		res := make([]Result, len(ins))
		for i, in := range ins {
			switch string(in.Value) {
			case "boom":
				panic("bad record in batch")
			case "flaky":
				if flaky++; flaky < 2 {
					res[i].Err = errors.New("temporary")
					continue
				}
			}
			res[i].Outputs = []Output{{Value: in.Value}}
		}
		return res
	}
	sink, dlq := &recSink{}, &recSink{}
	r, err := NewBatch(testConfig(), broker.Config{Brokers: []string{"127.0.0.1:1"}, DialTimeout: time.Second}, bh,
		WithSink(sink), WithDLQSink(dlq))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.processBatch(context.Background(), inputs("a", "flaky", "b")); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 2 || strings.Join(calls[1], ",") != "flaky" {
		t.Errorf("calls %v: the retry must carry only the failed input", calls)
	}
	calls = nil
	if err := r.processBatch(context.Background(), inputs("c", "boom", "d")); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range sink.got {
		got = append(got, string(o.Value))
	}
	if strings.Join(got, ",") != "a,flaky,b,c,d" {
		t.Errorf("outputs %v: a panic must cost only its own record", got)
	}
	if len(dlq.got) != 1 || string(dlq.got[0].Value) != "boom" {
		t.Errorf("dead letters %v, want only boom", dlq.got)
	}
}

// A handler whose dependency is down (Redis) must neither use up the input's
// attempts nor dead-letter it: the stage pauses (not ready) and resumes.
func TestUnavailableDependencyPausesAndNeverDeadLetters(t *testing.T) {
	var calls atomic.Int32
	const outage = 10 // far more than MaxAttempts (3)
	h := func(_ context.Context, in Input) ([]Output, error) {
		if calls.Add(1) <= outage {
			return nil, Unavailable("redis", errors.New("dial tcp 127.0.0.1:6379: connection refused"))
		}
		return []Output{{Value: in.Value}}, nil
	}
	sink, dlq, st := &recSink{}, &recSink{}, &recStatus{}
	r := newTestRunner(t, h, sink, dlq, WithStatus(st))
	if err := r.processBatch(context.Background(), inputs("a")); err != nil {
		t.Fatal(err)
	}
	if len(sink.got) != 1 || len(dlq.got) != 0 {
		t.Fatalf("outputs %d, dead letters %d: want the input delivered after the outage, none parked", len(sink.got), len(dlq.got))
	}
	if len(st.notReady) != 1 || !strings.Contains(st.notReady[0], "redis") || st.ready != 1 {
		t.Errorf("status: not ready %v, ready %d; want one pause naming redis, then ready", st.notReady, st.ready)
	}
	if dep, ok := IsUnavailable(fmt.Errorf("wrapped: %w", Unavailable("redis", errors.New("x")))); !ok || dep != "redis" {
		t.Errorf("IsUnavailable through wrapping = %q, %v", dep, ok)
	}
	if Unavailable("redis", nil) != nil {
		t.Error("Unavailable(nil) must be nil")
	}
}
