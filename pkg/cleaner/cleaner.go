// Package cleaner is the business logic of the cleaner stage: a RawArticle
// in, the CleanedArticle of its story out. It knows nothing of Kafka; the
// stage runner feeds it and pkg/once delivers what it returns.
package cleaner

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/newsflow/newsflow/pkg/extract"
	newsflowv1 "github.com/newsflow/newsflow/pkg/gen/newsflow/v1"
	"github.com/newsflow/newsflow/pkg/lang"
	"github.com/newsflow/newsflow/pkg/replay"
	"github.com/newsflow/newsflow/pkg/stage"
	"github.com/newsflow/newsflow/pkg/urlnorm"
	"github.com/newsflow/newsflow/pkg/wire"
)

// Outcomes of cleaning one page, the label of the outcome metric.
const (
	OutcomeStory = "story"
)

// Cleaner turns raw pages into cleaned stories.
type Cleaner struct {
	ex       *extract.Extractor
	outcomes *prometheus.CounterVec
	langs    *prometheus.CounterVec
	now      func() time.Time
}

// Option configures a Cleaner.
type Option func(*Cleaner)

// WithRegisterer registers the cleaner's outcome and language metrics.
func WithRegisterer(reg prometheus.Registerer) Option {
	return func(c *Cleaner) {
		if reg != nil {
			reg.MustRegister(c.outcomes, c.langs)
		}
	}
}

// WithExtractor replaces the default extractor (e.g. with another size cap).
func WithExtractor(ex *extract.Extractor) Option { return func(c *Cleaner) { c.ex = ex } }

// New returns a Cleaner.
func New(opts ...Option) *Cleaner {
	c := &Cleaner{
		ex: extract.New(),
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "newsflow", Subsystem: "cleaner",
			Name: "pages_total", Help: "Pages cleaned, by outcome (story, or why not)."}, []string{"outcome"}),
		langs: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "newsflow", Subsystem: "cleaner",
			Name: "stories_by_language_total", Help: "Stories cleaned, by detected language."}, []string{"language"}),
		now: time.Now,
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Clean extracts the story of one raw page. It returns nil and no error for
// a page that is not an article (counted, not dead-lettered), a rejection
// error (stage.Reject) for a page that can never be cleaned.
func (c *Cleaner) Clean(ctx context.Context, raw *newsflowv1.RawArticle) (*newsflowv1.CleanedArticle, error) {
	page := extract.Page{
		URL:         raw.GetUrl(),
		ContentType: raw.GetContentType(),
		Charset:     raw.GetCharset(),
		Body:        raw.GetBody(),
	}
	if h := raw.GetHints(); h != nil {
		page.Hints = extract.Hints{Title: h.GetTitle(), Author: h.GetAuthor()}
		if h.GetPublishedAt() != nil {
			page.Hints.Published = h.GetPublishedAt().AsTime()
		}
	}
	art, err := c.ex.Extract(ctx, page)
	if err != nil {
		var xe *extract.Error
		if errors.As(err, &xe) {
			c.outcomes.WithLabelValues(xe.Outcome).Inc()
			switch xe.Outcome {
			case extract.OutcomeEmpty, extract.OutcomeNotArticle:
				return nil, nil
			default:
				return nil, stage.Reject(xe.Outcome, err)
			}
		}
		return nil, fmt.Errorf("extract %s: %w", raw.GetUrl(), err)
	}

	canonical := art.CanonicalURL
	if canonical == "" && raw.GetUrl() != "" {
		if u, err := urlnorm.Canonical(raw.GetUrl()); err == nil {
			canonical = u
		}
	}
	language := art.DeclaredLanguage
	if code, _ := lang.Detect(art.Title + "\n" + firstN(art.Text, 2000)); code != "" {
		language = code
	} else if raw.GetSource().GetLanguageHint() != "" && language == "" {
		language = raw.GetSource().GetLanguageHint()
	}
	if language == "" {
		language = "und"
	}
	out := &newsflowv1.CleanedArticle{
		CanonicalUrl: canonical,
		Url:          raw.GetUrl(),
		Title:        art.Title,
		Byline:       art.Byline,
		Authors:      art.Authors,
		SiteName:     art.SiteName,
		Language:     language,
		Text:         art.Text,
		Paragraphs:   art.Paragraphs,
		LeadImageUrl: art.LeadImage,
		WordCount:    int32(art.WordCount),
		ContentHash:  ContentHash(art.Text),
		Description:  art.Description,
		Paywalled:    art.Paywalled,
		Source:       raw.GetSource(),
		FetchedAt:    raw.GetFetchedAt(),
		CleanedAt:    timestamppb.New(c.now()),
		Revision:     1,
	}
	if !art.Published.IsZero() {
		out.PublishedAt = timestamppb.New(art.Published)
	}
	if !art.Modified.IsZero() {
		out.ModifiedAt = timestamppb.New(art.Modified)
	}
	if canonical != "" && raw.GetUrl() != "" && canonical != raw.GetUrl() {
		out.AlternateUrls = []string{raw.GetUrl()}
	}
	out.StoryId = StoryID(canonical, out.ContentHash)
	c.outcomes.WithLabelValues(OutcomeStory).Inc()
	c.langs.WithLabelValues(language).Inc()
	return out, nil
}

// Handler adapts the Cleaner to the stage runner.
func (c *Cleaner) Handler() stage.Handler {
	return func(ctx context.Context, in stage.Input) ([]stage.Output, error) {
		var raw newsflowv1.RawArticle
		if err := wire.Decode(in, &raw); err != nil {
			return nil, err
		}
		story, err := c.Clean(ctx, &raw)
		if err != nil || story == nil {
			return nil, err
		}
		if rev := replay.RevisionOf(in); rev > 0 {
			story.Revision = rev
		}
		value, headers, err := wire.Encode(story)
		if err != nil {
			return nil, err
		}
		return []stage.Output{{Key: []byte(story.StoryId), Value: value, Headers: headers,
			StoryID: story.StoryId, Revision: story.Revision}}, nil
	}
}

// StoryID is the stable identity of a story: the hex of the first 16 bytes
// of SHA-256 over its canonical URL, or over its content hash when the page
// has no address (files, pasted text).
func StoryID(canonicalURL, contentHash string) string {
	src := canonicalURL
	if src == "" {
		src = "content:" + contentHash
	}
	sum := sha256.Sum256([]byte(src))
	return hex.EncodeToString(sum[:16])
}

// ContentHash is the hex SHA-256 (first 16 bytes) of the text lower-cased
// with white space collapsed, so layout changes do not make a new story.
func ContentHash(text string) string {
	norm := strings.Join(strings.Fields(strings.ToLower(text)), " ")
	sum := sha256.Sum256([]byte(norm))
	return hex.EncodeToString(sum[:16])
}

func firstN(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
