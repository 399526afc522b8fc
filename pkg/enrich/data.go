package enrich

import (
	"bufio"
	"embed"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// The data files are embedded so that nothing is downloaded at run time.
// data/SOURCES.md says where each comes from and under which licence;
// internal/gendata regenerates the machine-made ones.
//
//go:embed data/*.tsv data/rules.txt
var dataFS embed.FS

// placeRec is one gazetteer entry.
type placeRec struct {
	code string // ISO 3166-1 alpha-2, "" for regions spanning countries
	alts string // towns: other countries with a big town of this name ("ES" for Valencia)
	kind byte   // 'C' country, 'S' state/region, 'T' town, 'R' region
	lang string // "*" any language, "x" any but English, or ISO 639-1 codes ("de" or "es,it")
}

// usableIn reports whether the name may be matched in text of language l.
func (p placeRec) usableIn(l string) bool {
	switch p.lang {
	case "*":
		return true
	case "x":
		return l != "en"
	}
	if len(p.lang) > 2 {
		// several languages: "es,it"
		for rest := p.lang; rest != ""; {
			var one string
			one, rest, _ = strings.Cut(rest, ",")
			if one == l {
				return true
			}
		}
		return false
	}
	return p.lang == l
}

// resources holds every embedded list, parsed once and read-only afterwards,
// so any number of Enrichers share one copy.
type resources struct {
	places     map[string]placeRec
	placeStems map[string]string // inflection stem -> place name (see ner.go)
	maxPlace   int               // longest place name, in tokens
	orgs       map[string]string // alias or name -> canonical name
	maxOrg     int
	// gazFirst maps the first token of every multi-token place or
	// organisation name to the most tokens such a name has, so that a
	// lookup tries only the lengths that can match (most words start no
	// name at all).
	gazFirst   map[string]uint8
	lexicon    map[string]byte // common English word -> class (N V J R F)
	firstNames map[string]bool
	surnames   map[string]bool
	sentiment  map[string]float64
	stopwords  map[string]map[string]bool // language -> stop words
	lists      map[string]map[string]bool // rules.txt sections
	maxTitle   int
}

var (
	resOnce sync.Once
	res     *resources
	resErr  error
)

func loadResources() (*resources, error) {
	resOnce.Do(func() {
		r := &resources{
			places:     map[string]placeRec{},
			placeStems: map[string]string{},
			orgs:       map[string]string{},
			gazFirst:   map[string]uint8{},
			lexicon:    map[string]byte{},
			firstNames: map[string]bool{},
			surnames:   map[string]bool{},
			sentiment:  map[string]float64{},
			stopwords:  map[string]map[string]bool{},
			lists:      map[string]map[string]bool{},
		}
		for _, step := range []struct {
			file string
			fn   func([]string) error
		}{
			{"data/rules.txt", nil},
			{"data/lexicon_en.tsv", r.addLexicon},
			{"data/names.tsv", r.addName},
			{"data/names_intl.tsv", r.addName},
			{"data/places.tsv", r.addPlace},
			{"data/places_extra.tsv", r.addPlace},
			{"data/orgs_gen.tsv", r.addOrg},
			{"data/orgs.tsv", r.addOrg},
			{"data/sentiment_en.tsv", r.addSentiment},
			{"data/stopwords.tsv", r.addStopwords},
		} {
			var err error
			if step.fn == nil {
				err = r.loadRules(step.file)
			} else {
				err = eachRow(step.file, step.fn)
			}
			if err != nil {
				resErr = err
				return
			}
		}
		for n := range r.lists["first_names"] {
			r.firstNames[n] = true
		}
		r.finishPlaces()
		res = r
	})
	return res, resErr
}

// eachRow calls fn with the tab-separated fields of every non-comment line.
func eachRow(file string, fn func([]string) error) error {
	f, err := dataFS.Open(file)
	if err != nil {
		return fmt.Errorf("open %s: %w", file, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		if err := fn(strings.Split(line, "\t")); err != nil {
			return fmt.Errorf("%s line %d: %w", file, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	return nil
}

// loadRules reads rules.txt: [section] headers followed by whitespace
// separated entries; underscores stand for spaces in multi-word entries.
func (r *resources) loadRules(file string) error {
	b, err := dataFS.ReadFile(file)
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	var cur map[string]bool
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || line[0] == '#':
			continue
		case line[0] == '[' && line[len(line)-1] == ']':
			name := line[1 : len(line)-1]
			cur = map[string]bool{}
			r.lists[name] = cur
			continue
		case cur == nil:
			return fmt.Errorf("%s line %d: entry before any [section]", file, i+1)
		}
		for _, w := range strings.Fields(line) {
			w = strings.ReplaceAll(w, "_", " ")
			cur[w] = true
			if n := strings.Count(w, " ") + 1; n > r.maxTitle {
				r.maxTitle = n
			}
		}
	}
	for _, want := range []string{"titles", "title_cues", "person_verbs", "org_words", "org_single", "org_connectors", "place_words", "place_preps", "misc", "demonyms", "first_names"} {
		if r.lists[want] == nil {
			return fmt.Errorf("%s: missing section [%s]", file, want)
		}
	}
	return nil
}

func (r *resources) addLexicon(f []string) error {
	if len(f) < 2 || f[1] == "" {
		return fmt.Errorf("want word and class, got %q", f)
	}
	r.lexicon[f[0]] = f[1][0]
	return nil
}

func (r *resources) addName(f []string) error {
	if len(f) < 2 {
		return fmt.Errorf("want name and kind, got %q", f)
	}
	switch f[1] {
	case "F":
		r.firstNames[f[0]] = true
	case "S":
		r.surnames[f[0]] = true
	default:
		return fmt.Errorf("unknown name kind %q", f[1])
	}
	return nil
}

func (r *resources) addPlace(f []string) error {
	if len(f) < 4 || f[2] == "" {
		return fmt.Errorf("want name, code, kind, language, got %q", f)
	}
	if f[2] == "-" {
		delete(r.places, f[0])
		return nil
	}
	code, alts, _ := strings.Cut(f[1], ",")
	r.places[f[0]] = placeRec{code: code, alts: alts, kind: f[2][0], lang: f[3]}
	return nil
}

func (r *resources) addOrg(f []string) error {
	name := f[0]
	r.orgs[name] = name
	if len(f) > 1 {
		for _, a := range strings.Split(f[1], "|") {
			if a != "" {
				r.orgs[a] = name
			}
		}
	}
	return nil
}

func (r *resources) addSentiment(f []string) error {
	if len(f) < 2 {
		return fmt.Errorf("want word and valence, got %q", f)
	}
	v, err := strconv.ParseFloat(f[1], 64)
	if err != nil {
		return fmt.Errorf("valence of %q: %w", f[0], err)
	}
	r.sentiment[f[0]] = v
	return nil
}

func (r *resources) addStopwords(f []string) error {
	if len(f) < 2 {
		return fmt.Errorf("want language and words, got %q", f)
	}
	set := map[string]bool{}
	for _, w := range strings.Fields(f[1]) {
		set[w] = true
	}
	r.stopwords[f[0]] = set
	return nil
}

// finishPlaces computes the longest names (in tokens) and the inflection
// stems used for languages that decline place names (Москва -> в Москве,
// Warszawa -> w Warszawie): a name of five or more letters ending in a vowel
// is also indexed without that vowel.
func (r *resources) finishPlaces() {
	for name, p := range r.places {
		if n := strings.Count(name, " ") + 1; n > r.maxPlace {
			r.maxPlace = n
		}
		if p.kind == 'R' || strings.Contains(name, " ") {
			continue
		}
		runes := []rune(name)
		if len(runes) >= 5 && strings.ContainsRune("aeiouyаеиоуыяюіїєьйąę", runes[len(runes)-1]) {
			stem := string(runes[:len(runes)-1])
			if _, clash := r.places[stem]; !clash {
				r.placeStems[stem] = name
			}
		}
	}
	for name := range r.orgs {
		if n := strings.Count(name, " ") + 1; n > r.maxOrg {
			r.maxOrg = n
		}
	}
	index := func(name string) {
		if !strings.ContainsAny(name, " &'’") && !strings.ContainsRune(name, '.') {
			return // one token
		}
		d := tokenize(name, 64)
		if n := len(d.toks); n > 1 && n < 256 && uint8(n) > r.gazFirst[d.toks[0].text] {
			r.gazFirst[d.toks[0].text] = uint8(n)
		}
	}
	for name := range r.places {
		index(name)
	}
	for name := range r.orgs {
		index(name)
	}
}

// isStop reports whether w (lower case) is a stop word of language l.
func (r *resources) isStop(l, w string) bool {
	if s, ok := r.stopwords[l]; ok {
		return s[w]
	}
	return r.stopwords["en"][w]
}
