package enrich

import (
	"math"
	"sort"
	"strings"
	"unicode/utf8"
)

// Keyphrases, written by hand (RAKE-like; no Go library does keyphrases for
// many languages on embedded data): candidates are runs of content words
// between stop words and punctuation (at most three words; in English the
// run is trimmed to end in a noun-like word using the lexicon), plus the
// named entities. A phrase scores
//
//	freq(phrase) * mean(word weight) * (1 + 0.3*(words-1))
//
// where a word's weight is its frequency in the story plus one if the title
// has it; an entity scores like a one-word phrase with its mention count.
// Phrases whose words are all inside a better phrase are skipped; scores
// are relative to the best (1.0).

type phrase struct {
	text  string
	words []string
	freq  int
	score float64
	first int
}

func (r *resources) keywords(d, title *doc, lang string, ents []Entity, limit int) []Keyword {
	en := lang == "en"
	// tokens inside entity mentions: names come from the entities
	inEntity := map[int]bool{}
	for _, e := range ents {
		for _, m := range e.Mentions {
			inEntity[m.Start] = true
		}
	}
	content := func(t *token) bool {
		if t.kind != tWord || utf8.RuneCountInString(t.text) < 2 || inEntity[t.start] {
			return false
		}
		if strings.HasSuffix(t.text, "'") || strings.HasSuffix(t.text, "’") {
			return false // elided article: l', d'
		}
		if r.keywordStop(lang, t.lower) {
			return false
		}
		if en && len(ents) > 0 && t.upper {
			return false // names come from the entities
		}
		return true
	}
	// content is decided once per token: the stop-word lookups are most
	// of the cost of keyphrases
	isContent := make([]bool, len(d.toks))
	tf := map[string]int{}
	for i := range d.toks {
		if content(&d.toks[i]) {
			isContent[i] = true
			tf[d.toks[i].lower]++
		}
	}
	inTitle := map[string]bool{}
	for i := range title.toks {
		inTitle[title.toks[i].lower] = true
	}
	phrases := map[string]*phrase{}
	var order []string
	flush := func(run []int) {
		if en {
			// trim to a noun-like head: drop leading adverbs/verbs and
			// trailing words that are not nouns
			for len(run) > 0 && !r.nounLike(d.toks[run[len(run)-1]].lower) {
				run = run[:len(run)-1]
			}
			for len(run) > 0 && r.verbOrAdverb(d.toks[run[0]].lower) {
				run = run[1:]
			}
		}
		if len(run) == 0 {
			return
		}
		if len(run) > 3 {
			run = run[len(run)-3:]
		}
		words := make([]string, len(run))
		for i, k := range run {
			words[i] = d.toks[k].lower
		}
		key := strings.Join(words, " ")
		p, ok := phrases[key]
		if !ok {
			p = &phrase{text: key, words: words, first: run[0]}
			phrases[key] = p
			order = append(order, key)
		}
		p.freq++
	}
	var run []int
	for i := range d.toks {
		t := &d.toks[i]
		sameCase := len(run) == 0 || t.upper == d.toks[run[len(run)-1]].upper || d.toks[run[len(run)-1]].sentStart
		if isContent[i] && sameCase && (len(run) == 0 || d.toks[run[len(run)-1]].sent == t.sent) && !(len(run) > 0 && t.newline) {
			run = append(run, i)
			continue
		}
		flush(run)
		run = run[:0]
		if isContent[i] {
			run = append(run, i)
		}
	}
	flush(run)

	cands := make([]*phrase, 0, len(phrases)+len(ents))
	for _, k := range order {
		p := phrases[k]
		sum := 0.0
		for _, w := range p.words {
			sum += float64(tf[w])
			if inTitle[w] {
				sum++
			}
		}
		mean := sum / float64(len(p.words))
		p.score = float64(p.freq) * mean * (1 + 0.3*float64(len(p.words)-1))
		cands = append(cands, p)
	}
	for _, e := range ents {
		words := strings.Fields(strings.ToLower(e.Name))
		w := float64(e.Count)
		for _, x := range words {
			if inTitle[x] {
				w++
				break
			}
		}
		start := 0
		if len(e.Mentions) > 0 {
			start = e.Mentions[0].Start
		}
		cands = append(cands, &phrase{text: e.Name, words: words, freq: e.Count, score: float64(e.Count) * w, first: start})
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score > cands[j].score
		}
		return cands[i].first < cands[j].first
	})
	var out []Keyword
	var chosen []*phrase
	for _, c := range cands {
		if len(out) == limit {
			break
		}
		if covered(c, chosen) {
			continue
		}
		chosen = append(chosen, c)
		out = append(out, Keyword{Text: c.text, Score: c.score})
	}
	if len(out) > 0 && out[0].Score > 0 {
		top := out[0].Score
		for i := range out {
			out[i].Score = math.Round(out[i].Score/top*1000) / 1000
		}
	}
	return out
}

// covered reports whether every word of p is in one chosen phrase.
func covered(p *phrase, chosen []*phrase) bool {
	for _, c := range chosen {
		all := true
		for _, w := range p.words {
			found := false
			for _, x := range c.words {
				if x == w {
					found = true
					break
				}
			}
			if !found {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// nounLike reports whether an English word can head a keyphrase: a noun in
// the lexicon or a word the lexicon does not know (names, jargon).
func (r *resources) nounLike(w string) bool {
	c, ok := r.lexicon[w]
	return !ok || c == 'N'
}

func (r *resources) verbOrAdverb(w string) bool {
	c, ok := r.lexicon[w]
	return ok && (c == 'V' || c == 'R')
}

// genericNouns are English nouns too vague to be keywords.
var genericNouns = map[string]bool{"year": true, "years": true, "week": true, "weeks": true, "month": true, "months": true, "day": true, "days": true, "time": true, "times": true, "people": true, "way": true, "part": true, "number": true, "thing": true, "things": true, "lot": true, "end": true, "today": true, "yesterday": true, "percent": true, "per": true, "cent": true, "statement": true, "side": true, "sides": true}

// keywordStop reports words that never start or end a keyphrase. For
// English the stopwords-iso list is too wide for keyphrases (it has
// "state", "world", "research"), so nouns in the lexicon stay content words
// unless they are generic.
func (r *resources) keywordStop(lang, w string) bool {
	if lang != "en" {
		return r.isStop(lang, w)
	}
	if genericNouns[w] {
		return true
	}
	if !r.isStop(lang, w) {
		return false
	}
	c, ok := r.lexicon[w]
	return !ok || c != 'N'
}
