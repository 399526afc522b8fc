package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// lineKind classifies one paragraph-sized piece of text. The same rules run
// on plain-text dumps and on the blocks of HTML main content, so that both
// paths drop the same furniture.
type lineKind uint8

const (
	lineBody      lineKind = iota // story text, headline or subheading
	lineAd                        // "- Advertisement -", "Sponsored", "Anzeige"
	lineCookie                    // cookie and consent banners
	lineShare                     // share, follow, subscribe, sign-in and paywall prompts
	lineReadMore                  // "Read more: <other story>", "See also: ..."
	lineBoxHeader                 // "Related articles", "More from X", "Most read": a links box starts
	lineComments                  // "Comments", "Leave a reply": comments start
	lineCopyright                 // "© 2023 Example Media. All rights reserved."
	lineCredit                    // "Photo: Reuters", "Image: Getty"
	lineJunk                      // no letters or digits; "5 min read"; "Listen to this article"
)

// dropped reports whether a line of this kind is never story text.
func (k lineKind) dropped() bool { return k != lineBody }

const boxTrim = " \t-–—•·*|[](){}<>_=~:#»«›‹/\\"

var adMarkers = toSet(
	"advertisement", "advertisements", "advertising", "advert", "ad", "ads", "sponsored",
	"sponsored content", "sponsored post", "paid content", "paid post", "promoted", "promoted content",
	"partner content", "anzeige", "werbung", "publicité", "publicite", "publicidad", "publicidade",
	"pubblicità", "pubblicita", "reclame", "advertentie", "reklama", "реклама", "広告", "广告", "광고",
	"annonce", "annons", "mainos", "reklame", "hirdetés", "inzerce", "διαφήμιση",
	"story continues below advertisement", "article continues below advertisement",
	"continue reading below", "article continues below", "story continues below",
	"scroll to continue with content", "advertisement scroll to continue", "skip advertisement",
	"ad feedback", "adchoices", "ad choices", "report this ad", "close ad", "remove ads",
)

var boxHeaders = toSet(
	"related", "related articles", "related stories", "related news", "related content", "related posts",
	"related coverage", "related topics", "related links", "related reading", "more on this story",
	"more on this topic", "more stories", "more news", "more articles", "more top stories",
	"you may also like", "you might also like", "you may be interested in", "you might be interested in",
	"recommended", "recommended for you", "recommended stories", "recommended articles", "read next",
	"up next", "what to read next", "most read", "most popular", "most viewed", "most shared",
	"trending", "trending now", "trending stories", "top stories", "latest news", "latest stories",
	"latest", "editor's picks", "editors' picks", "editor’s picks", "don't miss", "don’t miss",
	"further reading", "tags", "topics", "filed under", "explore more", "in other news", "more like this",
	"weitere artikel", "das könnte sie auch interessieren", "mehr zum thema", "meistgelesen",
	"meistgelesene artikel", "auch interessant", "sur le même sujet", "à lire aussi", "a lire aussi",
	"les plus lus", "articles liés", "noticias relacionadas", "te puede interesar", "lo más leído",
	"más noticias", "articoli correlati", "potrebbe interessarti", "i più letti",
	"najczęściej czytane", "podobne artykuły", "zobacz także", "zobacz też", "czytaj także",
	"související články", "nejčtenější", "関連記事", "関連ニュース", "おすすめ記事", "相关新闻", "相关文章",
	"推荐阅读", "читайте также", "по теме",
)

var commentHeaders = toSet(
	"comments", "comment", "leave a comment", "leave a reply", "post a comment", "add a comment",
	"join the conversation", "join the discussion", "discussion", "reader comments", "show comments",
	"view comments", "load comments", "comments are closed", "kommentare", "kommentar schreiben",
	"commentaires", "réagir", "comentarios", "commenti", "komentarze", "komentáře", "コメント", "评论",
	"комментарии",
)

var readMorePrefixes = []string{
	"read more", "read also", "also read", "read next", "read:", "see also", "related:", "more:",
	"more on ", "watch:", "watch now", "listen:", "recommended:", "must read", "don't miss:",
	"don’t miss:", "weiterlesen", "lesen sie auch", "lesen sie mehr", "auch interessant", "mehr zum thema",
	"lire aussi", "à lire aussi", "a lire aussi", "lire la suite", "voir aussi", "leer más",
	"lee también", "lea también", "te puede interesar", "ver también", "leggi anche", "leggi tutto",
	"czytaj także", "czytaj też", "czytaj więcej", "zobacz też", "zobacz także", "přečtěte si také",
	"čtěte také", "続きを読む", "関連記事", "もっと見る", "相关阅读", "阅读更多", "читайте также",
}

