package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/newsflow/newsflow/pkg/cleaner"
	newsflowv1 "github.com/newsflow/newsflow/pkg/gen/newsflow/v1"
)

func newExtractCmd() *cobra.Command {
	var format, pageURL string
	var frames bool
	cmd := &cobra.Command{
		Use:   "extract [FILE|URL|-]",
		Short: "Run the cleaner on one page, without Kafka or Redis, and print the cleaned article",
		Long: `extract runs the cleaner's code on one page (a file, an http(s) URL, or - for
standard input) and prints the story it finds. --format text prints the title and
paragraphs, body the paragraphs alone, json every field of the CleanedArticle.

With --stdin-frames it reads many pages from standard input as frames of
"<length>\n<bytes>" and writes each result as a frame the same way (an empty
frame for a page with no story, "error: ..." text for a failed one).`,
		Example: `  newsctl extract sample:seed-article
  newsctl extract --format json --url https://example.com/a page.html
  curl -s https://example.com/a | newsctl extract -`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "body" && format != "json" {
				return fmt.Errorf("--format must be text, body or json, not %q", format)
			}
			c := cleaner.New()
			if frames {
				if len(args) > 0 {
					return fmt.Errorf("--stdin-frames reads standard input; give no page argument")
				}
				return extractFrames(cmd.Context(), c, os.Stdin, cmd.OutOrStdout(), format, pageURL)
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
			story, err := c.Clean(cmd.Context(), raw)
			if err != nil {
				return err
			}
			if story == nil {
				return fmt.Errorf("%s: no article found on the page", src)
			}
			return writeCleaned(cmd.OutOrStdout(), story, format)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output: text (title and paragraphs), body (paragraphs), json (every field)")
	cmd.Flags().StringVar(&pageURL, "url", "", "the page's address, for canonical URL and metadata")
	cmd.Flags().BoolVar(&frames, "stdin-frames", false, "read <length>\\n<bytes> frames from stdin, write results the same way")
	return cmd
}

func writeCleaned(w io.Writer, a *newsflowv1.CleanedArticle, format string) error {
	switch format {
	case "json":
		b, err := protojson.MarshalOptions{Multiline: true}.Marshal(a)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(w, string(b))
		return err
	case "body":
		_, err := fmt.Fprintln(w, strings.Join(a.GetParagraphs(), "\n\n"))
		return err
	default:
		_, err := fmt.Fprintf(w, "%s\n\n%s\n", a.GetTitle(), strings.Join(a.GetParagraphs(), "\n\n"))
		return err
	}
}

// extractFrames runs the cleaner over length-prefixed frames for batch use.
func extractFrames(ctx context.Context, c *cleaner.Cleaner, r io.Reader, w io.Writer, format, pageURL string) error {
	br := bufio.NewReaderSize(r, 64<<10)
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	for n := 1; ; n++ {
		line, err := br.ReadString('\n')
		if err == io.EOF && line == "" {
			return nil
		}
		if err != nil {
			return fmt.Errorf("frame %d: read length: %w", n, err)
		}
		size, err := strconv.Atoi(strings.TrimSpace(line))
		if err != nil || size < 0 || size > maxPageBytes {
			return fmt.Errorf("frame %d: bad length %q (want 0..%d)", n, strings.TrimSpace(line), maxPageBytes)
		}
		body := make([]byte, size)
		if _, err := io.ReadFull(br, body); err != nil {
			return fmt.Errorf("frame %d: read %d bytes: %w", n, size, err)
		}
		raw := &newsflowv1.RawArticle{Url: pageURL, Body: body}
		var out bytes.Buffer
		story, err := c.Clean(ctx, raw)
		switch {
		case err != nil:
			fmt.Fprintf(&out, "error: %v", err)
		case story != nil:
			if err := writeCleaned(&out, story, format); err != nil {
				return err
			}
		}
		fmt.Fprintf(bw, "%d\n", out.Len())
		bw.Write(out.Bytes())
		if err := bw.Flush(); err != nil {
			return err
		}
	}
}
