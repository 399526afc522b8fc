package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pkg/dedup"
	"github.com/newsflow/newsflow/pkg/replay"
	"github.com/newsflow/newsflow/pkg/stage"
)

// TestStoryCommand delivers stories on the embedded Kafka and Redis as the
// stages do and asks `newsctl story` about them.
func TestStoryCommand(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, _ := embeddedState(t, ctx)
	fx := seedStories(t, ctx, st, 3, 500, 6)
	// The revision counter knows of revision 2 (a reprocess ran).
	if _, err := replay.NewRedisStore(st.rdb).Revision(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	// A copy of story 0 under another URL: the index records it as alternate.
	ix, err := dedup.NewIndex(st.rdb, dedup.Config{})
	if err != nil {
		t.Fatal(err)
	}
	copyURL := "https://copies.example/news/" + fx[0].id + ".html"
	fp, _ := ix.Fingerprint(copyURL, fx[0].text)
	if rs, err := ix.Resolve(ctx, []dedup.Fingerprint{fp}); err != nil || rs[0].StoryID != fx[0].id {
		t.Fatalf("copy resolved to %+v, %v", rs, err)
	}
	// Story 2 on the cleaned topic twice (written around pkg/once), and a
	// story on the log the store does not know.
	sink := stage.NewKafkaSink(st.bc, stage.SinkOptions{})
	defer sink.Close()
	dup := output(t, st.cleaned, fx[2].id, 1, fx[2].article())
	dup.Headers = append(dup.Headers, stage.Header{Key: "newsflow-revision", Value: []byte("1")})
	if err := sink.Write(ctx, []stage.Output{dup}); err != nil {
		t.Fatal(err)
	}
	writeOld(t, ctx, st.bc, st.enriched, "unknown-to-redis", "https://gone.example/x.html", time.Hour)
	where := map[string]map[string][]string{st.cleaned: placed(t, ctx, st.bc, st.cleaned), st.enriched: placed(t, ctx, st.bc, st.enriched)}

	t.Run("json", func(t *testing.T) {
		out, _, err := runCtl(ctx, st.ctlArgs("story", fx[0].id, "--json")...)
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		var rep storyReport
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		copyCanon, _ := ix.Fingerprint(copyURL, "")
		if rep.ID != fx[0].id || !rep.InIndex || rep.URL != fx[0].canonical || rep.FirstSeen == nil || !slices.Contains(rep.Alternates, copyCanon.URL) {
			t.Errorf("index part: %+v", rep)
		}
		checkPlaces(t, rep, where, map[string][]int64{st.cleaned: {1}, st.enriched: {1, 2}})
	})
	t.Run("text", func(t *testing.T) {
		out, _, err := runCtl(ctx, st.ctlArgs("story", fx[1].id)...)
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		p := where[st.enriched][fx[1].id][0] // "1@p/offset"
		var part, off int
		fmt.Sscanf(p, "1@%d/%d", &part, &off)
		for _, want := range []string{
			"story " + fx[1].id,
			"  url          " + fx[1].canonical,
			fmt.Sprintf("%s (partition %d of 3)", st.enriched, part),
			fmt.Sprintf("  revision 1   done     partition %d  offset %d at ", part, off),
			"remembered for 16",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("by url", func(t *testing.T) {
		for _, u := range []string{copyURL, fx[0].canonical + "?utm_source=x"} {
			out, _, err := runCtl(ctx, st.ctlArgs("story", u, "--no-scan")...)
			if err != nil || !strings.HasPrefix(out, "story "+fx[0].id+"\n") || strings.Contains(out, "offset") {
				t.Errorf("story %s: %v\n%s", u, err, out)
			}
		}
	})
	t.Run("twice on the log", func(t *testing.T) {
		out, _, err := runCtl(ctx, st.ctlArgs("story", fx[2].id)...)
		if err != nil || !strings.Contains(out, "ON THE LOG 2 TIMES") {
			t.Errorf("a story on the log twice is not flagged: %v\n%s", err, out)
		}
	})
	t.Run("on the log, not in the store", func(t *testing.T) {
		out, _, err := runCtl(ctx, st.ctlArgs("story", "unknown-to-redis", "--json")...)
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		var rep storyReport
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		checkPlaces(t, rep, where, map[string][]int64{st.cleaned: nil, st.enriched: {1}})
		if rep.InIndex || rep.Topics[1].Revisions[0].State != "not in store" {
			t.Errorf("a record unknown to Redis: %+v", rep.Topics)
		}
	})
	t.Run("unknown", func(t *testing.T) {
		out, _, err := runCtl(ctx, st.ctlArgs("story", "0123456789abcdef0123456789abcdef")...)
		if err == nil || !strings.Contains(err.Error(), "is not known") || !strings.Contains(out, "not in the dedup index") {
			t.Errorf("unknown story: %v\n%s", err, out)
		}
	})
	for _, bad := range []string{"a b", "{x}", "", "ftp://x"} {
		t.Run("bad "+bad, func(t *testing.T) {
			if _, _, err := runCtl(ctx, st.ctlArgs("story", bad)...); err == nil || !strings.Contains(err.Error(), "not a story id") {
				t.Errorf("story %q: %v", bad, err)
			}
		})
	}
}

// checkPlaces compares the revisions and records a story report lists per
// topic with where the records are (placed).
func checkPlaces(t *testing.T, rep storyReport, where map[string]map[string][]string, revs map[string][]int64) {
	t.Helper()
	for _, ot := range rep.Topics {
		var gotRevs []int64
		var gotPlaces []string
		for _, rv := range ot.Revisions {
			gotRevs = append(gotRevs, rv.Revision)
			for _, r := range rv.Records {
				gotPlaces = append(gotPlaces, fmt.Sprintf("%d@%d/%d", rv.Revision, r.Partition, r.Offset))
			}
		}
		want := where[ot.Topic][rep.ID]
		slices.Sort(gotPlaces)
		slices.Sort(want)
		if !slices.Equal(gotRevs, revs[ot.Topic]) || !slices.Equal(gotPlaces, want) || ot.Error != "" {
			t.Errorf("%s: revisions %v at %v (error %q); want %v at %v", ot.Topic, gotRevs, gotPlaces, ot.Error, revs[ot.Topic], want)
		}
	}
}
