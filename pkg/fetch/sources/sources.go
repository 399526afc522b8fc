// Package sources reads the fetcher's source list: a YAML file (on
// Kubernetes a mounted ConfigMap) naming the feeds, sitemaps and single
// pages to poll, with a poll interval, language hint and tags per source.
// Watch re-reads the file when its content changes.
//
//	defaults:            # optional; applied to every source that omits a field
//	  interval: 5m
//	sources:
//	  - name: example-world          # unique; [a-z0-9._-], used in metrics and Redis keys
//	    kind: feed                   # feed (RSS/Atom/JSON Feed), sitemap (incl. index, news, .gz) or page
//	    url: https://example.com/world/rss.xml
//	    interval: 2m                 # starting poll interval
//	    min_interval: 30s            # adaptive polling stays within [min_interval, max_interval]
//	    max_interval: 30m
//	    language: en                 # language hint passed on in every message
//	    tags: [world, wire]          # passed on unchanged
//	    identity: auto               # how items are told apart: auto, guid, link or content
//	    max_items: 200               # most new items fetched per poll; the rest wait for the next
//	    max_age: 48h                 # skip items published longer ago (0: no limit)
package sources

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Kind is what a source's URL points to.
type Kind string

// Source kinds.
const (
	KindFeed    Kind = "feed"
	KindSitemap Kind = "sitemap"
	KindPage    Kind = "page"
)

// Identity says how the items of a source are told apart, for "emit once".
type Identity string

// Identities.
const (
	// IdentityAuto uses the item's canonical link, else its GUID, else a
	// hash of its content. Links are preferred because some feeds mint a
	// new GUID on every refresh while the page stays the same.
	IdentityAuto Identity = "auto"
	// IdentityGUID uses the GUID (scoped to the feed), else the link: for
	// feeds whose links carry per-request tokens.
	IdentityGUID Identity = "guid"
	// IdentityLink uses the canonical link only.
	IdentityLink Identity = "link"
	// IdentityContent hashes title, link and summary: for feeds where both
	// GUIDs and links change on every refresh.
	IdentityContent Identity = "content"
)

// Source is one configured source, with defaults applied.
type Source struct {
	Name        string        `yaml:"name"`
	Kind        Kind          `yaml:"kind"`
	URL         string        `yaml:"url"`
	Interval    time.Duration `yaml:"interval"`
	MinInterval time.Duration `yaml:"min_interval"`
	MaxInterval time.Duration `yaml:"max_interval"`
	Language    string        `yaml:"language"`
	Tags        []string      `yaml:"tags"`
	Identity    Identity      `yaml:"identity"`
	MaxItems    int           `yaml:"max_items"`
	MaxAge      time.Duration `yaml:"max_age"`
}

// Equal reports whether two sources have the same settings.
func (s Source) Equal(o Source) bool {
	if len(s.Tags) != len(o.Tags) {
		return false
	}
	for i := range s.Tags {
		if s.Tags[i] != o.Tags[i] {
			return false
		}
	}
	a, b := s, o
	a.Tags, b.Tags = nil, nil
	return a.Name == b.Name && a.Kind == b.Kind && a.URL == b.URL && a.Interval == b.Interval &&
		a.MinInterval == b.MinInterval && a.MaxInterval == b.MaxInterval && a.Language == b.Language &&
		a.Identity == b.Identity && a.MaxItems == b.MaxItems && a.MaxAge == b.MaxAge
}

type defaults struct {
	Interval    time.Duration `yaml:"interval"`
	MinInterval time.Duration `yaml:"min_interval"`
	MaxInterval time.Duration `yaml:"max_interval"`
	Language    string        `yaml:"language"`
	Tags        []string      `yaml:"tags"`
	Identity    Identity      `yaml:"identity"`
	MaxItems    int           `yaml:"max_items"`
	MaxAge      time.Duration `yaml:"max_age"`
}

type file struct {
	Defaults defaults `yaml:"defaults"`
	Sources  []Source `yaml:"sources"`
}

// Limits on the values of a source.
const (
	// DefaultInterval is the poll interval of a source that gives none.
	DefaultInterval = 5 * time.Minute
	// MinAllowedInterval is the shortest poll interval accepted.
	MinAllowedInterval = time.Second
	// MaxAllowedInterval is the longest poll interval accepted.
	MaxAllowedInterval = 7 * 24 * time.Hour
	// DefaultMaxItems is the most new items fetched per poll by default.
	DefaultMaxItems = 200
	// MaxFileBytes bounds the size of the sources file.
	MaxFileBytes = 4 << 20
)

