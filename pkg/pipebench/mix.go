package pipebench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/newsflow/newsflow/pkg/corpus"
	"github.com/newsflow/newsflow/pkg/fetch"
	newsflowv1 "github.com/newsflow/newsflow/pkg/gen/newsflow/v1"
	"github.com/newsflow/newsflow/pkg/stage"
	"github.com/newsflow/newsflow/pkg/wire"
)

// MixConfig shapes the generated stream of pages.
type MixConfig struct {
	// Seed makes the stream deterministic.
	Seed uint64
	// Tag goes into every site name, address and text, so that separate
	// runs on the shared Redis never see each other's stories.
	Tag string
	// CopyShare is the share of pages that are copies of an earlier story
	// (exact re-sends, tracking and AMP addresses, changed-sentence
	// syndications, in equal parts); default 0.3, at most 0.5.
	CopyShare float64
	// MaxBytes caps page sizes (default 2 MiB).
	MaxBytes int
	// Sites is the number of publisher sites (default 8).
	Sites int
}

// sizeClass is one band of the page size distribution: a share of pages
// drawn log-uniformly between lo and hi bytes, with an article of
// paragraphs lo..hi.
type sizeClass struct {
	share          float64
	lo, hi         int
	paraLo, paraHi int
}

// sizeClasses is the page size mix: most news pages are 20-400 KB of HTML
// (chrome, inline state and scripts around a 3-15 KB article); a few are
// 1-2 MB (live blogs, pages with huge inline state). Mean about 220 KB.
var sizeClasses = []sizeClass{
	{0.50, 20 << 10, 100 << 10, 4, 12},
	{0.35, 100 << 10, 400 << 10, 6, 16},
	{0.12, 400 << 10, 1 << 20, 8, 24},
	{0.03, 1 << 20, 2 << 20, 20, 60},
}

// langShares is the language mix.
var langShares = []struct {
	lang  string
	share float64
}{{"en", 0.55}, {"de", 0.15}, {"fr", 0.15}, {"es", 0.15}}

// Item is one generated page as a news.raw record.
type Item struct {
	// Seq numbers the items of a stream from 0.
	Seq int
	// Story numbers the story the page carries (its original's Seq).
	Story int
	// Kind is Original or the kind of copy.
	Kind corpus.Kind
	// URL is the fetched address; Lang the story's language.
	URL, Lang string
	// Size is the page's HTML size; HTML the page as its origin serves it.
	Size int
	HTML []byte
	// Record is the news.raw record, as the fetcher writes it.
	Record stage.Output
}

// Mix generates a stream of pages: originals and, later in the stream,
// copies of some of them.
type Mix struct {
	cfg     MixConfig
	g       *corpus.Generator
	rng     *rand.Rand
	sites   []string
	seq     int
	pending map[int]pendingCopy // seq -> copy due there
	origs   map[int]corpus.Page // originals waiting for their copy
}

type pendingCopy struct {
	story int
	kind  corpus.Kind
}

// NewMix returns the stream of cfg.
func NewMix(cfg MixConfig) *Mix {
	if cfg.CopyShare <= 0 {
		cfg.CopyShare = 0.3
	}
	cfg.CopyShare = math.Min(cfg.CopyShare, 0.5)
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = 2 << 20
	}
	if cfg.Sites <= 0 {
		cfg.Sites = 8
	}
	names := []string{"daily-courier", "metro-herald", "world-wire", "the-ledger", "evening-post", "harbour-times", "valley-news", "capital-observer"}
	m := &Mix{cfg: cfg, g: corpus.New(cfg.Seed), rng: rand.New(rand.NewPCG(cfg.Seed, 77)),
		pending: map[int]pendingCopy{}, origs: map[int]corpus.Page{}}
	for i := 0; i < cfg.Sites; i++ {
		s := names[i%len(names)]
		if i >= len(names) {
			s += fmt.Sprint(i / len(names))
		}
		if cfg.Tag != "" {
			s += "-" + cfg.Tag
		}
		m.sites = append(m.sites, s+".example")
	}
	return m
}

