// Package templates learns a site's templates: the paragraphs and lines that
// repeat across many pages of the same host (footers, "editor's picks"
// boxes, legal notes, newsletter blurbs) are boilerplate even when no
// extraction rule knows them. The extractor (pkg/extract) stays free of
// state; the cleaner passes each extracted article's paragraphs to a
// Learner, which answers which of them it has now seen on at least
// Config.Threshold distinct pages of that host, and drops them with Filter.
//
// # Fingerprints
//
// A paragraph's fingerprint is the 64-bit xxhash of its normalised text:
// letters lower-cased, every run of digits folded to one "0" (so "© 2024"
// and "© 2025", "12 comments" and "7 comments" agree), all other
// characters (punctuation, spaces, symbols) folded to single separators.
// Paragraphs without a letter are not tracked.
//
// # Redis layout
//
// Two keys per host, both under the hash tag {host} (so one Lua script call
// touches one Redis Cluster slot), both with Config.TTL as expiry, renewed
// on every observation of the host:
//
//	<prefix>{<host>}:lru    sorted set: fingerprint -> last seen (unix ms)
//	<prefix>{<host>}:pages  hash: fingerprint -> the distinct pages seen so far
//
// A hash value is the packed 32-bit ids (xxhash of the page URL) of the
// pages the fingerprint was seen on, at most Threshold-1 of them (the
// distinct count is exact: a page observed again, a replay or a re-fetch,
// is not counted twice); once the count reaches Threshold the value shrinks
// to a one-byte marker, the fingerprint is boilerplate and stays so while it
// keeps being seen. Exact small sets are used rather than one HyperLogLog per
// fingerprint because the counts that matter are tiny (Threshold is about
// 5): a sparse HyperLogLog costs a whole Redis key (about 100 bytes of
// overhead) per fingerprint and estimates, where a packed id list inside one
// hash costs 4 bytes per page and is exact.
//
// Memory per host is bounded: the sorted set is an LRU index capped at
// Config.MaxFingerprints entries; each observation evicts the least recently
// seen fingerprints beyond the cap (from both keys) and forgets up to 128
// fingerprints not seen for Config.TTL. Measured on redis-server 7.0 with
// MEMORY USAGE (TestIntegrationMemoryBound), a full host costs about 180
// bytes per fingerprint: about 360 KiB at the default cap of 2048.
//
// The cap sets the learning window: a block is learned when it recurs on
// Threshold pages while at most MaxFingerprints other distinct paragraphs
// of the host were seen, roughly the last MaxFingerprints/30 pages for
// pages of 30 paragraphs. Site-wide blocks (on every page) are learned after
// Threshold pages; blocks of one page in ten need a larger cap.
//
// Each Observe is one Lua script call in one round trip; ObserveBatch sends
// one call per page in one pipeline (one round trip per Redis node).
//
// # Using it in the cleaner
//
// After extraction, observe the article under its canonical URL (so that
// tracking-parameter and AMP variants of one story count as one page) and
// filter:
//
//	flags, err := learner.Observe(ctx, host, art.CanonicalURL, art.Paragraphs)
//	if err != nil {
//		flags = nil // Redis trouble: keep every paragraph, log, go on
//	}
//	res := templates.Filter(art.Title, art.Paragraphs, flags, templates.FilterOptions{})
//	art.Paragraphs = res.Paragraphs // and recompute Text and WordCount
//
// Filter never drops a paragraph repeating the title, and drops nothing when
// the flagged paragraphs exceed MaxDropShare of the text: a story republished
// under several URLs of one host would otherwise be learned as template.
package templates

import (
	"context"
	"encoding/binary"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"
	"github.com/redis/go-redis/v9"
)

// Defaults of Config.
const (
	DefaultPrefix          = "nf:tpl:"
	DefaultThreshold       = 5
	DefaultMaxFingerprints = 2048
	DefaultTTL             = 14 * 24 * time.Hour
	DefaultMaxParagraphs   = 256
	// MaxThreshold bounds Config.Threshold: the distinct-page list of a
	// fingerprint holds Threshold-1 ids.
	MaxThreshold = 64
)

// Config configures a Learner. Zero fields take their defaults.
type Config struct {
	// Prefix starts every key (default "nf:tpl:").
	Prefix string
	// Threshold is how many distinct pages of a host a block must be seen
	// on to be boilerplate (default 5; 2 to MaxThreshold).
	Threshold int
	// MaxFingerprints caps the fingerprints tracked per host (default 2048,
	// about 360 KiB of Redis memory); the least recently seen are evicted.
	MaxFingerprints int
	// TTL is how long a host's state lives without observations, and how
	// long a fingerprint is remembered without being seen (default 14 days).
	TTL time.Duration
	// MaxParagraphs is how many paragraphs of one page are tracked (default
	// 256, at most MaxFingerprints/2); the rest are never flagged.
	MaxParagraphs int
	// Now is the clock (default time.Now); tests move it.
	Now func() time.Time
}

