package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/spf13/cobra"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/dedup"
	newsflowv1 "github.com/newsflow/newsflow/pkg/gen/newsflow/v1"
	"github.com/newsflow/newsflow/pkg/once"
	"github.com/newsflow/newsflow/pkg/replay"
	"github.com/newsflow/newsflow/pkg/stage"
	"github.com/newsflow/newsflow/pkg/topics"
	"github.com/newsflow/newsflow/pkg/wire"
)

// rebuildOptions are the flags of `newsctl dedup-rebuild`.
type rebuildOptions struct {
	topics       []string // delivered stories the index is restored from
	storeTopics  []string
	window       time.Duration
	oncePrefix   string
	dedupPrefix  string
	settleWait   time.Duration
	skipIndex    bool
	skipStore    bool
	interval     time.Duration
	restoreBatch int
}

func newRebuildCmd(g *globals) *cobra.Command {
	o := rebuildOptions{window: 7 * 24 * time.Hour, restoreBatch: 500}
	cmd := &cobra.Command{
		Use:   "dedup-rebuild",
		Short: "Refill Redis (dedup index, exactly-once stores) from the topics after Redis lost its data",
		Long: `dedup-rebuild refills what Redis knew, from the Kafka log, which is the source of
truth, after Redis lost its data (a restart without persistence, a new instance):

 1. waits --settle-wait (the stages' --once-lease), so that produces of claims
    taken before the loss are on the log before it is read;
 2. restores the dedup index from the stories on --topic (news.cleaned, then
    news.enriched) within --window, oldest first: canonical URL, alternate
    URLs, content hash and near-duplicate sketch of each story, so that a later
    copy of a story resolves to the story's id again. news.cleaned is the
    cleaner's own record of what it decided, including stories the enricher
    has not delivered yet; news.enriched (compacted) may reach further back;
 3. refills the exactly-once store of each --store-topics topic (news.cleaned,
    news.enriched): every story revision on it within the window is marked
    delivered, then the store sentinel is set and the stages deliver again;
 4. raises the replay revision counter above the highest revision on --topic,
    so that the next "replay --reprocess" gets a revision not delivered yet.

Stages refuse to deliver while their store is missing; with --once-auto-rebuild
(the default) they refill their own store, but only this command restores the
dedup index. Run it with the stages stopped (or with --once-auto-rebuild=false),
so that no story is resolved against an empty index. Running it when nothing
was lost is harmless: it only marks what is on the log.

Alternate URLs of copies that were dropped as duplicates are not on the log and
are not restored; such copies still resolve by content or near-duplicate sketch.`,
		Example: `  newsctl dedup-rebuild
  newsctl dedup-rebuild --window 3d --settle-wait 30s
  newsctl dedup-rebuild --skip-store            # the index only
  newsctl dedup-rebuild --topic news.enriched --store-topics news.enriched`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case o.window < time.Minute:
				return fmt.Errorf("--window %s: must be at least a minute", o.window)
			case o.settleWait < 0:
				return fmt.Errorf("--settle-wait %s: must not be negative", o.settleWait)
			case len(o.topics) == 0 && !o.skipIndex:
				return errors.New("--topic is required to restore the index (or --skip-index)")
			case o.skipIndex && (o.skipStore || len(o.storeTopics) == 0):
				return errors.New("nothing to do: --skip-index with --skip-store or no --store-topics")
			}
			bc, err := g.broker()
			if err != nil {
				return err
			}
			rdb, err := g.redis()
			if err != nil {
				return err
			}
			defer rdb.Close()
			_, err = runRebuild(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), rdb, bc, g.replayStore(rdb), o)
			return err
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&o.topics, "topic", []string{topics.Cleaned, topics.Enriched}, "topics of delivered stories (cleaned or enriched) the dedup index is restored from, in this order")
	f.StringSliceVar(&o.storeTopics, "store-topics", []string{topics.Cleaned, topics.Enriched}, "output topics whose exactly-once store is refilled")
	f.Var((*daysDuration)(&o.window), "window", "how far back stories are remembered: the stages' --dedup-window and --once-window (e.g. 7d, 36h)")
	f.StringVar(&o.oncePrefix, "once-prefix", "nf:once:", "prefix of the exactly-once stores' Redis keys")
	f.StringVar(&o.dedupPrefix, "dedup-prefix", "nf:dd:", "prefix of the dedup index's Redis keys")
	f.DurationVar(&o.settleWait, "settle-wait", 30*time.Second, "wait this long before reading the topics: the stages' --once-lease (0 when the stages are stopped for longer)")
	f.BoolVar(&o.skipIndex, "skip-index", false, "do not restore the dedup index")
	f.BoolVar(&o.skipStore, "skip-store", false, "do not refill the exactly-once stores")
	f.DurationVar(&o.interval, "progress-interval", 5*time.Second, "how often to print progress when not on a terminal")
	return cmd
}