// Next returns the next page of the stream.
func (m *Mix) Next() (Item, error) {
	seq := m.seq
	m.seq++
	var it Item
	var pg corpus.Page
	if pc, ok := m.pending[seq]; ok {
		delete(m.pending, seq)
		orig := m.origs[pc.story]
		delete(m.origs, pc.story)
		other := m.sites[(m.siteOf(orig.Site)+1+m.rng.IntN(len(m.sites)-1))%len(m.sites)]
		pg = m.g.Copy(orig, pc.kind, other, m.size())
		it = Item{Seq: seq, Story: pc.story, Kind: pc.kind}
	} else {
		size := m.size()
		if seq%97 == 50 { // the largest pages, at a steady share of 1%
			size = m.cfg.MaxBytes
		}
		paras := m.paragraphs(size)
		pg = m.g.Page(corpus.Spec{ID: seq, Tag: m.cfg.Tag, Lang: m.lang(), Site: m.sites[m.rng.IntN(len(m.sites))],
			Paragraphs: paras, Bytes: size, NoCanonical: m.rng.Float64() < 0.15})
		it = Item{Seq: seq, Story: seq, Kind: corpus.Original}
		// one copy for a share q of originals makes copies CopyShare of all
		q := m.cfg.CopyShare / (1 - m.cfg.CopyShare)
		if m.rng.Float64() < q {
			at := seq + 1 + m.rng.IntN(60)
			for {
				if _, busy := m.pending[at]; !busy {
					break
				}
				at++
			}
			m.pending[at] = pendingCopy{story: seq, kind: corpus.Kind(1 + m.rng.IntN(4))}
			m.origs[seq] = pg
		}
	}
	it.URL, it.Lang, it.Size, it.HTML = pg.URL, pg.Lang, len(pg.HTML), pg.HTML
	raw := &newsflowv1.RawArticle{Url: pg.URL, RequestedUrl: pg.URL, FetchedAt: timestamppb.New(time.Now()), StatusCode: 200,
		ContentType: "text/html; charset=utf-8", Body: pg.HTML,
		Source: &newsflowv1.Source{Kind: newsflowv1.SourceKind_SOURCE_KIND_FEED, Name: "pipebench", FeedUrl: "https://" + pg.Site + "/rss.xml"}}
	v, h, err := wire.Encode(raw)
	if err != nil {
		return Item{}, fmt.Errorf("encode page %d: %w", seq, err)
	}
	h = append(h, stage.Header{Key: stage.HeaderStage, Value: []byte("fetcher")})
	it.Record = stage.Output{Key: []byte(fetch.RecordKey(pg.URL)), Value: v, Headers: h}
	return it, nil
}

func (m *Mix) siteOf(s string) int {
	for i, x := range m.sites {
		if x == s {
			return i
		}
	}
	return 0
}

func (m *Mix) size() int {
	r := m.rng.Float64()
	for _, c := range sizeClasses {
		if r < c.share {
			return min(m.cfg.MaxBytes, logUniform(m.rng, c.lo, c.hi))
		}
		r -= c.share
	}
	return min(m.cfg.MaxBytes, 2<<20)
}

func (m *Mix) paragraphs(size int) int {
	for _, c := range sizeClasses {
		if size <= c.hi {
			return c.paraLo + m.rng.IntN(c.paraHi-c.paraLo+1)
		}
	}
	return 30
}

func (m *Mix) lang() string {
	r := m.rng.Float64()
	for _, l := range langShares {
		if r < l.share {
			return l.lang
		}
		r -= l.share
	}
	return "en"
}

func logUniform(rng *rand.Rand, lo, hi int) int {
	return int(math.Exp(math.Log(float64(lo)) + rng.Float64()*(math.Log(float64(hi))-math.Log(float64(lo)))))
}
