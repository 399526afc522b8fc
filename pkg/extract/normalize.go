package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// normalizeText returns s in Unicode NFC with whitespace collapsed to single
// spaces and trimmed, and with invisible characters removed: soft hyphens,
// zero-width spaces, word joiners, byte order marks, bidi controls, control
// characters and invalid UTF-8. ZERO WIDTH (NON-)JOINER (U+200C/U+200D) are
// kept: they change the spelling of Persian and Indic words and make emoji
// sequences, so removing them would corrupt text rather than clean it.
func normalizeText(s string) string {
	if s == "" {
		return ""
	}
	if isCleanASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == utf8.RuneError && n == 1:
			continue
		case isSpace(r):
			space = b.Len() > 0
			continue
		case isInvisible(r):
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	out := b.String()
	if !norm.NFC.IsNormalString(out) {
		out = norm.NFC.String(out)
	}
	return out
}

// isCleanASCII reports whether s is printable ASCII with single inner
// spaces and no leading or trailing space: already normalised.
func isCleanASCII(s string) bool {
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	prevSpace := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f {
			return false
		}
		if c == ' ' {
			if prevSpace {
				return false
			}
			prevSpace = true
		} else {
			prevSpace = false
		}
	}
	return true
}

func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\f', '\v', 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

func isInvisible(r rune) bool {
	switch r {
	case 0xad, // soft hyphen
		0x200b,         // zero width space
		0x2060, 0xfeff, // word joiner, BOM / zero width no-break space
		0x180e,                 // Mongolian vowel separator
		0x200e, 0x200f, 0x061c, // directional marks
		0xfffe, 0xffff, 0xfff9, 0xfffa, 0xfffb: // non-characters, interlinear annotations
		return true
	}
	if r < 0x20 || (r >= 0x7f && r < 0xa0) {
		return true // C0 and C1 controls (whitespace ones were handled before)
	}
	if (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
		return true // bidi embedding and isolate controls
	}
	return false
}

// countWords counts words: runs of letters, digits and joiners in scripts
// that separate words by spaces, and each character of scripts that do not
// (Han, Hiragana, Katakana), as word processors count East Asian text.
func countWords(s string) int {
	n := 0
	in := false
	for _, r := range s {
		switch {
		case isCJKChar(r):
			n++
			in = false
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			if !in {
				n++
				in = true
			}
		case r == '\'' || r == '’' || r == '-' || r == '.' || r == ',' || r == 0x200c || r == 0x200d:
			// inside words: don't't, e-mail, 3.5, 1,000
		default:
			in = false
		}
	}
	return n
}

func isCJKChar(r rune) bool {
	return r >= 0x2e80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r))
}

// CountWords counts the words of s as Article.WordCount does: CJK
// characters count one word each.
func CountWords(s string) int { return countWords(s) }
