package urlnorm

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCanonical(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"lower scheme and host", "HTTPS://WWW.Example.COM/World/Story", "https://www.example.com/World/Story"},
		{"default https port", "https://example.com:443/a", "https://example.com/a"},
		{"default http port", "http://example.com:80/a", "http://example.com/a"},
		{"non-default port kept", "https://example.com:8443/a", "https://example.com:8443/a"},
		{"fragment removed", "https://example.com/a#comments", "https://example.com/a"},
		{"hashbang removed", "https://example.com/a#!/b", "https://example.com/a"},
		{"empty path is root", "https://example.com", "https://example.com/"},
		{"root slash kept", "https://example.com/", "https://example.com/"},
		{"trailing slash dropped", "https://example.com/world/story/", "https://example.com/world/story"},
		{"dot segments", "https://example.com/a/./b/../c", "https://example.com/a/c"},
		{"double slashes", "https://example.com//a///b", "https://example.com/a/b"},
		{"utm removed", "https://example.com/a?utm_source=tw&utm_medium=social&id=7", "https://example.com/a?id=7"},
		{"tracking case-insensitive", "https://example.com/a?UTM_Campaign=x&FBCLID=1", "https://example.com/a"},
		{"click ids removed", "https://example.com/a?gclid=1&fbclid=2&msclkid=3&mc_cid=4&mc_eid=5", "https://example.com/a"},
		{"ref removed", "https://example.com/a?ref=homepage&page=2", "https://example.com/a?page=2"},
		{"params sorted", "https://example.com/a?z=1&b=2&a=3", "https://example.com/a?a=3&b=2&z=1"},
		{"same key sorted by value", "https://example.com/a?t=b&t=a", "https://example.com/a?t=a&t=b"},
		{"empty query dropped", "https://example.com/a?", "https://example.com/a"},
		{"semicolon separators", "https://example.com/a?b=1;utm_source=x", "https://example.com/a?b=1"},
		{"plus kept distinct", "https://example.com/s?q=a+b", "https://example.com/s?q=a+b"},
		{"escape case normalised", "https://example.com/caf%c3%a9", "https://example.com/caf%C3%A9"},
		{"unreserved decoded", "https://example.com/%7Euser/%41bc", "https://example.com/~user/Abc"},
		{"encoded slash kept", "https://example.com/a%2Fb", "https://example.com/a%2Fb"},
		{"userinfo dropped", "https://user:pw@example.com/a", "https://example.com/a"},
		{"trailing dot host", "https://example.com./a", "https://example.com/a"},
		{"idn to punycode", "https://bücher.example/a", "https://xn--bcher-kva.example/a"},
		{"amp suffix segment", "https://example.com/world/story/amp", "https://example.com/world/story"},
		{"amp suffix with slash", "https://example.com/world/story/amp/", "https://example.com/world/story"},
		{"amp leading segment", "https://example.com/amp/world/story", "https://example.com/world/story"},
		{"amp middle segment", "https://example.com/news/amp/story-1", "https://example.com/news/story-1"},
		{"amp file infix", "https://example.com/story-1.amp.html", "https://example.com/story-1.html"},
		{"amp file suffix", "https://example.com/story-1.amp", "https://example.com/story-1"},
		{"amp query", "https://example.com/story?amp=1", "https://example.com/story"},
		{"amp bare query", "https://example.com/story?amp&id=3", "https://example.com/story?id=3"},
		{"amp outputType", "https://example.com/story?outputType=amp", "https://example.com/story"},
		{"amp=0 kept", "https://example.com/story?amp=0", "https://example.com/story?amp=0"},
		{"amp host", "https://amp.example.com/story", "https://example.com/story"},
		{"m host", "https://m.example.com/story", "https://example.com/story"},
		{"mobile host", "https://mobile.example.co.uk/story", "https://example.co.uk/story"},
		{"m host short kept", "https://m.co/story", "https://m.co/story"},
		{"ampproject cache https", "https://www-example-com.cdn.ampproject.org/c/s/www.example.com/world/story/amp?utm_source=x", "https://www.example.com/world/story"},
		{"ampproject cache http viewer", "https://www-example-com.cdn.ampproject.org/v/www.example.com/a.amp.html", "http://www.example.com/a.html"},
		{"google amp viewer", "https://www.google.com/amp/s/m.example.com/story/amp/", "https://example.com/story"},
		{"word containing amp kept", "https://example.com/camp/ample-news", "https://example.com/camp/ample-news"},
		{"space in path encoded", "https://example.com/a b", "https://example.com/a%20b"},
		{"viewer without publisher kept", "https://x.cdn.ampproject.org/c/s/", "https://x.cdn.ampproject.org/c/s"},
		{"ipv6 host", "http://[::1]:80/a", "http://[::1]/a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Canonical(tt.in)
			if err != nil {
				t.Fatalf("Canonical(%q) error: %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("Canonical(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			again, err := Canonical(got)
			if err != nil || again != got {
				t.Errorf("not idempotent: Canonical(%q) = %q, %v", got, again, err)
			}
		})
	}
}