// daysDuration is a duration flag that also takes days: 7d, 1d12h.
type daysDuration time.Duration

func (d *daysDuration) String() string {
	v := time.Duration(*d)
	if v > 0 && v%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(v/(24*time.Hour)), 10) + "d"
	}
	return v.String()
}

func (d *daysDuration) Set(s string) error {
	v, err := parseDays(s)
	if err != nil {
		return err
	}
	*d = daysDuration(v)
	return nil
}

func (d *daysDuration) Type() string { return "duration" }

// parseDays reads a Go duration with an optional leading count of days.
func parseDays(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	var days time.Duration
	if i := strings.IndexByte(s, 'd'); i >= 0 {
		n, err := strconv.ParseUint(s[:i], 10, 16)
		if err != nil {
			return 0, fmt.Errorf("%q: not a duration (e.g. 7d, 36h, 1d12h)", s)
		}
		days, s = time.Duration(n)*24*time.Hour, s[i+1:]
		if s == "" {
			return days, nil
		}
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("%q: not a duration (e.g. 7d, 36h, 1d12h)", s)
	}
	return days + v, nil
}

// rebuildSummary is what a rebuild did.
type rebuildSummary struct {
	Index       indexStats
	Stores      map[string]once.RebuildStats
	MaxRevision int64
	Raised      bool
}

// indexStats say what the index restore read and registered.
type indexStats struct {
	Records     int64 // read from the topic
	Stories     int64 // registered
	Repeats     int64 // further records (revisions) of a story already registered
	Old         int64 // older than the window
	Undecodable int64
	NoURL       int64 // no usable URL: these stories only match by content once re-sent
}

func runRebuild(ctx context.Context, stdout, stderr io.Writer, rdb redis.UniversalClient, bc broker.Config, store *replay.RedisStore, o rebuildOptions) (rebuildSummary, error) {
	start := time.Now()
	sum := rebuildSummary{Stores: map[string]once.RebuildStats{}}
	var what []string
	if !o.skipIndex {
		what = append(what, "dedup index from "+strings.Join(o.topics, " and "))
	}
	if !o.skipStore {
		for _, t := range o.storeTopics {
			what = append(what, "exactly-once store of "+t)
		}
	}
	fmt.Fprintf(stdout, "dedup-rebuild: window %s: %s\n", (*daysDuration)(&o.window), strings.Join(what, ", "))
	if !o.skipStore {
		for _, t := range o.storeTopics {
			if ok, err := once.StoreStatus(ctx, rdb, o.oncePrefix, t); err != nil {
				return sum, err
			} else if ok {
				fmt.Fprintf(stdout, "dedup-rebuild: the store of %s is in place (sentinel set); refilling it anyway, which is harmless\n", t)
			}
		}
	}
	if o.settleWait > 0 {
		fmt.Fprintf(stdout, "dedup-rebuild: waiting %s for produces of claims taken before the loss to land\n", o.settleWait)
		select {
		case <-ctx.Done():
			return sum, ctx.Err()
		case <-time.After(o.settleWait):
		}
	}
	if !o.skipIndex {
		seen := map[string]struct{}{}
		for _, topic := range o.topics {
			st, maxRev, err := restoreIndex(ctx, stderr, rdb, bc, topic, seen, o)
			sum.Index.add(st)
			sum.MaxRevision = max(sum.MaxRevision, maxRev)
			if err != nil {
				return sum, fmt.Errorf("restore the dedup index from %s: %w", topic, err)
			}
			fmt.Fprintf(stdout, "dedup-rebuild: index from %s: %d records read, %d stories restored (%d seen before or further revisions, %d older than the window, %d undecodable, %d without URL)\n",
				topic, st.Records, st.Stories, st.Repeats, st.Old, st.Undecodable, st.NoURL)
		}
	}
	if !o.skipStore {
		logr := once.NewKafkaLog(bc)
		defer logr.Close()
		for _, t := range o.storeTopics {
			rs, err := once.Rebuild(ctx, rdb, logr, t, once.RebuildOptions{
				Config:     once.Config{Prefix: o.oncePrefix, Window: o.window},
				SettleWait: -1, // waited above, once for all topics
				Progress: func(p int, n int64) {
					fmt.Fprintf(stderr, "dedup-rebuild: store of %s: partition %d: %d records\n", t, p, n)
				},
			})
			if err != nil {
				return sum, err
			}
			sum.Stores[t] = rs
			if rs.Records == 0 && rs.Stories == 0 {
				fmt.Fprintf(stdout, "dedup-rebuild: store of %s: in place (empty topic, or rebuilt by another process meanwhile)\n", t)
				continue
			}
			fmt.Fprintf(stdout, "dedup-rebuild: store of %s: %d records, %d story revisions marked delivered, %d older than the window or without id\n",
				t, rs.Records, rs.Stories, rs.Skipped)
		}
	}
	if sum.MaxRevision > 1 {
		moved, err := store.EnsureRevision(ctx, sum.MaxRevision)
		if err != nil {
			return sum, err
		}
		sum.Raised = moved
		if moved {
			fmt.Fprintf(stdout, "dedup-rebuild: replay revision counter raised: the next reprocess gets revision %d or later\n", sum.MaxRevision+1)
		}
	}
	fmt.Fprintf(stdout, "dedup-rebuild: done in %s\n", time.Since(start).Round(time.Millisecond))
	return sum, nil
}

