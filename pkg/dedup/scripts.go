package dedup

import (
	"context"

	"github.com/redis/go-redis/v9"

	"github.com/newsflow/newsflow/pkg/scriptpipe"
)

// call is one Lua script invocation of a pipelined batch.
type call = scriptpipe.Call

// runCalls sends calls in one pipelined round trip (pkg/scriptpipe).
func runCalls(ctx context.Context, rdb redis.UniversalClient, calls []*call) error {
	return scriptpipe.Run(ctx, rdb, calls, nil)
}
