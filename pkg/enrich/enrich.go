// Package enrich turns a cleaned news story into the fields downstream
// consumers filter on: named entities (people, organisations, places with
// ISO 3166-1 country codes), language, keyphrases, an extractive summary, an
// IPTC Media Topics level-1 category, sentiment, reading time and word count.
//
// Everything runs in process on embedded data (data/, see data/SOURCES.md):
// nothing is downloaded at run time. An Enricher is immutable after New and
// safe for concurrent use; the embedded lists are parsed once per process
// and shared by all Enrichers.
//
// Each part can be switched off per deployment (Disable) and a part that
// fails (even by panicking) leaves its field empty and adds its name to
// Result.Degraded; Enrich returns an error only when its context is done,
// so a bad part never loses a story.
package enrich

import (
	"context"
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsflow/newsflow/pkg/lang"
)

// Input is one cleaned story.
type Input struct {
	// Title is the headline. It is used for language, keywords, category
	// and summary scoring; entity mentions are only found in Text, so that
	// their offsets point into one string.
	Title string
	// Text is the story body. Mention offsets are code point offsets into
	// it. When Text is empty, the Paragraphs joined by blank lines are used
	// (and mention offsets refer to that joined text).
	Text string
	// Paragraphs of the body, if known. Line breaks in Text already end
	// sentences, so Paragraphs is only needed when Text is empty.
	Paragraphs []string
	// Language is the ISO 639-1 code if already known (the cleaner sets
	// it); empty means detect it.
	Language string
	// URL of the story, for logs; not used by the rules.
	URL string
}

// EntityType is the kind of a named entity.
type EntityType string

// Entity types.
const (
	Person EntityType = "PERSON"
	Org    EntityType = "ORG"
	Place  EntityType = "PLACE"
)

// Mention is where an entity is named: code point offsets [Start, End) into
// Input.Text.
type Mention struct{ Start, End int }

// Entity is one person, organisation or place named in a story.
type Entity struct {
	Type EntityType
	// Name is the canonical name: for people the longest form in the story
	// with titles stripped ("Xi" and "President Xi" count toward "Xi
	// Jinping"); for organisations the list name when known ("EU" ->
	// "European Union"); for places the name as written.
	Name string
	// Count is the number of mentions (len(Mentions)).
	Count    int
	Mentions []Mention
	// CountryCode is the ISO 3166-1 alpha-2 code of a place (a city's
	// country); empty for people, organisations and places spanning
	// countries (Europe, Middle East) or not in the gazetteer.
	CountryCode string
}

// Keyword is a keyphrase and its score relative to the best one (1.0).
type Keyword struct {
	Text  string
	Score float64
}

// Category is an IPTC Media Topics level-1 subject, e.g.
// {"medtop:11000000", "politics", 0.62}. Confidence is in [0, 1].
type Category struct {
	Code, Label string
	Confidence  float64
}

// Result is what Enrich finds in a story. A part that is disabled, or that
// failed (named in Degraded), leaves its field at the zero value.
type Result struct {
	// Language is the ISO 639-1 code: Input.Language when set, else
	// detected; "" when unknown.
	Language string
	// Entities sorted by mention count, then first mention.
	Entities []Entity
	// Keywords are the top keyphrases (10 by default), best first.
	Keywords []Keyword
	// Summary is up to three whole sentences of the story in story order.
	Summary []string
	// Category is the IPTC Media Topics level-1 topic.
	Category Category
	// Sentiment in [-1, 1]: the mean of per-sentence scores (English; 0 for
	// other languages, which have no lexicon yet).
	Sentiment float64
	// ReadingTimeSeconds at 230 words per minute (rounded up).
	ReadingTimeSeconds int
	// WordCount of Text (for Chinese and Japanese: characters / 2).
	WordCount int
	// Degraded names the parts that failed (see Part).
	Degraded []string
}

// Part names one optional piece of enrichment.
type Part string

// The parts of enrichment. Word count and reading time are always computed.
const (
	PartLanguage  Part = "language"
	PartEntities  Part = "entities"
	PartKeywords  Part = "keywords"
	PartSummary   Part = "summary"
	PartCategory  Part = "category"
	PartSentiment Part = "sentiment"
)

