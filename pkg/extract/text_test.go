package extract

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestSeedArticle is acceptance criterion 1 of the cleaner issue, asserted
// directly (the golden file in testdata/text records the full output).
func TestSeedArticle(t *testing.T) {
	p := loadPage(t, "testdata/text/seed-article.txt")
	a, err := New().Extract(context.Background(), p)
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if want := "China President Xi’s 3-Day State Visit to Russia Announced by Kremlin"; a.Title != want {
		t.Errorf("title %q, want %q", a.Title, want)
	}
	if !strings.HasPrefix(a.Text, "Chinese President Xi Jinping will make an important state visit") {
		t.Errorf("text starts %q", a.Text[:min(80, len(a.Text))])
	}
	if want := "“Their previous peace plan was more about general principles than actionable proposals,” said the Chinese foreign affairs expert."; !strings.HasSuffix(a.Text, want) {
		t.Errorf("text ends %q", a.Text[max(0, len(a.Text)-140):])
	}
	for _, junk := range []string{"Fastest News Updates", "Advertisement", "cookies", "Accept", "Read More"} {
		if strings.Contains(a.Text, junk) {
			t.Errorf("text contains %q", junk)
		}
	}
	if !contains(a.Paragraphs, "China peacemaker?") {
		t.Errorf("subheading missing")
	}
	if a.Format != "text" || a.WordCount < 500 {
		t.Errorf("format %q, word count %d", a.Format, a.WordCount)
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// TestTextVariations checks the plain-text rules on dumps of other
// layouts: they must hold beyond the seed article.
func TestTextVariations(t *testing.T) {
	tests := []struct {
		file       string
		title      string
		byline     string
		published  string
		first      string // prefix of the first paragraph
		last       string // suffix of the last paragraph
		keep       []string
		junk       []string
		paragraphs int
	}{
		{
			file: "italy-floods", title: "Flooding Forces Thousands to Evacuate in Northern Italy",
			byline: "Maria Rossi and Luca Bianchi", published: "2023-05-17",
			first: "Torrential rain swept across", last: "could take weeks.",
			keep:       []string{"Rescue efforts continue"},
			junk:       []string{"Trusted Source", "Home |", "ADVERTISEMENT", "Share this", "Read more", "Heatwave", "Related", "Drought-hit", "©", "cookies"},
			paragraphs: 6,
		},
		{
			file: "hard-wrapped", title: "Port Strike Enters Second Week as Talks Stall",
			first: "Dock workers at the country's three largest container ports stayed off the job",
			last:  "with the farm sector among the hardest hit.",
			junk:  []string{"MORNING LEDGER", "Advertisement", "Subscribe", "Follow us"}, paragraphs: 4,
		},
		{
			file: "comments-tail", title: "Astronomers Spot Water Vapour on a Distant Rocky Planet",
			published: "2023-06-12", first: "A team of astronomers", last: "to rule that out.",
			junk: []string{"Science Today", "Continue reading", "Comments", "Sam:", "Priya:", "sauna"}, paragraphs: 4,
		},
		{
			file: "german-politik", title: "Bundestag beschließt umstrittenes Heizungsgesetz nach langer Debatte",
			byline: "Anna Schmidt", first: "Der Bundestag hat am Freitag", last: "in Kraft treten.",
			keep: []string{"Kritik aus der Opposition"},
			junk: []string{"Nachrichten aus aller Welt", "Anzeige", "Weiterlesen", "Mehr zum Thema", "Wärmepumpen", "Cookies"}, paragraphs: 5,
		},
		{
			file: "hinted-title", title: "Council Votes to Expand Late-Night Bus Service", byline: "Dana Lee",
			published: "2023-08-03", first: "The city council voted 9-2", last: "keep this city running at night.\"",
			junk: []string{"Metro Herald", "Breaking Updates", "Sign up"}, paragraphs: 3,
		},
	}
	ex := New()
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			p := loadPage(t, "testdata/text/"+tt.file+".txt")
			a, err := ex.Extract(context.Background(), p)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if a.Title != tt.title {
				t.Errorf("title %q, want %q", a.Title, tt.title)
			}
			if a.Byline != tt.byline {
				t.Errorf("byline %q, want %q", a.Byline, tt.byline)
			}
			if tt.published != "" && a.Published.Format(time.DateOnly) != tt.published {
				t.Errorf("published %v, want %s", a.Published, tt.published)
			}
			if len(a.Paragraphs) != tt.paragraphs {
				t.Errorf("%d paragraphs, want %d:\n%s", len(a.Paragraphs), tt.paragraphs, strings.Join(a.Paragraphs, "\n"))
			}
			if len(a.Paragraphs) == 0 {
				return
			}
			if !strings.HasPrefix(a.Paragraphs[0], tt.first) {
				t.Errorf("first paragraph %q, want prefix %q", a.Paragraphs[0], tt.first)
			}
			if l := a.Paragraphs[len(a.Paragraphs)-1]; !strings.HasSuffix(l, tt.last) {
				t.Errorf("last paragraph %q, want suffix %q", l, tt.last)
			}
			for _, k := range tt.keep {
				if !contains(a.Paragraphs, k) {
					t.Errorf("paragraph %q missing", k)
				}
			}
			for _, j := range tt.junk {
				if strings.Contains(a.Text, j) {
					t.Errorf("text contains %q", j)
				}
			}
		})
	}
}

