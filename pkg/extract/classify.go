package extract

// Class and id verdicts. Names are split into words ("article-body__share",
// "relatedStories" -> article, body, share / related, stories) and the words
// are looked up, instead of matching substrings as Readability does, so that
// "shadow" is not an ad and "headline" is not a "head" line.

var negWords = toSet(
	"ad", "ads", "adv", "advert", "adverts", "advertisement", "advertising", "adslot", "adunit", "dfp",
	"banner", "breadcrumb", "breadcrumbs", "carousel", "combx", "community", "contact", "disclaimer",
	"footer", "gdpr", "hidden", "masthead", "menu", "meta", "modal", "nav", "navbar", "navigation",
	"outbrain", "pager", "pagination", "partner", "partners", "popular", "popup", "print", "promo",
	"promos", "promotion", "rail", "recirc", "recirculation", "recommend", "recommended", "recommendation",
	"recommendations", "related", "remark", "rss", "share", "sharing", "shares", "sharebar", "shoutbox",
	"sidebar", "skyscraper", "social", "sponsor", "sponsored", "subscribe", "subscription", "tags",
	"tag", "taboola", "toolbar", "tools", "trending", "tweet", "twitter", "facebook", "whatsapp", "widget",
	"widgets", "signup", "login", "teaser", "teasers", "mostread", "most", "readmore", "jump", "skip",
	"bio", "caption", "credit", "credits", "gallery", "slideshow", "slider", "video", "player", "audio",
	"podcast", "newsletter", "donate", "donation", "topics", "keywords", "feedback", "rating", "survey",
	"poll", "overlay", "sticky", "offcanvas", "hamburger", "dropdown", "icon", "icons", "logo", "search",
	"cta", "upsell", "inline-related", "more", "sr", "screenreader", "visually", "outstream", "native",
	"embed", "lightbox", "thumbnail", "thumbnails", "thumb", "tooltip", "badge", "notice", "alert",
)

// strongNegWords mark sections that read like story text but never are:
// comments, consent walls, sign-up and paywall prompts. They are removed
// even when they hold many paragraphs.
var strongNegWords = toSet(
	"comment", "comments", "commentlist", "disqus", "respond", "replies", "reply", "discussion",
	"cookie", "cookies", "consent", "cmp", "onetrust", "paywall", "piano", "regwall", "subscribe",
	"newsletter", "signup", "related", "recirc", "recommended", "recommendations", "outbrain", "taboola",
)

var posWords = toSet(
	"article", "body", "content", "entry", "main", "post", "story", "text", "blog", "hentry",
	"prose", "richtext", "copy", "news", "detail", "page", "column", "single",
)

// bodyFirst and bodySecond words make an article-body hint when they appear
// together: "article-body", "story__content", "entry-content", "post-text".
var (
	bodyFirst  = toSet("article", "story", "entry", "post", "news", "blog", "main", "rich", "single")
	bodySecond = toSet("body", "content", "text", "copy", "prose", "richtext", "bodytext", "articlebody")
	bylineWord = toSet("byline", "author", "authors", "writer", "byl", "contributor", "contributors", "authorname",
		"autor", "autorin", "auteur", "autore", "firma", "signature", "verfasser")
	dateWords = toSet("date", "time", "timestamp", "published", "dateline", "pubdate", "posted", "updated")
	hideWords = toSet("hidden", "hide", "invisible", "sronly", "offscreen")
)

// classifyAttr returns the flags a class or id attribute value implies.
func classifyAttr(v []byte) nodeFlags {
	if len(v) == 0 || len(v) > 512 {
		return 0
	}
	var f nodeFlags
	var buf [512]byte
	var words [24][]byte
	n := splitIdent(v, buf[:0], words[:])
	var prev []byte
	for _, wb := range words[:n] {
		// string(wb) in a map index does not allocate
		switch {
		case strongNegWords[string(wb)]:
			f |= fNeg | fStrongNeg
		case negWords[string(wb)]:
			f |= fNeg
		}
		if posWords[string(wb)] {
			f |= fPos
		}
		if bodySecond[string(wb)] && (bodyFirst[string(prev)] || string(wb) == "articlebody" || string(wb) == "bodytext") {
			f |= fBodyHint
		}
		if bylineWord[string(wb)] {
			f |= fByline
		}
		if dateWords[string(wb)] {
			f |= fDateline
		}
		if hideWords[string(wb)] || (string(prev) == "sr" && string(wb) == "only") ||
			(string(prev) == "visually" && string(wb) == "hidden") || (string(prev) == "screen" && string(wb) == "reader") {
			f |= fHidden
		}
		prev = wb
	}
	// "article-body" next to "share" or "comments" in a BEM name
	// ("article-body__share-bar") is the share bar: the last block wins.
	if f&fBodyHint != 0 && f&fNeg != 0 {
		if lastNeg(words[:n]) {
			f &^= fBodyHint | fPos
		} else {
			f &^= fNeg | fStrongNeg
		}
	}
	if f&fByline != 0 && f&fNeg != 0 && !lastNeg(words[:n]) {
		f &^= fNeg | fStrongNeg
	}
	return f
}

// lastNeg reports whether the last classified word of words is negative.
func lastNeg(words [][]byte) bool {
	for i := len(words) - 1; i >= 0; i-- {
		w := words[i] // string(w) in a map index does not allocate
		if negWords[string(w)] || strongNegWords[string(w)] {
			return true
		}
		if posWords[string(w)] || bodySecond[string(w)] || bylineWord[string(w)] {
			return false
		}
	}
	return false
}

// splitIdent splits a class/id value into lower-case words at non-letters
// and camelCase boundaries. The words are lower-cased into buf (which must
// have room for len(v) bytes) and returned as slices of it in out; it
// returns the number of words.
func splitIdent(v []byte, buf []byte, out [][]byte) int {
	n := 0
	start := -1
	flush := func() {
		if start >= 0 && n < len(out) && len(buf) > start {
			out[n] = buf[start:len(buf):len(buf)]
			n++
		}
		start = -1
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		isLow := c >= 'a' && c <= 'z'
		isUp := c >= 'A' && c <= 'Z'
		if !isLow && !isUp && c < 0x80 {
			flush()
			continue
		}
		if isUp && start >= 0 && i > 0 && v[i-1] >= 'a' && v[i-1] <= 'z' {
			flush()
		}
		if start < 0 {
			start = len(buf)
		}
		if isUp {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	flush()
	return n
}