var (
	cookieRE = regexp.MustCompile(`(?i)` +
		`\b(this|our) (web ?site|site|portal|page|service)s? (uses?|is using|employs?) (cookies|trackers)` +
		`|\bwe (use|are using|and our partners use) cookies` +
		`|\buses? cookies to\b` +
		`|\baccept (all )?(cookies|tracking)` +
		`|\bmanage (cookies|consent|preferences|cookie)` +
		`|\bcookie (policy|settings|preferences|consent|notice)\b.{0,120}\b(accept|agree|manage|continue|consent)` +
		`|\bby (continuing|using|browsing)\b.{0,60}\b(you (agree|consent|accept)|cookies)` +
		`|opt-?out if you wish|we value your privacy|your privacy choices|do not sell my personal information` +
		`|\b(verwendet|nutzt|verwenden|nutzen) cookies|\butilis(e|ons) des cookies|\butiliza(mos)? cookies` +
		`|\b(usa|utilizza|utilizziamo|usiamo) (i )?cookie|\bużywa(my)? (plików )?cookies|\bwykorzystuje(my)? (pliki )?cookies` +
		`|\bpoužívá(me)? (soubory )?cookies|クッキーを使用|cookieを使用|使用cookie|использует cookie`)
	shareRE = regexp.MustCompile(`(?i)^(` +
		`share( this| the)?( article| story| post| page| link)?( on| via| with)?(( |, ?)(facebook|twitter|x|whatsapp|linkedin|email|e-mail|reddit|telegram|pinterest|messenger))*` +
		`|tweet( this)?|email( this)?( article| story)?|print( this)?( article| page| story)?|copy( the)? link|link copied` +
		`|follow us( on .{1,40})?|like us on facebook|subscribe( now| today| here| for free| to .{1,80})?` +
		`|sign up( now| here| today| for .{1,80})?|get (the|our) (free )?(daily )?(newsletter|app|briefing).{0,60}` +
		`|join (us|our) .{1,60}|download (the|our) app.{0,60}|click here .{0,80}|tap here .{0,80}` +
		`|newsletter( sign.?up)?|already (a subscriber|have an account)\??.{0,40}|(log|sign) ?in( to .{1,60})?|register( now| for free)?` +
		`|create (a )?free account.{0,60}|subscribe to (continue|read|keep).{0,80}|continue reading with .{0,80}` +
		`|this (article|content|story) is (for|only available to|exclusive to) (subscribers|members|premium).{0,80}` +
		`|become a (member|subscriber).{0,80}|support (our|independent) journalism.{0,80}|listen( to (this )?(article|story))?.{0,20}` +
		`|\d+ ?(min|mins|minute|minutes)( read| reading time)?|reading time:? .{1,20}|(teilen|artikel teilen|partager( sur .{1,30})?|compartir( en .{1,30})?|condividi|udostępnij|sdílet|シェア|ツイート)` +
		`|jetzt abonnieren.{0,60}|abonnez-vous.{0,60}|suscríbete.{0,60}|abbonati.{0,60}|zaloguj się.{0,60}|subskrybuj.{0,60}` +
		`)[.!:]?$`)
	socialOnlyRE = regexp.MustCompile(`(?i)^((facebook|twitter|x|whatsapp|linkedin|email|e-mail|pinterest|reddit|telegram|messenger|print|mail|copy link|copy|share|tweet|flipboard|threads|bluesky|instagram|youtube|tiktok)[ ,|•·/]*){2,}$`)
	copyrightRE  = regexp.MustCompile(`(?i)^(©|\(c\)|copyright\b|all rights reserved)|all rights reserved\.?$|alle rechte vorbehalten|tous droits réservés|todos los derechos reservados|tutti i diritti riservati|wszelkie prawa zastrzeżone`)
	creditRE     = regexp.MustCompile(`(?i)^(photo|photos|photograph|image|images|picture|pictures|video|credit|credits|foto|fotos|bild|bilder|photo credit|image credit|source|quelle|getty images|ap photo|imago|dpa|epa)( by)? ?[:|/]`)
)

