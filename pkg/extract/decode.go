package extract

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	xunicode "golang.org/x/text/encoding/unicode"
)

// sniffBinary reports why body is not text, or "" if it may be text.
// It checks well-known file signatures, then the share of control bytes in
// a sample: text has almost none, random or compressed bytes about 10%.
func sniffBinary(body []byte, declared string) string {
	for _, m := range magics {
		if bytes.HasPrefix(body, m.sig) {
			return "file signature of " + m.name
		}
	}
	if len(body) > 12 && string(body[4:8]) == "ftyp" {
		return "file signature of mp4/quicktime"
	}
	if hasUTF16BOM(body) || strings.Contains(strings.ToLower(declared), "utf-16") {
		return ""
	}
	sample := body
	if len(sample) > 8192 {
		sample = sample[:8192]
	}
	var ctrl, nulOdd, nulEven int
	for i, c := range sample {
		if c == 0 {
			if i%2 == 1 {
				nulOdd++
			} else {
				nulEven++
			}
		}
		if c < 0x09 || (c > 0x0d && c < 0x20 && c != 0x1b) || c == 0x7f {
			ctrl++
		}
	}
	// UTF-16 without a BOM: NULs on one side only (ASCII-range text).
	half := len(sample) / 2
	if half > 8 && ((nulOdd > half*4/10 && nulEven < half/100+1) || (nulEven > half*4/10 && nulOdd < half/100+1)) {
		return ""
	}
	if ctrl*100 > len(sample)*2 && ctrl > 4 {
		return fmt.Sprintf("%d control bytes in the first %d", ctrl, len(sample))
	}
	return ""
}

var magics = []struct {
	sig  []byte
	name string
}{
	{[]byte("%PDF-"), "pdf"},
	{[]byte("\x89PNG\r\n\x1a\n"), "png"},
	{[]byte("GIF87a"), "gif"},
	{[]byte("GIF89a"), "gif"},
	{[]byte("\xff\xd8\xff"), "jpeg"},
	{[]byte("RIFF"), "riff (webp/wav/avi)"},
	{[]byte("PK\x03\x04"), "zip"},
	{[]byte("\x1f\x8b"), "gzip"},
	{[]byte("BZh"), "bzip2"},
	{[]byte("\x28\xb5\x2f\xfd"), "zstd"},
	{[]byte("7z\xbc\xaf\x27\x1c"), "7z"},
	{[]byte("Rar!\x1a\x07"), "rar"},
	{[]byte("\x7fELF"), "elf"},
	{[]byte("OggS"), "ogg"},
	{[]byte("ID3"), "mp3"},
	{[]byte("fLaC"), "flac"},
	{[]byte("wOFF"), "woff"},
	{[]byte("wOF2"), "woff2"},
	{[]byte("\x00\x00\x01\x00"), "ico"},
	{[]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), "ms office"},
	{[]byte("\x00asm"), "wasm"},
}

func hasUTF16BOM(b []byte) bool {
	return bytes.HasPrefix(b, []byte{0xff, 0xfe}) || bytes.HasPrefix(b, []byte{0xfe, 0xff})
}

// looksLikeHTML sniffs whether body is markup. strict is used when the
// server said text/plain: then only a document that starts like HTML counts.
func looksLikeHTML(body []byte, strict bool) bool {
	head := body
	if len(head) > 2048 {
		head = head[:2048]
	}
	head = bytes.TrimLeft(head, "\xef\xbb\xbf \t\r\n")
	var buf [2048]byte
	lower := buf[:len(head)]
	for i, c := range head {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	for _, p := range []string{"<!doctype html", "<html", "<?xml", "<head", "<!--"} {
		if bytes.HasPrefix(lower, []byte(p)) {
			return true
		}
	}
	if strict {
		return false
	}
	n := 0
	for _, t := range []string{"<body", "<div", "<p>", "<p ", "<meta", "<title", "<article", "<br", "<span", "<a href"} {
		n += bytes.Count(lower, []byte(t))
	}
	return n >= 2 || bytes.HasPrefix(lower, []byte("<"))
}

var metaCharsetRE = regexp.MustCompile(`(?i)<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-z0-9_:.\-]+)|<\?xml[^>]{0,100}encoding\s*=\s*["']([a-z0-9_:.\-]+)`)

// decode converts body to UTF-8. The charset is, in order: a byte order
// mark; the out-of-band declaration (HTTP header); for HTML a <meta charset>
// or XML declaration in the first 16 KiB (WHATWG says 1024 bytes, but many
// news pages put it later); then sniffing (valid UTF-8, double-byte CJK
// encodings, else windows-1252, the web's default).
func decode(body []byte, declared string, isHTML bool) ([]byte, string, error) {
	if rest, ok := bytes.CutPrefix(body, []byte("\xef\xbb\xbf")); ok {
		return rest, "utf-8", nil
	}
	if hasUTF16BOM(body) {
		return decodeWith(body, xunicode.UTF16(xunicode.BigEndian, xunicode.ExpectBOM), "utf-16")
	}
	labels := []string{declared}
	if isHTML {
		head := body
		if len(head) > 16384 {
			head = head[:16384]
		}
		if m := metaCharsetRE.FindSubmatch(head); m != nil {
			labels = append(labels, string(m[1])+string(m[2]))
		}
	}
	valid := utf8.Valid(body)
	for _, label := range labels {
		label = strings.TrimSpace(label)
		if label == "" {
			continue
		}
		enc, err := htmlindex.Get(label)
		if err != nil {
			if valid {
				return body, "utf-8", nil
			}
			return nil, "", newError(OutcomeUndecodable, err, "unsupported charset %q", label)
		}
		name, _ := htmlindex.Name(enc)
		if enc == encoding.Replacement {
			return nil, "", newError(OutcomeUndecodable, nil, "charset %q has no decoder (replacement encoding)", label)
		}
		switch name {
		case "utf-8":
			if valid {
				return body, name, nil
			}
			// Declared UTF-8 but not UTF-8: mislabelled pages are common;
			// sniff instead of showing replacement characters.
			if mostlyValidUTF8(body) {
				return bytes.ToValidUTF8(body, []byte("\ufffd")), name, nil
			}
			return sniffDecode(body)
		case "utf-16be", "utf-16le":
			if valid && !bytes.Contains(body, []byte{0}) {
				return body, "utf-8", nil // an HTML meta saying utf-16 in a page that is ASCII/UTF-8
			}
		}
		return decodeWith(body, enc, name)
	}
	if valid {
		return body, "utf-8", nil
	}
	return sniffDecode(body)
}

// mostlyValidUTF8 reports whether at most 1 in 200 bytes is part of an
// invalid sequence: a UTF-8 page with a few broken bytes, not another charset.
func mostlyValidUTF8(b []byte) bool {
	total, bad := len(b), 0
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			bad++
		}
		b = b[n:]
	}
	return bad*200 <= total && bad < 64
}

