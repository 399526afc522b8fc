// Package guard keeps the fetcher from being turned against its own network
// (server-side request forgery): it refuses URLs that are not http or https,
// and refuses to connect to loopback, private, link-local, cloud metadata,
// unspecified, multicast and other reserved addresses.
//
// The check runs on the IP address that is actually dialled, after DNS
// resolution: Guard.DialContext resolves the host itself, checks every
// address, and connects to the checked address, never to the name. A
// hostname that resolves to a public address on the check and to 127.0.0.1
// on the connect (DNS rebinding) therefore cannot get through, because there
// is no second lookup. An allow-list of CIDRs and host names opens chosen
// addresses for tests and intranets.
package guard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// BlockedError says why a URL or address was refused. Reason is a short
// human phrase ("loopback address", "cloud metadata address", ...).
type BlockedError struct {
	// URL or host:port that was asked for.
	Target string
	// IP is the refused address (invalid when the refusal is about the URL itself).
	IP netip.Addr
	// Reason is what is wrong with it.
	Reason string
}

func (e *BlockedError) Error() string {
	if e.IP.IsValid() {
		host := strings.Trim(hostOf(e.Target), "[]")
		if a, ok := parseIPHost(host); ok && a.Unmap() == e.IP {
			return fmt.Sprintf("ssrf guard: refused %s: %s is a %s (add it to the fetch allow-list if this is intended)",
				e.Target, e.IP, e.Reason)
		}
		return fmt.Sprintf("ssrf guard: refused %s: %s resolves to %s, a %s (add it to the fetch allow-list if this is intended)",
			e.Target, host, e.IP, e.Reason)
	}
	return fmt.Sprintf("ssrf guard: refused %s: %s", e.Target, e.Reason)
}

// ErrBlocked matches every BlockedError with errors.Is.
var ErrBlocked = errors.New("ssrf guard")

// Is makes errors.Is(err, ErrBlocked) true for a BlockedError.
func (e *BlockedError) Is(target error) bool { return target == ErrBlocked }

func hostOf(target string) string {
	if u, err := url.Parse(target); err == nil && u.Host != "" {
		return u.Hostname()
	}
	if h, _, err := net.SplitHostPort(target); err == nil {
		return h
	}
	return target
}

// Resolver looks up the addresses of a host. *net.Resolver satisfies it;
// tests pass a stub so they need no DNS.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Policy is what the guard lets through.
type Policy struct {
	// AllowCIDRs are address ranges that are allowed even though they are
	// in a denied class (e.g. 127.0.0.1/32 for tests, 10.0.0.0/8 for an intranet).
	AllowCIDRs []netip.Prefix
	// AllowHosts are host names (exact, case-insensitive; a leading "." matches
	// every subdomain) whose addresses are not checked at all.
	AllowHosts []string
}

// ParsePolicy builds a Policy from the text forms used in configuration:
// CIDRs or single addresses ("127.0.0.1", "10.0.0.0/8", "::1") and host names.
func ParsePolicy(cidrs, hosts []string) (Policy, error) {
	var p Policy
	for _, c := range cidrs {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if !strings.Contains(c, "/") {
			a, err := netip.ParseAddr(c)
			if err != nil {
				return Policy{}, fmt.Errorf("allow-list entry %q is neither a CIDR nor an IP address", c)
			}
			p.AllowCIDRs = append(p.AllowCIDRs, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		pr, err := netip.ParsePrefix(c)
		if err != nil {
			return Policy{}, fmt.Errorf("allow-list entry %q is not a CIDR: %v", c, err)
		}
		p.AllowCIDRs = append(p.AllowCIDRs, pr.Masked())
	}
	for _, h := range hosts {
		h = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(h), "."))
		if h == "" || h == "." {
			continue
		}
		if strings.ContainsAny(h, "/: ") {
			return Policy{}, fmt.Errorf("allow-list host %q is not a host name", h)
		}
		p.AllowHosts = append(p.AllowHosts, h)
	}
	return p, nil
}

// Guard checks URLs and dials connections under a Policy.
type Guard struct {
	policy   Policy
	resolver Resolver
	dialer   *net.Dialer
}

// Option configures a Guard.
type Option func(*Guard)

// WithResolver replaces the DNS resolver (default net.DefaultResolver).
func WithResolver(r Resolver) Option { return func(g *Guard) { g.resolver = r } }

// WithDialTimeout bounds each TCP connect (default 10s).
func WithDialTimeout(d time.Duration) Option { return func(g *Guard) { g.dialer.Timeout = d } }

// New returns a Guard enforcing p.
func New(p Policy, opts ...Option) *Guard {
	g := &Guard{policy: p, resolver: net.DefaultResolver, dialer: &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}}
	for _, o := range opts {
		o(g)
	}
	// Defence in depth: whatever dials through this dialer, the kernel-level
	// address is checked once more just before connect(2).
	g.dialer.Control = func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return &BlockedError{Target: address, Reason: "unparseable dial address"}
		}
		if reason := g.denied(ap.Addr()); reason != "" {
			return &BlockedError{Target: address, IP: ap.Addr().Unmap(), Reason: reason}
		}
		return nil
	}
	return g
}

