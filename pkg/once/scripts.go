package once

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/newsflow/newsflow/pkg/scriptpipe"
)

// Redis keys of one output topic. The claim record and the lease of a story
// share the hash tag {story id}, so each script touches one Cluster slot.
//
//	<prefix><topic>:{<story>}[:r<rev>]        claim record (hash), TTL window
//	<prefix><topic>:{<story>}[:r<rev>]:lease  lease (owner token), TTL lease
//	<prefix><topic>:store                     store sentinel (see Rebuild)
//	<prefix><topic>:rebuild                   rebuild lock
//
// Claim record fields: s (state: c claimed, d done), o (owner of the last
// claim), p (output partition), w (the partition's high watermark before the
// first produce), t (first claim, unix ms), n (claims so far).
func recordKey(prefix, topic, story string, rev int64) string {
	tag := story
	if tag == "" || strings.ContainsAny(tag, "{}") || len(tag) > 128 {
		sum := sha256.Sum256([]byte(story))
		tag = hex.EncodeToString(sum[:16])
	}
	k := prefix + topic + ":{" + tag + "}"
	if rev > 0 {
		k += ":r" + strconv.FormatInt(rev, 10)
	}
	return k
}

func leaseKey(record string) string              { return record + ":lease" }
func storeKey(prefix, topic string) string       { return prefix + topic + ":store" }
func rebuildLockKey(prefix, topic string) string { return prefix + topic + ":rebuild" }

// Claim answers.
const (
	answerClaimed   = 0 // the story was unknown: ours, no verify needed
	answerDuplicate = 1 // delivered already: drop
	answerBusy      = 2 // another owner holds a live lease: wait, never skip
	answerRecover   = 3 // claimed before, lease lapsed or ours: verify first
)

// claimScript: KEYS record, lease. ARGV token, lease ms, window ms,
// partition, high watermark, previous token of this process (or ""), now ms.
// Returns {answer, partition, watermark} or {busy, lease ms left}.
var claimScript = redis.NewScript(`
local st = redis.call('HGET', KEYS[1], 's')
if st == 'd' then return {1} end
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[1] and (ARGV[6] == '' or holder ~= ARGV[6]) then
  return {2, redis.call('PTTL', KEYS[2])}
end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
if st == 'c' or holder then
  redis.call('HSET', KEYS[1], 'o', ARGV[1])
  redis.call('HINCRBY', KEYS[1], 'n', 1)
  return {3, redis.call('HGET', KEYS[1], 'p') or '', redis.call('HGET', KEYS[1], 'w') or ''}
end
redis.call('HSET', KEYS[1], 's', 'c', 'o', ARGV[1], 'p', ARGV[4], 'w', ARGV[5], 't', ARGV[7], 'n', 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {0}`)

// extendScript (self-fencing): KEYS record, lease. ARGV token, lease ms.
// Extends the lease if the token holds it, or re-takes a lapsed lease that
// nobody else claimed since (the record's owner is still the token). 1 if
// the token holds the lease afterwards, else 0.
var extendScript = redis.NewScript(`
local holder = redis.call('GET', KEYS[2])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
  return 1
end
if not holder and redis.call('HGET', KEYS[1], 's') == 'c' and redis.call('HGET', KEYS[1], 'o') == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`)

// confirmScript: KEYS record, lease. ARGV token, window ms. Marks the story
// done whoever holds the lease (it is on the log: that is a fact, not a
// decision), and frees the lease if the token holds it.
var confirmScript = redis.NewScript(`
redis.call('HSET', KEYS[1], 's', 'd')
redis.call('HDEL', KEYS[1], 'o', 'w', 'n')
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1`)

// releaseScript: KEYS lease. ARGV token. Frees the lease if the token holds
// it; the record stays claimed, so the next owner verifies.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`)

// markDoneScript (Rebuild): KEYS record. ARGV partition, TTL ms.
var markDoneScript = redis.NewScript(`
redis.call('HSET', KEYS[1], 's', 'd', 'p', ARGV[1])
redis.call('HDEL', KEYS[1], 'o', 'w', 'n')
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`)

// call is one Lua script invocation of a pipelined batch.
type call = scriptpipe.Call

// runCalls sends calls in one pipelined round trip, after the commands extra
// adds (pkg/scriptpipe).
func runCalls(ctx context.Context, rdb redis.UniversalClient, calls []*call, extra func(redis.Pipeliner)) error {
	return scriptpipe.Run(ctx, rdb, calls, extra)
}
