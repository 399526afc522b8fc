package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/spf13/cobra"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/lag"
	"github.com/newsflow/newsflow/pkg/stage"
	"github.com/newsflow/newsflow/pkg/topics"
)

func newDLQCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "dlq", Short: "Inspect and redrive dead-lettered records"}
	var topic, filter string
	cmd.PersistentFlags().StringVar(&topic, "topic", topics.DLQ(topics.Raw), "dead-letter topic")
	cmd.PersistentFlags().StringVar(&filter, "filter", "", "only records of this error class (e.g. malformed)")

	list := &cobra.Command{
		Use:     "list",
		Short:   "List parked records with their error class and reason",
		Example: "  newsctl dlq list --topic news.cleaned.dlq --filter malformed",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			bc, err := g.broker()
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "PARTITION\tOFFSET\tCLASS\tATTEMPT\tORIGIN\tTIME\tERROR")
			n, err := scanDLQ(cmd.Context(), bc, topic, filter, func(m kafka.Message) error {
				h := headers(m)
				reason := h[stage.HeaderError]
				if len(reason) > 80 {
					reason = reason[:77] + "..."
				}
				fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s/%s@%s\t%s\t%s\n", m.Partition, m.Offset, h[stage.HeaderErrorClass], h[stage.HeaderAttempt],
					h[stage.HeaderOriginTopic], h[stage.HeaderOriginPartition], h[stage.HeaderOriginOffset], h[stage.HeaderDeadLetteredAt], reason)
				return nil
			})
			tw.Flush()
			fmt.Fprintf(cmd.OutOrStdout(), "%d record(s)\n", n)
			return err
		},
	}
	var partition int
	show := &cobra.Command{
		Use:     "show OFFSET",
		Short:   "Show one parked record: every header and the decoded value",
		Example: "  newsctl dlq show 42 --partition 0",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			bc, err := g.broker()
			if err != nil {
				return err
			}
			var off int64
			if _, err := fmt.Sscan(args[0], &off); err != nil || off < 0 {
				return fmt.Errorf("OFFSET must be a number, not %q", args[0])
			}
			r := kafka.NewReader(kafka.ReaderConfig{Brokers: bc.Brokers, Dialer: bc.Dialer(), Topic: topic, Partition: partition, MaxWait: 250 * time.Millisecond})
			defer r.Close()
			if err := r.SetOffset(off); err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), 10*time.Second)
			defer cancel()
			m, err := r.ReadMessage(ctx)
			if err != nil {
				return fmt.Errorf("read %s/%d@%d: %w", topic, partition, off, err)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s/%d@%d  key %q  %d bytes  %s\n", m.Topic, m.Partition, m.Offset, m.Key, len(m.Value), m.Time.UTC().Format(time.RFC3339))
			for _, h := range m.Headers {
				fmt.Fprintf(w, "  %s: %s\n", h.Key, h.Value)
			}
			if msg, err := decodeAny(stage.FromKafka(m)); err == nil {
				printRecord(w, m, msg)
			} else {
				fmt.Fprintf(w, "value: not decodable (%v)\n", err)
			}
			return nil
		},
	}
	show.Flags().IntVar(&partition, "partition", 0, "partition of the dead-letter topic")

	var dryRun bool
	redrive := &cobra.Command{
		Use:   "redrive",
		Short: "Re-publish parked records to their original topic after a fix",
		Long: `redrive re-publishes each parked record (key, value and headers) to the topic it
came from, so the stage handles it again. It keeps its place in a consumer group
of its own (newsctl-redrive-<dlq topic>), so running it again only redrives what
arrived since. Records that fail again return to the DLQ with their attempt
count incremented.`,
		Example: `  newsctl dlq redrive --topic news.raw.dlq --filter retries_exhausted
  newsctl dlq redrive --dry-run`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			bc, err := g.broker()
			if err != nil {
				return err
			}
			return redriveDLQ(cmd.Context(), cmd.OutOrStdout(), bc, topic, filter, dryRun)
		},
	}
	redrive.Flags().BoolVar(&dryRun, "dry-run", false, "count what would be redriven")
	cmd.AddCommand(list, show, redrive)
	return cmd
}

func headers(m kafka.Message) map[string]string {
	h := make(map[string]string, len(m.Headers))
	for _, x := range m.Headers {
		h[x.Key] = string(x.Value)
	}
	return h
}

