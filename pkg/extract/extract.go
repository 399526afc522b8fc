// Package extract turns one fetched news page (HTML in any charset, or a
// plain-text page dump) into the story it carries: title, metadata and the
// article's paragraphs, without navigation, ads, consent banners, share
// prompts, related-links boxes or comments.
//
// The HTML path does not use html.Parse: it builds a light tree straight from
// golang.org/x/net/html's tokenizer, with a depth cap and a node budget, so
// that hostile pages (100,000-deep nesting, millions of nodes) cost bounded
// time and memory, and it is several times faster than a full HTML5 tree
// construction. Main content is found by scoring blocks (text length, commas,
// link density, class/id and schema.org hints) and then cleaned block by
// block with the same boilerplate rules as the plain-text path.
//
// Language detection is not done here (see pkg/lang); Article.DeclaredLanguage
// only reports what the page declares. Nor is site template learning: a
// block that no rule knows but that repeats on many pages of a host is
// found by pkg/templates, which keeps its counts in Redis so that this
// package stays pure.
package extract

import (
	"context"
	"fmt"
	"mime"
	"strings"
	"time"
)

// Hints are what the feed item said about the page; they fill gaps in the
// page's own metadata and help find the title in plain-text dumps.
type Hints struct {
	Title     string    // title from the feed item; may be empty
	Author    string    // author from the feed item; may be empty
	Published time.Time // publication time from the feed item; may be zero
}

// Page is one fetched page.
type Page struct {
	URL         string // address of the page (final URL after redirects); may be empty
	ContentType string // HTTP Content-Type incl. params; may be empty (then sniffed: HTML vs plain text)
	Charset     string // charset declared out of band (HTTP header); may be empty
	Body        []byte // the raw bytes as fetched
	Hints       Hints  // from the feed item
}

// Article is the cleaned story.
type Article struct {
	Title        string    // headline, without the site name suffix
	Byline       string    // byline as shown ("Jane Doe and John Roe"), without "By"
	Authors      []string  // individual author names
	Published    time.Time // publication time (UTC); zero if unknown
	Modified     time.Time // last modification time (UTC); zero if unknown
	SiteName     string    // publisher or site name
	CanonicalURL string    // rel=canonical / og:url / page URL, canonicalised by urlnorm; may be empty
	LeadImage    string    // absolute URL of the lead image; may be empty
	Description  string    // the page's summary (og:description, meta description)
	// DeclaredLanguage is the language the page declares (<html lang>,
	// og:locale, JSON-LD inLanguage, Content-Language), as a lower-case BCP 47
	// tag such as "en" or "pt-br"; empty if none. Not detected from the text.
	DeclaredLanguage string
	Paragraphs       []string // each a paragraph or subheading, normalised text
	Text             string   // Paragraphs joined by "\n\n"
	WordCount        int      // words in Text; CJK characters count one word each
	Paywalled        bool     // the page says the article is not free (isAccessibleForFree=false, content tier locked/metered)
	// Format is the input format the article was extracted from: "html" or "text".
	Format string
	// Charset is the name of the charset the body was decoded from (e.g. "utf-8", "windows-1252").
	Charset string
}

// Defaults for the options.
const (
	DefaultMaxBytes = 5 << 20
	DefaultMaxNodes = 250_000
	DefaultMaxDepth = 512
	DefaultMinWords = 40
)

// Extractor extracts articles. It is safe for concurrent use; create one and
// share it.
type Extractor struct {
	maxBytes int
	maxNodes int
	maxDepth int
	minWords int
}

// Option configures an Extractor.
type Option func(*Extractor)

// WithMaxBytes sets the size cap on Page.Body (default 5 MiB, the fetcher's
// cap): larger bodies are refused with OutcomeTooLarge before any parsing,
// which bounds the memory a single page can cost. n <= 0 keeps the default.
func WithMaxBytes(n int) Option {
	return func(e *Extractor) {
		if n > 0 {
			e.maxBytes = n
		}
	}
}

// WithMaxNodes sets the parse budget: the number of elements and text nodes
// the HTML tree may hold (default 250,000; real news pages have 2,000 to
// 40,000). A page over budget is refused with OutcomeTooComplex. Memory per
// node is about 150 bytes. n <= 0 keeps the default.
func WithMaxNodes(n int) Option {
	return func(e *Extractor) {
		if n > 0 {
			e.maxNodes = n
		}
	}
}

// WithMaxDepth sets the nesting cap of the HTML tree (default 512): deeper
// elements are attached at the cap depth instead of nesting further, so
// deeply nested pages still extract, in linear time and without deep
// recursion. n <= 0 keeps the default.
func WithMaxDepth(n int) Option {
	return func(e *Extractor) {
		if n > 0 {
			e.maxDepth = n
		}
	}
}

// WithMinWords sets how many words the main content needs for the page to
// count as an article (default 40); shorter results are OutcomeNotArticle.
// n <= 0 keeps the default.
func WithMinWords(n int) Option {
	return func(e *Extractor) {
		if n > 0 {
			e.minWords = n
		}
	}
}

// New returns an Extractor with the given options.
func New(opts ...Option) *Extractor {
	e := &Extractor{
		maxBytes: DefaultMaxBytes,
		maxNodes: DefaultMaxNodes,
		maxDepth: DefaultMaxDepth,
		minWords: DefaultMinWords,
	}
	for _, o := range opts {
		o(e)
	}
	return e
}

