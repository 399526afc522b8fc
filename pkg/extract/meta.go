package extract

import (
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/newsflow/newsflow/pkg/urlnorm"
)

// metaIndex looks up <meta> values by lower-case name/property.
type metaIndex map[string]string

func newMetaIndex(ms []metaTag) metaIndex {
	m := make(metaIndex, len(ms))
	for _, t := range ms {
		if _, ok := m[t.key]; !ok {
			m[t.key] = t.value
		}
	}
	return m
}

func (m metaIndex) first(keys ...string) string {
	for _, k := range keys {
		if v := m[k]; v != "" {
			return v
		}
	}
	return ""
}

// fillMeta sets the article's metadata from the page head, JSON-LD and
// the DOM; the main content is not needed for it, except h1 and bylines.
func (d *doc) fillMeta(a *Article, ld ldInfo, p Page) {
	m := newMetaIndex(d.metas)
	base := resolveBase(p.URL, d.base)

	a.SiteName = firstNonEmpty(m.first("og:site_name", "application-name", "publisher"), ld.siteName, ld.publisher)
	a.Description = firstNonEmpty(m.first("og:description", "description", "twitter:description", "dc.description"), ld.description)
	a.Title = d.pickTitle(m, ld, a.SiteName)
	if a.SiteName == "" {
		a.SiteName = siteFromTitle(d.title, a.Title)
	}
	if a.SiteName == "" {
		a.SiteName = siteFromHost(hostOf(p.URL))
	}

	// Authors and byline.
	a.Authors = ld.authors
	if len(a.Authors) == 0 {
		for _, k := range []string{"author", "byl", "parsely-author", "sailthru.author", "dc.creator", "article:author", "twitter:creator"} {
			if v := m[k]; v != "" && !strings.Contains(v, "://") && !strings.HasPrefix(v, "@") {
				a.Authors = splitAuthors(v)
				break
			}
		}
	}
	if len(a.Authors) == 0 {
		for _, pr := range d.props {
			if pr.prop == "author" || pr.prop == "creator" {
				if s := cleanName(d, pr.n, pr.value); s != "" {
					a.Authors = append(a.Authors, s)
				}
			}
		}
	}
	if len(a.Authors) == 0 {
		for _, n := range d.relAuthor {
			if s := cleanName(d, n, ""); s != "" {
				a.Authors = append(a.Authors, s)
			}
		}
	}
	for _, n := range d.bylines {
		if n.rawLen < 3 || n.rawLen > 160 {
			continue
		}
		t := normalizeText(string(d.allText(n)))
		if names, ok := parseByline(t); ok {
			a.Byline = names
			break
		}
	}
	if a.Byline == "" && len(a.Authors) == 0 {
		for _, n := range d.bylines {
			if n.rawLen < 3 || n.rawLen > 80 {
				continue
			}
			t := normalizeText(string(d.allText(n)))
			if t != "" && countWords(t) <= 6 && !strings.ContainsAny(t, ".:!?") {
				a.Authors = splitAuthors(t)
				break
			}
		}
	}
	if len(a.Authors) == 0 && a.Byline != "" {
		a.Authors = splitAuthors(a.Byline)
	}

	// Dates.
	a.Published = firstDate(
		ld.datePublished,
		m.first("article:published_time", "og:article:published_time", "datepublished", "pubdate",
			"publishdate", "publish-date", "publication_date", "date", "dc.date.issued", "dc.date",
			"dcterms.created", "sailthru.date", "parsely-pub-date", "article.published", "cxenseparse:recs:publishtime",
			"og:published_time", "originalpublicationdate", "article_date_original", "pub_date"),
		d.propDate("datepublished"),
		d.timeDate(),
	)
	if a.Published.IsZero() {
		for _, n := range d.datelines {
			if n.rawLen <= 120 {
				if t, ok := parseTextDate(normalizeText(string(d.allText(n)))); ok {
					a.Published = t
					break
				}
			}
		}
	}
	a.Modified = firstDate(
		ld.dateModified,
		m.first("article:modified_time", "og:updated_time", "datemodified", "dc.date.modified", "dcterms.modified", "last-modified", "lastmod", "article.updated"),
		d.propDate("datemodified"),
	)

	// Language as declared.
	a.DeclaredLanguage = firstNonEmpty(
		normLang(d.lang),
		normLang(m.first("og:locale")),
		normLang(ld.inLanguage),
		normLang(m.first("content-language", "language", "dc.language", "inlanguage")),
	)

	// Canonical URL: the first candidate that canonicalises and is not a
	// site's home page standing in for an article.
	for _, c := range []string{d.canonical, m.first("og:url", "twitter:url"), ld.url, p.URL} {
		if c == "" {
			continue
		}
		abs := resolve(base, c)
		cu, err := urlnorm.Canonical(abs)
		if err != nil {
			continue
		}
		if pu, err := url.Parse(cu); err == nil && pu.Path == "/" && pu.RawQuery == "" && hasPath(p.URL) {
			continue
		}
		a.CanonicalURL = cu
		break
	}

	// Lead image.
	for _, c := range append([]string{
		m.first("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src"),
	}, append(ld.images, d.imageSrc)...) {
		if c != "" {
			if u := resolve(base, c); strings.HasPrefix(u, "http") {
				a.LeadImage = u
				break
			}
		}
	}

	// Paywall.
	tier := strings.ToLower(m.first("article:content_tier", "content_tier"))
	a.Paywalled = ld.notFree || tier == "locked" || strings.EqualFold(m.first("isaccessibleforfree"), "false")
}

