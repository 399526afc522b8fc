package enrich

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind tells words from numbers and punctuation.
type tokKind uint8

const (
	tWord  tokKind = iota // letters (maybe with digits, inner hyphens, dots, apostrophes)
	tNum                  // digits only (with inner , . : -)
	tPunct                // one punctuation or symbol rune
	tPoss                 // possessive 's / ’s split off a word
)

// token is one word, number or punctuation mark of a text. Offsets are
// kept both in bytes (to slice the text without copying) and in runes (the
// unit of Mention offsets).
type token struct {
	text       string // the token as written (a slice of the source text)
	lower      string // lower-case form
	start, end int    // rune offsets [start, end)
	bstart     int    // byte offset of start
	bend       int    // byte offset of end
	kind       tokKind
	upper      bool // first rune is upper case
	allCaps    bool // two or more letters, all upper case (NATO, U.S.)
	sentStart  bool // first word or number of its sentence
	sent       int  // sentence index
	newline    bool // a line break precedes this token
}

// sentence is a span of tokens [from, to) and of runes/bytes of the text.
type sentence struct {
	from, to     int
	start, end   int // rune offsets
	bstart, bend int // byte offsets
}

// doc is a tokenised text.
type doc struct {
	text  string
	toks  []token
	sents []sentence
	runes int // length of text in runes
}

// abbreviations that end with a period but do not end a sentence.
var abbreviations = map[string]bool{
	"Mr": true, "Mrs": true, "Ms": true, "Dr": true, "St": true, "Jr": true, "Sr": true,
	"Prof": true, "Gen": true, "Lt": true, "Col": true, "Sgt": true, "Capt": true, "Rep": true,
	"Sen": true, "Gov": true, "Inc": true, "Corp": true, "Ltd": true, "Co": true, "vs": true,
	"No": true, "Mt": true, "Ft": true, "Rev": true, "Jan": true, "Feb": true, "Mar": true,
	"Apr": true, "Jun": true, "Jul": true, "Aug": true, "Sep": true, "Sept": true, "Oct": true,
	"Nov": true, "Dec": true, "approx": true, "etc": true, "e.g": true, "i.e": true, "al": true,
	"Adm": true, "Brig": true, "Cmdr": true, "Maj": true, "Supt": true, "Fr": true, "Hon": true,
	"M": true, "Mme": true, "Dott": true, "Sra": true, "Sr.": true, "Nr": true, "Abs": true,
	"z.B": true, "bzw": true, "ca": true, "Dipl": true, "Ing": true,
}

// lowerParticles may stay joined to a capitalised word by a hyphen, as in
// al-Assad or bin-Salman.
var lowerParticles = map[string]bool{"al": true, "el": true, "ad": true, "ash": true, "as": true, "bin": true, "ibn": true, "abu": true, "ben": true, "de": true, "da": true, "van": true, "von": true}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' }

// tokenize splits text into tokens and sentences. It never fails; invalid
// UTF-8 bytes become punctuation tokens. maxTokens bounds the work on
// hostile input: tokenising stops there.
func tokenize(text string, maxTokens int) *doc {
	d := &doc{text: text, toks: make([]token, 0, len(text)/5+8)}
	runeIdx := 0
	newline := false
	i := 0
	for i < len(text) && len(d.toks) < maxTokens {
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			if r == '\n' || r == '\r' || r == '\u2029' {
				newline = true
			}
			i += size
			runeIdx++
			continue
		}
		start, rstart := i, runeIdx
		kind := tPunct
		if isWordRune(r) {
			kind = tWord
			j, rj := i, runeIdx
			for j < len(text) {
				c, cs := utf8.DecodeRuneInString(text[j:])
				if isWordRune(c) {
					j += cs
					rj++
					continue
				}
				// inner joiners: keep U.S., 3.5, 1,000, Ja-Ian, O'Brien.
				if j+cs < len(text) {
					next, ns := utf8.DecodeRuneInString(text[j+cs:])
					switch {
					case (c == '.' || c == ',' || c == ':') && isDigitBefore(text, j) && unicode.IsDigit(next):
						j += cs + ns
						rj += 2
						continue
					case c == '.' && unicode.IsLetter(next) && isInitialDotted(text, start, j):
						j += cs + ns
						rj += 2
						// swallow the closing period of U.S. / U.K.
						if j < len(text) && text[j] == '.' && (j+1 == len(text) || !isWordRune(rune(text[j+1]))) && runeLenBetween(text, start, j) <= 5 {
							j++
							rj++
						}
						continue
					case (c == '-' || c == '‑') && isWordRune(next):
						if hyphenJoins(text[start:j], text[j+cs:]) {
							j += cs
							rj++
							continue
						}
					case isApostrophe(c) && unicode.IsLetter(next):
						if (next == 's' || next == 'S') && !startsWord(text[j+cs+ns:]) {
							break // possessive: split below
						}
						if elision[text[start:j]] {
							// French and Italian elision: l'Économie -> l' Économie
							j += cs
							rj++
							break
						}
						j += cs
						rj++
						continue
					}
				}
				break
			}
			if onlyDigits(text[start:j]) {
				kind = tNum
			}
			i, runeIdx = j, rj
		} else {
			// possessive 's right after a word
			if isApostrophe(r) && len(d.toks) > 0 && d.toks[len(d.toks)-1].bend == i && i+size < len(text) && (text[i+size] == 's' || text[i+size] == 'S') && !startsWord(text[i+size+1:]) {
				kind = tPoss
				i += size + 1
				runeIdx += 2
			} else {
				i += size
				runeIdx++
			}
		}
		t := token{text: text[start:i], start: rstart, end: runeIdx, bstart: start, bend: i, kind: kind, newline: newline}
		newline = false
		if kind == tWord {
			first, _ := utf8.DecodeRuneInString(t.text)
			t.upper = unicode.IsUpper(first)
			t.allCaps = isAllCaps(t.text)
			t.lower = strings.ToLower(t.text)
		} else {
			t.lower = t.text
		}
		d.toks = append(d.toks, t)
	}
	d.runes = runeIdx
	if i < len(text) {
		d.runes += utf8.RuneCountInString(text[i:])
	}
	d.splitSentences()
	return d
}