// Validate reports the first field out of range, naming it.
func (c Config) Validate() error {
	switch {
	case c.Threshold != 0 && (c.Threshold < 2 || c.Threshold > MaxThreshold):
		return fmt.Errorf("templates: Threshold must be 2..%d, got %d", MaxThreshold, c.Threshold)
	case c.MaxFingerprints < 0:
		return fmt.Errorf("templates: MaxFingerprints must not be negative, got %d", c.MaxFingerprints)
	case c.MaxFingerprints != 0 && c.MaxFingerprints < 16:
		return fmt.Errorf("templates: MaxFingerprints must be at least 16, got %d", c.MaxFingerprints)
	case c.TTL < 0:
		return fmt.Errorf("templates: TTL must not be negative, got %s", c.TTL)
	case c.TTL != 0 && c.TTL < time.Second:
		return fmt.Errorf("templates: TTL must be at least 1s, got %s", c.TTL)
	case c.MaxParagraphs < 0:
		return fmt.Errorf("templates: MaxParagraphs must not be negative, got %d", c.MaxParagraphs)
	}
	return nil
}

// withDefaults fills zero fields and clamps the others into range.
func (c Config) withDefaults() Config {
	if c.Prefix == "" {
		c.Prefix = DefaultPrefix
	}
	if c.Threshold == 0 {
		c.Threshold = DefaultThreshold
	}
	c.Threshold = min(max(c.Threshold, 2), MaxThreshold)
	if c.MaxFingerprints <= 0 {
		c.MaxFingerprints = DefaultMaxFingerprints
	}
	c.MaxFingerprints = max(c.MaxFingerprints, 16)
	if c.TTL <= 0 {
		c.TTL = DefaultTTL
	}
	c.TTL = max(c.TTL, time.Second)
	if c.MaxParagraphs <= 0 {
		c.MaxParagraphs = DefaultMaxParagraphs
	}
	c.MaxParagraphs = min(c.MaxParagraphs, c.MaxFingerprints/2)
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Learner counts block fingerprints per host in Redis. It is safe for
// concurrent use, also from several processes sharing one Redis: each
// observation is one atomic script.
type Learner struct {
	rdb redis.UniversalClient
	cfg Config
}

// New returns a Learner on rdb. Fields of cfg out of range are clamped
// (see Config.Validate to refuse them instead).
func New(rdb redis.UniversalClient, cfg Config) *Learner {
	return &Learner{rdb: rdb, cfg: cfg.withDefaults()}
}

// Config returns the effective configuration (defaults filled in).
func (l *Learner) Config() Config { return l.cfg }

// Page is one extracted page to observe.
type Page struct {
	Host       string   // the page's host, e.g. "www.example.com"; "www." and a port are ignored
	URL        string   // the page's address (best: its canonical URL); distinct URLs are distinct pages
	Paragraphs []string // the extracted paragraphs, in order
}

// Observe records that paragraphs appeared on the page pageURL of host and
// reports, for each paragraph, whether it has now been seen on at least
// Threshold distinct pages of host (this page included): boilerplate.
// One round trip. A page without a host or URL is not recorded and nothing
// is flagged. On error nothing should be dropped: the caller keeps every
// paragraph.
func (l *Learner) Observe(ctx context.Context, host, pageURL string, paragraphs []string) ([]bool, error) {
	out, err := l.ObserveBatch(ctx, []Page{{Host: host, URL: pageURL, Paragraphs: paragraphs}})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// ObserveBatch is Observe for many pages (of any hosts) in one pipeline:
// one round trip per Redis node. Pages are recorded in order, so a block
// repeated within the batch counts every page of it. The result has one
// slice per page, one flag per paragraph.
func (l *Learner) ObserveBatch(ctx context.Context, pages []Page) ([][]bool, error) {
	out := make([][]bool, len(pages))
	now := l.cfg.Now().UnixMilli()
	var calls []*call
	var idx [][]int // per call: paragraph index of each fingerprint argument
	var owner []int // per call: page index
	for i, p := range pages {
		out[i] = make([]bool, len(p.Paragraphs))
		tag := hostTag(p.Host)
		if tag == "" || strings.TrimSpace(p.URL) == "" || len(p.Paragraphs) == 0 {
			continue
		}
		args := make([]any, 0, 5+min(len(p.Paragraphs), l.cfg.MaxParagraphs))
		args = append(args, now, l.cfg.TTL.Milliseconds(), l.cfg.MaxFingerprints, l.cfg.Threshold, pageID(p.URL))
		var pi []int
		for j, s := range p.Paragraphs {
			if len(pi) >= l.cfg.MaxParagraphs {
				break
			}
			fp, ok := Fingerprint(s)
			if !ok {
				continue
			}
			var b [8]byte
			binary.BigEndian.PutUint64(b[:], fp)
			args = append(args, string(b[:]))
			pi = append(pi, j)
		}
		if len(pi) == 0 {
			continue
		}
		calls = append(calls, &call{Script: observeScript, Keys: []string{l.key(tag, "lru"), l.key(tag, "pages")}, Args: args})
		idx = append(idx, pi)
		owner = append(owner, i)
	}
	if err := runCalls(ctx, l.rdb, calls); err != nil {
		return nil, fmt.Errorf("templates: observe %d pages: %w", len(pages), err)
	}
	for k, c := range calls {
		counts, err := c.Cmd.Int64Slice()
		if err != nil {
			return nil, fmt.Errorf("templates: observe %s: %w", pages[owner[k]].URL, err)
		}
		if len(counts) != len(idx[k]) {
			return nil, fmt.Errorf("templates: observe %s: script answered %d counts for %d paragraphs", pages[owner[k]].URL, len(counts), len(idx[k]))
		}
		flags := out[owner[k]]
		for m, n := range counts {
			flags[idx[k][m]] = n >= int64(l.cfg.Threshold)
		}
	}
	return out, nil
}

// HostStats describes what is remembered of one host.
type HostStats struct {
	Tracked     int64 // fingerprints in the LRU index
	Boilerplate int64 // of them, seen on Threshold or more pages
}

// Stats reports what is remembered of host (two commands; for operators
// and tests, not the hot path).
func (l *Learner) Stats(ctx context.Context, host string) (HostStats, error) {
	tag := hostTag(host)
	if tag == "" {
		return HostStats{}, nil
	}
	var st HostStats
	n, err := l.rdb.ZCard(ctx, l.key(tag, "lru")).Result()
	if err != nil {
		return st, fmt.Errorf("templates: stats %s: %w", host, err)
	}
	st.Tracked = n
	vals, err := l.rdb.HVals(ctx, l.key(tag, "pages")).Result()
	if err != nil {
		return st, fmt.Errorf("templates: stats %s: %w", host, err)
	}
	for _, v := range vals {
		if v == learnedMarker {
			st.Boilerplate++
		}
	}
	return st, nil
}

// Forget deletes everything learned about host (after a site redesign, or
// to undo a bad lesson).
func (l *Learner) Forget(ctx context.Context, host string) error {
	tag := hostTag(host)
	if tag == "" {
		return nil
	}
	if err := l.rdb.Del(ctx, l.key(tag, "lru"), l.key(tag, "pages")).Err(); err != nil {
		return fmt.Errorf("templates: forget %s: %w", host, err)
	}
	return nil
}

// Keys returns the Redis keys holding host's state (for operators and tests).
func (l *Learner) Keys(host string) []string {
	tag := hostTag(host)
	if tag == "" {
		return nil
	}
	return []string{l.key(tag, "lru"), l.key(tag, "pages")}
}

func (l *Learner) key(tag, kind string) string {
	return l.cfg.Prefix + "{" + tag + "}:" + kind
}

// hostTag returns the hash tag of a host: lower-cased, without "www.", a
// port or a trailing dot. A name with characters a host cannot have (a
// brace would break the hash tag) or longer than 253 bytes becomes the hex
// hash of itself, so hostile input can neither escape its slot nor grow keys.
func hostTag(host string) string {
	h := strings.ToLower(strings.TrimSpace(host))
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h[i:], "]") {
		h = h[:i]
	}
	h = strings.TrimSuffix(h, ".")
	h = strings.TrimPrefix(h, "www.")
	if h == "" {
		return ""
	}
	if len(h) > 253 || strings.IndexFunc(h, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_' || r == '[' || r == ']' || r == ':' || r >= utf8.RuneSelf && unicode.IsLetter(r))
	}) >= 0 {
		return fmt.Sprintf("h%016x", xxhash.Sum64String(h))
	}
	return h
}

