package enrich

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// goldStory is one hand-annotated text of testdata/gold. Entity entries
// may list alternative spellings separated by "/" ("Kyiv/Kiev"); places
// end with "|CC", the expected ISO 3166-1 code ("" for none).
type goldStory struct {
	ID       string              `json:"id"`
	Topic    string              `json:"topic"`
	Heldout  bool                `json:"heldout"` // written after the rules were tuned; never tuned on
	Language string              `json:"language"`
	Title    string              `json:"title"`
	Text     string              `json:"text"`
	Entities map[string][]string `json:"entities"`
}

type prf struct{ tp, fp, fn int }

func (s prf) p() float64  { return ratio(s.tp, s.tp+s.fp) }
func (s prf) r() float64  { return ratio(s.tp, s.tp+s.fn) }
func (s prf) f1() float64 { return ratio(2*s.tp, 2*s.tp+s.fp+s.fn) }

func (s *prf) add(o prf) { s.tp, s.fp, s.fn = s.tp+o.tp, s.fp+o.fp, s.fn+o.fn }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func normName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "the ")
	return strings.NewReplacer("’", "'", "-", " ").Replace(s)
}

// goldGlob is where the gold stories are; NEWSFLOW_GOLD_GLOB narrows it to
// a comma-separated list of patterns (for example testdata/gold/h*.json,
// the held-out stories).
func goldGlob() string {
	if g := os.Getenv("NEWSFLOW_GOLD_GLOB"); g != "" {
		return g
	}
	return "testdata/gold/*.json"
}

func loadGold(t testing.TB) []goldStory {
	t.Helper()
	var files []string
	for _, pat := range strings.Split(goldGlob(), ",") {
		m, err := filepath.Glob(strings.TrimSpace(pat))
		if err != nil {
			t.Fatalf("gold files %q: %v", pat, err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatalf("no gold files in %s", goldGlob())
	}
	var out []goldStory
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var g goldStory
		if err := json.Unmarshal(b, &g); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, g)
	}
	return out
}

var goldTypes = []EntityType{Person, Org, Place}

// storyScore is the entity score of one gold story.
type storyScore struct {
	byType        map[EntityType]prf
	codeOK, codeN int
	langOK        bool
	notes         []string // misses, spurious entities, wrong codes
}

// scoreStory enriches g and scores its entities. Scoring is on the set of
// distinct entities: a found entity is a true positive when its name matches
// a gold entry of the same type (case-insensitive, any listed spelling); a
// second prediction matching the same gold entry counts neither way; place
// country codes are scored separately.
func scoreStory(t testing.TB, e *Enricher, g goldStory) storyScore {
	t.Helper()
	in := Input{Title: g.Title, Text: g.Text}
	res, err := e.Enrich(context.Background(), in)
	if err != nil {
		t.Fatalf("%s: %v", g.ID, err)
	}
	sc := storyScore{byType: map[EntityType]prf{}, langOK: res.Language == g.Language}
	if !sc.langOK {
		sc.notes = append(sc.notes, fmt.Sprintf("language %q, want %q", res.Language, g.Language))
	}
	if tt, ok := t.(*testing.T); ok {
		checkInvariants(tt, in, res)
	}
	for _, ty := range goldTypes {
		type goldEnt struct {
			alts    []string
			code    string
			matched bool
		}
		var golds []*goldEnt
		for _, raw := range g.Entities[string(ty)] {
			name, code, _ := strings.Cut(raw, "|")
			ge := &goldEnt{code: code}
			for _, a := range strings.Split(name, "/") {
				ge.alts = append(ge.alts, normName(a))
			}
			golds = append(golds, ge)
		}
		var s prf
		var fps, fns []string
		for _, ent := range res.Entities {
			if ent.Type != ty {
				continue
			}
			n := normName(ent.Name)
			var hit *goldEnt
			for _, ge := range golds {
				for _, a := range ge.alts {
					if a == n {
						hit = ge
					}
				}
			}
			switch {
			case hit == nil:
				fps = append(fps, ent.Name)
				s.fp++
			case hit.matched:
				// another spelling of an entity already counted
			default:
				hit.matched = true
				s.tp++
				if ty == Place {
					sc.codeN++
					if ent.CountryCode == hit.code {
						sc.codeOK++
					} else {
						sc.notes = append(sc.notes, fmt.Sprintf("%s has code %q, want %q", ent.Name, ent.CountryCode, hit.code))
					}
				}
			}
		}
		for _, ge := range golds {
			if !ge.matched {
				fns = append(fns, ge.alts[0])
				s.fn++
			}
		}
		if len(fps)+len(fns) > 0 {
			sc.notes = append(sc.notes, fmt.Sprintf("%-6s missed %q, spurious %q", ty, fns, fps))
		}
		sc.byType[ty] = s
	}
	return sc
}

