package enrich

// Named-entity recognition, written by hand for speed and control.
//
// Why not a library: the only pure-Go NER found, github.com/jdkato/prose/v2,
// runs about 10 articles/s (it compiles a regular expression per word) and
// its averaged-perceptron model confuses places and people in news text
// ("Vladimir" as a place). This recogniser works in one pass over the tokens
// and uses only embedded lists (data/), so it runs thousands of articles per
// second and every decision can be traced to a rule:
//
//  1. Candidates are runs of capitalised words in one sentence, which may
//     contain connectors (of, de, von der, &) between capitalised words.
//     Sentence-initial common words (The, However, Both) are trimmed.
//  2. Each run is labelled word by word: gazetteer names (places, orgs;
//     longest match first), titles (President, Minister), demonyms (Chinese,
//     Western), non-entity words (months, events), organisation words
//     (Ministry, University, Inc), place words (River, Province), unknown.
//  3. A run with an organisation word is an organisation ("Foreign
//     Ministry", "University of Oxford"). Otherwise titles, demonyms and
//     non-entity words split it; each remaining piece is a gazetteer entry,
//     a place (ends with a place word), a person (a title or a role such as
//     "spokesman" before it, a known first name, or two to four capitalised
//     words that are not all common words), an acronym organisation (NATO),
//     or a single word with a cue (a reporting verb after it: "Chen urged";
//     an age: "Xi, 69,"), else left unresolved.
//  4. Coreference: a single word that is part of a person found elsewhere
//     ("Putin", "Xi") counts toward that person, whose canonical name is the
//     longest form; acronyms defined as "Full Name (FN)" join their
//     organisation; a lone organisation word ("Ministry") joins the one
//     organisation it heads. Unresolved words are dropped, which keeps
//     capitalised ordinary words and words inside names from becoming places.
//
// English gets all rules. Other languages get gazetteer places and
// organisations (with inflected forms for languages that decline names),
// organisation words, and people with a title or a known first name; the
// "capitalised words are a person" default is off because, for example,
// German capitalises every noun.

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// label of one word inside a candidate run.
type label uint8

const (
	lUnknown label = iota
	lGaz           // part of a gazetteer match
	lTitle
	lDemonym
	lMisc
	lOrgWord
	lPlaceWord
	lConnector
)

// cand is one recognised mention before merging.
type cand struct {
	a, b  int // token range [a, b)
	typ   EntityType
	name  string // surface form, spaces normalised
	canon string // canonical name from a list ("" if none)
	code  string // country code for places
	kind  byte   // gazetteer kind for places
}

type ner struct {
	r    *resources
	d    *doc
	lang string
	en   bool
	// declines is true for languages whose place names take case endings.
	declines bool
	cands    []cand
	gazAt    map[int]gazHit // longest gazetteer match starting at a token
}

type gazHit struct {
	n    int // tokens
	org  string
	rec  placeRec
	name string
}

var declining = map[string]bool{"ru": true, "uk": true, "bg": true, "sr": true, "pl": true, "cs": true, "sk": true, "hr": true, "sl": true, "lt": true, "lv": true, "fi": true, "et": true, "hu": true, "tr": true, "ro": true}

// entities finds the named entities of d, a text in language lang.
func (r *resources) entities(d *doc, lang string) []Entity {
	n := &ner{r: r, d: d, lang: lang, en: lang == "en" || lang == "", declines: declining[lang], gazAt: map[int]gazHit{}}
	if n.en {
		n.lang = "en"
	}
	toks := d.toks
	for k := 0; k < len(toks); k++ {
		if !n.capWord(k) {
			continue
		}
		a, b := k, k+1
		for b < len(toks) {
			if toks[b].sent != toks[k].sent || toks[b].newline {
				break
			}
			if n.capWord(b) {
				b++
				continue
			}
			// up to two connectors between capitalised words
			c := 0
			for c < 2 && b+c < len(toks) && n.connector(b+c) {
				c++
			}
			if c > 0 && b+c < len(toks) && toks[b+c].sent == toks[k].sent && n.capWord(b+c) {
				b += c + 1
				continue
			}
			break
		}
		n.run(a, b)
		k = b - 1
	}
	return n.merge()
}

// capWord reports whether token k can be part of a name.
func (n *ner) capWord(k int) bool {
	t := &n.d.toks[k]
	if t.kind != tWord {
		return false
	}
	if t.upper {
		return true
	}
	// al-Assad, bin-Salman
	if i := strings.IndexAny(t.text, "-‑"); i > 0 && lowerParticles[t.lower[:i]] {
		r, _ := utf8.DecodeRuneInString(t.text[i+1:])
		return unicode.IsUpper(r)
	}
	return false
}

