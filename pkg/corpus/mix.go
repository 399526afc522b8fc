package corpus

import (
	"fmt"
	"html"
	"strings"
	"time"
)

// This file adds pages of a chosen size and language, and the copies of a
// story that a news pipeline sees (exact re-sends, tracking and AMP
// addresses, a syndicated copy with a changed sentence), for benchmarks and
// dedup tests. Article keeps making the pages it always made.

// Languages are the languages Page writes stories in.
var Languages = []string{"en", "de", "fr", "es"}

// vocab is one language's word stock.
type vocab struct {
	people, orgs, places, subjects, verbs, details []string
	// sentence formats person, verb, subject, place, detail; extra formats
	// an organisation and a detail; marker formats the story number, the
	// run tag and a place.
	sentence, extra, marker, title string
	updated                        string // a sentence a changed copy adds
}

var vocabs = map[string]vocab{
	"en": {
		people: people, orgs: orgs, places: places, subjects: subjects, verbs: verbs, details: details,
		sentence: "%s %s %s in %s, and %s.",
		extra:    " According to %s, %s.",
		marker:   "Report number %d%s from the %s desk opens with new details. ",
		title:    "%s %s %s in %s (%d%s)",
		updated:  "This article was updated with a statement from the regional government on %s.",
	},
	"de": {
		people: people,
		orgs:   []string{"das Finanzministerium", "die Weltgesundheitsorganisation", "der Stadtrat", "die Zentralbank", "die Europäische Kommission", "der Energieversorger Nordwind", "die staatliche Bahngesellschaft", "der Industriekonzern Acme"},
		places: []string{"Lissabon", "Nairobi", "Toronto", "Osaka", "Warschau", "Santiago", "Melbourne", "Oslo", "Kairo", "Hanoi"},
		subjects: []string{"den neuen Haushalt", "den Bahnstreik", "die Impfkampagne", "das Handelsabkommen", "das Wahlergebnis",
			"den Hochwasserschutz", "den Wohnungsbauplan", "die Energiepreisbremse", "die Fusionsgespräche", "den Klimagipfel"},
		verbs: []string{"vorgestellt", "kritisiert", "verteidigt", "verschoben", "genehmigt", "infrage gestellt", "begrüßt", "abgelehnt", "erläutert", "überprüft"},
		details: []string{
			"Beamte sagten, die Entscheidung sei nach monatelangen Verhandlungen gefallen",
			"Fachleute erwarten, dass die Maßnahme Millionen Haushalte betreffen wird",
			"die Opposition forderte eine unabhängige Untersuchung",
			"die Zahlen wurden am Dienstag nach einer kurzen Verzögerung veröffentlicht",
			"örtliche Unternehmen meldeten einen deutlichen Rückgang der Nachfrage",
			"der Vorschlag muss noch vom Parlament gebilligt werden",
			"Anwohner versammelten sich im Regen vor dem Rathaus",
			"das Unternehmen wollte sich zu den Einzelheiten nicht äußern",
			"Experten warnten, dass die Kosten im nächsten Jahr weiter steigen könnten",
			"ein Sprecher bezeichnete die Gespräche als konstruktiv",
		},
		sentence: "%s hat %[3]s in %[4]s %[2]s, und %[5]s.",
		extra:    " Nach Angaben von %s gilt: %s.",
		marker:   "Bericht Nummer %d%s aus der Redaktion in %s beginnt mit neuen Einzelheiten. ",
		title:    "%s hat %[3]s in %[4]s %[2]s (%[5]d%[6]s)",
		updated:  "Dieser Artikel wurde am %s um eine Stellungnahme der Landesregierung ergänzt.",
	},
	"fr": {
		people: people,
		orgs:   []string{"le ministère des Finances", "l'Organisation mondiale de la santé", "le conseil municipal", "la banque centrale", "la Commission européenne", "l'énergéticien Nordwind", "la compagnie ferroviaire nationale", "le groupe industriel Acme"},
		places: []string{"Lisbonne", "Nairobi", "Toronto", "Osaka", "Varsovie", "Santiago", "Melbourne", "Oslo", "Marseille", "Hanoï"},
		subjects: []string{"le nouveau budget", "la grève ferroviaire", "la campagne de vaccination", "l'accord commercial", "le résultat des élections",
			"les digues contre les crues", "le plan logement", "le bouclier tarifaire sur l'énergie", "les négociations de fusion", "le sommet sur le climat"},
		verbs: []string{"présenté", "critiqué", "défendu", "reporté", "approuvé", "remis en question", "salué", "rejeté", "détaillé", "examiné"},
		details: []string{
			"les responsables ont indiqué que la décision faisait suite à des mois de négociations",
			"les analystes estiment que la mesure touchera des millions de foyers",
			"les dirigeants de l'opposition ont réclamé une enquête indépendante",
			"les chiffres ont été publiés mardi après un court retard",
			"les commerces locaux ont signalé une forte baisse de la demande",
			"la proposition doit encore être approuvée par le parlement",
			"des habitants se sont rassemblés sous la pluie devant la mairie",
			"l'entreprise a refusé de commenter les détails",
			"les experts ont averti que les coûts pourraient encore augmenter l'an prochain",
			"un porte-parole a qualifié les discussions de constructives",
		},
		sentence: "%s a %s %s à %s, et %s.",
		extra:    " Selon %s, %s.",
		marker:   "Le rapport numéro %d%s de la rédaction de %s commence par de nouveaux détails. ",
		title:    "%s a %s %s à %s (%d%s)",
		updated:  "Cet article a été mis à jour le %s avec une déclaration du gouvernement régional.",
	},
	"es": {
		people: people,
		orgs:   []string{"el Ministerio de Hacienda", "la Organización Mundial de la Salud", "el ayuntamiento", "el banco central", "la Comisión Europea", "la eléctrica Nordwind", "la compañía ferroviaria nacional", "el grupo industrial Acme"},
		places: []string{"Lisboa", "Nairobi", "Toronto", "Osaka", "Varsovia", "Santiago", "Melbourne", "Oslo", "Sevilla", "Hanói"},
		subjects: []string{"el nuevo presupuesto", "la huelga ferroviaria", "la campaña de vacunación", "el acuerdo comercial", "el resultado electoral",
			"las defensas contra inundaciones", "el plan de vivienda", "el tope al precio de la energía", "las negociaciones de fusión", "la cumbre del clima"},
		verbs: []string{"presentado", "criticado", "defendido", "aplazado", "aprobado", "cuestionado", "celebrado", "rechazado", "detallado", "revisado"},
		details: []string{
			"los funcionarios dijeron que la decisión llegó tras meses de negociación",
			"los analistas esperan que la medida afecte a millones de hogares",
			"los líderes de la oposición pidieron una investigación independiente",
			"las cifras se publicaron el martes tras un breve retraso",
			"los comercios locales registraron una fuerte caída de la demanda",
			"la propuesta aún necesita la aprobación del parlamento",
			"los vecinos se reunieron bajo la lluvia frente al ayuntamiento",
			"la empresa declinó comentar los detalles",
			"los expertos advirtieron que los costes podrían subir aún más el próximo año",
			"un portavoz describió las conversaciones como constructivas",
		},
		sentence: "%s ha %s %s en %s, y %s.",
		extra:    " Según %s, %s.",
		marker:   "El informe número %d%s de la redacción de %s comienza con nuevos detalles. ",
		title:    "%s ha %s %s en %s (%d%s)",
		updated:  "Este artículo se actualizó el %s con una declaración del gobierno regional.",
	},
}