func TestClassifyLine(t *testing.T) {
	tests := []struct {
		in   string
		want lineKind
	}{
		{"- Advertisement -", lineAd},
		{"ADVERTISEMENT", lineAd},
		{"Story continues below advertisement", lineAd},
		{"Anzeige", lineAd},
		{"This website uses cookies to improve your experience. We'll assume you're ok with this, but you can opt-out if you wish. AcceptRead More", lineCookie},
		{"We use cookies to personalise content and ads.", lineCookie},
		{"Diese Website verwendet Cookies, um Ihnen ein besseres Nutzererlebnis zu bieten.", lineCookie},
		{"Share this article", lineShare},
		{"Share on Facebook", lineShare},
		{"Facebook Twitter WhatsApp Email", lineShare},
		{"Subscribe to our newsletter", lineShare},
		{"Sign up for our daily briefing", lineShare},
		{"5 min read", lineShare},
		{"Read more: Heatwave grips southern Spain", lineReadMore},
		{"READ MORE", lineReadMore},
		{"Related Articles", lineBoxHeader},
		{"More from Politics", lineBoxHeader},
		{"12 Comments", lineComments},
		{"Leave a Reply", lineComments},
		{"© 2023 Example Media. All rights reserved.", lineCopyright},
		{"Photo: Reuters", lineCredit},
		{"* * *", lineJunk},
		// story text that mentions the same words stays
		{"The EU's cookie law requires consent before tracking, regulators said on Tuesday in a lengthy ruling.", lineBody},
		{"Readers of the report shared it widely, and more than 2,000 people signed up for the hearing.", lineBody},
		{"China peacemaker?", lineBody},
		{"Advertisement spending rose 4% in the quarter, the company said.", lineBody},
		{"Share prices fell sharply on Monday.", lineBody},
	}
	for _, tt := range tests {
		if got := classifyLine(tt.in); got != tt.want {
			t.Errorf("classifyLine(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestParseByline(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"By Jane Doe", "Jane Doe", true},
		{"By Jane Doe and John Roe", "Jane Doe and John Roe", true},
		{"By JANE DOE | March 3, 2023", "JANE DOE", true},
		{"Von Anna Schmidt", "Anna Schmidt", true},
		{"Par Jean-Luc Martin", "Jean-Luc Martin", true},
		{"By Monday the troops had left the city and the shelling stopped.", "", false},
		{"By the time rescuers arrived", "", false},
	}
	for _, tt := range tests {
		got, ok := parseByline(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseByline(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	if got := splitAuthors("Jane Doe, John Roe and Max Mustermann"); strings.Join(got, "|") != "Jane Doe|John Roe|Max Mustermann" {
		t.Errorf("splitAuthors = %q", got)
	}
}

func TestNormalizeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  a \t b\n\nc  ", "a b c"},
		{"soft\u00adhyphen", "softhyphen"},
		{"zero\u200bwidth\ufeff", "zerowidth"},
		{"nbsp\u00a0space\u2009thin", "nbsp space thin"},
		{"e\u0301", "é"}, // NFC
		{"ctrl\x07char", "ctrlchar"},
		{"bad\xffutf8", "badutf8"},
		{"keep\u200cjoiner", "keep\u200cjoiner"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := normalizeText(tt.in); got != tt.want {
			t.Errorf("normalizeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCountWords(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"Hello world", 2},
		{"don't stop, e-mail 3.5 now", 5},
		{"日本語のテキスト", 8},
		{"Xi’s 3-Day visit", 3},
		{"", 0},
	}
	for _, tt := range tests {
		if got := countWords(tt.in); got != tt.want {
			t.Errorf("countWords(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestParseDates(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2023-03-17T09:30:00+01:00", "2023-03-17T08:30:00Z"},
		{"2023-03-17T09:30:00Z", "2023-03-17T09:30:00Z"},
		{"2023-03-17T09:30:00.123+0000", "2023-03-17T09:30:00Z"},
		{"2023-03-17", "2023-03-17T00:00:00Z"},
		{"Fri, 17 Mar 2023 09:30:00 GMT", "2023-03-17T09:30:00Z"},
		{"March 17, 2023 10:32 PM", "2023-03-17T22:32:00Z"},
		{"17 March 2023", "2023-03-17T00:00:00Z"},
		{"17. März 2023, 10:45 Uhr", "2023-03-17T10:45:00Z"},
		{"17/03/2023", "2023-03-17T00:00:00Z"},
		{"2023年3月17日", "2023-03-17T00:00:00Z"},
		{"1679045400", "2023-03-17T09:30:00Z"},
	}
	for _, tt := range tests {
		got, ok := parseDate(tt.in)
		if !ok || got.Format(time.RFC3339) != tt.want {
			t.Errorf("parseDate(%q) = %v, %v; want %s", tt.in, got, ok, tt.want)
		}
	}
	for _, bad := range []string{"", "yesterday", "1887-01-01", "2999-01-01", "February 30, 2023"} {
		if got, ok := parseDate(bad); ok {
			t.Errorf("parseDate(%q) = %v, want failure", bad, got)
		}
	}
	if got, ok := urlDate("https://example.com/world/2023/03/17/xi-visit/"); !ok || got.Format(time.DateOnly) != "2023-03-17" {
		t.Errorf("urlDate = %v, %v", got, ok)
	}
}
