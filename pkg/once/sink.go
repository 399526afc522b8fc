package once

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/newsflow/newsflow/pkg/stage"
)

// ErrStoreLost is returned by Write when the Redis store of a topic is empty
// (its sentinel is gone) while the topic holds records: Redis lost its data,
// and claiming now would deliver stories a second time. Rebuild (or
// `newsctl dedup-rebuild`) refills the store; Config.AutoRebuild runs it.
var ErrStoreLost = errors.New("exactly-once store lost its data")

// Sink is the exactly-once stage.Sink: it delivers each story (StoryID,
// Revision) to its output topic once, through crashes, retries, rebalances
// and replays, by the claim/verify protocol described in the package
// documentation. It is safe for concurrent use.
type Sink struct {
	rdb  redis.UniversalClient
	prod Producer
	logr LogReader
	cfg  Config
	c    counters

	nonce string
	seq   atomic.Uint64

	mu      sync.Mutex
	parts   map[string]cachedPartitions
	offsets map[topicPart]cachedOffset
	orphans map[string]orphan
	locks   map[topicPart]chan struct{}
}

type topicPart struct {
	topic string
	part  int
}

type cachedPartitions struct {
	n  int
	at time.Time
}

type cachedOffset struct {
	end int64
	at  time.Time
}

// orphan is a claim a failed Write of this process may still hold. The next
// Write of the same story takes it over (and verifies) once anything that
// Write produced has settled, instead of waiting for the lease to lapse.
type orphan struct {
	token   string
	settled time.Time
}

// New returns a Sink that claims in rdb, produces with prod and reads the
// log back with logr.
func New(rdb redis.UniversalClient, prod Producer, logr LogReader, cfg Config) (*Sink, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("once: random nonce: %w", err)
	}
	s := &Sink{
		rdb: rdb, prod: prod, logr: logr, cfg: cfg,
		nonce:   hex.EncodeToString(b[:]),
		parts:   map[string]cachedPartitions{},
		offsets: map[topicPart]cachedOffset{},
		orphans: map[string]orphan{},
		locks:   map[topicPart]chan struct{}{},
	}
	s.c.register(cfg.Registerer, cfg.Owner)
	return s, nil
}

// Stats returns what the Sink did so far.
func (s *Sink) Stats() Stats { return s.c.stats() }

type state uint8

const (
	needClaim state = iota
	needVerify
	needProduce
	needConfirm
	finished
)

// item is one story of a Write.
type item struct {
	out       stage.Output
	topic     string
	record    string // claim record key
	part      int    // output partition; -1 until known
	hwm       int64  // verify scans from here; -1 means from the log start
	st        state
	deadline  time.Time     // this Write's lease ends here (local clock, conservative)
	notBefore time.Time     // do not act before (busy wait, settling)
	backoff   time.Duration // current busy backoff
	attempts  int           // produce calls of this Write
	inFlight  time.Time     // end of the last uncertain produce call (zero: none)
	sent      bool          // a claim with this Write's token was sent
}

// Write delivers outs and returns nil when each story among them is on its
// topic (produced now or found there) and marked delivered. A story's record
// is keyed by its StoryID (Output.Key is not used) and carries the
// newsflow-story and newsflow-revision headers besides the output's own.
// Outputs without a StoryID are produced at least once, like a plain sink.
func (s *Sink) Write(ctx context.Context, outs []stage.Output) error {
	var items []*item
	var plain []stage.Output
	seen := map[string]bool{}
	for _, o := range outs {
		if o.Topic == "" {
			return errors.New("once: output without a topic")
		}
		if o.StoryID == "" {
			plain = append(plain, o)
			continue
		}
		rk := recordKey(s.cfg.Prefix, o.Topic, o.StoryID, o.Revision)
		if seen[rk] {
			s.c.duplicatesInBatch.Add(1)
			continue
		}
		seen[rk] = true
		items = append(items, &item{out: o, topic: o.Topic, record: rk, part: -1, hwm: -1})
	}
	if len(plain) > 0 {
		if err := s.writePlain(ctx, plain); err != nil {
			return err
		}
	}
	if len(items) == 0 {
		return nil
	}
	w := &write{s: s, token: s.cfg.Owner + "/" + s.nonce + "/" + strconv.FormatUint(s.seq.Add(1), 36), items: items}
	if err := w.run(ctx); err != nil {
		w.abandon()
		return err
	}
	return nil
}