// goldTally sums story scores for one group of stories.
type goldTally struct {
	stories       int
	byType        map[EntityType]*prf
	codeOK, codeN int
	langOK        int
}

func newTally() *goldTally {
	t := &goldTally{byType: map[EntityType]*prf{}}
	for _, ty := range goldTypes {
		t.byType[ty] = &prf{}
	}
	return t
}

func (t *goldTally) add(s storyScore) {
	t.stories++
	for ty, v := range s.byType {
		t.byType[ty].add(v)
	}
	t.codeOK += s.codeOK
	t.codeN += s.codeN
	if s.langOK {
		t.langOK++
	}
}

func (t *goldTally) overall() prf {
	var o prf
	for _, ty := range goldTypes {
		o.add(*t.byType[ty])
	}
	return o
}

// goldGroups scores every story and tallies them by group: "all",
// "train" (stories the rules were tuned on), "heldout", and "lang:xx".
func goldGroups(t testing.TB, e *Enricher, stories []goldStory, log func(id string, notes []string)) map[string]*goldTally {
	groups := map[string]*goldTally{}
	get := func(k string) *goldTally {
		if groups[k] == nil {
			groups[k] = newTally()
		}
		return groups[k]
	}
	for _, g := range stories {
		s := scoreStory(t, e, g)
		if log != nil && len(s.notes) > 0 {
			log(g.ID, s.notes)
		}
		get("all").add(s)
		if g.Heldout {
			get("heldout").add(s)
		} else {
			get("train").add(s)
		}
		get("lang:" + g.Language).add(s)
	}
	return groups
}

// sortedGroups lists group names: all, train, heldout, then languages.
func sortedGroups(groups map[string]*goldTally) []string {
	var out []string
	for _, k := range []string{"all", "train", "heldout"} {
		if groups[k] != nil {
			out = append(out, k)
		}
	}
	var langs []string
	for k := range groups {
		if strings.HasPrefix(k, "lang:") {
			langs = append(langs, k)
		}
	}
	sort.Strings(langs)
	return append(out, langs...)
}

// TestGoldEntities scores entity recognition on the hand-annotated gold set
// and prints precision, recall and F1 per type for all stories, for those
// the rules were tuned on (train), for the held-out ones and per language.
// Run it with:
//
//	go test -run TestGoldEntities -v ./enrich/
func TestGoldEntities(t *testing.T) {
	e := newEnricher(t)
	stories := loadGold(t)
	groups := goldGroups(t, e, stories, func(id string, notes []string) {
		for _, n := range notes {
			t.Logf("%s %s", id, n)
		}
	})
	var b strings.Builder
	fmt.Fprintf(&b, "\nentity scores on %d gold stories (train: tuned on; heldout: written after the rules were tuned)\n", len(stories))
	fmt.Fprintf(&b, "%-8s %3s %-7s %4s %4s %4s %6s %6s %6s\n", "group", "n", "type", "tp", "fp", "fn", "P", "R", "F1")
	for _, k := range sortedGroups(groups) {
		g := groups[k]
		for _, ty := range goldTypes {
			s := g.byType[ty]
			fmt.Fprintf(&b, "%-8s %3d %-7s %4d %4d %4d %6.3f %6.3f %6.3f\n", k, g.stories, ty, s.tp, s.fp, s.fn, s.p(), s.r(), s.f1())
		}
		o := g.overall()
		fmt.Fprintf(&b, "%-8s %3d %-7s %4d %4d %4d %6.3f %6.3f %6.3f\n", k, g.stories, "overall", o.tp, o.fp, o.fn, o.p(), o.r(), o.f1())
	}
	all := groups["all"]
	fmt.Fprintf(&b, "place country codes correct: %d/%d; language correct: %d/%d\n", all.codeOK, all.codeN, all.langOK, all.stories)
	t.Log(b.String())

	if os.Getenv("NEWSFLOW_GOLD_GLOB") != "" {
		return // a subset: report only
	}
	if len(stories) < 30 {
		t.Errorf("gold set has %d stories, want >= 30", len(stories))
	}
	targets := map[EntityType]float64{Person: 0.85, Place: 0.85, Org: 0.75}
	for _, ty := range goldTypes {
		if f := all.byType[ty].f1(); f < targets[ty] {
			t.Errorf("%s F1 %.3f below target %.2f", ty, f, targets[ty])
		}
	}
	if all.codeOK < all.codeN*9/10 {
		t.Errorf("place codes correct %d/%d, want >= 90%%", all.codeOK, all.codeN)
	}
	if all.langOK != all.stories {
		t.Errorf("language correct for %d/%d stories", all.langOK, all.stories)
	}
}
