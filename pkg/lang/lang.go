// Package lang detects the natural language of a text (ISO 639-1 code).
//
// It is shared by the cleaner (to label a story) and the enricher (to choose
// stop words, gazetteers and rules), so both agree on the answer.
//
// Detection works in two steps:
//
//  1. A script pass counts letters per Unicode script. Text written mostly in
//     a script that belongs to one language (Greek, Hebrew, Hangul, Thai,
//     Georgian, Armenian, Bengali, Tamil, ...) or to Japanese (kana) or
//     Chinese (Han without kana) is answered at once, without a model.
//  2. Everything else (Latin, Cyrillic, Arabic and Devanagari scripts) goes to
//     github.com/pemistahl/lingua-go, restricted to the languages in
//     [Languages] and built in low-accuracy mode (trigram models only).
//
// Why these choices (measured on testdata/samples.tsv, 54 titles and 27
// paragraphs in 15 languages, see lang_test.go): lingua in low-accuracy mode
// got 53/54 titles and 27/27 paragraphs right with about 30 MiB of heap for
// the models; its high-accuracy mode got 54/54 but needs about 1 GiB resident,
// and github.com/abadojack/whatlanggo got only 42/54 titles and 25/27
// paragraphs. Lingua is slow on long text (most of its time goes to per-word
// regular expressions that filter languages by alphabet), so Detect gives it a
// bounded sample: the first [SampleRunes] runes, cut at a word boundary.
// Language is a property of the whole text, and a few hundred characters are
// enough to decide it (the paragraph test cases are about that long).
//
// The models are loaded once, on first use or by [Warm], and are read-only
// afterwards: Detect is safe for concurrent use.
//
// Binary size: lingua-go v1.4.0 (the only version on the Go module proxy)
// embeds the models of all its 75 languages with one //go:embed of its
// language-models folder (124 MB of zip files); a program importing this
// package grows by about 132 MB (measured: 2.4 MB -> 134 MB for a hello
// world). It has no build tags or per-language model packages, and its
// maintainer confirms (lingua-go issue #26) that Go cannot embed
// conditionally; the suggested way out is a trimmed copy of the module.
// Only the models of [modelLanguages] are ever read and decompressed, so
// the other languages cost disk and image size, not memory: the unused
// pages of the binary are never made resident (a detector process peaks
// at about 90 MiB resident). A trimmed copy wired in with a replace
// directive in the workspace would save about 100 MB of binary; that is a
// build decision, not taken here.
package lang

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	lingua "github.com/pemistahl/lingua-go"
)

// SampleRunes is the number of runes of a text that Detect looks at. Longer
// texts are cut at the last word boundary before this limit.
const SampleRunes = 250

// modelLanguages are the languages lingua decides between. They are the
// languages of most of the world's online news in the Latin, Cyrillic, Arabic
// and Devanagari scripts; each costs about 1 MiB of trigram model.
var modelLanguages = []lingua.Language{
	// Latin script.
	lingua.English, lingua.German, lingua.French, lingua.Spanish, lingua.Italian,
	lingua.Portuguese, lingua.Dutch, lingua.Polish, lingua.Turkish, lingua.Swedish,
	lingua.Danish, lingua.Bokmal, lingua.Finnish, lingua.Czech, lingua.Slovak,
	lingua.Romanian, lingua.Hungarian, lingua.Indonesian, lingua.Vietnamese,
	lingua.Croatian, lingua.Slovene, lingua.Catalan, lingua.Lithuanian,
	lingua.Latvian, lingua.Estonian,
	// Cyrillic script.
	lingua.Russian, lingua.Ukrainian, lingua.Bulgarian, lingua.Serbian,
	lingua.Macedonian,
	// Arabic script.
	lingua.Arabic, lingua.Persian, lingua.Urdu,
	// Devanagari script.
	lingua.Hindi, lingua.Marathi,
}