// write is one Write call: its token owns the leases it takes.
type write struct {
	s     *Sink
	token string
	items []*item
}

func (w *write) run(ctx context.Context) error {
	s := w.s
	for {
		now := s.cfg.now()
		var wake time.Time
		done, runnable := 0, 0
		for _, it := range w.items {
			switch {
			case it.st == finished:
				done++
			case it.notBefore.After(now):
				if wake.IsZero() || it.notBefore.Before(wake) {
					wake = it.notBefore
				}
			default:
				runnable++
			}
		}
		if done == len(w.items) {
			return nil
		}
		if runnable == 0 {
			if err := sleepUntil(ctx, s.cfg.now, wake); err != nil {
				return fmt.Errorf("once: waiting: %w", err)
			}
			continue
		}
		// One pass: a fresh story is claimed, produced and confirmed in it.
		if err := w.claim(ctx, w.ready(needClaim)); err != nil {
			return err
		}
		if err := w.verify(ctx, w.ready(needVerify)); err != nil {
			return err
		}
		if err := w.produce(ctx, w.ready(needProduce)); err != nil {
			return err
		}
		if err := w.confirm(ctx, w.ready(needConfirm)); err != nil {
			return err
		}
	}
}

// ready returns the items in state st that may act now.
func (w *write) ready(st state) []*item {
	now := w.s.cfg.now()
	var out []*item
	for _, it := range w.items {
		if it.st == st && !it.notBefore.After(now) {
			out = append(out, it)
		}
	}
	return out
}

