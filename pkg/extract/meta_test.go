package extract

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestParseJSONLD(t *testing.T) {
	scripts := []string{
		`<!-- {"@context":"https://schema.org","@graph":[
			{"@type":"WebSite","name":"Example Times"},
			{"@type":["NewsArticle","Article"],"headline":"The headline","datePublished":"2023-03-17T09:30:00+01:00",
			 "author":[{"@type":"Person","name":"Jane Doe"},"John Roe","https://example.com/staff/x"],
			 "publisher":{"@type":"Organization","name":"Example Media"},
			 "image":{"@type":"ImageObject","url":"https://img.example/a.jpg"},
			 "isAccessibleForFree":"False","inLanguage":"en-GB",
			 "mainEntityOfPage":{"@id":"https://example.com/story"},},
		]} -->`,
		`{not json at all`,
	}
	ld := parseJSONLD(scripts)
	if !ld.found || ld.headline != "The headline" || !ld.notFree || ld.inLanguage != "en-GB" {
		t.Errorf("parsed %+v", ld)
	}
	if strings.Join(ld.authors, "|") != "Jane Doe|John Roe" {
		t.Errorf("authors %q", ld.authors)
	}
	if ld.publisher != "Example Media" || ld.siteName != "Example Times" || ld.url != "https://example.com/story" {
		t.Errorf("publisher %q site %q url %q", ld.publisher, ld.siteName, ld.url)
	}
	if len(ld.images) != 1 || ld.images[0] != "https://img.example/a.jpg" {
		t.Errorf("images %q", ld.images)
	}
}

func TestStripSite(t *testing.T) {
	tests := []struct{ title, site, want string }{
		{"Budget passes after long debate | Example Times", "Example Times", "Budget passes after long debate"},
		{"Budget passes after long debate - Example Times", "", "Budget passes after long debate"},
		{"Example Times: Budget passes after long debate", "Example Times", "Budget passes after long debate"},
		{"Xi visit - what we know so far about the trip", "", "Xi visit - what we know so far about the trip"},
		{"No separators here", "Site", "No separators here"},
	}
	for _, tt := range tests {
		if got := stripSite(tt.title, tt.site); got != tt.want {
			t.Errorf("stripSite(%q, %q) = %q, want %q", tt.title, tt.site, got, tt.want)
		}
	}
}

// TestMetadataHTML checks metadata sources and their priorities on one page.
func TestMetadataHTML(t *testing.T) {
	page := `<html lang="en-US"><head>
<title>Bridge reopens after repairs | Town Times</title>
<meta property="og:site_name" content="Town Times">
<meta property="og:image" content="/img/bridge.jpg">
<meta name="description" content="The bridge is open again.">
<meta property="article:published_time" content="2023-05-02T08:00:00Z">
<meta property="article:modified_time" content="2023-05-03T09:00:00Z">
<meta property="article:content_tier" content="locked">
<link rel="canonical" href="/news/bridge-reopens/?utm_source=x">
</head><body>
<header><a class="logo" href="/">Town Times</a></header>
<article><h1>Bridge reopens after repairs</h1><div class="byline">By Sam Smith and Ana Lopez</div>
<p>The old bridge over the river reopened to traffic on Tuesday after eight months of repairs, the council said in a statement.</p>
<p>Engineers replaced the deck and strengthened the piers, which had been damaged by floods two winters ago, at a cost of 3 million.</p>
</article></body></html>`
	a, err := New(WithMinWords(20)).Extract(context.Background(), Page{URL: "https://www.towntimes.example/news/bridge-reopens?ref=home", Body: []byte(page)})
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ name, got, want string }{
		{"title", a.Title, "Bridge reopens after repairs"},
		{"byline", a.Byline, "Sam Smith and Ana Lopez"},
		{"authors", strings.Join(a.Authors, "|"), "Sam Smith|Ana Lopez"},
		{"site", a.SiteName, "Town Times"},
		{"canonical", a.CanonicalURL, "https://www.towntimes.example/news/bridge-reopens"},
		{"image", a.LeadImage, "https://www.towntimes.example/img/bridge.jpg"},
		{"description", a.Description, "The bridge is open again."},
		{"language", a.DeclaredLanguage, "en-us"},
		{"published", a.Published.Format(time.RFC3339), "2023-05-02T08:00:00Z"},
		{"modified", a.Modified.Format(time.RFC3339), "2023-05-03T09:00:00Z"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if !a.Paywalled {
		t.Error("content tier locked not reported as paywalled")
	}
	if len(a.Paragraphs) != 2 || strings.Contains(a.Text, "By Sam") {
		t.Errorf("paragraphs %q", a.Paragraphs)
	}
}
