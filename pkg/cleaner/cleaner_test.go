package cleaner

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/newsflow/newsflow/pkg/corpus"
	"github.com/newsflow/newsflow/pkg/dedup"
	newsflowv1 "github.com/newsflow/newsflow/pkg/gen/newsflow/v1"
	"github.com/newsflow/newsflow/pkg/stage"
	"github.com/newsflow/newsflow/pkg/templates"
	"github.com/newsflow/newsflow/pkg/wire"
)

func rawInput(t *testing.T, url string, html []byte) stage.Input {
	t.Helper()
	v, h, err := wire.Encode(&newsflowv1.RawArticle{Url: url, ContentType: "text/html; charset=utf-8", Body: html})
	if err != nil {
		t.Fatal(err)
	}
	return stage.Input{Topic: "news.raw", Value: v, Headers: h}
}

func decodeStory(t *testing.T, o stage.Output) *newsflowv1.CleanedArticle {
	t.Helper()
	var a newsflowv1.CleanedArticle
	if err := wire.Decode(stage.Input{Value: o.Value, Headers: o.Headers}, &a); err != nil {
		t.Fatal(err)
	}
	return &a
}

func newRedis(t *testing.T) (*miniredis.Miniredis, redis.UniversalClient) {
	t.Helper()
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr(), MaxRetries: -1})
	t.Cleanup(func() { rdb.Close() })
	return mr, rdb
}

// A batch with a story, the same story under another address and another
// story: the copy travels under the first one's id (pkg/once drops it), the
// other story under its own; when Redis is down the batch is Unavailable,
// never rejected.
func TestBatchHandlerResolvesIdentityOncePerBatch(t *testing.T) {
	mr, rdb := newRedis(t)
	ix, err := dedup.NewIndex(rdb, dedup.Config{})
	if err != nil {
		t.Fatal(err)
	}
	c := New(WithDedup(ix))
	g := corpus.New(7)
	a, b := g.Article(1, 8, 0), g.Article(2, 8, 0)
	mirror := "https://mirror.example/copy/story-1.html"
	ins := []stage.Input{
		rawInput(t, a.URL, a.HTML),
		rawInput(t, mirror, bytes.ReplaceAll(a.HTML, []byte(a.URL), []byte(mirror))),
		rawInput(t, b.URL, b.HTML),
		{Topic: "news.raw", Value: []byte("not a protobuf")},
	}
	res := c.BatchHandler()(context.Background(), ins)
	if len(res) != len(ins) {
		t.Fatalf("%d results for %d inputs", len(res), len(ins))
	}
	var ids []string
	for i, r := range res[:3] {
		if r.Err != nil || len(r.Outputs) != 1 {
			t.Fatalf("input %d: %d outputs, error %v", i, len(r.Outputs), r.Err)
		}
		st := decodeStory(t, r.Outputs[0])
		if st.StoryId != r.Outputs[0].StoryID || string(r.Outputs[0].Key) != st.StoryId {
			t.Errorf("input %d: story id %q, output id %q, key %q must agree", i, st.StoryId, r.Outputs[0].StoryID, r.Outputs[0].Key)
		}
		ids = append(ids, st.StoryId)
	}
	if ids[0] != dedup.StoryID(a.URL) || ids[1] != ids[0] || ids[2] == ids[0] {
		t.Errorf("story ids %v: want the copy under the first story's id %s and the other story apart", ids, dedup.StoryID(a.URL))
	}
	if _, rejected := stage.RejectClass(res[3].Err); !rejected {
		t.Errorf("undecodable input: error %v, want a rejection for the DLQ", res[3].Err)
	}
	if s, err := ix.Story(context.Background(), ids[0]); err != nil || !slices.Contains(s.Alternates, mirror) {
		t.Errorf("story %s: %+v, %v; want the mirror recorded as an alternate", ids[0], s, err)
	}

	mr.Close()
	res = c.BatchHandler()(context.Background(), ins[2:3])
	if dep, ok := stage.IsUnavailable(res[0].Err); !ok || dep != "redis" {
		t.Errorf("with Redis down: error %v, want stage.Unavailable(redis) so the stage pauses", res[0].Err)
	}
}

// A block a site repeats inside every article is dropped once the learner
// has seen it on Threshold pages of the host, and kept before.
func TestBatchHandlerDropsLearnedTemplates(t *testing.T) {
	_, rdb := newRedis(t)
	const promo = "The Daily Courier has been owned by its readers since 1894 and is edited from its offices on the river front."
	c := New(WithTemplates(templates.New(rdb, templates.Config{Threshold: 3}), templates.FilterOptions{}))
	g := corpus.New(9)
	h := c.BatchHandler()
	for i := range 5 {
		pg := g.Article(4*i, 8, 0) // one site: id % 4 == 0
		html := bytes.Replace(pg.HTML, []byte("</article>"), []byte("<p>"+promo+"</p></article>"), 1)
		res := h(context.Background(), []stage.Input{rawInput(t, pg.URL, html)})
		if res[0].Err != nil || len(res[0].Outputs) != 1 {
			t.Fatalf("page %d: %v", i, res[0].Err)
		}
		st := decodeStory(t, res[0].Outputs[0])
		kept := strings.Contains(st.Text, promo)
		if want := i < 2; kept != want {
			t.Errorf("page %d: promo kept = %v, want %v (threshold 3)", i, kept, want)
		}
		if !strings.Contains(st.Text, pg.Paragraphs[0]) || !strings.Contains(st.Text, pg.Paragraphs[len(pg.Paragraphs)-1]) {
			t.Errorf("page %d: story paragraphs lost", i)
		}
		if st.WordCount < 50 {
			t.Errorf("page %d: word count %d", i, st.WordCount)
		}
	}
}
