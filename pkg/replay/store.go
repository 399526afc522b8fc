package replay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// ErrNotFound is returned by Load for an unknown replay id.
var ErrNotFound = errors.New("replay not found")

// DefaultPrefix is the default prefix of a RedisStore's keys.
const DefaultPrefix = "newsflow:replay:"

// RedisStore keeps replay states in Redis as JSON, for 30 days, and the
// revisions of reprocess replays. Keys (prefix DefaultPrefix by default):
//
//	<prefix>{<replay id>}          replay state (JSON), 30 days
//	<prefix>revision:{<key>}       revision of a reprocess replay of key
//	<prefix>revision-counter       the highest revision handed out, minus one
type RedisStore struct {
	rdb    redis.UniversalClient
	ttl    time.Duration
	prefix string
}

// StoreOption tunes a RedisStore.
type StoreOption func(*RedisStore)

// WithPrefix sets the prefix of the store's keys (default DefaultPrefix):
// pipelines sharing one Redis, or tests, keep their replays and revision
// counters apart with it.
func WithPrefix(p string) StoreOption {
	return func(s *RedisStore) {
		if p != "" {
			s.prefix = p
		}
	}
}

// NewRedisStore returns a store on rdb.
func NewRedisStore(rdb redis.UniversalClient, opts ...StoreOption) *RedisStore {
	s := &RedisStore{rdb: rdb, ttl: 30 * 24 * time.Hour, prefix: DefaultPrefix}
	for _, o := range opts {
		o(s)
	}
	return s
}

func (s *RedisStore) stateKey(id string) string { return s.prefix + "{" + id + "}" }
func (s *RedisStore) counterKey() string        { return s.prefix + "revision-counter" }

// Save writes st.
func (s *RedisStore) Save(ctx context.Context, st *State) error {
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encode replay %s: %w", st.ID, err)
	}
	if err := s.rdb.Set(ctx, s.stateKey(st.ID), b, s.ttl).Err(); err != nil {
		return fmt.Errorf("save replay %s: %w", st.ID, err)
	}
	return nil
}

// Load reads the state of id.
func (s *RedisStore) Load(ctx context.Context, id string) (*State, error) {
	b, err := s.rdb.Get(ctx, s.stateKey(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("replay %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load replay %s: %w", id, err)
	}
	var st State
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("decode replay %s: %w", id, err)
	}
	return &st, nil
}

// Revision returns the story revision of a reprocess replay of key (the
// source, range and partitions it covers): the same key always gets the same
// revision, so running an identical reprocess twice delivers nothing new; a
// new key gets the next revision of the pipeline, starting at 2.
func (s *RedisStore) Revision(ctx context.Context, key string) (int64, error) {
	k := s.prefix + "revision:{" + key + "}"
	if v, err := s.rdb.Get(ctx, k).Int64(); err == nil {
		return v, nil
	} else if !errors.Is(err, redis.Nil) {
		return 0, fmt.Errorf("revision of %s: %w", key, err)
	}
	next, err := s.rdb.Incr(ctx, s.counterKey()).Result()
	if err != nil {
		return 0, fmt.Errorf("next revision: %w", err)
	}
	next++ // revision 1 is the first delivery; reprocesses start at 2
	ok, err := s.rdb.SetNX(ctx, k, next, 0).Result()
	if err != nil {
		return 0, fmt.Errorf("record revision of %s: %w", key, err)
	}
	if !ok { // a concurrent identical replay won: use its revision
		return s.rdb.Get(ctx, k).Int64()
	}
	return next, nil
}

// MaxRevision is the highest revision handed out so far: 1 (the first
// delivery) when no reprocess replay ran. A story's revisions are among
// 1..MaxRevision.
func (s *RedisStore) MaxRevision(ctx context.Context) (int64, error) {
	n, err := s.rdb.Get(ctx, s.counterKey()).Int64()
	switch {
	case errors.Is(err, redis.Nil):
		return 1, nil
	case err != nil:
		return 0, fmt.Errorf("revision counter: %w", err)
	}
	return n + 1, nil
}

// raiseCounter sets KEYS[1] to ARGV[1] unless it holds a larger number.
var raiseCounter = redis.NewScript(`
local v = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if v < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) return 1 end
return 0`)

// EnsureRevision makes the next reprocess replay get a revision above rev
// (`newsctl dedup-rebuild` calls it with the highest revision on the topic
// after Redis lost its data: a counter started afresh would hand out
// revisions that are delivered already, and their stories would be dropped).
// It reports whether the counter moved.
func (s *RedisStore) EnsureRevision(ctx context.Context, rev int64) (bool, error) {
	if rev < 2 {
		return false, nil
	}
	n, err := raiseCounter.Run(ctx, s.rdb, []string{s.counterKey()}, rev-1).Int()
	if err != nil {
		return false, fmt.Errorf("raise revision counter to %d: %w", rev, err)
	}
	return n == 1, nil
}
