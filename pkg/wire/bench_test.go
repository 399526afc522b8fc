package wire

import (
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"google.golang.org/protobuf/proto"

	newsflowv1 "github.com/newsflow/newsflow/pkg/gen/newsflow/v1"
	"github.com/newsflow/newsflow/pkg/stage"
)

// benchMessages are the three messages of the pipeline at typical sizes: a
// 200 KB raw page, a 12 KB cleaned story, and that story enriched.
func benchMessages() map[string]proto.Message {
	text := strings.Repeat("Maria Lopez announced the new budget in Lisbon, and officials said the decision followed months of negotiation. ", 90)
	paras := strings.SplitAfter(text, ". ")
	cleaned := &newsflowv1.CleanedArticle{StoryId: "0123456789abcdef0123456789abcdef", CanonicalUrl: "https://example.com/news/2026/story-1.html",
		Url: "https://example.com/news/2026/story-1.html", Title: "Maria Lopez announced the new budget in Lisbon", Language: "en",
		Text: text, Paragraphs: paras, WordCount: 1600, ContentHash: "00112233445566778899aabbccddeeff",
		PublishedAt: timestamppb.New(time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)), Revision: 1}
	enriched := &newsflowv1.EnrichedArticle{Article: cleaned, Summary: paras[:2], Sentiment: 0.1, Language: "en", Revision: 1}
	for _, n := range []string{"Maria Lopez", "Lisbon", "the Ministry of Finance", "Acme Industries"} {
		enriched.Entities = append(enriched.Entities, &newsflowv1.Entity{Type: newsflowv1.EntityType_ENTITY_TYPE_PERSON, Name: n, Count: 5,
			Mentions: []*newsflowv1.Mention{{Start: 0, End: 11}, {Start: 120, End: 131}}})
	}
	for _, k := range []string{"budget", "lisbon", "negotiation", "officials"} {
		enriched.Keywords = append(enriched.Keywords, &newsflowv1.Keyword{Text: k, Score: 0.5})
	}
	raw := &newsflowv1.RawArticle{Url: "https://example.com/news/2026/story-1.html", StatusCode: 200, ContentType: "text/html; charset=utf-8",
		Body: []byte(strings.Repeat("<div class=\"teaser\"><a href=\"/x\">Another headline</a></div>\n", 200<<10/60)), FetchedAt: timestamppb.Now()}
	return map[string]proto.Message{"raw": raw, "cleaned": cleaned, "enriched": enriched}
}

// BenchmarkEncode measures Encode (protobuf marshal and headers) per message.
func BenchmarkEncode(b *testing.B) {
	for _, name := range []string{"raw", "cleaned", "enriched"} {
		b.Run(name, func(b *testing.B) {
			m := benchMessages()[name]
			b.SetBytes(int64(proto.Size(m)))
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				if _, _, err := Encode(m); err != nil {
					b.Fatal(err)
				}
				n++
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// BenchmarkDecode measures Decode (header checks and protobuf unmarshal).
func BenchmarkDecode(b *testing.B) {
	for _, c := range []struct {
		name string
		new  func() proto.Message
	}{
		{"raw", func() proto.Message { return &newsflowv1.RawArticle{} }},
		{"cleaned", func() proto.Message { return &newsflowv1.CleanedArticle{} }},
		{"enriched", func() proto.Message { return &newsflowv1.EnrichedArticle{} }},
	} {
		b.Run(c.name, func(b *testing.B) {
			v, h, err := Encode(benchMessages()[c.name])
			if err != nil {
				b.Fatal(err)
			}
			in := stage.Input{Value: v, Headers: h}
			b.SetBytes(int64(len(v)))
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				if err := Decode(in, c.new()); err != nil {
					b.Fatal(err)
				}
				n++
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}
