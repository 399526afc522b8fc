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

// RedisStore keeps replay states in Redis as JSON, for 30 days.
type RedisStore struct {
	rdb redis.UniversalClient
	ttl time.Duration
}

// NewRedisStore returns a store on rdb.
func NewRedisStore(rdb redis.UniversalClient) *RedisStore {
	return &RedisStore{rdb: rdb, ttl: 30 * 24 * time.Hour}
}

func stateKey(id string) string { return "newsflow:replay:{" + id + "}" }

// Save writes st.
func (s *RedisStore) Save(ctx context.Context, st *State) error {
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encode replay %s: %w", st.ID, err)
	}
	if err := s.rdb.Set(ctx, stateKey(st.ID), b, s.ttl).Err(); err != nil {
		return fmt.Errorf("save replay %s: %w", st.ID, err)
	}
	return nil
}

// Load reads the state of id.
func (s *RedisStore) Load(ctx context.Context, id string) (*State, error) {
	b, err := s.rdb.Get(ctx, stateKey(id)).Bytes()
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
	k := "newsflow:replay:revision:{" + key + "}"
	if v, err := s.rdb.Get(ctx, k).Int64(); err == nil {
		return v, nil
	} else if !errors.Is(err, redis.Nil) {
		return 0, fmt.Errorf("revision of %s: %w", key, err)
	}
	next, err := s.rdb.Incr(ctx, "newsflow:replay:revision-counter").Result()
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
