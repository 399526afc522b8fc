package extract

import (
	"bytes"
	"context"
	"errors"
	"math/rand"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/unicode/norm"
)

// allocDuring returns the bytes allocated (cumulative) and the peak-ish
// live heap growth while f runs.
func allocDuring(f func()) (total, live uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	total = after.TotalAlloc - before.TotalAlloc
	if after.HeapAlloc > before.HeapAlloc {
		live = after.HeapAlloc - before.HeapAlloc
	}
	return total, live
}

const mib = 1 << 20

var articleHTML = `<html><head><title>Test story - Site</title></head><body><article><h1>Test story</h1>` +
	strings.Repeat(`<p>The committee met on Tuesday to discuss the budget, and members agreed that spending on roads, schools and parks would rise next year.</p>`, 5) +
	`</article></body></html>`

func TestTooLargeRejectedBeforeParsing(t *testing.T) {
	body := bytes.Repeat([]byte("<p>lorem ipsum dolor sit amet</p>\n"), 50*mib/34+1) // ~50 MiB
	var err error
	total, _ := allocDuring(func() {
		_, err = New().Extract(context.Background(), Page{ContentType: "text/html", Body: body})
	})
	if !errors.Is(err, ErrTooLarge) || OutcomeOf(err) != OutcomeTooLarge {
		t.Fatalf("err = %v, want too_large", err)
	}
	if total > mib {
		t.Errorf("rejecting a 50 MiB page allocated %d bytes", total)
	}
}

func TestDeepNesting(t *testing.T) {
	const depth = 100_000
	for _, tc := range []struct{ name, open, close string }{
		{"div", "<div>", "</div>"},
		{"span", "<span>", "</span>"},
		{"unclosed-div", "<div>", ""},
		{"table", "<table><tr><td>", "</td></tr></table>"},
		{"anchor-b", "<a href=x><b>", "</b></a>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			b.WriteString("<html><body>")
			for range depth {
				b.WriteString(tc.open)
			}
			b.WriteString(strings.Repeat("<p>The committee met on Tuesday to discuss the budget, and members agreed that spending would rise.</p>", 4))
			for range depth {
				b.WriteString(tc.close)
			}
			b.WriteString("</body></html>")
			var a *Article
			var err error
			total, live := allocDuring(func() {
				a, err = New().Extract(context.Background(), Page{ContentType: "text/html", Body: b.Bytes()})
			})
			switch OutcomeOf(err) {
			case OutcomeOK:
				if !strings.Contains(a.Text, "The committee met on Tuesday") {
					t.Errorf("deep text lost: %q", a.Text)
				}
			case OutcomeTooComplex, OutcomeNotArticle:
			default:
				t.Fatalf("outcome %s: %v", OutcomeOf(err), err)
			}
			// ~2 MB of input: the tree costs about 100 bytes a node.
			if total > 200*mib || live > 100*mib {
				t.Errorf("allocated %d MiB total, %d MiB live", total/mib, live/mib)
			}
			t.Logf("%d bytes in: outcome %s, %d MiB allocated", b.Len(), OutcomeOf(err), total/mib)
		})
	}
}

func TestHugeDOMOverBudget(t *testing.T) {
	body := []byte("<html><body>" + strings.Repeat("<i>x</i>", 400_000) + "</body></html>") // 800k nodes, 3.2 MB
	var err error
	total, _ := allocDuring(func() {
		_, err = New().Extract(context.Background(), Page{ContentType: "text/html", Body: body})
	})
	if !errors.Is(err, ErrTooComplex) {
		t.Fatalf("err = %v, want too_complex", err)
	}
	if total > 150*mib {
		t.Errorf("allocated %d MiB before giving up", total/mib)
	}
	// A smaller budget stops earlier and cheaper.
	var total2 uint64
	total2, _ = allocDuring(func() {
		_, err = New(WithMaxNodes(10_000)).Extract(context.Background(), Page{ContentType: "text/html", Body: body})
	})
	if !errors.Is(err, ErrTooComplex) || total2 >= total {
		t.Errorf("budget 10k: err %v, %d bytes (default budget %d)", err, total2, total)
	}
}

func TestRandomBytes(t *testing.T) {
	body := make([]byte, 10*mib)
	rand.New(rand.NewSource(1)).Read(body)
	var err error
	total, _ := allocDuring(func() {
		_, err = New(WithMaxBytes(16*mib)).Extract(context.Background(), Page{Body: body})
	})
	if !errors.Is(err, ErrBinary) {
		t.Fatalf("err = %v, want binary", err)
	}
	if total > mib {
		t.Errorf("classifying 10 MiB of random bytes allocated %d bytes", total)
	}
	// Served as text/html it is still binary; over the default cap it is too large.
	if _, err := New(WithMaxBytes(16*mib)).Extract(context.Background(), Page{ContentType: "text/html", Body: body}); !errors.Is(err, ErrBinary) {
		t.Errorf("as text/html: %v", err)
	}
	if _, err := New().Extract(context.Background(), Page{Body: body}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("default cap: %v", err)
	}
}

