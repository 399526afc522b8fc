package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The HTML tree is built by hand from the tokenizer instead of html.Parse:
// the full HTML5 tree construction (adoption agency, scope searches over the
// whole open-element stack, foster parenting) costs most of the time of an
// extraction and is quadratic on pathological nesting, while extraction only
// needs block structure. This builder keeps what extraction needs (tags,
// text, class/id verdicts, a few attributes) in compact nodes allocated in
// chunks, bounds every stack search, caps depth and counts nodes against a
// budget.

type nodeFlags uint32

const (
	fHidden     nodeFlags = 1 << iota // hidden, aria-hidden, display:none
	fNeg                              // class/id/role says boilerplate
	fStrongNeg                        // class/id says comments, consent, newsletter, paywall prompt
	fPos                              // class/id says content
	fBodyHint                         // itemprop=articleBody or a CMS article-body class
	fByline                           // class/id/rel/itemprop says author/byline
	fLink                             // <a href>
	fDrop                             // tag is never content (nav, aside, button, figure, ...)
	fRemoved                          // removed by cleaning (set later)
	fHasH1                            // subtree contains an h1 (set later)
	fHasArticle                       // subtree contains <article>, <main> or a body hint (set later)
	fSelected                         // part of the main content (set later)
	fDateline                         // class/id says date/time/meta
	fCaption                          // figcaption, caption, credit
)

type node struct {
	parent, first, last, next *node
	flags                     nodeFlags
	tag                       atom.Atom
	isText                    bool
	ts, te                    int32 // text nodes: byte range in doc.text
	// aggregates over non-removed descendants (set by doc.aggregate)
	textLen, linkLen, commas, paras int32
	rawLen                          int32 // text length including removed parts
	score                           float32
	scored                          bool
}

// Bytes of text stored in the arena per text node are the entity-decoded
// text; whitespace-only text nodes are stored as a single space.

type metaTag struct{ key, value string }

type imgRef struct {
	n     *node
	src   string
	width int
}

type propRef struct {
	n     *node
	prop  string // itemprop value, lower-case
	value string // content/datetime attribute, if any
}

type doc struct {
	text   []byte
	chunks [][]node
	root   *node
	nodes  int

	// metadata collected while tokenizing
	title     string
	lang      string
	base      string
	canonical string
	imageSrc  string
	metas     []metaTag
	jsonld    []string
	relAuthor []*node
	times     []propRef
	props     []propRef
	imgs      []imgRef
	h1s       []*node
	bylines   []*node
	datelines []*node
	isAMP     bool
}

func (d *doc) newNode() *node {
	if len(d.chunks) == 0 || len(d.chunks[len(d.chunks)-1]) == cap(d.chunks[len(d.chunks)-1]) {
		size := 256
		if len(d.chunks) > 0 {
			size = min(4096, cap(d.chunks[len(d.chunks)-1])*2)
		}
		d.chunks = append(d.chunks, make([]node, 0, size))
	}
	c := &d.chunks[len(d.chunks)-1]
	*c = append(*c, node{})
	d.nodes++
	return &(*c)[len(*c)-1]
}

// each calls f on every node in document order; reverse calls it in reverse
// document order (children before parents).
func (d *doc) each(f func(n *node)) {
	for ci := range d.chunks {
		c := d.chunks[ci]
		for i := range c {
			f(&c[i])
		}
	}
}

func (d *doc) reverse(f func(n *node)) {
	for ci := len(d.chunks) - 1; ci >= 0; ci-- {
		c := d.chunks[ci]
		for i := len(c) - 1; i >= 0; i-- {
			f(&c[i])
		}
	}
}

func (n *node) appendChild(c *node) {
	c.parent = n
	if n.last == nil {
		n.first = c
	} else {
		n.last.next = c
	}
	n.last = c
}

func (d *doc) textOf(n *node) []byte { return d.text[n.ts:n.te] }

// errBudget is returned by parse when the node budget is exceeded.
var errBudget = errors.New("node budget exceeded")

