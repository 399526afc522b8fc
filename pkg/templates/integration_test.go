package templates

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/newsflow/newsflow/pkg/testenv"
)

// integrationLearner returns a Learner on the real redis-server under a
// prefix of its own, and deletes the host's keys when the test ends.
func integrationLearner(t *testing.T, cfg Config, hosts ...string) (*Learner, redis.UniversalClient) {
	t.Helper()
	rdb, _ := testenv.Redis(t)
	cfg.Prefix = testenv.Name("nf:tpl-test") + ":"
	l := New(rdb, cfg)
	t.Cleanup(func() {
		for _, h := range hosts {
			_ = l.Forget(context.Background(), h)
		}
	})
	return l, rdb
}

// TestIntegrationSyntheticSite runs the 30-page synthetic site against the
// real redis-server: the footer and the rotating box are dropped once seen
// on five pages, every story stays whole.
func TestIntegrationSyntheticSite(t *testing.T) {
	l, _ := integrationLearner(t, Config{}, siteHost)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	leftover := runSite(t, ctx, l)
	for i, left := range leftover {
		if want := i < 14; left != want {
			t.Errorf("page %d: template left in the output = %v, want %v", i, left, want)
		}
	}
	st, err := l.Stats(ctx, siteHost)
	if err != nil {
		t.Fatal(err)
	}
	// 11 template blocks (2 footer lines, the box header, 8 teasers) and
	// the 5 story paragraphs of each page
	if st.Boilerplate != 11 || st.Tracked != 11+30*5 {
		t.Errorf("stats %+v, want 11 boilerplate of %d tracked", st, 11+30*5)
	}
}

// TestIntegrationMemoryBound floods one host with 6,000 distinct paragraphs
// (300 pages of 20) beside a two-line footer, with a cap of 512: the host's
// keys stay at the cap, their Redis memory stays under 256 bytes per
// fingerprint, the footer stays learned, and both keys carry the TTL.
func TestIntegrationMemoryBound(t *testing.T) {
	const host, maxFP = "memory.example", 512
	ttl := 6 * time.Hour
	l, rdb := integrationLearner(t, Config{MaxFingerprints: maxFP, TTL: ttl}, host)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var last [][]bool
	for batch := range 15 {
		var pages []Page
		for k := range 20 {
			i := batch*20 + k
			paras := []string{siteFooter[0]}
			for j := range 20 {
				paras = append(paras, uniqueText(i*20+j))
			}
			paras = append(paras, siteFooter[1])
			pages = append(pages, Page{Host: host, URL: fmt.Sprintf("https://memory.example/%d", i), Paragraphs: paras})
		}
		var err error
		if last, err = l.ObserveBatch(ctx, pages); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range last {
		if !f[0] || !f[len(f)-1] {
			t.Fatal("the footer was not flagged on the last pages: evicted by the flood?")
		}
		for _, x := range f[1 : len(f)-1] {
			if x {
				t.Fatal("a unique paragraph was flagged")
			}
		}
	}
	keys := l.Keys(host)
	zc := rdb.ZCard(ctx, keys[0]).Val()
	hl := rdb.HLen(ctx, keys[1]).Val()
	if zc != maxFP || hl > zc {
		t.Errorf("tracked %d (index) and %d (page lists), want %d and at most that", zc, hl, maxFP)
	}
	var bytes int64
	for _, k := range keys {
		n, err := rdb.MemoryUsage(ctx, k, 0).Result()
		if err != nil {
			t.Fatalf("MEMORY USAGE %s: %v", k, err)
		}
		bytes += n
		if pttl := rdb.PTTL(ctx, k).Val(); pttl <= 0 || pttl > ttl {
			t.Errorf("%s: PTTL %s, want (0, %s]", k, pttl, ttl)
		}
	}
	per := float64(bytes) / maxFP
	t.Logf("host state: %d fingerprints, %d bytes in Redis (%.0f bytes per fingerprint)", zc, bytes, per)
	if per > 256 {
		t.Errorf("%.0f bytes per fingerprint, bound 256", per)
	}
}
