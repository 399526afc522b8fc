package extract

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/atom"
)

const (
	fHasBodyHint = fCaption << 1     // subtree contains an article-body hint (set by prepare)
	fInHint      = fHasBodyHint << 1 // inside an article-body hint (set by selectRoots)
	fHasSubHead  = fInHint << 1      // subtree contains an h2-h6 (set by prepare)
	fPostHeader  = fHasSubHead << 1  // a <header> of one of several posts (set by prepare)
	fImg         = fPostHeader << 1  // an image: <img>, <amp-img>, <picture> (set by the builder)
)

// minPostHeaders is how many <header>s holding a subheading (and no h1) make
// a page of posts: a live blog or a live text, whose posts carry their
// titles inside their headers.
const minPostHeaders = 3

// prepare computes subtree facts, marks boilerplate as removed and computes
// the aggregates used for scoring, in three linear passes over the nodes.
func (d *doc) prepare() {
	// Pass 1, children first: raw text lengths and containment flags.
	d.reverse(func(n *node) {
		if n.isText {
			n.rawLen, n.commas = textStats(d.textOf(n))
		} else {
			if n.tag == atom.H1 {
				n.flags |= fHasH1
			}
			if n.flags&fBodyHint != 0 {
				n.flags |= fHasBodyHint
			}
			if n.tag != atom.H1 && headingTags[n.tag] {
				n.flags |= fHasSubHead
			}
		}
		if p := n.parent; p != nil {
			p.rawLen += n.rawLen
			p.flags |= n.flags & (fHasH1 | fHasArticle | fHasBodyHint | fHasSubHead)
		}
	})
	// Headers are page or article furniture, except in a page of posts
	// (live blogs): there each post's header holds the post's title, which
	// is kept (and the rest of the header, times and permalinks, is not).
	var postHeaders []*node
	d.each(func(n *node) {
		if n.tag == atom.Header && n.flags&(fHasSubHead|fHasH1) == fHasSubHead && len(postHeaders) < 4096 {
			postHeaders = append(postHeaders, n)
		}
	})
	if len(postHeaders) >= minPostHeaders {
		for _, n := range postHeaders {
			n.flags |= fPostHeader
		}
	}
	// Pass 2, parents first: removal.
	d.each(func(n *node) {
		if n.parent == nil {
			return
		}
		if n.parent.flags&fRemoved != 0 {
			n.flags |= fRemoved
			return
		}
		if n.parent.flags&fPostHeader != 0 && n.flags&fHasSubHead == 0 && !headingTags[n.tag] {
			n.flags |= fRemoved // a post header's time, permalink, share button
			return
		}
		if n.isText {
			return
		}
		guard := n.flags&(fHasH1|fHasBodyHint) != 0
		// a big wrapper around an <article> or <main> is a page layout
		// container whatever its class says ("page has-sidebar")
		wrapper := guard || (n.flags&fHasArticle != 0 && n.rawLen >= 2000)
		switch {
		case n.flags&fHidden != 0 && n.flags&fHasBodyHint == 0:
			n.flags |= fRemoved
		case n.flags&fCaption != 0:
			n.flags |= fRemoved
		case n.flags&fStrongNeg != 0 && !guard:
			n.flags |= fRemoved
		case n.flags&fDrop != 0 && !wrapper && n.flags&fPostHeader == 0:
			n.flags |= fRemoved
		case n.flags&fNeg != 0 && n.flags&fPos == 0 && !wrapper:
			n.flags |= fRemoved
		case n.flags&(fByline|fDateline) != 0 && n.rawLen < 200 && !guard:
			n.flags |= fRemoved // metadata, read separately
		case isCaptionBox(n) && !guard:
			n.flags |= fRemoved
		}
	})
	// Pass 3, children first: aggregates over what is left.
	d.reverse(func(n *node) {
		if n.flags&fRemoved != 0 {
			return
		}
		if n.isText {
			n.textLen = n.rawLen
		} else if n.flags&fLink != 0 {
			n.linkLen = n.textLen
		}
		if p := n.parent; p != nil {
			p.textLen += n.textLen
			p.linkLen += n.linkLen
			p.commas += n.commas
			if isParaTag(n.tag) && n.textLen >= 25 {
				p.paras++
			}
		}
	})
}

