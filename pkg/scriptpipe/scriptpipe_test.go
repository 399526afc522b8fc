package scriptpipe

import (
	"context"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

var incrBy = redis.NewScript(`return redis.call('INCRBY', KEYS[1], ARGV[1])`)

// After SCRIPT FLUSH (a restarted server) every EVALSHA is refused; Run
// sends exactly those again as EVAL, so each call runs once.
func TestRunFallsBackToEvalOnceAfterScriptFlush(t *testing.T) {
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	defer rdb.Close()
	ctx := context.Background()
	for round, flush := range []bool{true, false, true} {
		if flush {
			if err := rdb.ScriptFlush(ctx).Err(); err != nil {
				t.Fatal(err)
			}
		}
		calls := []*Call{{Script: incrBy, Keys: []string{"a"}, Args: []any{1}}, {Script: incrBy, Keys: []string{"b"}, Args: []any{10}}}
		var ping *redis.StatusCmd
		if err := Run(ctx, rdb, calls, func(p redis.Pipeliner) { ping = p.Ping(ctx) }); err != nil {
			t.Fatal(err)
		}
		a, _ := calls[0].Cmd.Int64()
		b, _ := calls[1].Cmd.Int64()
		if want := int64(round + 1); a != want || b != 10*want {
			t.Errorf("round %d (flushed %v): a=%d b=%d, want %d and %d: a call ran twice or not at all", round, flush, a, b, want, 10*want)
		}
		if ping.Val() != "PONG" {
			t.Errorf("round %d: the extra command did not run: %v", round, ping.Err())
		}
	}
}

func TestRunReturnsTheFirstFailure(t *testing.T) {
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	defer rdb.Close()
	bad := redis.NewScript(`return redis.error_reply('BOOM no')`)
	nilReply := redis.NewScript(`return false`)
	err := Run(context.Background(), rdb, []*Call{{Script: nilReply, Keys: []string{"x"}}, {Script: bad, Keys: []string{"y"}}}, nil)
	if err == nil || err.Error() != "BOOM no" {
		t.Errorf("error %v, want the script's BOOM (and a nil reply is no failure)", err)
	}
	if err := Run(context.Background(), rdb, nil, nil); err != nil {
		t.Errorf("no calls: %v", err)
	}
}
