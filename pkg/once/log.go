package once

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/newsflow/newsflow/pkg/stage"
)

// Headers the Sink adds to every record it produces; Verify and Rebuild
// recognise a story's record by its key (the story id) and the revision.
const (
	HeaderStory    = "newsflow-story"
	HeaderRevision = "newsflow-revision"
)

// Record is one record of an output partition.
type Record struct {
	Key     []byte
	Value   []byte
	Headers []stage.Header
	// Offset and Time are set on records read back by a LogReader.
	Offset int64
	Time   time.Time
}

// Header returns the value of the first header named key, or nil.
func (r Record) Header(key string) []byte {
	for _, h := range r.Headers {
		if h.Key == key {
			return h.Value
		}
	}
	return nil
}

// Producer appends records to one partition. The Sink calls it for one
// partition at a time (never concurrently for the same partition), with
// records whose partition was fixed at claim time.
//
// Contract, on which the protocol's safety rests:
//   - Produce returns within Config.ProduceTimeout, and once it has returned
//     nothing of the call is sent any more (no client-side retries, no queue
//     left behind). A request already sent may still be appended by the
//     broker within Config.SettleGrace after the return; never later.
//   - nil means every record was acknowledged by all in-sync replicas.
//   - An error that wraps ErrNotWritten means none of the records was
//     appended (refused before sending, or rejected by the broker).
//   - A *RecordErrors tells the outcome per record (nil: acknowledged).
//   - Any other error is uncertain: each record may or may not be on the log.
type Producer interface {
	Produce(ctx context.Context, topic string, partition int, recs []Record) error
}

// Bounds are the first offset and the high watermark (the offset the next
// record will get) of a partition.
type Bounds struct {
	Start, End int64
}

// LogReader reads output partitions back, for Verify and Rebuild.
type LogReader interface {
	// Partitions returns the partition count of topic.
	Partitions(ctx context.Context, topic string) (int, error)
	// Bounds returns the bounds of the given partitions of topic, in order.
	Bounds(ctx context.Context, topic string, partitions []int) ([]Bounds, error)
	// Scan calls fn for each record of topic/partition with an offset in
	// [from, to), in offset order (records removed by compaction or
	// retention are skipped), until fn returns false.
	Scan(ctx context.Context, topic string, partition int, from, to int64, fn func(Record) bool) error
}

// ErrNotWritten marks produce errors after which no record is on the log.
var ErrNotWritten = errors.New("not written")

// NotWritten wraps err with ErrNotWritten.
func NotWritten(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrNotWritten, err)
}

// RecordErrors are the outcomes of a Produce call per record, in order; a nil
// entry is an acknowledged record.
type RecordErrors []error

func (e RecordErrors) Error() string {
	n, first := 0, error(nil)
	for _, err := range e {
		if err != nil {
			if n == 0 {
				first = err
			}
			n++
		}
	}
	return fmt.Sprintf("%d of %d records failed, first: %v", n, len(e), first)
}

// outcome of one record of a Produce call.
type outcome uint8

const (
	acked outcome = iota
	notWritten
	uncertain
)

func outcomes(err error, n int) []outcome {
	out := make([]outcome, n)
	if err == nil {
		return out
	}
	var re RecordErrors
	if errors.As(err, &re) && len(re) == n {
		for i, e := range re {
			out[i] = classify(e)
		}
		return out
	}
	c := classify(err)
	for i := range out {
		out[i] = c
	}
	return out
}

func classify(err error) outcome {
	switch {
	case err == nil:
		return acked
	case errors.Is(err, ErrNotWritten):
		return notWritten
	}
	return uncertain
}
