// Package corpus generates realistic synthetic news pages for end-to-end
// tests, chaos runs and benchmarks: an article with a headline, byline, date
// and paragraphs, wrapped in the navigation, related-links boxes, footers and
// cookie banners of a publisher template. Pages are deterministic for a seed,
// so a failing run can be replayed.
package corpus

import (
	"fmt"
	"html"
	"math/rand/v2"
	"strings"
	"time"
)

// Page is one generated page.
type Page struct {
	// URL is the page's address on its synthetic site.
	URL string
	// Title is the headline the extractor must find.
	Title string
	// Paragraphs are the story paragraphs the extractor must keep.
	Paragraphs []string
	// HTML is the whole page.
	HTML []byte
	// Published is the article's publication time.
	Published time.Time
	// Lang, Site and Author of the story (set by Page and Copy; Article
	// leaves Lang empty: its pages are English).
	Lang, Site, Author string
	// Kind says how the page relates to its story (Original or a copy).
	Kind Kind

	canonical bool // the page declares its canonical address
}

// Generator makes pages from a seed.
type Generator struct {
	rng     *rand.Rand
	sites   []string
	chromes map[string]string // site chrome made by chrome(), per site
}

// New returns a generator; the same seed gives the same pages.
func New(seed uint64) *Generator {
	return &Generator{
		rng:   rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		sites: []string{"daily-courier.example", "metro-herald.example", "world-wire.example", "the-ledger.example"},
	}
}

var (
	people   = []string{"Maria Lopez", "James Okafor", "Chen Wei", "Anna Kowalski", "Rahul Mehta", "Sofia Rossi", "Lars Nilsson", "Amina Diallo", "Kenji Sato", "Elena Petrova"}
	orgs     = []string{"the Ministry of Finance", "the World Health Organization", "Acme Industries", "the city council", "the central bank", "the European Commission", "Northwind Energy", "the national rail operator"}
	places   = []string{"Lisbon", "Nairobi", "Toronto", "Osaka", "Warsaw", "Santiago", "Melbourne", "Oslo", "Cairo", "Hanoi"}
	subjects = []string{"the new budget", "the rail strike", "the vaccine rollout", "the trade agreement", "the election result", "the flood defences", "the housing plan", "the energy price cap", "the merger talks", "the climate summit"}
	verbs    = []string{"announced", "criticised", "defended", "delayed", "approved", "questioned", "welcomed", "rejected", "outlined", "reviewed"}
	details  = []string{
		"officials said the decision followed months of negotiation",
		"analysts expect the measure to affect millions of households",
		"opposition leaders called for an independent inquiry",
		"the figures were published on Tuesday after a short delay",
		"local businesses reported a sharp fall in demand",
		"the proposal still needs the approval of parliament",
		"residents gathered outside the town hall in the rain",
		"the company declined to comment on the details",
		"experts warned that the costs could rise further next year",
		"a spokesperson described the talks as constructive",
	}
	related = []string{"Five things to know about the weekend weather", "Markets close higher after a volatile week", "Local team wins the cup in extra time", "How to save on your energy bill this winter"}
)

func (g *Generator) pick(xs []string) string { return xs[g.rng.IntN(len(xs))] }

func (g *Generator) sentence() string {
	s := fmt.Sprintf("%s %s %s in %s, and %s.", g.pick(people), g.pick(verbs), g.pick(subjects), g.pick(places), g.pick(details))
	if g.rng.IntN(3) == 0 {
		s += fmt.Sprintf(" According to %s, %s.", g.pick(orgs), g.pick(details))
	}
	return s
}

// Paragraphs returns n paragraphs of 2 to 4 sentences, with a unique marker
// sentence in the first so that every story's text differs.
func (g *Generator) Paragraphs(n int, id int) []string {
	out := make([]string, n)
	for i := range out {
		var sb strings.Builder
		if i == 0 {
			fmt.Fprintf(&sb, "Report number %d from the %s desk opens with new details. ", id, g.pick(places))
		}
		k := 2 + g.rng.IntN(3)
		for j := 0; j < k; j++ {
			if j > 0 {
				sb.WriteByte(' ')
			}
			sb.WriteString(g.sentence())
		}
		out[i] = sb.String()
	}
	return out
}

// Article generates story id's page with about the given number of
// paragraphs. Padding adds that many bytes of site chrome (menus, scripts,
// comments), to make large pages.
func (g *Generator) Article(id, paragraphs, padding int) Page {
	site := g.sites[id%len(g.sites)]
	title := fmt.Sprintf("%s %s %s in %s (%d)", g.pick(people), g.pick(verbs), g.pick(subjects), g.pick(places), id)
	published := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(id) * time.Minute)
	paras := g.Paragraphs(paragraphs, id)
	url := fmt.Sprintf("https://%s/news/%d/story-%d.html", site, published.Year(), id)
	return Page{URL: url, Title: title, Paragraphs: paras, Published: published,
		HTML: g.render(site, url, title, g.pick(people), published, paras, padding)}
}

func (g *Generator) render(site, url, title, author string, published time.Time, paras []string, padding int) []byte {
	var b strings.Builder
	e := html.EscapeString
	fmt.Fprintf(&b, `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>%s | %s</title>
<link rel="canonical" href="%s"><meta property="og:title" content="%s"><meta property="og:site_name" content="%s">
<meta property="article:published_time" content="%s"><meta name="author" content="%s">
<script>window.dataLayer=[];function track(){return 1}</script><style>body{font-family:serif}</style></head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/business">Business</a></li><li><a href="/sport">Sport</a></li></ul></nav></header>
<main><article><h1>%s</h1><p class="byline">By <a href="/authors/x">%s</a> · <time datetime="%s">%s</time></p>
`, e(title), e(site), e(url), e(title), e(site), published.Format(time.RFC3339), e(author), e(title), e(author),
		published.Format(time.RFC3339), published.Format("2 January 2006"))
	for i, p := range paras {
		fmt.Fprintf(&b, "<p>%s</p>\n", e(p))
		if i == len(paras)/2 {
			b.WriteString(`<div class="ad-slot">Advertisement</div>` + "\n")
		}
	}
	b.WriteString(`</article><aside class="related"><h2>Related stories</h2><ul>`)
	for _, r := range related {
		fmt.Fprintf(&b, `<li><a href="/related/%d">%s</a></li>`, g.rng.IntN(1e6), e(r))
	}
	b.WriteString("</ul></aside></main>\n")
	for padding > 0 {
		chunk := `<div class="menu-item"><a href="/section/archive">Archive</a> <a href="/section/opinion">Opinion</a></div>` + "\n"
		b.WriteString(chunk)
		padding -= len(chunk)
	}
	fmt.Fprintf(&b, `<footer><p>© 2026 %s. All rights reserved.</p><div class="cookie">This website uses cookies to improve your experience. Accept</div></footer></body></html>`, e(site))
	return []byte(b.String())
}