func (n *ner) connector(k int) bool {
	t := &n.d.toks[k]
	if t.kind == tPunct {
		return t.text == "&"
	}
	return t.kind == tWord && !t.upper && n.r.lists["org_connectors"][t.text]
}

// common reports whether token k is an ordinary word of the language
// (lexicon or stop word), judged on its lower-case form.
func (n *ner) common(k int) bool {
	t := &n.d.toks[k]
	if n.en {
		if _, ok := n.r.lexicon[t.lower]; ok {
			return true
		}
	}
	return n.r.isStop(n.lang, t.lower)
}

// gaz returns the longest gazetteer match starting at token k and ending at
// or before token end.
func (n *ner) gaz(k, end int) gazHit {
	if h, ok := n.gazAt[k]; ok && h.n <= end-k {
		return h
	}
	var best gazHit
	maxN := max(n.r.maxPlace, n.r.maxOrg)
	for l := min(maxN, end-k); l >= 1; l-- {
		s := n.d.span(k, k+l)
		if org, ok := n.r.orgs[s]; ok {
			best = gazHit{n: l, org: org, name: s}
			break
		}
		if p, ok := n.r.places[s]; ok && p.usableIn(n.lang) {
			best = gazHit{n: l, rec: p, name: s}
			break
		}
		if l == 1 {
			if name, ok := n.inflected(s); ok {
				best = gazHit{n: 1, rec: n.r.places[name], name: name}
			}
		}
	}
	if best.n == end-k || best.n > 0 {
		n.gazAt[k] = best
	}
	return best
}

// inflected maps a declined or suffixed place name to its base form:
// Москве -> Москва, Warszawie -> Warszawa, Ankara'da -> Ankara.
func (n *ner) inflected(s string) (string, bool) {
	if i := strings.IndexAny(s, "'’"); i > 0 {
		if p, ok := n.r.places[s[:i]]; ok && p.usableIn(n.lang) {
			return s[:i], true
		}
	}
	if !n.declines {
		return "", false
	}
	runes := []rune(s)
	for cut := 1; cut <= 2 && len(runes)-cut >= 4; cut++ {
		stem := string(runes[:len(runes)-cut])
		if name, ok := n.r.placeStems[stem]; ok && n.r.places[name].usableIn(n.lang) {
			return name, true
		}
		if p, ok := n.r.places[stem]; ok && p.usableIn(n.lang) && cut == 1 {
			return stem, true
		}
	}
	return "", false
}

// known reports whether token k starts something a list knows, so that it
// is not trimmed as a common sentence-initial word.
func (n *ner) known(k, end int) bool {
	t := &n.d.toks[k]
	if n.gaz(k, end).n > 0 {
		return true
	}
	l := n.r.lists
	return n.r.firstNames[t.text] || l["titles"][t.text] || l["demonyms"][t.text] || l["org_words"][t.text]
}

// run interprets the capitalised run [a, b).
func (n *ner) run(a, b int) {
	toks := n.d.toks
	// trim sentence-initial common words and stray connectors
	for a < b && (n.connector(a) || (toks[a].sentStart && n.common(a) && !n.known(a, b))) {
		a++
	}
	for b > a && n.connector(b-1) {
		b--
	}
	if a >= b {
		return
	}
	labels := make([]label, b-a)
	hits := make(map[int]gazHit)
	lists := n.r.lists
	for i := a; i < b; {
		if h := n.gaz(i, b); h.n > 0 {
			hits[i] = h
			for j := i; j < i+h.n; j++ {
				labels[j-a] = lGaz
			}
			i += h.n
			continue
		}
		t := toks[i].text
		switch {
		case n.connector(i):
			labels[i-a] = lConnector
		case lists["titles"][t]:
			labels[i-a] = lTitle
		case lists["demonyms"][t] || n.demonymLike(i, b):
			labels[i-a] = lDemonym
		case lists["misc"][t]:
			labels[i-a] = lMisc
		case lists["org_words"][t] || (i > a && lists["club_words"][t]):
			labels[i-a] = lOrgWord
		case lists["place_words"][t]:
			labels[i-a] = lPlaceWord
		}
		i++
	}
	// multi-word titles and misc entries (Prime Minister, World Cup)
	n.multiWord(a, b, labels)

	// An organisation word heads an organisation.
	if w := n.orgHead(a, b, labels); w >= 0 {
		s := a
		for s < w && (labels[s-a] == lDemonym || labels[s-a] == lMisc || labels[s-a] == lConnector) {
			s++
		}
		e := n.orgTail(w+1, a, b, labels)
		// Something before the organisation that is not part of it
		// (a person: "Tesla CEO Elon Musk" has no org word, but
		// "Oxford University professor" does): handle separately.
		if s > a {
			n.pieces(a, s, labels[:s-a], hits, false)
		}
		if e-s >= 2 || lists["org_single"][toks[s].text] {
			n.add(cand{a: s, b: e, typ: Org, name: n.name(s, e)})
		} else {
			n.add(cand{a: s, b: e, typ: "", name: n.name(s, e)}) // lone "Ministry": coreference only
		}
		if e < b {
			n.pieces(e, b, labels[e-a:], hits, false)
		}
		return
	}
	n.pieces(a, b, labels, hits, false)
}

