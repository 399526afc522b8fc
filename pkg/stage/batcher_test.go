package stage

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"golang.org/x/sync/semaphore"
)

// records is a recordFetcher over a fixed list: it returns them in order,
// then blocks until ctx ends, as a reader at the end of its partition does.
type records struct{ ms []kafka.Message }

func (r *records) FetchMessage(ctx context.Context) (kafka.Message, error) {
	if len(r.ms) == 0 {
		<-ctx.Done()
		return kafka.Message{}, ctx.Err()
	}
	m := r.ms[0]
	r.ms = r.ms[1:]
	return m, nil
}

// sized returns records at offsets 0.. whose values have the given sizes.
func sized(sizes ...int) *records {
	r := &records{}
	for i, n := range sizes {
		r.ms = append(r.ms, kafka.Message{Offset: int64(i), Value: make([]byte, n)})
	}
	return r
}

func offsets(ms []kafka.Message) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.Offset
	}
	return out
}

func TestBatcherCutsBatchesByCountAndBudget(t *testing.T) {
	tests := []struct {
		name   string
		sizes  []int
		max    int
		budget int64
		want   [][]int64 // offsets per batch, each released before the next
	}{
		{"count", []int{10, 10, 10, 10, 10}, 2, 1000, [][]int64{{0, 1}, {2, 3}, {4}}},
		{"budget", []int{400, 400, 400, 100, 100}, 10, 1000, [][]int64{{0, 1}, {2, 3, 4}}},
		{"a record above the budget goes alone", []int{10, 5000, 10}, 10, 1000, [][]int64{{0}, {1}, {2}}},
		{"one per batch", []int{10, 10}, 1, 1000, [][]int64{{0}, {1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sem := semaphore.NewWeighted(tt.budget)
			b := newBatcher(context.Background(), sized(tt.sizes...), sem, tt.budget, tt.max, 20*time.Millisecond)
			defer b.close()
			for i, want := range tt.want {
				batch, held, err := b.next(context.Background())
				if err != nil {
					t.Fatalf("batch %d: %v", i, err)
				}
				if got := offsets(batch); !slices.Equal(got, want) {
					t.Fatalf("batch %d = offsets %v, want %v", i, got, want)
				}
				if held > tt.budget {
					t.Fatalf("batch %d holds %d bytes of a %d budget", i, held, tt.budget)
				}
				sem.Release(held)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			defer cancel()
			if batch, _, err := b.next(ctx); len(batch) != 0 || err == nil {
				t.Fatalf("after the last record: %v, %v; want no batch and ctx's error", offsets(batch), err)
			}
		})
	}
}

func TestBatcherWaitsForBudgetAndKeepsTheRecord(t *testing.T) {
	sem := semaphore.NewWeighted(1000)
	if !sem.TryAcquire(900) { // another partition's batch in hand
		t.Fatal("setup")
	}
	b := newBatcher(context.Background(), sized(500, 10), sem, 1000, 10, 50*time.Millisecond)
	defer b.close()

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if batch, _, err := b.next(ctx); len(batch) != 0 || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("over budget: got %v, %v; want no batch until the budget frees", offsets(batch), err)
	}

	done := make(chan []kafka.Message)
	go func() {
		batch, _, _ := b.next(context.Background())
		done <- batch
	}()
	select {
	case batch := <-done:
		t.Fatalf("got batch %v while the budget was taken", offsets(batch))
	case <-time.After(20 * time.Millisecond):
	}
	sem.Release(900)
	select {
	case batch := <-done:
		if got := offsets(batch); !slices.Equal(got, []int64{0, 1}) {
			t.Fatalf("after release: offsets %v, want [0 1] (the waiting record kept, in order)", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the batcher did not resume when the budget was released")
	}
}

func TestBatcherGivesWaitingPartitionsTheBudgetFirst(t *testing.T) {
	sem := semaphore.NewWeighted(1000)
	if !sem.TryAcquire(800) {
		t.Fatal("setup")
	}
	// Partition A waits for 600 bytes; partition B, with small records,
	// must not take the 200 free bytes ahead of it.
	a := newBatcher(context.Background(), sized(600), sem, 1000, 10, time.Millisecond)
	defer a.close()
	got := make(chan []kafka.Message)
	go func() {
		batch, _, _ := a.next(context.Background())
		got <- batch
	}()
	time.Sleep(20 * time.Millisecond) // let A queue in Acquire
	b := newBatcher(context.Background(), sized(50, 50, 50), sem, 1000, 10, time.Millisecond)
	defer b.close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if batch, _, _ := b.next(ctx); len(batch) != 0 {
		t.Fatalf("partition B took %v ahead of waiting partition A", offsets(batch))
	}
	sem.Release(800)
	if batch := <-got; len(batch) != 1 {
		t.Fatalf("partition A got %v", offsets(batch))
	}
}

func TestBatcherPrefetchesTheNextBatchAndCloseGivesTheBudgetBack(t *testing.T) {
	sem := semaphore.NewWeighted(1000)
	b := newBatcher(context.Background(), sized(100, 100, 100, 100, 100, 100, 100, 100, 100, 100), sem, 1000, 3, 20*time.Millisecond)
	batch, held, err := b.next(context.Background())
	if err != nil || !slices.Equal(offsets(batch), []int64{0, 1, 2}) || held != 300 {
		t.Fatalf("first batch %v holding %d (%v), want [0 1 2] holding 300", offsets(batch), held, err)
	}
	// While the first batch is in hand the next one is fetched ahead and
	// handed over at once, without waiting for the reader.
	deadline := time.Now().Add(5 * time.Second)
	for len(b.ready) < 3 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	second, held2, err := b.next(ctx)
	if err != nil || !slices.Equal(offsets(second), []int64{3, 4, 5}) {
		t.Fatalf("second batch %v (%v), want [3 4 5]", offsets(second), err)
	}
	b.close()
	// Everything prefetched and not in a batch is released by close; the
	// two batches' bytes are still held by their handler.
	if !sem.TryAcquire(1000 - held - held2) {
		t.Fatal("close kept budget of records no batch took")
	}
	sem.Release(1000 - held - held2)
	if sem.TryAcquire(1000 - held - held2 + 1) {
		t.Fatal("the batches' bytes were released by close")
	}
}
