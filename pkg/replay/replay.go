// Package replay re-publishes a time range of a topic into a stage's input,
// throttled, resumable and visible, without touching any consumer group's
// offsets.
//
// Gap fill (the default) re-sends records unchanged but for a newsflow-replay
// header: stories already delivered are dropped by the stages' exactly-once
// sinks, missing ones flow. Reprocess adds a newsflow-revision header: the
// stages emit the story as that revision, and their claims are keyed by story
// and revision, so consumers of the compacted news.enriched receive each story
// once more, as the new revision, however often the same replay is run.
//
// Progress is checkpointed per partition after every acknowledged batch, so
// a replay killed at any point resumes (newsctl replay --resume ID) without
// skipping anything; a batch sent but not checkpointed is sent again and the
// dedup of the stage drops it.
package replay

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/segmentio/kafka-go"
	"golang.org/x/time/rate"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/stage"
)

// HeaderRevision carries the story revision a reprocess replay asks for.
const HeaderRevision = "newsflow-revision"

// Spec is what to replay.
type Spec struct {
	// Source is the topic read; Target the topic written (default Source).
	Source, Target string
	// From and To bound the record timestamps; a zero To means the end of
	// each partition when the replay is planned.
	From, To time.Time
	// Partitions limits the replay (empty: all).
	Partitions []int
	// Rate is the most records per second (0: unlimited); RateBytes the most
	// value bytes per second (0: unlimited).
	Rate, RateBytes float64
	// Reprocess makes the stages emit a new revision of each story.
	Reprocess bool
	// Revision is set by Plan for a reprocess replay.
	Revision int64
}

// Range is the part of one partition a replay covers: [Start, End), with
// Next the first offset not yet acknowledged on the target.
type Range struct {
	Partition        int
	Start, End, Next int64
}

// State is a planned replay and its progress; it is what the Store keeps.
type State struct {
	ID      string
	Spec    Spec
	Ranges  []Range
	Created time.Time
	Done    bool
}

// Total is the number of offsets the replay covers.
func (s *State) Total() int64 {
	var n int64
	for _, r := range s.Ranges {
		n += r.End - r.Start
	}
	return n
}

// Sent is the number of offsets acknowledged so far.
func (s *State) Sent() int64 {
	var n int64
	for _, r := range s.Ranges {
		n += r.Next - r.Start
	}
	return n
}

// NewID returns a fresh replay id: r-<date>-<random>.
func NewID(now time.Time) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return "r-" + now.UTC().Format("20060102") + "-" + hex.EncodeToString(b[:])
}

// Plan finds the offsets of spec's time range on every partition: the first
// offset at or after From, and the first at or after To (or the end).
func Plan(ctx context.Context, c *kafka.Client, id string, spec Spec) (*State, error) {
	if spec.Source == "" {
		return nil, errors.New("replay: no source topic")
	}
	if spec.Target == "" {
		spec.Target = spec.Source
	}
	if !spec.To.IsZero() && !spec.To.After(spec.From) {
		return nil, fmt.Errorf("replay: --to %s is not after --from %s", spec.To.Format(time.RFC3339), spec.From.Format(time.RFC3339))
	}
	md, err := c.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{spec.Source}})
	if err != nil {
		return nil, fmt.Errorf("metadata of %s: %w", spec.Source, err)
	}
	all := map[int]bool{}
	for _, t := range md.Topics {
		if t.Name == spec.Source && t.Error != nil {
			return nil, fmt.Errorf("topic %s: %w", spec.Source, t.Error)
		}
		for _, p := range t.Partitions {
			all[p.ID] = true
		}
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("topic %s does not exist", spec.Source)
	}
	parts := spec.Partitions
	if len(parts) == 0 {
		for p := range all {
			parts = append(parts, p)
		}
	}
	sort.Ints(parts)
	for _, p := range parts {
		if !all[p] {
			return nil, fmt.Errorf("topic %s has no partition %d", spec.Source, p)
		}
	}
	// One ListOffsets call per kind of request: brokers refuse two requests
	// for the same partition in one call.
	ask := func(kind string, req func(p int) kafka.OffsetRequest) (map[int]kafka.PartitionOffsets, error) {
		var reqs []kafka.OffsetRequest
		for _, p := range parts {
			reqs = append(reqs, req(p))
		}
		resp, err := c.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{spec.Source: reqs}})
		if err != nil {
			return nil, fmt.Errorf("list %s offsets of %s: %w", kind, spec.Source, err)
		}
		out := map[int]kafka.PartitionOffsets{}
		for _, po := range resp.Topics[spec.Source] {
			if po.Error != nil {
				return nil, fmt.Errorf("%s offsets of %s/%d: %w", kind, spec.Source, po.Partition, po.Error)
			}
			out[po.Partition] = po
		}
		return out, nil
	}
	firsts, err := ask("first", kafka.FirstOffsetOf)
	if err != nil {
		return nil, err
	}
	lasts, err := ask("last", kafka.LastOffsetOf)
	if err != nil {
		return nil, err
	}
	froms, err := ask("from", func(p int) kafka.OffsetRequest { return kafka.TimeOffsetOf(p, spec.From) })
	if err != nil {
		return nil, err
	}
	tos := lasts
	if !spec.To.IsZero() {
		if tos, err = ask("to", func(p int) kafka.OffsetRequest { return kafka.TimeOffsetOf(p, spec.To) }); err != nil {
			return nil, err
		}
	}
	st := &State{ID: id, Spec: spec, Created: time.Now().UTC()}
	for _, p := range parts {
		first, last := firsts[p].FirstOffset, lasts[p].LastOffset
		start := max(timeAnswer(froms[p], last), first)
		end := last
		if !spec.To.IsZero() {
			end = min(timeAnswer(tos[p], last), last)
		}
		end = max(end, start)
		st.Ranges = append(st.Ranges, Range{Partition: p, Start: start, End: end, Next: start})
	}
	return st, nil
}

