package enrich

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
)

// The topic model, written by hand: newsflow has no labelled corpus to
// train on, so instead of fitted naive-Bayes likelihoods each IPTC Media
// Topics level-1 category carries a list of indicative terms with weights
// 1-3 (data/categories.tsv, terms in English and the common words of seven
// other languages). The score of a category is a naive-Bayes-like sum of log
// evidence:
//
//	score(c) = sum over distinct matched terms t of weight(t) * (1 + ln tf(t))
//
// with title words counted three times (the headline states the topic). The
// best category wins; its confidence combines its share of all scores with
// how much evidence there is:
//
//	confidence = share * (1 - exp(-score/8))
//
// so a story with one weak term gets a low confidence even if nothing else
// matched, and a story split between politics and conflict gets about half.
// No match at all gives the zero Category.

type categoryModel struct {
	codes, labels []string
	exact         map[string][]termRef // word -> categories
	prefix        map[string][]termRef // prefix (word*) -> categories
	prefixLens    []int                // distinct prefix lengths in bytes, ascending
	bigram        map[string][]termRef // "first second" -> categories
	bigramFirst   map[string]bool
}

type termRef struct {
	cat    int
	weight float64
	id     int // term id, to count distinct terms
}

var (
	catOnce sync.Once
	catM    *categoryModel
	catErr  error
)

func loadCategoryModel() (*categoryModel, error) {
	catOnce.Do(func() {
		m := &categoryModel{exact: map[string][]termRef{}, prefix: map[string][]termRef{}, bigram: map[string][]termRef{}, bigramFirst: map[string]bool{}}
		lens := map[int]bool{}
		id := 0
		catErr = eachRow("data/categories.tsv", func(f []string) error {
			if len(f) != 3 {
				return fmt.Errorf("want code, label, terms; got %d fields", len(f))
			}
			c := len(m.codes)
			m.codes = append(m.codes, f[0])
			m.labels = append(m.labels, f[1])
			for _, term := range strings.Fields(f[2]) {
				w := 1.0
				if i := strings.LastIndexByte(term, ':'); i > 0 {
					v, err := strconv.ParseFloat(term[i+1:], 64)
					if err != nil {
						return fmt.Errorf("weight of %q: %w", term, err)
					}
					term, w = term[:i], v
				}
				ref := termRef{cat: c, weight: w, id: id}
				id++
				switch {
				case strings.HasSuffix(term, "*") && strings.Contains(term, "_"):
					return fmt.Errorf("phrase %q: prefixes are not supported in phrases", term)
				case strings.HasSuffix(term, "*"):
					p := strings.TrimSuffix(term, "*")
					m.prefix[p] = append(m.prefix[p], ref)
					lens[len(p)] = true
				case strings.Contains(term, "_"):
					parts := strings.Split(term, "_")
					if len(parts) != 2 {
						return fmt.Errorf("phrase %q: only two-word phrases are supported", term)
					}
					key := parts[0] + " " + parts[1]
					m.bigram[key] = append(m.bigram[key], ref)
					m.bigramFirst[parts[0]] = true
				default:
					m.exact[term] = append(m.exact[term], ref)
				}
			}
			return nil
		})
		for l := range lens {
			m.prefixLens = append(m.prefixLens, l)
		}
		sortInts(m.prefixLens)
		catM = m
	})
	return catM, catErr
}

func sortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// classify returns the best category of a story.
func (m *categoryModel) classify(d, title *doc) Category {
	tf := map[int]float64{} // term id -> weighted count
	refs := map[int]termRef{}
	count := func(dd *doc, weight float64) {
		for i := range dd.toks {
			t := &dd.toks[i]
			if t.kind != tWord {
				continue
			}
			w := t.lower
			for _, r := range m.exact[w] {
				tf[r.id] += weight
				refs[r.id] = r
			}
			for _, l := range m.prefixLens {
				if l > len(w) {
					break
				}
				for _, r := range m.prefix[w[:l]] {
					tf[r.id] += weight
					refs[r.id] = r
				}
			}
			if m.bigramFirst[w] && i+1 < len(dd.toks) && dd.toks[i+1].kind == tWord {
				for _, r := range m.bigram[w+" "+dd.toks[i+1].lower] {
					tf[r.id] += weight
					refs[r.id] = r
				}
			}
		}
	}
	count(d, 1)
	count(title, 3)
	scores := make([]float64, len(m.codes))
	for id, n := range tf {
		r := refs[id]
		scores[r.cat] += r.weight * (1 + math.Log(n))
	}
	best, total := -1, 0.0
	for c, s := range scores {
		total += s
		if best < 0 || s > scores[best] {
			best = c
		}
	}
	if best < 0 || scores[best] <= 0 {
		return Category{}
	}
	conf := scores[best] / total * (1 - math.Exp(-scores[best]/8))
	return Category{Code: m.codes[best], Label: m.labels[best], Confidence: math.Round(conf*1000) / 1000}
}
