package main

import (
	"embed"
	"fmt"
	"strings"
)

// samples are pages built into newsctl, so that `newsctl dev` shows the
// pipeline with nothing downloaded or installed. seed-article.txt is the news
// page dump newsflow was born from: a site tagline, an ad marker and a cookie
// banner around the story.
//
//go:embed samples/*.txt
var samples embed.FS

const (
	samplePrefix  = "sample:"
	defaultSample = samplePrefix + "seed-article"
)

func isSample(s string) bool { return strings.HasPrefix(s, samplePrefix) }

// readSample returns the body of a built-in page ("sample:NAME").
func readSample(src string) ([]byte, error) {
	name := strings.TrimPrefix(src, samplePrefix)
	b, err := samples.ReadFile("samples/" + name + ".txt")
	if err != nil {
		return nil, fmt.Errorf("no built-in sample %q (there is %q)", name, strings.TrimPrefix(defaultSample, samplePrefix))
	}
	return b, nil
}
