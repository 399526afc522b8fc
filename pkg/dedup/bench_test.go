package dedup

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// roundTrips counts commands and pipelines sent: one round trip each.
type roundTrips struct{ n atomic.Int64 }

func (c *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (c *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { c.n.Add(1); return next(ctx, cmd) }
}
func (c *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { c.n.Add(1); return next(ctx, cmds) }
}

func corpusFingerprints(t testing.TB, ix *Index, seed uint64, n int, urlPrefix string) []Fingerprint {
	c := &corpus{rng: rand.New(rand.NewPCG(seed, seed))}
	fps := make([]Fingerprint, n)
	for i := range fps {
		fps[i] = mustFP(t, ix, fmt.Sprintf("%s/%d", urlPrefix, i), c.article(topics[i%len(topics)]).text())
	}
	return fps
}

// Resolve costs a constant number of round trips per batch, not one per
// fingerprint.
func TestResolveRoundTripsPerBatch(t *testing.T) {
	ix, _, _ := newTestIndex(t, Config{})
	// The first use of each script costs one more round trip (EVALSHA is
	// refused with NOSCRIPT, EVAL follows and caches it): warm up first.
	if _, err := ix.Resolve(context.Background(), corpusFingerprints(t, ix, 2, 20, "https://warm.example")); err != nil {
		t.Fatal(err)
	}
	rt := &roundTrips{}
	ix.rdb.AddHook(rt)
	fps := corpusFingerprints(t, ix, 1, 100, "https://x.example")
	if _, err := ix.Resolve(context.Background(), fps); err != nil {
		t.Fatal(err)
	}
	if n := rt.n.Load(); n > 5 {
		t.Errorf("100 new stories took %d round trips, want at most 5", n)
	}
	rt.n.Store(0)
	if _, err := ix.Resolve(context.Background(), fps); err != nil {
		t.Fatal(err)
	}
	if n := rt.n.Load(); n != 1 {
		t.Errorf("100 known stories took %d round trips, want 1", n)
	}
}

// BenchmarkResolveBatch100 resolves batches of 100 new stories (on the real
// redis-server of NEWSFLOW_TEST_REDIS when set, else miniredis) and reports
// round trips per batch and fingerprints per second.
func BenchmarkResolveBatch100(b *testing.B) {
	var rdb *redis.Client
	server := "miniredis"
	if u := os.Getenv("NEWSFLOW_TEST_REDIS"); u != "" {
		opts, err := redis.ParseURL(u)
		if err != nil {
			b.Fatal(err)
		}
		rdb, server = redis.NewClient(opts), "redis-server"
	} else {
		rdb = redis.NewClient(&redis.Options{Addr: miniredis.RunT(b).Addr()})
	}
	defer rdb.Close()
	prefix := fmt.Sprintf("nf:dd-bench:%d:", time.Now().UnixNano())
	b.Cleanup(func() {
		ctx := context.Background()
		iter := rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
	})
	ix, err := NewIndex(rdb, Config{Prefix: prefix, Canonical: lowerURL})
	if err != nil {
		b.Fatal(err)
	}
	rt := &roundTrips{}
	rdb.AddHook(rt)
	b.Run(server, func(b *testing.B) {
		var batches int64
		for i := 0; b.Loop(); i++ {
			b.StopTimer()
			fps := corpusFingerprints(b, ix, uint64(i), 100, fmt.Sprintf("https://b%d.example", i))
			b.StartTimer()
			if _, err := ix.Resolve(context.Background(), fps); err != nil {
				b.Fatal(err)
			}
			batches++
		}
		b.ReportMetric(float64(rt.n.Load())/float64(batches), "roundtrips/batch")
		b.ReportMetric(100*float64(batches)/b.Elapsed().Seconds(), "fingerprints/s")
	})
}

// BenchmarkFingerprint measures fingerprinting (words, content hash, shingle
// hashes and sketch) of news-length articles.
func BenchmarkFingerprint(b *testing.B) {
	c := &corpus{rng: rand.New(rand.NewPCG(5, 5))}
	texts := make([]string, 64)
	size := 0
	for i := range texts {
		texts[i] = c.article(topics[i%len(topics)]).text()
		size += len(texts[i])
	}
	for _, sk := range []struct {
		name string
		kind SketchKind
	}{{"minhash", SketchMinHash}, {"simhash", SketchSimHash}} {
		b.Run(sk.name, func(b *testing.B) {
			cfg := Config{Canonical: lowerURL, Sketch: sk.kind}.withDefaults()
			b.SetBytes(int64(size / len(texts)))
			n := 0
			for b.Loop() {
				if _, err := cfg.Fingerprint("https://x.example/a", texts[n%len(texts)]); err != nil {
					b.Fatal(err)
				}
				n++
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "articles/s")
		})
	}
}