// contentImage picks the first reasonably large image inside the selected
// content, for pages without og:image.
func (d *doc) contentImage(base *url.URL) string {
	for _, im := range d.imgs {
		if im.n.flags&fSelected == 0 || (im.width > 0 && im.width < 200) {
			continue
		}
		ls := strings.ToLower(im.src)
		if strings.Contains(ls, "logo") || strings.Contains(ls, "icon") || strings.Contains(ls, "avatar") || strings.Contains(ls, "pixel") || strings.HasSuffix(ls, ".svg") {
			continue
		}
		if u := resolve(base, im.src); strings.HasPrefix(u, "http") {
			return u
		}
	}
	return ""
}

var titleSepRE = regexp.MustCompile(`\s+[|\-–—:·»/]{1,2}\s+|\s+::\s+`)

// pickTitle chooses the headline: the page's h1 when it agrees with the
// metadata (it is the cleanest), else JSON-LD headline / og:title, else
// <title> without its site-name part.
func (d *doc) pickTitle(m metaIndex, ld ldInfo, site string) string {
	metaTitle := normalizeText(firstNonEmpty(ld.headline, m.first("og:title", "twitter:title", "dc.title", "headline")))
	docTitle := normalizeText(d.title)
	var h1 string
	for _, n := range d.h1s {
		if n.flags&fRemoved != 0 && n.flags&fHasArticle == 0 {
			// an h1 inside removed furniture is a logo, unless nothing else exists
			if h1 == "" && len(d.h1s) == 1 && metaTitle == "" && docTitle == "" {
				h1 = normalizeText(string(d.allText(n)))
			}
			continue
		}
		if t := normalizeText(string(d.allText(n))); countWords(t) >= 2 {
			h1 = t
			break
		}
	}
	if h1 != "" && (metaTitle == "" && docTitle == "" || similarity(h1, metaTitle) >= 0.5 || similarity(h1, docTitle) >= 0.5) {
		return h1
	}
	if metaTitle != "" {
		return stripSite(metaTitle, site)
	}
	if docTitle != "" {
		return stripSite(docTitle, site)
	}
	return h1
}

// stripSite removes the site-name part of a title: a part equal to the site
// name, or a short trailing part after a separator.
func stripSite(title, site string) string {
	if site != "" && len(title) > len(site)+1 && strings.EqualFold(title[:len(site)], site) {
		if rest := strings.TrimLeft(title[len(site):], " :|-–—·»"); rest != title[len(site):] && countWords(rest) >= 2 {
			return rest // "Site: Headline"
		}
	}
	idx := titleSepRE.FindAllStringIndex(title, -1)
	if len(idx) == 0 {
		return title
	}
	var parts []string
	prev := 0
	for _, ix := range idx {
		parts = append(parts, title[prev:ix[0]])
		prev = ix[1]
	}
	parts = append(parts, title[prev:])
	if site != "" {
		var kept []string
		for _, p := range parts {
			if similarity(p, site) < 0.8 {
				kept = append(kept, p)
			}
		}
		if len(kept) > 0 && len(kept) < len(parts) {
			return strings.Join(kept, " - ")
		}
	}
	last := parts[len(parts)-1]
	first := strings.Join(parts[:len(parts)-1], " - ")
	if countWords(last) <= 4 && countWords(first) >= 3 {
		// re-join the original text of the kept parts
		return strings.TrimSpace(title[:idx[len(idx)-1][0]])
	}
	return title
}

