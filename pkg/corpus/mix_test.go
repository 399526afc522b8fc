package corpus

import (
	"html"
	"strings"
	"testing"
)

func TestPageSizesAndLanguages(t *testing.T) {
	cases := []struct {
		name  string
		spec  Spec
		lo    int
		hi    int
		words []string
	}{
		{"small english", Spec{ID: 1, Lang: "en", Bytes: 20 << 10}, 20 << 10, 28 << 10, []string{"Report number 1 from"}},
		{"german", Spec{ID: 2, Lang: "de", Bytes: 100 << 10}, 100 << 10, 108 << 10, []string{"Bericht Nummer 2 aus", " hat "}},
		{"french", Spec{ID: 3, Lang: "fr", Bytes: 50 << 10}, 50 << 10, 58 << 10, []string{"Le rapport numéro 3 de"}},
		{"spanish tagged", Spec{ID: 4, Lang: "es", Tag: "r1", Bytes: 30 << 10}, 30 << 10, 38 << 10, []string{"El informe número 4-r1 de", "story-4-r1.html"}},
		{"two megabytes", Spec{ID: 5, Bytes: 2 << 20, Paragraphs: 40}, 2 << 20, 2<<20 + 8<<10, nil},
		{"article larger than asked", Spec{ID: 6, Bytes: 1000, Paragraphs: 30}, 3000, 40 << 10, nil},
		{"unknown language is english", Spec{ID: 7, Lang: "xx"}, 1000, 20 << 10, []string{`lang="en"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := New(1).Page(c.spec)
			if n := len(p.HTML); n < c.lo || n > c.hi {
				t.Errorf("page of %d bytes, want %d..%d", n, c.lo, c.hi)
			}
			body := string(p.HTML)
			for _, w := range c.words {
				if !strings.Contains(body, w) && !strings.Contains(p.URL, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, para := range p.Paragraphs {
				if !strings.Contains(body, html.EscapeString(para)) {
					t.Errorf("paragraph %q... not in the page", para[:40])
				}
			}
			if !strings.HasSuffix(body, "</html>") {
				t.Error("page does not end with </html>")
			}
		})
	}
}

func TestCopies(t *testing.T) {
	g := New(3)
	orig := g.Page(Spec{ID: 10, Lang: "fr", Bytes: 80 << 10, Paragraphs: 8})
	for _, c := range []struct {
		kind        Kind
		sameURL     bool
		sameHTML    bool
		sameParas   bool
		canonicalOf string
	}{
		{Original, true, true, true, orig.URL},
		{ExactCopy, true, true, true, orig.URL},
		{TrackingCopy, false, true, true, orig.URL},
		{AMPCopy, false, false, true, orig.URL},
		{ChangedCopy, false, false, false, ""},
	} {
		t.Run(c.kind.String(), func(t *testing.T) {
			cp := g.Copy(orig, c.kind, "partner.example", 60<<10)
			if cp.Kind != c.kind {
				t.Errorf("kind %v", cp.Kind)
			}
			if (cp.URL == orig.URL) != c.sameURL {
				t.Errorf("url %s (original %s)", cp.URL, orig.URL)
			}
			if (string(cp.HTML) == string(orig.HTML)) != c.sameHTML {
				t.Errorf("same html: %v", !c.sameHTML)
			}
			if (strings.Join(cp.Paragraphs, "\n") == strings.Join(orig.Paragraphs, "\n")) != c.sameParas {
				t.Errorf("same paragraphs: %v", !c.sameParas)
			}
			if c.canonicalOf != "" && !strings.Contains(string(cp.HTML), `<link rel="canonical" href="`+c.canonicalOf+`">`) {
				t.Errorf("%s copy does not point at %s", c.kind, c.canonicalOf)
			}
			if c.kind == ChangedCopy {
				if !strings.HasPrefix(cp.URL, "https://partner.example/") {
					t.Errorf("changed copy at %s", cp.URL)
				}
				diff := 0
				for i := range cp.Paragraphs {
					if cp.Paragraphs[i] != orig.Paragraphs[i] {
						diff++
					}
				}
				if diff != 1 || !strings.Contains(strings.Join(cp.Paragraphs, " "), "mis à jour") {
					t.Errorf("changed copy differs in %d paragraphs, want 1 with the update sentence", diff)
				}
			}
		})
	}
}

func TestNoCanonical(t *testing.T) {
	p := New(1).Page(Spec{ID: 1, NoCanonical: true})
	if strings.Contains(string(p.HTML), `rel="canonical"`) || strings.Contains(string(p.HTML), `og:url`) {
		t.Error("page declares a canonical address")
	}
}

func TestPageDeterministic(t *testing.T) {
	a := New(9).Page(Spec{ID: 3, Lang: "de", Bytes: 64 << 10})
	b := New(9).Page(Spec{ID: 3, Lang: "de", Bytes: 64 << 10})
	if string(a.HTML) != string(b.HTML) {
		t.Error("same seed, different pages")
	}
}
