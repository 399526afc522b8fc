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
//     contain connectors (of, de, von der, &, bin) between capitalised
//     words, "and" before the rest of an organisation's name ("Competition
//     and Markets Authority"), a possessive before an organisation word
//     ("Addenbrooke's Hospital") and a lower-case legal form ("plc").
//     Sentence-initial common words (The, However, Both) are trimmed unless
//     they start a name ("West Midlands Police", "Blue Origin").
//  2. Each run is labelled word by word: gazetteer names (places, orgs;
//     longest match first), titles (President, Director-General), demonyms
//     (Chinese, Western), non-entity words (months), organisation words
//     (Ministry, University, Inc, Theatre), place words (River, Province),
//     unknown. A run ending in an event, law or prize word (Marathon, Act,
//     Prize) keeps only the places and organisations inside it.
//  3. A run with an organisation word is an organisation ("Foreign
//     Ministry", "University of Oxford"). Otherwise titles, demonyms and
//     non-entity words split it; each remaining piece is a gazetteer entry,
//     a place (a place word, or a place context: "in Perry Barr"), or typed
//     from cues and from its own words:
//     - organisation cues: a noun before it ("rival Carrefour", "drugmaker
//     Novo Nordisk", German "Konkurrent BMW"), a word after it ("Brentford
//     coach", "Tesco's shares", "X said in a statement"), an employer
//     after a role ("an analyst at Shore Capital", "shares of Tesco"), an
//     apposition (", a Paris-based start-up", ", which ..."), a score or a
//     verb of play around a town ("beating Toulouse 24-22": the club);
//     - person cues: a title or role before it, ", who", a reporting verb
//     or an age after it, a known first name (census and faker lists);
//     - its words: people's names do not start or end with an acronym
//     ("SK Hynix", "Itau BBA"), end in a country ("Sky Italia") or in an
//     ordinary noun without a first name ("App Store"), nor follow "the"
//     ("the Frick Collection"); two to four other capitalised words that
//     are not all common words are a person.
//  4. Coreference: a single word that is part of a person found elsewhere
//     ("Putin", "Xi") counts toward that person, whose canonical name is the
//     longest form; acronyms defined as "Full Name (FN)" or matching the
//     initials of an organisation in the story ("FTC") join it; the first
//     or last word of an organisation ("Novo", "Hynix") and a lone
//     organisation word ("Ministry") join it; a name typed as a person in
//     some mentions and an organisation in others takes the majority type.
//     Unresolved words are dropped, which keeps capitalised ordinary words
//     and words inside names from becoming places. A town no list knows
//     takes the country most of the story's places are in.
//
// English gets all rules. French, Spanish, Italian, Portuguese, Catalan,
// Romanian and Dutch capitalise names but not nouns, so they also get the
// cue rules and places after their own prepositions ("à Quimper"), but a
// person needs a known first name or a title. German capitalises every
// noun: it gets gazetteer places and organisations, organisation words and
// compounds (Finanzministerium), acronym-led names (IG Metall) and people
// with a title or a known first name. Declining languages (Russian, Polish,
// ...) also match inflected place names.

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
	alts  string // other possible country codes of a town ("ES")
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
		b := n.extend(k)
		n.run(k, b)
		k = b - 1
	}
	return n.merge()
}

// extend returns the end of the capitalised run starting at token k.
func (n *ner) extend(k int) int {
	toks := n.d.toks
	sent := toks[k].sent
	b := k + 1
	// a known name may contain lower-case words ("Food and Drug
	// Administration", "Centers for Disease Control and Prevention")
	if h := n.gaz(k, min(len(toks), k+max(n.r.maxPlace, n.r.maxOrg))); h.n > 1 && toks[k+h.n-1].sent == sent {
		b = k + h.n
	}
	orgOf := false // an organisation word followed by "of"/"for" so far
	for b < len(toks) {
		if toks[b].sent != sent || toks[b].newline {
			break
		}
		if n.capWord(b) {
			if h := n.gaz(b, min(len(toks), b+max(n.r.maxPlace, n.r.maxOrg))); h.n > 1 && toks[b+h.n-1].sent == sent {
				b += h.n
				continue
			}
			b++
			continue
		}
		// initials: "P. Veeramuthuvel", "George W. Bush"
		if toks[b].text == "." && toks[b].bstart == toks[b-1].bend && utf8.RuneCountInString(strings.ReplaceAll(toks[b-1].text, ".", "")) <= 2 && toks[b-1].upper && b+1 < len(toks) && toks[b+1].sent == sent && n.capWord(b+1) {
			b += 2
			continue
		}
		if toks[b].kind == tPoss && b+1 < len(toks) && toks[b+1].sent == sent && n.capWord(b+1) && n.r.lists["org_words"][toks[b+1].text] && n.gaz(k, b).n == 0 && !n.firstName(toks[b-1].text) {
			b += 2 // "Addenbrooke's Hospital", "Alzheimer's Research UK"
			continue
		}
		if n.r.lists["legal_suffixes"][toks[b].text] && !toks[b].upper {
			b++ // "Marks & Spencer Group plc"
			continue
		}
		if t := toks[b].text; (t == "of" || t == "for") && !orgOf {
			for i := k; i < b; i++ {
				if n.r.lists["org_words"][toks[i].text] {
					orgOf = true
				}
			}
		}
		// up to two connectors between capitalised words; "and" only
		// inside "Association of School and College Leaders" or before
		// the rest of an organisation's name ("Competition and Markets
		// Authority", "Avon and Somerset Police")
		c := 0
		for c < 2 && b+c < len(toks) && (n.connector(b+c) || (toks[b+c].text == "and" && (orgOf || n.andJoinsOrg(k, b+c)))) {
			c++
		}
		if c > 0 && b+c < len(toks) && toks[b+c].sent == sent && n.capWord(b+c) {
			b += c + 1
			continue
		}
		break
	}
	return b
}

