package once

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/newsflow/newsflow/pkg/stage"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestWriteDeliversOnceAndCountsRoundTrips(t *testing.T) {
	h := newHarness(t)
	p := h.process(nil)
	ctx := testCtx(t)
	batch := stories("s", 100, 0)
	withCopies := append(append([]stage.Output(nil), batch...), batch[:10]...)
	if err := p.sink.Write(ctx, withCopies); err != nil {
		t.Fatal(err)
	}
	st := p.sink.Stats()
	if st.Produced != 100 || st.Confirmed != 100 || st.DuplicatesInBatch != 10 || st.Claimed != 100 {
		t.Errorf("first write: %+v", st)
	}
	// claim (with the store check) + store sentinel creation + confirm.
	if st.RedisRoundTrips != 3 {
		t.Errorf("first write took %d Redis round trips, want 3", st.RedisRoundTrips)
	}
	if err := p.sink.Write(ctx, batch); err != nil { // a redelivered batch
		t.Fatal(err)
	}
	st2 := p.sink.Stats()
	if d := st2.Duplicates - st.Duplicates; d != 100 {
		t.Errorf("replayed batch: %d duplicates dropped, want 100", d)
	}
	if rt := st2.RedisRoundTrips - st.RedisRoundTrips; rt != 1 {
		t.Errorf("replayed batch took %d round trips, want 1", rt)
	}
	if err := p.sink.Write(ctx, stories("t", 100, 0)); err != nil {
		t.Fatal(err)
	}
	if rt := p.sink.Stats().RedisRoundTrips - st2.RedisRoundTrips; rt != 2 {
		t.Errorf("fresh batch took %d round trips, want 2 (claim, confirm)", rt)
	}
	exactlyOnce(t, h.log, batch, stories("t", 100, 0))
	// Records carry the story id as key and header, and keep their headers.
	h.log.mu.Lock()
	r := h.log.logs[topic][Partition([]byte("s0"), 4)][0]
	h.log.mu.Unlock()
	if string(r.Key) != "s0" || string(r.Header(HeaderStory)) != "s0" || string(r.Header("traceparent")) != "00-x" {
		t.Errorf("record: key %q headers %+v", r.Key, r.Headers)
	}
}

// A process dies at a crash point; a second process (the partition's next
// owner) delivers the same batch. Nothing may be lost or delivered twice.
func TestCrashPoints(t *testing.T) {
	cases := []struct {
		name string
		// arm makes process a crash during its write.
		arm func(a *process) func(n int64, topic string, part int, recs []Record) fault
		// expectations of the second process
		found, missing bool
	}{
		{
			name: "after claim, before produce",
			arm: func(a *process) func(int64, string, int, []Record) fault {
				return func(int64, string, int, []Record) fault {
					a.crash()
					return fault{skip: true, err: NotWritten(errDead)}
				}
			},
			missing: true,
		},
		{
			name: "after produce, before confirm",
			arm: func(a *process) func(int64, string, int, []Record) fault {
				return func(int64, string, int, []Record) fault {
					a.rdb.Close() // every partition lands; the process dies before confirming
					return fault{}
				}
			},
			found: true,
		},
		{
			name: "produce in flight at the crash",
			arm: func(a *process) func(int64, string, int, []Record) fault {
				return func(int64, string, int, []Record) fault {
					a.rdb.Close()
					return fault{delay: 20 * time.Millisecond, err: errTimeout}
				}
			},
			found: true,
		},
		{
			name: "mid-batch: one partition produced, the next not",
			arm: func(a *process) func(int64, string, int, []Record) fault {
				var once sync.Once
				return func(n int64, _ string, _ int, _ []Record) fault {
					crashed := false
					once.Do(func() { crashed = true })
					if crashed {
						return fault{} // the first call lands...
					}
					a.crash() // ...then the process dies
					return fault{skip: true, err: NotWritten(errDead)}
				}
			},
			found: true, missing: true,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			ctx := testCtx(t)
			batch := stories("c", 40, 0)
			a := h.process(nil)
			a.prod.faults = tc.arm(a)
			if err := a.sink.Write(ctx, batch); err == nil {
				t.Fatal("crashed process: write returned nil")
			}
			a.crash()
			b := h.process(nil)
			start := time.Now()
			if err := deliver(ctx, b.sink, batch); err != nil {
				t.Fatal(err)
			}
			exactlyOnce(t, h.log, batch)
			st := b.sink.Stats()
			if st.Busy == 0 || time.Since(start) < h.cfg.Lease/2 {
				t.Errorf("next owner did not wait for the crashed owner's lease (busy %d, after %s)", st.Busy, time.Since(start))
			}
			if st.Recovered != 40 {
				t.Errorf("recovered %d of 40 claims", st.Recovered)
			}
			if (st.VerifyFound > 0) != tc.found || (st.VerifyMissing > 0) != tc.missing {
				t.Errorf("verify found %d, missing %d; want found %v, missing %v", st.VerifyFound, st.VerifyMissing, tc.found, tc.missing)
			}
			if st.Produced != st.VerifyMissing {
				t.Errorf("produced %d, but verify missed %d", st.Produced, st.VerifyMissing)
			}
		})
	}
}

