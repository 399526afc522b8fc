package replay

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

func newTestRedis(t *testing.T) redis.UniversalClient {
	t.Helper()
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

func TestRedisStoreSaveLoad(t *testing.T) {
	ctx := context.Background()
	rdb := newTestRedis(t)
	s := NewRedisStore(rdb)
	st := &State{ID: "r-1", Spec: Spec{Source: "a", Target: "b", From: time.Unix(100, 0).UTC(), Reprocess: true, Revision: 3},
		Ranges: []Range{{Partition: 0, Start: 5, End: 10, Next: 7}}, Created: time.Unix(200, 0).UTC()}
	if err := s.Save(ctx, st); err != nil {
		t.Fatal(err)
	}
	got, err := s.Load(ctx, "r-1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Spec.Source != "a" || got.Spec.Target != "b" || !got.Spec.From.Equal(st.Spec.From) || !got.Spec.Reprocess || got.Spec.Revision != 3 || len(got.Ranges) != 1 || got.Ranges[0] != st.Ranges[0] || got.Sent() != 2 || got.Total() != 5 {
		t.Errorf("loaded %+v, saved %+v", got, st)
	}
	if _, err := s.Load(ctx, "r-2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown id: %v, want ErrNotFound", err)
	}
	if _, err := NewRedisStore(rdb, WithPrefix("other:")).Load(ctx, "r-1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a store with another prefix sees the replay: %v", err)
	}
}

func TestRedisStoreRevisions(t *testing.T) {
	ctx := context.Background()
	rdb := newTestRedis(t)
	a, b := NewRedisStore(rdb), NewRedisStore(rdb, WithPrefix("p2:"))
	maxRev := func(s *RedisStore) (int64, error) { return s.MaxRevision(ctx) }
	steps := []struct {
		name  string
		store *RedisStore
		op    func(s *RedisStore) (int64, error)
		want  int64
	}{
		{"no reprocess yet", a, maxRev, 1},
		{"first reprocess", a, func(s *RedisStore) (int64, error) { return s.Revision(ctx, "k1") }, 2},
		{"same reprocess again", a, func(s *RedisStore) (int64, error) { return s.Revision(ctx, "k1") }, 2},
		{"another reprocess", a, func(s *RedisStore) (int64, error) { return s.Revision(ctx, "k2") }, 3},
		{"max", a, maxRev, 3},
		{"other prefix starts afresh", b, func(s *RedisStore) (int64, error) { return s.Revision(ctx, "k1") }, 2},
		{"raise to 7", a, func(s *RedisStore) (int64, error) { _, err := s.EnsureRevision(ctx, 7); return 0, err }, 0},
		{"max after raise", a, maxRev, 7},
		{"a lower raise does not lower", a, func(s *RedisStore) (int64, error) { _, err := s.EnsureRevision(ctx, 4); return 0, err }, 0},
		{"next after raise", a, func(s *RedisStore) (int64, error) { return s.Revision(ctx, "k3") }, 8},
		{"known key keeps its revision", a, func(s *RedisStore) (int64, error) { return s.Revision(ctx, "k2") }, 3},
	}
	for _, st := range steps {
		got, err := st.op(st.store)
		if err != nil || got != st.want {
			t.Errorf("%s: %d, %v; want %d", st.name, got, err, st.want)
		}
	}
	if moved, err := a.EnsureRevision(ctx, 20); err != nil || !moved {
		t.Errorf("raise to 20: moved %v, %v", moved, err)
	}
	if moved, err := a.EnsureRevision(ctx, 20); err != nil || moved {
		t.Errorf("raise to 20 again: moved %v, %v", moved, err)
	}
}
