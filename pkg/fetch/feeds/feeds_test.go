package feeds_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsflow/newsflow/pkg/fetch/feeds"
)

func read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseFeed(t *testing.T) {
	date := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UTC()
	}
	cases := []struct {
		file, base string
		want       []feeds.Item
	}{
		{"rss2.xml", "https://news.example.com/rss", []feeds.Item{
			{URL: "https://news.example.com/world/floods?utm_source=rss", GUID: "urn:example:1001", Title: "Floods close the river road",
				Author: "Ana Ruiz", Summary: "Heavy rain closed the road. Detours in place.", Published: date("2026-03-02T08:30:00Z")},
			{URL: "https://news.example.com/world/relative", GUID: "https://news.example.com/world/relative", Title: "Relative link item"},
			{URL: "https://news.example.com/world/permalink", GUID: "https://news.example.com/world/permalink", Title: "Permalink only"},
		}},
		{"rss091.xml", "http://old.example.org/rss.xml", []feeds.Item{
			{URL: "http://old.example.org/cafe.html", Title: "Café opens", Summary: "A new café."},
		}},
		{"atom.xml", "https://atom.example.net/feed.atom", []feeds.Item{
			{URL: "https://atom.example.net/politics/budget", GUID: "tag:atom.example.net,2026:budget", Title: "Budget passes",
				Author: "Lee Chen", Summary: "The budget passed.", Published: date("2026-03-02T08:00:00Z")},
			{URL: "https://atom.example.net/sports/final", GUID: "tag:atom.example.net,2026:final", Title: "Update only",
				Published: date("2026-03-01T20:00:00Z")},
		}},
		{"feed.json", "https://json.example.io/feed.json", []feeds.Item{
			{URL: "https://json.example.io/tech/chips", GUID: "j-1", Title: "Chip plant announced", Author: "Sam Obi",
				Summary: "A new chip plant.", Published: date("2026-03-02T07:15:00Z")},
			{URL: "https://elsewhere.example/story", GUID: "j-2", Summary: "External story."},
		}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			got, err := feeds.ParseFeed(read(t, c.file), c.base)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(c.want) {
				t.Fatalf("%d items, want %d: %+v", len(got), len(c.want), got)
			}
			for i := range got {
				g, w := got[i], c.want[i]
				if !g.Published.Equal(w.Published) {
					t.Errorf("item %d published %s, want %s", i, g.Published, w.Published)
				}
				g.Published, w.Published = time.Time{}, time.Time{}
				if g != w {
					t.Errorf("item %d:\n got %+v\nwant %+v", i, g, w)
				}
			}
		})
	}
}

func TestParseFeedRejects(t *testing.T) {
	for _, in := range []string{"", "<html><body>hi</body></html>", "{\"not\": \"a feed\"}", "\x1f\x8b\x08garbage"} {
		if items, err := feeds.ParseFeed([]byte(in), "https://x.test/"); err == nil && len(items) > 0 {
			t.Errorf("ParseFeed(%q) = %d items, want an error", in, len(items))
		}
	}
}

func TestParseSitemap(t *testing.T) {
	sm, err := feeds.ParseSitemap(read(t, "news-sitemap.xml"), "https://site.example/news-sitemap.xml")
	if err != nil {
		t.Fatal(err)
	}
	if sm.Index || len(sm.URLs) != 2 {
		t.Fatalf("sitemap %+v", sm)
	}
	first := sm.URLs[0]
	if first.URL != "https://site.example/2026/03/02/election-result" || first.Title != "Election result & reactions" ||
		first.Language != "de" || !first.Published.Equal(time.Date(2026, 3, 2, 5, 0, 0, 0, time.UTC)) {
		t.Fatalf("news entry %+v", first)
	}
	if second := sm.URLs[1]; !second.Published.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) || second.Title != "" {
		t.Fatalf("plain entry %+v", second)
	}

	idx, err := feeds.ParseSitemap(read(t, "sitemap-index.xml"), "https://site.example/sitemap.xml")
	if err != nil {
		t.Fatal(err)
	}
	if !idx.Index || len(idx.Sitemaps) != 2 || idx.Sitemaps[1].URL != "https://site.example/sitemap-2026-02.xml" ||
		!idx.Sitemaps[0].LastMod.Equal(time.Date(2026, 3, 2, 6, 5, 0, 0, time.UTC)) {
		t.Fatalf("index %+v", idx)
	}

	for _, bad := range []string{"", "<html><body/></html>", "not xml at all", "<?xml version=\"1.0\" encoding=\"EBCDIC\"?><urlset/>"} {
		if _, err := feeds.ParseSitemap([]byte(bad), "https://x.test/"); err == nil {
			t.Errorf("ParseSitemap(%q) accepted", bad)
		}
	}
	// Damage after some entries keeps those entries.
	cut := string(read(t, "news-sitemap.xml"))
	cut = cut[:strings.Index(cut, "<loc>https://site.example/2026/03/01")]
	sm, err = feeds.ParseSitemap([]byte(cut), "https://site.example/")
	if err != nil || len(sm.URLs) != 1 {
		t.Fatalf("cut sitemap: %v, %+v", err, sm)
	}
}

func TestPlainText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain   text\n here", "plain text here"},
		{"<p>One</p><p>Two &amp; three</p>", "One Two & three"},
		{"<style>p{}</style>Shown<script>hidden()</script>", "Shown"},
		{"héllo wörld", "héllo w"}, // 9 bytes would split the ö
	}
	for _, c := range cases {
		max := 1000
		if c.want == "héllo w" {
			max = 9
		}
		if got := feeds.PlainText(c.in, max); got != c.want {
			t.Errorf("PlainText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzParseFeed(f *testing.F) {
	for _, n := range []string{"rss2.xml", "atom.xml", "feed.json", "rss091.xml"} {
		f.Add(read(f, n))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		items, _ := feeds.ParseFeed(data, "https://x.test/feed")
		for _, it := range items {
			if !strings.HasPrefix(it.URL, "http://") && !strings.HasPrefix(it.URL, "https://") {
				t.Fatalf("non-http item URL %q", it.URL)
			}
		}
	})
}

func FuzzParseSitemap(f *testing.F) {
	for _, n := range []string{"news-sitemap.xml", "sitemap-index.xml"} {
		f.Add(read(f, n))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sm, err := feeds.ParseSitemap(data, "https://x.test/sitemap.xml")
		if err != nil {
			return
		}
		for _, it := range sm.URLs {
			if !strings.HasPrefix(it.URL, "http://") && !strings.HasPrefix(it.URL, "https://") {
				t.Fatalf("non-http URL %q", it.URL)
			}
		}
	})
}
