package dedup

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// testClock is a settable clock shared by a Config and miniredis.
type testClock struct {
	mu  sync.Mutex
	now time.Time
	mr  *miniredis.Miniredis
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

// Add moves the clock, miniredis's TIME and its TTLs by d.
func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.mr.SetTime(c.now)
	c.mr.FastForward(d)
}

// identity canonicalisation, so these tests do not depend on urlnorm's rules.
func lowerURL(raw string) (string, error) {
	if raw == "" {
		return "", errors.New("empty url")
	}
	return strings.ToLower(raw), nil
}

func newTestIndex(t testing.TB, cfg Config) (*Index, *miniredis.Miniredis, *testClock) {
	t.Helper()
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { rdb.Close() })
	// miniredis's TIME stays the wall clock until the test moves clk.
	clk := &testClock{now: time.Now().Truncate(time.Millisecond), mr: mr}
	if cfg.Canonical == nil {
		cfg.Canonical = lowerURL
	}
	cfg.Now = clk.Now
	ix, err := NewIndex(rdb, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return ix, mr, clk
}

func mustFP(t testing.TB, ix *Index, url, text string) Fingerprint {
	t.Helper()
	fp, err := ix.Fingerprint(url, text)
	if err != nil {
		t.Fatal(err)
	}
	return fp
}

func resolve1(t testing.TB, ix *Index, fp Fingerprint) Resolution {
	t.Helper()
	res, err := ix.Resolve(context.Background(), []Fingerprint{fp})
	if err != nil {
		t.Fatal(err)
	}
	return res[0]
}

func TestResolveKinds(t *testing.T) {
	c := &corpus{rng: rand.New(rand.NewPCG(7, 7))}
	tp := topics[0]
	base := c.article(tp)
	other := c.article(tp)
	// A near copy that is not byte-equal after normalisation, and close in sketch.
	var near article
	cfg := Config{Canonical: lowerURL}
	for {
		near = c.nearCopy(tp, base, editByline)
		fa, _ := cfg.Fingerprint("u", base.text())
		fb, _ := cfg.Fingerprint("u", near.text())
		if Hamming(fa.SimHash, fb.SimHash) <= 3 {
			break
		}
	}

	ix, _, _ := newTestIndex(t, Config{})
	first := resolve1(t, ix, mustFP(t, ix, "https://a.example/story", base.text()))
	if first.Kind != KindNew || first.StoryID != StoryID("https://a.example/story") {
		t.Fatalf("first copy: got %+v, want new story with id of its url", first)
	}
	tests := []struct {
		name string
		url  string
		text string
		want Kind
		same bool
	}{
		{"replay of the same input", "https://a.example/story", base.text(), KindURL, true},
		{"same url, updated text", "https://A.example/story", other.text(), KindURL, true},
		{"syndicated copy, same text", "https://b.example/copy", strings.ToUpper(base.text()), KindContent, true},
		{"near copy", "https://c.example/near", near.text(), KindNear, true},
		{"different story", "https://d.example/other", other.text(), KindNew, false},
		{"alternate url seen again", "https://b.example/copy", "short", KindURL, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := resolve1(t, ix, mustFP(t, ix, tc.url, tc.text))
			if got.Kind != tc.want {
				t.Errorf("kind: got %s, want %s", got.Kind, tc.want)
			}
			if (got.StoryID == first.StoryID) != tc.same {
				t.Errorf("story id %s, first %s: same=%v, want %v", got.StoryID, first.StoryID, !tc.same, tc.same)
			}
		})
	}
	st, err := ix.Story(context.Background(), first.StoryID)
	if err != nil {
		t.Fatal(err)
	}
	wantAlts := []string{"https://b.example/copy", "https://c.example/near"}
	if st.URL != "https://a.example/story" || !slices.Equal(st.Alternates, wantAlts) {
		t.Errorf("story: got url %q alternates %q, want %q and %q", st.URL, st.Alternates, "https://a.example/story", wantAlts)
	}
	if first := ix.cfg.Now(); !st.FirstSeen.Equal(first) {
		t.Errorf("first seen %s", st.FirstSeen)
	}
	if _, err := ix.Story(context.Background(), StoryID("https://nowhere.example/")); !errors.Is(err, ErrUnknownStory) {
		t.Errorf("unknown story: got %v, want ErrUnknownStory", err)
	}
}