// Extract extracts the article from p. On success the error is nil. A page
// that cannot give an article returns an *Error (see the Outcome* constants);
// for OutcomeNotArticle the returned *Article is non-nil and carries the
// metadata that was found (title, canonical URL, ...) without paragraphs, for
// logging. A canceled ctx returns its error, wrapped.
func (e *Extractor) Extract(ctx context.Context, p Page) (*Article, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("extract: %w", err)
	}
	if len(p.Body) > e.maxBytes {
		return nil, newError(OutcomeTooLarge, nil, "body is %d bytes, cap is %d", len(p.Body), e.maxBytes)
	}
	mediaType, params := parseContentType(p.ContentType)
	if isBinaryMediaType(mediaType) {
		return nil, newError(OutcomeBinary, nil, "content type %s", mediaType)
	}
	if isBlank(p.Body) {
		return nil, newError(OutcomeEmpty, nil, "body is blank")
	}
	declared := p.Charset
	if declared == "" {
		declared = params["charset"]
	}
	if why := sniffBinary(p.Body, declared); why != "" {
		return nil, newError(OutcomeBinary, nil, "%s", why)
	}
	isHTML := false
	switch mediaType {
	case "text/html", "application/xhtml+xml", "application/xml", "text/xml":
		isHTML = true
	case "text/plain":
		isHTML = looksLikeHTML(p.Body, true)
	default:
		isHTML = looksLikeHTML(p.Body, false)
	}
	text, charsetName, err := decode(p.Body, declared, isHTML)
	if err != nil {
		return nil, err
	}
	var a *Article
	if isHTML {
		a, err = e.extractHTML(ctx, text, p)
	} else {
		a, err = e.extractText(ctx, text, p)
	}
	if a != nil {
		a.Charset = charsetName
	}
	return a, err
}

// finish fills the derived fields and applies the article checks shared by
// both paths.
func (e *Extractor) finish(a *Article, p Page, hadText bool) (*Article, error) {
	paras := a.Paragraphs[:0]
	for _, s := range a.Paragraphs {
		if s = normalizeText(s); s != "" {
			paras = append(paras, s)
		}
	}
	a.Paragraphs = paras
	a.Title = normalizeText(a.Title)
	a.Byline = normalizeText(a.Byline)
	a.Description = normalizeText(a.Description)
	a.SiteName = normalizeText(a.SiteName)
	for i, s := range a.Authors {
		a.Authors[i] = normalizeText(s)
	}
	a.Authors = dedupStrings(a.Authors)
	if a.Title == "" {
		a.Title = normalizeText(p.Hints.Title)
	}
	if a.Byline == "" && len(a.Authors) == 0 && p.Hints.Author != "" {
		a.Byline = normalizeText(p.Hints.Author)
		a.Authors = splitAuthors(a.Byline)
	}
	if a.Byline == "" && len(a.Authors) > 0 {
		a.Byline = strings.Join(a.Authors, ", ")
	}
	if a.Published.IsZero() && !p.Hints.Published.IsZero() {
		a.Published = p.Hints.Published.UTC()
	}
	a.Text = strings.Join(a.Paragraphs, "\n\n")
	a.WordCount = countWords(a.Text)
	if a.WordCount == 0 {
		a.Paragraphs, a.Text = nil, ""
		if !hadText {
			return nil, newError(OutcomeEmpty, nil, "no visible text")
		}
		return a, newError(OutcomeNotArticle, nil, "no main content found")
	}
	if a.WordCount < e.minWords {
		a.Paragraphs, a.Text, a.WordCount = nil, "", 0
		return a, newError(OutcomeNotArticle, nil, "main content has fewer than %d words", e.minWords)
	}
	return a, nil
}

func parseContentType(ct string) (string, map[string]string) {
	if ct == "" {
		return "", nil
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		// Lenient: take what is before the first ';' and look for charset= by hand.
		mt = strings.ToLower(strings.TrimSpace(strings.SplitN(ct, ";", 2)[0]))
		params = map[string]string{}
		if i := strings.Index(strings.ToLower(ct), "charset="); i >= 0 {
			v := ct[i+len("charset="):]
			if j := strings.IndexAny(v, "; "); j >= 0 {
				v = v[:j]
			}
			params["charset"] = strings.Trim(v, `"'`)
		}
	}
	return mt, params
}

func isBinaryMediaType(mt string) bool {
	switch {
	case mt == "":
		return false
	case strings.HasPrefix(mt, "image/"), strings.HasPrefix(mt, "audio/"),
		strings.HasPrefix(mt, "video/"), strings.HasPrefix(mt, "font/"):
		return true
	}
	switch mt {
	case "application/pdf", "application/zip", "application/gzip", "application/x-gzip",
		"application/octet-stream", "application/x-tar", "application/x-7z-compressed",
		"application/vnd.rar", "application/x-rar-compressed", "application/wasm",
		"application/x-shockwave-flash", "application/msword", "application/x-bzip2",
		"application/zstd":
		return true
	}
	return false
}

func isBlank(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\n', '\r', '\f', '\v', 0:
		default:
			return false
		}
	}
	return true
}

func dedupStrings(in []string) []string {
	out := in[:0]
	seen := make(map[string]bool, len(in))
	for _, s := range in {
		k := strings.ToLower(s)
		if s == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