// isCaptionBox reports whether n is an image with a short text beside it
// in one box: a caption or credit whatever its class is called
// (<div class="photo"><img><span>...</span></div>, WordPress's
// wp-caption, a gallery item). The text limit is below the length of a
// story paragraph that happens to hold an inline image.
func isCaptionBox(n *node) bool {
	switch n.tag {
	case atom.Div, atom.Span, atom.P, atom.Li, atom.A:
	default:
		return false
	}
	if n.rawLen == 0 || n.rawLen >= 200 {
		return false
	}
	for c := n.first; c != nil; c = c.next {
		if c.isText {
			continue
		}
		if c.flags&fImg != 0 {
			return true
		}
		// <a href><img></a>, <span class="wrap"><img></span>
		if c.rawLen == 0 && (c.tag == atom.A || c.tag == atom.Span || c.tag == atom.Div) {
			for g := c.first; g != nil; g = g.next {
				if g.flags&fImg != 0 {
					return true
				}
			}
		}
	}
	return false
}

// textStats returns the length of t in characters with whitespace runs
// counted once, and the number of commas (Latin, CJK, Arabic).
func textStats(t []byte) (int32, int32) {
	var n, commas int32
	space := false
	for i := 0; i < len(t); {
		c := t[i]
		if c < utf8.RuneSelf {
			i++
			if c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' {
				if !space {
					n++
				}
				space = true
				continue
			}
			space = false
			n++
			if c == ',' {
				commas++
			}
			continue
		}
		r, size := utf8.DecodeRune(t[i:])
		i += size
		space = false
		n++
		if r == '，' || r == '、' || r == '،' {
			commas++
		}
	}
	return n, commas
}

func isParaTag(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Pre, atom.Blockquote:
		return true
	}
	return false
}

func linkDensity(n *node) float32 {
	if n.textLen == 0 {
		return 0
	}
	return float32(n.linkLen) / float32(n.textLen)
}

// directText returns the length of n's own text children.
func directText(n *node) int32 {
	var l int32
	for c := n.first; c != nil; c = c.next {
		if c.isText {
			l += c.textLen
		}
	}
	return l
}

func initScore(n *node) float32 {
	var s float32
	switch n.tag {
	case atom.Div:
		s = 5
	case atom.Article:
		s = 10
	case atom.Main, atom.Section:
		s = 3
	case atom.Pre, atom.Td, atom.Blockquote:
		s = 3
	case atom.Address, atom.Ol, atom.Ul, atom.Dl, atom.Dd, atom.Dt, atom.Li, atom.Form:
		s = -3
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Th:
		s = -5
	}
	if n.flags&fPos != 0 {
		s += 25
	}
	if n.flags&fNeg != 0 {
		s -= 25
	}
	if n.flags&fBodyHint != 0 {
		s += 40
	}
	return s
}

// score runs Readability-style scoring: every paragraph-like block gives
// points (1 + commas + length/100, up to 3, discounted by its own link
// density) to its parent, half to its grandparent and a third or less to
// three more ancestors. It returns the best candidate, or nil.
func (d *doc) score() *node {
	var cands []*node
	d.each(func(n *node) {
		if n.isText || n.flags&fRemoved != 0 || n.textLen < 25 {
			return
		}
		switch n.tag {
		case atom.P, atom.Pre, atom.Td, atom.Blockquote, atom.Dd:
		case atom.Li:
			if n.linkLen*2 > n.textLen {
				return
			}
		case atom.Div, atom.Section, atom.Article, atom.Span, atom.Font, atom.Main:
			if directText(n) < 25 {
				return
			}
		default:
			return
		}
		s := 1 + float32(n.commas) + float32(min(n.textLen/100, 3))
		s *= 1 - linkDensity(n)
		a := n.parent
		for level := 0; a != nil && level < 5; level, a = level+1, a.parent {
			if !a.scored {
				a.scored = true
				a.score = initScore(a)
				cands = append(cands, a)
			}
			switch level {
			case 0:
				a.score += s
			case 1:
				a.score += s / 2
			default:
				a.score += s / float32(level*3)
			}
		}
	})
	// Final score: discounted by link density. Keep the five best, as
	// Readability does; looking further costs time and finds nothing.
	var best5 [5]*node
	for _, c := range cands {
		c.score *= 1 - linkDensity(c)
		for i := range best5 {
			if best5[i] == nil || c.score > best5[i].score {
				copy(best5[i+1:], best5[i:len(best5)-1])
				best5[i] = c
				break
			}
		}
	}
	top := best5[0]
	if top == nil {
		return nil
	}
	// Several strong candidates under one ancestor (a live blog, a story
	// split by ads into several containers): take the ancestor.
	var alts []*node
	for _, c := range best5[1:] {
		if c != nil && c.score >= top.score*0.75 && !isAncestor(c, top) && !isAncestor(top, c) {
			alts = append(alts, c)
		}
	}
	if len(alts) >= 2 {
		for a := top.parent; a != nil; a = a.parent {
			k := 0
			for _, c := range alts {
				if isAncestor(a, c) {
					k++
				}
			}
			if k >= 2 {
				top = a
				break
			}
		}
	}
	// An only child adds nothing: the parent holds the same content and
	// maybe the article's header.
	for top.parent != nil && top.parent != d.root && onlyContentChild(top.parent, top) {
		top = top.parent
	}
	return top
}

