package enrich

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// merge resolves coreference between candidates and groups mentions into
// entities: short forms of people join their longest form ("Xi" -> "Xi
// Jinping"), acronyms join the organisation they were defined for, and a
// lone organisation word joins the one organisation it heads. Candidates
// that stay unresolved are dropped.
func (n *ner) merge() []Entity {
	n.coordinate()
	cands := n.cands
	toks := n.d.toks

	// People: every word of a multi-word name points to the longest name
	// that contains it; a word shared by two different people (Joe and
	// Hunter Biden) points to nobody.
	people := map[string]string{} // name -> canonical (longest containing form)
	var multi []string
	for _, c := range cands {
		if c.typ == Person && strings.Contains(c.name, " ") {
			multi = append(multi, c.name)
		}
	}
	sort.Slice(multi, func(i, j int) bool { return len(multi[i]) > len(multi[j]) })
	for _, m := range multi {
		if _, done := people[m]; done {
			continue
		}
		canon := m
		for _, longer := range multi {
			if len(longer) > len(m) && containsWords(longer, m) {
				canon = people[longer]
				break
			}
		}
		people[m] = canon
	}
	word := map[string]string{}
	for m, canon := range people {
		for _, w := range strings.Fields(m) {
			if n.nameParticleWord(w) || len(w) < 2 {
				continue
			}
			if old, ok := word[w]; ok && old != canon {
				word[w] = "" // ambiguous
				continue
			}
			word[w] = canon
		}
	}

	// Organisations: acronyms defined in brackets, and names by last word.
	acronym := map[string]string{}
	for i, c := range cands {
		if c.typ != Org || !strings.Contains(c.name, " ") {
			continue
		}
		if c.b+2 < len(toks) && toks[c.b].text == "(" && toks[c.b+2].text == ")" && toks[c.b+1].allCaps {
			acronym[toks[c.b+1].text] = n.orgCanon(cands[i])
		}
	}
	lastWord := map[string]string{}
	firstWord := map[string]string{} // "Ahold" -> "Ahold Delhaize"
	note := func(m map[string]string, w, canon string) {
		if old, ok := m[w]; ok && old != canon {
			m[w] = ""
			return
		}
		m[w] = canon
	}
	for _, c := range cands {
		if c.typ != Org {
			continue
		}
		canon := n.orgCanon(c)
		f := strings.Fields(c.name)
		if len(f) == 1 {
			continue
		}
		note(lastWord, f[len(f)-1], canon)
		if len(f) > 1 && !n.r.lists["org_words"][f[0]] && !n.commonWord(strings.ToLower(f[0])) {
			note(firstWord, f[0], canon)
		}
	}
	// initials of multi-word organisations: "Federal Trade Commission" ->
	// FTC, so that a later "the FTC" is the same organisation
	initials := map[string]string{}
	for _, c := range cands {
		if c.typ == Org && c.b-c.a >= 2 && n.r.orgs[c.name] == "" {
			if in := n.initials(c.a, c.b); len(in) >= 2 {
				note(initials, in, n.orgCanon(c))
			}
		}
	}
	orgNames := map[string]string{} // surface form -> canonical of every organisation
	for _, c := range cands {
		if c.typ == Org {
			orgNames[c.name] = n.orgCanon(c)
		}
	}
	// Countries named in the story choose between towns of the same name
	// (Valencia in a story about Spain is in Spain).
	countries := map[string]int{}
	for _, c := range cands {
		if c.typ == Place && c.code != "" && c.alts == "" {
			countries[c.code]++
		}
	}

	type agg struct {
		e     Entity
		first int
	}
	groups := map[string]*agg{}
	unknownTown := map[string]bool{}
	var order []string
	for _, c := range cands {
		typ, canon, code := c.typ, "", c.code
		single := !strings.Contains(c.name, " ")
		switch {
		case single && word[c.name] != "" && (c.typ == "" || c.typ == Person || (c.typ == Org && c.canon == "") || (c.typ == Place && c.kind != 'C' && c.kind != 'R')):
			// "Trump" counts toward Donald Trump even where a cue made
			// it look like an organisation ("Trump's chief of staff")
			typ, canon, code = Person, word[c.name], ""
		case c.typ == Person && !single:
			canon = people[c.name]
		case c.typ == Person:
			canon = c.name
		case acronym[c.name] != "" && (c.typ == "" || c.typ == Org):
			typ, canon = Org, acronym[c.name]
		case single && lastWord[c.name] != "" && lastWord[c.name] != c.name && (c.typ == "" || (c.typ == Org && n.r.orgs[c.name] == "")) && !n.commonWord(strings.ToLower(c.name)):
			// "Hynix" after "SK Hynix", "Lilly" after "Eli Lilly"
			typ, canon = Org, lastWord[c.name]
		case single && firstWord[c.name] != "" && firstWord[c.name] != c.name && (c.typ == "" || c.typ == Person || (c.typ == Org && n.r.orgs[c.name] == "")):
			// "Novo" after "Novo Nordisk"
			typ, canon = Org, firstWord[c.name]
		case c.typ == Org && c.b-c.a == 1 && toks[c.a].allCaps && initials[c.name] != "":
			// "FTC" after "Federal Trade Commission"
			typ, canon = Org, initials[c.name]
		case c.typ == Org:
			canon = n.orgCanon(c)
		case c.typ == "" && lastWord[c.name] != "" && n.r.lists["org_words"][c.name]:
			typ, canon = Org, lastWord[c.name]
		case c.typ == "" && orgNames[c.name] != "":
			// "Tesco" without a cue, after "shares of Tesco"
			typ, canon = Org, orgNames[c.name]
		case c.typ == Place:
			canon = c.name
			if c.canon != "" {
				canon = c.canon
			}
			if c.alts != "" {
				// switch from the biggest town only on clear evidence: one
				// mention of Canada does not move London
				for _, alt := range strings.Split(c.alts, ",") {
					if countries[alt] >= countries[code]+2 {
						code = alt
					}
				}
			}
		default:
			continue // unresolved
		}
		key := string(typ) + "\x00" + canon
		g, ok := groups[key]
		if !ok {
			g = &agg{e: Entity{Type: typ, Name: canon, CountryCode: code}, first: toks[c.a].start}
			groups[key] = g
			order = append(order, key)
		}
		if typ == Place && c.kind == 0 && c.canon == "" {
			unknownTown[canon] = true
		}
		if g.e.CountryCode == "" && code != "" && typ == Place {
			g.e.CountryCode = code
		}
		g.e.Count++
		g.e.Mentions = append(g.e.Mentions, Mention{Start: toks[c.a].start, End: toks[c.b-1].end})
	}
	// One name typed both as a person and as an organisation (cues differ
	// between mentions) is one entity: the type with more mentions wins,
	// the first mention's on a tie.
	byName := map[string]*agg{}
	kept := order[:0]
	for _, k := range order {
		g := groups[k]
		if g.e.Type == Place {
			kept = append(kept, k)
			continue
		}
		other, dup := byName[g.e.Name]
		if !dup {
			byName[g.e.Name] = g
			kept = append(kept, k)
			continue
		}
		if g.e.Count > other.e.Count || (g.e.Count == other.e.Count && g.first < other.first) {
			other.e.Type = g.e.Type
		}
		other.e.Mentions = append(other.e.Mentions, g.e.Mentions...)
		other.e.Count += g.e.Count
		other.first = min(other.first, g.first)
	}
	order = kept
	// A town no list knows ("in Quimper", "in nearby Kilburn") is most
	// likely in the country the story is about: the country most of its
	// places are in, when that is clear.
	if home := homeCountry(countries); home != "" {
		for _, k := range order {
			g := groups[k]
			if g.e.Type == Place && g.e.CountryCode == "" && !strings.Contains(g.e.Name, " ") && unknownTown[g.e.Name] {
				g.e.CountryCode = home
			}
		}
	}
	out := make([]Entity, 0, len(order))
	firsts := make(map[string]int, len(order))
	for _, k := range order {
		g := groups[k]
		sort.Slice(g.e.Mentions, func(i, j int) bool { return g.e.Mentions[i].Start < g.e.Mentions[j].Start })
		out = append(out, g.e)
		firsts[string(g.e.Type)+"\x00"+g.e.Name] = g.e.Mentions[0].Start
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return firsts[string(out[i].Type)+"\x00"+out[i].Name] < firsts[string(out[j].Type)+"\x00"+out[j].Name]
	})
	return out
}

