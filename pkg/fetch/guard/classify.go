package guard

import (
	"net/netip"
)

// deniedRange is one address range the guard refuses by default.
type deniedRange struct {
	prefix netip.Prefix
	reason string
}

// metadataAddrs are cloud instance-metadata endpoints, named separately
// because they are the usual target of SSRF and deserve a clear reason.
var metadataAddrs = map[netip.Addr]bool{
	netip.MustParseAddr("169.254.169.254"): true, // AWS, GCP, Azure, OpenStack, DigitalOcean, ...
	netip.MustParseAddr("169.254.170.2"):   true, // AWS ECS task metadata
	netip.MustParseAddr("100.100.100.200"): true, // Alibaba Cloud
	netip.MustParseAddr("fd00:ec2::254"):   true, // AWS IMDS over IPv6
}

// deniedRanges are the IANA special-purpose ranges a news fetcher has no
// business connecting to. Order matters only for the reason given: the
// first match names it.
var deniedRanges = func() []deniedRange {
	list := []struct{ cidr, reason string }{
		{"0.0.0.0/8", "unspecified (\"this network\") address"},
		{"127.0.0.0/8", "loopback address"},
		{"10.0.0.0/8", "private address"},
		{"172.16.0.0/12", "private address"},
		{"192.168.0.0/16", "private address"},
		{"100.64.0.0/10", "shared (carrier-grade NAT) address"},
		{"169.254.0.0/16", "link-local address"},
		{"192.0.0.0/24", "IETF protocol assignment address"},
		{"192.0.2.0/24", "documentation address"},
		{"198.51.100.0/24", "documentation address"},
		{"203.0.113.0/24", "documentation address"},
		{"198.18.0.0/15", "benchmarking address"},
		{"224.0.0.0/4", "multicast address"},
		{"240.0.0.0/4", "reserved address"},
		{"::/128", "unspecified address"},
		{"::1/128", "loopback address"},
		{"fe80::/10", "link-local address"},
		{"fec0::/10", "site-local address"},
		{"fc00::/7", "private (unique local) address"},
		{"ff00::/8", "multicast address"},
		{"100::/64", "discard-only address"},
		{"2001:db8::/32", "documentation address"},
		{"2001::/32", "Teredo tunnel address"},
		{"64:ff9b:1::/48", "local-use NAT64 address"},
	}
	out := make([]deniedRange, len(list))
	for i, l := range list {
		out[i] = deniedRange{netip.MustParsePrefix(l.cidr), l.reason}
	}
	return out
}()

var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
	v4compat  = netip.MustParsePrefix("::/96")
)

// Classify returns why the default policy refuses ip ("loopback address",
// "private address", "cloud metadata address", ...) or "" for an address on
// the public internet. IPv4-mapped, IPv4-compatible, NAT64 and 6to4 IPv6
// addresses are judged by the IPv4 address they carry.
func Classify(ip netip.Addr) string {
	if !ip.IsValid() {
		return "invalid address"
	}
	ip = ip.Unmap().WithZone("")
	if metadataAddrs[ip] {
		return "cloud metadata address"
	}
	if ip.Is6() {
		if v4, ok := embeddedV4(ip); ok {
			if r := Classify(v4); r != "" {
				return r + " (embedded in IPv6 " + ip.String() + ")"
			}
		}
	}
	if ip == netip.IPv4Unspecified() || ip == netip.IPv6Unspecified() {
		return "unspecified address"
	}
	if ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
		return "broadcast address"
	}
	for _, r := range deniedRanges {
		if r.prefix.Contains(ip) {
			return r.reason
		}
	}
	return ""
}

// embeddedV4 extracts the IPv4 address carried by NAT64, 6to4 and
// IPv4-compatible IPv6 addresses.
func embeddedV4(ip netip.Addr) (netip.Addr, bool) {
	b := ip.As16()
	switch {
	case nat64.Contains(ip):
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}), true
	case sixToFour.Contains(ip):
		return netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}), true
	case v4compat.Contains(ip) && ip != netip.IPv6Unspecified() && ip != netip.IPv6Loopback():
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}), true
	}
	return netip.Addr{}, false
}