// Spec describes one page for Page.
type Spec struct {
	// ID numbers the story: it appears in the title, the address and the
	// first sentence, so that every story's text differs.
	ID int
	// Tag, when set, is added to the story number in the title, the first
	// sentence and the address, so that pages of separate runs share no
	// identity (URL, text) even in a shared dedup store.
	Tag string
	// Lang is one of Languages (default "en").
	Lang string
	// Site is the host of the page (default one of the generator's sites).
	Site string
	// Paragraphs is the article's length (default 6).
	Paragraphs int
	// Bytes is the page size to reach with site chrome (navigation, teaser
	// lists, inline scripts and data): pages are at least as large as their
	// article and at most a block of chrome (4 KiB) over Bytes.
	Bytes int
	// NoCanonical leaves out rel=canonical and og:url, as some sites do: the
	// story's address is then only the fetched URL.
	NoCanonical bool
}

// Kind is how a page relates to the story it carries.
type Kind uint8

// The kinds of page a pipeline sees.
const (
	// Original is the first page of a story.
	Original Kind = iota
	// ExactCopy is the same page delivered again (a feed re-poll, a retry).
	ExactCopy
	// TrackingCopy is the same page fetched under its address with
	// tracking parameters (utm_*, fbclid, gclid) and a fragment.
	TrackingCopy
	// AMPCopy is the AMP version of the story: another layout, an AMP
	// address (amp. host, /amp path, .amp.html, ?amp=1 or an AMP viewer).
	AMPCopy
	// ChangedCopy is the story republished on another site (syndication)
	// with one sentence changed: a near duplicate.
	ChangedCopy
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case Original:
		return "original"
	case ExactCopy:
		return "exact"
	case TrackingCopy:
		return "tracking"
	case AMPCopy:
		return "amp"
	case ChangedCopy:
		return "changed"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Page generates the page of s. Its Paragraphs are the article's, its HTML
// the whole page of about s.Bytes bytes.
func (g *Generator) Page(s Spec) Page {
	if _, ok := vocabs[s.Lang]; !ok {
		s.Lang = "en"
	}
	if s.Site == "" {
		s.Site = g.sites[s.ID%len(g.sites)]
	}
	if s.Paragraphs <= 0 {
		s.Paragraphs = 6
	}
	v := vocabs[s.Lang]
	tag := ""
	if s.Tag != "" {
		tag = "-" + s.Tag
	}
	title := g.titleIn(v, s.ID, tag)
	published := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(s.ID) * time.Minute)
	paras := make([]string, s.Paragraphs)
	for i := range paras {
		var sb strings.Builder
		if i == 0 {
			fmt.Fprintf(&sb, v.marker, s.ID, tag, g.pick(v.places))
		}
		k := 2 + g.rng.IntN(3)
		for j := 0; j < k; j++ {
			if j > 0 {
				sb.WriteByte(' ')
			}
			sb.WriteString(g.sentenceIn(v))
		}
		paras[i] = sb.String()
	}
	path := fmt.Sprintf("/%s/news/%d/story-%d%s.html", s.Lang, published.Year(), s.ID, tag)
	p := Page{
		URL: "https://" + s.Site + path, Title: title, Paragraphs: paras, Published: published,
		Lang: s.Lang, Site: s.Site, Author: g.pick(people), Kind: Original, canonical: !s.NoCanonical,
	}
	p.HTML = g.renderPage(p, s.Bytes, false)
	return p
}

