package dedup

import (
	"crypto/sha256"
	"encoding/hex"
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"
	"golang.org/x/text/unicode/norm"
)

// Text limits that keep fingerprinting bounded on hostile input.
const (
	// MaxTextBytes is the most text fingerprinted; the rest is ignored. Long
	// enough for any article (the fetcher caps pages at a few MiB of HTML,
	// which is far less text).
	MaxTextBytes = 1 << 20
	// maxWordBytes truncates absurdly long "words" (base64 blobs, URLs).
	maxWordBytes = 64
)

// Words splits text into paragraphs of normalised words: Unicode NFKC,
// lower-cased, split on anything that is not a letter, mark or digit.
// Paragraphs are separated by line breaks; empty ones are dropped. Scripts
// written without spaces (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar)
// yield one word per character, so that shingles stay meaningful there too.
func Words(text string) [][]string {
	if len(text) > MaxTextBytes {
		text = text[:MaxTextBytes]
	}
	var paras [][]string
	for line := range strings.SplitSeq(text, "\n") {
		if ws := lineWords(line); len(ws) > 0 {
			paras = append(paras, ws)
		}
	}
	return paras
}

// lineWords splits one line. The words are substrings of the folded line,
// not copies: fingerprinting allocates once per line, not once per word.
func lineWords(line string) []string {
	line = foldLine(line)
	var ws []string
	start := -1 // byte offset of the word being read, or -1
	flush := func(end int) {
		if start >= 0 && end > start {
			w := line[start:end]
			if len(w) > maxWordBytes {
				w = truncateUTF8(w, maxWordBytes)
			}
			ws = append(ws, w)
		}
		start = -1
	}
	for i, r := range line {
		switch {
		case unspaced(r):
			flush(i)
			ws = append(ws, line[i:i+utf8.RuneLen(r)])
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			if start < 0 {
				start = i
			}
		default:
			flush(i)
		}
	}
	flush(len(line))
	return ws
}

// maxFoldPasses bounds foldLine. Real text settles after one pass; the
// pathological inputs the fuzzer finds settle after two.
const maxFoldPasses = 4

// foldLine lower-cases line and puts it in NFKC until both hold at once, so
// that NormalizeText is idempotent. One pass of each is not enough either
// way round: lower-casing can leave text that NFKC recomposes ("İ" + U+0301
// lowers to "i" + U+0301, which is "í"), and NFKC can produce upper case
// ("㎆" becomes "MB").
func foldLine(line string) string {
	for range maxFoldPasses {
		next := strings.ToLower(norm.NFKC.String(line))
		if next == line {
			break
		}
		line = next
	}
	return line
}

func unspaced(r rune) bool {
	return r >= 0x0E00 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana,
		unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar)
}

func truncateUTF8(s string, n int) string {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// NormalizeText is the form of text the content hash is taken of: the words
// of Words joined by single spaces, paragraphs included. Case, punctuation,
// typographic quotes, Unicode compatibility forms and whitespace do not
// matter; every word and its order do.
func NormalizeText(text string) string {
	var b strings.Builder
	for _, p := range Words(text) {
		for _, w := range p {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(w)
		}
	}
	return b.String()
}

// ContentHash is the identity of a story's text: the first 128 bits of the
// SHA-256 of NormalizeText(text), in lower-case hex (32 characters). SHA-256
// rather than a fast hash because the key is shared across processes and
// versions for the whole dedup window and must never collide by accident;
// 128 bits keep the Redis key short. Empty text has no content hash ("").
func ContentHash(text string) string {
	return hashNormalized(NormalizeText(text))
}

func hashNormalized(n string) string {
	if n == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(n))
	return hex.EncodeToString(sum[:16])
}