// AllParts lists every part in the order Enrich runs them.
var AllParts = []Part{PartLanguage, PartEntities, PartKeywords, PartSummary, PartCategory, PartSentiment}

// ParseParts parses a comma-separated list of part names (as given to a
// flag such as --enrich-disable=sentiment,summary). Empty gives none.
func ParseParts(s string) ([]Part, error) {
	var out []Part
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(strings.ToLower(f))
		if f == "" {
			continue
		}
		ok := false
		for _, p := range AllParts {
			if string(p) == f {
				out = append(out, p)
				ok = true
			}
		}
		if !ok {
			return nil, fmt.Errorf("unknown enrichment part %q (want one of %v)", f, AllParts)
		}
	}
	return out, nil
}

// Option configures an Enricher.
type Option func(*config) error

type config struct {
	enabled      map[Part]bool
	keywords     int
	summary      int
	wpm          int
	maxRunes     int
	onDegrade    func(part Part, cause any)
	panicForTest Part
}

// Disable switches parts off. By default every part is on.
func Disable(parts ...Part) Option {
	return func(c *config) error {
		for _, p := range parts {
			if !validPart(p) {
				return fmt.Errorf("disable: unknown part %q", p)
			}
			c.enabled[p] = false
		}
		return nil
	}
}

// Enable switches parts on again (after Disable, or to build from a flag).
func Enable(parts ...Part) Option {
	return func(c *config) error {
		for _, p := range parts {
			if !validPart(p) {
				return fmt.Errorf("enable: unknown part %q", p)
			}
			c.enabled[p] = true
		}
		return nil
	}
}

// Only enables exactly the given parts.
func Only(parts ...Part) Option {
	return func(c *config) error {
		for _, p := range AllParts {
			c.enabled[p] = false
		}
		return Enable(parts...)(c)
	}
}

// Keywords sets how many keyphrases to return (default 10).
func Keywords(n int) Option {
	return func(c *config) error {
		if n < 1 || n > 100 {
			return fmt.Errorf("keywords: %d not in [1, 100]", n)
		}
		c.keywords = n
		return nil
	}
}

// SummarySentences sets the summary length in sentences (default 3).
func SummarySentences(n int) Option {
	return func(c *config) error {
		if n < 1 || n > 20 {
			return fmt.Errorf("summary sentences: %d not in [1, 20]", n)
		}
		c.summary = n
		return nil
	}
}

// WordsPerMinute sets the reading speed for ReadingTimeSeconds (default
// 230, a common estimate for adult silent reading of news prose).
func WordsPerMinute(n int) Option {
	return func(c *config) error {
		if n < 50 || n > 2000 {
			return fmt.Errorf("words per minute: %d not in [50, 2000]", n)
		}
		c.wpm = n
		return nil
	}
}

// MaxRunes bounds the text analysed (default 200,000 code points, about 50
// times a long article): beyond it the story is cut before analysis, which
// bounds time and memory on hostile input. Word count and reading time still
// count the whole text.
func MaxRunes(n int) Option {
	return func(c *config) error {
		if n < 1000 {
			return fmt.Errorf("max runes: %d below 1000", n)
		}
		c.maxRunes = n
		return nil
	}
}

// OnDegrade registers a function called when a part fails, with the part
// and the panic value or error; services count it as a metric and log it.
// It must be safe for concurrent use.
func OnDegrade(fn func(part Part, cause any)) Option {
	return func(c *config) error {
		c.onDegrade = fn
		return nil
	}
}

func validPart(p Part) bool {
	for _, q := range AllParts {
		if p == q {
			return true
		}
	}
	return false
}

// Enricher enriches stories. It is safe for concurrent use.
type Enricher struct {
	cfg config
	r   *resources
	cat *categoryModel
}

// New returns an Enricher with every part enabled unless options say
// otherwise. It parses the embedded data on the first call in a process
// (tens of milliseconds) and loads the language models when language detection is
// enabled.
func New(opts ...Option) (*Enricher, error) {
	c := config{enabled: map[Part]bool{}, keywords: 10, summary: 3, wpm: 230, maxRunes: 200000}
	for _, p := range AllParts {
		c.enabled[p] = true
	}
	for _, o := range opts {
		if err := o(&c); err != nil {
			return nil, fmt.Errorf("enrich: %w", err)
		}
	}
	r, err := loadResources()
	if err != nil {
		return nil, fmt.Errorf("enrich: load embedded data: %w", err)
	}
	cat, err := loadCategoryModel()
	if err != nil {
		return nil, fmt.Errorf("enrich: load category model: %w", err)
	}
	if c.enabled[PartLanguage] {
		lang.Warm()
	}
	return &Enricher{cfg: c, r: r, cat: cat}, nil
}