func (g *Generator) titleIn(v vocab, id int, tag string) string {
	return fmt.Sprintf(v.title, g.pick(v.people), g.pick(v.verbs), g.pick(v.subjects), g.pick(v.places), id, tag)
}

func (g *Generator) sentenceIn(v vocab) string {
	s := fmt.Sprintf(v.sentence, g.pick(v.people), g.pick(v.verbs), g.pick(v.subjects), g.pick(v.places), g.pick(v.details))
	if g.rng.IntN(3) == 0 {
		s += fmt.Sprintf(v.extra, g.pick(v.orgs), g.pick(v.details))
	}
	return s
}

// Copy returns a page that carries the same story as orig, of the given
// kind. ChangedCopy pages go to otherSite (a syndication partner; default
// another of the generator's sites) and are about bytes large; AMP pages
// are about a quarter of orig's size (at least 20 KB). Copy(orig, Original, ...) returns orig.
func (g *Generator) Copy(orig Page, k Kind, otherSite string, bytes int) Page {
	c := orig
	c.Kind = k
	switch k {
	case ExactCopy:
	case TrackingCopy:
		params := []string{"utm_source=twitter&utm_medium=social&utm_campaign=breaking", "fbclid=IwAR2x" + fmt.Sprint(g.rng.IntN(1e9)),
			"gclid=Cj0KCQ" + fmt.Sprint(g.rng.IntN(1e9)) + "&utm_source=google", "utm_source=newsletter&utm_content=top3&mc_eid=" + fmt.Sprint(g.rng.IntN(1e6))}
		c.URL = orig.URL + "?" + params[g.rng.IntN(len(params))] + "#comments"
	case AMPCopy:
		host, path, _ := strings.Cut(strings.TrimPrefix(orig.URL, "https://"), "/")
		switch g.rng.IntN(4) {
		case 0:
			c.URL = "https://amp." + host + "/" + path
		case 1:
			c.URL = "https://" + host + "/" + strings.TrimSuffix(path, ".html") + ".amp.html"
		case 2:
			c.URL = orig.URL + "?amp=1"
		default:
			c.URL = "https://www.google.com/amp/s/" + host + "/" + path
		}
		c.HTML = g.renderPage(c, max(len(orig.HTML)/4, 20<<10), true)
	case ChangedCopy:
		if otherSite == "" || otherSite == orig.Site {
			for _, s := range g.sites {
				if s != orig.Site {
					otherSite = s
					break
				}
			}
		}
		c.Site = otherSite
		_, path, _ := strings.Cut(strings.TrimPrefix(orig.URL, "https://"), "/")
		c.URL = "https://" + otherSite + "/syndication/" + path
		c.Author = g.pick(people)
		c.canonical = true
		c.Paragraphs = append([]string(nil), orig.Paragraphs...)
		// change one sentence of a paragraph after the first
		i := len(c.Paragraphs) - 1
		if i > 0 {
			i = 1 + g.rng.IntN(len(c.Paragraphs)-1)
		}
		sentences := strings.SplitAfter(c.Paragraphs[i], ". ")
		j := g.rng.IntN(len(sentences))
		upd := fmt.Sprintf(vocabs[orig.Lang].updated, orig.Published.Add(3*time.Hour).Format("2006-01-02"))
		if j < len(sentences)-1 {
			upd += " "
		}
		sentences[j] = upd
		c.Paragraphs[i] = strings.Join(sentences, "")
		c.HTML = g.renderPage(c, bytes, false)
	}
	return c
}

