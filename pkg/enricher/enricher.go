// Package enricher is the business logic of the enricher stage: a
// CleanedArticle in, the EnrichedArticle out, with its entities, language,
// keywords, summary, category and sentiment. It knows nothing of Kafka.
package enricher

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/newsflow/newsflow/pkg/enrich"
	newsflowv1 "github.com/newsflow/newsflow/pkg/gen/newsflow/v1"
	"github.com/newsflow/newsflow/pkg/replay"
	"github.com/newsflow/newsflow/pkg/stage"
	"github.com/newsflow/newsflow/pkg/wire"
)

// Enricher adds what pkg/enrich finds to cleaned stories.
type Enricher struct {
	en       *enrich.Enricher
	degraded *prometheus.CounterVec
	stories  *prometheus.CounterVec
	now      func() time.Time
}

// New wraps an enrich.Enricher. Reg may be nil.
func New(en *enrich.Enricher, reg prometheus.Registerer) *Enricher {
	e := &Enricher{
		en: en,
		degraded: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "newsflow", Subsystem: "enricher",
			Name: "degraded_total", Help: "Stories delivered with an enrichment part left empty, by part."}, []string{"part"}),
		stories: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "newsflow", Subsystem: "enricher",
			Name: "stories_total", Help: "Stories enriched, by language and category."}, []string{"language", "category"}),
		now: time.Now,
	}
	if reg != nil {
		reg.MustRegister(e.degraded, e.stories)
	}
	return e
}

// Enrich returns the enriched form of one cleaned story. A failing part of
// the enrichment leaves its field empty; the story is never lost to it.
func (e *Enricher) Enrich(ctx context.Context, a *newsflowv1.CleanedArticle) (*newsflowv1.EnrichedArticle, error) {
	res, err := e.en.Enrich(ctx, enrich.Input{
		Title: a.GetTitle(), Text: a.GetText(), Paragraphs: a.GetParagraphs(),
		Language: a.GetLanguage(), URL: a.GetCanonicalUrl(),
	})
	if err != nil {
		return nil, fmt.Errorf("enrich story %s: %w", a.GetStoryId(), err)
	}
	out := &newsflowv1.EnrichedArticle{
		Article:            a,
		Summary:            res.Summary,
		Sentiment:          res.Sentiment,
		ReadingTimeSeconds: int32(res.ReadingTimeSeconds),
		Revision:           max(a.GetRevision(), 1),
		Language:           res.Language,
		EnrichedAt:         timestamppb.New(e.now()),
		Degraded:           res.Degraded,
	}
	for _, en := range res.Entities {
		pe := &newsflowv1.Entity{Type: entityType(en.Type), Name: en.Name, Count: int32(en.Count), CountryCode: en.CountryCode}
		for _, m := range en.Mentions {
			pe.Mentions = append(pe.Mentions, &newsflowv1.Mention{Start: int32(m.Start), End: int32(m.End)})
		}
		out.Entities = append(out.Entities, pe)
	}
	for _, k := range res.Keywords {
		out.Keywords = append(out.Keywords, &newsflowv1.Keyword{Text: k.Text, Score: k.Score})
	}
	if res.Category.Code != "" {
		out.Category = &newsflowv1.Category{Code: res.Category.Code, Label: res.Category.Label, Confidence: res.Category.Confidence}
	}
	for _, d := range res.Degraded {
		e.degraded.WithLabelValues(d).Inc()
	}
	e.stories.WithLabelValues(out.Language, res.Category.Label).Inc()
	return out, nil
}

// Handler adapts the Enricher to the stage runner.
func (e *Enricher) Handler() stage.Handler {
	return func(ctx context.Context, in stage.Input) ([]stage.Output, error) {
		var a newsflowv1.CleanedArticle
		if err := wire.Decode(in, &a); err != nil {
			return nil, err
		}
		if rev := replay.RevisionOf(in); rev > 0 {
			a.Revision = rev
		}
		if a.GetStoryId() == "" {
			return nil, stage.Rejectf("malformed", "cleaned article without story_id")
		}
		out, err := e.Enrich(ctx, &a)
		if err != nil {
			return nil, err
		}
		value, headers, err := wire.Encode(out)
		if err != nil {
			return nil, err
		}
		return []stage.Output{{Key: []byte(a.GetStoryId()), Value: value, Headers: headers,
			StoryID: a.GetStoryId(), Revision: out.Revision}}, nil
	}
}

func entityType(t enrich.EntityType) newsflowv1.EntityType {
	switch t {
	case enrich.Person:
		return newsflowv1.EntityType_ENTITY_TYPE_PERSON
	case enrich.Org:
		return newsflowv1.EntityType_ENTITY_TYPE_ORG
	case enrich.Place:
		return newsflowv1.EntityType_ENTITY_TYPE_PLACE
	}
	return newsflowv1.EntityType_ENTITY_TYPE_UNSPECIFIED
}