func isAncestor(a, n *node) bool {
	for p := n.parent; p != nil; p = p.parent {
		if p == a {
			return true
		}
	}
	return false
}

// commonAncestor returns the deepest node that contains every node of ns.
func commonAncestor(ns []*node) *node {
	a := ns[0].parent
	for _, n := range ns[1:] {
		for a != nil && !isAncestor(a, n) {
			a = a.parent
		}
	}
	return a
}

func onlyContentChild(p, c *node) bool {
	for x := p.first; x != nil; x = x.next {
		if x != c && x.flags&fRemoved == 0 && x.textLen > 0 {
			return false
		}
	}
	return true
}

// selectRoots returns the subtrees that make up the main content, in
// document order: the scored top candidate and its content-like siblings,
// or the article-body hints when they hold most of that text.
func (d *doc) selectRoots() []*node {
	top := d.score()
	var hints []*node
	var maxHint int32
	d.each(func(n *node) {
		// parents come first: mark everything inside a hint
		if n.parent != nil && n.parent.flags&(fBodyHint|fInHint) != 0 {
			n.flags |= fInHint
		}
		if n.flags&fBodyHint != 0 && n.flags&(fRemoved|fInHint) == 0 && n.textLen >= 100 {
			hints = append(hints, n)
			maxHint = max(maxHint, n.textLen)
		}
	})
	if len(hints) > 0 {
		var sum int32
		roots := hints[:0]
		for _, h := range hints {
			if h.textLen*5 >= maxHint {
				roots = append(roots, h)
				sum += h.textLen - h.linkLen
			}
		}
		if top == nil || sum*2 >= top.textLen-top.linkLen || isAncestor(top, roots[0]) && sum*3 >= top.textLen-top.linkLen {
			// Many body hints are the bodies of the posts of a live blog:
			// their common ancestor also holds the posts' titles, and
			// little else.
			if len(roots) >= 3 {
				if lca := commonAncestor(roots); lca != nil && lca != d.root && (lca.textLen-lca.linkLen)*2 <= sum*3 {
					return []*node{lca}
				}
			}
			return roots
		}
	}
	if top == nil {
		return nil
	}
	if top.parent == nil {
		return []*node{top}
	}
	threshold := max(10, top.score*0.2)
	var roots []*node
	before := true
	for s := top.parent.first; s != nil; s = s.next {
		if s == top {
			roots = append(roots, s)
			before = false
			continue
		}
		if before && !s.isText && s.flags&(fByline|fDateline|fHasH1) != 0 {
			// The article header (title, standfirst, byline, dateline)
			// sits beside the body: what came before its byline or
			// headline is header, not story.
			roots = roots[:0]
			continue
		}
		if s.isText || s.flags&fRemoved != 0 || s.textLen == 0 {
			continue
		}
		ld := linkDensity(s)
		switch {
		case s.scored && s.score >= threshold:
			roots = append(roots, s)
		case s.tag == atom.P && s.textLen > 80 && ld < 0.25:
			roots = append(roots, s)
		case s.tag == atom.P && ld == 0 && s.textLen > 20 && hasSentencePunct(string(d.plainText(s))):
			roots = append(roots, s)
		}
	}
	return roots
}

// plainText returns the raw text of n's subtree (for small nodes).
func (d *doc) plainText(n *node) []byte {
	var b []byte
	var walk func(n *node)
	walk = func(n *node) {
		if n.isText {
			b = append(b, d.textOf(n)...)
			return
		}
		for c := n.first; c != nil; c = c.next {
			if c.flags&fRemoved == 0 {
				walk(c)
			}
		}
	}
	walk(n)
	return b
}

// block is one emitted paragraph.
type block struct {
	text    string
	textLen int
	linkLen int
	heading int // 1..6 for h1..h6
	li      bool
	pre     bool
	// meta marks where a byline or dateline was removed from the content:
	// no text, but it tells filterBlocks where the article header ends.
	meta bool
}

type emitter struct {
	d       *doc
	blocks  []block
	buf     strings.Builder
	linkLen int
	heading int
	li, pre bool
	layout  bool // inside a layout table
}

func (e *emitter) flush() {
	if e.buf.Len() == 0 {
		e.heading, e.li, e.pre = 0, false, false
		return
	}
	s := normalizeText(e.buf.String())
	e.buf.Reset()
	if s != "" {
		e.blocks = append(e.blocks, block{
			text: s, textLen: utf8.RuneCountInString(s), linkLen: e.linkLen,
			heading: e.heading, li: e.li, pre: e.pre,
		})
	}
	e.linkLen = 0
	e.heading, e.li, e.pre = 0, false, false
}

