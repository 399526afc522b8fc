package pipebench

import (
	"math"
	"sort"
	"time"
)

// Latency summarises a set of durations, in milliseconds.
type Latency struct {
	N   int     `json:"n"`
	P50 float64 `json:"p50_ms"`
	P90 float64 `json:"p90_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
}

// Summarise returns the percentiles of ds (nearest rank).
func Summarise(ds []time.Duration) Latency {
	if len(ds) == 0 {
		return Latency{}
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	return Latency{N: len(s), P50: ms(percentile(s, 50)), P90: ms(percentile(s, 90)), P99: ms(percentile(s, 99)), Max: ms(s[len(s)-1])}
}

// percentile is the nearest-rank percentile of sorted s.
func percentile(s []time.Duration, p float64) time.Duration {
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[min(max(rank, 1), len(s))-1]
}

// Slope is the least-squares slope of ys over xs (units of y per unit of x).
func Slope(xs, ys []float64) float64 {
	n := float64(len(xs))
	if len(xs) < 2 || len(xs) != len(ys) {
		return 0
	}
	var sx, sy, sxx, sxy float64
	for i := range xs {
		sx += xs[i]
		sy += ys[i]
		sxx += xs[i] * xs[i]
		sxy += xs[i] * ys[i]
	}
	d := n*sxx - sx*sx
	if d == 0 {
		return 0
	}
	return (n*sxy - sx*sy) / d
}

// Median of xs (0 for none).
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// progressRate is the rate of a counter sampled over time: the slope of
// the samples between 10% and 90% of the way to total, so that the start
// (group join, first fetch) and the tail (the last, partial batches) do
// not count. It falls back to the whole span with fewer than 3 samples.
func progressRate(ts []time.Time, done []int64, total int64) float64 {
	var xs, ys []float64
	for i := range ts {
		if done[i] >= total/10 && done[i] <= total*9/10 {
			xs = append(xs, ts[i].Sub(ts[0]).Seconds())
			ys = append(ys, float64(done[i]))
		}
	}
	if len(xs) >= 3 {
		return Slope(xs, ys)
	}
	first, last := -1, -1
	for i := range done {
		if done[i] > 0 && first < 0 {
			first = i
		}
		if done[i] >= total && last < 0 {
			last = i
		}
	}
	if first < 0 || last <= first {
		return 0
	}
	return float64(done[last]-done[first]) / ts[last].Sub(ts[first]).Seconds()
}