// orgTail extends an organisation ending before e over "of ..." parts:
// "Ministry of Defence", "University of Oxford", "Ministry of Foreign
// Affairs". A title followed by unknown words ends it ("University of
// Oxford Professor John Smith").
func (n *ner) orgTail(e, a, b int, labels []label) int {
	for e+1 < b && labels[e-a] == lConnector {
		k := e + 1
		for k < b && labels[k-a] != lConnector && labels[k-a] != lDemonym && labels[k-a] != lMisc {
			k++
		}
		for t := e + 1; t < k; t++ {
			if labels[t-a] == lTitle && t+1 < k && labels[t+1-a] == lUnknown && !n.common(t+1) {
				k = t
				break
			}
		}
		if k == e+1 {
			break
		}
		e = k
	}
	return e
}

// multiWord relabels two-word titles and events written with a space.
func (n *ner) multiWord(a, b int, labels []label) {
	for i := a; i+1 < b; i++ {
		two := n.d.span(i, i+2)
		switch {
		case n.r.lists["titles"][two]:
			labels[i-a], labels[i+1-a] = lTitle, lTitle
		case n.r.lists["misc"][two]:
			labels[i-a], labels[i+1-a] = lMisc, lMisc
		}
	}
}

// orgHead returns the index of the last organisation word that heads an
// organisation in [a, b), or -1.
func (n *ner) orgHead(a, b int, labels []label) int {
	for i := b - 1; i >= a; i-- {
		if labels[i-a] != lOrgWord {
			continue
		}
		// an org word after a title and a name belongs to neither:
		// "Health Minister Jane Doe Foundation" is rare; keep it simple.
		if i == a && b-a == 1 {
			return i // lone word: resolved by coreference or org_single
		}
		return i
	}
	return -1
}

// demonymLike catches nationality adjectives missing from the list: a word
// ending like one (-ian, -ese, -ish, -ean) directly followed by a lower-case
// word, as in "Moldovan officials".
func (n *ner) demonymLike(i, b int) bool {
	if !n.en || i+1 != b || i+1 >= len(n.d.toks) {
		return false
	}
	t := n.d.toks[i].text
	next := n.d.toks[i+1]
	if next.kind != tWord || next.upper {
		return false
	}
	for _, suf := range []string{"ian", "ese", "ish", "ean", "iot"} {
		if strings.HasSuffix(t, suf) && len(t) > len(suf)+2 {
			return true
		}
	}
	return false
}

// pieces splits [a, b) at titles, demonyms and non-entity words and
// classifies each remaining piece. titled says a title precedes a.
func (n *ner) pieces(a, b int, labels []label, hits map[int]gazHit, titled bool) {
	i := a
	for i < b {
		l := labels[i-a]
		if l == lTitle {
			titled = true
			i++
			continue
		}
		if l == lDemonym || l == lMisc || l == lConnector {
			i++
			continue
		}
		j := i
		for j < b {
			lj := labels[j-a]
			if lj == lTitle || lj == lDemonym || lj == lMisc {
				break
			}
			if lj == lConnector && (j+1 >= b || labels[j+1-a] != lPlaceWord) && !n.nameParticle(j) {
				break
			}
			j++
		}
		n.piece(i, j, labels[i-a:j-a], hits, titled)
		titled = false
		i = j
	}
}

// nameParticle reports connectors that belong inside personal names
// (Ursula von der Leyen, Luiz Inácio Lula da Silva).
func (n *ner) nameParticle(k int) bool {
	switch n.d.toks[k].text {
	case "von", "van", "der", "den", "de", "da", "del", "della", "di", "du", "la", "le", "bin", "al":
		return true
	}
	return false
}