// classifyLine classifies s, a normalised line or paragraph.
func classifyLine(s string) lineKind {
	if s == "" || !hasAlnum(s) {
		return lineJunk
	}
	n := len(s)
	if n > 900 {
		return lineBody
	}
	lower := strings.ToLower(s)
	core := strings.Trim(lower, boxTrim+".…!?")
	if adMarkers[core] {
		return lineAd
	}
	if n < 700 && strings.Contains(lower, "cookie") || strings.Contains(lower, "privacy") || strings.Contains(lower, "personal information") || strings.Contains(lower, "クッキー") {
		if n < 700 && cookieRE.MatchString(lower) {
			return lineCookie
		}
	}
	if n > 300 {
		return lineBody
	}
	if commentHeaders[stripCount(core)] {
		return lineComments
	}
	if boxHeaders[core] || isMoreFrom(core) {
		return lineBoxHeader
	}
	// The regular expressions are slow (backtracking over alternations):
	// run each only when a cheap test says it may match.
	first := firstWord(core)
	if len(core) <= 160 && (shareFirst[first] || first == "" || first[0] >= '0' && first[0] <= '9') && shareRE.MatchString(core) {
		return lineShare
	}
	if len(core) <= 200 && socialFirst[first] && socialOnlyRE.MatchString(core) {
		return lineShare
	}
	if n < 250 {
		for _, p := range readMorePrefixes {
			if strings.HasPrefix(core, p) && markerEnds(core, len(p)) {
				return lineReadMore
			}
		}
	}
	if n < 200 && mayBeCopyright(core) && copyrightRE.MatchString(core) {
		return lineCopyright
	}
	if n < 160 && creditFirst[first] && creditRE.MatchString(core) {
		return lineCredit
	}
	if n < 600 && hasCJK(s) && isCJKLabelLine(s) {
		return lineCredit
	}
	return lineBody
}

// cjkLabels are the labels of the metadata lines Chinese news pages put
// inside the article text: editor, original title, source, proofreader,
// and the portal's reprint statement ("新浪声明：...").
var cjkLabels = toSet("责任编辑", "責任編輯", "编辑", "編輯", "责编", "責編", "原标题", "原標題", "来源", "來源",
	"文章来源", "文章來源", "本文来源", "本文來源", "图片来源", "圖片來源", "校对", "校對", "审核", "審核",
	"审校", "審校", "监制", "監製", "出品", "作者", "记者", "記者", "通讯员", "通訊員", "摄影", "攝影", "编译", "編譯")

// isCJKLabelLine reports whether s is a "label：value" metadata line of a
// Chinese news page. Author and reporter labels only count on short lines
// ("记者：..." also opens the questions of an interview).
func isCJKLabelLine(s string) bool {
	i := strings.IndexAny(s, "：:")
	if i <= 0 || i > 30 {
		return false
	}
	label := strings.TrimSpace(s[:i])
	rest := utf8.RuneCountInString(s[i:])
	switch {
	case strings.HasSuffix(label, "声明") || strings.HasSuffix(label, "聲明"):
		return utf8.RuneCountInString(label) <= 6 && rest < 200
	case label == "作者" || label == "记者" || label == "記者":
		return rest <= 20
	case cjkLabels[label]:
		return rest <= 60
	}
	return false
}

// firstWord returns the leading run of letters and digits of s.
func firstWord(s string) string {
	for i, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return s[:i]
		}
	}
	return s
}

var (
	shareFirst = toSet("share", "tweet", "email", "print", "copy", "link", "follow", "like", "subscribe",
		"sign", "get", "join", "download", "click", "tap", "newsletter", "already", "log", "login", "register",
		"create", "continue", "this", "become", "support", "listen", "reading", "teilen", "artikel", "partager",
		"compartir", "condividi", "udostępnij", "sdílet", "jetzt", "abonnez", "suscríbete", "abbonati",
		"zaloguj", "subskrybuj", "シェア", "ツイート", "signin", "signup")
	socialFirst = toSet("facebook", "twitter", "x", "whatsapp", "linkedin", "email", "e", "pinterest", "reddit",
		"telegram", "messenger", "print", "mail", "copy", "share", "tweet", "flipboard", "threads", "bluesky",
		"instagram", "youtube", "tiktok")
	creditFirst = toSet("photo", "photos", "photograph", "image", "images", "picture", "pictures", "video",
		"credit", "credits", "foto", "fotos", "bild", "bilder", "source", "quelle", "getty", "ap", "imago", "dpa", "epa")
)

