// Package ratelimit spaces requests to each host across every fetcher
// replica, through Redis.
//
// The algorithm is GCRA (the generic cell rate algorithm) with a burst of
// one, run as reservations: one Lua script reads the host's "theoretical
// arrival time" (TAT), hands the caller the slot at max(TAT, now) and moves
// TAT one interval on, atomically. Chosen over a token bucket because:
//   - one number per host (a token bucket needs two: tokens and refill time);
//   - reservations instead of try-and-retry: each caller learns exactly how
//     long to sleep for its own slot, so replicas never poll Redis in a loop
//     and requests to a host are served in order of asking;
//   - the interval is an argument of each call, so a robots.txt Crawl-delay
//     that differs per host needs no stored configuration;
//   - the time is Redis's own clock (TIME), so replicas whose clocks drift
//     still share one schedule.
//
// Libraries such as go-redis/redis_rate implement GCRA as allow/deny with a
// retry-after; this package needs reservation semantics, which is a few
// lines of Lua.
package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// reserve is GCRA with burst 1. KEYS[1]: the host's TAT key. ARGV[1]: the
// interval in microseconds. ARGV[2]: the longest wait accepted, in
// microseconds. Returns {wait_us, 1} for a reserved slot, {wait_us, 0} when
// the wait would be longer than accepted (nothing reserved).
var reserve = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local maxwait = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local wait = tat - now
if wait > maxwait then return {wait, 0} end
local nexttat = tat + interval
redis.call('SET', KEYS[1], string.format('%.0f', nexttat), 'PX', math.ceil((nexttat - now) / 1000) + 1000)
return {wait, 1}
`)

// ErrBacklog is returned when a host's queue is longer than the limiter's
// MaxWait: nothing was reserved; try again later.
var ErrBacklog = errors.New("per-host rate limit backlog")

// Limiter reserves request slots per host.
type Limiter struct {
	rdb     redis.UniversalClient
	prefix  string
	maxWait time.Duration
	sleep   func(ctx context.Context, d time.Duration) error
}

// Options tune a Limiter.
type Options struct {
	// Prefix of the Redis keys (default "newsflow:fetch:").
	Prefix string
	// MaxWait is the longest a caller waits for its slot (default 1m);
	// beyond it Wait returns ErrBacklog without reserving.
	MaxWait time.Duration
}

// New returns a Limiter over rdb.
func New(rdb redis.UniversalClient, o Options) *Limiter {
	if o.Prefix == "" {
		o.Prefix = "newsflow:fetch:"
	}
	if o.MaxWait <= 0 {
		o.MaxWait = time.Minute
	}
	return &Limiter{rdb: rdb, prefix: o.Prefix, maxWait: o.MaxWait, sleep: sleepCtx}
}

// Reserve books the next slot for host at the given spacing and returns
// how long to wait for it. It does not sleep.
func (l *Limiter) Reserve(ctx context.Context, host string, interval time.Duration) (time.Duration, error) {
	if interval <= 0 {
		return 0, nil
	}
	key := l.prefix + "rate:{" + strings.ToLower(host) + "}"
	res, err := reserve.Run(ctx, l.rdb, []string{key}, interval.Microseconds(), l.maxWait.Microseconds()).Int64Slice()
	if err != nil {
		return 0, fmt.Errorf("rate limit %s: %w", host, err)
	}
	if len(res) != 2 {
		return 0, fmt.Errorf("rate limit %s: unexpected script answer %v", host, res)
	}
	wait := time.Duration(res[0]) * time.Microsecond
	if res[1] == 0 {
		return wait, fmt.Errorf("%w: %s is booked %s ahead (limit %s)", ErrBacklog, host, wait.Round(time.Millisecond), l.maxWait)
	}
	return wait, nil
}

// maxLateRetries bounds how often Wait books a new slot because it woke up
// too late for the one it had.
const maxLateRetries = 5

// Wait reserves the next slot for host and sleeps until it. It returns the
// time waited.
//
// A process that wakes up late (CPU starvation, a GC pause) would send its
// request close to the next slot's and squeeze two requests together; a
// slot missed by more than a quarter interval is therefore abandoned (it
// stays used: the host sees fewer requests, never more) and a new one is
// booked.
func (l *Limiter) Wait(ctx context.Context, host string, interval time.Duration) (time.Duration, error) {
	var slept time.Duration
	for try := 0; ; try++ {
		wait, err := l.Reserve(ctx, host, interval)
		if err != nil {
			return slept, err
		}
		slot := time.Now().Add(wait)
		if wait > 0 {
			if err := l.sleep(ctx, wait); err != nil {
				return slept, fmt.Errorf("wait %s for %s: %w", wait, host, err)
			}
			slept += wait
		}
		if time.Since(slot) <= interval/4 || try >= maxLateRetries {
			return slept, nil
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