func TestOutcomes(t *testing.T) {
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 100)...)
	tests := []struct {
		name string
		page Page
		want error
	}{
		{"empty", Page{}, ErrEmpty},
		{"blank", Page{Body: []byte(" \n\t\r\n")}, ErrEmpty},
		{"empty html", Page{ContentType: "text/html", Body: []byte("<html><head><title></title></head><body> </body></html>")}, ErrEmpty},
		{"only scripts", Page{Body: []byte("<html><body><script>var a = 'lots of text here';</script><style>p{}</style></body></html>")}, ErrEmpty},
		{"png", Page{Body: png}, ErrBinary},
		{"pdf", Page{Body: []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")}, ErrBinary},
		{"image content type", Page{ContentType: "image/jpeg", Body: []byte("whatever")}, ErrBinary},
		{"gzip", Page{Body: []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00")}, ErrBinary},
		{"short text", Page{ContentType: "text/plain", Body: []byte("Hello world.")}, ErrNotArticle},
		{"nav only", Page{ContentType: "text/html", Body: []byte(`<html><body><nav><a href="/a">Home</a><a href="/b">World</a></nav><p>Contact us</p></body></html>`)}, ErrNotArticle},
		{"unknown charset", Page{ContentType: "text/html; charset=x-no-such-charset", Body: []byte("<p>caf\xe9 \xff\xfe na\xefve</p>")}, ErrUndecodable},
		{"replacement charset", Page{Charset: "iso-2022-kr", Body: []byte("<p>\x1b$)C text</p>")}, ErrUndecodable},
		{"broken utf-16", Page{Charset: "utf-16le", Body: bytes.Repeat([]byte{0x00, 0xd8}, 200)}, ErrUndecodable},
	}
	ex := New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ex.Extract(context.Background(), tt.page)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var e *Error
			if !errors.As(err, &e) || e.Outcome != OutcomeOf(err) {
				t.Errorf("error %v is not an *Error with its outcome", err)
			}
		})
	}
}

func TestCanceledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := New().Extract(ctx, Page{ContentType: "text/html", Body: []byte(articleHTML)})
	if !errors.Is(err, context.Canceled) || OutcomeOf(err) != OutcomeCanceled {
		t.Fatalf("err = %v", err)
	}
}

func TestCharsets(t *testing.T) {
	const de = "Die Bürgerinnen und Bürger der Stadt stimmten am Sonntag über den Bau einer neuen Brücke ab. Größere Mehrheiten gab es selten, sagte der Bürgermeister über das Ergebnis der Abstimmung."
	const ja = "気象庁は２１日、東京都心で桜が開花したと発表した。平年より３日早く、昨年より７日遅い開花となった。靖国神社の標本木で、基準となる５輪以上の花が咲いているのを職員が確認した。都内の公園では多くの人が花見を楽しんだ。"
	win1252, _ := charmap.Windows1252.NewEncoder().String(de)
	latin2, _ := charmap.ISO8859_2.NewEncoder().String("Zażółć gęślą jaźń. " + strings.Repeat("Mieszkańcy miasta świętowali otwarcie nowego mostu, który połączył dwie dzielnice. ", 4))
	sjis, _ := japanese.ShiftJIS.NewEncoder().String(ja)
	tests := []struct {
		name        string
		page        Page
		wantCharset string
		wantText    string
	}{
		{"utf-8 sniffed", Page{Body: []byte("<html><body><p>" + de + "</p></body></html>")}, "utf-8", "Bürgerinnen"},
		{"windows-1252 sniffed", Page{Body: []byte("<html><body><p>" + win1252 + "</p></body></html>")}, "windows-1252", "Bürgerinnen"},
		{"windows-1252 meta", Page{Body: []byte(`<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252"></head><body><p>` + win1252 + "</p></body></html>")}, "windows-1252", "Größere"},
		{"iso-8859-2 header", Page{ContentType: "text/html; charset=ISO-8859-2", Body: []byte("<p>" + latin2 + "</p>")}, "iso-8859-2", "Zażółć gęślą jaźń"},
		{"header beats meta", Page{Charset: "iso-8859-2", Body: []byte(`<meta charset="utf-8"><p>` + latin2 + "</p>")}, "iso-8859-2", "świętowali"},
		{"shift_jis meta", Page{Body: []byte(`<html><head><meta charset="Shift_JIS"></head><body><p>` + sjis + "</p></body></html>")}, "shift_jis", "桜が開花した"},
		{"shift_jis sniffed", Page{Body: []byte("<html><body><p>" + sjis + "</p></body></html>")}, "shift_jis", "桜が開花した"},
		{"shift_jis text", Page{ContentType: "text/plain", Body: []byte(sjis)}, "shift_jis", "標本木"},
		{"utf-8 bom", Page{Body: []byte("\xef\xbb\xbf<html><body><p>" + de + "</p></body></html>")}, "utf-8", "Bürgerinnen"},
		{"mislabelled utf-8", Page{ContentType: "text/html; charset=utf-8", Body: []byte("<html><body><p>" + win1252 + "</p></body></html>")}, "windows-1252", "Bürgerinnen"},
	}
	ex := New(WithMinWords(10))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ex.Extract(context.Background(), tt.page)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if a.Charset != tt.wantCharset {
				t.Errorf("charset %q, want %q", a.Charset, tt.wantCharset)
			}
			if !strings.Contains(a.Text, tt.wantText) {
				t.Errorf("text %q does not contain %q", a.Text, tt.wantText)
			}
		})
	}
}