var blockTags = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Main: true,
	atom.Blockquote: true, atom.Pre: true, atom.Ul: true, atom.Ol: true, atom.Li: true, atom.Dl: true,
	atom.Dd: true, atom.Dt: true, atom.Table: true, atom.Tr: true, atom.Tbody: true, atom.Thead: true,
	atom.Tfoot: true, atom.Header: true, atom.Footer: true, atom.Hr: true, atom.Figure: true,
	atom.Details: true, atom.Summary: true, atom.Center: true, atom.Form: true, atom.Fieldset: true,
	atom.Address: true, atom.Hgroup: true, atom.Caption: true,
}

// walk emits the blocks of n's subtree. top is true for a selected root,
// which is never dropped by the conditional cleaning below.
func (e *emitter) walk(n *node, top, inLink bool) {
	if n.isText {
		if n.flags&fRemoved != 0 {
			return
		}
		t := e.d.textOf(n)
		e.buf.Write(t)
		if inLink {
			e.linkLen += int(n.textLen)
		}
		return
	}
	if n.flags&fRemoved != 0 {
		if n.flags&(fByline|fDateline) != 0 && len(e.blocks) < 16 {
			e.flush()
			e.blocks = append(e.blocks, block{meta: true})
		}
		return
	}
	if !top && dropConditionally(n) {
		e.flush()
		return
	}
	switch {
	case n.tag == atom.Br:
		if e.pre {
			e.buf.WriteByte('\n')
			return
		}
		h, li := e.heading, e.li
		e.flush()
		e.heading, e.li = h, li
		return
	case n.tag == atom.Td || n.tag == atom.Th:
		// Cells of data tables join into one line per row; cells of layout
		// tables (a page built of tables) are blocks of their own.
		if e.layout {
			e.flush()
		}
		e.buf.WriteByte(' ')
		for c := n.first; c != nil; c = c.next {
			e.walk(c, false, inLink)
		}
		e.buf.WriteByte(' ')
		if e.layout {
			e.flush()
		}
		return
	case n.tag == atom.Table:
		e.flush()
		saved := e.layout
		e.layout = isLayoutTable(n)
		for c := n.first; c != nil; c = c.next {
			e.walk(c, false, inLink)
		}
		e.flush()
		e.layout = saved
		return
	case n.tag == atom.Img:
		return
	case headingTags[n.tag]:
		e.flush()
		e.heading = int(n.tag.String()[1] - '0')
	case n.tag == atom.Li || n.tag == atom.Dd || n.tag == atom.Dt:
		e.flush()
		e.li = true
	case n.tag == atom.Pre:
		e.flush()
		e.pre = true
	case blockTags[n.tag]:
		e.flush()
	default:
		for c := n.first; c != nil; c = c.next {
			e.walk(c, false, inLink || n.flags&fLink != 0)
		}
		return
	}
	for c := n.first; c != nil; c = c.next {
		e.walk(c, false, inLink || n.flags&fLink != 0)
	}
	e.flush()
}

// isLayoutTable reports whether a table lays out a page rather than holds
// data: one of its cells holds a long text or block elements.
func isLayoutTable(t *node) bool {
	found := false
	var visit func(n *node, depth int)
	visit = func(n *node, depth int) {
		for c := n.first; c != nil && !found && depth < 4; c = c.next {
			switch c.tag {
			case atom.Tbody, atom.Thead, atom.Tfoot, atom.Tr:
				visit(c, depth+1)
			case atom.Td, atom.Th:
				if c.textLen >= 200 || hasBlockChild(c) {
					found = true
				}
			}
		}
	}
	visit(t, 0)
	return found
}

func hasBlockChild(n *node) bool {
	for c := n.first; c != nil; c = c.next {
		if c.tag == atom.Br || c.tag == atom.Table || (blockTags[c.tag] && c.tag != atom.Tr) {
			return true
		}
	}
	return false
}

// dropConditionally removes containers inside the main content that are
// link lists or boxes rather than text (Readability's "clean conditionally").
func dropConditionally(n *node) bool {
	switch n.tag {
	case atom.Ul, atom.Ol, atom.Div, atom.Section, atom.Table, atom.Dl, atom.Aside, atom.Header, atom.Footer:
	default:
		return false
	}
	if n.textLen == 0 {
		return true
	}
	ld := linkDensity(n)
	switch {
	case n.flags&(fHasH1|fHasBodyHint) != 0:
		return false
	case (n.tag == atom.Ul || n.tag == atom.Ol) && ld > 0.5:
		return true
	case ld > 0.5 && n.textLen < 2000:
		return true
	case ld > 0.3 && n.textLen < 300 && n.paras == 0:
		return true
	}
	return false
}
