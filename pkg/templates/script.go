package templates

import (
	"context"

	"github.com/redis/go-redis/v9"

	"github.com/newsflow/newsflow/pkg/scriptpipe"
)

// observeScript records one page's fingerprints for one host and returns,
// per fingerprint, the number of distinct pages it has been seen on (capped
// at the threshold). It runs atomically, so concurrent cleaners never lose
// a count.
//
//	KEYS[1] the host's LRU index (sorted set fingerprint -> last seen ms)
//	KEYS[2] the host's page lists (hash fingerprint -> packed page ids, or "*")
//	ARGV[1] now (unix ms)   ARGV[2] TTL (ms)   ARGV[3] cap (fingerprints)
//	ARGV[4] threshold       ARGV[5] page id (4 bytes)   ARGV[6..] fingerprints (8 bytes)
//
// Work per call is bounded: the fingerprints given, at most 128 expired
// ones forgotten, and the evictions that bring the index back to the cap.
var observeScript = redis.NewScript(`
local lru, pages = KEYS[1], KEYS[2]
local now, ttl = tonumber(ARGV[1]), tonumber(ARGV[2])
local cap, n, page = tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]

local function forget(ms)
  for i = 1, #ms, 500 do
    local chunk = {}
    for j = i, math.min(i + 499, #ms) do chunk[#chunk + 1] = ms[j] end
    redis.call('ZREM', lru, unpack(chunk))
    redis.call('HDEL', pages, unpack(chunk))
  end
end

local old = redis.call('ZRANGEBYSCORE', lru, '-inf', now - ttl, 'LIMIT', 0, 128)
if #old > 0 then forget(old) end

local out = {}
for i = 6, #ARGV do
  local fp = ARGV[i]
  local v = redis.call('HGET', pages, fp)
  local cnt
  if v == '*' then
    cnt = n
  else
    if not v then v = '' end
    cnt = math.floor(#v / 4)
    local seen = false
    for j = 1, #v - 3, 4 do
      if string.sub(v, j, j + 3) == page then seen = true break end
    end
    if not seen then
      cnt = cnt + 1
      if cnt >= n then v = '*' else v = v .. page end
      redis.call('HSET', pages, fp, v)
    end
  end
  redis.call('ZADD', lru, now, fp)
  out[#out + 1] = cnt
end

local size = redis.call('ZCARD', lru)
if size > cap then
  local popped = redis.call('ZPOPMIN', lru, size - cap)
  local ms = {}
  for j = 1, #popped, 2 do ms[#ms + 1] = popped[j] end
  forget(ms)
end
redis.call('PEXPIRE', lru, ttl)
redis.call('PEXPIRE', pages, ttl)
return out
`)

// call is one script invocation of a pipelined batch.
type call = scriptpipe.Call

// runCalls sends calls in one pipelined round trip (pkg/scriptpipe).
func runCalls(ctx context.Context, rdb redis.UniversalClient, calls []*call) error {
	return scriptpipe.Run(ctx, rdb, calls, nil)
}
