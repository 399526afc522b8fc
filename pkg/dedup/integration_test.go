package dedup

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pkg/testenv"
)

// On the real redis-server of NEWSFLOW_TEST_REDIS (server TIME, real
// pipelining and concurrency), concurrent copies of a story converge on one
// id. Without the variable the test is skipped loudly; under CI it fails.
func TestIntegrationConcurrentCopies(t *testing.T) {
	rdb, _ := testenv.Redis(t)
	base := fmt.Sprintf("nf:dd-it:%d:", time.Now().UnixNano())
	t.Cleanup(func() {
		ctx := context.Background()
		iter := rdb.Scan(ctx, 0, base+"*", 1000).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
	})
	var n atomic.Int64
	testConcurrentCopies(t, func(t *testing.T) *Index {
		ix, err := NewIndex(rdb, Config{Prefix: fmt.Sprintf("%s%d:", base, n.Add(1)), Canonical: lowerURL})
		if err != nil {
			t.Fatal(err)
		}
		return ix
	})
}
