package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/newsflow/newsflow/pkg/config"
	"github.com/newsflow/newsflow/pkg/replay"
)

func newReplayCmd(g *globals) *cobra.Command {
	var (
		spec                replay.Spec
		from, to, rateBytes string
		resume              string
		dryRun              bool
		interval            time.Duration
	)
	cmd := &cobra.Command{
		Use:   "replay --topic TOPIC --from TIME [--to TIME]",
		Short: "Re-publish a time range of a topic into its stage, throttled and resumable",
		Long: `replay finds the offsets of a time range of a topic (by record timestamp), and
re-publishes those records into the stage that consumes the topic, with a
newsflow-replay header. No consumer group's offsets move.

Gap fill (default): stories already delivered are dropped by the stages'
exactly-once sinks; missing ones flow. --reprocess delivers every story in the
range once more as a new revision (consumers of the compacted news.enriched
upsert it); running the same reprocess again delivers nothing new.

Progress is checkpointed in Redis after every batch: a replay that was killed
continues with --resume ID. Times are RFC 3339 (2023-03-17T00:00Z), a date
(2023-03-17), or relative to now (now-6h).`,
		Example: `  newsctl replay --topic news.raw --from 2023-03-17T00:00Z --to 2023-03-18T00:00Z --rate 200
  newsctl replay --topic news.cleaned --from now-24h --reprocess
  newsctl replay --topic news.raw --from 2023-03-17 --dry-run
  newsctl replay --resume r-20230317-1a2b3c4d`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			out := cmd.OutOrStdout()
			bc, err := g.broker()
			if err != nil {
				return err
			}
			rdb, err := g.redis()
			if err != nil {
				return err
			}
			defer rdb.Close()
			store := g.replayStore(rdb)

			var st *replay.State
			if resume != "" {
				if st, err = store.Load(ctx, resume); err != nil {
					return err
				}
				if st.Done {
					fmt.Fprintf(out, "replay %s is already complete: %d records\n", st.ID, st.Total())
					return nil
				}
				fmt.Fprintf(out, "resuming replay %s at %d of %d records\n", st.ID, st.Sent(), st.Total())
			} else {
				if spec.Source == "" {
					return errors.New("--topic is required (or --resume ID)")
				}
				now := time.Now()
				if spec.From, err = parseTime(from, now); err != nil {
					return fmt.Errorf("--from: %w", err)
				}
				if to != "" {
					if spec.To, err = parseTime(to, now); err != nil {
						return fmt.Errorf("--to: %w", err)
					}
				}
				if spec.Rate < 0 {
					return fmt.Errorf("--rate must not be negative")
				}
				if rateBytes != "" {
					n, err := config.ParseByteSize(rateBytes)
					if err != nil {
						return fmt.Errorf("--rate-bytes: %w", err)
					}
					spec.RateBytes = float64(n)
				}
				if st, err = replay.Plan(ctx, bc.Client(), replay.NewID(now), spec); err != nil {
					return err
				}
				if dryRun {
					printPlan(out, st)
					return nil
				}
				if spec.Reprocess {
					if st.Spec.Revision, err = store.Revision(ctx, reprocessKey(st)); err != nil {
						return err
					}
				}
				if err := store.Save(ctx, st); err != nil {
					return err
				}
				printPlan(out, st)
			}
			label := "replay " + st.ID
			progress := replay.NewProgress(cmd.ErrOrStderr(), st.Total(), label, interval)
			start, sentBefore := time.Now(), st.Sent()
			runErr := replay.NewRunner(bc, store, nil, progress).Run(ctx, st)
			sent := st.Sent() - sentBefore
			el := time.Since(start)
			fmt.Fprintf(out, "replay %s: sent %d records (%d of %d in all) in %s, %.0f msg/s\n",
				st.ID, sent, st.Sent(), st.Total(), el.Round(time.Millisecond), float64(sent)/max(el.Seconds(), 1e-9))
			if runErr != nil {
				return fmt.Errorf("%w (resume with: newsctl replay --resume %s)", runErr, st.ID)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&spec.Source, "topic", "", "topic to replay (news.raw for the cleaner, news.cleaned for the enricher)")
	f.StringVar(&spec.Target, "to-topic", "", "topic to write the records to (default: the same topic)")
	f.StringVar(&from, "from", "", "first record time to replay (RFC 3339, date, or now-DURATION)")
	f.StringVar(&to, "to", "", "replay records before this time (default: up to the end of each partition)")
	f.IntSliceVar(&spec.Partitions, "partitions", nil, "only these partitions (default: all)")
	f.Float64Var(&spec.Rate, "rate", 0, "most records per second (0: unlimited)")
	f.StringVar(&rateBytes, "rate-bytes", "", "most bytes per second, e.g. 5MiB (default: unlimited)")
	f.BoolVar(&spec.Reprocess, "reprocess", false, "deliver every story again as a new revision")
	f.BoolVar(&dryRun, "dry-run", false, "count what would be replayed and stop")
	f.StringVar(&resume, "resume", "", "continue the replay with this id after a crash")
	f.DurationVar(&interval, "progress-interval", 5*time.Second, "how often to print progress when not on a terminal")
	return cmd
}

func printPlan(w io.Writer, st *replay.State) {
	mode := "gap fill"
	if st.Spec.Reprocess {
		mode = "reprocess"
		if st.Spec.Revision > 0 {
			mode += fmt.Sprintf(" as revision %d", st.Spec.Revision)
		}
	}
	to := "end"
	if !st.Spec.To.IsZero() {
		to = st.Spec.To.Format(time.RFC3339)
	}
	fmt.Fprintf(w, "replay %s: %s -> %s, %s to %s, %s, %d records\n", st.ID, st.Spec.Source, st.Spec.Target,
		st.Spec.From.Format(time.RFC3339), to, mode, st.Total())
	for _, r := range st.Ranges {
		fmt.Fprintf(w, "  partition %-3d offsets %d..%d (%d records)\n", r.Partition, r.Start, r.End, r.End-r.Start)
	}
}

// reprocessKey identifies what a reprocess replay covers, so that the same
// command run again maps to the same revision.
func reprocessKey(st *replay.State) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%s|%d|%d", st.Spec.Source, st.Spec.Target, st.Spec.From.UnixMilli(), st.Spec.To.UnixMilli())
	for _, r := range st.Ranges {
		fmt.Fprintf(&b, "|%d", r.Partition)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:12])
}

// parseTime reads RFC 3339 (seconds optional), a date, or now-DURATION.
func parseTime(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("a time is required")
	}
	if rest, ok := strings.CutPrefix(s, "now"); ok {
		if rest == "" {
			return now, nil
		}
		d, err := time.ParseDuration(strings.TrimPrefix(rest, "-"))
		if err != nil || !strings.HasPrefix(rest, "-") {
			return time.Time{}, fmt.Errorf("%q: use now-DURATION, e.g. now-6h", s)
		}
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time (RFC 3339 such as 2023-03-17T00:00Z, a date, or now-6h)", s)
}
