package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/newsflow/newsflow/pkg/dedup"
	"github.com/newsflow/newsflow/pkg/once"
	"github.com/newsflow/newsflow/pkg/replay"
	"github.com/newsflow/newsflow/pkg/stage"
	"github.com/newsflow/newsflow/pkg/testenv"
)

func TestParseDays(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"7d", 7 * 24 * time.Hour, false},
		{"36h", 36 * time.Hour, false},
		{"1d12h", 36 * time.Hour, false},
		{" 2d ", 48 * time.Hour, false},
		{"90m", 90 * time.Minute, false},
		{"d", 0, true},
		{"-1d", 0, true},
		{"-5h", 0, true},
		{"7 days", 0, true},
		{"", 0, true},
		{"99999999d", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseDays(tc.in)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("parseDays(%q) = %s, %v; want %s, error %v", tc.in, got, err, tc.want, tc.wantErr)
			}
		})
	}
	d := daysDuration(7 * 24 * time.Hour)
	if d.String() != "7d" {
		t.Errorf("7 days print as %q", d.String())
	}
}

func TestDedupRebuildRejectsBadInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"short window", []string{"dedup-rebuild", "--window", "30s"}, "--window 30s: must be at least a minute"},
		{"bad window", []string{"dedup-rebuild", "--window", "a week"}, "not a duration"},
		{"nothing to do", []string{"dedup-rebuild", "--skip-index", "--skip-store"}, "nothing to do"},
		{"negative wait", []string{"dedup-rebuild", "--settle-wait", "-1s"}, "must not be negative"},
		{"no topic", []string{"dedup-rebuild", "--topic", ""}, "--topic is required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCtl(context.Background(), tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestDedupRebuild loses Redis's data (miniredis flushed) under stories
// delivered on the embedded Kafka, and rebuilds.
func TestDedupRebuild(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, stack := embeddedState(t, ctx)
	rebuildScenario(t, ctx, st, 1, 100, 24, func() { stack.Redis.FlushAll() })
}

// TestIntegrationDedupRebuild is the same on the real broker and
// redis-server: the "loss" deletes every key under this test's prefixes.
func TestIntegrationDedupRebuild(t *testing.T) {
	bc := testenv.Kafka(t)
	rdb, url := testenv.Redis(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	name := testenv.Name("rebuild")
	st := pipelineState{bc: bc, rdb: rdb, redisURL: url, cleaned: name + "-cleaned", enriched: name + "-enriched",
		oncePrefix: name + ":once:", dedupPrefix: name + ":dd:", replayPrefix: name + ":replay:"}
	testenv.CreateTopics(t, bc, 3, st.cleaned, st.enriched)
	t.Cleanup(func() { deleteKeys(t, rdb, name+":*") })
	rebuildScenario(t, ctx, st, rand.Uint64(), 1_000_000+rand.IntN(1_000_000_000), 60, func() { deleteKeys(t, rdb, name+":*") })
}

// deleteKeys deletes the keys matching pattern (this test's own prefix).
func deleteKeys(t *testing.T, rdb redis.UniversalClient, pattern string) {
	t.Helper()
	ctx := context.Background()
	iter := rdb.Scan(ctx, 0, pattern, 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Errorf("scan %s: %v", pattern, err)
		return
	}
	for len(keys) > 0 {
		n := min(len(keys), 500)
		if err := rdb.Del(ctx, keys[:n]...).Err(); err != nil {
			t.Errorf("delete %s: %v", pattern, err)
			return
		}
		keys = keys[n:]
	}
}

// rebuildScenario delivers n stories (and one older than the window), loses
// Redis's data, runs `newsctl dedup-rebuild`, and checks that story identity,
// the exactly-once stores and the replay revision counter are back.
func rebuildScenario(t *testing.T, ctx context.Context, st pipelineState, seed uint64, firstID, n int, lose func()) {
	t.Helper()
	fx := seedStories(t, ctx, st, seed, firstID, n)
	rev2 := 0
	for _, f := range fx {
		if f.rev2 {
			rev2++
		}
	}
	store := replay.NewRedisStore(st.rdb, replay.WithPrefix(st.replayPrefix))
	if rev, err := store.Revision(ctx, "the reprocess that made revision 2"); err != nil || rev != 2 {
		t.Fatalf("first reprocess revision %d, %v; want 2", rev, err)
	}
	oldID := "old-" + fx[0].id
	writeOld(t, ctx, st.bc, st.enriched, oldID, "https://archive.example/"+oldID+".html", 8*24*time.Hour)
	before := map[string]map[string][]string{st.cleaned: placed(t, ctx, st.bc, st.cleaned), st.enriched: placed(t, ctx, st.bc, st.enriched)}

	lose()
	sink, closeSink := newOnceSink(t, st)
	defer closeSink()
	if err := sink.Write(ctx, []stage.Output{output(t, st.cleaned, fx[0].id, 1, fx[0].article())}); !errors.Is(err, once.ErrStoreLost) {
		t.Fatalf("write after the loss: %v, want ErrStoreLost (the test did not lose the store)", err)
	}

	t0 := time.Now()
	stdout, stderr, err := runCtl(ctx, st.ctlArgs("dedup-rebuild", "--topic", st.enriched, "--store-topics", st.cleaned+","+st.enriched,
		"--settle-wait", "0", "--progress-interval", "1ms")...)
	took := time.Since(t0)
	if err != nil {
		t.Fatalf("dedup-rebuild: %v\n%s\n%s", err, stdout, stderr)
	}
	for _, want := range []string{
		"dedup-rebuild: window 7d: dedup index from " + st.enriched,
		fmtLine("index from %s: %d records read, %d stories restored (%d seen before or further revisions, 1 older than the window, 0 undecodable, 0 without URL)",
			st.enriched, n+rev2+1, n, rev2),
		fmtLine("store of %s: %d records, %d story revisions marked delivered, 0 older", st.cleaned, n, n),
		fmtLine("store of %s: %d records, %d story revisions marked delivered, 1 older", st.enriched, n+rev2+1, n+rev2),
		"replay revision counter raised: the next reprocess gets revision 3 or later",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "dedup-rebuild index "+st.enriched+": ") || !strings.Contains(stderr, "(100.0%)") {
		t.Errorf("no progress lines on stderr:\n%s", stderr)
	}

	// Identity: every story is back under its first URL, its alternate URL
	// (canonical form) points to it, and copies resolve to it.
	ix, err := dedup.NewIndex(st.rdb, dedup.Config{Prefix: st.dedupPrefix})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fx {
		s, err := ix.Story(ctx, f.id)
		alt, _ := ix.Fingerprint(f.raw, "")
		if err != nil || s.URL != f.canonical || !slices.Contains(s.Alternates, alt.URL) {
			t.Errorf("story %s after rebuild: %+v, %v; want url %s and alternate %s", f.id, s, err, f.canonical, alt.URL)
		}
	}
	if _, err := ix.Story(ctx, oldID); !errors.Is(err, dedup.ErrUnknownStory) {
		t.Errorf("story older than the window restored: %v", err)
	}
	var fps []dedup.Fingerprint
	var wantIDs []string
	var wantKinds []dedup.Kind
	for _, f := range fx[:min(len(fx), 5)] {
		edited := f.text[:len(f.text)-1] + " today."
		for _, c := range []struct {
			url, text string
			kind      dedup.Kind
		}{
			{"https://elsewhere.example/copy-" + f.id, f.text, dedup.KindContent},
			{f.raw + "?utm_source=feed", "a different text entirely, short", dedup.KindURL},
			{"https://elsewhere.example/edited-" + f.id, edited, dedup.KindNear},
		} {
			fp, err := ix.Fingerprint(c.url, c.text)
			if err != nil {
				t.Fatal(err)
			}
			fps, wantIDs, wantKinds = append(fps, fp), append(wantIDs, f.id), append(wantKinds, c.kind)
		}
	}
	rs, err := ix.Resolve(ctx, fps)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rs {
		if r.StoryID != wantIDs[i] || r.Kind != wantKinds[i] {
			t.Errorf("copy %s resolved to %s (%s), want %s (%s)", fps[i].URL, r.StoryID, r.Kind, wantIDs[i], wantKinds[i])
		}
	}

	// Exactly-once: every story revision is done again, nothing else, and a
	// stage re-delivering the stories produces nothing.
	for _, topic := range []string{st.cleaned, st.enriched} {
		if ok, err := once.StoreStatus(ctx, st.rdb, st.oncePrefix, topic); err != nil || !ok {
			t.Errorf("store of %s not in place after rebuild: %v", topic, err)
		}
	}
	for _, f := range fx {
		want := map[string][]int64{st.cleaned: {1}, st.enriched: {1}}
		if f.rev2 {
			want[st.enriched] = []int64{1, 2}
		}
		for topic, revs := range want {
			cs, err := once.Lookup(ctx, st.rdb, st.oncePrefix, topic, f.id, []int64{0, 1, 2, 3})
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, c := range cs {
				if c.State == once.StateDone {
					got = append(got, c.Revision)
				}
			}
			if !slices.Equal(got, revs) {
				t.Errorf("story %s on %s: done revisions %v, want %v", f.id, topic, got, revs)
			}
		}
	}
	if cs, _ := once.Lookup(ctx, st.rdb, st.oncePrefix, st.enriched, oldID, []int64{1}); len(cs) != 0 {
		t.Errorf("story older than the window marked: %+v", cs)
	}
	var again []stage.Output
	for _, f := range fx {
		again = append(again, output(t, st.cleaned, f.id, 1, f.article()))
	}
	sink2, closeSink2 := newOnceSink(t, st)
	defer closeSink2()
	if err := sink2.Write(ctx, again); err != nil {
		t.Fatal(err)
	}
	if s := sink2.Stats(); s.Duplicates != int64(n) || s.Produced != 0 {
		t.Errorf("re-delivery after rebuild: %d dropped, %d produced; want %d and 0", s.Duplicates, s.Produced, n)
	}
	for topic, was := range before {
		if now := placed(t, ctx, st.bc, topic); !mapsEqual(now, was) {
			t.Errorf("%s changed by the rebuild or the re-delivery", topic)
		}
	}

	// Revisions: the next reprocess gets a revision not delivered yet.
	if rev, err := store.Revision(ctx, "a later reprocess"); err != nil || rev != 3 {
		t.Errorf("next reprocess after rebuild: revision %d, %v; want 3", rev, err)
	}
	t.Logf("dedup-rebuild of %d stories (%d records) in %s:\n%s", n, n+rev2+1, took.Round(time.Millisecond), stdout)
}

func fmtLine(format string, args ...any) string {
	return "dedup-rebuild: " + fmt.Sprintf(format, args...)
}

func mapsEqual(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}
