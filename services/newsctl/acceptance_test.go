package main

// Issue 7's acceptance, end to end: the enricher and cleaner binaries and
// newsctl run as processes against the real Kafka broker and redis-server
// (make test-integration). Each test has topics, groups and Redis key
// prefixes of its own, so tests never share state.

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/segmentio/kafka-go"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/corpus"
	"github.com/newsflow/newsflow/pkg/dedup"
	"github.com/newsflow/newsflow/pkg/e2e"
	newsflowv1 "github.com/newsflow/newsflow/pkg/gen/newsflow/v1"
	"github.com/newsflow/newsflow/pkg/lag"
	"github.com/newsflow/newsflow/pkg/replay"
	"github.com/newsflow/newsflow/pkg/stage"
	"github.com/newsflow/newsflow/pkg/testenv"
	"github.com/newsflow/newsflow/pkg/wire"
)

// acc is one acceptance test's world: the real services, the binaries, and
// names of its own.
type acc struct {
	t                      *testing.T
	bc                     broker.Config
	rdb                    redis.UniversalClient
	redisURL               string
	bin                    string
	name                   string // unique prefix of every name below
	raw, cleaned, enriched string
	replayPrefix           string
}

func newAcc(t *testing.T) *acc {
	bc := testenv.Kafka(t)
	rdb, url := testenv.Redis(t)
	bin := e2e.Binaries(t)
	name := testenv.Name("acc")
	a := &acc{t: t, bc: bc, rdb: rdb, redisURL: url, bin: bin, name: name,
		raw: name + "-raw", cleaned: name + "-cleaned", enriched: name + "-enriched", replayPrefix: name + ":replay:"}
	t.Cleanup(func() {
		deleteKeys(t, rdb, name+":*")            // replay state
		deleteKeys(t, rdb, "nf:once:"+name+"-*") // the stages' exactly-once records of this test's topics
	})
	return a
}

// topics creates the test's topics (3 partitions each).
func (a *acc) topics(names ...string) {
	testenv.CreateTopics(a.t, a.bc, 3, names...)
}

// stageArgs are a stage's flags on this test's topics, with exactly-once
// timings short enough for a test (a killed stage's claims lapse in 10s).
func (a *acc) stageArgs(group, in, out string, extra ...string) []string {
	return append([]string{"--brokers", a.bc.Brokers[0], "--redis-url", a.redisURL, "--group", group,
		"--input-topic", in, "--output-topic", out, "--dlq-topic", in + ".dlq", "--ops-addr", "127.0.0.1:0",
		"--log-level", "info", "--drain-timeout", "10s",
		"--once-lease", "10s", "--once-produce-timeout", "4s", "--once-settle-grace", "2s"}, extra...)
}

func (a *acc) enricher(group string) *e2e.Proc {
	return e2e.Start(a.t, filepath.Join(a.bin, "enricher"), a.stageArgs(group, a.cleaned, a.enriched))
}

// stop ends a stage with SIGTERM (it drains and leaves its group).
func (a *acc) stop(p *e2e.Proc) {
	a.t.Helper()
	if err := p.Signal(syscall.SIGTERM); err != nil {
		a.t.Fatal(err)
	}
	if err := p.Wait(30 * time.Second); err != nil {
		a.t.Fatalf("%s after SIGTERM: %v", p.Name, err)
	}
}

