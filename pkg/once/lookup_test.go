package once

import (
	"strconv"
	"testing"
	"time"
)

func TestLookup(t *testing.T) {
	h := newHarness(t)
	p := h.process(nil)
	ctx := testCtx(t)
	if err := p.sink.Write(ctx, append(stories("d", 3, 1), stories("d", 1, 2)...)); err != nil {
		t.Fatal(err)
	}
	// A claim left behind by a crashed owner: claimed, lease held.
	cPart := Partition([]byte("c0"), 4)
	b, _ := h.log.Bounds(ctx, topic, []int{cPart})
	// The process dies during its produce call, so its lease stays (a long
	// one, so that it does not lapse during the test).
	crashed := h.process(func(c *Config) { c.Owner = "crashed"; c.Lease = 10 * time.Second })
	crashed.prod.faults = func(int64, string, int, []Record) fault {
		crashed.crash()
		return fault{skip: true, err: errTimeout}
	}
	if err := crashed.sink.Write(ctx, stories("c", 1, 1)); err == nil {
		t.Fatal("a write whose process died succeeded")
	}

	tests := []struct {
		name      string
		story     string
		revisions []int64
		want      []Claim // fields compared: Revision, State, Partition, lease held, watermark known
	}{
		{"two revisions done", "d0", []int64{0, 1, 2, 3}, []Claim{
			{Revision: 1, State: StateDone, Partition: Partition([]byte("d0"), 4), Watermark: -1},
			{Revision: 2, State: StateDone, Partition: Partition([]byte("d0"), 4), Watermark: -1},
		}},
		{"one revision", "d1", []int64{1, 2}, []Claim{{Revision: 1, State: StateDone, Partition: Partition([]byte("d1"), 4), Watermark: -1}}},
		{"unknown", "nope", []int64{0, 1, 2}, nil},
		{"claimed by a crashed owner", "c0", []int64{1}, []Claim{
			{Revision: 1, State: StateClaimed, Partition: cPart, Watermark: b[0].End, Lease: "held"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Lookup(ctx, p.rdb, h.cfg.Prefix, topic, tc.story, tc.revisions)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d claims %+v, want %d", len(got), got, len(tc.want))
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Revision != w.Revision || g.State != w.State || g.Partition != w.Partition || g.Watermark != w.Watermark ||
					(w.Lease != "") != (g.Lease != "") || g.Topic != topic || g.StoryID != tc.story {
					t.Errorf("claim %d: got %+v, want %+v", i, g, w)
				}
				if g.Expires <= 0 || g.Expires > 7*24*time.Hour {
					t.Errorf("claim %d expires in %s, want within the window", i, g.Expires)
				}
				if g.State == StateClaimed && (g.Owner == "" || g.FirstClaim.IsZero() || g.Claims != 1 || g.LeaseLeft <= 0) {
					t.Errorf("claimed record lacks owner, time, count or lease: %+v", g)
				}
				if g.State == StateDone && (g.FirstClaim.IsZero() || g.Owner != "") {
					t.Errorf("done record: %+v", g)
				}
			}
		})
	}
	if _, err := Lookup(ctx, p.rdb, "", topic, "", []int64{1}); err == nil {
		t.Error("Lookup of an empty story id: no error")
	}
}

// Records written by Rebuild have a partition but no claim time.
func TestLookupAfterRebuild(t *testing.T) {
	h := newHarness(t)
	p := h.process(nil)
	ctx := testCtx(t)
	outs := stories("r", 5, 1)
	if err := p.sink.Write(ctx, outs); err != nil {
		t.Fatal(err)
	}
	h.mr.FlushAll()
	if _, err := Rebuild(ctx, p.rdb, h.log, topic, RebuildOptions{Config: h.cfg, SettleWait: -1}); err != nil {
		t.Fatal(err)
	}
	for i := range outs {
		id := "r" + strconv.Itoa(i)
		got, err := Lookup(ctx, p.rdb, "", topic, id, []int64{1})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].State != StateDone || got[0].Partition != Partition([]byte(id), 4) || !got[0].FirstClaim.IsZero() {
			t.Errorf("%s after rebuild: %+v", id, got)
		}
	}
}