func decodeWith(body []byte, enc encoding.Encoding, name string) ([]byte, string, error) {
	out, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		return nil, "", newError(OutcomeUndecodable, err, "decode as %s", name)
	}
	if bad := bytes.Count(out, []byte("\ufffd")); bad > 16 && bad*10 > utf8.RuneCount(out) {
		return nil, "", newError(OutcomeUndecodable, nil, "%d of %d characters do not decode as %s", bad, utf8.RuneCount(out), name)
	}
	return out, name, nil
}

// sniffDecode picks a charset for bytes that are not UTF-8 and declare
// nothing. Isolated high bytes between ASCII letters are a single-byte
// European charset (decoded as windows-1252, a superset of ISO-8859-1);
// runs of high bytes are a double-byte East Asian charset, chosen by which
// decodes with no errors into the most characters of its own script.
func sniffDecode(body []byte) ([]byte, string, error) {
	sample := body
	if len(sample) > 65536 {
		sample = sample[:65536]
	}
	high, paired := 0, 0
	for i, c := range sample {
		if c >= 0x80 {
			high++
			if (i > 0 && sample[i-1] >= 0x80) || (i+1 < len(sample) && sample[i+1] >= 0x80) {
				paired++
			}
		}
	}
	if high >= 8 && paired*10 >= high*7 {
		best, bestScore := -1, 0.5
		for i, c := range cjkCandidates {
			if s := c.score(sample); s > bestScore {
				best, bestScore = i, s
			}
		}
		if best >= 0 {
			return decodeWith(body, cjkCandidates[best].enc, cjkCandidates[best].name)
		}
	}
	enc, _ := htmlindex.Get("windows-1252")
	return decodeWith(body, enc, "windows-1252")
}

type cjkCandidate struct {
	name string
	enc  encoding.Encoding
	// script reports whether r is a character of the candidate's language;
	// bonus reports whether r is a character only that language uses much
	// (kana for Japanese, Hangul for Korean), rewarded when frequent.
	script, bonus func(r rune) bool
}

// The order breaks ties; charset sniffing of East Asian text without any
// declaration is best-effort (almost every such page declares its charset).
var cjkCandidates = []cjkCandidate{
	{"shift_jis", japanese.ShiftJIS, isJapanese, isKana},
	{"euc-jp", japanese.EUCJP, isJapanese, isKana},
	{"euc-kr", korean.EUCKR, isKorean, isHangul},
	{"gbk", simplifiedchinese.GBK, isHan, nil},
	{"big5", traditionalchinese.Big5, isHan, nil},
}

// score is the share of decoded non-ASCII characters that belong to the
// candidate's script, minus a heavy penalty per decoding error, plus a bonus
// when the language's own characters are frequent.
func (c cjkCandidate) score(sample []byte) float64 {
	out, err := c.enc.NewDecoder().Bytes(sample)
	if err != nil {
		return 0
	}
	var n, good, bad, own int
	for _, r := range string(out) {
		if r < 0x80 {
			continue
		}
		n++
		switch {
		case r == utf8.RuneError:
			bad++
		case r >= 0xff61 && r <= 0xff9f: // half-width katakana: rare in real text, common in mojibake
			bad++
		case c.script(r):
			good++
		}
		if c.bonus != nil && c.bonus(r) {
			own++
		}
	}
	if n == 0 {
		return 0
	}
	if bad*100 > n {
		return 0 // text in the right charset decodes (almost) without errors
	}
	s := float64(good-5*bad) / float64(n)
	if c.bonus != nil && own*10 >= n*6 {
		s += 0.5
	} else if c.bonus != nil && own*10 >= n {
		s += 0.2
	}
	return s
}

func isHan(r rune) bool {
	return (r >= 0x4e00 && r <= 0x9fff) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff01 && r <= 0xff5e)
}

func isKana(r rune) bool { return r >= 0x3040 && r <= 0x30ff }

func isHangul(r rune) bool { return unicode.Is(unicode.Hangul, r) }

func isJapanese(r rune) bool { return isHan(r) || isKana(r) }

func isKorean(r rune) bool { return isHangul(r) || isHan(r) }
