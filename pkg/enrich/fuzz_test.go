package enrich

import (
	"context"
	"testing"
	"unicode/utf8"
)

// FuzzEnrich checks that no input makes Enrich fail, panic inside a part
// (which would show up in Degraded) or produce mentions outside the text.
func FuzzEnrich(f *testing.F) {
	for _, s := range []string{"", "President Xi Jinping met Vladimir Putin in Moscow.", "U.S. Senate’s “Ja-Ian” P. Veeramuthuvel", "l'Économie d’Ivoire", "\xff\xfe", "Москве Warszawie Ankara'da"} {
		f.Add(s, "")
	}
	e, err := New(Disable(PartLanguage))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text, lang string) {
		res, err := e.Enrich(context.Background(), Input{Title: text, Text: text, Language: lang})
		if err != nil || len(res.Degraded) > 0 {
			t.Fatalf("err %v degraded %v", err, res.Degraded)
		}
		n := utf8.RuneCountInString(text)
		for _, ent := range res.Entities {
			for _, m := range ent.Mentions {
				if m.Start < 0 || m.End > n || m.Start >= m.End {
					t.Fatalf("mention %v outside text of %d runes", m, n)
				}
			}
		}
	})
}