// Produce errors in a live process: the Sink decides by reading the log.
func TestProduceErrors(t *testing.T) {
	cases := []struct {
		name       string
		fault      fault
		wantVerify bool // an uncertain error must be verified
		wantFound  bool
	}{
		{"broker appended, then the response timed out", fault{err: errTimeout}, true, true},
		{"still in flight when the error returned", fault{delay: 20 * time.Millisecond, err: errTimeout}, true, true},
		{"timed out, nothing appended", fault{skip: true, err: errTimeout}, true, false},
		{"refused by the broker (leader moved)", fault{skip: true, err: NotWritten(kafka.NotLeaderForPartition)}, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			p := h.process(nil)
			p.prod.faults = func(n int64, _ string, _ int, _ []Record) fault {
				if n == 1 {
					return tc.fault
				}
				return fault{}
			}
			batch := stories("e", 30, 0)
			if err := p.sink.Write(testCtx(t), batch); err != nil {
				t.Fatal(err)
			}
			exactlyOnce(t, h.log, batch)
			st := p.sink.Stats()
			if verified := st.VerifyFound+st.VerifyMissing > 0; verified != tc.wantVerify {
				t.Errorf("verified: %v, want %v (%+v)", verified, tc.wantVerify, st)
			}
			if (st.VerifyFound > 0) != tc.wantFound {
				t.Errorf("verify found %d, want found %v", st.VerifyFound, tc.wantFound)
			}
		})
	}
}

func TestPartialProduceFailure(t *testing.T) {
	h := newHarness(t)
	p := h.process(nil)
	// The first call lands every other record and reports per record: the
	// ones that landed as acknowledged, the others as uncertain.
	p.prod.faults = func(n int64, tp string, part int, recs []Record) fault {
		if n != 1 {
			return fault{}
		}
		errs := make(RecordErrors, len(recs))
		var landed []Record
		for i := range recs {
			if i%2 == 0 {
				landed = append(landed, recs[i])
			} else {
				errs[i] = errTimeout
			}
		}
		h.log.append(tp, part, landed)
		return fault{skip: true, err: errs}
	}
	batch := stories("p", 40, 0)
	if err := p.sink.Write(testCtx(t), batch); err != nil {
		t.Fatal(err)
	}
	exactlyOnce(t, h.log, batch)
}

// An owner stalls between claim and produce for longer than its lease;
// another owner recovers the story meanwhile. The stalled owner must notice
// (self-fencing) and not produce.
func TestLeaseExpiryWithLiveSlowOwner(t *testing.T) {
	h := newHarness(t)
	ctx := testCtx(t)
	batch := stories("l", 20, 0)
	stalled, resume := make(chan struct{}), make(chan struct{})
	var once sync.Once
	a := h.process(func(c *Config) {
		c.beforeFence = func(string, int) {
			once.Do(func() { close(stalled); <-resume })
		}
	})
	aErr := make(chan error, 1)
	go func() { aErr <- a.sink.Write(ctx, batch) }()
	<-stalled
	b := h.process(nil)
	if err := deliver(ctx, b.sink, batch); err != nil { // waits out a's lease, then recovers
		t.Fatal(err)
	}
	close(resume)
	if err := <-aErr; err != nil {
		t.Fatalf("stalled owner: %v", err)
	}
	exactlyOnce(t, h.log, batch)
	if b.sink.Stats().Recovered == 0 {
		t.Error("second owner did not recover the lapsed claims")
	}
	if st := a.sink.Stats(); st.Fenced == 0 || st.Produced != 0 {
		t.Errorf("stalled owner: fenced %d, produced %d; want fenced > 0 and nothing produced", st.Fenced, st.Produced)
	}
}

// A slow owner whose lease lapsed while nobody else wanted the story takes
// it back and produces.
func TestSlowOwnerRetakesUnclaimedLease(t *testing.T) {
	h := newHarness(t)
	var once sync.Once
	p := h.process(func(c *Config) {
		c.beforeFence = func(string, int) { once.Do(func() { time.Sleep(h.cfg.Lease * 3 / 2) }) }
	})
	batch := stories("r", 10, 0)
	if err := p.sink.Write(testCtx(t), batch); err != nil {
		t.Fatal(err)
	}
	exactlyOnce(t, h.log, batch)
	if st := p.sink.Stats(); st.Extended == 0 || st.Fenced != 0 {
		t.Errorf("extended %d, fenced %d", st.Extended, st.Fenced)
	}
}

