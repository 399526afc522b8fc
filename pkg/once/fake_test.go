package once

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/newsflow/newsflow/pkg/stage"
)

// fakeLog is an in-memory Kafka: topics of partitions of records.
type fakeLog struct {
	mu     sync.Mutex
	nParts int
	logs   map[string][][]Record
	scans  atomic.Int64
}

func newFakeLog(partitions int) *fakeLog {
	return &fakeLog{nParts: partitions, logs: map[string][][]Record{}}
}

func (f *fakeLog) append(topic string, part int, recs []Record) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.logs[topic] == nil {
		f.logs[topic] = make([][]Record, f.nParts)
	}
	for _, r := range recs {
		r.Offset = int64(len(f.logs[topic][part]))
		r.Time = time.Now()
		f.logs[topic][part] = append(f.logs[topic][part], r)
	}
}

func (f *fakeLog) Partitions(ctx context.Context, topic string) (int, error) { return f.nParts, nil }

func (f *fakeLog) Bounds(ctx context.Context, topic string, parts []int) ([]Bounds, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Bounds, len(parts))
	for i, p := range parts {
		if l := f.logs[topic]; l != nil {
			out[i].End = int64(len(l[p]))
		}
	}
	return out, nil
}

func (f *fakeLog) Scan(ctx context.Context, topic string, part int, from, to int64, fn func(Record) bool) error {
	f.scans.Add(1)
	f.mu.Lock()
	var recs []Record
	if l := f.logs[topic]; l != nil {
		recs = append(recs, l[part][max(from, 0):min(to, int64(len(l[part])))]...)
	}
	f.mu.Unlock()
	for _, r := range recs {
		if !fn(r) {
			return nil
		}
	}
	return nil
}

// counts returns how many records each story revision has on topic.
func (f *fakeLog) counts(topic string) map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int{}
	for p, l := range f.logs[topic] {
		for _, r := range l {
			if want := Partition(r.Key, f.nParts); want != p {
				panic(fmt.Sprintf("story %s on partition %d, hashes to %d", r.Key, p, want))
			}
			out[matchKey(r.Key, revisionOf(r))]++
		}
	}
	return out
}

// fault is what a fakeProducer does with one call.
type fault struct {
	skip  bool          // do not append
	delay time.Duration // append this long after returning (in flight)
	err   error         // return this
}

// fakeProducer appends to a fakeLog; faults decide per call.
type fakeProducer struct {
	log    *fakeLog
	calls  atomic.Int64
	dead   atomic.Bool
	faults func(n int64, topic string, part int, recs []Record) fault
}

var errDead = errors.New("process is dead")

func (p *fakeProducer) Produce(ctx context.Context, topic string, part int, recs []Record) error {
	n := p.calls.Add(1)
	if p.dead.Load() {
		return NotWritten(errDead)
	}
	var f fault
	if p.faults != nil {
		f = p.faults(n, topic, part, recs)
	}
	recs = append([]Record(nil), recs...)
	switch {
	case f.skip:
	case f.delay > 0:
		go func() { time.Sleep(f.delay); p.log.append(topic, part, recs) }()
	default:
		p.log.append(topic, part, recs)
	}
	return f.err
}

var errTimeout = errors.New("i/o timeout waiting for the produce response")

// harness is one Redis (miniredis, its TTLs moving in real time), one
// fake Kafka and any number of processes, each a Sink with its own Redis
// connections and producer, that can crash.
type harness struct {
	t   *testing.T
	mr  *miniredis.Miniredis
	log *fakeLog
	cfg Config
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	mr := miniredis.RunT(t)
	h := &harness{t: t, mr: mr, log: newFakeLog(4), cfg: testConfig()}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { // miniredis moves TTLs only when told: tell it in real time
		defer close(done)
		tk := time.NewTicker(5 * time.Millisecond)
		defer tk.Stop()
		last := time.Now()
		for {
			select {
			case <-stop:
				return
			case now := <-tk.C:
				mr.FastForward(now.Sub(last))
				last = now
			}
		}
	}()
	t.Cleanup(func() { close(stop); <-done })
	return h
}

// testConfig has timings short enough for tests, in the same proportions
// as the defaults.
func testConfig() Config {
	return Config{
		Owner:          "test",
		Lease:          400 * time.Millisecond,
		ProduceTimeout: 60 * time.Millisecond,
		SettleGrace:    40 * time.Millisecond,
		BusyBackoff:    2 * time.Millisecond,
		BusyBackoffMax: 20 * time.Millisecond,
		OffsetsMaxAge:  time.Millisecond,
	}
}

// process is one simulated stage process.
type process struct {
	sink *Sink
	rdb  *redis.Client
	prod *fakeProducer
}

func (h *harness) process(mod func(*Config)) *process {
	h.t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: h.mr.Addr(), MaxRetries: -1, DialTimeout: 200 * time.Millisecond,
		ReadTimeout: time.Second, WriteTimeout: time.Second})
	h.t.Cleanup(func() { rdb.Close() })
	cfg := h.cfg
	if mod != nil {
		mod(&cfg)
	}
	prod := &fakeProducer{log: h.log}
	s, err := New(rdb, prod, h.log, cfg)
	if err != nil {
		h.t.Fatal(err)
	}
	return &process{sink: s, rdb: rdb, prod: prod}
}

// crash kills p: its connections drop and it produces nothing more. What it
// had in flight still lands (fakeProducer delays).
func (p *process) crash() {
	p.prod.dead.Store(true)
	p.rdb.Close()
}

// deliver is the Runner's retry loop: Write until it succeeds.
func deliver(ctx context.Context, s *Sink, outs []stage.Output) error {
	for {
		err := s.Write(ctx, outs)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last write error: %v)", ctx.Err(), err)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

const topic = "news.enriched"

// stories makes n outputs of distinct stories (revision rev).
func stories(prefix string, n int, rev int64) []stage.Output {
	outs := make([]stage.Output, n)
	for i := range outs {
		id := prefix + strconv.Itoa(i)
		outs[i] = stage.Output{Topic: topic, StoryID: id, Revision: rev, Value: []byte("story " + id),
			Headers: []stage.Header{{Key: "traceparent", Value: []byte("00-x")}}}
	}
	return outs
}

// exactlyOnce fails the test unless every output's story revision is on
// the log exactly once and nothing else is.
func exactlyOnce(t *testing.T, log *fakeLog, outs ...[]stage.Output) {
	t.Helper()
	want := map[string]bool{}
	for _, os := range outs {
		for _, o := range os {
			want[matchKey([]byte(o.StoryID), o.Revision)] = true
		}
	}
	got := log.counts(topic)
	var lost, dup, extra []string
	for k := range want {
		switch n := got[k]; {
		case n == 0:
			lost = append(lost, k)
		case n > 1:
			dup = append(dup, fmt.Sprintf("%s x%d", k, n))
		}
	}
	for k := range got {
		if !want[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(lost)
	sort.Strings(dup)
	if len(lost)+len(dup)+len(extra) > 0 {
		t.Fatalf("stories expected %d, delivered %d, lost %d %v, duplicated %d %v, unexpected %v",
			len(want), len(got), len(lost), first(lost), len(dup), first(dup), first(extra))
	}
}

func first(s []string) []string { return s[:min(len(s), 5)] }

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed)) }