// initials returns the first letters of the capitalised words of tokens
// [a, b): "Federal Trade Commission" -> "FTC", "Bank of England" -> "BE".
func (n *ner) initials(a, b int) string {
	var sb strings.Builder
	for k := a; k < b; k++ {
		t := &n.d.toks[k]
		if t.kind == tWord && t.upper {
			r, _ := utf8.DecodeRuneInString(t.text)
			sb.WriteRune(r)
		}
	}
	return sb.String()
}

// homeCountry returns the country with more than half of the mentions of
// places with one known country (and at least two), or "".
func homeCountry(countries map[string]int) string {
	total, best, bestN := 0, "", 0
	for c, k := range countries {
		total += k
		if k > bestN || (k == bestN && c < best) {
			best, bestN = c, k
		}
	}
	if bestN >= 2 && bestN*2 > total {
		return best
	}
	return ""
}

// orgCanon is the canonical name of an organisation candidate: the list
// name when the whole candidate (or the candidate without a legal suffix
// such as Inc) is a known organisation.
func (n *ner) orgCanon(c cand) string {
	if c.canon != "" {
		return c.canon
	}
	if canon, ok := n.r.orgs[c.name]; ok {
		return canon
	}
	// "Honeywell International Inc" -> the list's "Honeywell International"
	f := strings.Fields(c.name)
	for len(f) > 1 && n.r.lists["legal_suffixes"][strings.TrimSuffix(f[len(f)-1], ",")] {
		f = f[:len(f)-1]
		if canon, ok := n.r.orgs[strings.TrimSuffix(strings.Join(f, " "), ",")]; ok {
			return canon
		}
	}
	return c.name
}