// ShingleHashes returns the xxhash64 of every k-word shingle of each
// paragraph (shingles do not cross paragraph breaks, so reordered paragraphs
// keep their shingles). A paragraph shorter than k words is one shingle. Equal
// shingles are kept (SimHash weighs them by count; MinHash ignores repeats).
func ShingleHashes(paras [][]string, k int) []uint64 {
	if k < 1 {
		k = 1
	}
	var hs []uint64
	var buf []byte
	shingle := func(ws []string) uint64 {
		buf = buf[:0]
		for i, w := range ws {
			if i > 0 {
				buf = append(buf, ' ')
			}
			buf = append(buf, w...)
		}
		return xxhash.Sum64(buf)
	}
	for _, p := range paras {
		if len(p) < k {
			hs = append(hs, shingle(p))
			continue
		}
		for i := 0; i+k <= len(p); i++ {
			hs = append(hs, shingle(p[i:i+k]))
		}
	}
	return hs
}

// SimHash is Charikar's 64-bit similarity hash of feature hashes, each of
// weight one: bit i is set when more features have bit i set than clear.
// Similar feature sets give hashes at a small Hamming distance. It is offered
// for comparison (Sketch: SketchSimHash); see MinHash64 for why it is not the
// default.
func SimHash(features []uint64) uint64 {
	if len(features) == 0 {
		return 0
	}
	var v [64]int32
	for _, f := range features {
		for i := range 64 {
			v[i] += int32(f>>i&1)*2 - 1
		}
	}
	var h uint64
	for i := range 64 {
		if v[i] > 0 {
			h |= 1 << i
		}
	}
	return h
}

// MinHash64 is a 64-bit similarity sketch compared, like SimHash, by Hamming
// distance: one-permutation MinHash with 64 bins, one bit per bin (b-bit
// minwise hashing, Li & König 2010; Li, Owen & Zhang 2012) and rotation
// densification of empty bins (Shrivastava & Li 2014).
//
// Each feature hash is remixed; its low 6 bits pick a bin and the rest is its
// value; a bin keeps its smallest value and the sketch's bit i is the lowest bit
// of bin i's minimum. Two documents whose shingle sets have Jaccard similarity
// J differ in each bit with probability about (1-J)/2, so the expected distance
// grows linearly with the share of changed shingles, where Charikar's SimHash
// grows with the angle between the feature vectors, about its square root.
// The package documentation has the measured recall of both.
func MinHash64(features []uint64) uint64 {
	if len(features) == 0 {
		return 0
	}
	var (
		mins [64]uint64
		set  uint64
	)
	for _, f := range features {
		h := mix64(f)
		b := h & 63
		v := h >> 6
		if set&(1<<b) == 0 || v < mins[b] {
			mins[b] = v
			set |= 1 << b
		}
	}
	var sketch uint64
	for i := range 64 {
		j, hops := i, 0
		for set&(1<<j) == 0 { // borrow from the next filled bin, circularly
			j = (j + 1) & 63
			hops++
		}
		v := mins[j]
		if hops > 0 {
			// Borrowed values are re-mixed with the hop count so that bins
			// borrowing from the same neighbour do not all copy one bit.
			v = mix64(v + uint64(hops)*0x9e3779b97f4a7c15)
		}
		sketch |= (v & 1) << i
	}
	return sketch
}

// mix64 is the SplitMix64 finaliser: a bijection that spreads every input bit
// over the output, so that the bin choice and the kept bit are independent of
// the (already good) xxhash bits they come from.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// Hamming is the number of differing bits of two sketches.
func Hamming(a, b uint64) int { return bits.OnesCount64(a ^ b) }

// bands splits a sketch into its four 16-bit bands. Two sketches within
// Hamming distance 3 agree on at least one band (pigeonhole: 3 differing bits
// fall into at most 3 of the 4 bands).
func bands(s uint64) [4]uint16 {
	var out [4]uint16
	for i := range out {
		out[i] = uint16(s >> (16 * i))
	}
	return out
}

// StoryID is the identity of a story: the first 128 bits of the SHA-256 of
// its first canonical URL, in lower-case hex (32 characters). It is a pure
// function of the URL, so replays and rebuilds map a story to the same id.
func StoryID(canonicalURL string) string {
	sum := sha256.Sum256([]byte(canonicalURL))
	return hex.EncodeToString(sum[:16])
}
