package dedup

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

// call is one Lua script invocation of a pipelined batch.
type call struct {
	s    *redis.Script
	keys []string
	args []any
	cmd  *redis.Cmd
}

// runCalls sends calls in one pipeline as EVALSHA (one round trip per Redis
// node). Calls refused with NOSCRIPT (a restarted or flushed server) did not
// run, so only those are sent again, as EVAL, which also caches the script.
// Every call's result is left in its cmd; the error is the first failure of
// any call (a nil reply is not a failure).
//
// Each call touches keys of one hash tag, so on Redis Cluster the
// ClusterClient routes every call to its slot's node; a per-key pipeline is
// used rather than one script per batch because a batch's keys span many
// slots and a multi-key script must stay inside one.
func runCalls(ctx context.Context, rdb redis.UniversalClient, calls []*call) error {
	if len(calls) == 0 {
		return nil
	}
	pipe := rdb.Pipeline()
	for _, c := range calls {
		c.cmd = c.s.EvalSha(ctx, pipe, c.keys, c.args...)
	}
	_, err := pipe.Exec(ctx)
	var retry []*call
	for _, c := range calls {
		if isNoScript(c.cmd.Err()) {
			retry = append(retry, c)
		}
	}
	if len(retry) > 0 {
		pipe = rdb.Pipeline()
		for _, c := range retry {
			c.cmd = c.s.Eval(ctx, pipe, c.keys, c.args...)
		}
		_, err = pipe.Exec(ctx)
	}
	for _, c := range calls {
		if e := c.cmd.Err(); e != nil && !errors.Is(e, redis.Nil) {
			return e
		}
	}
	if errors.Is(err, redis.Nil) {
		return nil
	}
	return err
}

func isNoScript(err error) bool {
	return err != nil && (errors.Is(err, redis.ErrNoScript) || redis.HasErrorPrefix(err, "NOSCRIPT"))
}
