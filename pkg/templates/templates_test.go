package templates

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

func newMini(t *testing.T) (*miniredis.Miniredis, *redis.Client) {
	t.Helper()
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { rdb.Close() })
	return mr, rdb
}

// TestSyntheticSite: after five pages the shared footer is dropped, the
// rotating box once each teaser reached five pages, and no story paragraph
// of any of the 30 pages is ever flagged or dropped.
func TestSyntheticSite(t *testing.T) {
	_, rdb := newMini(t)
	l := New(rdb, Config{})
	leftover := runSite(t, context.Background(), l)
	for i, left := range leftover {
		// Each teaser is shown on 3 pages in 8: the last reaches its fifth
		// page at page 14; the footer at page 4.
		if want := i < 14; left != want {
			t.Errorf("page %d: template left in the output = %v, want %v", i, left, want)
		}
	}
	st, err := l.Stats(context.Background(), siteHost)
	if err != nil {
		t.Fatal(err)
	}
	// 2 footer paragraphs + the box header + 8 teasers
	if st.Boilerplate != 11 {
		t.Errorf("boilerplate fingerprints = %d, want 11", st.Boilerplate)
	}
}

// TestDistinctPages: the same page observed again (a re-fetch, a replay)
// does not count again, and hosts do not share counts.
func TestDistinctPages(t *testing.T) {
	_, rdb := newMini(t)
	ctx := context.Background()
	l := New(rdb, Config{Threshold: 3})
	block := []string{"Sign up for the Riverton bulletin, sent every Friday."}
	for range 10 {
		f, err := l.Observe(ctx, "a.example", "https://a.example/1", block)
		if err != nil {
			t.Fatal(err)
		}
		if f[0] {
			t.Fatal("flagged after one distinct page")
		}
	}
	tests := []struct {
		host, url string
		want      bool
	}{
		{"a.example", "https://a.example/2", false},
		{"b.example", "https://b.example/3", false}, // another host: its own count
		{"WWW.A.example:443", "https://a.example/3", true},
		{"a.example", "https://a.example/1", true}, // stays boilerplate
	}
	for _, tc := range tests {
		f, err := l.Observe(ctx, tc.host, tc.url, block)
		if err != nil {
			t.Fatal(err)
		}
		if f[0] != tc.want {
			t.Errorf("%s %s: flagged %v, want %v", tc.host, tc.url, f[0], tc.want)
		}
	}
}

// TestCapAndTTL: the LRU index never exceeds the cap, evicting the least
// recently seen (a recurring block survives a flood of unique ones), and
// the host's state expires after the TTL.
func TestCapAndTTL(t *testing.T) {
	mr, rdb := newMini(t)
	ctx := context.Background()
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	l := New(rdb, Config{Threshold: 3, MaxFingerprints: 64, TTL: time.Hour, Now: func() time.Time { return now }})
	footer := "Valley Media Group, Mill Lane, Riverton."
	var lastFlag bool
	for i := range 40 {
		paras := []string{footer}
		for k := range 10 {
			paras = append(paras, uniqueText(i*10+k))
		}
		f, err := l.Observe(ctx, "c.example", fmt.Sprintf("https://c.example/%d", i), paras)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range f[1:] {
			if x {
				t.Fatalf("page %d: a unique paragraph was flagged", i)
			}
		}
		lastFlag = f[0]
		now = now.Add(time.Second)
		st, err := l.Stats(ctx, "c.example")
		if err != nil {
			t.Fatal(err)
		}
		if st.Tracked > 64 {
			t.Fatalf("page %d: %d fingerprints tracked, cap 64", i, st.Tracked)
		}
		if n := rdb.HLen(ctx, l.Keys("c.example")[1]).Val(); n > st.Tracked {
			t.Fatalf("page %d: %d page lists for %d tracked fingerprints", i, n, st.Tracked)
		}
	}
	if !lastFlag {
		t.Error("the recurring footer was evicted by unique paragraphs")
	}
	for _, k := range l.Keys("c.example") {
		if ttl := mr.TTL(k); ttl <= 0 || ttl > time.Hour {
			t.Errorf("%s: TTL %s, want (0, 1h]", k, ttl)
		}
	}
	// Forgotten after the TTL without observations.
	mr.FastForward(time.Hour + time.Second)
	st, err := l.Stats(ctx, "c.example")
	if err != nil {
		t.Fatal(err)
	}
	if st.Tracked != 0 {
		t.Errorf("%d fingerprints left after the TTL", st.Tracked)
	}
}