func (n *ner) nameParticleWord(w string) bool {
	switch w {
	case "von", "van", "der", "den", "de", "da", "del", "della", "di", "du", "la", "le", "bin", "al":
		return true
	}
	return false
}

// containsWords reports whether every word of short appears in long.
func containsWords(long, short string) bool {
	lw := strings.Fields(long)
	for _, w := range strings.Fields(short) {
		found := false
		for _, x := range lw {
			if x == w {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// andWords join names in a list, in the languages with rules.
var andWords = map[string]bool{"and": true, "or": true, "y": true, "e": true, "et": true, "und": true, "o": true, "ou": true, "oder": true, "i": true, "en": false}

// coordinate gives an unresolved single name the type of a name it is
// listed with ("Lightspeed Venture Partners and Salesforce"), and a place
// without a country the country of a place it is listed with ("Hatay and
// Adana").
func (n *ner) coordinate() {
	byStart := make(map[int]int, len(n.cands))
	byEnd := make(map[int]int, len(n.cands))
	for i, c := range n.cands {
		byStart[c.a] = i
		byEnd[c.b] = i
	}
	toks := n.d.toks
	partner := func(c cand) (cand, bool) {
		if c.a >= 2 && (andWords[toks[c.a-1].lower] || toks[c.a-1].text == ",") {
			if j, ok := byEnd[c.a-1]; ok && n.cands[j].typ != "" {
				return n.cands[j], true
			}
		}
		if c.b+1 < len(toks) && andWords[toks[c.b].lower] {
			if j, ok := byStart[c.b+1]; ok && n.cands[j].typ != "" {
				return n.cands[j], true
			}
		}
		return cand{}, false
	}
	for i := range n.cands {
		c := &n.cands[i]
		switch {
		case c.typ == "" && c.b-c.a == 1 && !n.r.lists["org_words"][c.name]:
			if p, ok := partner(*c); ok && p.typ == Org {
				c.typ = Org
			}
		case c.typ == Place && c.code == "" && c.kind != 'R':
			if p, ok := partner(*c); ok && p.typ == Place && p.alts == "" {
				c.code = p.code
			}
		}
	}
}
