package stage

import (
	"context"
	"time"

	"github.com/segmentio/kafka-go"
	"golang.org/x/sync/semaphore"
)

// readAhead is how many records kafka-go's reader decodes ahead of the
// batcher per partition. It counts records, not bytes, so it is kept small:
// the reader still streams the next fetch while a batch is handled, and the
// byte budget (MaxInFlightBytes) bounds what batches hold.
const readAhead = 4

// recordFetcher is the part of *kafka.Reader a batcher uses.
type recordFetcher interface {
	FetchMessage(ctx context.Context) (kafka.Message, error)
}

// batcher cuts one partition's records into batches of at most max records
// that fit the runner-wide byte budget. A batch takes its first record as
// soon as the budget allows (waiting as long as ctx does) and more for at
// most wait; a record the budget cannot take now starts the next batch, so
// partitions never hold part of the budget while waiting for the rest.
type batcher struct {
	reader  recordFetcher
	budget  *semaphore.Weighted
	limit   int64 // the budget's size: a larger record weighs this much
	max     int
	wait    time.Duration
	pending *kafka.Message // fetched, not yet in a batch
}

// weight is what a record holds of the budget.
func (b *batcher) weight(m kafka.Message) int64 {
	n := int64(len(m.Key) + len(m.Value))
	for _, h := range m.Headers {
		n += int64(len(h.Key) + len(h.Value))
	}
	return min(max(n, 1), b.limit)
}

// next returns the next batch and the bytes of the budget it holds, which
// the caller releases once the batch is handled. An empty batch comes with
// the error that ended the wait (ctx's when it is done).
func (b *batcher) next(ctx context.Context) ([]kafka.Message, int64, error) {
	var first kafka.Message
	if b.pending != nil {
		first, b.pending = *b.pending, nil
	} else {
		m, err := b.reader.FetchMessage(ctx)
		if err != nil {
			return nil, 0, err
		}
		first = m
	}
	held := b.weight(first)
	if err := b.budget.Acquire(ctx, held); err != nil {
		b.pending = &first
		return nil, 0, err
	}
	batch := []kafka.Message{first}
	if b.max == 1 {
		return batch, held, nil
	}
	wctx, cancel := context.WithTimeout(ctx, b.wait)
	defer cancel()
	for len(batch) < b.max {
		m, err := b.reader.FetchMessage(wctx)
		if err != nil {
			break
		}
		w := b.weight(m)
		// TryAcquire also fails while another partition waits in Acquire:
		// the budget goes to waiting batches first, so none starves.
		if !b.budget.TryAcquire(w) {
			b.pending = &m
			break
		}
		batch = append(batch, m)
		held += w
	}
	return batch, held, nil
}