// CheckURL refuses URLs that can never be fetched: schemes other than http
// and https, missing hosts, user information, and literal IP addresses in a
// denied class. Host names are checked later, on the dialled address.
func (g *Guard) CheckURL(u *url.URL) error {
	if u == nil {
		return &BlockedError{Target: "<nil>", Reason: "no URL"}
	}
	target := u.Redacted()
	if u.Scheme != "http" && u.Scheme != "https" {
		return &BlockedError{Target: target, Reason: fmt.Sprintf("scheme %q is not http or https", u.Scheme)}
	}
	host := u.Hostname()
	if host == "" {
		return &BlockedError{Target: target, Reason: "no host"}
	}
	if u.User != nil {
		return &BlockedError{Target: target, Reason: "user information in URLs is not fetched"}
	}
	if g.hostAllowed(host) {
		return nil
	}
	if a, ok := parseIPHost(host); ok {
		if reason := g.denied(a); reason != "" {
			return &BlockedError{Target: target, IP: a.Unmap(), Reason: reason}
		}
	}
	return nil
}

// parseIPHost reads a literal address in a URL host, including the IPv4
// spellings that resolvers accept but netip does not (decimal "2130706433",
// octal "0177.0.0.1", short "127.1"); such spellings are a classic way
// around naive SSRF filters.
func parseIPHost(host string) (netip.Addr, bool) {
	h := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSuffix(host, "]"), "["), ".")
	if i := strings.IndexByte(h, '%'); i >= 0 { // IPv6 zone
		h = h[:i]
	}
	if a, err := netip.ParseAddr(h); err == nil {
		return a, true
	}
	return parseLegacyIPv4(h)
}

// parseLegacyIPv4 parses inet_aton forms: 1 to 4 parts, each decimal, octal
// (leading 0) or hex (0x); the last part fills the remaining bytes.
func parseLegacyIPv4(s string) (netip.Addr, bool) {
	if s == "" || len(s) > 64 {
		return netip.Addr{}, false
	}
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	vals := make([]uint64, len(parts))
	for i, p := range parts {
		if p == "" {
			return netip.Addr{}, false
		}
		base, digits := 10, p
		switch {
		case strings.HasPrefix(p, "0x") || strings.HasPrefix(p, "0X"):
			base, digits = 16, p[2:]
		case len(p) > 1 && p[0] == '0':
			base, digits = 8, p[1:]
		}
		if digits == "" && base == 16 {
			return netip.Addr{}, false
		}
		var v uint64
		for _, c := range digits {
			var d uint64
			switch {
			case c >= '0' && c <= '9':
				d = uint64(c - '0')
			case c >= 'a' && c <= 'f':
				d = uint64(c-'a') + 10
			case c >= 'A' && c <= 'F':
				d = uint64(c-'A') + 10
			default:
				return netip.Addr{}, false
			}
			if d >= uint64(base) {
				return netip.Addr{}, false
			}
			v = v*uint64(base) + d
			if v > 0xFFFFFFFF {
				return netip.Addr{}, false
			}
		}
		vals[i] = v
	}
	var ip uint64
	for i, v := range vals[:len(vals)-1] {
		if v > 0xFF {
			return netip.Addr{}, false
		}
		ip |= v << (8 * (3 - i))
	}
	last := vals[len(vals)-1]
	if rem := 4 - (len(vals) - 1); last >= 1<<(8*rem) {
		return netip.Addr{}, false
	}
	ip |= last
	return netip.AddrFrom4([4]byte{byte(ip >> 24), byte(ip >> 16), byte(ip >> 8), byte(ip)}), true
}

// DialContext resolves addr's host, refuses it when any of its addresses is
// denied (so a name that mixes public and private answers is refused), and
// connects to the first allowed address that answers. It has the signature
// of http.Transport.DialContext.
func (g *Guard) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", addr, err)
	}
	hostAllowed := g.hostAllowed(host)
	var ips []netip.Addr
	if a, ok := parseIPHost(host); ok {
		ips = []netip.Addr{a}
	} else {
		ips, err = g.resolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return nil, fmt.Errorf("resolve %s: %w", host, err)
		}
		if len(ips) == 0 {
			return nil, fmt.Errorf("resolve %s: no addresses", host)
		}
	}
	if !hostAllowed {
		for _, ip := range ips {
			if reason := g.denied(ip); reason != "" {
				return nil, &BlockedError{Target: addr, IP: ip.Unmap(), Reason: reason}
			}
		}
	}
	d := g.dialer
	if hostAllowed {
		// The host is trusted by name: dial without the address check.
		d = &net.Dialer{Timeout: g.dialer.Timeout, KeepAlive: g.dialer.KeepAlive}
	}
	var firstErr error
	for _, ip := range ips {
		c, err := d.DialContext(ctx, network, net.JoinHostPort(ip.Unmap().String(), port))
		if err == nil {
			return c, nil
		}
		if firstErr == nil {
			firstErr = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, firstErr
}

func (g *Guard) hostAllowed(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	for _, a := range g.policy.AllowHosts {
		if h == a || (strings.HasPrefix(a, ".") && (strings.HasSuffix(h, a) || h == a[1:])) {
			return true
		}
	}
	return false
}

// Denied returns why ip is refused under the guard's policy, or "" when it
// may be dialled.
func (g *Guard) Denied(ip netip.Addr) string { return g.denied(ip) }

func (g *Guard) denied(ip netip.Addr) string {
	ip = ip.Unmap().WithZone("")
	for _, p := range g.policy.AllowCIDRs {
		if p.Contains(ip) {
			return ""
		}
	}
	return Classify(ip)
}