// TestStaleFingerprintsForgotten: a fingerprint not seen for the TTL is
// dropped by the next observation of the host even while the host's keys
// live on, so a block must be learned again.
func TestStaleFingerprintsForgotten(t *testing.T) {
	_, rdb := newMini(t)
	ctx := context.Background()
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	l := New(rdb, Config{Threshold: 2, TTL: time.Hour, Now: func() time.Time { return now }})
	old := []string{"An old template line from before the redesign."}
	for i := range 2 {
		if _, err := l.Observe(ctx, "d.example", fmt.Sprintf("https://d.example/%d", i), old); err != nil {
			t.Fatal(err)
		}
	}
	now = now.Add(2 * time.Hour) // the keys are renewed by this observation
	if _, err := l.Observe(ctx, "d.example", "https://d.example/new", []string{"Something else entirely."}); err != nil {
		t.Fatal(err)
	}
	f, err := l.Observe(ctx, "d.example", "https://d.example/9", old)
	if err != nil {
		t.Fatal(err)
	}
	if f[0] {
		t.Error("a fingerprint unseen for longer than the TTL still counted")
	}
}

// TestBatchMatchesSequential: ObserveBatch gives the flags that Observe
// page by page would, in one round trip.
func TestBatchMatchesSequential(t *testing.T) {
	ctx := context.Background()
	site := makeSite(12)
	var pages []Page
	for _, p := range site {
		paras := append(append([]string{}, p.story...), siteFooter...)
		pages = append(pages, Page{Host: siteHost, URL: p.url, Paragraphs: paras})
	}
	pages = append(pages, Page{Host: "", URL: "https://x.example/", Paragraphs: []string{"no host"}}, Page{Host: "x.example"})

	_, rdb1 := newMini(t)
	seq := New(rdb1, Config{})
	var want [][]bool
	for _, p := range pages {
		f, err := seq.Observe(ctx, p.Host, p.URL, p.Paragraphs)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, f)
	}

	_, rdb2 := newMini(t)
	rt := &roundTrips{}
	rdb2.AddHook(rt)
	batch := New(rdb2, Config{})
	// warm the script cache so the count is the steady state
	if _, err := batch.Observe(ctx, "warm.example", "https://warm.example/", []string{"warm up"}); err != nil {
		t.Fatal(err)
	}
	rt.n.Store(0)
	got, err := batch.ObserveBatch(ctx, pages)
	if err != nil {
		t.Fatal(err)
	}
	if n := rt.n.Load(); n != 1 {
		t.Errorf("ObserveBatch of %d pages took %d round trips, want 1", len(pages), n)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("batch flags differ from sequential:\n got %v\nwant %v", got, want)
	}
	if len(got) != len(pages) || len(got[len(got)-1]) != 0 || got[len(got)-2][0] {
		t.Errorf("pages without host or paragraphs: %v", got[len(got)-2:])
	}
	// the footer is flagged from the fifth page on
	for i := range site {
		f := got[i]
		if footer := f[len(f)-1]; footer != (i >= 4) {
			t.Errorf("page %d: footer flagged %v", i, footer)
		}
	}
}

// TestObserveNoScriptRecovers: after SCRIPT FLUSH (a restarted server) the
// call is retried with EVAL and answers the same.
func TestObserveNoScriptRecovers(t *testing.T) {
	_, rdb := newMini(t)
	ctx := context.Background()
	l := New(rdb, Config{Threshold: 2})
	if _, err := l.Observe(ctx, "e.example", "https://e.example/1", []string{"Template line."}); err != nil {
		t.Fatal(err)
	}
	if err := rdb.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	f, err := l.Observe(ctx, "e.example", "https://e.example/2", []string{"Template line."})
	if err != nil {
		t.Fatal(err)
	}
	if !f[0] {
		t.Error("not flagged on the second page after a script flush")
	}
}