// partFeed delivers the records of one partition in offset order.
type partFeed struct {
	partition int
	ch        chan once.Record
	head      *once.Record
}

func (p *partFeed) next(ctx context.Context) error {
	p.head = nil
	select {
	case r, ok := <-p.ch:
		if ok {
			p.head = &r
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *indexStats) add(o indexStats) {
	s.Records += o.Records
	s.Stories += o.Stories
	s.Repeats += o.Repeats
	s.Old += o.Old
	s.Undecodable += o.Undecodable
	s.NoURL += o.NoURL
}

// restoreIndex reads the window of topic (cleaned or enriched stories), all
// partitions merged oldest first, and restores the stories it finds into the
// dedup index, in batches. Stories in seen (restored from an earlier topic)
// are skipped.
// Memory is bounded: one fetch buffer per partition, one batch, and a set of
// story ids seen (cleared when it grows large: a repeat then costs a
// redundant, harmless registration).
func restoreIndex(ctx context.Context, progressOut io.Writer, rdb redis.UniversalClient, bc broker.Config, topic string, seen map[string]struct{}, o rebuildOptions) (indexStats, int64, error) {
	var st indexStats
	maxRev := int64(1)
	ix, err := dedup.NewIndex(rdb, dedup.Config{Prefix: o.dedupPrefix, Window: o.window})
	if err != nil {
		return st, 0, err
	}
	logr := once.NewKafkaLog(bc)
	defer logr.Close()
	n, err := logr.Partitions(ctx, topic)
	if err != nil {
		return st, 0, err
	}
	parts := make([]int, n)
	for i := range parts {
		parts[i] = i
	}
	bounds, err := logr.Bounds(ctx, topic, parts)
	if err != nil {
		return st, 0, err
	}
	now := time.Now()
	oldest := now.Add(-o.window)
	starts, err := offsetsAt(ctx, bc.Client(), topic, parts, oldest)
	if err != nil {
		return st, 0, err
	}
	// One scan per partition, each feeding a short queue; the merge below
	// takes the oldest head. A scan stops early when ctx ends (return).
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	scanErrs := make(chan error, len(parts))
	var feeds []*partFeed
	var total int64
	for i, p := range parts {
		from := starts[p]
		if from < 0 {
			from = bounds[i].End
		}
		from = max(from, bounds[i].Start)
		if from >= bounds[i].End {
			continue
		}
		total += bounds[i].End - from
		f := &partFeed{partition: p, ch: make(chan once.Record, 256)}
		feeds = append(feeds, f)
		go func(from, to int64) {
			defer close(f.ch)
			err := logr.Scan(ctx, topic, p, from, to, func(r once.Record) bool {
				select {
				case f.ch <- r:
					return true
				case <-ctx.Done():
					return false
				}
			})
			if err != nil {
				scanErrs <- fmt.Errorf("read %s/%d: %w", topic, p, err)
				cancel()
			}
		}(from, bounds[i].End)
	}
	for _, f := range feeds {
		if err := f.next(ctx); err != nil {
			return st, 0, firstErr(scanErrs, err)
		}
	}
	progress := replay.NewProgress(progressOut, total, "dedup-rebuild index "+topic, o.interval)
	var batch []dedup.Known
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := ix.Restore(ctx, batch); err != nil {
			return err
		}
		st.Stories += int64(len(batch))
		batch = batch[:0]
		progress.Update(st.Records, total)
		return nil
	}
	for {
		var pick *partFeed
		for _, f := range feeds {
			if f.head != nil && (pick == nil || f.head.Time.Before(pick.head.Time)) {
				pick = f
			}
		}
		if pick == nil {
			break
		}
		m := *pick.head
		if err := pick.next(ctx); err != nil {
			return st, maxRev, firstErr(scanErrs, err)
		}
		st.Records++
		art, rev, err := decodeStory(stage.Input{Topic: topic, Partition: pick.partition, Offset: m.Offset, Key: m.Key, Value: m.Value, Headers: m.Headers, Time: m.Time})
		if err != nil {
			st.Undecodable++
			continue
		}
		if v := m.Header(once.HeaderRevision); v != nil {
			if h, err := strconv.ParseInt(string(v), 10, 64); err == nil {
				rev = max(rev, h)
			}
		}
		maxRev = max(maxRev, rev)
		if m.Time.Before(oldest) {
			st.Old++
			continue
		}
		id := art.GetStoryId()
		if id == "" {
			id = string(m.Key)
		}
		if _, ok := seen[id]; ok {
			st.Repeats++
			continue
		}
		u := art.GetCanonicalUrl()
		if u == "" {
			u = art.GetUrl()
		}
		fp, err := ix.Fingerprint(u, art.GetText())
		if id == "" || err != nil {
			st.NoURL++
			continue
		}
		if len(seen) >= 2_000_000 {
			clear(seen)
		}
		seen[id] = struct{}{}
		// Alternates on the log are raw URLs (the page's own address when it
		// differs from its canonical URL); the index keys canonical forms.
		var alts []string
		for _, raw := range art.GetAlternateUrls() {
			if afp, err := ix.Fingerprint(raw, ""); err == nil && afp.URL != fp.URL {
				alts = append(alts, afp.URL)
			}
		}
		batch = append(batch, dedup.Known{StoryID: id, Fingerprint: fp, Alternates: alts, FirstSeen: m.Time})
		if len(batch) >= o.restoreBatch {
			if err := flush(); err != nil {
				return st, maxRev, firstErr(scanErrs, err)
			}
		}
	}
	if err := flush(); err != nil {
		return st, maxRev, firstErr(scanErrs, err)
	}
	select { // a scan that failed closed its feed early
	case err := <-scanErrs:
		return st, maxRev, err
	default:
	}
	progress.Update(total, total)
	return st, maxRev, nil
}

// decodeStory reads a record of news.enriched or news.cleaned: the cleaned
// story and its revision.
func decodeStory(in stage.Input) (*newsflowv1.CleanedArticle, int64, error) {
	var en newsflowv1.EnrichedArticle
	if err := wire.Decode(in, &en); err == nil && en.GetArticle() != nil {
		return en.GetArticle(), max(en.GetRevision(), en.GetArticle().GetRevision()), nil
	}
	var cl newsflowv1.CleanedArticle
	if err := wire.Decode(in, &cl); err != nil {
		return nil, 0, err
	}
	return &cl, cl.GetRevision(), nil
}

// firstErr prefers a scan's error to the cancellation it caused.
func firstErr(scanErrs <-chan error, err error) error {
	select {
	case e := <-scanErrs:
		return e
	default:
		return err
	}
}