var voidTags = map[atom.Atom]bool{
	atom.Area: true, atom.Base: true, atom.Br: true, atom.Col: true, atom.Embed: true, atom.Hr: true,
	atom.Img: true, atom.Input: true, atom.Link: true, atom.Meta: true, atom.Param: true,
	atom.Source: true, atom.Track: true, atom.Wbr: true, atom.Keygen: true,
}

// skipTags have no readable content; their whole subtree is skipped while
// tokenizing (raw-text ones are consumed by the tokenizer itself).
var skipTags = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true, atom.Svg: true,
	atom.Math: true, atom.Iframe: true, atom.Textarea: true, atom.Select: true, atom.Object: true,
	atom.Canvas: true, atom.Video: true, atom.Audio: true, atom.Noembed: true, atom.Noframes: true,
	atom.Xmp: true, atom.Datalist: true, atom.Map: true,
}

// rawSkipTags are the skipTags the tokenizer reads as raw text: their end tag
// follows a single text token, so no nesting count is needed.
var rawSkipTags = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Iframe: true, atom.Textarea: true,
	atom.Noembed: true, atom.Noframes: true, atom.Xmp: true,
}

// dropTags are kept in the tree (their text counts for link density of the
// page) but are never main content.
var dropTags = map[atom.Atom]bool{
	atom.Nav: true, atom.Aside: true, atom.Footer: true, atom.Button: true, atom.Form: false,
	atom.Figure: true, atom.Figcaption: true, atom.Menu: true, atom.Dialog: true, atom.Label: true,
	atom.Fieldset: true, atom.Legend: true, atom.Option: true, atom.Caption: false, atom.Header: true,
	atom.Address: true, atom.Input: true, atom.Picture: true,
}

// closesP are start tags that close an open <p>.
var closesP = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true, atom.Details: true,
	atom.Div: true, atom.Dl: true, atom.Fieldset: true, atom.Figcaption: true, atom.Figure: true,
	atom.Footer: true, atom.Form: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.H5: true, atom.H6: true, atom.Header: true, atom.Hr: true, atom.Main: true, atom.Menu: true,
	atom.Nav: true, atom.Ol: true, atom.P: true, atom.Pre: true, atom.Section: true, atom.Table: true,
	atom.Ul: true, atom.Li: true, atom.Dd: true, atom.Dt: true, atom.Summary: true,
}

var headingTags = map[atom.Atom]bool{atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true}

// stackSearch bounds how far down the open-element stack a closing or
// implied-closing tag looks for its element, keeping the build linear.
const stackSearch = 48

type builder struct {
	d        *doc
	stack    []*node
	overflow int // open elements beyond the depth cap, not on the stack
	maxDepth int
	maxNodes int
	custom   map[string]atom.Atom
}