// timeAnswer returns the offset a by-time request found; -1 (no record at
// or after the time) means the end of the log.
func timeAnswer(po kafka.PartitionOffsets, end int64) int64 {
	for off := range po.Offsets {
		if off >= 0 {
			return off
		}
	}
	return end
}

// Store keeps replay states so that a replay can resume.
type Store interface {
	Save(ctx context.Context, st *State) error
	Load(ctx context.Context, id string) (*State, error)
}

// Progress is told how far a replay is.
type Progress interface {
	Update(sent, total int64)
}

// Runner copies planned ranges to the target topic.
type Runner struct {
	bc       broker.Config
	store    Store
	progress Progress
	sink     stage.Sink
}

// NewRunner returns a Runner writing through sink (a stage.KafkaSink on bc
// when nil) and checkpointing to store.
func NewRunner(bc broker.Config, store Store, sink stage.Sink, progress Progress) *Runner {
	return &Runner{bc: bc, store: store, sink: sink, progress: progress}
}

// Run sends what is left of st, checkpointing after every acknowledged
// batch. It returns when every range is done or ctx ends (st is then
// resumable).
func (r *Runner) Run(ctx context.Context, st *State) error {
	sink := r.sink
	if sink == nil {
		ks := stage.NewKafkaSink(r.bc, stage.SinkOptions{})
		defer ks.Close()
		sink = ks
	}
	batch := 100
	var lim *rate.Limiter
	if st.Spec.Rate > 0 {
		batch = int(max(1, min(100, st.Spec.Rate/20)))
		lim = rate.NewLimiter(rate.Limit(st.Spec.Rate), batch)
		lim.AllowN(time.Now(), batch) // start empty: no initial burst
	}
	var blim *rate.Limiter
	if st.Spec.RateBytes > 0 {
		blim = rate.NewLimiter(rate.Limit(st.Spec.RateBytes), int(max(st.Spec.RateBytes, 16<<20)))
		blim.AllowN(time.Now(), int(max(st.Spec.RateBytes, 16<<20)))
	}
	for i := range st.Ranges {
		if err := r.runRange(ctx, st, i, batch, lim, blim, sink); err != nil {
			return err
		}
	}
	st.Done = true
	if err := r.store.Save(ctx, st); err != nil {
		return fmt.Errorf("save replay %s: %w", st.ID, err)
	}
	return nil
}

func (r *Runner) runRange(ctx context.Context, st *State, i, batch int, lim, blim *rate.Limiter, sink stage.Sink) error {
	rg := &st.Ranges[i]
	if rg.Next >= rg.End {
		return nil
	}
	reader := kafka.NewReader(kafka.ReaderConfig{Brokers: r.bc.Brokers, Dialer: r.bc.Dialer(), Topic: st.Spec.Source,
		Partition: rg.Partition, MaxBytes: 16 << 20, MaxWait: 250 * time.Millisecond})
	defer reader.Close()
	if err := reader.SetOffset(rg.Next); err != nil {
		return fmt.Errorf("seek %s/%d to %d: %w", st.Spec.Source, rg.Partition, rg.Next, err)
	}
	for rg.Next < rg.End {
		var outs []stage.Output
		var last int64 = -1
		bytes := 0
		for len(outs) < batch {
			m, err := reader.FetchMessage(ctx)
			if err != nil {
				return fmt.Errorf("read %s/%d at %d: %w", st.Spec.Source, rg.Partition, rg.Next, err)
			}
			if m.Offset >= rg.End {
				break
			}
			last = m.Offset
			outs = append(outs, r.replayed(st, m))
			bytes += len(m.Value)
			if m.Offset >= rg.End-1 {
				break
			}
		}
		if last < 0 {
			rg.Next = rg.End
			break
		}
		if lim != nil {
			if err := lim.WaitN(ctx, len(outs)); err != nil {
				return err
			}
		}
		if blim != nil {
			if err := blim.WaitN(ctx, min(bytes, blim.Burst())); err != nil {
				return err
			}
		}
		if err := sink.Write(ctx, outs); err != nil {
			return fmt.Errorf("write %d records to %s: %w", len(outs), st.Spec.Target, err)
		}
		rg.Next = last + 1
		if err := r.store.Save(ctx, st); err != nil {
			return fmt.Errorf("checkpoint replay %s: %w", st.ID, err)
		}
		if r.progress != nil {
			r.progress.Update(st.Sent(), st.Total())
		}
	}
	return r.store.Save(ctx, st)
}

// replayed copies a record for the target: same key and value, headers kept
// but for the replay headers, which are set anew.
func (r *Runner) replayed(st *State, m kafka.Message) stage.Output {
	o := stage.Output{Topic: st.Spec.Target, Key: m.Key, Value: m.Value}
	for _, h := range m.Headers {
		if h.Key == stage.HeaderReplay || h.Key == HeaderRevision {
			continue
		}
		o.Headers = append(o.Headers, stage.Header{Key: h.Key, Value: h.Value})
	}
	o.Headers = append(o.Headers, stage.Header{Key: stage.HeaderReplay, Value: []byte(st.ID)})
	if st.Spec.Reprocess {
		o.Headers = append(o.Headers, stage.Header{Key: HeaderRevision, Value: []byte(strconv.FormatInt(st.Spec.Revision, 10))})
	}
	return o
}

// RevisionOf returns the revision a reprocess replay asks of a stage input,
// or 0 when the input carries none.
func RevisionOf(in stage.Input) int64 {
	v := in.Header(HeaderRevision)
	if v == nil {
		return 0
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil || n < 1 {
		return 0
	}
	return n
}