// piece classifies one piece [a, b) of a run that has no title, demonym or
// organisation word inside.
func (n *ner) piece(a, b int, labels []label, hits map[int]gazHit, titled bool) {
	toks := n.d.toks
	for b > a && labels[b-1-a] == lConnector {
		b--
	}
	if a >= b {
		return
	}
	size := b - a
	cueBefore := titled || n.titleCueBefore(a)
	// one gazetteer entry covering the piece
	if h, ok := hits[a]; ok && h.n == size {
		if h.org != "" {
			n.add(cand{a: a, b: b, typ: Org, name: n.name(a, b), canon: h.org})
			return
		}
		if cueBefore && h.rec.kind == 'T' && size == 1 {
			n.add(cand{a: a, b: b, typ: Person, name: n.name(a, b)})
			return
		}
		n.add(cand{a: a, b: b, typ: Place, name: n.name(a, b), canon: h.name, code: h.rec.code, kind: h.rec.kind})
		return
	}
	// place words: "Sichuan Province", "Lake Geneva", "Oxford Street"
	if size >= 2 && (labels[size-1] == lPlaceWord || labels[0] == lPlaceWord) {
		code := ""
		for k := a; k < b; k++ {
			if h, ok := hits[k]; ok && h.org == "" {
				code = h.rec.code
				break
			}
		}
		n.add(cand{a: a, b: b, typ: Place, name: n.name(a, b), code: code})
		return
	}
	first := toks[a].text
	if size >= 2 && (cueBefore || n.r.firstNames[first]) {
		n.add(cand{a: a, b: b, typ: Person, name: n.name(a, b)})
		return
	}
	if size >= 2 {
		// several gazetteer entries in a row ("Moscow Kiev") or a place
		// followed by unknown words ("China Daily")
		if hasGaz := labels[0] == lGaz; hasGaz {
			allGaz := true
			for _, l := range labels {
				if l != lGaz {
					allGaz = false
				}
			}
			if allGaz {
				for k := a; k < b; {
					h := hits[k]
					if h.n == 0 {
						break
					}
					n.piece(k, k+h.n, labels[k-a:k-a+h.n], hits, false)
					k += h.n
				}
				return
			}
			if n.en {
				n.add(cand{a: a, b: b, typ: Org, name: n.name(a, b)})
			}
			return
		}
		if !n.en {
			return
		}
		allCommon := true
		for k := a; k < b; k++ {
			if !n.common(k) || n.r.surnames[toks[k].text] {
				allCommon = false
			}
		}
		if allCommon || size > 4 {
			return
		}
		// a gazetteer word at the end: "Jane Washington"
		n.add(cand{a: a, b: b, typ: Person, name: n.name(a, b)})
		return
	}
	// single word
	t := &toks[a]
	switch {
	case labels[0] == lOrgWord:
		n.add(cand{a: a, b: b, name: t.text})
	case cueBefore && (n.en || n.r.firstNames[t.text] || n.r.surnames[t.text] || !n.common(a)):
		n.add(cand{a: a, b: b, typ: Person, name: t.text})
	case t.allCaps && utf8.RuneCountInString(strings.ReplaceAll(t.text, ".", "")) <= 6 && !n.common(a):
		n.add(cand{a: a, b: b, typ: Org, name: t.text})
	case !n.en:
		n.add(cand{a: a, b: b, name: t.text}) // coreference only
	case n.common(a) && !n.r.surnames[t.text]:
		// a capitalised ordinary word ("Winter", "State"): nothing
	case n.personCueAfter(b):
		n.add(cand{a: a, b: b, typ: Person, name: t.text})
	case n.placeCueBefore(a):
		n.add(cand{a: a, b: b, typ: Place, name: t.text})
	default:
		n.add(cand{a: a, b: b, name: t.text}) // unresolved: coreference only
	}
}

// titleCueBefore reports a role word right before token a ("spokesman Wang
// Wenbin", "counterpart, Dmytro Kuleba").
func (n *ner) titleCueBefore(a int) bool {
	toks := n.d.toks
	k := a - 1
	if k >= 0 && toks[k].text == "," {
		k--
	}
	if k < 0 || toks[k].kind != tWord || toks[k].sent != toks[a].sent {
		return false
	}
	return n.r.lists["title_cues"][toks[k].lower] && !toks[k].upper || (toks[k].upper && n.r.lists["titles"][toks[k].text])
}

// personCueAfter reports a reporting verb or an age right after token b-1:
// "Chen urged", "Xi, 69, said", "Smith (45)".
func (n *ner) personCueAfter(b int) bool {
	toks := n.d.toks
	if b >= len(toks) {
		return false
	}
	t := toks[b]
	if t.kind == tWord && n.r.lists["person_verbs"][t.lower] {
		return true
	}
	if (t.text == "," || t.text == "(") && b+2 < len(toks) && toks[b+1].kind == tNum && len(toks[b+1].text) <= 3 && (toks[b+2].text == "," || toks[b+2].text == ")") {
		return true
	}
	return false
}

// placeCueBefore reports a place preposition before token a ("in Bucha").
func (n *ner) placeCueBefore(a int) bool {
	if a == 0 || n.d.toks[a].sentStart {
		return false
	}
	p := n.d.toks[a-1]
	return p.kind == tWord && !p.upper && n.r.lists["place_preps"][p.text]
}

// name returns the surface form of tokens [a, b) with single spaces.
func (n *ner) name(a, b int) string {
	s := n.d.span(a, b)
	if !strings.ContainsAny(s, "\n\t\r  ") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

func (n *ner) add(c cand) { n.cands = append(n.cands, c) }