// siteFromTitle takes the site name from "<headline> | Site".
func siteFromTitle(docTitle, title string) string {
	docTitle = normalizeText(docTitle)
	if docTitle == "" || title == "" || docTitle == title {
		return ""
	}
	if rest, ok := strings.CutPrefix(docTitle, title); ok {
		rest = strings.TrimSpace(strings.TrimLeft(rest, " |-–—:·»/"))
		if rest != "" && countWords(rest) <= 5 {
			return rest
		}
	}
	return ""
}

// allText returns all text of n's subtree, removed parts included.
func (d *doc) allText(n *node) []byte {
	var b []byte
	var walk func(n *node, depth int)
	walk = func(n *node, depth int) {
		if len(b) > 2000 || depth > 64 {
			return
		}
		if n.isText {
			b = append(b, d.textOf(n)...)
			return
		}
		for c := n.first; c != nil; c = c.next {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return b
}

func cleanName(d *doc, n *node, value string) string {
	s := value
	if s == "" {
		if n.rawLen > 120 {
			return ""
		}
		s = string(d.allText(n))
	}
	s = normalizeText(s)
	if names, ok := parseByline(s); ok {
		s = names
	}
	if s == "" || strings.Contains(s, "://") || countWords(s) > 6 {
		return ""
	}
	return s
}

func (d *doc) propDate(prop string) string {
	for _, p := range d.props {
		if p.prop == prop && p.value != "" {
			return p.value
		}
	}
	return ""
}

// timeDate returns the datetime of the publication <time>: one marked
// pubdate or itemprop=datePublished, else the first in the main content,
// else the first on the page.
func (d *doc) timeDate() string {
	for _, t := range d.times {
		if t.value != "" && strings.Contains(t.prop, "published") {
			return t.value
		}
	}
	for _, t := range d.times {
		if t.value != "" && t.n.flags&fRemoved == 0 {
			return t.value
		}
	}
	if len(d.times) > 0 {
		return d.times[0].value
	}
	return ""
}

func firstDate(vals ...string) time.Time {
	for _, v := range vals {
		if t, ok := parseDate(v); ok {
			return t
		}
	}
	return time.Time{}
}

var langRE = regexp.MustCompile(`^[a-z]{2,3}(-[a-z0-9]{2,8})*$`)

// normLang normalises a declared language: "en_US" -> "en-us"; the first
// of a list; empty when it is not a language tag.
func normLang(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, ", ;"); i >= 0 {
		s = s[:i]
	}
	s = strings.ReplaceAll(s, "_", "-")
	if s == "" || s == "x-default" || !langRE.MatchString(s) {
		return ""
	}
	return s
}

func resolveBase(pageURL, baseHref string) *url.URL {
	pu, err := url.Parse(pageURL)
	if err != nil || pu.Scheme == "" {
		pu = nil
	}
	if baseHref != "" {
		if bu, err := url.Parse(strings.TrimSpace(baseHref)); err == nil {
			if pu != nil {
				return pu.ResolveReference(bu)
			}
			if bu.IsAbs() {
				return bu
			}
		}
	}
	return pu
}

func resolve(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if strings.HasPrefix(ref, "//") && base == nil {
		return "https:" + ref
	}
	r, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base == nil {
		if r.IsAbs() {
			return r.String()
		}
		return ""
	}
	return base.ResolveReference(r).String()
}

func hasPath(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.Path != "" && u.Path != "/"
}

// isArticleType reports whether the page says it is an article.
func isArticleType(m metaIndex, ld ldInfo) bool {
	if ld.found {
		return true
	}
	t := strings.ToLower(m.first("og:type"))
	return t == "article" || strings.HasPrefix(t, "article") || t == "news"
}
