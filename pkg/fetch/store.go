package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// store is the fetcher's shared state in Redis:
//
//	<prefix>cond:<sha(url)>      hash {etag, lm}: validators of a polled URL
//	<prefix>item:<sha(identity)> "claim:<owner>" while a replica fetches the
//	                             item's page (lease TTL), "done" for the seen
//	                             window once it is on news.raw
//	<prefix>poll:<source>        owner of the current poll of a source
//	<prefix>rate:{host}          the rate limiter's schedule (package ratelimit)
type store struct {
	rdb          redis.UniversalClient
	prefix       string
	owner        string
	window       time.Duration
	lease        time.Duration
	validatorTTL time.Duration
}

// release deletes a claim only while it is still ours: a lease that expired
// and was taken by another replica must not be deleted from under it.
var release = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`)

func hashKey(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}

func (s *store) condKey(u string) string        { return s.prefix + "cond:" + hashKey(u) }
func (s *store) itemKey(identity string) string { return s.prefix + "item:" + hashKey(identity) }

// validators returns the ETag and Last-Modified stored for u.
func (s *store) validators(ctx context.Context, u string) (etag, lastModified string, err error) {
	vals, err := s.rdb.HMGet(ctx, s.condKey(u), "etag", "lm").Result()
	if err != nil {
		return "", "", fmt.Errorf("read validators of %s: %w", u, err)
	}
	if v, ok := vals[0].(string); ok {
		etag = v
	}
	if v, ok := vals[1].(string); ok {
		lastModified = v
	}
	return etag, lastModified, nil
}

// saveValidators stores the validators of u (or forgets them when both are empty).
func (s *store) saveValidators(ctx context.Context, u, etag, lastModified string) error {
	key := s.condKey(u)
	if etag == "" && lastModified == "" {
		return s.rdb.Del(ctx, key).Err()
	}
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, key)
		p.HSet(ctx, key, "etag", etag, "lm", lastModified)
		p.Expire(ctx, key, s.validatorTTL)
		return nil
	})
	if err != nil {
		return fmt.Errorf("save validators of %s: %w", u, err)
	}
	return nil
}

// claim tries to claim each identity for this replica (SET NX with the
// lease TTL), in one pipeline. ok[i] is false for items already done or
// being fetched by someone else.
func (s *store) claim(ctx context.Context, identities []string) ([]bool, error) {
	if len(identities) == 0 {
		return nil, nil
	}
	cmds := make([]*redis.StatusCmd, len(identities))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range identities {
			cmds[i] = p.SetArgs(ctx, s.itemKey(id), "claim:"+s.owner, redis.SetArgs{Mode: "NX", TTL: s.lease})
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("claim %d items: %w", len(identities), err)
	}
	ok := make([]bool, len(identities))
	for i, c := range cmds {
		switch err := c.Err(); {
		case err == nil:
			ok[i] = true
		case errors.Is(err, redis.Nil):
		default:
			return nil, fmt.Errorf("claim item: %w", err)
		}
	}
	return ok, nil
}

// confirm marks an identity done for the seen window.
func (s *store) confirm(ctx context.Context, identity string) error {
	if err := s.rdb.Set(ctx, s.itemKey(identity), "done", s.window).Err(); err != nil {
		return fmt.Errorf("confirm item: %w", err)
	}
	return nil
}

// release gives a claim back so that a later poll fetches the item again.
func (s *store) release(ctx context.Context, identity string) error {
	if err := release.Run(ctx, s.rdb, []string{s.itemKey(identity)}, "claim:"+s.owner).Err(); err != nil {
		return fmt.Errorf("release item: %w", err)
	}
	return nil
}

// acquireLease takes a lease that is free or already ours.
var acquireLease = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`)

// pollLease takes the right to poll a source for ttl. When replicas poll
// the same sources, the first to come in a round polls and the others skip
// it, so a feed is not fetched once per replica. The lease is shorter than
// the interval so any replica may take the next round, and a replica's own
// lease never stops it.
func (s *store) pollLease(ctx context.Context, source string, ttl time.Duration) (bool, error) {
	n, err := acquireLease.Run(ctx, s.rdb, []string{s.prefix + "poll:" + source}, s.owner, ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("poll lease of %s: %w", source, err)
	}
	return n == 1, nil
}