// andJoinsOrg reports whether the "and" at token and joins the capitalised
// words [k, and) to the organisation named after it: the words after it
// end with an organisation word, and those before are no organisation
// and no known name of their own ("Khosla Ventures and Comcast Ventures",
// "Google and Microsoft Research" stay two).
func (n *ner) andJoinsOrg(k, and int) bool {
	toks := n.d.toks
	if and-k > 3 || and-k < 1 {
		return false
	}
	for i := k; i < and; i++ {
		if !n.capWord(i) || n.r.lists["org_words"][toks[i].text] || n.r.lists["legal_suffixes"][toks[i].text] {
			return false
		}
		if h := n.gaz(i, and); h.org != "" || (h.n > 0 && h.rec.kind == 'C') {
			return false
		}
	}
	if n.firstName(toks[k].text) {
		return false
	}
	last := -1
	for j := and + 1; j < len(toks) && j < and+6 && toks[j].sent == toks[and].sent; j++ {
		if n.capWord(j) {
			last = j
			continue
		}
		if !n.connector(j) {
			break
		}
	}
	return last > and && n.r.lists["org_words"][toks[last].text]
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
	return n.commonWord(n.d.toks[k].lower)
}

func (n *ner) commonWord(lower string) bool {
	if n.en {
		if _, ok := n.r.lexicon[lower]; ok {
			return true
		}
	}
	return n.r.isStop(n.lang, lower)
}

// firstName reports whether s is a known first name, also without accents
// (Éric -> Eric).
func (n *ner) firstName(s string) bool {
	if n.r.firstNames[s] {
		return true
	}
	if f := foldLatin(s); f != s {
		return n.r.firstNames[f]
	}
	return false
}