func sleepUntil(ctx context.Context, now func() time.Time, t time.Time) error {
	d := t.Sub(now())
	if d <= 0 {
		return ctx.Err()
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}

// claim runs the claim script for items in one pipeline, together with the
// store sentinel of each topic involved.
func (w *write) claim(ctx context.Context, items []*item) error {
	if len(items) == 0 {
		return nil
	}
	s := w.s
	if err := w.place(ctx, items); err != nil {
		return err
	}
	now := s.cfg.now()
	var calls []*call
	var sent []*item
	for _, it := range items {
		prev := ""
		if o, ok := s.orphan(it.record); ok {
			if o.settled.After(now) {
				it.notBefore = o.settled // what the failed Write produced is not settled yet
				continue
			}
			prev = o.token
		}
		calls = append(calls, &call{Script: claimScript, Keys: []string{it.record, leaseKey(it.record)},
			Args: []any{w.token, s.cfg.Lease.Milliseconds(), s.cfg.Window.Milliseconds(), it.part, it.hwm, prev, now.UnixMilli()}})
		sent = append(sent, it)
		it.sent = true
	}
	if len(sent) == 0 {
		return nil
	}
	topics := map[string]*redis.StringCmd{}
	start := s.cfg.now()
	err := s.run(ctx, calls, func(p redis.Pipeliner) {
		for _, it := range sent {
			if _, ok := topics[it.topic]; !ok {
				topics[it.topic] = p.Get(ctx, storeKey(s.cfg.Prefix, it.topic))
			}
		}
	})
	if err != nil {
		return fmt.Errorf("once: claim %d stories: %w", len(sent), err)
	}
	for topic, cmd := range topics {
		switch err := cmd.Err(); {
		case err == nil:
		case errors.Is(err, redis.Nil):
			if err := s.checkStore(ctx, topic); err != nil {
				return err
			}
		default:
			return fmt.Errorf("once: store sentinel of %s: %w", topic, err)
		}
	}
	deadline := start.Add(time.Duration(float64(s.cfg.Lease) * (1 - s.cfg.ClockDrift)))
	for i, it := range sent {
		res, err := calls[i].Cmd.Int64Slice()
		if err != nil || len(res) == 0 {
			return fmt.Errorf("once: claim %s: unexpected answer %v: %v", it.out.StoryID, calls[i].Cmd.Val(), err)
		}
		s.forget(it.record)
		switch res[0] {
		case answerDuplicate:
			it.st = finished
			s.c.duplicates.Add(1)
		case answerClaimed:
			it.st, it.deadline = needProduce, deadline
			s.c.claimed.Add(1)
		case answerRecover:
			it.st, it.deadline = needVerify, deadline
			it.part, it.hwm = w.recorded(calls[i].Cmd, it)
			s.c.recovered.Add(1)
		case answerBusy:
			it.backoff = min(max(2*it.backoff, s.cfg.BusyBackoff), s.cfg.BusyBackoffMax)
			wait := it.backoff
			if len(res) > 1 && res[1] > 0 {
				wait = min(wait, time.Duration(res[1])*time.Millisecond+time.Millisecond)
			}
			it.notBefore = s.cfg.now().Add(wait)
			s.c.busy.Add(1)
		default:
			return fmt.Errorf("once: claim %s: unknown answer %d", it.out.StoryID, res[0])
		}
	}
	return nil
}

// recorded reads the partition and watermark of a RECOVER answer. The
// claim script returns them as strings; a record that lost them (evicted,
// or a lease without a record) is verified from the log start.
func (w *write) recorded(cmd *redis.Cmd, it *item) (part int, hwm int64) {
	vals, _ := cmd.Slice()
	part, hwm = it.part, -1
	if len(vals) >= 3 {
		if p, err := strconv.Atoi(fmt.Sprint(vals[1])); err == nil {
			part = p
		}
		if h, err := strconv.ParseInt(fmt.Sprint(vals[2]), 10, 64); err == nil {
			hwm = h
		}
	}
	if hwm < 0 {
		w.s.cfg.Logger.Warn("claim record without a watermark: verifying from the log start",
			zap.String("story", it.out.StoryID), zap.String("topic", it.topic), zap.Int("partition", part))
	}
	return part, hwm
}

// place sets the partition of items not placed yet and the watermark they
// record: a cached high watermark of the partition, at most OffsetsMaxAge
// old. Offsets only grow, so any value read before the produce is a lower
// bound of where the story's record can be.
func (w *write) place(ctx context.Context, items []*item) error {
	s := w.s
	now := s.cfg.now()
	stale := map[string]map[int]bool{}
	for _, it := range items {
		if it.part < 0 {
			n, err := s.partitions(ctx, it.topic)
			if err != nil {
				return err
			}
			it.part = Partition([]byte(it.out.StoryID), n)
		}
		s.mu.Lock()
		c, ok := s.offsets[topicPart{it.topic, it.part}]
		s.mu.Unlock()
		if !ok || now.Sub(c.at) > s.cfg.OffsetsMaxAge {
			if stale[it.topic] == nil {
				stale[it.topic] = map[int]bool{}
			}
			stale[it.topic][it.part] = true
		}
	}
	for topic, set := range stale {
		parts := make([]int, 0, len(set))
		for p := range set {
			parts = append(parts, p)
		}
		at := s.cfg.now()
		bs, err := s.logr.Bounds(ctx, topic, parts)
		if err != nil {
			return fmt.Errorf("once: high watermarks of %s: %w", topic, err)
		}
		s.mu.Lock()
		for i, p := range parts {
			s.offsets[topicPart{topic, p}] = cachedOffset{end: bs[i].End, at: at}
		}
		s.mu.Unlock()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, it := range items {
		if it.st == needClaim && !it.sent {
			it.hwm = s.offsets[topicPart{it.topic, it.part}].end
		}
	}
	return nil
}

func (s *Sink) partitions(ctx context.Context, topic string) (int, error) {
	now := s.cfg.now()
	s.mu.Lock()
	c, ok := s.parts[topic]
	s.mu.Unlock()
	if ok && now.Sub(c.at) < s.cfg.MetadataMaxAge {
		return c.n, nil
	}
	n, err := s.logr.Partitions(ctx, topic)
	if err != nil {
		return 0, fmt.Errorf("once: partitions of %s: %w", topic, err)
	}
	if n <= 0 {
		return 0, fmt.Errorf("once: topic %s has no partitions", topic)
	}
	s.mu.Lock()
	s.parts[topic] = cachedPartitions{n: n, at: now}
	s.mu.Unlock()
	return n, nil
}

// verify reads each partition of items from the smallest recorded watermark
// to its current end, looking for the items' stories. Found: confirm. Not
// found: produce (under this Write's lease, checked again before producing).
func (w *write) verify(ctx context.Context, items []*item) error {
	s := w.s
	groups := map[topicPart][]*item{}
	for _, it := range items {
		tp := topicPart{it.topic, it.part}
		groups[tp] = append(groups[tp], it)
	}
	for tp, group := range groups {
		bs, err := s.logr.Bounds(ctx, tp.topic, []int{tp.part})
		if err != nil {
			return fmt.Errorf("once: verify %s/%d: bounds: %w", tp.topic, tp.part, err)
		}
		b := bs[0]
		from := b.End
		want := map[string]*item{}
		for _, it := range group {
			h := it.hwm
			if h < b.Start || h > b.End { // -1, trimmed by retention, or a recreated topic
				h = b.Start
			}
			from = min(from, h)
			want[matchKey([]byte(it.out.StoryID), it.out.Revision)] = it
		}
		found := 0
		if from < b.End {
			err = s.logr.Scan(ctx, tp.topic, tp.part, from, b.End, func(r Record) bool {
				// A match anywhere in the range is on the log, which is all
				// that counts (one before the item's watermark means a
				// delivery whose done mark was lost).
				if it, ok := want[matchKey(r.Key, revisionOf(r))]; ok {
					if it.st == needVerify {
						it.st = needConfirm
						found++
					}
				}
				return found < len(group)
			})
			if err != nil {
				return fmt.Errorf("once: verify %s/%d [%d,%d): %w", tp.topic, tp.part, from, b.End, err)
			}
		}
		for _, it := range group {
			if it.st == needConfirm {
				s.c.verifyFound.Add(1)
			} else {
				it.st = needProduce
				s.c.verifyMissing.Add(1)
			}
		}
	}
	return nil
}

func matchKey(key []byte, rev int64) string {
	return strconv.FormatInt(rev, 10) + "/" + string(key)
}

// revisionOf is the revision header of a record (0 when absent).
func revisionOf(r Record) int64 {
	v := r.Header(HeaderRevision)
	if v == nil {
		return 0
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// produce produces items, one call per partition, partitions in parallel.
func (w *write) produce(ctx context.Context, items []*item) error {
	if len(items) == 0 {
		return nil
	}
	groups := map[topicPart][]*item{}
	for _, it := range items {
		tp := topicPart{it.topic, it.part}
		groups[tp] = append(groups[tp], it)
	}
	errs := make(chan error, len(groups))
	var wg sync.WaitGroup
	for tp, group := range groups {
		wg.Go(func() { errs <- w.producePartition(ctx, tp, group) })
	}
	wg.Wait()
	close(errs)
	var all []error
	for err := range errs {
		if err != nil {
			all = append(all, err)
		}
	}
	return errors.Join(all...)
}

func (w *write) producePartition(ctx context.Context, tp topicPart, items []*item) error {
	s := w.s
	unlock, err := s.lockPartition(ctx, tp)
	if err != nil {
		return fmt.Errorf("once: produce to %s/%d: %w", tp.topic, tp.part, err)
	}
	defer unlock()

	if s.cfg.beforeFence != nil {
		s.cfg.beforeFence(tp.topic, tp.part)
	}
	// Self-fence: produce only with enough lease left for the call and its
	// settling; extend (compare-and-set on the owner) or give the story up.
	items, err = w.fence(ctx, items)
	if err != nil || len(items) == 0 {
		return err
	}
	recs := make([]Record, len(items))
	for i, it := range items {
		recs[i] = recordOf(it.out)
	}
	pctx, cancel := context.WithTimeout(ctx, s.cfg.ProduceTimeout)
	t0 := s.cfg.now()
	perr := s.prod.Produce(pctx, tp.topic, tp.part, recs)
	t1 := s.cfg.now()
	cancel()
	if t1.Sub(t0) > s.cfg.ProduceTimeout+100*time.Millisecond {
		s.c.overruns.Add(1)
		s.cfg.Logger.Error("producer overran its time bound: exactly-once relies on it",
			zap.Duration("took", t1.Sub(t0)), zap.Duration("bound", s.cfg.ProduceTimeout))
	}
	var failed error
	for i, o := range outcomes(perr, len(items)) {
		it := items[i]
		it.attempts++
		switch o {
		case acked:
			it.st = needConfirm
			s.c.produced.Add(1)
			continue
		case notWritten:
			it.st = needProduce
			it.notBefore = t1.Add(s.cfg.BusyBackoff * time.Duration(1<<min(it.attempts, 6)))
			s.c.notWritten.Add(1)
		case uncertain:
			it.st = needVerify // after settling, read the log back
			it.inFlight = t1
			it.notBefore = t1.Add(s.cfg.SettleGrace)
			s.c.uncertain.Add(1)
		}
		if it.attempts >= s.cfg.MaxProduceAttempts {
			failed = fmt.Errorf("once: produce %d records to %s/%d, attempt %d: %w", len(items), tp.topic, tp.part, it.attempts, perr)
		}
	}
	return failed
}

// fence returns the items whose lease covers a produce now, extending those
// that are short; items whose lease was lost go back to claiming.
func (w *write) fence(ctx context.Context, items []*item) ([]*item, error) {
	s := w.s
	need := s.cfg.now().Add(s.cfg.fenceMargin())
	var short []*item
	var calls []*call
	for _, it := range items {
		if it.deadline.Before(need) {
			short = append(short, it)
			calls = append(calls, &call{Script: extendScript, Keys: []string{it.record, leaseKey(it.record)},
				Args: []any{w.token, s.cfg.Lease.Milliseconds()}})
		}
	}
	if len(short) == 0 {
		return items, nil
	}
	start := s.cfg.now()
	if err := s.run(ctx, calls, nil); err != nil {
		return nil, fmt.Errorf("once: extend %d leases: %w", len(short), err)
	}
	deadline := start.Add(time.Duration(float64(s.cfg.Lease) * (1 - s.cfg.ClockDrift)))
	lost := map[*item]bool{}
	for i, it := range short {
		if ok, _ := calls[i].Cmd.Int(); ok == 1 {
			it.deadline = deadline
			s.c.extended.Add(1)
			continue
		}
		// Another owner took the story over: it decides now. Claim again,
		// which waits for it (BUSY) or finds the story delivered.
		lost[it] = true
		it.st = needClaim
		it.sent = false
		s.c.fenced.Add(1)
	}
	if len(lost) == 0 {
		return items, nil
	}
	keep := items[:0:0]
	for _, it := range items {
		if !lost[it] {
			keep = append(keep, it)
		}
	}
	return keep, nil
}

// recordOf is the record of a story: keyed by the story id, with the story
// and revision headers that Verify and Rebuild look for.
func recordOf(o stage.Output) Record {
	h := make([]stage.Header, 0, len(o.Headers)+2)
	for _, x := range o.Headers {
		if x.Key != HeaderStory && x.Key != HeaderRevision {
			h = append(h, x)
		}
	}
	h = append(h, stage.Header{Key: HeaderStory, Value: []byte(o.StoryID)})
	if o.Revision > 0 {
		h = append(h, stage.Header{Key: HeaderRevision, Value: []byte(strconv.FormatInt(o.Revision, 10))})
	}
	return Record{Key: []byte(o.StoryID), Value: o.Value, Headers: h}
}

// confirm marks items delivered, in one pipeline.
func (w *write) confirm(ctx context.Context, items []*item) error {
	if len(items) == 0 {
		return nil
	}
	s := w.s
	calls := make([]*call, len(items))
	for i, it := range items {
		calls[i] = &call{Script: confirmScript, Keys: []string{it.record, leaseKey(it.record)},
			Args: []any{w.token, s.cfg.Window.Milliseconds()}}
	}
	if err := s.run(ctx, calls, nil); err != nil {
		return fmt.Errorf("once: confirm %d stories: %w", len(items), err)
	}
	for _, it := range items {
		it.st = finished
		s.c.confirmed.Add(1)
	}
	return nil
}

// abandon runs when a Write fails: every story it did not finish is left as
// an orphan for the next Write of this process to take over once settled,
// and leases with nothing in flight are released (best effort) so that
// other processes need not wait for them to lapse.
func (w *write) abandon() {
	s := w.s
	now := s.cfg.now()
	var release []*call
	s.mu.Lock()
	for _, it := range w.items {
		if it.st == finished || !it.sent {
			continue
		}
		settled := now
		if !it.inFlight.IsZero() {
			settled = it.inFlight.Add(s.cfg.SettleGrace)
		}
		s.orphans[it.record] = orphan{token: w.token, settled: settled}
		if !settled.After(now) {
			release = append(release, &call{Script: releaseScript, Keys: []string{leaseKey(it.record)}, Args: []any{w.token}})
		}
	}
	if len(s.orphans) > 100_000 { // bounded: entries older than a lease are useless
		for k, o := range s.orphans {
			if now.Sub(o.settled) > s.cfg.Lease {
				delete(s.orphans, k)
			}
		}
	}
	s.mu.Unlock()
	if len(release) > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = s.run(ctx, release, nil) // Redis may be what failed; leases lapse anyway
	}
}

func (s *Sink) orphan(record string) (orphan, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orphans[record]
	return o, ok
}

func (s *Sink) forget(record string) {
	s.mu.Lock()
	delete(s.orphans, record)
	s.mu.Unlock()
}

// lockPartition serialises this Sink's produce calls to one partition, so
// that nothing queues inside the producer behind another call: the time a
// produce call takes is then bounded by ProduceTimeout, which the lease
// check before it relies on.
func (s *Sink) lockPartition(ctx context.Context, tp topicPart) (func(), error) {
	s.mu.Lock()
	l, ok := s.locks[tp]
	if !ok {
		l = make(chan struct{}, 1)
		s.locks[tp] = l
	}
	s.mu.Unlock()
	select {
	case l <- struct{}{}:
		return func() { <-l }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// run sends calls (and extra commands) in one pipeline and counts it.
func (s *Sink) run(ctx context.Context, calls []*call, extra func(redis.Pipeliner)) error {
	s.c.redisRoundTrips.Add(1)
	return runCalls(ctx, s.rdb, calls, extra)
}

// checkStore runs when the store sentinel of topic is missing: on an empty
// topic (a fresh install) it creates the sentinel; otherwise Redis lost its
// data, and the Sink refuses to claim until Rebuild has run.
func (s *Sink) checkStore(ctx context.Context, topic string) error {
	n, err := s.partitions(ctx, topic)
	if err != nil {
		return err
	}
	parts := make([]int, n)
	for i := range parts {
		parts[i] = i
	}
	bs, err := s.logr.Bounds(ctx, topic, parts)
	if err != nil {
		return fmt.Errorf("once: check store of %s: %w", topic, err)
	}
	var records int64
	for _, b := range bs {
		records += b.End - b.Start
	}
	if records == 0 {
		s.c.redisRoundTrips.Add(1)
		if err := s.rdb.SetNX(ctx, storeKey(s.cfg.Prefix, topic), s.cfg.now().UTC().Format(time.RFC3339), 0).Err(); err != nil {
			return fmt.Errorf("once: create store sentinel of %s: %w", topic, err)
		}
		return nil
	}
	// Another Write may have found the topic empty, set the sentinel and
	// produced between our first look at the sentinel and the bounds: then
	// the store is in place, not lost.
	s.c.redisRoundTrips.Add(1)
	if n, err := s.rdb.Exists(ctx, storeKey(s.cfg.Prefix, topic)).Result(); err != nil {
		return fmt.Errorf("once: check store sentinel of %s: %w", topic, err)
	} else if n == 1 {
		return nil
	}
	if s.cfg.AutoRebuild {
		s.cfg.Logger.Warn("exactly-once store is empty but the topic is not: rebuilding it from the topic",
			zap.String("topic", topic), zap.Int64("records", records))
		st, err := Rebuild(ctx, s.rdb, s.logr, topic, RebuildOptions{Config: s.cfg})
		if err != nil {
			return fmt.Errorf("once: automatic rebuild of %s: %w", topic, err)
		}
		s.cfg.Logger.Info("exactly-once store rebuilt", zap.String("topic", topic), zap.Int64("stories", st.Stories))
		// Claims made before the rebuild are retried (and verified) by the
		// Runner's next Write.
		return fmt.Errorf("once: store of %s rebuilt; retrying: %w", topic, ErrStoreLost)
	}
	return fmt.Errorf("once: %w: topic %s holds %d records but the Redis store is empty; run `newsctl dedup-rebuild --topic %s` (or enable automatic rebuild)",
		ErrStoreLost, topic, records, topic)
}

// writePlain produces outputs that carry no story id, at least once.
func (s *Sink) writePlain(ctx context.Context, outs []stage.Output) error {
	groups := map[topicPart][]Record{}
	for _, o := range outs {
		n, err := s.partitions(ctx, o.Topic)
		if err != nil {
			return err
		}
		tp := topicPart{o.Topic, Partition(o.Key, n)}
		groups[tp] = append(groups[tp], Record{Key: o.Key, Value: o.Value, Headers: o.Headers})
	}
	for tp, recs := range groups {
		unlock, err := s.lockPartition(ctx, tp)
		if err != nil {
			return err
		}
		pctx, cancel := context.WithTimeout(ctx, s.cfg.ProduceTimeout)
		err = s.prod.Produce(pctx, tp.topic, tp.part, recs)
		cancel()
		unlock()
		if err != nil {
			return fmt.Errorf("once: produce %d unkeyed records to %s/%d: %w", len(recs), tp.topic, tp.part, err)
		}
		s.c.unkeyed.Add(int64(len(recs)))
	}
	return nil
}
