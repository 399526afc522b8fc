package enrich

import (
	"context"
	"testing"
)

// TestEntityRules checks one rule of the recogniser per case: the entity
// must be found with its type (and place code), and the unwanted names
// must not be entities of any type.
func TestEntityRules(t *testing.T) {
	e := newEnricher(t, Only(PartEntities))
	type want struct {
		typ  EntityType
		name string
		code string
	}
	cases := []struct {
		rule, lang, text string
		want             []want
		not              []string
	}{
		{"and inside an organisation name", "en",
			"Prices were checked by the Competition and Markets Authority on Monday.",
			[]want{{Org, "Competition and Markets Authority", ""}}, []string{"Markets Authority"}},
		{"lower-case legal form and ampersand", "en",
			"Separately, Marks & Spencer Group plc said it would open new stores.",
			[]want{{Org, "Marks & Spencer Group plc", ""}}, []string{"Spencer Group"}},
		{"acronym-led names are not people", "en",
			"Memory prices rose, helping Kiora Vantrel and the chipmaker SK Hynix.",
			[]want{{Org, "SK Hynix", ""}}, nil},
		{"employer after a role", "en",
			`"Demand is strong," said Tom Ellery, an analyst at Brindle Capital Partners in London.`,
			[]want{{Person, "Tom Ellery", ""}, {Org, "Brindle Capital Partners", ""}, {Place, "London", "GB"}}, nil},
		{"shares of an unknown company", "en",
			"Shares of Quillfort rose 4 percent after the results. Quillfort makes valves.",
			[]want{{Org, "Quillfort", ""}}, nil},
		{"which after a name", "en",
			"The deal was welcomed by Varnholt, which makes car seats in Ohio.",
			[]want{{Org, "Varnholt", ""}, {Place, "Ohio", "US"}}, nil},
		{"the before an unknown name", "en",
			"Loans were agreed with the Penrose Collection and the city council.",
			[]want{{Org, "Penrose Collection", ""}}, []string{"Penrose"}},
		{"initials join their organisation", "en",
			"The Federal Trade Commission sued on Monday. A lawyer for the FTC said the case was strong.",
			[]want{{Org, "Federal Trade Commission", ""}}, []string{"FTC"}},
		{"a town written for its club", "en",
			"Leinster beat the French side after beating Toulouse 24-22 in Dublin.",
			[]want{{Org, "Toulouse", ""}, {Place, "Dublin", "IE"}}, nil},
		{"dateline in capitals", "en",
			"SAN FRANCISCO (Reuters) - The company said on Tuesday it would hire 200 engineers.",
			[]want{{Place, "San Francisco", "US"}, {Org, "Reuters", ""}}, []string{"SAN FRANCISCO"}},
		{"abbreviated country before an organisation", "en",
			"The plant gets support from the U.S. Commerce Department, officials said.",
			[]want{{Place, "U.S.", "US"}, {Org, "Commerce Department", ""}}, nil},
		{"hyphenated title", "en",
			"WHO Director-General Tedros Adhanom Ghebreyesus spoke in Geneva.",
			[]want{{Person, "Tedros Adhanom Ghebreyesus", ""}, {Place, "Geneva", "CH"}}, nil},
		{"nationality word before a place word", "en",
			"The boat sank in the Indian Ocean last week.",
			[]want{{Place, "Indian Ocean", ""}}, nil},
		{"place after in, first name or not", "en",
			"A new school will open in Perry Barr next year.",
			[]want{{Place, "Perry Barr", ""}}, nil},
		{"law names are not entities", "en",
			"The fine was the first under the Digital Markets Act, the ministry said.",
			nil, []string{"Digital Markets", "Digital Markets Act"}},
		{"German organisation noun before a known name", "de",
			"Konkurrent BMW meldete einen Gewinnrückgang.",
			[]want{{Org, "BMW", ""}}, []string{"Konkurrent BMW"}},
		{"Italian country name", "it",
			"Il film sarà trasmesso in Italia e in Francia.",
			[]want{{Place, "Italia", "IT"}, {Place, "Francia", "FR"}}, nil},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			res, err := e.Enrich(context.Background(), Input{Text: c.text, Language: c.lang})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range c.want {
				got, ok := findEntity(res, w.typ, w.name)
				if !ok {
					t.Errorf("missing %s %q; got %v", w.typ, w.name, res.Entities)
					continue
				}
				if got.CountryCode != w.code {
					t.Errorf("%s: code %q, want %q", w.name, got.CountryCode, w.code)
				}
			}
			for _, name := range c.not {
				for _, ent := range res.Entities {
					if ent.Name == name {
						t.Errorf("unwanted %s %q", ent.Type, name)
					}
				}
			}
		})
	}
}