// parse builds the tree of src.
func parse(ctx context.Context, src []byte, maxNodes, maxDepth int) (*doc, error) {
	d := &doc{text: make([]byte, 0, len(src)/3+64)}
	d.root = d.newNode()
	d.root.tag = atom.Body
	b := &builder{d: d, stack: []*node{d.root}, maxDepth: maxDepth, maxNodes: maxNodes}
	z := html.NewTokenizer(bytes.NewReader(src))
	z.SetMaxBuf(8 << 20)

	var skip atom.Atom // non-raw subtree being skipped
	var skipName string
	skipDepth := 0
	var capture *string // raw text of <title> or JSON-LD goes here
	var ld string
	inLD := false
	var inRaw atom.Atom // raw-text element (script, style, noscript, ...) being skipped
	tokens := 0
	for {
		tt := z.Next()
		tokens++
		if tokens&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("extract: %w", err)
			}
			if tokens > 4*maxNodes {
				return nil, errBudget
			}
		}
		switch tt {
		case html.ErrorToken:
			if err := z.Err(); err != io.EOF {
				return nil, fmt.Errorf("tokenize: %w", err)
			}
			return d, nil
		case html.TextToken:
			if skipDepth > 0 || inRaw != 0 {
				continue
			}
			if capture != nil {
				*capture += string(z.Text())
				continue
			}
			if inLD {
				ld += string(z.Text())
				continue
			}
			if err := b.text(z.Text()); err != nil {
				return nil, err
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			if skipDepth > 0 {
				if tt == html.StartTagToken && a == skip && (a != 0 || string(name) == skipName) {
					skipDepth++
				}
				continue
			}
			if a == 0 {
				a = b.customAtom(name)
			}
			switch a {
			case atom.Html:
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					switch string(k) {
					case "lang", "xml:lang":
						if d.lang == "" {
							d.lang = string(v)
						}
					case "amp", "⚡":
						d.isAMP = true
					}
				}
				continue
			case atom.Head, atom.Body:
				continue
			case atom.Title:
				if d.title == "" && tt == html.StartTagToken {
					capture = &d.title
				}
				continue
			case atom.Meta:
				b.meta(z, hasAttr)
				continue
			case atom.Link:
				b.link(z, hasAttr)
				continue
			case atom.Base:
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					if string(k) == "href" && d.base == "" {
						d.base = string(v)
					}
				}
				continue
			case atom.Script:
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					if string(k) == "type" && strings.Contains(strings.ToLower(string(v)), "ld+json") {
						inLD = tt == html.StartTagToken
						ld = ""
					}
				}
				if !inLD && tt == html.StartTagToken {
					inRaw = atom.Script
				}
				continue
			}
			if skipTags[a] {
				if tt == html.StartTagToken {
					if rawSkipTags[a] {
						inRaw = a
					} else {
						skip, skipName, skipDepth = a, string(name), 1
					}
				}
				continue
			}
			if err := b.start(z, a, string(name) == "amp-img", hasAttr, tt == html.SelfClosingTagToken); err != nil {
				return nil, err
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if inRaw != 0 {
				if a == inRaw {
					inRaw = 0
				}
				continue
			}
			if skipDepth > 0 {
				if a == skip && (a != 0 || string(name) == skipName) {
					skipDepth--
				}
				continue
			}
			switch a {
			case atom.Title:
				capture = nil
				continue
			case atom.Script:
				if inLD {
					d.jsonld = append(d.jsonld, ld)
					inLD, ld = false, ""
				}
				continue
			case atom.Html, atom.Head, atom.Body:
				continue
			}
			if a == 0 {
				a = b.customAtom(name)
			}
			b.end(a)
		}
	}
}

// customAtom gives unknown (custom) element names a stable private atom
// value so that end tags match start tags without storing names per node.
func (b *builder) customAtom(name []byte) atom.Atom {
	if b.custom == nil {
		b.custom = make(map[string]atom.Atom)
	}
	if a, ok := b.custom[string(name)]; ok {
		return a
	}
	if len(b.custom) >= 1024 {
		return atom.Atom(0xffff_fff0) // too many distinct names: share one value
	}
	a := atom.Atom(0xffff_0000 + uint32(len(b.custom)))
	b.custom[string(name)] = a
	return a
}

func (b *builder) top() *node { return b.stack[len(b.stack)-1] }

func (b *builder) add(n *node) error {
	if b.d.nodes > b.maxNodes {
		return errBudget
	}
	b.top().appendChild(n)
	return nil
}

func (b *builder) text(t []byte) error {
	d := b.d
	cur := b.top()
	// whitespace-only text: one space, and none after another space
	if isBlank(t) {
		if l := cur.last; l == nil || (l.isText && l.te > l.ts && d.text[l.te-1] == ' ') {
			return nil
		}
		t = []byte{' '}
	}
	if l := cur.last; l != nil && l.isText && int(l.te) == len(d.text) {
		// adjacent text tokens (split by comments, or a long text): merge
		d.text = append(d.text, t...)
		l.te = int32(len(d.text))
		return nil
	}
	n := d.newNode()
	n.isText = true
	n.ts = int32(len(d.text))
	d.text = append(d.text, t...)
	n.te = int32(len(d.text))
	return b.add(n)
}

// closeUpTo pops the stack up to and including the nearest open element
// with tag a, looking at most stackSearch elements down and not past an
// element in stop. It reports whether one was found.
func (b *builder) closeUpTo(a atom.Atom, stop map[atom.Atom]bool) bool {
	for i, k := len(b.stack)-1, 0; i > 0 && k < stackSearch; i, k = i-1, k+1 {
		t := b.stack[i].tag
		if t == a {
			b.stack = b.stack[:i]
			return true
		}
		if stop[t] {
			return false
		}
	}
	return false
}