// elision marks French and Italian articles and particles written with an
// apostrophe before the next word (l'Élysée, d'Ivoire, dell'Emilia).
var elision = map[string]bool{"l": true, "d": true, "j": true, "m": true, "n": true, "s": true, "t": true, "c": true, "qu": true, "L": true, "D": true, "dell": true, "nell": true, "all": true, "dall": true, "sull": true}

// hyphenSuffixes are lower-case second parts that make a compound
// adjective out of a name: US-led, Kremlin-backed, Paris-based.
var hyphenSuffixes = map[string]bool{"style": true, "era": true, "wide": true, "born": true, "made": true, "run": true, "led": true, "owned": true, "backed": true, "based": true, "friendly": true, "linked": true, "funded": true, "bound": true, "like": true, "type": true, "level": true, "only": true, "free": true, "speaking": true}

// hyphenJoins decides whether left-right stays one token. Lower case on both
// sides (five-year), capitalised parts on both sides (Ja-Ian, Mercedes-Benz)
// and given names (Jae-myung) stay joined. A name glued to a lower-case
// adjective part (China-brokered, US-led) or a lower-case prefix glued to a
// name (anti-Western, pro-Russian) is split so that the name stands alone,
// except for name particles (al-Assad).
func hyphenJoins(left, right string) bool {
	l, _ := utf8.DecodeLastRuneInString(left)
	lf, _ := utf8.DecodeRuneInString(left)
	rf, _ := utf8.DecodeRuneInString(right)
	if unicode.IsDigit(l) || unicode.IsDigit(rf) {
		return true
	}
	lu, ru := unicode.IsUpper(lf), unicode.IsUpper(rf)
	if lu == ru {
		return true
	}
	if lu {
		// Name-lower: split only before an adjective-forming part.
		end := strings.IndexFunc(right, func(r rune) bool { return !unicode.IsLetter(r) })
		word := right
		if end >= 0 {
			word = right[:end]
		}
		return !(strings.HasSuffix(word, "ed") || hyphenSuffixes[word])
	}
	seg := left
	if k := strings.LastIndexAny(left, "-‑"); k >= 0 {
		seg = left[k+1:]
	}
	return lowerParticles[strings.ToLower(seg)]
}

func startsWord(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return s != "" && isWordRune(r)
}

func isDigitBefore(text string, j int) bool {
	r, _ := utf8.DecodeLastRuneInString(text[:j])
	return unicode.IsDigit(r)
}

// isInitialDotted reports whether text[start:j] is a run of single letters
// separated by dots (U, U.S, e.g), so that a following ".X" continues it.
func isInitialDotted(text string, start, j int) bool {
	parts := strings.Split(text[start:j], ".")
	for _, p := range parts {
		if utf8.RuneCountInString(p) != 1 {
			return false
		}
	}
	return true
}

func runeLenBetween(text string, a, b int) int { return utf8.RuneCountInString(text[a:b]) }

func onlyDigits(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

func isAllCaps(s string) bool {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			if !unicode.IsUpper(r) {
				return false
			}
			n++
		}
	}
	return n >= 2
}

// splitSentences marks sentence boundaries: after . ! ? … (and any closing
// quotes or brackets) when the next word starts a new sentence, and at every
// line break. Abbreviations (Mr., Gen., Jan.) and initials (George W. Bush)
// do not end a sentence.
func (d *doc) splitSentences() {
	toks := d.toks
	from := 0
	closeAt := func(to int) {
		if to <= from {
			return
		}
		s := sentence{from: from, to: to, start: toks[from].start, end: toks[to-1].end, bstart: toks[from].bstart, bend: toks[to-1].bend}
		idx := len(d.sents)
		first := true
		for k := from; k < to; k++ {
			toks[k].sent = idx
			if first && (toks[k].kind == tWord || toks[k].kind == tNum) {
				toks[k].sentStart = true
				first = false
			}
		}
		d.sents = append(d.sents, s)
		from = to
	}
	for k := 0; k < len(toks); k++ {
		if k > from && toks[k].newline {
			closeAt(k)
		}
		t := toks[k]
		if t.kind != tPunct || !strings.ContainsAny(t.text, ".!?…") {
			continue
		}
		// swallow closing quotes and brackets
		end := k + 1
		for end < len(toks) && toks[end].kind == tPunct && strings.ContainsAny(toks[end].text, "\"'”’»)]") && !toks[end].newline {
			end++
		}
		if end >= len(toks) {
			continue
		}
		next := toks[end]
		if next.newline {
			continue // the newline rule closes it
		}
		startsNew := next.upper || next.kind == tNum || strings.ContainsAny(next.text, "\"“‘«(")
		if !startsNew {
			continue
		}
		if t.text == "." && k > 0 && toks[k-1].bend == t.bstart && toks[k-1].kind == tWord {
			prev := toks[k-1].text
			if abbreviations[prev] || (utf8.RuneCountInString(prev) == 1 && toks[k-1].upper) {
				continue
			}
		}
		closeAt(end)
		k = end - 1
	}
	closeAt(len(toks))
}

// span returns the source text of tokens [a, b).
func (d *doc) span(a, b int) string {
	return d.text[d.toks[a].bstart:d.toks[b-1].bend]
}
