package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/segmentio/kafka-go"
	"github.com/spf13/cobra"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/dedup"
	"github.com/newsflow/newsflow/pkg/once"
	"github.com/newsflow/newsflow/pkg/stage"
	"github.com/newsflow/newsflow/pkg/topics"
	"github.com/newsflow/newsflow/pkg/urlnorm"
)

// storyOptions are the flags of `newsctl story`.
type storyOptions struct {
	topics      []string
	oncePrefix  string
	dedupPrefix string
	json        bool
	scanLimit   int64
	noScan      bool
}

func newStoryCmd(g *globals) *cobra.Command {
	o := storyOptions{}
	cmd := &cobra.Command{
		Use:   "story ID|URL",
		Short: "Show what is known of a story: its URLs, revisions and where it is on the topics",
		Long: `story shows what newsflow knows of one story:

  - from the dedup index: the canonical URL it was first seen under, when, and
    the alternate URLs its copies came under;
  - from the exactly-once store of each output topic: every revision of the
    story that was delivered (done) or is being delivered (claimed, with the
    owner and its lease);
  - from the topics themselves: the partition and offset of each record of
    the story, its timestamp and the replay that produced it, found by reading
    the story's partition from where its claim was recorded.

The argument is a story id (the key of its records) or a URL of the story,
which is looked up in the index. Exits with status 1 when nothing is known.`,
		Example: `  newsctl story 3b5d5c3712955042212316173ccf37be
  newsctl story https://www.example.com/news/2023/03/17/story.html
  newsctl story 3b5d5c3712955042212316173ccf37be --json
  newsctl story 3b5d5c3712955042212316173ccf37be --no-scan   # Redis only`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.scanLimit < 1 {
				return fmt.Errorf("--scan-limit must be positive, got %d", o.scanLimit)
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
			rep, err := lookupStory(cmd.Context(), rdb, bc, g.replayStore(rdb).MaxRevision, args[0], o)
			if err != nil {
				return err
			}
			if o.json {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				if err := enc.Encode(rep); err != nil {
					return err
				}
			} else {
				printStoryReport(cmd.OutOrStdout(), rep)
			}
			if !rep.known() {
				return fmt.Errorf("story %s is not known: not in the dedup index, no delivery record in the window, not on %s",
					rep.ID, strings.Join(o.topics, " or "))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&o.topics, "topics", []string{topics.Cleaned, topics.Enriched}, "output topics whose exactly-once store and log to look in")
	f.StringVar(&o.oncePrefix, "once-prefix", "nf:once:", "prefix of the exactly-once store's Redis keys")
	f.StringVar(&o.dedupPrefix, "dedup-prefix", "nf:dd:", "prefix of the dedup index's Redis keys")
	f.BoolVar(&o.json, "json", false, "print JSON")
	f.Int64Var(&o.scanLimit, "scan-limit", 200_000, "most records read per partition to find the story's offsets")
	f.BoolVar(&o.noScan, "no-scan", false, "do not read the topics: Redis only")
	return cmd
}

// storyReport is what `newsctl story` prints.
type storyReport struct {
	ID string `json:"id"`
	// Asked is the URL the story was asked for, if it was.
	Asked      string         `json:"asked_url,omitempty"`
	URL        string         `json:"url,omitempty"`
	FirstSeen  *time.Time     `json:"first_seen,omitempty"`
	Alternates []string       `json:"alternate_urls"`
	InIndex    bool           `json:"in_index"`
	Topics     []storyOnTopic `json:"topics"`
}

// storyOnTopic is the story on one output topic.
type storyOnTopic struct {
	Topic string `json:"topic"`
	// Partition is where the murmur2 partitioner puts the story today.
	Partition  int             `json:"partition"`
	Partitions int             `json:"partitions"`
	Revisions  []storyRevision `json:"revisions"`
	// Scanned says which offsets were read to find the records.
	Scanned []scannedRange `json:"scanned,omitempty"`
	Error   string         `json:"error,omitempty"`
}

// storyRevision is one revision on one topic: its claim record and the
// records of it found on the log.
type storyRevision struct {
	Revision int64 `json:"revision"`
	// State is done, claimed, or "not in store" (a record on the log that the
	// store does not know of: Redis lost it, or the window passed).
	State          string        `json:"state"`
	Partition      int           `json:"partition"`
	Owner          string        `json:"owner,omitempty"`
	FirstClaim     *time.Time    `json:"first_claim,omitempty"`
	LeaseLeft      string        `json:"lease_left,omitempty"`
	RememberedFor  string        `json:"remembered_for,omitempty"`
	Records        []storyRecord `json:"records"`
	watermark      int64
	firstClaimTime time.Time
}

// storyRecord is one record of the story on the log.
type storyRecord struct {
	Partition int       `json:"partition"`
	Offset    int64     `json:"offset"`
	Time      time.Time `json:"time"`
	Replay    string    `json:"replay,omitempty"`
}

type scannedRange struct {
	Partition int   `json:"partition"`
	From      int64 `json:"from"`
	To        int64 `json:"to"`
	Complete  bool  `json:"complete"`
}

func (r *storyReport) known() bool {
	if r.InIndex {
		return true
	}
	for _, t := range r.Topics {
		if len(t.Revisions) > 0 {
			return true
		}
	}
	return false
}

// lookupStory gathers what the index, the stores and the logs know of arg.
func lookupStory(ctx context.Context, rdb redis.UniversalClient, bc broker.Config, maxRevision func(context.Context) (int64, error),
	arg string, o storyOptions) (*storyReport, error) {
	arg = strings.TrimSpace(arg)
	rep := &storyReport{Alternates: []string{}}
	switch {
	case strings.HasPrefix(arg, "http://") || strings.HasPrefix(arg, "https://"):
		id, err := storyOfURL(ctx, rdb, o.dedupPrefix, arg)
		if err != nil {
			return nil, err
		}
		rep.ID, rep.Asked = id, arg
	case arg == "" || len(arg) > 256 || strings.ContainsAny(arg, " \t\r\n{}") || strings.Contains(arg, "://"):
		return nil, fmt.Errorf("%q is not a story id (the key of a story's records, e.g. 3b5d5c3712955042212316173ccf37be) or an http(s) URL", arg)
	default:
		rep.ID = arg
	}

	ix, err := dedup.NewIndex(rdb, dedup.Config{Prefix: o.dedupPrefix})
	if err != nil {
		return nil, err
	}
	st, err := ix.Story(ctx, rep.ID)
	switch {
	case err == nil:
		rep.InIndex, rep.URL, rep.Alternates = true, st.URL, append(rep.Alternates, st.Alternates...)
		if !st.FirstSeen.IsZero() {
			fs := st.FirstSeen.UTC()
			rep.FirstSeen = &fs
		}
	case !errors.Is(err, dedup.ErrUnknownStory):
		return nil, err
	}

	maxRev, err := maxRevision(ctx)
	if err != nil {
		return nil, err
	}
	// Revisions are 1..maxRev (0: a story produced without one). Beyond a
	// few thousand only the latest are probed: one round trip either way.
	revs := []int64{0}
	for r := max(1, maxRev-4096); r <= maxRev; r++ {
		revs = append(revs, r)
	}
	logr := once.NewKafkaLog(bc)
	defer logr.Close()
	for _, topic := range o.topics {
		ot := storyOnTopic{Topic: topic, Partition: -1, Revisions: []storyRevision{}}
		claims, err := once.Lookup(ctx, rdb, o.oncePrefix, topic, rep.ID, revs)
		if err != nil {
			return nil, err
		}
		for _, c := range claims {
			sr := storyRevision{Revision: c.Revision, State: c.State, Partition: c.Partition, Owner: c.Owner,
				Records: []storyRecord{}, watermark: c.Watermark, firstClaimTime: c.FirstClaim}
			if !c.FirstClaim.IsZero() {
				fc := c.FirstClaim.UTC()
				sr.FirstClaim = &fc
			}
			if c.Lease != "" {
				sr.LeaseLeft = c.LeaseLeft.Round(time.Millisecond).String()
			}
			if c.Expires > 0 {
				sr.RememberedFor = c.Expires.Round(time.Second).String()
			}
			ot.Revisions = append(ot.Revisions, sr)
		}
		if n, err := logr.Partitions(ctx, topic); err != nil {
			ot.Error = err.Error()
		} else {
			ot.Partitions = n
			ot.Partition = once.Partition([]byte(rep.ID), n)
			if !o.noScan {
				if err := findRecords(ctx, bc, logr, &ot, rep, o.scanLimit); err != nil {
					ot.Error = err.Error()
				}
			}
		}
		rep.Topics = append(rep.Topics, ot)
	}
	return rep, nil
}

// storyOfURL returns the story a URL belongs to: the id the dedup index
// holds for its canonical form (url:{StoryID(url)}, see pkg/dedup's key
// layout), or else the id a new story under that URL would get.
func storyOfURL(ctx context.Context, rdb redis.UniversalClient, prefix, raw string) (string, error) {
	canon, err := urlnorm.Canonical(raw)
	if err != nil {
		return "", fmt.Errorf("%q: %w", raw, err)
	}
	if prefix == "" {
		prefix = "nf:dd:"
	}
	own := dedup.StoryID(canon)
	id, err := rdb.Get(ctx, prefix+"url:{"+own+"}").Result()
	switch {
	case errors.Is(err, redis.Nil):
		return own, nil
	case err != nil:
		return "", fmt.Errorf("look up %s in the dedup index: %w", canon, err)
	}
	return id, nil
}

// findRecords reads the partitions where the story's records can be and
// fills in the records of each revision. Where to start: the watermark a
// claim recorded, else the offset at the first claim's time (less a minute
// of clock skew), else at the index's first-seen time, else the log start;
// at most limit records per partition are read.
func findRecords(ctx context.Context, bc broker.Config, logr *once.KafkaLog, ot *storyOnTopic, rep *storyReport, limit int64) error {
	parts := map[int]bool{ot.Partition: true}
	for _, r := range ot.Revisions {
		if r.Partition >= 0 {
			parts[r.Partition] = true
		}
	}
	var plist []int
	for p := range parts {
		if p >= 0 && p < ot.Partitions {
			plist = append(plist, p)
		}
	}
	sort.Ints(plist)
	bounds, err := logr.Bounds(ctx, ot.Topic, plist)
	if err != nil {
		return err
	}
	// The earliest time the story can have been produced at.
	var since time.Time
	for _, r := range ot.Revisions {
		if !r.firstClaimTime.IsZero() && (since.IsZero() || r.firstClaimTime.Before(since)) {
			since = r.firstClaimTime
		}
	}
	if rep.FirstSeen != nil && (since.IsZero() || rep.FirstSeen.Before(since)) {
		since = *rep.FirstSeen
	}
	var byTime map[int]int64
	if !since.IsZero() {
		if byTime, err = offsetsAt(ctx, bc.Client(), ot.Topic, plist, since.Add(-time.Minute)); err != nil {
			return err
		}
	}
	byRev := map[int64]int{}
	for i, r := range ot.Revisions {
		byRev[r.Revision] = i
	}
	for i, p := range plist {
		from := bounds[i].Start
		if off, ok := byTime[p]; ok {
			if off < 0 {
				off = bounds[i].End
			}
			from = max(from, off)
		}
		for _, r := range ot.Revisions {
			if r.Partition == p && r.watermark >= 0 {
				from = max(bounds[i].Start, min(from, r.watermark))
			}
		}
		to := min(bounds[i].End, from+limit)
		err := logr.Scan(ctx, ot.Topic, p, from, to, func(rec once.Record) bool {
			if string(rec.Key) != rep.ID {
				return true
			}
			rev := int64(0)
			if v := rec.Header(once.HeaderRevision); v != nil {
				rev, _ = strconv.ParseInt(string(v), 10, 64)
			}
			sr := storyRecord{Partition: p, Offset: rec.Offset, Time: rec.Time.UTC(), Replay: string(rec.Header(stage.HeaderReplay))}
			k, ok := byRev[rev]
			if !ok {
				ot.Revisions = append(ot.Revisions, storyRevision{Revision: rev, State: "not in store", Partition: p, Records: []storyRecord{}})
				k = len(ot.Revisions) - 1
				byRev[rev] = k
			}
			ot.Revisions[k].Records = append(ot.Revisions[k].Records, sr)
			return true
		})
		if err != nil {
			return err
		}
		ot.Scanned = append(ot.Scanned, scannedRange{Partition: p, From: from, To: to, Complete: to == bounds[i].End})
	}
	sort.Slice(ot.Revisions, func(a, b int) bool { return ot.Revisions[a].Revision < ot.Revisions[b].Revision })
	return nil
}

// offsetsAt returns, per partition, the first offset at or after t (-1 when
// there is none: the end of the log).
func offsetsAt(ctx context.Context, c *kafka.Client, topic string, parts []int, t time.Time) (map[int]int64, error) {
	var reqs []kafka.OffsetRequest
	for _, p := range parts {
		reqs = append(reqs, kafka.TimeOffsetOf(p, t))
	}
	resp, err := c.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: reqs}})
	if err != nil {
		return nil, fmt.Errorf("offsets of %s at %s: %w", topic, t.Format(time.RFC3339), err)
	}
	out := map[int]int64{}
	for _, po := range resp.Topics[topic] {
		if po.Error != nil {
			return nil, fmt.Errorf("offsets of %s/%d at %s: %w", topic, po.Partition, t.Format(time.RFC3339), po.Error)
		}
		out[po.Partition] = -1 // nothing at or after t: the end
		for off := range po.Offsets {
			if off >= 0 {
				out[po.Partition] = off
			}
		}
	}
	return out, nil
}

