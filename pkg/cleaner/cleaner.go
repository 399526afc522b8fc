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
	"net/url"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/newsflow/newsflow/pkg/dedup"
	"github.com/newsflow/newsflow/pkg/extract"
	newsflowv1 "github.com/newsflow/newsflow/pkg/gen/newsflow/v1"
	"github.com/newsflow/newsflow/pkg/lang"
	"github.com/newsflow/newsflow/pkg/replay"
	"github.com/newsflow/newsflow/pkg/stage"
	"github.com/newsflow/newsflow/pkg/templates"
	"github.com/newsflow/newsflow/pkg/urlnorm"
	"github.com/newsflow/newsflow/pkg/wire"
)

// Outcomes of cleaning one page, the label of the outcome metric.
const (
	OutcomeStory = "story"
)

// Cleaner turns raw pages into cleaned stories.
type Cleaner struct {
	ex        *extract.Extractor
	learner   *templates.Learner
	filter    templates.FilterOptions
	index     *dedup.Index
	sem       chan struct{}
	outcomes  *prometheus.CounterVec
	langs     *prometheus.CounterVec
	resolved  *prometheus.CounterVec
	tplDrops  prometheus.Counter
	tplErrors prometheus.Counter
	now       func() time.Time
}

// Option configures a Cleaner.
type Option func(*Cleaner)

// WithRegisterer registers the cleaner's outcome and language metrics.
func WithRegisterer(reg prometheus.Registerer) Option {
	return func(c *Cleaner) {
		if reg != nil {
			reg.MustRegister(c.outcomes, c.langs, c.resolved, c.tplDrops, c.tplErrors)
		}
	}
}

// WithExtractor replaces the default extractor (e.g. with another size cap).
func WithExtractor(ex *extract.Extractor) Option { return func(c *Cleaner) { c.ex = ex } }

// WithTemplates makes the batch handler learn each host's templates with l
// and drop the paragraphs l has seen on enough pages of the host.
func WithTemplates(l *templates.Learner, opt templates.FilterOptions) Option {
	return func(c *Cleaner) { c.learner, c.filter = l, opt }
}

// WithDedup makes the batch handler resolve story identity in ix: copies and
// near copies of a known story travel under its id, and pkg/once drops them.
// Without it a story's id is its canonical URL's (StoryID).
func WithDedup(ix *dedup.Index) Option { return func(c *Cleaner) { c.index = ix } }

// WithConcurrency bounds how many pages the batch handler extracts at once
// (default GOMAXPROCS): extraction is CPU-bound.
func WithConcurrency(n int) Option {
	return func(c *Cleaner) {
		if n > 0 {
			c.sem = make(chan struct{}, n)
		}
	}
}

// New returns a Cleaner.
func New(opts ...Option) *Cleaner {
	c := &Cleaner{
		ex: extract.New(),
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "newsflow", Subsystem: "cleaner",
			Name: "pages_total", Help: "Pages cleaned, by outcome (story, or why not)."}, []string{"outcome"}),
		langs: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "newsflow", Subsystem: "cleaner",
			Name: "stories_by_language_total", Help: "Stories cleaned, by detected language."}, []string{"language"}),
		resolved: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "newsflow", Subsystem: "dedup",
			Name: "resolved_total", Help: "Stories resolved by the dedup index, by how they matched (new, url, content, near)."}, []string{"kind"}),
		tplDrops: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "newsflow", Subsystem: "cleaner",
			Name: "template_paragraphs_dropped_total", Help: "Paragraphs dropped as a site's learned template."}),
		tplErrors: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "newsflow", Subsystem: "cleaner",
			Name: "template_errors_total", Help: "Batches cleaned without template learning because Redis failed (every paragraph kept)."}),
		sem: make(chan struct{}, runtime.GOMAXPROCS(0)),
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
	return out, nil
}

