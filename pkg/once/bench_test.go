package once

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// benchRedis is the real redis-server of NEWSFLOW_TEST_REDIS when set
// (benchmarks belong there: miniredis is much slower for pipelines), else
// miniredis.
func benchRedis(b *testing.B) (redis.UniversalClient, string) {
	if u := os.Getenv("NEWSFLOW_TEST_REDIS"); u != "" {
		opts, err := redis.ParseURL(u)
		if err != nil {
			b.Fatal(err)
		}
		rdb := redis.NewClient(opts)
		b.Cleanup(func() { rdb.Close() })
		return rdb, "redis-server"
	}
	mr := miniredis.RunT(b)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	b.Cleanup(func() { rdb.Close() })
	return rdb, "miniredis"
}

// BenchmarkWriteBatch100 measures the Redis side of a Write of 100 stories
// (the producer is an in-memory log): round trips per batch and stories per
// second, for fresh stories (claim + confirm) and for a replayed batch (all
// duplicates: one claim round trip).
func BenchmarkWriteBatch100(b *testing.B) {
	rdb, server := benchRedis(b)
	prefix := fmt.Sprintf("nf:once-bench:%d:", time.Now().UnixNano())
	b.Cleanup(func() {
		ctx := context.Background()
		iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
	})
	log := newFakeLog(6)
	cfg := Config{Prefix: prefix}
	s, err := New(rdb, &fakeProducer{log: log}, log, cfg)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Write(ctx, stories("warm", 1, 0)); err != nil { // creates the store sentinel
		b.Fatal(err)
	}
	for _, replay := range []bool{false, true} {
		name := "fresh"
		if replay {
			name = "replayed"
		}
		b.Run(fmt.Sprintf("%s/%s", server, name), func(b *testing.B) {
			var trips, n int64
			for i := 0; b.Loop(); i++ {
				batch := stories(fmt.Sprintf("%s-%d-", name, i), 100, 0)
				if replay {
					b.StopTimer()
					if err := s.Write(ctx, batch); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				before := s.Stats().RedisRoundTrips
				if err := s.Write(ctx, batch); err != nil {
					b.Fatal(err)
				}
				trips += s.Stats().RedisRoundTrips - before
				n++
			}
			b.ReportMetric(float64(trips)/float64(n), "roundtrips/batch")
			b.ReportMetric(100*float64(n)/b.Elapsed().Seconds(), "stories/s")
		})
	}
}
