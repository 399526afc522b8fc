package enrich

import (
	"math"
	"strings"
)

// Sentiment, written by hand after VADER (Hutto & Gilbert 2014) with its
// MIT-licensed lexicon (data/sentiment_en.tsv): no pure-Go port with an
// embedded lexicon was found. Per sentence, word valences in [-4, 4] are
// summed with VADER's main rules: a negation in the three words before a
// word flips and damps it (x -0.74), boosters ("very", "extremely") and
// dampeners ("slightly") shift it by 0.293, and after "but" words weigh 1.5x
// (before it 0.5x). The sum s is normalised to s/sqrt(s^2+15) in (-1, 1),
// VADER's "compound" score. The result is the mean over sentences.

var (
	negations = map[string]bool{"not": true, "no": true, "never": true, "none": true, "nobody": true, "nothing": true, "neither": true, "nor": true, "without": true, "hardly": true, "cannot": true, "nowhere": true}
	boosters  = map[string]float64{
		"very": 0.293, "extremely": 0.293, "highly": 0.293, "really": 0.293, "deeply": 0.293, "hugely": 0.293,
		"incredibly": 0.293, "most": 0.293, "more": 0.293, "so": 0.293, "totally": 0.293, "utterly": 0.293,
		"particularly": 0.293, "especially": 0.293, "severely": 0.293, "vehemently": 0.293,
		"slightly": -0.293, "somewhat": -0.293, "barely": -0.293, "marginally": -0.293, "less": -0.293, "partly": -0.293,
	}
)

func (r *resources) sentimentOf(d *doc) float64 {
	if len(d.sents) == 0 {
		return 0
	}
	total := 0.0
	for _, s := range d.sents {
		total += r.sentenceSentiment(d, s)
	}
	return math.Round(total/float64(len(d.sents))*1000) / 1000
}

func (r *resources) sentenceSentiment(d *doc, s sentence) float64 {
	var vals []float64
	butAt := -1
	var prev [3]string // last three words, most recent first
	for k := s.from; k < s.to; k++ {
		t := &d.toks[k]
		if t.kind != tWord {
			continue
		}
		w := t.lower
		if w == "but" || w == "however" {
			butAt = len(vals)
		}
		if v, ok := r.sentiment[w]; ok && !(t.upper && !t.sentStart) { // capitalised mid-sentence: a name ("Hope", "Joy")
			for i, p := range prev {
				if p == "" {
					continue
				}
				if b, ok := boosters[p]; ok && i == 0 {
					if v > 0 {
						v += b
					} else {
						v -= b
					}
				}
				if negations[p] || strings.HasSuffix(p, "n't") {
					v *= -0.74
					break
				}
			}
			vals = append(vals, v)
		}
		prev[2], prev[1], prev[0] = prev[1], prev[0], w
	}
	sum := 0.0
	for i, v := range vals {
		if butAt >= 0 {
			if i < butAt {
				v *= 0.5
			} else {
				v *= 1.5
			}
		}
		sum += v
	}
	if sum == 0 {
		return 0
	}
	return sum / math.Sqrt(sum*sum+15)
}