// BatchHandler adapts the Cleaner to the stage runner. A batch is cleaned in
// four steps: pages are extracted concurrently; the site templates of the
// batch are learned and dropped in one Redis round trip; story identity of
// the whole batch is resolved in a few pipelined round trips (pkg/dedup);
// each input becomes one output under its resolved story id. Copies of known
// stories are emitted too, on purpose: pkg/once, which knows what reached the
// topic, drops them (see the dedup package doc for why a stage must not).
// A Redis failure in dedup fails the batch as stage.Unavailable (the stage
// pauses, nothing is parked); one in template learning only keeps every
// paragraph, counted.
func (c *Cleaner) BatchHandler() stage.BatchHandler {
	return func(ctx context.Context, ins []stage.Input) []stage.Result {
		res := make([]stage.Result, len(ins))
		stories := make([]*newsflowv1.CleanedArticle, len(ins))
		var wg sync.WaitGroup
		for i, in := range ins {
			select {
			case c.sem <- struct{}{}:
			case <-ctx.Done():
				res[i].Err = ctx.Err()
				continue
			}
			wg.Add(1)
			go func() {
				defer func() { <-c.sem; wg.Done() }()
				var raw newsflowv1.RawArticle
				if err := wire.Decode(in, &raw); err != nil {
					res[i].Err = err
					return
				}
				stories[i], res[i].Err = c.Clean(ctx, &raw)
			}()
		}
		wg.Wait()

		var live []int // inputs with a story
		for i, st := range stories {
			if st != nil && res[i].Err == nil {
				live = append(live, i)
			}
		}
		if len(live) == 0 {
			return res
		}
		c.dropTemplates(ctx, stories, live)
		if err := c.resolve(ctx, stories, live); err != nil {
			for _, i := range live {
				res[i].Err = err
			}
			return res
		}
		for _, i := range live {
			st := stories[i]
			if rev := replay.RevisionOf(ins[i]); rev > 0 {
				st.Revision = rev
			}
			value, headers, err := wire.Encode(st)
			if err != nil {
				res[i].Err = err
				continue
			}
			res[i].Outputs = []stage.Output{{Key: []byte(st.StoryId), Value: value, Headers: headers,
				StoryID: st.StoryId, Revision: st.Revision}}
			c.outcomes.WithLabelValues(OutcomeStory).Inc()
			c.langs.WithLabelValues(st.Language).Inc()
		}
		return res
	}
}

// dropTemplates observes the batch's paragraphs per host and drops the
// learned template paragraphs from each story.
func (c *Cleaner) dropTemplates(ctx context.Context, stories []*newsflowv1.CleanedArticle, live []int) {
	if c.learner == nil {
		return
	}
	pages := make([]templates.Page, len(live))
	for j, i := range live {
		st := stories[i]
		page := st.GetCanonicalUrl()
		if page == "" {
			page = st.GetUrl()
		}
		pages[j] = templates.Page{Host: hostOf(page), URL: page, Paragraphs: st.GetParagraphs()}
	}
	flags, err := c.learner.ObserveBatch(ctx, pages)
	if err != nil {
		c.tplErrors.Inc()
		return
	}
	for j, i := range live {
		st := stories[i]
		f := templates.Filter(st.GetTitle(), st.GetParagraphs(), flags[j], c.filter)
		if f.Dropped == 0 {
			continue
		}
		c.tplDrops.Add(float64(f.Dropped))
		st.Paragraphs = f.Paragraphs
		st.Text = strings.Join(f.Paragraphs, "\n\n")
		st.WordCount = int32(extract.CountWords(st.Text))
		st.ContentHash = ContentHash(st.Text)
		st.StoryId = StoryID(st.GetCanonicalUrl(), st.ContentHash)
	}
}

// resolve gives each story its id from the dedup index, for the whole batch
// at once. Stories without an address keep their content-derived id.
func (c *Cleaner) resolve(ctx context.Context, stories []*newsflowv1.CleanedArticle, live []int) error {
	if c.index == nil {
		return nil
	}
	var fps []dedup.Fingerprint
	var idx []int
	for _, i := range live {
		st := stories[i]
		u := st.GetCanonicalUrl()
		if u == "" {
			u = st.GetUrl()
		}
		fp, err := c.index.Fingerprint(u, st.GetText())
		if err != nil {
			continue // no usable address: identity by content only (StoryID)
		}
		fps, idx = append(fps, fp), append(idx, i)
	}
	if len(fps) == 0 {
		return nil
	}
	rs, err := c.index.Resolve(ctx, fps)
	if err != nil {
		return stage.Unavailable("redis", fmt.Errorf("dedup resolve of %d stories: %w", len(fps), err))
	}
	for k, r := range rs {
		st := stories[idx[k]]
		st.StoryId = r.StoryID
		if fps[k].ContentHash != "" {
			st.ContentHash = fps[k].ContentHash
		}
		c.resolved.WithLabelValues(r.Kind.String()).Inc()
	}
	return nil
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// StoryID is the identity of a story before the dedup index has seen it:
// dedup.StoryID of its canonical URL (what the index assigns to a new
// story), or of its content hash when the page has no address (files,
// pasted text).
func StoryID(canonicalURL, contentHash string) string {
	if canonicalURL == "" {
		return dedup.StoryID("content:" + contentHash)
	}
	return dedup.StoryID(canonicalURL)
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