// renderPage writes p's page with chrome up to about size bytes; amp makes
// the light AMP layout.
func (g *Generator) renderPage(p Page, size int, amp bool) []byte {
	e := html.EscapeString
	var b strings.Builder
	b.Grow(size + 16<<10)
	canonical := p.URL
	if p.Kind == AMPCopy || p.Kind == TrackingCopy {
		canonical = strings.Split(strings.Split(p.URL, "?")[0], "#")[0]
	}
	htmlAttr := ""
	if amp {
		htmlAttr = " ⚡"
		// an AMP page points at its original
		canonical = p.origURL()
	}
	fmt.Fprintf(&b, `<!DOCTYPE html><html%s lang="%s"><head><meta charset="utf-8"><title>%s | %s</title>`+"\n", htmlAttr, p.Lang, e(p.Title), e(p.Site))
	if p.canonical {
		fmt.Fprintf(&b, `<link rel="canonical" href="%s"><meta property="og:url" content="%s">`+"\n", e(canonical), e(canonical))
	}
	fmt.Fprintf(&b, `<meta property="og:title" content="%s"><meta property="og:site_name" content="%s">
<meta property="article:published_time" content="%s"><meta name="author" content="%s">
<script>window.dataLayer=[];function track(){return 1}</script><style>body{font-family:serif}</style></head><body>
`, e(p.Title), e(p.Site), p.Published.Format(time.RFC3339), e(p.Author))
	chrome := g.chrome(p.Site)
	// what the chrome must fill, estimated from the article's size
	article := 600 + len(p.Title)*2
	for _, para := range p.Paragraphs {
		article += len(para) + 10
	}
	fill := max(0, size-article-1200)
	before := fill / 4
	if amp {
		before = 0
	}
	b.WriteString(`<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/business">Business</a></li><li><a href="/sport">Sport</a></li></ul></nav>`)
	b.WriteString(cut(chrome, 0, before))
	b.WriteString("</header>\n")
	fmt.Fprintf(&b, `<main><article><h1>%s</h1><p class="byline">By <a href="/authors/x">%s</a> · <time datetime="%s">%s</time></p>`+"\n",
		e(p.Title), e(p.Author), p.Published.Format(time.RFC3339), p.Published.Format("2 January 2006"))
	for i, para := range p.Paragraphs {
		fmt.Fprintf(&b, "<p>%s</p>\n", e(para))
		if i == len(p.Paragraphs)/2 {
			if amp {
				b.WriteString(`<amp-ad width="300" height="250" type="doubleclick"></amp-ad>` + "\n")
			} else {
				b.WriteString(`<div class="ad-slot">Advertisement</div>` + "\n")
			}
		}
	}
	b.WriteString(`</article><aside class="related"><h2>Related stories</h2><ul>`)
	for _, r := range related {
		fmt.Fprintf(&b, `<li><a href="/related/%d">%s</a></li>`, g.rng.IntN(1e6), e(r))
	}
	b.WriteString("</ul></aside></main>\n")
	b.WriteString(cut(chrome, before, fill-before))
	fmt.Fprintf(&b, `<footer><p>© 2026 %s. All rights reserved.</p><div class="cookie">This website uses cookies to improve your experience. Accept</div></footer></body></html>`, e(p.Site))
	return []byte(b.String())
}