// Enabled reports whether part p is switched on.
func (e *Enricher) Enabled(p Part) bool { return e.cfg.enabled[p] }

// Enrich analyses one story. It returns an error only when ctx is done
// (then the caller should retry the story later); failing parts are
// reported in Result.Degraded instead.
func (e *Enricher) Enrich(ctx context.Context, in Input) (Result, error) {
	var res Result
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("enrich %s: %w", in.URL, err)
	}
	text := in.Text
	if text == "" && len(in.Paragraphs) > 0 {
		text = strings.Join(in.Paragraphs, "\n\n")
	}
	text = strings.ToValidUTF8(text, "\uFFFD")
	title := strings.ToValidUTF8(in.Title, "\uFFFD")
	res.WordCount = wordCount(text)
	res.ReadingTimeSeconds = int(math.Ceil(float64(res.WordCount) * 60 / float64(e.cfg.wpm)))
	analysed := text
	if utf8.RuneCountInString(text) > e.cfg.maxRunes {
		analysed = cutRunes(text, e.cfg.maxRunes)
	}

	res.Language = strings.ToLower(strings.TrimSpace(in.Language))
	if res.Language == "" && e.cfg.enabled[PartLanguage] {
		e.part(&res, PartLanguage, func() {
			res.Language, _ = lang.Detect(title + "\n" + analysed)
		})
	}
	langCode := res.Language
	if langCode == "" {
		langCode = "en"
	}
	d := tokenize(analysed, e.cfg.maxRunes)
	td := tokenize(title, 1000)
	steps := []struct {
		part Part
		fn   func()
	}{
		{PartEntities, func() { res.Entities = e.r.entities(d, langCode) }},
		{PartKeywords, func() { res.Keywords = e.r.keywords(d, td, langCode, res.Entities, e.cfg.keywords) }},
		{PartSummary, func() { res.Summary = e.r.summarize(d, td, langCode, e.cfg.summary) }},
		{PartCategory, func() { res.Category = e.cat.classify(d, td) }},
		{PartSentiment, func() {
			if langCode == "en" {
				res.Sentiment = e.r.sentimentOf(d)
			}
		}},
	}
	for _, s := range steps {
		if !e.cfg.enabled[s.part] {
			continue
		}
		if err := ctx.Err(); err != nil {
			return res, fmt.Errorf("enrich %s: %w", in.URL, err)
		}
		e.part(&res, s.part, s.fn)
	}
	return res, nil
}

// part runs fn and turns a panic into a degraded part.
func (e *Enricher) part(res *Result, p Part, fn func()) {
	defer func() {
		if v := recover(); v != nil {
			res.Degraded = append(res.Degraded, string(p))
			if e.cfg.onDegrade != nil {
				e.cfg.onDegrade(p, v)
			}
		}
	}()
	if e.cfg.panicForTest == p {
		panic("test: forced failure of " + string(p))
	}
	fn()
}

// wordCount counts words: runs of letters or digits. Han and kana
// characters are counted as half a word each, since Chinese and Japanese
// write no spaces and a word is about two characters long.
func wordCount(s string) int {
	words, cjk := 0, 0
	in := false
	for _, r := range s {
		switch {
		case r >= 0x2E80 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana):
			// (no Han or kana below U+2E80: the check is skipped for
			// Latin, Cyrillic and most other text)
			cjk++
			in = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if !in {
				words++
				in = true
			}
		case r == '\'' || r == '’' || r == '-':
			// inside a word
		default:
			in = false
		}
	}
	return words + (cjk+1)/2
}

// cutRunes returns the first n runes of s.
func cutRunes(s string, n int) string {
	i := 0
	for k := range s {
		if i == n {
			return s[:k]
		}
		i++
	}
	return s
}