func printStoryReport(w io.Writer, r *storyReport) {
	fmt.Fprintf(w, "story %s\n", r.ID)
	if r.Asked != "" {
		fmt.Fprintf(w, "  asked as     %s\n", r.Asked)
	}
	if r.InIndex {
		fmt.Fprintf(w, "  url          %s\n", r.URL)
		if r.FirstSeen != nil {
			fmt.Fprintf(w, "  first seen   %s\n", r.FirstSeen.Format(time.RFC3339))
		}
		if len(r.Alternates) == 0 {
			fmt.Fprintf(w, "  alternates   none\n")
		} else {
			fmt.Fprintf(w, "  alternates   %d\n", len(r.Alternates))
			for _, a := range r.Alternates {
				fmt.Fprintf(w, "    %s\n", a)
			}
		}
	} else {
		fmt.Fprintf(w, "  not in the dedup index (never seen, older than the window, or the index was lost)\n")
	}
	for _, t := range r.Topics {
		fmt.Fprintf(w, "%s", t.Topic)
		if t.Partitions > 0 {
			fmt.Fprintf(w, " (partition %d of %d)", t.Partition, t.Partitions)
		}
		fmt.Fprintln(w)
		if t.Error != "" {
			fmt.Fprintf(w, "  error: %s\n", t.Error)
		}
		if len(t.Revisions) == 0 {
			fmt.Fprintf(w, "  not delivered (no claim in the store")
			if len(t.Scanned) > 0 {
				fmt.Fprintf(w, ", no record found")
			}
			fmt.Fprintf(w, ")\n")
		}
		for _, rv := range t.Revisions {
			fmt.Fprintf(w, "  revision %-3d %-8s", rv.Revision, rv.State)
			if rv.Partition >= 0 {
				fmt.Fprintf(w, " partition %d", rv.Partition)
			}
			switch len(rv.Records) {
			case 0:
				if len(t.Scanned) > 0 {
					fmt.Fprintf(w, "  not found on the log")
				}
			default:
				for _, rec := range rv.Records {
					fmt.Fprintf(w, "  offset %d at %s", rec.Offset, rec.Time.Format(time.RFC3339))
					if rec.Replay != "" {
						fmt.Fprintf(w, " (replay %s)", rec.Replay)
					}
				}
				if len(rv.Records) > 1 {
					fmt.Fprintf(w, "  ON THE LOG %d TIMES", len(rv.Records))
				}
			}
			fmt.Fprintln(w)
			if rv.State == once.StateClaimed {
				fmt.Fprintf(w, "               owner %s", rv.Owner)
				if rv.LeaseLeft != "" {
					fmt.Fprintf(w, ", lease %s left", rv.LeaseLeft)
				} else {
					fmt.Fprintf(w, ", lease lapsed (the next claim verifies)")
				}
				fmt.Fprintln(w)
			}
			if rv.RememberedFor != "" {
				fmt.Fprintf(w, "               remembered for %s more", rv.RememberedFor)
				if rv.FirstClaim != nil {
					fmt.Fprintf(w, "; first claimed %s", rv.FirstClaim.Format(time.RFC3339))
				}
				fmt.Fprintln(w)
			}
		}
		for _, s := range t.Scanned {
			if !s.Complete {
				fmt.Fprintf(w, "  partition %d read from %d to %d only (--scan-limit)\n", s.Partition, s.From, s.To)
			}
		}
	}
}