// TestObserveRedisDown: an unreachable Redis is an error, never a panic or
// a flag.
func TestObserveRedisDown(t *testing.T) {
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr(), MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	defer rdb.Close()
	mr.Close()
	l := New(rdb, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	f, err := l.Observe(ctx, "f.example", "https://f.example/1", []string{"Some text."})
	if err == nil || f != nil {
		t.Fatalf("Observe with Redis down = %v, %v; want an error", f, err)
	}
	if res := Filter("T", []string{"Some text."}, f, FilterOptions{}); len(res.Paragraphs) != 1 {
		t.Error("Filter with no flags dropped text")
	}
}

// TestHostileHost: a host with a brace cannot escape its hash tag and a
// huge one does not make huge keys.
func TestHostileHost(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"Example.COM", "example.com"},
		{"www.example.com:8080", "example.com"},
		{"example.com.", "example.com"},
		{"[::1]:80", "[::1]"},
		{"bücher.example", "bücher.example"},
		{"", ""},
		{"a}b{c", "h"},
		{strings.Repeat("a", 300), "h"},
	}
	for _, tc := range tests {
		got := hostTag(tc.in)
		if tc.want == "h" {
			if !strings.HasPrefix(got, "h") || len(got) != 17 || strings.ContainsAny(got, "{}") {
				t.Errorf("hostTag(%q) = %q, want a hashed tag", tc.in, got)
			}
			continue
		}
		if got != tc.want {
			t.Errorf("hostTag(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestFingerprint(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{"© 2024 Valley Media. All rights reserved.", "© 2025 Valley Media — all rights reserved", true},
		{"12 comments", "7 Comments", true},
		{"Updated 10:42, 11/02/2024", "Updated 9:05, 3/12/2023", true},
		{"Share  this\tstory", "share this story!", true},
		{"The council voted to close the market.", "The council voted to close the pool.", false},
		{"Διαβάστε επίσης", "ΔΙΑΒΆΣΤΕ ΕΠΊΣΗΣ", true},
		{"責任編輯：王明", "責任編輯：李華", false},
	}
	for _, tc := range tests {
		fa, oka := Fingerprint(tc.a)
		fb, okb := Fingerprint(tc.b)
		if !oka || !okb {
			t.Fatalf("%q / %q: not fingerprinted", tc.a, tc.b)
		}
		if (fa == fb) != tc.same {
			t.Errorf("Fingerprint(%q) == Fingerprint(%q) is %v, want %v", tc.a, tc.b, fa == fb, tc.same)
		}
	}
	for _, s := range []string{"", "   ", "2024", "— * —", "***"} {
		if _, ok := Fingerprint(s); ok {
			t.Errorf("Fingerprint(%q) tracked, want not", s)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"zero is defaults", Config{}, true},
		{"threshold 1", Config{Threshold: 1}, false},
		{"threshold too high", Config{Threshold: MaxThreshold + 1}, false},
		{"tiny cap", Config{MaxFingerprints: 4}, false},
		{"negative ttl", Config{TTL: -time.Second}, false},
		{"sub-second ttl", Config{TTL: time.Millisecond}, false},
		{"good", Config{Threshold: 3, MaxFingerprints: 1000, TTL: time.Hour, MaxParagraphs: 50}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.cfg.Validate(); (err == nil) != tc.ok {
				t.Errorf("Validate() = %v, want ok=%v", err, tc.ok)
			}
		})
	}
	c := New(nil, Config{MaxFingerprints: 100, MaxParagraphs: 500}).Config()
	if c.MaxParagraphs != 50 || c.Threshold != DefaultThreshold || c.TTL != DefaultTTL {
		t.Errorf("defaults/clamps: %+v", c)
	}
}

// uniqueText returns a paragraph that differs from every other one by its
// words (digits are folded by Fingerprint, so numbers would not do).
func uniqueText(i int) string {
	words := []string{"alder", "birch", "cedar", "dogwood", "elm", "fir", "ginkgo", "hazel", "ivy", "juniper"}
	var b strings.Builder
	b.WriteString("Notes on")
	for i > 0 || b.Len() == len("Notes on") {
		b.WriteString(" " + words[i%10])
		i /= 10
	}
	return b.String() + "."
}

// roundTrips counts commands and pipelines sent to Redis.
type roundTrips struct{ n atomic.Int64 }

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		r.n.Add(1)
		return next(ctx, cmd)
	}
}
func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		r.n.Add(1)
		return next(ctx, cmds)
	}
}