func TestResolveBatch(t *testing.T) {
	c := &corpus{rng: rand.New(rand.NewPCG(3, 4))}
	a, b := c.article(topics[1]), c.article(topics[1])
	ix, _, _ := newTestIndex(t, Config{})
	fps := []Fingerprint{
		mustFP(t, ix, "https://x.example/a", a.text()),
		mustFP(t, ix, "https://x.example/a", a.text()),      // exact re-send
		mustFP(t, ix, "https://y.example/a", a.text()),      // same text elsewhere
		mustFP(t, ix, "https://x.example/b", b.text()),      // another story
		mustFP(t, ix, "https://z.example/b", b.text()+"\n"), // its copy
	}
	res, err := ix.Resolve(context.Background(), fps)
	if err != nil {
		t.Fatal(err)
	}
	idA, idB := StoryID("https://x.example/a"), StoryID("https://x.example/b")
	want := []Resolution{{idA, KindNew, 0}, {idA, KindURL, 0}, {idA, KindContent, 0}, {idB, KindNew, 0}, {idB, KindContent, 0}}
	if !slices.Equal(res, want) {
		t.Fatalf("got %+v\nwant %+v", res, want)
	}
	// The whole batch again, as after a crash before producing: same ids.
	again, err := ix.Resolve(context.Background(), fps)
	if err != nil {
		t.Fatal(err)
	}
	for i := range again {
		if again[i].StoryID != res[i].StoryID {
			t.Errorf("replay %d: got %s, want %s", i, again[i].StoryID, res[i].StoryID)
		}
	}
	st, err := ix.Story(context.Background(), idA)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(st.Alternates, []string{"https://y.example/a"}) {
		t.Errorf("alternates of a: %q", st.Alternates)
	}
}

// Concurrent copies of one story, from several processes at once, must end
// up under one story id: the first writer of each key wins, losers adopt.
func TestResolveConcurrentCopiesConverge(t *testing.T) {
	testConcurrentCopies(t, func(t *testing.T) *Index {
		ix, _, _ := newTestIndex(t, Config{})
		return ix
	})
}

func testConcurrentCopies(t *testing.T, newIndex func(*testing.T) *Index) {
	c := &corpus{rng: rand.New(rand.NewPCG(11, 12))}
	cases := []struct {
		name string
		text func(art article, i int) string
		url  func(i int) string
	}{
		{"same url", func(a article, _ int) string { return a.text() }, func(int) string { return "https://same.example/s" }},
		{"same text, other urls", func(a article, _ int) string { return a.text() }, func(i int) string { return fmt.Sprintf("https://site%d.example/s", i) }},
		{"near copies, other urls", func(a article, i int) string {
			a = a.clone()
			a.byline = bylines[i%len(bylines)] + fmt.Sprint(" ", i)
			return a.text()
		}, func(i int) string { return fmt.Sprintf("https://site%d.example/s", i) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for trial := range 20 {
				ix := newIndex(t)
				art := c.article(topics[trial%len(topics)])
				const copies = 6
				fps := make([]Fingerprint, copies)
				for i := range fps {
					fps[i] = mustFP(t, ix, tc.url(i), tc.text(art, i))
				}
				if tc.name == "near copies, other urls" && !allNear(fps) {
					continue // the test is about the race, not the sketch
				}
				ids := make([]string, copies)
				var wg sync.WaitGroup
				start := make(chan struct{})
				for i := range copies {
					wg.Go(func() {
						<-start
						res, err := ix.Resolve(context.Background(), fps[i:i+1])
						if err != nil {
							t.Error(err)
							return
						}
						ids[i] = res[0].StoryID
					})
				}
				close(start)
				wg.Wait()
				for i := range ids {
					if ids[i] != ids[0] {
						t.Fatalf("trial %d: copies resolved to different stories: %q", trial, ids)
					}
				}
				// Later copies agree with the race's outcome.
				for i := range fps {
					if got := resolve1(t, ix, fps[i]); got.StoryID != ids[0] {
						t.Fatalf("trial %d: copy %d later resolves to %s, want %s", trial, i, got.StoryID, ids[0])
					}
				}
			}
		})
	}
}

