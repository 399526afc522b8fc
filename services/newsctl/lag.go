package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/newsflow/newsflow/pkg/lag"
	"github.com/newsflow/newsflow/pkg/topics"
)

func newLagCmd(g *globals) *cobra.Command {
	var group, topic string
	cmd := &cobra.Command{
		Use:   "lag",
		Short: "Show how far consumer groups are behind, per partition",
		Example: `  newsctl lag                       # the cleaner and enricher groups
  newsctl lag --group newsflow-enricher --topic news.cleaned`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			bc, err := g.broker()
			if err != nil {
				return err
			}
			pairs := [][2]string{{"newsflow-cleaner", topics.Raw}, {"newsflow-enricher", topics.Cleaned}}
			if group != "" || topic != "" {
				if group == "" || topic == "" {
					return fmt.Errorf("--group and --topic go together")
				}
				pairs = [][2]string{{group, topic}}
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "GROUP\tTOPIC\tPARTITION\tCOMMITTED\tEND\tLAG")
			for _, p := range pairs {
				ps, err := lag.Of(cmd.Context(), bc.Client(), p[0], p[1])
				if err != nil {
					return err
				}
				for _, x := range ps {
					committed := fmt.Sprint(x.Committed)
					if x.Committed < 0 {
						committed = "-"
					}
					fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%d\t%d\n", p[0], p[1], x.Partition, committed, x.End, x.Lag())
				}
				fmt.Fprintf(tw, "%s\t%s\ttotal\t\t\t%d\n", p[0], p[1], lag.Total(ps))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&group, "group", "", "consumer group (default: the pipeline's groups)")
	cmd.Flags().StringVar(&topic, "topic", "", "topic the group consumes")
	return cmd
}