// A rebalance gives one input to two owners at once: the old member still
// finishing its batch and the new one starting it. Also two partition
// workers of one process carrying the same stories.
func TestConcurrentOwners(t *testing.T) {
	for _, sameProcess := range []bool{false, true} {
		name := "two processes"
		if sameProcess {
			name = "one process, two workers"
		}
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			ctx := testCtx(t)
			a := h.process(nil)
			b := a
			if !sameProcess {
				b = h.process(nil)
			}
			batch := stories("b", 60, 0)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for _, p := range []*process{a, b, a, b} {
				wg.Go(func() {
					<-start
					if err := deliver(ctx, p.sink, batch); err != nil {
						t.Error(err)
					}
				})
			}
			close(start)
			wg.Wait()
			exactlyOnce(t, h.log, batch)
		})
	}
}

// Redis fails between the steps of a write: the write fails, nothing is
// committed, and the retry finishes the job without duplicates. The same
// process retries, so it takes over its own claims at once rather than
// waiting for their leases.
func TestRedisFailingBetweenSteps(t *testing.T) {
	cases := []struct {
		name string
		arm  func(h *harness, p *process)
	}{
		{"down at claim", func(h *harness, p *process) { h.mr.Close() }},
		{"down after claim, before produce", func(h *harness, p *process) {
			var once sync.Once
			p.sink.cfg.beforeFence = func(string, int) { once.Do(h.mr.Close) }
		}},
		{"down after produce, before confirm", func(h *harness, p *process) {
			var once sync.Once
			p.prod.faults = func(int64, string, int, []Record) fault {
				once.Do(h.mr.Close)
				return fault{}
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			ctx := testCtx(t)
			p := h.process(func(c *Config) { c.Lease = 10 * time.Second }) // a lease wait would time the test out
			if err := p.sink.Write(ctx, stories("warm", 1, 0)); err != nil {
				t.Fatal(err)
			}
			batch := stories("f", 30, 0)
			tc.arm(h, p)
			if err := p.sink.Write(ctx, batch); err == nil {
				t.Fatal("write with Redis down: got nil error")
			}
			if err := h.mr.Restart(); err != nil {
				t.Fatal(err)
			}
			if err := deliver(ctx, p.sink, batch); err != nil {
				t.Fatal(err)
			}
			exactlyOnce(t, h.log, stories("warm", 1, 0), batch)
		})
	}
}

// BUSY never skips: a story held by a live owner is waited for, and the
// write returns only when the story is delivered.
func TestBusyWaitsNeverSkips(t *testing.T) {
	h := newHarness(t)
	ctx := testCtx(t)
	batch := stories("w", 10, 0)
	holding, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	a := h.process(func(c *Config) {
		c.beforeFence = func(string, int) { once.Do(func() { close(holding); <-release }) }
	})
	aErr := make(chan error, 1)
	go func() { aErr <- a.sink.Write(ctx, batch) }()
	<-holding
	b := h.process(nil)
	bDone := make(chan error, 1)
	go func() { bDone <- b.sink.Write(ctx, batch) }()
	select {
	case err := <-bDone:
		t.Fatalf("write returned (%v) while another owner held its stories", err)
	case <-time.After(h.cfg.Lease / 4):
	}
	close(release) // a produces and confirms; b finds them delivered
	if err := <-aErr; err != nil {
		t.Fatal(err)
	}
	if err := <-bDone; err != nil {
		t.Fatal(err)
	}
	exactlyOnce(t, h.log, batch)
	if st := b.sink.Stats(); st.Busy == 0 || st.Duplicates != 10 || st.Produced != 0 {
		t.Errorf("waiting owner: %+v", st)
	}
}

// A reprocess replay delivers each story once per revision.
func TestRevisions(t *testing.T) {
	h := newHarness(t)
	p := h.process(nil)
	ctx := testCtx(t)
	r0, r1 := stories("v", 20, 0), stories("v", 20, 1)
	for _, b := range [][]stage.Output{r0, r1, r1, r0} {
		if err := p.sink.Write(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	exactlyOnce(t, h.log, r0, r1)
}

// Redis lost its data: claiming now would deliver everything again. The
// Sink refuses until the store is rebuilt from the topic.
func TestStoreLost(t *testing.T) {
	for _, auto := range []bool{false, true} {
		name := "manual rebuild"
		if auto {
			name = "automatic rebuild"
		}
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			ctx := testCtx(t)
			p := h.process(func(c *Config) { c.AutoRebuild = auto })
			old := stories("o", 30, 0)
			if err := p.sink.Write(ctx, old); err != nil {
				t.Fatal(err)
			}
			h.mr.FlushAll()
			err := p.sink.Write(ctx, old)
			if !errors.Is(err, ErrStoreLost) {
				t.Fatalf("write after the store was lost: got %v, want ErrStoreLost", err)
			}
			if !auto {
				st, err := Rebuild(ctx, p.rdb, h.log, topic, RebuildOptions{Config: h.cfg, SettleWait: -1})
				if err != nil {
					t.Fatal(err)
				}
				if st.Stories != 30 || st.Records != 30 {
					t.Errorf("rebuild: %+v", st)
				}
			}
			fresh := stories("n", 10, 0)
			if err := deliver(ctx, p.sink, append(append([]stage.Output(nil), old...), fresh...)); err != nil {
				t.Fatal(err)
			}
			exactlyOnce(t, h.log, old, fresh)
		})
	}
}

// Many processes, random crashes at every point, random produce faults and
// Redis restarts, concurrent batches with re-sent stories: every story ends
// up on the log exactly once.
func TestRandomFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("randomised fault run: skipped in -short mode")
	}
	h := newHarness(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	all := stories("x", 600, 0)
	var batches [][]stage.Output
	for i := 0; i < len(all); i += 20 {
		b := append([]stage.Output(nil), all[i:min(i+20, len(all))]...)
		b = append(b, all[(i*7)%len(all)], all[(i*13+5)%len(all)]) // re-sends of other stories
		batches = append(batches, b)
	}
	var crashes, restarts atomic.Int64
	var restarting atomic.Bool
	var mu sync.Mutex
	rng := newRand(42)
	roll := func(p float64) bool { mu.Lock(); defer mu.Unlock(); return rng.Float64() < p }
	newProcess := func() *process {
		p := h.process(nil)
		p.prod.faults = func(n int64, _ string, _ int, _ []Record) fault {
			switch {
			case roll(0.08):
				crashes.Add(1)
				p.crash()
				return []fault{{skip: true, err: NotWritten(errDead)}, {}, {delay: 10 * time.Millisecond, err: errTimeout}}[n%3]
			case roll(0.08):
				return fault{err: errTimeout} // landed, answer lost
			case roll(0.05):
				return fault{skip: true, err: errTimeout}
			case roll(0.05):
				return fault{skip: true, err: NotWritten(kafka.LeaderNotAvailable)}
			case roll(0.03) && restarting.CompareAndSwap(false, true):
				restarts.Add(1)
				h.mr.Close()
				go func() {
					time.Sleep(30 * time.Millisecond)
					_ = h.mr.Restart()
					restarting.Store(false)
				}()
			}
			return fault{}
		}
		return p
	}
	var wg sync.WaitGroup
	work := make(chan []stage.Output)
	for range 4 { // four partition workers, each a process that may die
		wg.Go(func() {
			p := newProcess()
			for b := range work {
				for {
					err := p.sink.Write(ctx, b)
					if err == nil {
						break
					}
					if ctx.Err() != nil {
						t.Errorf("batch never delivered: %v (stats %+v)", err, p.sink.Stats())
						break // keep draining, so the feeder does not block
					}
					if p.prod.dead.Load() { // the batch goes to the next owner
						p = newProcess()
					}
					time.Sleep(5 * time.Millisecond)
				}
			}
		})
	}
	for _, b := range batches {
		work <- b
	}
	for _, b := range batches[:5] { // a replay of the first batches
		work <- b
	}
	close(work)
	wg.Wait()
	t.Logf("%d batches, %d crashes, %d Redis restarts", len(batches)+5, crashes.Load(), restarts.Load())
	exactlyOnce(t, h.log, all)
}

// Two first Writes on a fresh topic: one found no sentinel, then the other
// set it and produced before the first read the topic's bounds. The first
// must see the store in place, not lost (no rebuild, no error).
func TestStoreCheckRacingAFirstWrite(t *testing.T) {
	h := newHarness(t)
	a, b := h.process(nil), h.process(nil)
	ctx := testCtx(t)
	if err := a.sink.Write(ctx, stories("a", 10, 0)); err != nil { // sentinel set, records produced
		t.Fatal(err)
	}
	// b's view: it looked before a set the sentinel, so it checks the store now.
	if err := b.sink.checkStore(ctx, topic); err != nil {
		t.Fatalf("store check with the sentinel set by a concurrent first Write: %v", err)
	}
	if !h.mr.Del(storeKey(b.sink.cfg.Prefix, topic)) {
		t.Fatal("no store sentinel to delete")
	}
	if err := b.sink.checkStore(ctx, topic); !errors.Is(err, ErrStoreLost) {
		t.Fatalf("store check with the sentinel gone and records on the topic: %v, want ErrStoreLost", err)
	}
}
