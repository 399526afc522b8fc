package feeds

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
)

// MaxSitemapEntries is the most entries read from one sitemap (the
// sitemaps.org limit); the rest are ignored.
const MaxSitemapEntries = 50000

// Sitemap is a parsed sitemap document: either an index of other sitemaps
// (Sitemaps) or a list of pages (URLs).
type Sitemap struct {
	// Index is true for a <sitemapindex>.
	Index bool
	// Sitemaps are the child sitemaps of an index.
	Sitemaps []SitemapRef
	// URLs are the pages of a <urlset>, with Google News fields when present.
	URLs []Item
}

// SitemapRef is one entry of a sitemap index.
type SitemapRef struct {
	URL     string
	LastMod time.Time
}

type xmlURL struct {
	Loc     string   `xml:"loc"`
	LastMod string   `xml:"lastmod"`
	News    *xmlNews `xml:"news"`
}

// xmlNews is the Google News sitemap extension
// (xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"). Tags
// without a namespace match by local name, so the prefix does not matter.
type xmlNews struct {
	Publication struct {
		Name     string `xml:"name"`
		Language string `xml:"language"`
	} `xml:"publication"`
	PublicationDate string `xml:"publication_date"`
	Title           string `xml:"title"`
	Keywords        string `xml:"keywords"`
}

type xmlSitemapRef struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod"`
}

// ErrNotSitemap is returned for XML that is neither a urlset nor a sitemapindex.
var ErrNotSitemap = errors.New("not a sitemap")

// ParseSitemap reads a sitemap or sitemap index (already decompressed).
// Relative locations are resolved against base.
func ParseSitemap(data []byte, base string) (*Sitemap, error) {
	baseURL, _ := url.Parse(base)
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false // real sitemaps carry stray '&' and HTML entities
	dec.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		// Sitemaps must be UTF-8; accept the usual aliases, refuse others.
		switch strings.ToLower(label) {
		case "utf-8", "utf8", "us-ascii", "ascii":
			return r, nil
		}
		return nil, fmt.Errorf("sitemap encoding %q is not UTF-8", label)
	}
	sm := &Sitemap{}
	root := ""
	n := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if root == "" {
				return nil, fmt.Errorf("parse sitemap: %w", err)
			}
			break // keep what was read before the damage
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if root == "" {
			root = se.Name.Local
			switch root {
			case "urlset":
			case "sitemapindex":
				sm.Index = true
			default:
				return nil, fmt.Errorf("%w: root element <%s>", ErrNotSitemap, root)
			}
			continue
		}
		if n >= MaxSitemapEntries {
			break
		}
		switch {
		case root == "urlset" && se.Name.Local == "url":
			var u xmlURL
			if err := dec.DecodeElement(&u, &se); err != nil {
				return sm, nil
			}
			n++
			abs := resolve(baseURL, u.Loc)
			if abs == "" {
				continue
			}
			it := Item{URL: abs, Published: parseW3C(u.LastMod)}
			if u.News != nil {
				it.Title = clean(u.News.Title, 1000)
				it.Language = clean(u.News.Publication.Language, 16)
				if t := parseW3C(u.News.PublicationDate); !t.IsZero() {
					it.Published = t
				}
			}
			sm.URLs = append(sm.URLs, it)
		case root == "sitemapindex" && se.Name.Local == "sitemap":
			var r xmlSitemapRef
			if err := dec.DecodeElement(&r, &se); err != nil {
				return sm, nil
			}
			n++
			if abs := resolve(baseURL, r.Loc); abs != "" {
				sm.Sitemaps = append(sm.Sitemaps, SitemapRef{URL: abs, LastMod: parseW3C(r.LastMod)})
			}
		default:
			if err := dec.Skip(); err != nil {
				return sm, nil
			}
		}
	}
	if root == "" {
		return nil, fmt.Errorf("%w: no root element", ErrNotSitemap)
	}
	return sm, nil
}

// w3cLayouts are the W3C Datetime profiles sitemaps use, most common first.
var w3cLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02",
	"2006-01",
	"2006",
	time.RFC1123Z,
	time.RFC1123,
}

func parseW3C(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, l := range w3cLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