// ctl runs newsctl to completion and returns its stdout and stderr.
func (a *acc) ctl(timeout time.Duration, args ...string) (string, string) {
	a.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(a.bin, "newsctl"), a.ctlArgs(args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		a.t.Fatalf("newsctl %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String(), errb.String()
}

func (a *acc) ctlArgs(args ...string) []string {
	return append(args, "--brokers", a.bc.Brokers[0], "--redis-url", a.redisURL, "--replay-prefix", a.replayPrefix)
}

// write produces outs to topic.
func (a *acc) write(topic string, outs []stage.Output) {
	a.t.Helper()
	for i := range outs {
		outs[i].Topic = topic
	}
	sink := stage.NewKafkaSink(a.bc, stage.SinkOptions{})
	defer sink.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := sink.Write(ctx, outs); err != nil {
		a.t.Fatalf("write %s: %v", topic, err)
	}
}

// waitDrained waits until group has committed topic to its end.
func (a *acc) waitDrained(group, topic string, timeout time.Duration, procs ...*e2e.Proc) {
	a.t.Helper()
	c := a.bc.Client()
	defer broker.CloseClient(c)
	deadline := time.Now().Add(timeout)
	for {
		ps, err := lag.Of(context.Background(), c, group, topic)
		done := err == nil && len(ps) > 0
		for _, p := range ps {
			if p.End > 0 && p.Committed != p.End {
				done = false
			}
		}
		if done {
			return
		}
		for _, p := range procs {
			if p.Exited() {
				a.t.Fatalf("%s exited early: %v", p.Name, p.Wait(0))
			}
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("group %s not drained on %s after %s: %+v (%v)", group, topic, timeout, ps, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// read returns the records of topic.
func (a *acc) read(topic string) []kafka.Message {
	a.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ms, err := e2e.ReadTopic(ctx, a.bc, topic)
	if err != nil {
		a.t.Fatal(err)
	}
	return ms
}

// delivered is what news.enriched holds: records per story revision, and
// the replay ids they came from.
type delivered struct {
	count  map[string]int    // "<story id>/r<rev>" -> records
	replay map[string]string // "<story id>/r<rev>" -> replay id of the last record
	total  int
}

func storyRev(id string, rev int64) string { return fmt.Sprintf("%s/r%d", id, rev) }

func (a *acc) delivered() delivered {
	a.t.Helper()
	d := delivered{count: map[string]int{}, replay: map[string]string{}}
	for _, m := range a.read(a.enriched) {
		var e newsflowv1.EnrichedArticle
		if err := wire.Decode(stage.FromKafka(m), &e); err != nil {
			a.t.Fatalf("decode enriched %s/%d: %v", m.Topic, m.Offset, err)
		}
		id := e.GetArticle().GetStoryId()
		if string(m.Key) != id || e2e.Header(m, "newsflow-revision") != fmt.Sprint(e.GetRevision()) {
			a.t.Errorf("enriched record key %q, story %q, revision header %q, revision %d", m.Key, id, e2e.Header(m, "newsflow-revision"), e.GetRevision())
		}
		k := storyRev(id, e.GetRevision())
		d.count[k]++
		d.replay[k] = e2e.Header(m, stage.HeaderReplay)
		d.total++
	}
	return d
}

// stories returns n clean stories as the cleaner emits them to news.cleaned
// (story id of the canonical URL, revision 1), from ids firstID.. of a
// generated corpus.
func stories(t *testing.T, seed uint64, firstID, n int) ([]stage.Output, []string) {
	t.Helper()
	g := corpus.New(seed)
	var outs []stage.Output
	var ids []string
	for i := 0; i < n; i++ {
		pg := g.Article(firstID+i, 2+i%3, 0)
		id := dedup.StoryID(pg.URL)
		a := &newsflowv1.CleanedArticle{StoryId: id, CanonicalUrl: pg.URL, Url: pg.URL, Title: pg.Title,
			Text: strings.Join(pg.Paragraphs, "\n\n"), Paragraphs: pg.Paragraphs, Language: "en", SiteName: "e2e",
			PublishedAt: timestamppb.New(pg.Published), CleanedAt: timestamppb.Now(), Revision: 1}
		v, h, err := wire.Encode(a)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, stage.Output{Key: []byte(id), Value: v, Headers: h})
		ids = append(ids, id)
	}
	return outs, ids
}

var replayIDRe = regexp.MustCompile(`replay (r-\d{8}-[0-9a-f]{8}):`)

func replayID(t *testing.T, out string) string {
	t.Helper()
	m := replayIDRe.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no replay id in the output:\n%s", out)
	}
	return m[1]
}

func stamp(tm time.Time) string { return tm.UTC().Format(time.RFC3339Nano) }

// TestE2EGapFillAfterEnricherOutage: the enricher was down while 1,000
// stories arrived, and the operator moved its group past them to catch up
// with live traffic; a gap-fill replay of the whole window delivers exactly
// those 1,000 and nothing else.
func TestE2EGapFillAfterEnricherOutage(t *testing.T) {
	a := newAcc(t)
	a.topics(a.cleaned, a.enriched, a.cleaned+".dlq")
	group := a.name + "-enricher"
	base := 1_000_000 + int(time.Now().UnixNano()%1_000_000_000)
	before, beforeIDs := stories(t, 11, base, 300)
	missed, missedIDs := stories(t, 12, base+10_000, 1000)
	after, afterIDs := stories(t, 13, base+20_000, 200)
	from := time.Now().Add(-time.Second)

	a.write(a.cleaned, before)
	en := a.enricher(group)
	a.waitDrained(group, a.cleaned, time.Minute, en)
	a.stop(en) // the outage
	a.write(a.cleaned, missed)
	// Back, and to catch up with live traffic first, the operator skips the
	// backlog: the 1,000 stories are now undelivered.
	out, _ := a.ctl(30*time.Second, "groups", "reset", "--group", group, "--topic", a.cleaned, "--to-latest", "--yes")
	if !strings.Contains(out, "offsets moved") {
		t.Fatalf("groups reset:\n%s", out)
	}
	en = a.enricher(group)
	a.write(a.cleaned, after)
	a.waitDrained(group, a.cleaned, time.Minute, en)
	gap := a.delivered()
	for _, id := range missedIDs {
		if gap.count[storyRev(id, 1)] != 0 {
			t.Fatalf("story %s of the outage was delivered before the replay: the test made no gap", id)
		}
	}
	if gap.total != len(before)+len(after) {
		t.Fatalf("before the replay: %d delivered, want %d", gap.total, len(before)+len(after))
	}

	t0 := time.Now()
	out, _ = a.ctl(2*time.Minute, "replay", "--topic", a.cleaned, "--from", stamp(from))
	id := replayID(t, out)
	if !strings.Contains(out, fmt.Sprintf("gap fill, %d records", len(before)+len(missed)+len(after))) {
		t.Errorf("the plan does not cover the window:\n%s", out)
	}
	a.waitDrained(group, a.cleaned, 2*time.Minute, en)
	took := time.Since(t0)

	got := a.delivered()
	newly, others, dups := 0, 0, 0
	missedSet := map[string]bool{}
	for _, id := range missedIDs {
		missedSet[storyRev(id, 1)] = true
	}
	for k, n := range got.count {
		if n > 1 {
			dups += n - 1
		}
		if gap.count[k] == 0 {
			if missedSet[k] {
				newly++
				if got.replay[k] != id {
					t.Errorf("story %s delivered by the gap fill lacks the replay header (%q)", k, got.replay[k])
				}
			} else {
				others++
			}
		}
	}
	for _, ids := range [][]string{beforeIDs, missedIDs, afterIDs} {
		for _, sid := range ids {
			if got.count[storyRev(sid, 1)] != 1 {
				t.Errorf("story %s delivered %d times, want once", sid, got.count[storyRev(sid, 1)])
			}
		}
	}
	if newly != len(missed) || others != 0 || dups != 0 || got.total-gap.total != len(missed) {
		t.Errorf("gap fill delivered %d new records: %d of the %d missing stories, %d others, %d duplicates",
			got.total-gap.total, newly, len(missed), others, dups)
	}

	// newsctl story shows where a gap-filled story is, and that it came from the replay.
	sout, _ := a.ctl(30*time.Second, "story", missedIDs[0], "--topics", a.enriched)
	if !strings.Contains(sout, "revision 1   done") || !strings.Contains(sout, "(replay "+id+")") {
		t.Errorf("newsctl story of a gap-filled story:\n%s", sout)
	}
	t.Logf("gap fill: window of %d records replayed; %d delivered = the %d missing stories, %d others, %d duplicates; replay and drain in %s\n%s",
		len(before)+len(missed)+len(after), got.total-gap.total, len(missed), others, dups, took.Round(time.Millisecond), sout)
}

// TestE2EReprocessDeliversRevision2Once: a reprocess replay of 500 stories
// delivers each once more, as revision 2; the same command run again
// delivers nothing new.
func TestE2EReprocessDeliversRevision2Once(t *testing.T) {
	a := newAcc(t)
	a.topics(a.cleaned, a.enriched, a.cleaned+".dlq")
	group := a.name + "-enricher"
	outs, ids := stories(t, 21, 2_000_000+int(time.Now().UnixNano()%1_000_000_000), 500)
	from := time.Now().Add(-time.Second)
	a.write(a.cleaned, outs)
	to := time.Now().Add(time.Second) // before the replays: both cover the same 500 records
	en := a.enricher(group)
	a.waitDrained(group, a.cleaned, time.Minute, en)
	first := a.delivered()
	if first.total != len(ids) {
		t.Fatalf("first delivery: %d records, want %d", first.total, len(ids))
	}
	time.Sleep(time.Until(to)) // --to must be in the past for the range to be complete

	args := []string{"replay", "--topic", a.cleaned, "--from", stamp(from), "--to", stamp(to), "--reprocess"}
	var counts []int
	var revLines []string
	for run := 1; run <= 2; run++ {
		out, _ := a.ctl(2*time.Minute, args...)
		if !strings.Contains(out, "reprocess as revision 2, 500 records") {
			t.Errorf("run %d: plan is not revision 2 of 500 records:\n%s", run, out)
		}
		revLines = append(revLines, strings.SplitN(out, "\n", 2)[0])
		a.waitDrained(group, a.cleaned, 2*time.Minute, en)
		d := a.delivered()
		counts = append(counts, d.total)
		if run == 1 {
			id := replayID(t, out)
			for _, sid := range ids {
				k := storyRev(sid, 2)
				if d.count[k] != 1 || d.replay[k] != id || d.count[storyRev(sid, 1)] != 1 {
					t.Errorf("story %s after the reprocess: revision 1 x%d, revision 2 x%d (replay %q)", sid, d.count[storyRev(sid, 1)], d.count[k], d.replay[k])
				}
			}
		}
	}
	if counts[0]-first.total != len(ids) || counts[1] != counts[0] {
		t.Errorf("reprocess delivered %d new records, the identical second run %d; want %d and 0", counts[0]-first.total, counts[1]-counts[0], len(ids))
	}
	t.Logf("reprocess of %d stories: first run delivered %d records as revision 2, the identical second run %d\n  %s\n  %s",
		len(ids), counts[0]-first.total, counts[1]-counts[0], revLines[0], revLines[1])
}

// TestE2EReplayKilledAndResumed: a replay killed with SIGKILL halfway and
// resumed with --resume delivers the rest, each story once, and re-sends at
// most the batch that was in flight.
func TestE2EReplayKilledAndResumed(t *testing.T) {
	a := newAcc(t)
	a.topics(a.cleaned, a.enriched, a.cleaned+".dlq")
	group := a.name + "-enricher"
	const n = 600
	outs, ids := stories(t, 31, 3_000_000+int(time.Now().UnixNano()%1_000_000_000), n)
	from := time.Now().Add(-time.Second)
	a.write(a.cleaned, outs)
	// The stories were never delivered: the group starts past them.
	a.ctl(30*time.Second, "groups", "reset", "--group", group, "--topic", a.cleaned, "--to-latest", "--yes")
	en := a.enricher(group)

	rp := e2e.Start(t, filepath.Join(a.bin, "newsctl"), a.ctlArgs("replay", "--topic", a.cleaned, "--from", stamp(from), "--rate", "100"))
	store := replay.NewRedisStore(a.rdb, replay.WithPrefix(a.replayPrefix))
	var id string
	var atKill int64
	deadline := time.Now().Add(time.Minute)
	for {
		if m := replayIDRe.FindStringSubmatch(rp.Log()); m != nil && id == "" {
			id = m[1]
		}
		if id != "" {
			if st, err := store.Load(context.Background(), id); err == nil && st.Sent() >= n/2 {
				rp.Kill() // SIGKILL
				if st, err = store.Load(context.Background(), id); err != nil {
					t.Fatal(err)
				}
				atKill = st.Sent()
				break
			}
		}
		if rp.Exited() || time.Now().After(deadline) {
			t.Fatalf("replay ended (exited %v: %v) or stalled before it was killed:\n%s", rp.Exited(), rp.Wait(time.Second), rp.Log())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if atKill >= n {
		t.Fatalf("the replay finished (%d) before SIGKILL", atKill)
	}
	out, _ := a.ctl(time.Minute, "replay", "--resume", id)
	if !strings.Contains(out, fmt.Sprintf("resuming replay %s at %d of %d records", id, atKill, n)) {
		t.Errorf("resume output:\n%s", out)
	}
	a.waitDrained(group, a.cleaned, 2*time.Minute, en)

	copies := map[string]int{}
	total := 0
	for _, m := range a.read(a.cleaned) {
		if e2e.Header(m, stage.HeaderReplay) == id {
			copies[string(m.Key)]++
			total++
		}
	}
	d := a.delivered()
	lost, dup := 0, 0
	for _, sid := range ids {
		switch c := d.count[storyRev(sid, 1)]; {
		case c == 0:
			lost++
		case c > 1:
			dup += c - 1
		}
		if copies[sid] == 0 {
			t.Errorf("story %s was never replayed", sid)
		}
	}
	resent := total - n
	const batch = 5 // --rate 100 sends batches of rate/20
	if lost != 0 || dup != 0 || d.total != n || resent < 0 || resent > batch {
		t.Errorf("killed at %d of %d and resumed: delivered %d, lost %d, duplicated %d; %d records re-sent (at most %d, the batch in flight)",
			atKill, n, d.total, lost, dup, resent, batch)
	}
	t.Logf("replay %s SIGKILLed at %d/%d checkpointed, resumed: %d stories delivered once (lost %d, duplicated %d), %d records re-sent",
		id, atKill, n, d.total, lost, dup, resent)
}

// TestE2EReplayRate: --rate 200 holds within 10% over a 10-second replay,
// measured from the timestamps of the records it produced.
func TestE2EReplayRate(t *testing.T) {
	a := newAcc(t)
	src, dst := a.name+"-src", a.name+"-dst"
	a.topics(src, dst)
	const n = 2000
	outs := make([]stage.Output, n)
	for i := range outs {
		outs[i] = stage.Output{Key: []byte(fmt.Sprintf("k%05d", i)), Value: bytes.Repeat([]byte("x"), 200)}
	}
	from := time.Now().Add(-time.Second)
	a.write(src, outs)
	out, _ := a.ctl(time.Minute, "replay", "--topic", src, "--to-topic", dst, "--from", stamp(from), "--rate", "200")
	id := replayID(t, out)

	var ts []time.Time
	for _, m := range a.read(dst) {
		if e2e.Header(m, stage.HeaderReplay) == id {
			ts = append(ts, m.Time)
		}
	}
	if len(ts) != n {
		t.Fatalf("%d records replayed, want %d", len(ts), n)
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	span := ts[n-1].Sub(ts[0])
	rate := float64(n-1) / span.Seconds()
	// Rate in each whole second of the replay, for the report.
	perSec := map[int]int{}
	for _, tm := range ts {
		perSec[int(tm.Sub(ts[0])/time.Second)]++
	}
	lo, hi := n, 0
	for s := 0; s < int(span/time.Second); s++ {
		lo, hi = min(lo, perSec[s]), max(hi, perSec[s])
	}
	dev := (rate - 200) / 200
	if dev < -0.10 || dev > 0.10 {
		t.Errorf("--rate 200: %d records over %s of record timestamps = %.1f msg/s, %+.1f%% (allowed 10%%)", n, span.Round(time.Millisecond), rate, 100*dev)
	}
	t.Logf("--rate 200: %d records over %s of record timestamps = %.1f msg/s (%+.1f%%); whole seconds: min %d, max %d records",
		n, span.Round(time.Millisecond), rate, 100*dev, lo, hi)
}

// TestE2EDLQRedrive: pages the cleaner parked as too large are redriven
// after the fix (a larger --max-page-bytes) and delivered once; malformed
// records return to the DLQ with their attempt count incremented.
func TestE2EDLQRedrive(t *testing.T) {
	a := newAcc(t)
	dlq := a.raw + ".dlq"
	a.topics(a.raw, a.cleaned, a.enriched, dlq, a.cleaned+".dlq")
	cleanerGroup, enricherGroup := a.name+"-cleaner", a.name+"-enricher"
	base := 4_000_000 + int(time.Now().UnixNano()%1_000_000_000)
	g := corpus.New(uint64(base))
	var outs []stage.Output
	wantURL := map[string]bool{}
	fixedURL := map[string]bool{}
	for i := 0; i < 30; i++ {
		padding := 0
		if i >= 20 {
			padding = 40_000 // above the first --max-page-bytes
		}
		pg := g.Article(base+i, 4, padding)
		raw := &newsflowv1.RawArticle{Url: pg.URL, RequestedUrl: pg.URL, FetchedAt: timestamppb.Now(), StatusCode: 200,
			ContentType: "text/html; charset=utf-8", Body: pg.HTML, Source: &newsflowv1.Source{Kind: newsflowv1.SourceKind_SOURCE_KIND_FEED, Name: "e2e"}}
		v, h, err := wire.Encode(raw)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, stage.Output{Key: []byte(pg.URL), Value: v, Headers: h})
		wantURL[pg.URL] = true
		if padding > 0 {
			fixedURL[pg.URL] = true
		}
	}
	for i := 0; i < 5; i++ { // never decodable: no fix helps these
		outs = append(outs, stage.Output{Key: []byte(fmt.Sprintf("garbage-%d", i)), Value: []byte{0xff, 0xff, 0xff, byte(i)}})
	}
	a.write(a.raw, outs)
	cleaner := func(maxPage string) *e2e.Proc {
		return e2e.Start(t, filepath.Join(a.bin, "cleaner"), a.stageArgs(cleanerGroup, a.raw, a.cleaned, "--max-page-bytes", maxPage))
	}
	cl := cleaner("16KiB")
	en := e2e.Start(t, filepath.Join(a.bin, "enricher"), a.stageArgs(enricherGroup, a.cleaned, a.enriched))
	a.waitDrained(cleanerGroup, a.raw, time.Minute, cl, en)
	a.waitDrained(enricherGroup, a.cleaned, time.Minute, cl, en)
	classes := map[string]int{}
	for _, m := range a.read(dlq) {
		classes[e2e.Header(m, stage.HeaderErrorClass)+"/"+e2e.Header(m, stage.HeaderAttempt)]++
	}
	if classes["too_large/1"] != 10 || classes["malformed/1"] != 5 || len(classes) != 2 {
		t.Fatalf("dead letters before the fix: %v, want 10 too_large and 5 malformed, attempt 1", classes)
	}

	a.stop(cl)
	cl = cleaner("5MiB") // the fix
	redrive := func(want int) {
		t.Helper()
		out, _ := a.ctl(time.Minute, "dlq", "redrive", "--topic", dlq)
		if !strings.Contains(out, fmt.Sprintf("%d record(s) redriven from %s", want, dlq)) {
			t.Errorf("redrive: want %d redriven:\n%s", want, out)
		}
		a.waitDrained(cleanerGroup, a.raw, time.Minute, cl, en)
		a.waitDrained(enricherGroup, a.cleaned, time.Minute, cl, en)
	}
	redrive(15)
	redrive(5) // only what came back since: the fixed pages are not redriven again

	byURL := map[string]int{}
	for _, m := range a.read(a.enriched) {
		var e newsflowv1.EnrichedArticle
		if err := wire.Decode(stage.FromKafka(m), &e); err != nil {
			t.Fatal(err)
		}
		byURL[e.GetArticle().GetUrl()]++
	}
	fixedOnce := 0
	for u := range wantURL {
		if byURL[u] != 1 {
			t.Errorf("%s delivered %d times, want once", u, byURL[u])
		} else if fixedURL[u] {
			fixedOnce++
		}
	}
	attempts := map[string]int{}
	dead := a.read(dlq)
	for _, m := range dead {
		c := e2e.Header(m, stage.HeaderErrorClass)
		attempts[c+"/"+e2e.Header(m, stage.HeaderAttempt)]++
		if c == "malformed" && e2e.Header(m, stage.HeaderOriginTopic) != a.raw {
			t.Errorf("dead letter %q: original topic %q", m.Key, e2e.Header(m, stage.HeaderOriginTopic))
		}
	}
	want := map[string]int{"too_large/1": 10, "malformed/1": 5, "malformed/2": 5, "malformed/3": 5}
	for k, v := range want {
		if attempts[k] != v {
			t.Errorf("dead letters %v, want %v", attempts, want)
			break
		}
	}
	if len(byURL) != len(wantURL) {
		t.Errorf("%d distinct pages delivered, want %d", len(byURL), len(wantURL))
	}
	t.Logf("DLQ redrive: %d of %d fixed pages delivered once; unfixed dead letters by class/attempt %v", fixedOnce, len(fixedURL), attempts)
}

// TestE2EReplayProgress shows the replay progress on a pseudo-terminal (a
// bar with rate and ETA, redrawn in place) and in plain mode (periodic
// lines, as in a Kubernetes Job's log).
func TestE2EReplayProgress(t *testing.T) {
	a := newAcc(t)
	src, dst := a.name+"-src", a.name+"-dst"
	a.topics(src, dst)
	const n = 400
	outs := make([]stage.Output, n)
	for i := range outs {
		outs[i] = stage.Output{Key: []byte(fmt.Sprintf("k%04d", i)), Value: []byte("v")}
	}
	from := time.Now().Add(-time.Second)
	a.write(src, outs)
	args := []string{"replay", "--topic", src, "--to-topic", dst, "--from", stamp(from), "--rate", "200", "--progress-interval", "500ms"}

	tty, err := e2e.RunPTY(filepath.Join(a.bin, "newsctl"), a.ctlArgs(args...), 120, 30, time.Minute)
	if err != nil {
		t.Fatalf("newsctl on a pty: %v\n%s", err, tty)
	}
	frames := strings.Split(tty, "\r")
	bar := regexp.MustCompile(`replay r-\d{8}-[0-9a-f]{8}\s+(\d+)% \|[^|]*\| \((\d+)/400, (\d+) msg/s\)`)
	var seen []string
	last := ""
	for _, f := range frames {
		if m := bar.FindStringSubmatch(f); m != nil {
			seen = append(seen, m[1]+"%")
			last = strings.TrimSpace(f)
		}
	}
	if len(seen) < 3 || !strings.Contains(last, "100% |") || !strings.Contains(last, "(400/400,") {
		t.Errorf("no progress bar redrawn in place on the terminal (%d frames, percentages %v):\n%q", len(frames), seen, tty)
	}
	if !strings.Contains(tty, "sent 400 records") {
		t.Errorf("no summary on the terminal:\n%q", tty)
	}

	stdout, stderr := a.ctl(time.Minute, args...)
	lineRe := regexp.MustCompile(`^replay r-\d{8}-[0-9a-f]{8}: (\d+)/400 \(([\d.]+)%\) \d+ msg/s, eta \S+$`)
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	for _, l := range lines {
		if !lineRe.MatchString(l) {
			t.Errorf("plain progress line %q does not match %s", l, lineRe)
		}
	}
	if len(lines) < 3 || !strings.Contains(lines[len(lines)-1], " 400/400 (100.0%)") || strings.Contains(stderr, "\r") {
		t.Errorf("plain progress: want at least 3 lines, the last at 100%%, no carriage returns:\n%s", stderr)
	}
	if !strings.Contains(stdout, "sent 400 records") {
		t.Errorf("no summary in plain mode:\n%s", stdout)
	}
	t.Logf("progress on a terminal (%d redraws), last frame:\n  %s\nplain mode (%d lines):\n  %s\nsummary: %s", len(seen), last, len(lines),
		strings.Join(lines, "\n  "), strings.TrimSpace(stdout[strings.LastIndex(strings.TrimSpace(stdout), "\n")+1:]))
}
