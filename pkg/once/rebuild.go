package once

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
)

// RebuildOptions tune Rebuild.
type RebuildOptions struct {
	// Config gives the key prefix, the window and the lease (defaults as for
	// a Sink).
	Config Config
	// SettleWait is how long Rebuild waits before reading the topic's end
	// (default: Config.Lease; negative: no wait). Claims taken before Redis
	// lost its data may still produce for up to one lease; their records
	// must be on the log before it is read.
	SettleWait time.Duration
	// Progress, if set, is called after each partition.
	Progress func(partition int, records int64)
}

// RebuildStats say what Rebuild found.
type RebuildStats struct {
	// Records read from the topic.
	Records int64
	// Stories marked delivered (records within the window).
	Stories int64
	// Older records, beyond the window, skipped.
	Skipped int64
}

// Rebuild refills the exactly-once store of topic from the topic itself,
// after Redis lost its data: every story on the topic within the window is
// marked delivered, then the store sentinel is set and Sinks claim again.
// The Kafka log is the source of truth; Redis is a cache of it.
//
// One process rebuilds at a time (a lock in Redis); others wait for it. Sinks
// refuse to claim until the sentinel is back, so nothing is produced while the
// store is incomplete (except by Writes that claimed before the loss, which
// the settle wait covers).
func Rebuild(ctx context.Context, rdb redis.UniversalClient, logr LogReader, topic string, o RebuildOptions) (RebuildStats, error) {
	cfg := o.Config.withDefaults()
	var st RebuildStats
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return st, err
	}
	token, lockKey := hex.EncodeToString(b[:]), rebuildLockKey(cfg.Prefix, topic)
	const lockTTL = 2 * time.Minute
	for {
		ok, err := rdb.SetNX(ctx, lockKey, token, lockTTL).Result()
		if err != nil {
			return st, fmt.Errorf("rebuild %s: lock: %w", topic, err)
		}
		if ok {
			break
		}
		// Someone else rebuilds: wait for the sentinel.
		if n, err := rdb.Exists(ctx, storeKey(cfg.Prefix, topic)).Result(); err == nil && n == 1 {
			return st, nil
		}
		if err := sleepUntil(ctx, time.Now, time.Now().Add(time.Second)); err != nil {
			return st, fmt.Errorf("rebuild %s: waiting for another rebuild: %w", topic, err)
		}
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		_ = releaseScript.Run(ctx, rdb, []string{lockKey}, token).Err()
	}()

	wait := o.SettleWait
	if wait == 0 {
		wait = cfg.Lease
	}
	if wait > 0 {
		cfg.Logger.Info("rebuild: waiting for claims taken before the loss to settle", zap.String("topic", topic), zap.Duration("wait", wait))
		if err := sleepUntil(ctx, time.Now, time.Now().Add(wait)); err != nil {
			return st, fmt.Errorf("rebuild %s: %w", topic, err)
		}
	}
	n, err := logr.Partitions(ctx, topic)
	if err != nil {
		return st, fmt.Errorf("rebuild %s: partitions: %w", topic, err)
	}
	parts := make([]int, n)
	for i := range parts {
		parts[i] = i
	}
	bounds, err := logr.Bounds(ctx, topic, parts)
	if err != nil {
		return st, fmt.Errorf("rebuild %s: bounds: %w", topic, err)
	}
	now := cfg.now()
	lastLock := time.Now()
	var calls []*call
	flush := func() error {
		if len(calls) == 0 {
			return nil
		}
		if time.Since(lastLock) > lockTTL/4 {
			if err := rdb.PExpire(ctx, lockKey, lockTTL).Err(); err != nil {
				return fmt.Errorf("refresh lock: %w", err)
			}
			lastLock = time.Now()
		}
		err := runCalls(ctx, rdb, calls, nil)
		calls = calls[:0]
		return err
	}
	for p, bd := range bounds {
		var before = st.Records
		var ferr error
		err := logr.Scan(ctx, topic, p, bd.Start, bd.End, func(r Record) bool {
			st.Records++
			story := string(r.Header(HeaderStory))
			if story == "" {
				story = string(r.Key)
			}
			ttl := cfg.Window
			if !r.Time.IsZero() {
				ttl -= now.Sub(r.Time)
			}
			if story == "" || ttl <= 0 {
				st.Skipped++
				return true
			}
			rev := revisionOf(r)
			if rev < 0 {
				st.Skipped++
				return true
			}
			calls = append(calls, &call{Script: markDoneScript, Keys: []string{recordKey(cfg.Prefix, topic, story, rev)},
				Args: []any{p, max(ttl.Milliseconds(), 1)}})
			st.Stories++
			if len(calls) >= 500 {
				if ferr = flush(); ferr != nil {
					return false
				}
			}
			return true
		})
		if err == nil {
			err = ferr
		}
		if err == nil {
			err = flush()
		}
		if err != nil {
			return st, fmt.Errorf("rebuild %s: partition %d: %w", topic, p, err)
		}
		if o.Progress != nil {
			o.Progress(p, st.Records-before)
		}
	}
	if err := rdb.Set(ctx, storeKey(cfg.Prefix, topic), now.UTC().Format(time.RFC3339), 0).Err(); err != nil {
		return st, fmt.Errorf("rebuild %s: set store sentinel: %w", topic, err)
	}
	return st, nil
}

// StoreStatus says whether the store of topic is in place: its sentinel
// exists. A Sink creates it on an empty topic and Rebuild after a loss.
func StoreStatus(ctx context.Context, rdb redis.UniversalClient, prefix, topic string) (bool, error) {
	if prefix == "" {
		prefix = Config{}.withDefaults().Prefix
	}
	err := rdb.Get(ctx, storeKey(prefix, topic)).Err()
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, redis.Nil):
		return false, nil
	}
	return false, err
}

// CheckRedis reports settings of the Redis server under the store that void
// the protocol's guarantees: an eviction policy other than noeviction (an
// evicted claim or done record makes a story deliverable twice) and no
// persistence at all (a restart loses every record; the Sink then refuses to
// claim until Rebuild). Servers that refuse CONFIG (managed services) are
// not checked. Call it at start and log what it returns.
func CheckRedis(ctx context.Context, rdb redis.UniversalClient) error {
	get := func(name string) (string, bool) {
		m, err := rdb.ConfigGet(ctx, name).Result()
		if err != nil {
			return "", false
		}
		v, ok := m[name]
		return v, ok
	}
	var problems []error
	if v, ok := get("maxmemory-policy"); ok && v != "noeviction" {
		problems = append(problems, fmt.Errorf("maxmemory-policy is %s: use noeviction, or Redis may evict exactly-once records", v))
	}
	aof, ok1 := get("appendonly")
	save, ok2 := get("save")
	if ok1 && ok2 && aof != "yes" && save == "" {
		problems = append(problems, errors.New("neither appendonly nor save is on: a Redis restart loses the exactly-once store"))
	}
	return errors.Join(problems...)
}