// scriptLanguages maps a script used by a single language (for our purposes)
// to that language's code. Han and kana are handled separately.
var scriptLanguages = []struct {
	table *unicode.RangeTable
	code  string
}{
	{unicode.Greek, "el"},
	{unicode.Hebrew, "he"},
	{unicode.Hangul, "ko"},
	{unicode.Thai, "th"},
	{unicode.Georgian, "ka"},
	{unicode.Armenian, "hy"},
	{unicode.Bengali, "bn"},
	{unicode.Tamil, "ta"},
	{unicode.Telugu, "te"},
	{unicode.Gujarati, "gu"},
	{unicode.Gurmukhi, "pa"},
	{unicode.Kannada, "kn"},
	{unicode.Malayalam, "ml"},
	{unicode.Khmer, "km"},
	{unicode.Lao, "lo"},
	{unicode.Myanmar, "my"},
	{unicode.Ethiopic, "am"},
	{unicode.Sinhala, "si"},
}

var (
	once     sync.Once
	detector lingua.LanguageDetector
)

// Warm loads the language models now instead of on the first call to Detect
// (about half a second). Services call it at start-up so that readiness means
// ready.
func Warm() { model() }

func model() lingua.LanguageDetector {
	once.Do(func() {
		detector = lingua.NewLanguageDetectorBuilder().
			FromLanguages(modelLanguages...).
			WithLowAccuracyMode().
			WithPreloadedLanguageModels().
			Build()
	})
	return detector
}

// Languages returns the ISO 639-1 codes Detect can answer, sorted as listed
// in the package documentation (model languages first, then script-only
// languages, then "ja" and "zh").
func Languages() []string {
	out := make([]string, 0, len(modelLanguages)+len(scriptLanguages)+2)
	for _, l := range modelLanguages {
		out = append(out, strings.ToLower(l.IsoCode639_1().String()))
	}
	for _, s := range scriptLanguages {
		out = append(out, s.code)
	}
	return append(out, "ja", "zh")
}

// Detect returns the ISO 639-1 code of the language of text and a confidence
// in [0, 1]. It returns "", 0 when the text has no letters or the language
// cannot be told apart (for example two languages tie). It works on short
// titles as well as on whole articles, of which it reads only the first
// SampleRunes runes.
func Detect(text string) (code string, confidence float64) {
	text = sample(text, SampleRunes)
	if code, conf, ok := byScript(text); ok {
		return code, conf
	}
	values := model().ComputeLanguageConfidenceValues(text)
	if len(values) == 0 || values[0].Value() <= 0 {
		return "", 0
	}
	if len(values) > 1 && values[0].Value() == values[1].Value() {
		return "", 0
	}
	return strings.ToLower(values[0].Language().IsoCode639_1().String()), values[0].Value()
}

// sample returns at most max runes of text, cut at the last space before the
// limit so that no word is split.
func sample(text string, max int) string {
	if utf8.RuneCountInString(text) <= max {
		return text
	}
	n := 0
	cut := len(text)
	for i := range text {
		if n == max {
			cut = i
			break
		}
		n++
	}
	if sp := strings.LastIndexAny(text[:cut], " \t\n"); sp > cut/2 {
		cut = sp
	}
	return text[:cut]
}

// byScript answers from the writing system alone when the letters of text are
// mostly in a script that belongs to a single language. ok is false when
// the text needs the statistical model (or has no letters at all and lingua
// will say so).
func byScript(text string) (code string, confidence float64, ok bool) {
	var letters, han, kana, latinLike int
	counts := make([]int, len(scriptLanguages))
	for _, r := range text {
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		switch {
		case r < 0x0250: // Latin (basic, supplement, extended A/B): most common case first.
			latinLike++
			continue
		case unicode.Is(unicode.Han, r):
			han++
			continue
		case unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r):
			kana++
			continue
		}
		for i, s := range scriptLanguages {
			if unicode.Is(s.table, r) {
				counts[i]++
				break
			}
		}
	}
	if letters == 0 {
		return "", 0, false
	}
	half := letters / 2
	switch {
	case han+kana > half && kana > 0 && kana*20 >= han:
		// Japanese mixes kana into nearly every sentence; Chinese never
		// uses kana. A little kana among much Han still means Japanese.
		return "ja", float64(han+kana) / float64(letters), true
	case han > half:
		return "zh", float64(han) / float64(letters), true
	}
	for i, c := range counts {
		if c > half {
			return scriptLanguages[i].code, float64(c) / float64(letters), true
		}
	}
	return "", 0, false
}
