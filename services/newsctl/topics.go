package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/newsflow/newsflow/pkg/topics"
)

func newTopicsCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "topics", Short: "Manage newsflow's Kafka topics"}
	o := topics.DefaultOptions()
	create := &cobra.Command{
		Use:   "create",
		Short: "Create the pipeline topics and their DLQs (idempotent)",
		Example: `  newsctl topics create --brokers kafka:9092 --partitions 12 --replication 3
  newsctl topics create --retention 168h`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			bc, err := g.broker()
			if err != nil {
				return err
			}
			if o.Partitions < 1 || o.ReplicationFactor < 1 {
				return fmt.Errorf("--partitions and --replication must be at least 1")
			}
			res, err := topics.Ensure(cmd.Context(), bc.Client(), topics.Pipeline(o))
			for _, r := range res {
				state := "exists"
				if r.Created {
					state = "created"
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%-20s %-8s partitions=%d\n", r.Name, state, r.Partitions)
			}
			return err
		},
	}
	create.Flags().IntVar(&o.Partitions, "partitions", o.Partitions, "partitions of each pipeline topic (DLQs get 1)")
	create.Flags().IntVar(&o.ReplicationFactor, "replication", o.ReplicationFactor, "replicas of each topic")
	create.Flags().DurationVar(&o.Retention, "retention", 7*24*time.Hour, "retention of news.raw, news.cleaned (news.enriched is compacted)")
	create.Flags().IntVar(&o.MaxMessageBytes, "max-message-bytes", o.MaxMessageBytes, "largest record the topics accept")
	cmd.AddCommand(create)
	return cmd
}
