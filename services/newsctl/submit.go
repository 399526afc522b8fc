package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/newsflow/newsflow/pkg/config"
	"github.com/newsflow/newsflow/pkg/fetch/submitapi"
)

// newSubmitCmd is `newsctl submit`: send URLs to a fetcher's submit API.
func newSubmitCmd() *cobra.Command {
	var (
		api, tokenFile, file string
		wait                 bool
		batch                int
	)
	cmd := &cobra.Command{
		Use:   "submit URL... | -f urls.txt",
		Short: "Send URLs to the fetcher, which fetches them politely into news.raw",
		Long: `submit posts URLs to a fetcher's API (POST /v1/submit). The fetcher checks them
(http/https only, no private or internal addresses), then fetches each page under
robots.txt and the shared per-host rate limit and writes it to news.raw.

By default the URLs are queued and submit returns at once; with --wait the
fetcher fetches them first and submit prints each outcome: the news.raw record
key of an emitted page, or why it failed. -f reads URLs from a file, one per line
("-" for standard input; blank lines and lines starting with # are skipped).

The bearer token comes from --token-file or the environment variable ` + config.EnvName("api-token") + `.`,
		Example: `  newsctl submit --api http://fetcher:8080 --token-file /run/secrets/token https://example.com/news/a
  newsctl submit --wait -f urls.txt
  grep -h '^https' links.txt | newsctl submit -f -`,
		RunE: func(cmd *cobra.Command, args []string) error {
			urls := append([]string(nil), args...)
			if file != "" {
				more, err := readURLs(cmd.InOrStdin(), file)
				if err != nil {
					return err
				}
				urls = append(urls, more...)
			}
			if len(urls) == 0 {
				return errors.New("no URLs: give them as arguments or with -f FILE")
			}
			if batch < 1 {
				return fmt.Errorf("--batch must be at least 1, got %d", batch)
			}
			token, err := submitToken(tokenFile)
			if err != nil {
				return err
			}
			client := &submitapi.Client{Base: api, Token: token}
			out := cmd.OutOrStdout()
			failed := 0
			for start := 0; start < len(urls); start += batch {
				chunk := urls[start:min(len(urls), start+batch)]
				res, err := client.Submit(cmd.Context(), chunk, wait)
				if err != nil {
					return fmt.Errorf("submitted %d of %d URLs: %w", start, len(urls), err)
				}
				for _, r := range res.Results {
					switch r.Status {
					case submitapi.StatusEmitted:
						fmt.Fprintf(out, "emitted\t%s\t%s\n", r.Key, r.URL)
					case submitapi.StatusFailed:
						failed++
						fmt.Fprintf(out, "failed\t%s\t%s\t%s\n", r.Class, r.URL, r.Error)
					default:
						fmt.Fprintf(out, "%s\t%s\n", r.Status, r.URL)
					}
				}
			}
			if failed > 0 {
				return fmt.Errorf("%d of %d URLs failed", failed, len(urls))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&api, "api", envOr("api", "http://127.0.0.1:8080"), "fetcher API base URL (env "+config.EnvName("api")+")")
	cmd.Flags().StringVar(&tokenFile, "token-file", os.Getenv(config.EnvName("api-token-file")),
		"file holding the API bearer token (env "+config.EnvName("api-token-file")+"; or the token itself in "+config.EnvName("api-token")+")")
	cmd.Flags().StringVarP(&file, "file", "f", "", `file of URLs, one per line ("-": standard input)`)
	cmd.Flags().BoolVar(&wait, "wait", false, "wait until the fetcher fetched the pages and print each outcome")
	cmd.Flags().IntVar(&batch, "batch", 100, "URLs per request (the fetcher's --submit-max-urls)")
	return cmd
}

// submitToken reads the bearer token from the file, else the environment.
func submitToken(file string) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("--token-file: %w", err)
		}
		tok := strings.TrimSpace(string(b))
		if tok == "" {
			return "", fmt.Errorf("--token-file %s is empty", file)
		}
		return tok, nil
	}
	if tok := strings.TrimSpace(os.Getenv(config.EnvName("api-token"))); tok != "" {
		return tok, nil
	}
	return "", fmt.Errorf("no API token: use --token-file or set %s", config.EnvName("api-token"))
}

// readURLs reads one URL per line from path ("-": stdin), skipping blank
// lines and # comments.
func readURLs(stdin io.Reader, path string) ([]string, error) {
	r := stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("-f: %w", err)
		}
		defer f.Close()
		r = f
	}
	var urls []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		urls = append(urls, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("-f %s: %w", path, err)
	}
	return urls, nil
}