var (
	pScope     = map[atom.Atom]bool{atom.Table: true, atom.Td: true, atom.Th: true, atom.Button: true, atom.Caption: true, atom.Object: true}
	liScope    = map[atom.Atom]bool{atom.Ul: true, atom.Ol: true, atom.Menu: true, atom.Table: true}
	ddScope    = map[atom.Atom]bool{atom.Dl: true, atom.Table: true}
	cellScope  = map[atom.Atom]bool{atom.Tr: true, atom.Table: true}
	rowScope   = map[atom.Atom]bool{atom.Table: true, atom.Tbody: true, atom.Thead: true, atom.Tfoot: true}
	aScope     = map[atom.Atom]bool{atom.Div: true, atom.P: true, atom.Table: true, atom.Li: true, atom.Article: true, atom.Section: true}
	emptyScope = map[atom.Atom]bool{}
)

func (b *builder) start(z *html.Tokenizer, a atom.Atom, ampImg, hasAttr, selfClosing bool) error {
	isImg := a == atom.Img || ampImg
	d := b.d
	// implied end tags
	switch {
	case a == atom.Li:
		b.closeUpTo(atom.Li, liScope)
	case a == atom.Dd || a == atom.Dt:
		if !b.closeUpTo(atom.Dd, ddScope) {
			b.closeUpTo(atom.Dt, ddScope)
		}
	case a == atom.Tr:
		b.closeUpTo(atom.Tr, rowScope)
	case a == atom.Td || a == atom.Th:
		if !b.closeUpTo(atom.Td, cellScope) {
			b.closeUpTo(atom.Th, cellScope)
		}
	case a == atom.A:
		b.closeUpTo(atom.A, aScope)
	case headingTags[a] && headingTags[b.top().tag]:
		b.stack = b.stack[:len(b.stack)-1]
	}
	if closesP[a] {
		b.closeUpTo(atom.P, pScope)
	}

	n := d.newNode()
	n.tag = a
	if dropTags[a] {
		n.flags |= fDrop
	}
	switch a {
	case atom.Figcaption, atom.Caption:
		n.flags |= fCaption
	case atom.H1:
		d.h1s = append(d.h1s, n)
	case atom.Article, atom.Main:
		n.flags |= fHasArticle
	}
	var src, dataSrc, width, itemprop, content, datetime, rel string
	var href, inlineImg bool
	for hasAttr {
		var k, v []byte
		k, v, hasAttr = z.TagAttr()
		switch string(k) {
		case "class", "id":
			n.flags |= classifyAttr(v)
			if isImg && (bytes.Contains(v, []byte("emoji")) || bytes.Contains(v, []byte("smiley"))) {
				inlineImg = true
			}
		case "role":
			n.flags |= classifyRole(v)
		case "hidden":
			n.flags |= fHidden
		case "aria-hidden":
			if bytes.EqualFold(v, []byte("true")) {
				n.flags |= fHidden
			}
		case "style":
			if hiddenStyle(v) {
				n.flags |= fHidden
			}
		case "itemprop":
			itemprop = strings.ToLower(string(v))
		case "content":
			content = string(v)
		case "datetime":
			datetime = string(v)
		case "href":
			href = len(v) > 0
		case "rel":
			rel = strings.ToLower(string(v))
		case "src":
			if isImg {
				src = string(v)
			}
		case "data-src", "data-lazy-src", "data-original":
			if isImg {
				dataSrc = string(v)
			}
		case "width":
			width = string(v)
		}
	}
	if a == atom.A && href {
		n.flags |= fLink
	}
	if isImg || a == atom.Picture {
		// emoji and icons set in the text are not pictures
		w := 0
		if width != "" {
			w, _ = strconv.Atoi(strings.TrimSuffix(width, "px"))
		}
		if !inlineImg && (w == 0 || w > 48) {
			n.flags |= fImg
		}
	}
	if itemprop != "" {
		switch {
		case strings.Contains(itemprop, "articlebody"):
			n.flags |= fBodyHint | fHasArticle
		case strings.Contains(itemprop, "author") || strings.Contains(itemprop, "creator"):
			n.flags |= fByline
		}
		v := content
		if v == "" {
			v = datetime
		}
		d.props = append(d.props, propRef{n: n, prop: itemprop, value: v})
	}
	if rel == "author" || strings.Contains(rel, "author ") {
		d.relAuthor = append(d.relAuthor, n)
		n.flags |= fByline
	}
	if a == atom.Time {
		d.times = append(d.times, propRef{n: n, prop: itemprop, value: datetime})
	}
	if n.flags&fBodyHint != 0 {
		n.flags |= fHasArticle
	}
	if n.flags&fByline != 0 {
		d.bylines = append(d.bylines, n)
	}
	if n.flags&fDateline != 0 {
		d.datelines = append(d.datelines, n)
	}
	if isImg && len(d.imgs) < 64 {
		if dataSrc != "" && (src == "" || strings.HasPrefix(src, "data:")) {
			src = dataSrc
		}
		if src != "" && !strings.HasPrefix(src, "data:") {
			w := 0
			fmt.Sscanf(width, "%d", &w)
			d.imgs = append(d.imgs, imgRef{n: n, src: src, width: w})
		}
	}
	if err := b.add(n); err != nil {
		return err
	}
	if voidTags[a] || (selfClosing && (a == 0 || a >= 0xffff_0000)) {
		return nil
	}
	if len(b.stack) >= b.maxDepth {
		b.overflow++
		return nil
	}
	b.stack = append(b.stack, n)
	return nil
}

