package dedup

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// corpus generates news-like articles for the near-duplicate quality test.
// Stories on one topic share its vocabulary, sentence templates and the
// site's boilerplate, so distinct stories look alike on the surface; that is
// what makes the precision side of the test hard.
type corpus struct {
	rng *rand.Rand
}

type topic struct {
	name    string
	actors  []string
	orgs    []string
	places  []string
	objects []string
	verbs   []string
	adjs    []string
}

var topics = []topic{
	{
		name:    "diplomacy",
		actors:  []string{"President Xi Jinping", "President Vladimir Putin", "Foreign Minister Wang Yi", "Secretary Antony Blinken", "Chancellor Olaf Scholz", "Prime Minister Narendra Modi", "spokesman Wang Wenbin", "Sergei Lavrov", "Emmanuel Macron", "Ursula von der Leyen"},
		orgs:    []string{"the Kremlin", "the Foreign Ministry", "the State Department", "the United Nations", "NATO", "the European Union", "the G20", "the Security Council"},
		places:  []string{"Moscow", "Beijing", "Washington", "Brussels", "Kyiv", "New Delhi", "Geneva", "Paris", "Berlin", "Ankara"},
		objects: []string{"the peace plan", "the trade agreement", "bilateral relations", "the sanctions package", "the security pact", "the joint statement", "the ceasefire proposal", "energy cooperation"},
		verbs:   []string{"discussed", "rejected", "welcomed", "criticised", "signed", "proposed", "postponed", "defended", "questioned", "endorsed"},
		adjs:    []string{"strategic", "historic", "controversial", "pivotal", "constructive", "tense", "cordial", "unprecedented", "limited", "broad"},
	},
	{
		name:    "markets",
		actors:  []string{"Jerome Powell", "Christine Lagarde", "analyst Sarah Chen", "investor Bill Ackman", "economist Paul Krugman", "the finance minister", "trader Mark Rossi", "strategist Emma Lee"},
		orgs:    []string{"the Federal Reserve", "the European Central Bank", "Goldman Sachs", "the Bank of Japan", "JPMorgan", "the IMF", "the Treasury", "BlackRock"},
		places:  []string{"New York", "London", "Tokyo", "Frankfurt", "Hong Kong", "Singapore", "Zurich", "Shanghai"},
		objects: []string{"interest rates", "the bond market", "inflation figures", "the dollar", "oil prices", "tech stocks", "the earnings outlook", "the jobs report"},
		verbs:   []string{"raised", "cut", "held", "warned about", "forecast", "revised", "tracked", "sold", "bought", "weighed"},
		adjs:    []string{"volatile", "cautious", "bullish", "bearish", "steady", "sharp", "modest", "surprising", "weak", "strong"},
	},
	{
		name:    "football",
		actors:  []string{"coach Carlo Ancelotti", "striker Erling Haaland", "Kylian Mbappe", "captain Harry Kane", "goalkeeper Alisson", "manager Pep Guardiola", "Jude Bellingham", "Mikel Arteta"},
		orgs:    []string{"Real Madrid", "Manchester City", "Arsenal", "Bayern Munich", "UEFA", "FIFA", "Liverpool", "Barcelona"},
		places:  []string{"Madrid", "Manchester", "London", "Munich", "Barcelona", "Milan", "Paris", "Dortmund"},
		objects: []string{"the title race", "the transfer window", "the semi-final", "the penalty decision", "the new contract", "the injury list", "the league table", "the derby"},
		verbs:   []string{"won", "lost", "drew", "scored in", "praised", "blamed", "missed", "dominated", "secured", "celebrated"},
		adjs:    []string{"dramatic", "late", "stunning", "narrow", "crucial", "bitter", "emphatic", "disappointing", "thrilling", "decisive"},
	},
}

var templates = []string{
	"{actor} {verb} {object} on {day}, according to {org}.",
	"Speaking in {place}, {actor} said the talks on {object} had been {adj}.",
	"{org} said {object} would be reviewed in {place} next {day}.",
	"The {adj} meeting in {place} came after weeks of {adj} debate over {object}.",
	"\"We have {verb} {object} and we will continue,\" {actor} told reporters in {place}.",
	"Officials from {org} {verb} {object} in a statement released on {day}.",
	"{actor} and {actor2} met in {place} to discuss {object} and {object2}.",
	"Critics said {org} had {verb} {object} without consulting {org2}.",
	"The decision marks a {adj} shift for {org}, which has long {verb} {object}.",
	"Analysts in {place} described the outcome as {adj} for {object}.",
	"{num} people attended the {adj} event in {place} on {day}.",
	"It was the {ord} time this year that {actor} had {verb} {object}.",
	"According to {org}, {object} remains {adj} despite pressure from {place}.",
	"{actor} is expected to travel to {place} after {day}, {org} said.",
	"A spokesperson for {org} declined to comment on {object}.",
	"The move follows a {adj} week in which {org2} {verb} {object2}.",
	"Observers in {place} said {actor} appeared {adj} when asked about {object}.",
	"{org} has {verb} {object} {num} times since {year}.",
	"In {year}, {actor} {verb} {object2} in {place2}, a move seen as {adj}.",
	"Reports from {place} suggested {object} could be {verb} by {day}.",
}

