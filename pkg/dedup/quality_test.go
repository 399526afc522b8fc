package dedup

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestNearDuplicateQuality measures the near-duplicate decision on generated
// pairs: true near duplicates (light edits, reordered paragraphs, a changed
// boilerplate line, a changed byline, a changed sentence) and distinct
// stories on the same topic. Precision and recall of the default
// configuration must both reach 0.95; the numbers are reported per edit kind,
// and for SimHash as a comparison.
func TestNearDuplicateQuality(t *testing.T) {
	pairs := 600 // per class: 600 near-duplicate pairs and 600 distinct pairs
	if testing.Short() {
		pairs = 200
	}
	for _, tc := range []struct {
		name   string
		cfg    Config
		assert bool
	}{
		{"minhash (default)", Config{}, true},
		{"simhash", Config{Sketch: SketchSimHash}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.Canonical = lowerURL
			cfg = cfg.withDefaults()
			c := &corpus{rng: rand.New(rand.NewPCG(2025, 3))} // same corpus for both
			fp := func(a article) Fingerprint {
				f, err := cfg.Fingerprint("https://x.example/", a.text())
				if err != nil {
					t.Fatal(err)
				}
				return f
			}
			isNear := func(a, b Fingerprint) bool {
				return a.HasSimHash && b.HasSimHash && Hamming(a.SimHash, b.SimHash) <= cfg.MaxDistance
			}
			hits := map[string]int{}
			total := map[string]int{}
			var tp, fn, fp_, tn int
			for i := range pairs {
				tpc := topics[i%len(topics)]
				a := c.article(tpc)
				kind := editKinds[i%len(editKinds)]
				b := c.nearCopy(tpc, a, kind)
				total[kind]++
				if isNear(fp(a), fp(b)) {
					tp++
					hits[kind]++
				} else {
					fn++
				}
				d := c.article(tpc)
				total[distinctTopic]++
				if isNear(fp(a), fp(d)) {
					fp_++
					hits[distinctTopic]++
				} else {
					tn++
				}
			}
			precision := float64(tp) / float64(max(tp+fp_, 1))
			recall := float64(tp) / float64(tp+fn)
			t.Logf("%s: %d near-duplicate and %d distinct pairs: precision %.3f recall %.3f", tc.name, tp+fn, fp_+tn, precision, recall)
			for _, k := range append(editKinds, distinctTopic) {
				t.Logf("  %-22s judged near %4d of %4d (%.2f)", k, hits[k], total[k], float64(hits[k])/float64(total[k]))
			}
			if tc.assert && (precision < 0.95 || recall < 0.95) {
				t.Errorf("precision %.3f, recall %.3f: both must be at least 0.95", precision, recall)
			}
		})
	}
}

// The index finds what the pairwise decision finds: a sample of the corpus
// resolved through Redis gives the near copies the original's story id.
func TestNearDuplicatesThroughIndex(t *testing.T) {
	ix, _, _ := newTestIndex(t, Config{})
	c := &corpus{rng: rand.New(rand.NewPCG(99, 1))}
	found, want := 0, 0
	for i := range 100 {
		tpc := topics[i%len(topics)]
		a := c.article(tpc)
		b := c.nearCopy(tpc, a, editKinds[i%len(editKinds)])
		fa := mustFP(t, ix, fmt.Sprintf("https://a.example/%d", i), a.text())
		fb := mustFP(t, ix, fmt.Sprintf("https://b.example/%d", i), b.text())
		ra, err := ix.Resolve(context.Background(), []Fingerprint{fa})
		if err != nil {
			t.Fatal(err)
		}
		rb, err := ix.Resolve(context.Background(), []Fingerprint{fb})
		if err != nil {
			t.Fatal(err)
		}
		d := Hamming(fa.SimHash, fb.SimHash)
		matched := rb[0].StoryID == ra[0].StoryID && rb[0].Kind == KindNear
		switch {
		case d <= 3: // the bands guarantee it
			want++
			if rb[0].StoryID == ra[0].StoryID {
				found++
			}
		case d <= ix.cfg.MaxDistance: // found when the two share a band
			if shared := sharesBand(fa.SimHash, fb.SimHash); matched != shared {
				t.Errorf("pair %d at distance %d: matched %v, shares a band %v", i, d, matched, shared)
			}
		case matched:
			t.Errorf("pair %d at distance %d matched as near (max %d)", i, d, ix.cfg.MaxDistance)
		}
	}
	if found != want {
		t.Fatalf("index found %d of %d near pairs within distance 3", found, want)
	}
}

func sharesBand(a, b uint64) bool {
	ba, bb := bands(a), bands(b)
	for i := range ba {
		if ba[i] == bb[i] {
			return true
		}
	}
	return false
}
