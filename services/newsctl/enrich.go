package main

import (
	"fmt"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/newsflow/newsflow/pkg/cleaner"
	"github.com/newsflow/newsflow/pkg/enrich"
	"github.com/newsflow/newsflow/pkg/enricher"
)

func newEnrichCmd() *cobra.Command {
	var format, pageURL string
	cmd := &cobra.Command{
		Use:   "enrich [FILE|URL|-]",
		Short: "Run the cleaner and enricher on one page, without Kafka or Redis",
		Example: `  newsctl enrich sample:seed-article
  newsctl enrich --format json page.html`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return fmt.Errorf("--format must be text or json, not %q", format)
			}
			src := "-"
			if len(args) == 1 {
				src = args[0]
			}
			u := pageURL
			if u == "" {
				u = pageURLFor(src)
			}
			raw, err := loadPage(cmd.Context(), src, u)
			if err != nil {
				return err
			}
			story, err := cleaner.New().Clean(cmd.Context(), raw)
			if err != nil {
				return err
			}
			if story == nil {
				return fmt.Errorf("%s: no article found on the page", src)
			}
			en, err := enrich.New()
			if err != nil {
				return err
			}
			out, err := enricher.New(en, nil).Enrich(cmd.Context(), story)
			if err != nil {
				return err
			}
			if format == "json" {
				b, err := protojson.MarshalOptions{Multiline: true}.Marshal(out)
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), string(b))
				return nil
			}
			printStoryText(cmd.OutOrStdout(), out)
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output: text or json")
	cmd.Flags().StringVar(&pageURL, "url", "", "the page's address, for canonical URL and metadata")
	return cmd
}