var (
	days       = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	ordinals   = []string{"first", "second", "third", "fourth", "fifth"}
	bylines    = []string{"By Anna Keller", "By James Okafor, Reuters", "By Maria Lopez and Tom Hart", "By Staff Reporter", "By Li Wei, AP", "By Hannah Schmidt"}
	boilerTop  = []string{"Fastest News Updates around the World", "- Advertisement -", "Breaking News | Live Updates", "Skip to main content", "Menu Home World Business Sport"}
	boilerTail = []string{
		"Sign up for our daily newsletter to get the top stories delivered to your inbox.",
		"Copyright 2025 Example News Network. All rights reserved.",
		"Follow us on Twitter and Facebook for the latest updates.",
		"This article was updated with additional reporting.",
		"Read more: the week in review.",
		"Share this article on social media.",
	}
)

func (c *corpus) pick(xs []string) string { return xs[c.rng.IntN(len(xs))] }

func (c *corpus) sentence(t topic) string {
	s := c.pick(templates)
	r := strings.NewReplacer(
		"{actor2}", c.pick(t.actors), "{actor}", c.pick(t.actors),
		"{org2}", c.pick(t.orgs), "{org}", c.pick(t.orgs),
		"{place2}", c.pick(t.places), "{place}", c.pick(t.places),
		"{object2}", c.pick(t.objects), "{object}", c.pick(t.objects),
		"{verb}", c.pick(t.verbs), "{adj}", c.pick(t.adjs),
		"{day}", c.pick(days), "{ord}", c.pick(ordinals),
		"{num}", fmt.Sprint(10+c.rng.IntN(5000)), "{year}", fmt.Sprint(1990+c.rng.IntN(35)),
	)
	return r.Replace(s)
}

// article is a generated story: boilerplate head, byline, body paragraphs and
// a boilerplate tail, each a line.
type article struct {
	head   []string
	byline string
	body   []string // paragraphs of 2-4 sentences
	tail   []string
}

func (a article) text() string {
	var lines []string
	lines = append(lines, a.head...)
	lines = append(lines, "", a.byline, "")
	for _, p := range a.body {
		lines = append(lines, p, "")
	}
	lines = append(lines, a.tail...)
	return strings.Join(lines, "\n")
}

func (a article) clone() article {
	return article{
		head:   append([]string(nil), a.head...),
		byline: a.byline,
		body:   append([]string(nil), a.body...),
		tail:   append([]string(nil), a.tail...),
	}
}

func (c *corpus) article(t topic) article {
	a := article{
		head:   []string{c.pick(boilerTop), c.sentence(t)},
		byline: c.pick(bylines),
		tail:   []string{c.pick(boilerTail), c.pick(boilerTail)},
	}
	for range 8 + c.rng.IntN(8) { // 350-750 words; the seed article has 626
		var ss []string
		for range 2 + c.rng.IntN(3) {
			ss = append(ss, c.sentence(t))
		}
		a.body = append(a.body, strings.Join(ss, " "))
	}
	return a
}

// edit kinds of true near-duplicates.
const (
	editWords     = "light edit"
	editReorder   = "reordered paragraphs"
	editBoiler    = "changed boilerplate"
	editByline    = "changed byline"
	editSentence  = "changed sentence"
	distinctTopic = "distinct, same topic"
)

var editKinds = []string{editWords, editReorder, editBoiler, editByline, editSentence}

// nearCopy returns a near-duplicate of a made by one edit of the given kind.
func (c *corpus) nearCopy(t topic, a article, kind string) article {
	b := a.clone()
	switch kind {
	case editWords: // 1-3 words replaced, inserted or deleted (typos, fixes)
		for range 1 + c.rng.IntN(3) {
			i := c.rng.IntN(len(b.body))
			ws := strings.Fields(b.body[i])
			j := c.rng.IntN(len(ws))
			switch c.rng.IntN(3) {
			case 0:
				ws[j] = c.pick(t.adjs)
			case 1:
				ws = append(ws[:j], append([]string{"reportedly"}, ws[j:]...)...)
			default:
				ws = append(ws[:j], ws[j+1:]...)
			}
			b.body[i] = strings.Join(ws, " ")
		}
	case editReorder:
		for b.text() == a.text() {
			c.rng.Shuffle(len(b.body), func(i, j int) { b.body[i], b.body[j] = b.body[j], b.body[i] })
		}
	case editBoiler: // one boilerplate line added or replaced (a syndicating site's)
		line := "Republished from " + c.pick(t.places) + " Daily with permission."
		switch c.rng.IntN(3) {
		case 0:
			b.head[0] = c.pick(boilerTop[1:]) // [0] may be the line already there
			if b.head[0] == a.head[0] {
				b.head[0] = line
			}
		case 1:
			b.tail[len(b.tail)-1] = line
		default:
			b.tail = append(b.tail, line)
		}
	case editByline:
		for b.byline == a.byline {
			b.byline = c.pick(bylines)
		}
	case editSentence:
		i := c.rng.IntN(len(b.body))
		ss := strings.SplitAfter(b.body[i], ". ")
		ss[c.rng.IntN(len(ss))] = c.sentence(t) + " "
		b.body[i] = strings.TrimSpace(strings.Join(ss, ""))
	}
	return b
}