func (b *builder) end(a atom.Atom) {
	if b.overflow > 0 {
		b.overflow--
		return
	}
	switch a {
	case atom.Br:
		// </br> is a <br> in browsers
		n := b.d.newNode()
		n.tag = atom.Br
		_ = b.add(n)
		return
	case atom.P, atom.Li, atom.Dd, atom.Dt, atom.Td, atom.Th, atom.Tr:
		b.closeUpTo(a, emptyScope)
		return
	}
	if headingTags[a] {
		// </h2> closes any open heading
		for h := range headingTags {
			if b.top().tag == h {
				b.stack = b.stack[:len(b.stack)-1]
				return
			}
		}
	}
	b.closeUpTo(a, emptyScope)
}

func (b *builder) meta(z *html.Tokenizer, hasAttr bool) {
	var key, content string
	for hasAttr {
		var k, v []byte
		k, v, hasAttr = z.TagAttr()
		switch string(k) {
		case "name", "property", "itemprop", "http-equiv":
			if key == "" || string(k) == "property" {
				key = strings.ToLower(strings.TrimSpace(string(v)))
			}
		case "content":
			content = string(v)
		}
	}
	if key != "" && content != "" && len(b.d.metas) < 512 {
		b.d.metas = append(b.d.metas, metaTag{key, strings.TrimSpace(content)})
	}
}

func (b *builder) link(z *html.Tokenizer, hasAttr bool) {
	var rel, href string
	for hasAttr {
		var k, v []byte
		k, v, hasAttr = z.TagAttr()
		switch string(k) {
		case "rel":
			rel = strings.ToLower(string(v))
		case "href":
			href = strings.TrimSpace(string(v))
		}
	}
	if href == "" {
		return
	}
	for _, r := range strings.Fields(rel) {
		switch r {
		case "canonical":
			if b.d.canonical == "" {
				b.d.canonical = href
			}
		case "image_src":
			if b.d.imageSrc == "" {
				b.d.imageSrc = href
			}
		}
	}
}

func hiddenStyle(v []byte) bool {
	if len(v) > 512 {
		v = v[:512]
	}
	s := strings.ReplaceAll(strings.ToLower(string(v)), " ", "")
	return strings.Contains(s, "display:none") || strings.Contains(s, "visibility:hidden")
}

func classifyRole(v []byte) nodeFlags {
	switch strings.ToLower(string(v)) {
	case "navigation", "complementary", "banner", "contentinfo", "dialog", "alertdialog", "menu",
		"menubar", "search", "toolbar", "tablist", "alert", "button":
		return fNeg
	case "main", "article":
		return fPos | fHasArticle
	}
	return 0
}