// gaz returns the longest gazetteer match starting at token k and ending at
// or before token end.
func (n *ner) gaz(k, end int) gazHit {
	if h, ok := n.gazAt[k]; ok && h.n <= end-k {
		return h
	}
	var best gazHit
	maxN := 1
	if m, ok := n.r.gazFirst[n.d.toks[k].text]; ok {
		maxN = int(m)
	}
	for l := min(maxN, end-k); l >= 1; l-- {
		if n.d.toks[k+l-1].kind != tWord {
			continue
		}
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
	if best.n > 0 {
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
	return n.firstName(t.text) || l["titles"][t.text] || l["demonyms"][t.text] || l["org_words"][t.text]
}

// dateline handles an all-capital place at the start of a paragraph
// followed by a news agency or a dash: "WASHINGTON (Reuters) -", "SAN
// FRANCISCO -". It reports whether [a, b) was such a place.
func (n *ner) dateline(a, b int) bool {
	toks := n.d.toks
	if !(a == 0 || toks[a].newline) || b >= len(toks) {
		return false
	}
	switch toks[b].text {
	case "(", "-", "–", "—", ",":
	default:
		return false
	}
	words := make([]string, 0, b-a)
	for i := a; i < b; i++ {
		if !toks[i].allCaps && !(toks[i].kind == tPunct) {
			return false
		}
		words = append(words, titleWord(toks[i].lower))
	}
	name := strings.Join(words, " ")
	p, ok := n.r.places[name]
	if !ok || !p.usableIn(n.lang) {
		return false
	}
	n.add(cand{a: a, b: b, typ: Place, name: name, canon: name, code: p.code, alts: p.alts, kind: p.kind})
	return true
}

// titleWord capitalises the first letter of a lower-case word.
func titleWord(w string) string {
	r, size := utf8.DecodeRuneInString(w)
	return string(unicode.ToUpper(r)) + w[size:]
}

// namesStart reports a sentence-initial adjective that begins the name of
// an organisation or place ("West Midlands Police said", "National Grid
// plc", "Royal Free Hospital"): the run goes on with capitalised words and
// ends in an organisation or place word.
func (n *ner) namesStart(a, b int) bool {
	c, ok := n.r.lexicon[n.d.toks[a].lower]
	if b-a == 2 && ok && (c == 'N' || c == 'J') && !n.r.isStop(n.lang, n.d.toks[a].lower) {
		// "Blue Origin", "Red Bull": an ordinary word before a word no
		// list knows
		t := &n.d.toks[a+1]
		return t.kind == tWord && !n.common(a+1) && n.gaz(a+1, b).n == 0 && !n.firstName(t.text)
	}
	if b-a < 3 {
		return false
	}
	if !ok || (c != 'J' && !compass[n.d.toks[a].text]) {
		return false
	}
	last := n.d.toks[b-1].text
	return n.r.lists["org_words"][last] || n.r.lists["legal_suffixes"][last] || n.r.lists["place_words"][last]
}

var compass = map[string]bool{"North": true, "South": true, "East": true, "West": true, "Central": true, "Upper": true, "Lower": true}

// run interprets the capitalised run [a, b).
func (n *ner) run(a, b int) {
	toks := n.d.toks
	// trim sentence-initial common words and stray connectors
	for a < b && (n.connector(a) || (toks[a].sentStart && !toks[a].allCaps && n.common(a) && !n.known(a, b) && !n.namesStart(a, b))) {
		a++
	}
	for b > a && n.connector(b-1) {
		b--
	}
	if a >= b {
		return
	}
	if n.dateline(a, b) {
		return
	}
	// "The U.S. Senate", "The Hollywood Reporter": the article is not part
	// of a name that starts with a known one
	if b-a >= 2 && toks[a].lower == "the" && n.gaz(a, b).n == 0 && n.gaz(a+1, b).n > 0 {
		a++
	}
	labels := make([]label, b-a)
	hits := make(map[int]gazHit)
	lists := n.r.lists
	for i := a; i < b; {
		if toks[i].kind != tWord {
			labels[i-a] = lConnector
			if toks[i].text == "." && i > a && labels[i-1-a] == lUnknown {
				labels[i-a] = lUnknown // the dot of an initial: "P. Veeramuthuvel"
			}
			i++
			continue
		}
		if h := n.gaz(i, b); h.n > 0 {
			hits[i] = h
			for j := i; j < i+h.n; j++ {
				labels[j-a] = lGaz
			}
			i += h.n
			continue
		}
		t := toks[i].text
		prevName := i > a && labels[i-1-a] == lUnknown
		switch {
		case n.connector(i) || toks[i].text == "and":
			labels[i-a] = lConnector
		case (lists["titles"][t] || n.hyphenTitle(t)) && !(prevName && n.firstName(toks[i-1].text)):
			labels[i-a] = lTitle
		case lists["demonyms"][t] || n.demonymLike(i, b):
			labels[i-a] = lDemonym
		case lists["misc"][t] && !(prevName && (n.firstName(toks[i-1].text) || toks[i].allCaps)) && !(n.firstName(t) && i+1 < b && n.capWord(i+1) && !lists["misc"][toks[i+1].text] && !n.common(i+1)):
			// "Christian Bruch" keeps its first name
			// "Theresa May" and "Mistral AI" keep their last word
			labels[i-a] = lMisc
		case lists["org_words"][t] || (i > a && lists["club_words"][t]):
			labels[i-a] = lOrgWord
		case lists["place_words"][t] && i > a, lists["place_prefixes"][t] && i+1 < b:
			labels[i-a] = lPlaceWord
		}
		i++
	}
	n.multiWord(a, b, labels)
	// a nationality word before a place word names the place: "Indian
	// Ocean", "Persian Gulf", "Arabian Sea"
	for i := a; i+1 < b; i++ {
		if labels[i-a] == lDemonym && labels[i+1-a] == lPlaceWord {
			labels[i-a] = lUnknown
		}
	}

	// Only nationality words, yet named with an organisation's cue:
	// "Bavarian Nordic, the Danish drugmaker".
	if b-a >= 2 && labels[0] == lDemonym && labels[b-1-a] == lDemonym {
		all := true
		for _, l := range labels {
			all = all && (l == lDemonym || l == lConnector)
		}
		if all && (n.apposition(b) == Org || n.orgCueBefore(a) || n.orgCueAfter(b) || n.statementCue(b) || n.affiliation(a)) {
			n.add(cand{a: a, b: b, typ: Org, name: n.name(a, b)})
			return
		}
	}

	// An event (Berlin Marathon, ATP Finals, Cannes Film Festival) keeps
	// only the places, organisations and acronyms inside it.
	if last := toks[b-1].text; lists["events"][last] && labels[b-1-a] != lGaz && b-a >= 2 {
		for i := a; i < b-1; i++ {
			switch {
			case labels[i-a] == lGaz && hits[i].n > 0:
				h := hits[i]
				n.addGaz(i, i+h.n, h)
			case labels[i-a] == lUnknown && toks[i].allCaps && !n.common(i):
				n.add(cand{a: i, b: i + 1, typ: Org, name: toks[i].text})
			}
		}
		return
	}

	// An organisation word heads an organisation.
	if w := n.orgHead(a, b, labels); w >= 0 {
		s := n.orgStart(a, w, labels)
		e := n.orgTail(w+1, a, b, labels)
		if s > a {
			n.pieces(a, s, labels[:s-a], hits, false)
		}
		n.addOrg(s, e, labels[s-a:e-a], hits)
		if e < b {
			n.pieces(e, b, labels[e-a:], hits, false)
		}
		return
	}
	n.pieces(a, b, labels, hits, false)
}

// orgStart finds where the organisation headed by token w begins: after
// leading non-entity words, and after "of"/"at" when what comes before is
// a person ("Sarah Whitfield of University College London").
func (n *ner) orgStart(a, w int, labels []label) int {
	s := a
	for s < w && (labels[s-a] == lMisc || labels[s-a] == lConnector) {
		s++
	}
	for i := w - 1; i > s; i-- {
		if labels[i-a] != lConnector || (n.d.toks[i].text != "of" && n.d.toks[i].text != "at") {
			continue
		}
		left := labels[s-a : i-a]
		hasName := false
		for _, l := range left {
			if l == lOrgWord {
				return s
			}
			if l == lUnknown {
				hasName = true
			}
		}
		if hasName {
			return i + 1
		}
		return s
	}
	return s
}

// addOrg adds the organisation [s, e). A known country in front of a known
// organisation is split off ("U.S. Senate" -> U.S. + Senate).
func (n *ner) addOrg(s, e int, labels []label, hits map[int]gazHit) {
	if h, ok := hits[s]; ok && h.org == "" && h.rec.kind == 'C' && s+h.n < e {
		if canon, ok := n.r.orgs[n.d.span(s+h.n, e)]; ok {
			n.addGaz(s, s+h.n, h)
			n.add(cand{a: s + h.n, b: e, typ: Org, name: n.name(s+h.n, e), canon: canon})
			return
		}
		// an abbreviated country before an organisation is a place of
		// its own ("U.S. Commerce Department"); a full name is part of
		// the organisation's name ("Japan Aerospace Exploration Agency")
		if h.n == 1 && n.d.toks[s].allCaps && e-s-h.n >= 2 {
			n.addGaz(s, s+1, h)
			n.add(cand{a: s + 1, b: e, typ: Org, name: n.name(s+1, e)})
			return
		}
	}
	if e-s >= 2 || n.r.lists["org_single"][n.d.toks[s].text] {
		n.add(cand{a: s, b: e, typ: Org, name: n.name(s, e)})
		return
	}
	n.add(cand{a: s, b: e, name: n.name(s, e)}) // lone "Ministry": coreference only
}

// orgTail extends an organisation whose head ends before e: over names
// right after the head ("University College London") and over "of ..."
// parts ("Ministry of Defence", "Ministry of Foreign Affairs"). A title
// followed by a name ends it ("University of Oxford Professor John Smith").
func (n *ner) orgTail(e, a, b int, labels []label) int {
	for e < b && (labels[e-a] == lGaz || labels[e-a] == lUnknown || labels[e-a] == lOrgWord) {
		e++
	}
	for e+1 < b && labels[e-a] == lConnector {
		k := e + 1
		for k < b && labels[k-a] != lConnector && labels[k-a] != lMisc {
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

// hyphenTitle reports titles joined by a hyphen: Director-General,
// Vice-Chancellor, Attorney-General.
func (n *ner) hyphenTitle(t string) bool {
	l, r, ok := strings.Cut(t, "-")
	return ok && n.r.lists["titles"][l] && n.r.lists["titles"][r]
}

// multiWord relabels two-word titles and events written with a space.
func (n *ner) multiWord(a, b int, labels []label) {
	for i := a; i+1 < b; i++ {
		if labels[i-a] == lGaz || labels[i+1-a] == lGaz {
			continue
		}
		two := n.d.span(i, i+2)
		switch {
		case n.r.lists["titles"][two]:
			labels[i-a], labels[i+1-a] = lTitle, lTitle
		case n.r.lists["misc"][two]:
			labels[i-a], labels[i+1-a] = lMisc, lMisc
		}
	}
}

// orgHead returns the index of the last organisation word in [a, b), or -1.
func (n *ner) orgHead(a, b int, labels []label) int {
	for i := b - 1; i >= a; i-- {
		if labels[i-a] == lOrgWord {
			return i
		}
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
	prevPerson := false
	for i < b {
		l := labels[i-a]
		if l == lTitle {
			titled = true
			i++
			continue
		}
		if l == lDemonym || l == lMisc || l == lConnector {
			affil := l == lConnector && prevPerson && (n.d.toks[i].text == "of" || n.d.toks[i].text == "at")
			i++
			if affil && i < b && labels[i-a] != lConnector {
				j := i
				for j < b && labels[j-a] != lConnector && labels[j-a] != lTitle && labels[j-a] != lDemonym && labels[j-a] != lMisc {
					j++
				}
				// "Stacy Rasgon of Bernstein": an unknown name after a
				// person and "of" is where the person works.
				if h, ok := hits[i]; !ok || (h.org == "" && h.n != j-i) {
					n.add(cand{a: i, b: j, typ: Org, name: n.name(i, j)})
					i, prevPerson = j, false
					continue
				}
			}
			continue
		}
		j := i
		for j < b {
			lj := labels[j-a]
			if lj == lTitle || lj == lDemonym || lj == lMisc {
				break
			}
			if lj == lConnector && (j+1 >= b || labels[j+1-a] != lPlaceWord) && (!n.nameParticle(j) || j+1 >= b || labels[j+1-a] == lGaz || labels[j-1-a] == lGaz) {
				break
			}
			j++
		}
		before := len(n.cands)
		n.piece(i, j, labels[i-a:j-a], hits, titled)
		prevPerson = len(n.cands) > before && n.cands[len(n.cands)-1].typ == Person
		titled = false
		i = j
	}
}

// nameParticle reports connectors that belong inside personal names
// (Ursula von der Leyen, Luiz Inácio Lula da Silva).
func (n *ner) nameParticle(k int) bool {
	return isParticle(n.d.toks[k].text)
}

func isParticle(w string) bool {
	switch w {
	case "von", "van", "der", "den", "de", "da", "del", "della", "di", "du", "la", "le", "bin", "al", "dos", "das":
		return true
	}
	return false
}

// articles that start place names but never personal names.
var articles = map[string]bool{"The": true, "El": true, "La": true, "Le": true, "Los": true, "Las": true, "Les": true, "Il": true, "Al": true}

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
	// A capitalised role before the name ("Co-author Brice-Olivier
	// Demory", "Shopkeeper Tariq Mahmood" at the start of a sentence).
	if b-a >= 2 && labels[0] == lUnknown && n.roleCap(a) && labels[1] == lUnknown && !n.common(a+1) {
		a, labels, titled = a+1, labels[1:], true
	}
	// A capitalised organisation noun before the name: German
	// "Konkurrent BMW", "Gewerkschaft Verdi"; "Rival Carrefour" at the
	// start of a sentence.
	forcedOrg := false
	if b-a >= 2 && labels[0] == lUnknown && n.orgCueWord(a) {
		a, labels, forcedOrg = a+1, labels[1:], true
	}
	// words before a first name are roles the lists lack ("Councillor
	// Helen Hayden", German "Finanzminister Lars Klingbeil"), or a place
	// ("России Владимир Путин" after a title)
	for p := a + 1; p < b-1 && p < a+3; p++ {
		if n.firstName(toks[p].text) && labels[p-a] == lUnknown {
			strip, gazOnly := true, true
			for k := a; k < p; k++ {
				if labels[k-a] != lGaz {
					gazOnly = false
				}
				if labels[k-a] != lUnknown || (n.en && !n.common(k) && !roleWord(toks[k].text) && !n.r.lists["title_cues"][toks[k].lower]) || n.firstName(toks[k].text) {
					strip = false
				}
			}
			if gazOnly && !(hits[a].n == b-a) {
				for k := a; k < p; {
					h := hits[k]
					if h.n == 0 {
						break
					}
					n.addGaz(k, k+h.n, h)
					k += h.n
				}
				strip = true
			}
			if strip {
				labels, a = labels[p-a:], p
				titled = titled || !gazOnly
			}
			break
		}
	}
	size := b - a
	cueBefore := titled || n.titleCueBefore(a)
	orgCue := forcedOrg || n.orgCueBefore(a) || n.orgCueAfter(b)
	app := n.apposition(b)
	h, whole := hits[a]
	whole = whole && h.n == size
	switch {
	case whole && h.org != "":
		n.addGaz(a, b, h)
		return
	case whole && (h.rec.kind == 'C' || h.rec.kind == 'S' || h.rec.kind == 'R'):
		n.addGaz(a, b, h)
		return
	case whole && (orgCue || n.teamCue(a, b)) && !cueBefore:
		// a town named for its club: "Brentford coach", "beating Toulouse 24-22"
		n.add(cand{a: a, b: b, typ: Org, name: n.name(a, b)})
		return
	case whole && cueBefore && size == 1:
		n.add(cand{a: a, b: b, typ: Person, name: n.name(a, b)})
		return
	case whole:
		n.addGaz(a, b, h)
		return
	}
	// place words: "Sichuan Province", "Oxford Street", "Lake Geneva"
	if size >= 2 && (labels[size-1] == lPlaceWord || labels[0] == lPlaceWord) {
		code := ""
		for k := a; k < b; k++ {
			if h, ok := hits[k]; ok && h.org == "" {
				code = h.rec.code
				break
			}
		}
		if code == "" {
			code = n.codeAfter(b)
		}
		n.add(cand{a: a, b: b, typ: Place, name: n.name(a, b), code: code})
		return
	}
	// Not on the lists: typed from cues and from the words themselves.
	orgCue = orgCue || app == Org || n.affiliation(a) || n.statementCue(b)
	if articles[toks[a].text] && size >= 2 {
		// "The Oval", "El Granado": a place or an organisation, never a person
		switch {
		case n.placeCueBefore(a):
			n.add(cand{a: a, b: b, typ: Place, name: n.name(a, b), code: n.codeAfter(b)})
		case orgCue || !n.en:
			n.add(cand{a: a, b: b, typ: Org, name: n.name(a, b)})
		}
		return
	}
	if size >= 2 {
		n.multiPiece(a, b, labels, hits, cueBefore, orgCue, app)
		return
	}
	// single word
	t := &toks[a]
	common := n.common(a)
	switch {
	case labels[0] == lOrgWord:
		n.add(cand{a: a, b: b, name: t.text})
	case n.acronymBeforeNumber(a, b):
		// "FTSE 100", "F-35": an index or a product
	case orgCue && !cueBefore:
		n.add(cand{a: a, b: b, typ: Org, name: t.text})
	case cueBefore && (n.en || n.firstName(t.text) || n.r.surnames[t.text] || !common):
		n.add(cand{a: a, b: b, typ: Person, name: t.text})
	case app != "" && (!common || app == Org):
		n.add(cand{a: a, b: b, typ: app, name: t.text})
	case t.allCaps && utf8.RuneCountInString(strings.ReplaceAll(t.text, ".", "")) <= 6 && !common:
		n.add(cand{a: a, b: b, typ: Org, name: t.text})
	case n.compoundOrg(a):
		n.add(cand{a: a, b: b, typ: Org, name: t.text})
	case n.romance() && !common && n.placeCueBefore(a) && !n.firstName(t.text):
		n.add(cand{a: a, b: b, typ: Place, name: t.text, code: n.codeAfter(b)})
	case !n.en:
		n.add(cand{a: a, b: b, name: t.text}) // coreference only
	case common && !n.r.surnames[t.text]:
		// a capitalised ordinary word ("Winter", "State"): nothing
	case n.personCueAfter(b):
		n.add(cand{a: a, b: b, typ: Person, name: t.text})
	case n.placeCueBefore(a):
		n.add(cand{a: a, b: b, typ: Place, name: t.text, code: n.codeAfter(b)})
	default:
		n.add(cand{a: a, b: b, name: t.text}) // unresolved: coreference only
	}
}

// multiPiece classifies a piece of two or more words that no list knows
// as a whole: a person, an organisation, a place or nothing.
func (n *ner) multiPiece(a, b int, labels []label, hits map[int]gazHit, cueBefore, orgCue bool, app EntityType) {
	toks := n.d.toks
	size := b - a
	first, last := &toks[a], &toks[b-1]
	firstName := n.firstName(first.text)
	surname := n.r.surnames[last.text] || n.r.surnames[foldLatin(last.text)]
	// A person's name ends in a name, not in an ordinary noun ("Pearl
	// Earring", "App Store"); it does not start with an acronym ("SK
	// Hynix"), and "the" does not stand before it ("the Frick
	// Collection").
	nounHead := n.en && !surname && !firstName && n.lexNoun(last.lower)
	acronym := first.allCaps && !strings.Contains(first.text, ".") && (utf8.RuneCountInString(first.text) >= 3 || !surname)
	lastAcronym := last.allCaps && !strings.Contains(last.text, ".") && !romanNumeral(last.text)
	the := a > 0 && toks[a-1].lower == "the" && toks[a-1].sent == first.sent
	personish := !nounHead && !acronym && !the && !lastAcronym
	// an organisation noun right before the name beats a first name:
	// "drugmaker Novo Nordisk"
	strongOrg := n.orgCueBefore(a) && a > 0 && toks[a-1].kind == tWord && !toks[a-1].upper
	// "in Perry Barr", "across East Anglia": people are seldom "in"
	in := a > 0 && toks[a-1].lower == "in" && (b >= len(toks) || toks[b].kind != tPoss) && !n.personCueAfter(b)
	switch {
	case orgCue && !cueBefore && (!firstName || acronym || the || strongOrg):
		n.add(cand{a: a, b: b, typ: Org, name: n.name(a, b)})
		return
	case n.countryFinal(a, b, hits) || lastAcronym:
		// "Sky Italia", "Santander UK", "Itaú BBA": people's names end
		// in neither a country nor an acronym
		n.add(cand{a: a, b: b, typ: Org, name: n.name(a, b)})
		return
	case (cueBefore || app == Person) && personish:
		n.add(cand{a: a, b: b, typ: Person, name: n.name(a, b)})
		return
	case in && personish && app != Person && (n.en || n.romance()):
		n.add(cand{a: a, b: b, typ: Place, name: n.name(a, b), code: n.codeAfter(b)})
		return
	case firstName && personish:
		n.add(cand{a: a, b: b, typ: Person, name: n.name(a, b)})
		return
	case app == Org:
		n.add(cand{a: a, b: b, typ: Org, name: n.name(a, b)})
		return
	}
	if labels[0] == lGaz {
		allGaz := true
		for _, l := range labels {
			if l != lGaz {
				allGaz = false
			}
		}
		if allGaz {
			// an organisation and the country it serves ("NHS England")
			if h := hits[a]; h.org != "" && a+h.n < b {
				if t := hits[a+h.n]; t.n == b-a-h.n && t.org == "" && (t.rec.kind == 'C' || t.rec.kind == 'S') {
					n.add(cand{a: a, b: b, typ: Org, name: n.name(a, b)})
					return
				}
			}
			// several gazetteer entries in a row
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
		if h := hits[a]; (n.en || n.romance()) && h.org != "" {
			// an organisation and a unit or brand of it: "Google DeepMind"
			n.add(cand{a: a, b: b, typ: Org, name: n.name(a, b)})
		} else if (n.en || n.romance()) && h.n == size-1 && !first.allCaps && !strings.Contains(first.text, ".") {
			// a place followed by one unknown word: "China Daily"
			n.add(cand{a: a, b: b, typ: Org, name: n.name(a, b)})
		}
		return
	}
	if !n.en && !n.romance() {
		// German capitalises every noun: only an acronym start
		// ("IG Metall") says organisation
		if acronym && !firstName {
			n.add(cand{a: a, b: b, typ: Org, name: n.name(a, b)})
		}
		return
	}
	if n.placeCueBefore(a) && !firstName && !surname && !n.the(a) && (n.placeNounBefore(a) || !cueBefore) && personish {
		n.add(cand{a: a, b: b, typ: Place, name: n.name(a, b), code: n.codeAfter(b)})
		return
	}
	if acronym || (the && !n.placeCueBefore(a)) {
		n.add(cand{a: a, b: b, typ: Org, name: n.name(a, b)})
		return
	}
	if !personish || !n.en {
		// "the James Webb Space Telescope", "App Store"; in French,
		// Spanish or Italian a person needs a known first name or a title
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
	n.add(cand{a: a, b: b, typ: Person, name: n.name(a, b)})
}

// countryFinal reports a piece ending in a country after words that are no
// place: "Sky Italia", "Vodafone Deutschland", "Santander UK".
func (n *ner) countryFinal(a, b int, hits map[int]gazHit) bool {
	for k := a + 1; k < b; k++ {
		if h, ok := hits[k]; ok && k+h.n == b && h.org == "" && h.rec.kind == 'C' {
			for j := a; j < k; j++ {
				if hj, ok := hits[j]; ok && hj.org == "" && hj.rec.kind != 'T' {
					return false
				}
			}
			return true
		}
	}
	return false
}

// romanNumeral reports a regnal or generation number: II, III, IV.
func romanNumeral(s string) bool {
	return strings.Trim(s, "IVX") == "" && len(s) <= 4
}

// the reports "the" right before token a.
func (n *ner) the(a int) bool {
	return a > 0 && n.d.toks[a-1].lower == "the"
}

// romance reports languages that, like English, capitalise names but not
// nouns, so that unknown capitalised words in a sentence are names.
func (n *ner) romance() bool {
	switch n.lang {
	case "fr", "es", "it", "pt", "ca", "ro", "nl":
		return true
	}
	return false
}

// lexNoun reports a common English noun (lexicon class N).
func (n *ner) lexNoun(lower string) bool {
	c, ok := n.r.lexicon[lower]
	return ok && c == 'N'
}

// orgCueWord reports a capitalised organisation noun (Konkurrent,
// Gewerkschaft, Rival) at token a.
func (n *ner) orgCueWord(a int) bool {
	t := &n.d.toks[a]
	return t.upper && !t.allCaps && (n.r.lists["org_cues"][t.text] || n.r.lists["org_cues"][t.lower]) && !n.firstName(t.text)
}

// roleCap reports a capitalised role noun at the start of a name:
// "Shopkeeper", "Co-author", "Analyst".
func (n *ner) roleCap(a int) bool {
	t := &n.d.toks[a]
	return t.upper && !t.allCaps && n.r.lists["title_cues"][t.lower] && !n.firstName(t.text)
}

// acronymBeforeNumber reports an unknown acronym followed by a number:
// "FTSE 100", "MSCI 2025" name indices and products, not organisations.
func (n *ner) acronymBeforeNumber(a, b int) bool {
	toks := n.d.toks
	return toks[a].allCaps && b < len(toks) && toks[b].kind == tNum && toks[b].bstart == toks[a].bend+1
}

// compoundOrg reports a German-style compound naming an organisation:
// Finanzministerium, Bundesbank, Verfassungsgericht.
func (n *ner) compoundOrg(a int) bool {
	if n.en {
		return false
	}
	w := n.d.toks[a].lower
	for suf := range n.r.lists["org_suffixes"] {
		if len(w) > len(suf)+2 && strings.HasSuffix(w, suf) {
			return true
		}
	}
	return false
}

// teamCue reports a town written for its sports team: a score right after
// it ("Toulouse 24-22"), or a verb of play before it ("beat Rangers",
// "against Brentford", "host Hibernian").
func (n *ner) teamCue(a, b int) bool {
	toks := n.d.toks
	if b < len(toks) && toks[b].kind == tNum && isScore(toks[b].text) {
		return true
	}
	k := a - 1
	if k >= 0 && toks[k].lower == "the" {
		k--
	}
	return k >= 0 && toks[k].sent == toks[a].sent && n.r.lists["team_verbs"][toks[k].lower]
}

// isScore reports a result such as 3-1 or 24-22.
func isScore(s string) bool {
	l, r, ok := strings.Cut(s, "-")
	return ok && l != "" && r != "" && len(l) <= 3 && len(r) <= 3 && onlyDigits(l) && onlyDigits(r)
}

// affiliation reports a name after a role and "at"/"of"/"with": "an
// analyst at Shore Capital", "head of research at TrendForce", "a partner
// at Elliott", "Analysts at UBS". Only used for names no list knows.
func (n *ner) affiliation(a int) bool {
	toks := n.d.toks
	k := a - 1
	if k >= 0 && toks[k].lower == "the" {
		k--
	}
	if k < 1 || toks[k].sent != toks[a].sent {
		return false
	}
	w := toks[k-1].lower
	switch toks[k].lower {
	case "at", "of", "with", "from":
	case "in":
		// "shares in X", "a stake in X"
		return w == "shares" || w == "stake" || w == "stakes"
	default:
		return false
	}
	if w == "shares" || w == "stock" {
		return toks[k].lower == "of" // "shares of Tesco"
	}
	if n.r.lists["title_cues"][w] || n.r.lists["title_cues"][strings.TrimSuffix(w, "s")] || n.r.lists["affiliation_nouns"][w] {
		return toks[k].lower != "of" || n.r.lists["affiliation_nouns"][w]
	}
	return false
}

// statementCue reports what organisations do after their name: "X said in
// a statement", "X's shares", "X's chief executive".
func (n *ner) statementCue(b int) bool {
	toks := n.d.toks
	if b+1 < len(toks) && toks[b].kind == tPoss && n.r.lists["org_cues_after"][toks[b+1].lower] {
		return true
	}
	if b+3 < len(toks) && toks[b].lower == "said" && toks[b+1].lower == "in" && toks[b+2].lower == "a" && toks[b+3].lower == "statement" {
		return true
	}
	return false
}

// roleWord reports capitalised role nouns missing from the lists, by their
// ending: Councillor, Shopkeeper, Economist.
func roleWord(w string) bool {
	for _, suf := range []string{"er", "or", "ist", "ant", "ent"} {
		if strings.HasSuffix(w, suf) && len(w) > len(suf)+3 {
			return true
		}
	}
	return false
}

// addGaz adds a gazetteer match as a place or an organisation.
func (n *ner) addGaz(a, b int, h gazHit) {
	if h.org != "" {
		n.add(cand{a: a, b: b, typ: Org, name: n.name(a, b), canon: h.org})
		return
	}
	n.add(cand{a: a, b: b, typ: Place, name: n.name(a, b), canon: h.name, code: h.rec.code, alts: h.rec.alts, kind: h.rec.kind})
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

// orgCueBefore reports an organisation noun before token a, possibly
// across a list of names: "rival Carrefour", "chains Aldi and Lidl",
// "group, Noyb".
func (n *ner) orgCueBefore(a int) bool {
	toks := n.d.toks
	for k, steps := a-1, 0; k >= 0 && steps < 8 && toks[k].sent == toks[a].sent; k, steps = k-1, steps+1 {
		t := &toks[k]
		switch {
		case t.text == "," || t.text == "and" || t.text == "or":
			continue
		case t.kind == tWord && n.capWord(k) && steps > 0:
			continue
		case t.kind == tWord && steps == 0 && k > 0 && ofWords[t.lower]:
			// "owner of Zara", "propietaria de Zara"
			p := &toks[k-1]
			return p.kind == tWord && (n.r.lists["org_cues"][p.lower] || n.r.lists["org_cues"][p.text])
		case t.kind == tWord:
			return n.r.lists["org_cues"][t.lower] || n.r.lists["org_cues"][t.text]
		}
		return false
	}
	return false
}

// ofWords are "of" in the languages with rules.
var ofWords = map[string]bool{"of": true, "de": true, "di": true, "du": true, "des": true, "del": true, "von": true, "da": true, "do": true}

// orgCueAfter reports a word after the name that belongs to organisations:
// "Carrefour chief executive", "Brentford coach", "Ahold, based in".
func (n *ner) orgCueAfter(b int) bool {
	toks := n.d.toks
	if b < len(toks) && toks[b].text == "," {
		b++
	}
	if b >= len(toks) || toks[b].kind != tWord || toks[b].upper {
		return false
	}
	if toks[b].lower == "head" && b+1 < len(toks) && toks[b+1].lower == "coach" {
		return true // "Toulouse head coach"
	}
	if toks[b].lower == "stock" && b+1 < len(toks) && (toks[b+1].lower == "exchange" || toks[b+1].lower == "market") {
		return false // "the Copenhagen stock exchange"
	}
	return n.r.lists["org_cues_after"][toks[b].lower]
}

// apposition classifies a name by the noun phrase after it: "Max Schrems,
// the Austrian privacy campaigner" is a person, "Mistral AI, a Paris-based
// start-up" an organisation. It returns "" when there is none.
func (n *ner) apposition(b int) EntityType {
	toks := n.d.toks
	if b+2 >= len(toks) || toks[b].text != "," {
		return ""
	}
	switch toks[b+1].lower {
	case "a", "an", "the", "who", "whose", "which":
	default:
		// "Emily Field, head of research at Barclays"
		if t := &toks[b+1]; t.kind == tWord && !t.upper && n.r.lists["title_cues"][t.lower] && b+2 < len(toks) && (toks[b+2].lower == "of" || toks[b+2].lower == "at") {
			return Person
		}
		return ""
	}
	if toks[b+1].lower == "who" || toks[b+1].lower == "whose" {
		return Person
	}
	if toks[b+1].lower == "which" {
		// people are "who"; places no list knows are rarely named so
		// ("Nissan, which is in talks", "Spotify, which complained")
		return Org
	}
	for k := b + 2; k < len(toks) && k < b+7 && toks[k].sent == toks[b].sent; k++ {
		t := &toks[k]
		if t.kind != tWord {
			if t.text == "-" || t.text == "‑" {
				continue
			}
			return ""
		}
		if n.r.lists["title_cues"][t.lower] {
			return Person
		}
		if n.r.lists["org_cues"][t.lower] {
			return Org
		}
	}
	return ""
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

// placeCueBefore reports a place context before token a: a preposition
// ("in Bucha", "in nearby Todmorden") or "the town of", "the provinces of
// Hatay and Adana".
func (n *ner) placeCueBefore(a int) bool {
	toks := n.d.toks
	if a == 0 || toks[a].sentStart {
		return false
	}
	k := a - 1
	if toks[k].text == "and" || toks[k].text == "," {
		// coordinated with a known place: "Hatay and Adana" is handled by
		// the noun; "Paris and Lyon" by the gazetteer
		return n.placeNounBefore(a)
	}
	p := &toks[k]
	if p.kind != tWord || p.upper {
		return false
	}
	if (n.en && n.r.lists["place_preps"][p.text]) || (!n.en && n.r.lists["place_preps_"+n.lang][p.text]) {
		return true
	}
	if n.r.lists["place_adjectives"][p.text] && k > 0 && (n.r.lists["place_preps"][toks[k-1].text] || p.text == "nearby" || p.text == "neighbouring" || p.text == "neighboring") {
		return true
	}
	return n.placeNounBefore(a)
}

// placeNounBefore reports "<place noun> of" before token a, possibly
// across a coordinated name: "the town of El Granado", "the provinces of
// Hatay and Adana".
func (n *ner) placeNounBefore(a int) bool {
	toks := n.d.toks
	k := a - 1
	if k >= 0 && toks[k].text == "and" && k > 1 {
		k -= 2 // skip "Hatay and" back to "of"
		for k > 0 && n.capWord(k) {
			k--
		}
	}
	return k >= 1 && toks[k].text == "of" && n.r.lists["place_nouns"][toks[k-1].lower]
}

// codeAfter finds the country of an unknown place from what follows it:
// "Zaandam in the Netherlands", "Hebden Bridge, England".
func (n *ner) codeAfter(b int) string {
	toks := n.d.toks
	k := b
	if k < len(toks) && (toks[k].text == "," || toks[k].text == "in") {
		k++
	} else {
		return ""
	}
	if k < len(toks) && toks[k].lower == "the" {
		k++
	}
	if k >= len(toks) {
		return ""
	}
	h := n.gaz(k, min(len(toks), k+4))
	if h.org == "" && h.n > 0 && (h.rec.kind == 'C' || h.rec.kind == 'S') {
		return h.rec.code
	}
	return ""
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

// Latin letters with diacritics and their base letters (from Unicode NFD
// for U+00C0..U+017F), to match "Éric" with the first name "Eric".
var foldTable = func() map[rune]rune {
	from := []rune("ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽž")
	to := []rune("AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyyAaAaAaCcCcCcCcDdEeEeEeEeEeGgGgGgGgHhIiIiIiIiIJjKkLlLlLlNnNnNnOoOoOoRrRrRrSsSsSsSsTtTtUuUuUuUuUuUuWwYyYZzZzZz")
	m := make(map[rune]rune, len(from))
	for i, r := range from {
		m[r] = to[i]
	}
	return m
}()

func foldLatin(s string) string {
	for _, r := range s {
		if _, ok := foldTable[r]; ok {
			return strings.Map(func(r rune) rune {
				if f, ok := foldTable[r]; ok {
					return f
				}
				return r
			}, s)
		}
	}
	return s
}
