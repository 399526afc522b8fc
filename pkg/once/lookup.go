package once

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Claim states as Lookup reports them.
const (
	StateClaimed = "claimed" // a Write is delivering it (or died doing so)
	StateDone    = "done"    // it is on the output topic
)

// Claim is what the store of one output topic records about one revision of
// a story: its claim record and its lease (see the key layout in the package
// doc). It is a read-only view, for operators (`newsctl story`).
type Claim struct {
	Topic    string
	StoryID  string
	Revision int64
	// State is StateClaimed or StateDone.
	State string
	// Owner is the Write that holds or last held the claim (cleared when done).
	Owner string
	// Partition is the output partition decided at the first claim (-1 when
	// not recorded).
	Partition int
	// Watermark is the partition's high watermark recorded before the first
	// produce: the story's record, if any, is at or after it. -1 once done
	// (the record forgets it) or when not recorded.
	Watermark int64
	// FirstClaim is when the story was first claimed (zero for records that
	// Rebuild wrote).
	FirstClaim time.Time
	// Claims counts the claims of the story while it is claimed.
	Claims int
	// Expires is what is left of the record's time to live: the window for a
	// done story, after which a copy is delivered again (-1: no expiry).
	Expires time.Duration
	// Lease is the token holding the lease, and LeaseLeft its time to live;
	// empty and zero when nobody holds it.
	Lease     string
	LeaseLeft time.Duration
}

// Lookup reads the claim records of storyID's given revisions on topic, in
// one pipelined round trip, and returns those that exist, in the order of
// revisions. Revision 0 is a story produced without a revision. prefix ""
// means the Sink's default. It changes nothing.
func Lookup(ctx context.Context, rdb redis.UniversalClient, prefix, topic, storyID string, revisions []int64) ([]Claim, error) {
	if prefix == "" {
		prefix = Config{}.withDefaults().Prefix
	}
	if storyID == "" {
		return nil, errors.New("lookup: empty story id")
	}
	type cmds struct {
		rec      *redis.MapStringStringCmd
		ttl      *redis.DurationCmd
		lease    *redis.StringCmd
		leaseTTL *redis.DurationCmd
	}
	pipe := rdb.Pipeline()
	cs := make([]cmds, len(revisions))
	for i, rev := range revisions {
		rk := recordKey(prefix, topic, storyID, rev)
		cs[i] = cmds{rec: pipe.HGetAll(ctx, rk), ttl: pipe.PTTL(ctx, rk), lease: pipe.Get(ctx, leaseKey(rk)), leaseTTL: pipe.PTTL(ctx, leaseKey(rk))}
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("lookup story %s on %s: %w", storyID, topic, err)
	}
	var out []Claim
	for i, rev := range revisions {
		m := cs[i].rec.Val()
		if len(m) == 0 {
			continue
		}
		c := Claim{Topic: topic, StoryID: storyID, Revision: rev, Owner: m["o"], Partition: -1, Watermark: -1, Expires: -1}
		switch m["s"] {
		case "d":
			c.State = StateDone
		case "c":
			c.State = StateClaimed
		default:
			c.State = m["s"]
		}
		if p, err := strconv.Atoi(m["p"]); err == nil {
			c.Partition = p
		}
		if w, err := strconv.ParseInt(m["w"], 10, 64); err == nil {
			c.Watermark = w
		}
		if t, err := strconv.ParseInt(m["t"], 10, 64); err == nil && t > 0 {
			c.FirstClaim = time.UnixMilli(t)
		}
		c.Claims, _ = strconv.Atoi(m["n"])
		if d := cs[i].ttl.Val(); d > 0 {
			c.Expires = d
		}
		if l, err := cs[i].lease.Result(); err == nil {
			c.Lease = l
			c.LeaseLeft = max(cs[i].leaseTTL.Val(), 0)
		}
		out = append(out, c)
	}
	return out, nil
}
