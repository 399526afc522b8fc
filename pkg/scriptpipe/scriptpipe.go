// Package scriptpipe runs many Redis Lua script calls in one pipelined round
// trip, as EVALSHA, falling back to EVAL only for the calls a restarted or
// flushed server refused with NOSCRIPT. pkg/once, pkg/dedup and
// pkg/templates make every decision of a batch this way: one round trip per
// Redis node for the whole batch, not one per message.
//
// go-redis's Script.Run does the EVALSHA/EVAL fallback for one call; in a
// pipeline the NOSCRIPT answers only arrive after Exec, so the fallback has
// to be done here, for the refused calls alone (the others already ran and
// must not run twice).
package scriptpipe

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

// Call is one script invocation of a batch. Run leaves its result in Cmd.
type Call struct {
	Script *redis.Script
	Keys   []string
	Args   []any
	Cmd    *redis.Cmd
}

// Run sends calls in one pipeline, after the commands extra adds (nil:
// none), and returns the first failure of any call or of the pipeline; a
// nil reply is not a failure. Each call should touch the keys of one hash
// tag, so that a ClusterClient routes it to its slot's node: one script per
// key group rather than one per batch, because a batch's keys span many
// slots and a multi-key script must stay inside one.
func Run(ctx context.Context, rdb redis.UniversalClient, calls []*Call, extra func(redis.Pipeliner)) error {
	if len(calls) == 0 && extra == nil {
		return nil
	}
	pipe := rdb.Pipeline()
	if extra != nil {
		extra(pipe)
	}
	for _, c := range calls {
		c.Cmd = c.Script.EvalSha(ctx, pipe, c.Keys, c.Args...)
	}
	_, err := pipe.Exec(ctx)
	var retry []*Call
	for _, c := range calls {
		if isNoScript(c.Cmd.Err()) {
			retry = append(retry, c)
		}
	}
	if len(retry) > 0 {
		pipe = rdb.Pipeline()
		for _, c := range retry {
			c.Cmd = c.Script.Eval(ctx, pipe, c.Keys, c.Args...)
		}
		_, err = pipe.Exec(ctx)
	}
	for _, c := range calls {
		if e := c.Cmd.Err(); e != nil && !errors.Is(e, redis.Nil) {
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
