package dedup

import (
	"testing"
	"unicode/utf8"
)

// FuzzFingerprint: any text fingerprints without panicking, deterministically,
// and normalisation is idempotent.
func FuzzFingerprint(f *testing.F) {
	f.Add("Hello, World!\n\nSecond paragraph — with “quotes”.")
	f.Add("北京 said 習近平 will visit モスクワ next week")
	f.Add(string([]byte{0xff, 0xfe, 'a', '\n', 0xc3}))
	f.Fuzz(func(t *testing.T, text string) {
		cfg := Config{Canonical: lowerURL, MinWords: 1}
		a, err := cfg.Fingerprint("https://x.example/", text)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := cfg.Fingerprint("https://x.example/", text)
		if a != b {
			t.Fatalf("not deterministic: %+v vs %+v", a, b)
		}
		n := NormalizeText(text)
		if !utf8.ValidString(n) && utf8.ValidString(text) {
			t.Fatalf("normalised text of valid UTF-8 is invalid: %q", n)
		}
		if NormalizeText(n) != n {
			t.Fatalf("normalisation not idempotent: %q -> %q", n, NormalizeText(n))
		}
		if (a.ContentHash == "") != (n == "") {
			t.Fatalf("content hash %q for normalised text %q", a.ContentHash, n)
		}
	})
}