func mayBeCopyright(core string) bool {
	if strings.HasPrefix(core, "©") || strings.HasPrefix(core, "(c)") || strings.HasPrefix(core, "copyright") {
		return true
	}
	for _, w := range []string{"rights reserved", "rechte vorbehalten", "droits réservés", "derechos reservados", "diritti riservati", "prawa zastrzeżone"} {
		if strings.Contains(core, w) {
			return true
		}
	}
	return false
}

// isMoreFrom matches short box headers such as "More from Politics" or
// "More in World".
func isMoreFrom(core string) bool {
	for _, p := range []string{"more from ", "more in ", "more about ", "latest from ", "mehr aus ", "plus de ", "más de "} {
		if rest, ok := strings.CutPrefix(core, p); ok && len(strings.Fields(rest)) <= 4 {
			return true
		}
	}
	return false
}

// stripCount removes a comment count: "12 comments", "comments (12)".
func stripCount(core string) string {
	core = strings.TrimRight(core, " ()0123456789")
	return strings.TrimLeft(core, " ()0123456789")
}

// markerEnds reports whether a marker of length i at the start of s is a
// whole word or phrase: followed by the end, or by a non-letter.
func markerEnds(s string, i int) bool {
	if i >= len(s) {
		return true
	}
	if s[i-1] == ':' || s[i-1] == ' ' {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

func hasAlnum(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

func toSet(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// wordsOf splits s into lower-case words (letters and digits).
func wordsOf(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’'
	})
}

// endsSentence reports whether s ends like a sentence (terminal
// punctuation, optionally followed by closing quotes or brackets).
func endsSentence(s string) bool {
	s = strings.TrimRight(s, " \"'”’»)]*")
	if s == "" {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	switch r {
	case '.', '!', '?', '…', '。', '！', '？', '؟', '।':
		return true
	}
	return false
}

// hasSentencePunct reports whether s contains sentence punctuation.
func hasSentencePunct(s string) bool {
	return strings.ContainsAny(s, ".!?。！？;؟")
}

// hasCJK reports whether s has a character of U+2E80 or above (where the
// CJK scripts are); a fast pre-check for cjkRunes.
func hasCJK(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0xe2 && s[i] < 0xf0 && s[i] != 0xe2 || s[i] == 0xe2 && i+1 < len(s) && s[i+1] >= 0xba {
			return true
		}
	}
	return false
}

// cjkRunes counts Han, Hiragana and Katakana characters in s.
func cjkRunes(s string) int {
	n := 0
	for _, r := range s {
		if isCJKChar(r) {
			n++
		}
	}
	return n
}

// isBodyLike reports whether s reads like a paragraph of story text rather
// than a headline, label or link.
func isBodyLike(s string) bool { return bodyLike(s, countWords(s)) }

// bodyLike is isBodyLike with the word count already known.
func bodyLike(s string, w int) bool {
	if w >= 25 && !hasCJK(s) {
		return true
	}
	if c := cjkRunes(s); c > w/2 {
		return c >= 30 && hasSentencePunct(s)
	}
	return (w >= 12 && hasSentencePunct(s)) || w >= 25
}

// isHeadlineLike reports whether s could be a headline: a few words, not
// ending like a sentence fragment, starting with a capital or a digit.
func isHeadlineLike(s string) bool {
	if len(s) > 250 {
		return false
	}
	w := countWords(s)
	if c := cjkRunes(s); c > w/2 {
		return c >= 6 && c <= 80 && !strings.HasSuffix(s, "。")
	}
	if w < 3 || w > 30 || len(s) < 15 {
		return false
	}
	if strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "...") || strings.HasSuffix(s, ",") || strings.HasSuffix(s, ";") || strings.HasSuffix(s, ":") {
		return false
	}
	r, _ := utf8.DecodeRuneInString(strings.TrimLeft(s, "\"'“‘«¿¡"))
	return !unicode.IsLower(r)
}

// genericSiteWords are the words site names and slogans are made of.
var genericSiteWords = toSet(
	"news", "newswire", "updates", "update", "latest", "breaking", "world", "worldwide", "global", "daily",
	"today", "online", "times", "post", "herald", "tribune", "journal", "magazine", "media", "network",
	"portal", "source", "sources", "headlines", "fastest", "trusted", "best", "top", "stories", "everything",
	"around", "your", "you", "all", "every", "one", "stop", "hub", "live", "info", "information",
	"channel", "tv", "radio", "the", "of", "for", "and", "from", "in", "on", "at", "a", "to", "24", "7",
	"24x7", "first", "fast", "reliable", "independent", "voice", "truth", "home", "nachrichten",
	"aktuell", "actualités", "actualites", "noticias", "notizie", "wiadomości", "zprávy", "le", "la",
	"les", "die", "der", "das", "el", "il", "des", "de", "und", "et", "y", "e", "aus", "aller", "welt",
	"monde", "mundo", "mondo", "świat", "svět", "since", "est", "established", "edition",
)

// isChromeLike reports whether a headline-like line is more likely site
// furniture (site name, slogan, section label) than a story headline:
// mostly generic site words, or the site's own name.
func isChromeLike(s, host string) bool {
	ws := wordsOf(s)
	if len(ws) == 0 {
		return true
	}
	generic := 0
	for _, w := range ws {
		if genericSiteWords[w] {
			generic++
		}
	}
	if generic*10 >= len(ws)*6 {
		return true
	}
	if host != "" {
		compact := strings.Join(ws, "")
		if len(compact) >= 4 && strings.Contains(strings.ReplaceAll(host, "-", ""), compact) {
			return true
		}
	}
	return strings.Count(s, " | ") >= 2 || strings.Count(s, " · ") >= 2
}

var bylineRE = regexp.MustCompile(`(?i)^(?:by|von|par|por|di|door|av|af|od|autor(?:in|a)?|autore|auteur|author|authors|written by|reporting by|words by|text|texto|testo|автор|текст|著者|記者)\s*[:\-：]?\s+(.{2,100})$`)

// parseByline recognises a byline line ("By Jane Doe and John Roe") and
// returns the names part; ok is false for sentences that merely start with
// "By" ("By Monday the troops had left").
func parseByline(s string) (string, bool) {
	if len(s) > 140 {
		return "", false
	}
	m := bylineRE.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	names := strings.TrimSpace(m[1])
	// Cut trailing date or role parts: "Jane Doe | March 3, 2023", "Jane Doe, Reuters".
	for _, sep := range []string{" | ", " - ", " – ", " — ", " · "} {
		if i := strings.Index(names, sep); i > 0 {
			names = names[:i]
		}
	}
	ws := strings.Fields(names)
	if len(ws) == 0 || len(ws) > 12 {
		return "", false
	}
	caps, total := 0, 0
	for _, w := range ws {
		lw := strings.ToLower(strings.Trim(w, ",&"))
		if lw == "" || nameConnectors[lw] {
			continue
		}
		total++
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsUpper(r) {
			caps++
		}
	}
	if total == 0 || caps*10 < total*8 || endsSentence(names) && !strings.HasSuffix(names, ".") {
		return "", false
	}
	return strings.TrimRight(names, " ,.;:"), true
}

var nameConnectors = toSet("and", "und", "et", "y", "e", "i", "og", "en", "&", "of", "de", "van", "von", "der", "den", "la", "le", "del", "da", "di", "du", "bin", "al", "el", "in", "for", "at")

// authorSplitRE splits name lists. Connectors must be space-delimited
// (\b is ASCII-only in Go: "Lucía" would split at "a").
var authorSplitRE = regexp.MustCompile(`\s*[,;&]\s*|\s+(?:and|und|et|y|i|e|oraz|a|og|en)\s+`)

// splitAuthors splits a byline into names, dropping roles and agencies
// written after a comma when they are single lower-case words.
func splitAuthors(byline string) []string {
	byline = strings.TrimSpace(byline)
	if b, ok := parseByline(byline); ok {
		byline = b
	}
	if byline == "" {
		return nil
	}
	var out []string
	for _, p := range authorSplitRE.Split(byline, -1) {
		p = strings.Trim(p, " .:|-")
		if p == "" || len(p) > 80 || strings.Contains(p, "://") {
			continue
		}
		r, _ := utf8.DecodeRuneInString(p)
		if unicode.IsLower(r) {
			continue // role words: "staff writer", "correspondent"
		}
		out = append(out, p)
	}
	return out
}