var (
	nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)
	langRE = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$`)
)

// Parse reads a sources document, applies the defaults and validates every
// source. Errors name the source (by position and name) and the field.
func Parse(data []byte) ([]Source, error) {
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("sources file is %d bytes, limit %d", len(data), MaxFileBytes)
	}
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) { // an empty file is an empty list
		return nil, fmt.Errorf("sources file: %w", err)
	}
	d := f.Defaults
	if d.Interval == 0 {
		d.Interval = DefaultInterval
	}
	if d.Identity == "" {
		d.Identity = IdentityAuto
	}
	if d.MaxItems == 0 {
		d.MaxItems = DefaultMaxItems
	}
	seen := map[string]int{}
	var errs []error
	out := make([]Source, 0, len(f.Sources))
	for i, s := range f.Sources {
		s = applyDefaults(s, d)
		if err := validate(s); err != nil {
			errs = append(errs, fmt.Errorf("sources[%d] (name %q): %w", i, s.Name, err))
			continue
		}
		if j, dup := seen[s.Name]; dup {
			errs = append(errs, fmt.Errorf("sources[%d] (name %q): name: already used by sources[%d]", i, s.Name, j))
			continue
		}
		seen[s.Name] = i
		out = append(out, s)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

func applyDefaults(s Source, d defaults) Source {
	s.Name = strings.TrimSpace(s.Name)
	s.URL = strings.TrimSpace(s.URL)
	s.Kind = Kind(strings.ToLower(string(s.Kind)))
	if s.Interval == 0 {
		s.Interval = d.Interval
	}
	if s.MinInterval == 0 {
		s.MinInterval = d.MinInterval
	}
	if s.MinInterval == 0 {
		s.MinInterval = max(s.Interval/4, MinAllowedInterval)
		s.MinInterval = min(s.MinInterval, s.Interval)
	}
	if s.MaxInterval == 0 {
		s.MaxInterval = d.MaxInterval
	}
	if s.MaxInterval == 0 {
		s.MaxInterval = min(s.Interval*6, MaxAllowedInterval)
		s.MaxInterval = max(s.MaxInterval, s.Interval)
	}
	if s.Language == "" {
		s.Language = d.Language
	}
	if s.Tags == nil {
		s.Tags = append([]string(nil), d.Tags...)
	}
	if s.Identity == "" {
		s.Identity = d.Identity
	}
	if s.MaxItems == 0 {
		s.MaxItems = d.MaxItems
	}
	if s.MaxAge == 0 {
		s.MaxAge = d.MaxAge
	}
	return s
}

func validate(s Source) error {
	if !nameRE.MatchString(s.Name) {
		return fmt.Errorf("name: %q must be 1-64 characters of a-z, 0-9, '.', '_', '-', starting with a letter or digit", s.Name)
	}
	switch s.Kind {
	case KindFeed, KindSitemap, KindPage:
	case "":
		return errors.New("kind: required: feed, sitemap or page")
	default:
		return fmt.Errorf("kind: %q is not feed, sitemap or page", s.Kind)
	}
	u, err := url.Parse(s.URL)
	switch {
	case s.URL == "":
		return errors.New("url: required")
	case err != nil:
		return fmt.Errorf("url: %v", err)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("url: scheme %q is not http or https", u.Scheme)
	case u.Host == "":
		return errors.New("url: no host")
	case u.User != nil:
		return errors.New("url: user information is not allowed (credentials do not belong in a ConfigMap)")
	}
	for _, f := range []struct {
		name string
		v    time.Duration
	}{{"interval", s.Interval}, {"min_interval", s.MinInterval}, {"max_interval", s.MaxInterval}} {
		if f.v < MinAllowedInterval || f.v > MaxAllowedInterval {
			return fmt.Errorf("%s: %s is outside [%s, %s]", f.name, f.v, MinAllowedInterval, MaxAllowedInterval)
		}
	}
	if s.MinInterval > s.Interval || s.Interval > s.MaxInterval {
		return fmt.Errorf("interval: want min_interval (%s) <= interval (%s) <= max_interval (%s)", s.MinInterval, s.Interval, s.MaxInterval)
	}
	if s.Language != "" && !langRE.MatchString(s.Language) {
		return fmt.Errorf("language: %q is not an ISO 639 code such as en or pt-BR", s.Language)
	}
	if len(s.Tags) > 32 {
		return fmt.Errorf("tags: %d tags, at most 32", len(s.Tags))
	}
	for _, t := range s.Tags {
		if strings.TrimSpace(t) == "" || len(t) > 64 {
			return fmt.Errorf("tags: %q must be 1-64 characters", t)
		}
	}
	switch s.Identity {
	case IdentityAuto, IdentityGUID, IdentityLink, IdentityContent:
	default:
		return fmt.Errorf("identity: %q is not auto, guid, link or content", s.Identity)
	}
	if s.MaxItems < 1 || s.MaxItems > 10000 {
		return fmt.Errorf("max_items: %d is outside [1, 10000]", s.MaxItems)
	}
	if s.MaxAge < 0 {
		return fmt.Errorf("max_age: %s is negative", s.MaxAge)
	}
	return nil
}

// Load reads and parses the sources file at path.
func Load(path string) ([]Source, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	srcs, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return srcs, nil
}

func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read sources: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read sources %s: %w", path, err)
	}
	return data, nil
}
