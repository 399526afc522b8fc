package dedup

import "testing"

func TestNormalizeText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"case and punctuation", "Hello, World!", "hello world"},
		{"typographic quotes and dashes", "“Quoted” — text", "quoted text"},
		{"paragraphs become spaces", "One two.\n\nThree.", "one two three"},
		{"compatibility forms", "ﬁnal Ｆｕｌｌ", "final full"},
		{"compatibility form yielding upper case", "5㎆", "5mb"},
		{"modifier letter", "ʰ", "h"},
		{"dotted capital I with acute", "İ\u0301", "í"},
		{"Greek with combining acute", "Ϊ\u0301", "ΐ"},
		{"Greek with ypogegrammeni", "Ά\u0345", "ᾴ"},
		{"unspaced script one word per character", "北京大学", "北 京 大 学"},
		{"empty", " \n\t ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NormalizeText(tt.in)
			if got != tt.want {
				t.Errorf("NormalizeText(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := NormalizeText(got); again != got {
				t.Errorf("not idempotent: %q -> %q", got, again)
			}
		})
	}
}
