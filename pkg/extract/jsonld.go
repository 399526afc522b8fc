package extract

import (
	"encoding/json"
	"regexp"
	"strings"
)

// ldInfo is what the page's JSON-LD (schema.org) says about the article.
type ldInfo struct {
	found         bool     // an Article-like object was found
	types         []string // its @type values
	headline      string
	description   string
	datePublished string
	dateModified  string
	inLanguage    string
	url           string
	authors       []string
	publisher     string
	siteName      string // WebSite name
	images        []string
	notFree       bool // isAccessibleForFree=false on the article or a part
	articleBody   string
	isCollection  bool // CollectionPage, ItemList, SearchResultsPage, WebSite-only pages
}

var articleTypes = map[string]int{
	"newsarticle": 10, "reportagenewsarticle": 10, "analysisnewsarticle": 10, "opinionnewsarticle": 10,
	"backgroundnewsarticle": 10, "reviewnewsarticle": 10, "askpublicnewsarticle": 10,
	"liveblogposting": 9, "article": 8, "blogposting": 8, "socialmediaposting": 6, "report": 7,
	"scholarlyarticle": 7, "techarticle": 7, "medicalscholarlyarticle": 7, "satiricalarticle": 7,
	"discussionforumposting": 5, "review": 5, "videoobject": 2, "webpage": 1,
}

var (
	ldCommentRE  = regexp.MustCompile(`(?s)^\s*(<!--|/\*<!\[CDATA\[\*/|<!\[CDATA\[|//<!\[CDATA\[)|(-->|/\*\]\]>\*/|\]\]>|//\]\]>)\s*$`)
	trailCommaRE = regexp.MustCompile(`,\s*([}\]])`)
)

// parseJSONLD reads the JSON-LD scripts of a page. Malformed JSON-LD is
// common (HTML comment wrappers, trailing commas, raw newlines in strings):
// each script is retried once after those repairs, then skipped.
func parseJSONLD(scripts []string) ldInfo {
	var info ldInfo
	var objs []map[string]any
	for _, s := range scripts {
		if len(s) > 2<<20 {
			continue
		}
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			fixed := ldCommentRE.ReplaceAllString(strings.TrimSpace(s), "")
			fixed = trailCommaRE.ReplaceAllString(fixed, "$1")
			fixed = strings.NewReplacer("\n", " ", "\r", " ", "\t", " ").Replace(fixed)
			if err := json.Unmarshal([]byte(fixed), &v); err != nil {
				continue
			}
		}
		collectObjects(v, &objs, 0)
	}
	best, bestRank := map[string]any(nil), 0
	hasCollection := false
	for _, o := range objs {
		for _, t := range ldTypes(o) {
			lt := strings.ToLower(t)
			if r := articleTypes[lt]; r > bestRank {
				best, bestRank = o, r
			}
			switch lt {
			case "website":
				if info.siteName == "" {
					info.siteName = ldString(o["name"])
				}
			case "collectionpage", "itemlist", "searchresultspage":
				hasCollection = true
			case "organization", "newsmediaorganization":
				if info.publisher == "" {
					info.publisher = ldString(o["name"])
				}
			}
		}
	}
	if best == nil {
		info.isCollection = hasCollection
		return info
	}
	info.found = bestRank > 1
	info.isCollection = hasCollection && bestRank <= 1
	info.types = ldTypes(best)
	info.headline = firstNonEmpty(ldString(best["headline"]), ldString(best["name"]))
	info.description = ldString(best["description"])
	info.datePublished = firstNonEmpty(ldString(best["datePublished"]), ldString(best["dateCreated"]), ldString(best["uploadDate"]))
	info.dateModified = ldString(best["dateModified"])
	info.inLanguage = ldLang(best["inLanguage"])
	info.url = firstNonEmpty(ldURL(best["mainEntityOfPage"]), ldString(best["url"]))
	info.authors = ldNames(best["author"])
	if len(info.authors) == 0 {
		info.authors = ldNames(best["creator"])
	}
	if p := ldNames(best["publisher"]); len(p) > 0 {
		info.publisher = p[0]
	}
	info.images = ldURLs(best["image"])
	if len(info.images) == 0 {
		info.images = ldURLs(best["thumbnailUrl"])
	}
	info.notFree = isFalse(best["isAccessibleForFree"])
	for _, part := range asList(best["hasPart"]) {
		if m, ok := part.(map[string]any); ok && isFalse(m["isAccessibleForFree"]) {
			info.notFree = true
		}
	}
	info.articleBody = ldString(best["articleBody"])
	return info
}

// collectObjects flattens top-level arrays, @graph lists and
// mainEntity objects into objs.
func collectObjects(v any, objs *[]map[string]any, depth int) {
	if depth > 4 || len(*objs) > 256 {
		return
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			collectObjects(e, objs, depth+1)
		}
	case map[string]any:
		*objs = append(*objs, x)
		if g, ok := x["@graph"]; ok {
			collectObjects(g, objs, depth+1)
		}
		if m, ok := x["mainEntity"].(map[string]any); ok {
			collectObjects(m, objs, depth+1)
		}
	}
}

func ldTypes(o map[string]any) []string {
	var out []string
	for _, t := range asList(o["@type"]) {
		if s, ok := t.(string); ok {
			if i := strings.LastIndexAny(s, "/:"); i >= 0 {
				s = s[i+1:] // "http://schema.org/NewsArticle", "schema:NewsArticle"
			}
			out = append(out, s)
		}
	}
	return out
}

func asList(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	default:
		return []any{x}
	}
}

// ldString returns a string value (the first, for lists; @value of a
// value object).
func ldString(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case []any:
		for _, e := range x {
			if s := ldString(e); s != "" {
				return s
			}
		}
	case map[string]any:
		return ldString(x["@value"])
	case float64:
		return ""
	}
	return ""
}

func ldLang(v any) string {
	if m, ok := v.(map[string]any); ok {
		return firstNonEmpty(ldString(m["alternateName"]), ldString(m["name"]))
	}
	return ldString(v)
}

func ldURL(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case map[string]any:
		return firstNonEmpty(ldString(x["@id"]), ldString(x["url"]))
	case []any:
		for _, e := range x {
			if s := ldURL(e); s != "" {
				return s
			}
		}
	}
	return ""
}

func ldURLs(v any) []string {
	var out []string
	for _, e := range asList(v) {
		if s := ldURL(e); s != "" && len(out) < 8 {
			out = append(out, s)
		}
	}
	return out
}

// ldNames returns the names of a Person/Organization value: a string, an
// object with name, or a list of them. URLs are not names.
func ldNames(v any) []string {
	var out []string
	for _, e := range asList(v) {
		var s string
		switch x := e.(type) {
		case string:
			s = x
		case map[string]any:
			s = ldString(x["name"])
			if s == "" {
				s = strings.TrimSpace(ldString(x["givenName"]) + " " + ldString(x["familyName"]))
			}
		}
		s = strings.TrimSpace(s)
		if s != "" && !strings.Contains(s, "://") && len(s) < 120 && len(out) < 16 {
			out = append(out, s)
		}
	}
	return out
}

func isFalse(v any) bool {
	switch x := v.(type) {
	case bool:
		return !x
	case string:
		s := strings.ToLower(strings.TrimSpace(x))
		return s == "false" || s == "no" || s == "0" || strings.HasSuffix(s, "/false")
	}
	return false
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
