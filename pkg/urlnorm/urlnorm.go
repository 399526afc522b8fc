// Package urlnorm turns the many addresses of one news story into one
// canonical URL, so that dedup can tell that two fetched pages are the same
// story.
//
// Canonical applies, in order:
//
//   - only absolute http and https URLs are accepted (others are an error);
//   - scheme and host are lower-cased, the host is converted to its ASCII
//     (punycode) form, a trailing dot is dropped, and default ports (80 for
//     http, 443 for https) are removed; user information is removed;
//   - AMP viewers are unwrapped: https://www-example-com.cdn.ampproject.org/c/s/www.example.com/a
//     and https://www.google.com/amp/s/www.example.com/a both become
//     https://www.example.com/a;
//   - AMP and mobile host variants are folded: "amp.", "m." and "mobile."
//     host prefixes are removed (when a registrable name remains), so
//     m.example.com and example.com compare equal;
//   - AMP path variants are folded: a trailing "/amp" segment, a leading
//     "/amp/" segment, an "amp" segment anywhere in the path
//     ("/news/amp/story"), and an ".amp" before the file extension
//     ("story.amp.html") are removed; query parameters amp=1/true/yes, a bare
//     "amp", outputType=amp and _amp=true are removed;
//   - the fragment is removed (including "#!" hash-bang fragments);
//   - dot segments and repeated slashes are removed; percent-encoding is
//     normalised (hex upper-cased, unreserved characters decoded);
//   - trailing slash policy: the root path is always "/", every other path
//     loses its trailing slash ("/world/story/" == "/world/story"). News
//     servers answer both forms with the same page and publishers link both,
//     so folding them finds more duplicates than it risks;
//   - tracking parameters are removed (see IsTrackingParam), and the remaining
//     query parameters are sorted by key, then value, keeping their original
//     encoding; an empty query disappears.
//
// The scheme is kept (http and https stay distinct) and so is "www.": both
// can serve different content, and rel=canonical normally settles them.
//
// Canonical is idempotent: Canonical(Canonical(u)) == Canonical(u).
package urlnorm

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"golang.org/x/net/idna"
)

// ErrNotAbsolute is returned for URLs without an http or https scheme and a host.
var ErrNotAbsolute = errors.New("urlnorm: not an absolute http(s) URL")

// maxURLLen bounds the work done on a single URL; longer inputs are refused,
// and so are inputs whose canonical form (percent-encoding can triple a
// byte) would be longer, so that every result is itself a valid input.
const maxURLLen = 8192

// Canonical returns the canonical form of raw (see the package documentation).
func Canonical(raw string) (string, error) {
	if len(raw) > maxURLLen {
		return "", fmt.Errorf("urlnorm: url of %d bytes exceeds %d", len(raw), maxURLLen)
	}
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("urlnorm: parse %q: %w", truncate(raw), err)
	}
	// Unwrapping AMP viewers and folding host prefixes can expose another
	// layer (an AMP cache URL of an m. host); loop to a fixed point so the
	// result is idempotent. Each pass strictly shortens the URL or stops.
	for layers := 0; ; layers++ {
		unwrapped, err := canonicalOnce(u)
		if err != nil {
			return "", err
		}
		if !unwrapped {
			break
		}
		if layers >= 4 {
			return "", fmt.Errorf("urlnorm: more than 4 nested AMP viewer layers: %w", ErrNotAbsolute)
		}
	}
	out := u.String()
	if len(out) > maxURLLen {
		return "", fmt.Errorf("urlnorm: canonical url of %d bytes exceeds %d", len(out), maxURLLen)
	}
	return out, nil
}

