// Package feeds reads the documents through which the fetcher discovers
// news pages: RSS 0.9x/1.0/2.0, Atom 1.0 and JSON Feed 1.x (through
// github.com/mmcdole/gofeed), and XML sitemaps, sitemap indexes and Google
// News sitemaps (encoding/xml; gofeed does not read sitemaps). Both turn
// into Items: the page URL plus what the document says about it.
//
// Neither parser expands external entities or DTD-defined entities, so
// XXE and entity-expansion attacks do not apply; the size of the input is
// bounded by the caller (the fetcher's body cap).
package feeds

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"
)

// Item is one entry of a feed or sitemap.
type Item struct {
	// URL is the absolute address of the page.
	URL string
	// GUID is the feed's identity of the item (RSS guid, Atom id, JSON id), if any.
	GUID string
	// Title, Author and Summary as the document gives them (Summary in plain text).
	Title   string
	Author  string
	Summary string
	// Published is the publication (or, failing that, update) time, if given.
	Published time.Time
	// Language is the item's language where the document says (news sitemaps).
	Language string
}

// MaxSummary is the longest summary kept, in bytes (cut at a rune boundary).
const MaxSummary = 2000

// ParseFeed reads an RSS, Atom or JSON feed. Relative links are resolved
// against base (the feed's own URL). Items without a usable http(s) link are
// left out.
func ParseFeed(data []byte, base string) ([]Item, error) {
	fp := gofeed.NewParser()
	f, err := fp.Parse(bytes.NewReader(data))
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return nil, fmt.Errorf("not an RSS, Atom or JSON feed (starts %q)", head(data, 40))
		}
		return nil, fmt.Errorf("parse feed: %w", err)
	}
	baseURL, _ := url.Parse(base)
	if f.Link != "" && baseURL != nil {
		// xml:base-less Atom feeds often give relative links against the site.
		if u, err := baseURL.Parse(f.Link); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			baseURL = u
		}
	}
	items := make([]Item, 0, len(f.Items))
	for _, it := range f.Items {
		if it == nil {
			continue
		}
		link := it.Link
		if link == "" && len(it.Links) > 0 {
			link = it.Links[0]
		}
		if link == "" && looksLikeURL(it.GUID) {
			link = it.GUID // RSS guid isPermaLink
		}
		abs := resolve(baseURL, link)
		if abs == "" {
			continue
		}
		item := Item{
			URL:     abs,
			GUID:    strings.TrimSpace(it.GUID),
			Title:   clean(it.Title, 1000),
			Summary: PlainText(it.Description, MaxSummary),
		}
		if item.Summary == "" {
			item.Summary = PlainText(it.Content, MaxSummary)
		}
		switch {
		case len(it.Authors) > 0 && it.Authors[0] != nil && it.Authors[0].Name != "":
			item.Author = clean(it.Authors[0].Name, 300)
		case it.DublinCoreExt != nil && len(it.DublinCoreExt.Creator) > 0:
			item.Author = clean(it.DublinCoreExt.Creator[0], 300)
		}
		switch {
		case it.PublishedParsed != nil:
			item.Published = it.PublishedParsed.UTC()
		case it.UpdatedParsed != nil:
			item.Published = it.UpdatedParsed.UTC()
		}
		items = append(items, item)
	}
	return items, nil
}

func looksLikeURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// resolve returns ref as an absolute http(s) URL, or "" when it is not one.
func resolve(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || len(ref) > 4096 {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// PlainText turns an HTML fragment (a feed description) into plain text
// with collapsed white space, at most max bytes.
func PlainText(s string, max int) string {
	if !strings.ContainsAny(s, "<&") {
		return clean(s, max)
	}
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	skip := 0
	for b.Len() < 4*max {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return clean(b.String(), max)
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style":
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
			case "p", "br", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr":
				b.WriteByte(' ')
			}
		}
	}
	return clean(b.String(), max)
}

// clean collapses white space and cuts s to at most max bytes at a rune
// boundary, dropping invalid UTF-8.
func clean(s string, max int) string {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "")), " ")
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.TrimSpace(s[:cut])
}

func head(data []byte, n int) string {
	if len(data) > n {
		data = data[:n]
	}
	return strings.ToValidUTF8(string(data), "?")
}