func allNear(fps []Fingerprint) bool {
	for i := range fps {
		for j := range i {
			if Hamming(fps[i].SimHash, fps[j].SimHash) > 3 {
				return false
			}
		}
	}
	return true
}

func TestResolveWindowExpiry(t *testing.T) {
	c := &corpus{rng: rand.New(rand.NewPCG(5, 6))}
	a := c.article(topics[2])
	ix, _, clk := newTestIndex(t, Config{Window: time.Hour})
	first := resolve1(t, ix, mustFP(t, ix, "https://x.example/1", a.text()))
	clk.Add(59 * time.Minute)
	if got := resolve1(t, ix, mustFP(t, ix, "https://y.example/2", a.text())); got.StoryID != first.StoryID {
		t.Fatalf("inside the window: got %+v, want story %s", got, first.StoryID)
	}
	clk.Add(2 * time.Minute)
	got := resolve1(t, ix, mustFP(t, ix, "https://z.example/3", a.text()))
	if got.Kind != KindNew || got.StoryID == first.StoryID {
		t.Fatalf("after the window: got %+v, want a new story", got)
	}
}

func TestShortTextsMatchOnlyByURL(t *testing.T) {
	ix, _, _ := newTestIndex(t, Config{MinWords: 20})
	const text = "Page not found. The page you asked for does not exist."
	a := resolve1(t, ix, mustFP(t, ix, "https://x.example/a", text))
	b := resolve1(t, ix, mustFP(t, ix, "https://x.example/b", text))
	if a.StoryID == b.StoryID {
		t.Fatalf("two short pages with one text merged into story %s", a.StoryID)
	}
}

func TestResolveRedisDown(t *testing.T) {
	ix, mr, _ := newTestIndex(t, Config{})
	mr.Close()
	_, err := ix.Resolve(context.Background(), []Fingerprint{mustFP(t, ix, "https://x.example/a", "some text")})
	if err == nil {
		t.Fatal("resolve with Redis down: got nil error")
	}
}

func TestRestore(t *testing.T) {
	c := &corpus{rng: rand.New(rand.NewPCG(9, 9))}
	a := c.article(topics[0])
	ix, _, clk := newTestIndex(t, Config{})
	fp := mustFP(t, ix, "https://x.example/a", a.text())
	id := StoryID(fp.URL)
	err := ix.Restore(context.Background(), []Known{
		{StoryID: id, Fingerprint: fp, Alternates: []string{"https://amp.example/a"}, FirstSeen: clk.Now().Add(-time.Hour)},
		{StoryID: "old", Fingerprint: mustFP(t, ix, "https://x.example/old", "x"), FirstSeen: clk.Now().Add(-8 * 24 * time.Hour)},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"https://x.example/a", "https://amp.example/a", "https://other.example/a"} {
		if got := resolve1(t, ix, mustFP(t, ix, u, a.text())); got.StoryID != id {
			t.Errorf("%s after restore: got %+v, want story %s", u, got, id)
		}
	}
	if got := resolve1(t, ix, mustFP(t, ix, "https://x.example/old", "x")); got.Kind != KindNew {
		t.Errorf("story older than the window was restored: %+v", got)
	}
}

// Exact-URL identity goes through urlnorm: tracking parameters and AMP
// variants of one URL are one story.
func TestResolveWithURLNorm(t *testing.T) {
	ix, _, _ := newTestIndex(t, Config{Canonical: nil})
	ix.cfg.Canonical = Config{}.withDefaults().Canonical
	a := resolve1(t, ix, mustFP(t, ix, "https://news.example.com/world/xi-visit?utm_source=twitter&utm_medium=social", "x"))
	b := resolve1(t, ix, mustFP(t, ix, "https://NEWS.example.com/world/xi-visit#comments", "y"))
	if a.StoryID != b.StoryID {
		t.Fatalf("tracking and fragment variants of one URL got ids %s and %s", a.StoryID, b.StoryID)
	}
}

func TestFingerprintRejectsBadURL(t *testing.T) {
	if _, err := (Config{Canonical: lowerURL}).Fingerprint("", "text"); err == nil {
		t.Fatal("empty url: got nil error")
	}
	if _, err := (Config{}).Fingerprint("::not a url", "text"); err == nil {
		t.Fatal("malformed url: got nil error")
	}
}