// canonicalOnce normalises u in place and reports whether an AMP viewer
// was unwrapped (in which case another pass is needed).
func canonicalOnce(u *url.URL) (bool, error) {
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return false, ErrNotAbsolute
	}
	if u.Opaque != "" {
		return false, ErrNotAbsolute
	}
	host, err := normHost(u.Scheme, u.Host)
	if err != nil {
		return false, err
	}
	u.Host = host
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	u.ForceQuery = false

	path := normPath(u.EscapedPath())
	if inner, ok := unwrapAMPViewer(host, path); ok {
		nu, err := url.Parse(inner)
		if err != nil || nu.Host == "" {
			return false, fmt.Errorf("urlnorm: bad AMP viewer url %q: %w", truncate(inner), ErrNotAbsolute)
		}
		if nu.RawQuery == "" {
			nu.RawQuery = u.RawQuery
		}
		*u = *nu
		return true, nil
	}
	u.Host = foldHost(host)
	for {
		folded := normPath(foldAMPPath(path))
		if folded == path {
			break
		}
		path = folded
	}
	if err := setEscapedPath(u, path); err != nil {
		return false, err
	}
	u.RawQuery = normQuery(u.RawQuery)
	return false, nil
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// normHost lower-cases the host, converts it to ASCII, drops a trailing dot
// and the scheme's default port.
func normHost(scheme, hostport string) (string, error) {
	if hostport == "" {
		return "", ErrNotAbsolute
	}
	host, port := hostport, ""
	if i := strings.LastIndexByte(hostport, ':'); i >= 0 && !strings.HasSuffix(hostport, "]") {
		host, port = hostport[:i], hostport[i+1:]
	}
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	host = strings.TrimRight(strings.ToLower(host), ".")
	if host == "" {
		return "", ErrNotAbsolute
	}
	if !strings.HasPrefix(host, "[") {
		if h, err := idna.Lookup.ToASCII(host); err == nil && strings.TrimRight(h, ".") != "" {
			host = strings.TrimRight(h, ".")
		} else if !isASCII(host) {
			return "", fmt.Errorf("urlnorm: invalid host %q: %w", truncate(host), ErrNotAbsolute)
		}
	}
	if port != "" {
		return host + ":" + port, nil
	}
	return host, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// foldHost removes AMP and mobile host prefixes ("amp.", "m.", "mobile."),
// as long as what remains still has a dot (m.example.com -> example.com, but
// m.co stays).
func foldHost(host string) string {
	name, port := host, ""
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.HasSuffix(host, "]") {
		name, port = host[:i], host[i:]
	}
	for {
		trimmed := name
		for _, p := range []string{"amp.", "m.", "mobile."} {
			if rest, ok := strings.CutPrefix(name, p); ok && strings.Count(rest, ".") >= 1 {
				trimmed = rest
				break
			}
		}
		if trimmed == name {
			break
		}
		name = trimmed
	}
	return name + port
}

// unwrapAMPViewer recognises AMP cache and Google AMP viewer addresses and
// returns the publisher URL they wrap.
//
//	https://www-example-com.cdn.ampproject.org/c/s/www.example.com/a  -> https://www.example.com/a
//	https://www-example-com.cdn.ampproject.org/v/www.example.com/a    -> http://www.example.com/a
//	https://www.google.com/amp/s/www.example.com/a                    -> https://www.example.com/a
func unwrapAMPViewer(host, path string) (string, bool) {
	var rest string
	switch {
	case strings.HasSuffix(host, ".cdn.ampproject.org") || host == "cdn.ampproject.org":
		rest = strings.TrimPrefix(path, "/")
		// content type: c (document), v (viewer), i (image), r (resource), wp (web package)
		if i := strings.IndexByte(rest, '/'); i > 0 && i <= 2 {
			rest = rest[i+1:]
		} else {
			return "", false
		}
	case (host == "www.google.com" || host == "google.com") && strings.HasPrefix(path, "/amp/"):
		rest = strings.TrimPrefix(path, "/amp/")
	default:
		return "", false
	}
	scheme := "http://"
	if r, ok := strings.CutPrefix(rest, "s/"); ok {
		scheme, rest = "https://", r
	}
	if rest == "s" {
		rest = ""
	}
	if h, _, _ := strings.Cut(rest, "/"); !strings.Contains(h, ".") {
		return "", false // no publisher host inside: not a viewer address
	}
	return scheme + rest, true
}

// normPath removes dot segments and empty segments and normalises
// percent-encoding, keeping a trailing slash only for the root.
func normPath(p string) string {
	p = normEscapes(p)
	if p == "" || p == "/" {
		return "/"
	}
	segs := strings.Split(p, "/")
	out := make([]string, 0, len(segs))
	for _, s := range segs {
		switch s {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return "/"
	}
	return "/" + strings.Join(out, "/")
}

// foldAMPPath removes AMP markers from an already normalised path.
func foldAMPPath(p string) string {
	if p == "/" {
		return p
	}
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	out := segs[:0]
	for _, s := range segs {
		ls := strings.ToLower(s)
		if ls == "amp" || ls == "amp.html" {
			continue
		}
		out = append(out, s)
	}
	if len(out) > 0 {
		last := out[len(out)-1]
		ll := strings.ToLower(last)
		switch {
		case strings.HasSuffix(ll, ".amp"):
			last = last[:len(last)-4]
		case strings.Contains(ll, ".amp."):
			i := strings.LastIndex(ll, ".amp.")
			last = last[:i] + last[i+4:]
		}
		if last == "" {
			out = out[:len(out)-1]
		} else {
			out[len(out)-1] = last
		}
	}
	if len(out) == 0 {
		return "/"
	}
	return "/" + strings.Join(out, "/")
}

func setEscapedPath(u *url.URL, escaped string) error {
	p, err := url.PathUnescape(escaped)
	if err != nil {
		return fmt.Errorf("urlnorm: bad path escape: %w", err)
	}
	u.Path = p
	u.RawPath = ""
	if u.EscapedPath() != escaped {
		u.RawPath = escaped
		if u.EscapedPath() != escaped {
			// net/url rejected our encoding as not a valid form of Path:
			// fall back to its own encoding, which is itself canonical.
			u.RawPath = ""
		}
	}
	return nil
}

const upperhex = "0123456789ABCDEF"

// normEscapes upper-cases percent-escapes and decodes those of unreserved
// characters (RFC 3986 section 6.2.2). Malformed escapes are re-encoded as
// %25 so that the result is always a valid escaped string.
func normEscapes(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '%' || c < 0x21 || c >= 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%':
			if i+2 < len(s) && ishex(s[i+1]) && ishex(s[i+2]) {
				v := unhex(s[i+1])<<4 | unhex(s[i+2])
				if isUnreserved(v) {
					b.WriteByte(v)
				} else {
					b.WriteByte('%')
					b.WriteByte(upperhex[v>>4])
					b.WriteByte(upperhex[v&15])
				}
				i += 2
			} else {
				b.WriteString("%25")
			}
		case c >= 0x80 || c < 0x21 || c == 0x7f:
			b.WriteByte('%')
			b.WriteByte(upperhex[c>>4])
			b.WriteByte(upperhex[c&15])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

func ishex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// normQuery drops tracking and AMP parameters, normalises escapes and
// sorts what remains. It splits by hand instead of using url.ParseQuery so
// that parameters it cannot decode are kept verbatim rather than lost, and
// so that "+" and "%20" keep their distinct original spelling.
func normQuery(q string) string {
	if q == "" {
		return ""
	}
	parts := strings.FieldsFunc(q, func(r rune) bool { return r == '&' || r == ';' })
	type kv struct{ k, v, raw string }
	kept := make([]kv, 0, len(parts))
	for _, p := range parts {
		// Keys and values are read from the normalised spelling, so that
		// the sort order is the same when the result is normalised again
		// (an undecodable "%72%" sorts as its normal form "r%25", not as
		// itself).
		raw := normEscapes(p)
		k, v, _ := strings.Cut(raw, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			key = k
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			val = v
		}
		if key == "" || IsTrackingParam(key) || isAMPParam(key, val) {
			continue
		}
		kept = append(kept, kv{key, val, raw})
	}
	sort.SliceStable(kept, func(i, j int) bool {
		if kept[i].k != kept[j].k {
			return kept[i].k < kept[j].k
		}
		return kept[i].raw < kept[j].raw
	})
	var b strings.Builder
	for i, p := range kept {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.raw)
	}
	return b.String()
}

func isAMPParam(key, val string) bool {
	switch strings.ToLower(key) {
	case "amp", "_amp":
		switch strings.ToLower(val) {
		case "", "1", "true", "yes", "on":
			return true
		}
	case "outputtype":
		return strings.EqualFold(val, "amp")
	}
	return false
}

// trackingPrefixes are parameter-name prefixes (lower-case) used only by
// analytics and campaign tools.
var trackingPrefixes = []string{
	"utm_", "mc_", "hsa_", "pk_", "mtm_", "matomo_", "piwik_", "ns_", "at_",
	"wt.", "guce_", "oly_", "_hs", "vero_", "stm_",
}

// trackingParams are exact parameter names (lower-case) that carry click,
// referral or campaign identifiers and never select content.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "gclsrc": true, "dclid": true, "gbraid": true, "wbraid": true,
	"msclkid": true, "yclid": true, "twclid": true, "ttclid": true, "li_fat_id": true,
	"igshid": true, "igsh": true, "mkt_tok": true, "_ga": true, "_gl": true, "_ke": true,
	"ref": true, "ref_src": true, "ref_url": true, "referer": true, "referrer": true,
	"cmpid": true, "cmp": true, "ocid": true, "ncid": true, "icid": true, "ito": true,
	"xtor": true, "xts": true, "smid": true, "smtyp": true, "sr_share": true, "spm": true,
	"s_cid": true, "s_kwcid": true, "soc_src": true, "soc_trk": true, "wt_mc": true,
	"rb_clickid": true, "guccounter": true, "_branch_match_id": true, "mbid": true,
	"__twitter_impression": true, "share": true, "shared": true, "rss": true,
	"dicbo": true, "taid": true, "cvid": true, "int_source": true, "int_medium": true,
	"int_campaign": true, "utm": true, "trk": true, "trkcampaign": true,
}

// IsTrackingParam reports whether the query parameter name is a known
// tracking parameter that Canonical removes. Matching is case-insensitive.
func IsTrackingParam(name string) bool {
	n := strings.ToLower(name)
	if trackingParams[n] {
		return true
	}
	for _, p := range trackingPrefixes {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}
