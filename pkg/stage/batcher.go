package stage

import (
	"context"
	"time"

	"github.com/segmentio/kafka-go"
	"golang.org/x/sync/semaphore"
)

// readAhead is how many records kafka-go's reader decodes ahead of the
// batcher's own prefetch per partition. kafka-go counts records, not bytes,
// so it is kept small; the batcher's prefetch, bounded by the byte budget,
// is what keeps the next batch ready while one is handled.
const readAhead = 4

// recordFetcher is the part of *kafka.Reader a batcher uses.
type recordFetcher interface {
	FetchMessage(ctx context.Context) (kafka.Message, error)
}

// weighed is a prefetched record and the bytes of the budget it holds.
type weighed struct {
	m kafka.Message
	w int64
}

// batcher cuts one partition's records into batches of at most max records.
// A pump goroutine fetches records ahead of the batches, each as soon as the
// runner-wide byte budget (MaxInFlightBytes, shared by every partition) has
// room for it and at most max of them: so while a batch is handled the next
// one is already in memory, yet all partitions together never hold more
// than the budget, however many a replica is given. Why not kafka-go's own
// read-ahead (QueueCapacity): it counts records, and 25 records of 2 MiB
// pages read ahead per partition is what made the cleaner's memory grow with
// its partitions.
type batcher struct {
	reader recordFetcher
	budget *semaphore.Weighted
	limit  int64 // the budget's size: a larger record weighs this much
	max    int
	wait   time.Duration

	ready  chan weighed  // prefetched, budget held
	done   chan struct{} // closed when the pump stops; err says why
	err    error
	cancel context.CancelFunc
}

// newBatcher starts prefetching from reader until ctx ends or close.
func newBatcher(ctx context.Context, reader recordFetcher, budget *semaphore.Weighted, limit int64, max int, wait time.Duration) *batcher {
	ctx, cancel := context.WithCancel(ctx)
	b := &batcher{reader: reader, budget: budget, limit: limit, max: max, wait: wait,
		ready: make(chan weighed, max), done: make(chan struct{}), cancel: cancel}
	go b.pump(ctx)
	return b
}

// weight is what a record holds of the budget.
func (b *batcher) weight(m kafka.Message) int64 {
	n := int64(len(m.Key) + len(m.Value))
	for _, h := range m.Headers {
		n += int64(len(h.Key) + len(h.Value))
	}
	return min(max(n, 1), b.limit)
}

func (b *batcher) pump(ctx context.Context) {
	defer close(b.done)
	for {
		m, err := b.reader.FetchMessage(ctx)
		if err != nil {
			b.err = err
			return
		}
		w := b.weight(m)
		// Acquire queues in order: a partition waiting for a large record
		// is served before later, smaller requests, so none starves.
		if err := b.budget.Acquire(ctx, w); err != nil {
			b.err = err
			return
		}
		select {
		case b.ready <- weighed{m, w}:
		case <-ctx.Done():
			b.budget.Release(w)
			b.err = ctx.Err()
			return
		}
	}
}

// next returns the next batch and the bytes of the budget it holds, which
// the caller releases once the batch is handled. It waits for the first
// record as long as ctx allows, then takes what is prefetched and waits at
// most b.wait for more. An empty batch comes with the error that ended the
// wait: ctx's, or the reader's once the pump has stopped.
func (b *batcher) next(ctx context.Context) ([]kafka.Message, int64, error) {
	var first weighed
	select {
	case first = <-b.ready:
	case <-ctx.Done():
		return nil, 0, ctx.Err()
	case <-b.done:
		select {
		case first = <-b.ready:
		default:
			return nil, 0, b.err
		}
	}
	batch, held := []kafka.Message{first.m}, first.w
	if len(batch) == b.max {
		return batch, held, nil
	}
	timer := time.NewTimer(b.wait)
	defer timer.Stop()
	for len(batch) < b.max {
		select { // what is prefetched first, without waiting
		case x := <-b.ready:
			batch, held = append(batch, x.m), held+x.w
			continue
		default:
		}
		select {
		case x := <-b.ready:
			batch, held = append(batch, x.m), held+x.w
		case <-timer.C:
			return batch, held, nil
		case <-ctx.Done():
			return batch, held, nil
		case <-b.done:
			return batch, held, nil
		}
	}
	return batch, held, nil
}

// close stops the pump and gives back the budget of what it prefetched and
// no batch took; those records are fetched again by the partition's next
// owner (their offsets were never committed).
func (b *batcher) close() {
	b.cancel()
	<-b.done
	for {
		select {
		case x := <-b.ready:
			b.budget.Release(x.w)
		default:
			return
		}
	}
}
