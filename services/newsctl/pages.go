package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	newsflowv1 "github.com/newsflow/newsflow/pkg/gen/newsflow/v1"
)

// maxPageBytes caps what newsctl reads of one page, as the fetcher does.
const maxPageBytes = 5 << 20

// expandInputs turns file, folder, URL and "-" arguments into a list of
// page sources: folders become their regular files, sorted.
func expandInputs(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		if a == "-" || isURL(a) || isSample(a) {
			out = append(out, a)
			continue
		}
		st, err := os.Stat(a)
		if err != nil {
			return nil, fmt.Errorf("input %s: %w", a, err)
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		var files []string
		err = filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() && !strings.HasPrefix(d.Name(), ".") {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read folder %s: %w", a, err)
		}
		sort.Strings(files)
		out = append(out, files...)
	}
	return out, nil
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// loadPage reads one page source into a RawArticle: a file (content type
// from its extension, else sniffed), standard input, or an http(s) URL.
func loadPage(ctx context.Context, src, pageURL string) (*newsflowv1.RawArticle, error) {
	start := time.Now()
	raw := &newsflowv1.RawArticle{Url: pageURL, RequestedUrl: pageURL,
		Source: &newsflowv1.Source{Kind: newsflowv1.SourceKind_SOURCE_KIND_FILE, Name: src}}
	var body []byte
	var err error
	switch {
	case isURL(src):
		raw.Source.Kind = newsflowv1.SourceKind_SOURCE_KIND_SUBMIT
		body, err = fetchURL(ctx, src, raw)
	case src == "-":
		body, err = readCapped(os.Stdin)
	case isSample(src):
		body, err = readSample(src)
		raw.ContentType = "text/plain; charset=utf-8"
	default:
		var f *os.File
		if f, err = os.Open(src); err == nil {
			body, err = readCapped(f)
			f.Close()
		}
		if raw.ContentType == "" {
			raw.ContentType = mime.TypeByExtension(filepath.Ext(src))
		}
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", src, err)
	}
	if raw.ContentType == "" {
		raw.ContentType = http.DetectContentType(body)
	}
	raw.Body = body
	raw.FetchedAt = timestamppb.Now()
	raw.FetchDuration = durationpb.New(time.Since(start))
	return raw, nil
}

var errTooLarge = errors.New("page larger than 5 MiB")

func readCapped(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxPageBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxPageBytes {
		return nil, errTooLarge
	}
	return b, nil
}

func fetchURL(ctx context.Context, u string, raw *newsflowv1.RawArticle) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "newsflow-newsctl/1 (+https://github.com/newsflow/newsflow)")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("http status %s", resp.Status)
	}
	raw.StatusCode = int32(resp.StatusCode)
	raw.ContentType = resp.Header.Get("Content-Type")
	if _, params, err := mime.ParseMediaType(raw.ContentType); err == nil {
		raw.Charset = params["charset"]
	}
	raw.RequestedUrl = u
	raw.Url = resp.Request.URL.String()
	return readCapped(resp.Body)
}
