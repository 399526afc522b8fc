package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/spf13/cobra"

	"github.com/newsflow/newsflow/pkg/broker"
	"github.com/newsflow/newsflow/pkg/lag"
)

func newGroupsCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "groups", Short: "Manage consumer groups"}
	var group, topic, toTime string
	var earliest, latest, yes bool
	reset := &cobra.Command{
		Use:   "reset --group G --topic T (--to-time T | --to-earliest | --to-latest)",
		Short: "Move a stopped consumer group's offsets (asks for confirmation)",
		Long: `reset moves the committed offsets of a consumer group on one topic to a time, the
start or the end of each partition. The group must have no live members: stop
the stage first. Prefer "newsctl replay" to re-deliver a range; reset is for
skipping or rewinding a group for good.`,
		Example: `  newsctl groups reset --group newsflow-enricher --topic news.cleaned --to-time 2023-03-17T00:00Z
  newsctl groups reset --group newsflow-cleaner --topic news.raw --to-latest --yes`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			bc, err := g.broker()
			if err != nil {
				return err
			}
			n := 0
			for _, b := range []bool{toTime != "", earliest, latest} {
				if b {
					n++
				}
			}
			if group == "" || topic == "" || n != 1 {
				return fmt.Errorf("give --group, --topic and exactly one of --to-time, --to-earliest, --to-latest")
			}
			var at time.Time
			if toTime != "" {
				if at, err = parseTime(toTime, time.Now()); err != nil {
					return fmt.Errorf("--to-time: %w", err)
				}
			}
			return resetGroup(cmd.Context(), cmd.InOrStdin(), cmd.OutOrStdout(), bc, group, topic, at, earliest, yes)
		},
	}
	f := reset.Flags()
	f.StringVar(&group, "group", "", "consumer group")
	f.StringVar(&topic, "topic", "", "topic whose offsets move")
	f.StringVar(&toTime, "to-time", "", "move to the first record at or after this time")
	f.BoolVar(&earliest, "to-earliest", false, "move to the start of each partition")
	f.BoolVar(&latest, "to-latest", false, "move to the end of each partition")
	f.BoolVar(&yes, "yes", false, "do not ask for confirmation")
	cmd.AddCommand(reset)
	return cmd
}

func resetGroup(ctx context.Context, in io.Reader, w io.Writer, bc broker.Config, group, topic string, at time.Time, earliest, yes bool) error {
	c := bc.Client()
	desc, err := c.DescribeGroups(ctx, &kafka.DescribeGroupsRequest{GroupIDs: []string{group}})
	if err != nil {
		return fmt.Errorf("describe group %s: %w", group, err)
	}
	for _, d := range desc.Groups {
		if len(d.Members) > 0 {
			return fmt.Errorf("group %s has %d live member(s) (state %s): stop its stage first", group, len(d.Members), d.GroupState)
		}
	}
	ps, err := lag.Of(ctx, c, group, topic)
	if err != nil {
		return err
	}
	targets := map[int]int64{}
	for _, p := range ps {
		switch {
		case earliest:
			targets[p.Partition] = p.Start
		case at.IsZero():
			targets[p.Partition] = p.End
		}
	}
	if !at.IsZero() {
		var reqs []kafka.OffsetRequest
		for _, p := range ps {
			reqs = append(reqs, kafka.TimeOffsetOf(p.Partition, at))
		}
		resp, err := c.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: reqs}})
		if err != nil {
			return fmt.Errorf("offsets of %s at %s: %w", topic, at.Format(time.RFC3339), err)
		}
		for _, po := range resp.Topics[topic] {
			targets[po.Partition] = -1
			for off := range po.Offsets {
				targets[po.Partition] = off
			}
		}
		for _, p := range ps {
			if targets[p.Partition] < 0 { // nothing at or after the time: the end
				targets[p.Partition] = p.End
			}
		}
	}
	fmt.Fprintf(w, "group %s on %s:\n", group, topic)
	for _, p := range ps {
		fmt.Fprintf(w, "  partition %-3d %d -> %d\n", p.Partition, p.Committed, targets[p.Partition])
	}
	if !yes {
		fmt.Fprint(w, "move these offsets? [y/N] ")
		line, _ := bufio.NewReader(in).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
			return fmt.Errorf("not confirmed; nothing changed")
		}
	}
	req := &kafka.OffsetCommitRequest{GroupID: group, GenerationID: -1, Topics: map[string][]kafka.OffsetCommit{}}
	for p, off := range targets {
		req.Topics[topic] = append(req.Topics[topic], kafka.OffsetCommit{Partition: p, Offset: off})
	}
	resp, err := c.OffsetCommit(ctx, req)
	if err != nil {
		return fmt.Errorf("commit offsets of %s: %w", group, err)
	}
	for _, pr := range resp.Topics[topic] {
		if pr.Error != nil {
			return fmt.Errorf("commit %s/%d: %w", topic, pr.Partition, pr.Error)
		}
	}
	fmt.Fprintln(w, "offsets moved")
	return nil
}