// origURL is the address of the original page of a copy.
func (p Page) origURL() string {
	u := strings.Split(strings.Split(p.URL, "#")[0], "?")[0]
	u = strings.Replace(u, "https://amp.", "https://", 1)
	u = strings.Replace(u, ".amp.html", ".html", 1)
	return strings.Replace(u, "https://www.google.com/amp/s/", "https://", 1)
}

// chromeSize is the site chrome generated per site: the largest page is
// about this big.
const chromeSize = 2<<20 + 64<<10

// maxChromeSites bounds the chrome cache of a generator.
const maxChromeSites = 64

// chrome returns the site's chrome: blocks of navigation, teaser lists,
// inline scripts with JSON state, and comment threads, the same for every
// page of the site (as a publisher template is), made once per site.
func (g *Generator) chrome(site string) string {
	if c, ok := g.chromes[site]; ok {
		return c
	}
	if g.chromes == nil || len(g.chromes) >= maxChromeSites {
		g.chromes = map[string]string{}
	}
	var b strings.Builder
	b.Grow(chromeSize + 8<<10)
	for n := 0; b.Len() < chromeSize; n++ {
		switch g.rng.IntN(5) {
		case 0: // a mega menu
			b.WriteString(`<div class="menu"><ul>`)
			for i := 0; i < 24; i++ {
				fmt.Fprintf(&b, `<li class="menu-item"><a href="/section/%d">%s</a></li>`, g.rng.IntN(500), g.pick(subjects))
			}
			b.WriteString("</ul></div>\n")
		case 1, 2: // a teaser list
			b.WriteString(`<section class="teasers"><h2>More news</h2>`)
			for i := 0; i < 8; i++ {
				fmt.Fprintf(&b, `<div class="teaser"><a href="/news/%d"><img src="/img/%d.jpg" alt=""><h3>%s %s %s</h3></a><p>%s.</p></div>`,
					g.rng.IntN(1e6), g.rng.IntN(1e6), g.pick(people), g.pick(verbs), g.pick(subjects), g.pick(details))
			}
			b.WriteString("</section>\n")
		case 3: // inline state for the front-end framework
			b.WriteString(`<script type="application/json" id="__STATE__">{"items":[`)
			for i := 0; i < 40; i++ {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, `{"id":%d,"headline":"%s %s %s","section":"%s","ts":%d}`, g.rng.IntN(1e9), g.pick(people), g.pick(verbs), g.pick(subjects), g.pick(places), 1700000000+g.rng.IntN(1e8))
			}
			b.WriteString("]}</script>\n")
		default: // a comment thread
			b.WriteString(`<section class="comments"><h3>Comments</h3><ol>`)
			for i := 0; i < 6; i++ {
				fmt.Fprintf(&b, `<li><span class="user">reader%d</span> <p>%s</p></li>`, g.rng.IntN(1e5), g.sentence())
			}
			b.WriteString("</ol></section>\n")
		}
	}
	c := b.String()
	g.chromes[site] = c
	return c
}

// cut returns n bytes of chrome from offset from, extended to the end of a
// line so that no element is cut in half.
func cut(chrome string, from, n int) string {
	if n <= 0 || from >= len(chrome) {
		return ""
	}
	if from > 0 {
		if i := strings.IndexByte(chrome[from:], '\n'); i >= 0 {
			from += i + 1
		}
	}
	end := min(from+n, len(chrome))
	if i := strings.IndexByte(chrome[end:], '\n'); i >= 0 {
		end += i + 1
	} else {
		end = len(chrome)
	}
	return chrome[from:end]
}
