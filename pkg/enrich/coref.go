package enrich

import (
	"sort"
	"strings"
)

// merge resolves coreference between candidates and groups mentions into
// entities: short forms of people join their longest form ("Xi" -> "Xi
// Jinping"), acronyms join the organisation they were defined for, and a
// lone organisation word joins the one organisation it heads. Candidates
// that stay unresolved are dropped.
func (n *ner) merge() []Entity {
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
	for _, c := range cands {
		if c.typ != Org {
			continue
		}
		canon := n.orgCanon(c)
		f := strings.Fields(c.name)
		lw := f[len(f)-1]
		if old, ok := lastWord[lw]; ok && old != canon {
			lastWord[lw] = ""
			continue
		}
		lastWord[lw] = canon
	}

	type agg struct {
		e     Entity
		first int
	}
	groups := map[string]*agg{}
	var order []string
	for _, c := range cands {
		typ, canon, code := c.typ, "", c.code
		single := !strings.Contains(c.name, " ")
		switch {
		case single && word[c.name] != "" && (c.typ == "" || c.typ == Person || (c.typ == Place && c.kind != 'C' && c.kind != 'R')):
			typ, canon, code = Person, word[c.name], ""
		case c.typ == Person && !single:
			canon = people[c.name]
		case c.typ == Person:
			canon = c.name
		case acronym[c.name] != "" && (c.typ == "" || c.typ == Org):
			typ, canon = Org, acronym[c.name]
		case c.typ == Org:
			canon = n.orgCanon(c)
		case c.typ == "" && lastWord[c.name] != "" && n.r.lists["org_words"][c.name]:
			typ, canon = Org, lastWord[c.name]
		case c.typ == Place:
			canon = c.name
			if c.canon != "" {
				canon = c.canon
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
		if g.e.CountryCode == "" && code != "" && typ == Place {
			g.e.CountryCode = code
		}
		g.e.Count++
		g.e.Mentions = append(g.e.Mentions, Mention{Start: toks[c.a].start, End: toks[c.b-1].end})
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
