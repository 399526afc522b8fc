package urlnorm

import "testing"

// benchURLs are addresses as feeds, sitemaps and shares deliver them: plain,
// with tracking parameters and fragments, AMP viewers and AMP paths, mobile
// hosts, encoded paths.
var benchURLs = []string{
	"https://www.example.com/news/2026/11/01/story-headline-words-1234.html",
	"https://www.example.com/news/2026/11/01/story-headline-words-1234.html?utm_source=twitter&utm_medium=social&utm_campaign=breaking#comments",
	"https://www.google.com/amp/s/www.example.com/news/2026/11/01/story.amp.html",
	"https://www-example-com.cdn.ampproject.org/c/s/www.example.com/news/amp/story-1234",
	"https://m.example.co.uk/world/europe/story-1234/?fbclid=IwAR2xyz&gclid=Cj0KCQ&ref=home",
	"HTTP://WWW.Example.COM:80/a/./b/../c//d%7e?b=2&a=1&mc_eid=123",
	"https://example.com/%E6%96%B0%E9%97%BB/2026/%E6%95%85%E4%BA%8B?id=42&amp=1",
}

// BenchmarkCanonical measures canonicalisation of news addresses.
// Run: go test -run '^$' -bench Canonical ./urlnorm/
func BenchmarkCanonical(b *testing.B) {
	var size int
	for _, u := range benchURLs {
		size += len(u)
	}
	b.SetBytes(int64(size / len(benchURLs)))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if _, err := Canonical(benchURLs[n%len(benchURLs)]); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "urls/s")
}
