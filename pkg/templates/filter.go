package templates

import (
	"unicode"
)

// DefaultMaxDropShare is the default of FilterOptions.MaxDropShare.
const DefaultMaxDropShare = 0.5

// FilterOptions configure Filter.
type FilterOptions struct {
	// MaxDropShare is the largest share of the article's text (counted in
	// letters and digits) that Filter drops (default 0.5). When the flagged
	// paragraphs hold more, the lesson is suspect rather than the page: the
	// same story reached under several URLs of the host, or a site whose
	// pages are mostly template. Filter then drops nothing and says so.
	MaxDropShare float64
}

// FilterResult is what Filter kept and why.
type FilterResult struct {
	Paragraphs   []string // the paragraphs kept, in order
	Dropped      int      // paragraphs dropped as boilerplate
	DroppedShare float64  // share of the text dropped (letters and digits)
	// Capped is true when the flagged paragraphs held more than
	// MaxDropShare of the text, so nothing was dropped.
	Capped bool
}

// Filter drops the paragraphs a Learner flagged as boilerplate from an
// extracted article, keeping the story safe: a paragraph that repeats the
// title is never dropped, and when the flagged paragraphs hold more than
// MaxDropShare of the text nothing is dropped. boilerplate must have one
// flag per paragraph; any other length (or nil, e.g. after a Redis error)
// keeps every paragraph. Pure: no I/O, paragraphs is not modified.
func Filter(title string, paragraphs []string, boilerplate []bool, opt FilterOptions) FilterResult {
	res := FilterResult{Paragraphs: paragraphs}
	if len(boilerplate) != len(paragraphs) || len(paragraphs) == 0 {
		return res
	}
	maxShare := opt.MaxDropShare
	if !(maxShare > 0 && maxShare <= 1) { // also NaN
		maxShare = DefaultMaxDropShare
	}
	titleFP, hasTitle := Fingerprint(title)
	drop := make([]bool, len(paragraphs))
	var total, dropped, n int
	for i, p := range paragraphs {
		size := textSize(p)
		total += size
		if !boilerplate[i] {
			continue
		}
		if fp, ok := Fingerprint(p); hasTitle && ok && fp == titleFP {
			continue
		}
		drop[i] = true
		dropped += size
		n++
	}
	if n == 0 || total == 0 {
		return res
	}
	share := float64(dropped) / float64(total)
	if share > maxShare {
		res.Capped = true
		return res
	}
	kept := make([]string, 0, len(paragraphs)-n)
	for i, p := range paragraphs {
		if !drop[i] {
			kept = append(kept, p)
		}
	}
	res.Paragraphs, res.Dropped, res.DroppedShare = kept, n, share
	return res
}

// textSize counts the letters and digits of s: a measure of text that
// treats scripts with and without spaces alike.
func textSize(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			n++
		}
	}
	return n
}