// scanDLQ calls fn for every record of topic up to its current end whose
// class matches filter; it returns how many matched.
func scanDLQ(ctx context.Context, bc broker.Config, topic, filter string, fn func(kafka.Message) error) (int, error) {
	parts, err := lag.Offsets(ctx, bc.Client(), topic)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range parts {
		if p.End <= p.Start {
			continue
		}
		r := kafka.NewReader(kafka.ReaderConfig{Brokers: bc.Brokers, Dialer: bc.Dialer(), Topic: topic, Partition: p.Partition, MaxBytes: 16 << 20, MaxWait: 250 * time.Millisecond})
		if err := r.SetOffset(p.Start); err != nil {
			r.Close()
			return n, err
		}
		for {
			m, err := r.ReadMessage(ctx)
			if err != nil {
				r.Close()
				return n, err
			}
			if filter == "" || headers(m)[stage.HeaderErrorClass] == filter {
				n++
				if err := fn(m); err != nil {
					r.Close()
					return n, err
				}
			}
			if m.Offset >= p.End-1 {
				break
			}
		}
		r.Close()
	}
	return n, nil
}

// redriveDLQ re-publishes parked records to their original topics, resuming
// after the offsets its own consumer group committed.
func redriveDLQ(ctx context.Context, w io.Writer, bc broker.Config, topic, filter string, dryRun bool) error {
	group := "newsctl-redrive-" + topic
	client := bc.Client()
	defer broker.CloseClient(client)
	ps, err := lag.Of(ctx, client, group, topic)
	if err != nil {
		return err
	}
	sink := stage.NewKafkaSink(bc, stage.SinkOptions{})
	defer sink.Close()
	redriven, skipped := 0, 0
	for _, p := range ps {
		from := max(p.Committed, p.Start)
		if from >= p.End {
			continue
		}
		r := kafka.NewReader(kafka.ReaderConfig{Brokers: bc.Brokers, Dialer: bc.Dialer(), Topic: topic, Partition: p.Partition, MaxBytes: 16 << 20, MaxWait: 250 * time.Millisecond})
		if err := r.SetOffset(from); err != nil {
			r.Close()
			return err
		}
		var batch []stage.Output
		flush := func(next int64) error {
			if !dryRun && len(batch) > 0 {
				if err := sink.Write(ctx, batch); err != nil {
					return fmt.Errorf("redrive %d records: %w", len(batch), err)
				}
			}
			redriven += len(batch)
			batch = batch[:0]
			if dryRun {
				return nil
			}
			// Progress is recorded after every batch: a redrive that dies
			// resumes after the last acknowledged batch.
			_, err := client.OffsetCommit(ctx, &kafka.OffsetCommitRequest{GroupID: group, GenerationID: -1,
				Topics: map[string][]kafka.OffsetCommit{topic: {{Partition: p.Partition, Offset: next}}}})
			if err != nil {
				return fmt.Errorf("record redrive progress: %w", err)
			}
			return nil
		}
		for {
			m, err := r.ReadMessage(ctx)
			if err != nil {
				r.Close()
				return err
			}
			h := headers(m)
			origin := h[stage.HeaderOriginTopic]
			switch {
			case filter != "" && h[stage.HeaderErrorClass] != filter:
				skipped++
			case origin == "" || strings.HasSuffix(origin, topics.DLQSuffix):
				return errors.New("record " + fmt.Sprint(m.Offset) + " has no original topic header; not a newsflow dead letter")
			default:
				o := stage.Output{Topic: origin, Key: m.Key, Value: m.Value}
				for _, x := range m.Headers {
					o.Headers = append(o.Headers, stage.Header{Key: x.Key, Value: x.Value})
				}
				batch = append(batch, o)
			}
			if len(batch) >= 100 || m.Offset >= p.End-1 {
				if err := flush(m.Offset + 1); err != nil {
					r.Close()
					return err
				}
			}
			if m.Offset >= p.End-1 {
				break
			}
		}
		r.Close()
	}
	verb := "redriven"
	if dryRun {
		verb = "would be redriven"
	}
	fmt.Fprintf(w, "%d record(s) %s from %s, %d skipped by --filter\n", redriven, verb, topic, skipped)
	return nil
}
