package ratelimit_test

import (
	"context"
	"errors"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/newsflow/newsflow/pkg/fetch/ratelimit"
	"github.com/newsflow/newsflow/pkg/testenv"
)

func TestReserveSpacesSlots(t *testing.T) {
	mr := miniredis.RunT(t)
	mr.SetTime(time.Unix(1_800_000_000, 0)) // a frozen clock: the waits are exact
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	defer rdb.Close()
	l := ratelimit.New(rdb, ratelimit.Options{Prefix: "t:", MaxWait: 450 * time.Millisecond})
	ctx := context.Background()
	var waits []time.Duration
	for i := 0; i < 5; i++ {
		w, err := l.Reserve(ctx, "Example.com", 100*time.Millisecond)
		if err != nil {
			t.Fatalf("reserve %d: %v", i, err)
		}
		waits = append(waits, w)
	}
	for i, w := range waits {
		want := time.Duration(i) * 100 * time.Millisecond
		if w != want {
			t.Errorf("slot %d: wait %s, want about %s", i, w, want)
		}
	}
	// The sixth slot is 500ms away: over MaxWait, refused, nothing booked.
	w, err := l.Reserve(ctx, "example.com", 100*time.Millisecond)
	if !errors.Is(err, ratelimit.ErrBacklog) || w != 500*time.Millisecond {
		t.Fatalf("reserve past MaxWait: wait %s err %v", w, err)
	}
	// Another host has its own schedule.
	if w, err := l.Reserve(ctx, "other.example", 100*time.Millisecond); err != nil || w != 0 {
		t.Fatalf("other host: wait %s err %v", w, err)
	}
	// Time passes: the schedule catches up.
	mr.SetTime(time.Unix(1_800_000_000, 0).Add(450 * time.Millisecond))
	if w, err := l.Reserve(ctx, "example.com", 100*time.Millisecond); err != nil || w != 50*time.Millisecond {
		t.Fatalf("after 450ms: wait %s err %v, want 50ms", w, err)
	}
	// A zero interval never waits nor touches Redis.
	if w, err := l.Reserve(ctx, "example.com", 0); err != nil || w != 0 {
		t.Fatalf("zero interval: %s %v", w, err)
	}
}

// TestIntegrationSharedSchedule runs two limiters (two replicas) against
// the real redis-server and checks the granted slots of one host are
// spaced by the interval, whoever asked.
func TestIntegrationSharedSchedule(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test")
	}
	rdb, _ := testenv.Redis(t)
	prefix := testenv.Name("ratelimit") + ":"
	a := ratelimit.New(rdb, ratelimit.Options{Prefix: prefix, MaxWait: 10 * time.Second})
	b := ratelimit.New(rdb, ratelimit.Options{Prefix: prefix, MaxWait: 10 * time.Second})
	const interval = 50 * time.Millisecond
	var mu sync.Mutex
	var starts []time.Time
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		l := a
		if i%2 == 1 {
			l = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := l.Wait(context.Background(), "shared.test", interval); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			starts = append(starts, time.Now())
			mu.Unlock()
		}()
	}
	wg.Wait()
	sort.Slice(starts, func(i, j int) bool { return starts[i].Before(starts[j]) })
	span := starts[len(starts)-1].Sub(starts[0])
	if span < 19*interval-10*time.Millisecond {
		t.Fatalf("20 requests in %s, want at least %s", span, 19*interval)
	}
	for i := 1; i < len(starts); i++ {
		// Wake-up jitter of a few ms is allowed; a missing reservation is not.
		if gap := starts[i].Sub(starts[i-1]); gap < interval-15*time.Millisecond {
			t.Errorf("gap %d: %s, want about %s", i, gap, interval)
		}
	}
	t.Logf("20 slots over %s (interval %s) from two limiters", span, interval)
}

func TestWaitBooksAgainWhenWokenLate(t *testing.T) {
	mr := miniredis.RunT(t)
	base := time.Unix(1_800_000_000, 0)
	mr.SetTime(base)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	defer rdb.Close()
	l := ratelimit.New(rdb, ratelimit.Options{Prefix: "t:"})
	ctx := context.Background()
	if _, err := l.Reserve(ctx, "h", 100*time.Millisecond); err != nil { // slot at +0
		t.Fatal(err)
	}
	// The next slot is +100ms; this sleeper oversleeps by 80ms (starved),
	// so it must abandon that slot and take the one after.
	sleeps := 0
	ratelimit.SetSleep(l, func(_ context.Context, d time.Duration) error {
		sleeps++
		mr.SetTime(base.Add(time.Duration(sleeps) * 180 * time.Millisecond))
		time.Sleep(d + 80*time.Millisecond)
		return nil
	})
	if _, err := l.Wait(ctx, "h", 100*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if sleeps < 2 {
		t.Fatalf("slept %d times, want a second booking after waking late", sleeps)
	}
}