// pageID is the 32-bit id of a page URL, packed big-endian for the script.
func pageID(u string) string {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], uint32(xxhash.Sum64String(strings.TrimSpace(u))))
	return string(b[:])
}

// Fingerprint returns the fingerprint of a paragraph (see the package
// comment); ok is false for text without a letter, which is not tracked.
func Fingerprint(s string) (fp uint64, ok bool) {
	var buf [256]byte
	b := buf[:0]
	h := xxhash.New()
	sep, digit := false, false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsMark(r):
			if (sep || digit) && len(b) > 0 {
				b = append(b, ' ')
			}
			r = unicode.ToLower(r)
			if r == 'ς' { // Greek final sigma: "ΕΠΊΣΗΣ" lower-cases to "επίσησ"
				r = 'σ'
			}
			b = utf8.AppendRune(b, r)
			ok = true
			sep, digit = false, false
		case unicode.IsDigit(r):
			if !digit {
				if sep && len(b) > 0 {
					b = append(b, ' ')
				}
				b = append(b, '0')
			}
			sep, digit = false, true
		default:
			// punctuation inside a number ("10:42", "1,234", "11/02/2024")
			// does not end it: the whole run folds to one "0"
			sep = true
		}
		if len(b) >= 200 {
			_, _ = h.Write(b)
			b = b[:0]
		}
	}
	if !ok {
		return 0, false
	}
	_, _ = h.Write(b)
	return h.Sum64(), true
}

// learnedMarker is the hash value of a fingerprint seen on Threshold pages.
const learnedMarker = "*"