func TestCanonicalErrors(t *testing.T) {
	tests := []struct{ name, in string }{
		{"relative", "/world/story"},
		{"no scheme", "example.com/story"},
		{"mailto", "mailto:news@example.com"},
		{"ftp", "ftp://example.com/a"},
		{"javascript", "javascript:alert(1)"},
		{"empty", ""},
		{"bad escape in host", "https://%zz/"},
		{"too long", "https://example.com/" + strings.Repeat("a", maxURLLen)},
		{"too long once escaped", "https://example.com/" + strings.Repeat("`", maxURLLen/2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Canonical(tt.in)
			if err == nil {
				t.Fatalf("Canonical(%q) = %q, want error", tt.in, got)
			}
		})
	}
	if _, err := Canonical("/relative"); !errors.Is(err, ErrNotAbsolute) {
		t.Errorf("relative URL error %v is not ErrNotAbsolute", err)
	}
}

func TestIsTrackingParam(t *testing.T) {
	for _, p := range []string{"utm_source", "UTM_TERM", "fbclid", "gclid", "mc_cid", "ref", "_ga", "igshid", "WT.mc_id", "pk_campaign"} {
		if !IsTrackingParam(p) {
			t.Errorf("IsTrackingParam(%q) = false", p)
		}
	}
	for _, p := range []string{"id", "page", "q", "article", "p", "story", "reference", "s"} {
		if IsTrackingParam(p) {
			t.Errorf("IsTrackingParam(%q) = true", p)
		}
	}
}

func FuzzCanonical(f *testing.F) {
	for _, s := range []string{
		"https://www.example.com/world/story?utm_source=x&b=2&a=1#frag",
		"https://www-example-com.cdn.ampproject.org/c/s/www.example.com/a/amp",
		"http://m.example.com:80/a/../b/./c//?amp=1",
		"https://bücher.example/caf%c3%a9?q=a+b;ref=x",
		"https://www.google.com/amp/s/amp.example.com/x.amp.html",
		"http://[::1]:8080/%7e",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := Canonical(raw)
		if err != nil {
			return
		}
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8 output %q", got)
		}
		u, err := url.Parse(got)
		if err != nil {
			t.Fatalf("output %q does not parse: %v", got, err)
		}
		if u.Fragment != "" || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			t.Fatalf("output %q has fragment, bad scheme or no host", got)
		}
		for k := range u.Query() {
			if IsTrackingParam(k) {
				t.Fatalf("output %q keeps tracking parameter %q", got, k)
			}
		}
		again, err := Canonical(got)
		if err != nil {
			t.Fatalf("Canonical(%q) (from %q) failed: %v", got, raw, err)
		}
		if again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q", raw, got, again)
		}
	})
}