// TestNoMarkupInOutput: script, style, comments, templates and hidden
// elements never reach the text; entities are decoded; invisible
// characters are removed.
func TestNoMarkupInOutput(t *testing.T) {
	page := `<!DOCTYPE html><html><head><title>Budget vote - Town Times</title><style>.x{color:red} SECRETSTYLE</style>
<script>var SECRETSCRIPT = "<p>fake</p>";</script></head><body>
<!-- SECRETCOMMENT <p>commented out paragraph</p> -->
<article><h1>Budget vote</h1>
<p>The council approved the budget on Tuesday after a long debate, with twelve votes in favour and three against, ending weeks of argument.</p>
<noscript><p>SECRETNOSCRIPT please enable JavaScript</p></noscript>
<template><p>SECRETTEMPLATE</p></template>
<p style="display:none">SECRETHIDDEN paragraph that is hidden from readers by its style attribute.</p>
<p hidden>SECRETHIDDENATTR paragraph hidden by the hidden attribute, never shown to any reader.</p>
<p>Spending on roads will rise by 4&nbsp;percent, and the mayor said the town&#8217;s schools &amp; parks would get more money too. Some say it&shy;s over&#8203;due.</p>
<svg><text>SECRETSVG</text></svg>
<p>Opposition members said the plan relied on optimistic forecasts for tax income and warned of cuts later in the year.</p>
<script type="text/template"><div>SECRETTEMPLATE2</div></script>
</article></body></html>`
	a, err := New(WithMinWords(20)).Extract(context.Background(), Page{Body: []byte(page)})
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if strings.Contains(a.Text, "SECRET") || strings.ContainsAny(a.Text, "<>") {
		t.Errorf("markup or hidden text leaked: %q", a.Text)
	}
	for _, want := range []string{"4 percent", "town’s schools & parks", "its overdue."} {
		if !strings.Contains(a.Text, want) {
			t.Errorf("text lacks %q: %q", want, a.Text)
		}
	}
	if a.Title != "Budget vote" || len(a.Paragraphs) != 3 {
		t.Errorf("title %q, %d paragraphs: %q", a.Title, len(a.Paragraphs), a.Paragraphs)
	}
}

// checkInvariants holds for every successful extraction.
func checkInvariants(t *testing.T, a *Article, err error) {
	t.Helper()
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("error %v is not an *extract.Error", err)
		}
		return
	}
	if a == nil {
		t.Fatal("nil article without error")
	}
	if a.Text != strings.Join(a.Paragraphs, "\n\n") {
		t.Fatal("Text is not the joined paragraphs")
	}
	if a.WordCount != countWords(a.Text) || a.WordCount == 0 {
		t.Fatalf("word count %d for %q", a.WordCount, a.Text)
	}
	for _, p := range append(a.Paragraphs, a.Title, a.Byline) {
		if !utf8.ValidString(p) || !norm.NFC.IsNormalString(p) {
			t.Fatalf("not valid NFC UTF-8: %q", p)
		}
		if p != strings.TrimSpace(p) || strings.Contains(p, "  ") || strings.ContainsAny(p, "\n\t\u00ad\u200b\x00") {
			t.Fatalf("not normalised: %q", p)
		}
	}
}

func FuzzExtractHTML(f *testing.F) {
	f.Add([]byte(articleHTML))
	f.Add([]byte("<div><p>a<div>b</p></div><table><tr><td>x<td>y</table><li>1<li>2"))
	f.Add([]byte(`<html lang="en"><script type="application/ld+json">{"@type":"NewsArticle","headline":"H","isAccessibleForFree":false,"author":{"name":"A"}}</script><p>text</p>`))
	f.Add([]byte("<svg><p>x</svg></svg><math><p></math><template><p>t</template><select><p>s</select>"))
	f.Add([]byte("<meta charset=shift_jis><p>\x82\xa0\x82\xa2</p>"))
	ex := New(WithMaxNodes(20_000), WithMinWords(3))
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := ex.Extract(context.Background(), Page{ContentType: "text/html", Body: body, URL: "https://example.com/2023/01/02/story"})
		checkInvariants(t, a, err)
	})
}

func FuzzExtractText(f *testing.F) {
	f.Add([]byte("Site tagline\n\nThe Headline of the Story Here\n\nBy Jane Doe\n\n- Advertisement -\n\nThe first paragraph of the story is long enough to count as body text, it has commas, and ends.\n\nRead more\n"))
	f.Add([]byte("a\r\nb\rc\n\n\n\nd"))
	f.Add([]byte("\xef\xbb\xbfline one\nline two\n\n12 Comments\n\nSam: nice"))
	ex := New(WithMinWords(3))
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := ex.Extract(context.Background(), Page{ContentType: "text/plain", Body: body})
		checkInvariants(t, a, err)
	})
}
