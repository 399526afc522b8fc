package guard_test

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/newsflow/newsflow/pkg/fetch/guard"
)

// stubResolver answers from a map; unknown names fail like NXDOMAIN.
type stubResolver map[string][]string

func (s stubResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	ips, ok := s[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	out := make([]netip.Addr, len(ips))
	for i, ip := range ips {
		out[i] = netip.MustParseAddr(ip)
	}
	return out, nil
}

func TestClassify(t *testing.T) {
	cases := []struct {
		ip     string
		reason string // substring; "" means allowed
	}{
		{"127.0.0.1", "loopback"},
		{"127.255.0.9", "loopback"},
		{"::1", "loopback"},
		{"10.1.2.3", "private"},
		{"172.16.0.1", "private"},
		{"172.31.255.255", "private"},
		{"192.168.1.1", "private"},
		{"fd12::1", "private"},
		{"169.254.169.254", "cloud metadata"},
		{"169.254.1.1", "link-local"},
		{"fe80::1", "link-local"},
		{"fd00:ec2::254", "cloud metadata"},
		{"100.100.100.200", "cloud metadata"},
		{"100.64.0.1", "carrier-grade NAT"},
		{"0.0.0.0", "unspecified"},
		{"::", "unspecified"},
		{"224.0.0.1", "multicast"},
		{"ff02::1", "multicast"},
		{"255.255.255.255", "broadcast"},
		{"::ffff:127.0.0.1", "loopback"},
		{"::ffff:10.0.0.1", "private"},
		{"64:ff9b::a9fe:a9fe", "cloud metadata"}, // NAT64 of 169.254.169.254
		{"2002:7f00:1::", "loopback"},            // 6to4 of 127.0.0.1
		{"8.8.8.8", ""},
		{"93.184.216.34", ""},
		{"172.32.0.1", ""},
		{"2606:4700::1111", ""},
		{"64:ff9b::808:808", ""}, // NAT64 of 8.8.8.8
	}
	for _, c := range cases {
		t.Run(c.ip, func(t *testing.T) {
			got := guard.Classify(netip.MustParseAddr(c.ip))
			if c.reason == "" && got != "" {
				t.Fatalf("Classify(%s) = %q, want allowed", c.ip, got)
			}
			if c.reason != "" && !strings.Contains(got, c.reason) {
				t.Fatalf("Classify(%s) = %q, want %q", c.ip, got, c.reason)
			}
		})
	}
}

func TestCheckURL(t *testing.T) {
	g := guard.New(guard.Policy{})
	cases := []struct {
		url    string
		reason string // substring of the error; "" means accepted
	}{
		{"https://example.com/a", ""},
		{"http://example.com:8080/a", ""},
		{"ftp://example.com/a", "scheme"},
		{"file:///etc/passwd", "scheme"},
		{"gopher://example.com/", "scheme"},
		{"http:///nohost", "no host"},
		{"http://user:pw@example.com/", "user information"},
		{"http://127.0.0.1/", "loopback"},
		{"http://[::1]:8080/", "loopback"},
		{"http://10.0.0.7/", "private"},
		{"http://169.254.169.254/latest/meta-data/", "cloud metadata"},
		{"http://2130706433/", "loopback"}, // decimal 127.0.0.1
		{"http://0177.0.0.1/", "loopback"}, // octal
		{"http://0x7f.1/", "loopback"},     // hex, short form
		{"http://127.1/", "loopback"},      // short form
		{"http://[::ffff:a9fe:a9fe]/", "metadata"},
		{"http://0/", "unspecified"},
		{"http://example.com./", ""},
	}
	for _, c := range cases {
		t.Run(c.url, func(t *testing.T) {
			u, err := url.Parse(c.url)
			if err != nil {
				t.Fatal(err)
			}
			err = g.CheckURL(u)
			if c.reason == "" {
				if err != nil {
					t.Fatalf("CheckURL(%s) = %v, want nil", c.url, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.reason) || !errors.Is(err, guard.ErrBlocked) {
				t.Fatalf("CheckURL(%s) = %v, want a refusal mentioning %q", c.url, err, c.reason)
			}
		})
	}
}

func TestDialRefusesResolvedAddresses(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	res := stubResolver{
		"loop.test":     {"127.0.0.1"},
		"loop6.test":    {"::1"},
		"private.test":  {"10.0.0.1"},
		"meta.test":     {"169.254.169.254"},
		"mixed.test":    {"93.184.216.34", "127.0.0.1"}, // one bad answer spoils the name
		"allowed.test":  {"127.0.0.1"},
		"intranet.test": {"127.0.0.1"},
	}
	cases := []struct {
		name   string
		policy func() guard.Policy
		host   string
		reason string // "" means the dial succeeds
	}{
		{"loopback", nil, "loop.test", "loopback"},
		{"loopback v6", nil, "loop6.test", "loopback"},
		{"private", nil, "private.test", "private"},
		{"metadata", nil, "meta.test", "cloud metadata"},
		{"mixed answers", nil, "mixed.test", "loopback"},
		{"literal loopback", nil, "127.0.0.1", "loopback"},
		{"allowed by host", func() guard.Policy {
			p, _ := guard.ParsePolicy(nil, []string{"allowed.test"})
			return p
		}, "allowed.test", ""},
		{"allowed by cidr", func() guard.Policy {
			p, _ := guard.ParsePolicy([]string{"127.0.0.0/8"}, nil)
			return p
		}, "intranet.test", ""},
		{"cidr allows only its range", func() guard.Policy {
			p, _ := guard.ParsePolicy([]string{"127.0.0.1/32"}, nil)
			return p
		}, "private.test", "private"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var p guard.Policy
			if c.policy != nil {
				p = c.policy()
			}
			g := guard.New(p, guard.WithResolver(res))
			conn, err := g.DialContext(context.Background(), "tcp", net.JoinHostPort(c.host, port))
			if c.reason == "" {
				if err != nil {
					t.Fatalf("dial %s: %v", c.host, err)
				}
				conn.Close()
				return
			}
			if err == nil {
				conn.Close()
				t.Fatalf("dial %s succeeded, want refusal", c.host)
			}
			var be *guard.BlockedError
			if !errors.As(err, &be) || !strings.Contains(be.Reason, c.reason) {
				t.Fatalf("dial %s: %v, want BlockedError with %q", c.host, err, c.reason)
			}
			if !strings.Contains(err.Error(), c.host) {
				t.Errorf("error %q does not name the host", err)
			}
		})
	}
}

func TestParsePolicyErrors(t *testing.T) {
	for _, c := range []struct{ cidrs, hosts []string }{
		{cidrs: []string{"10.0.0.0/33"}},
		{cidrs: []string{"not-an-ip"}},
		{hosts: []string{"http://x"}},
	} {
		if _, err := guard.ParsePolicy(c.cidrs, c.hosts); err == nil {
			t.Errorf("ParsePolicy(%v, %v) accepted", c.cidrs, c.hosts)
		}
	}
	p, err := guard.ParsePolicy([]string{"127.0.0.1", "::1", "10.0.0.0/8"}, []string{".corp.example", "Intranet."})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.AllowCIDRs) != 3 || len(p.AllowHosts) != 2 || p.AllowHosts[1] != "intranet" {
		t.Fatalf("policy %+v", p)
	}
	g := guard.New(p)
	for _, h := range []string{"wiki.corp.example", "corp.example", "intranet"} {
		u, _ := url.Parse("http://" + h + "/")
		if err := g.CheckURL(u); err != nil {
			t.Errorf("%s: %v", h, err)
		}
	}
	if r := g.Denied(netip.MustParseAddr("10.9.9.9")); r != "" {
		t.Errorf("10.9.9.9 denied (%s) despite the allow-list", r)
	}
	if r := g.Denied(netip.MustParseAddr("192.168.0.1")); r == "" {
		t.Errorf("192.168.0.1 allowed though not in the allow-list")
	}
}

func FuzzCheckURL(f *testing.F) {
	for _, s := range []string{"http://127.1/", "http://0x7f.0.0.1/", "https://example.com/", "http://[::ffff:7f00:1]/", "http://4294967295/"} {
		f.Add(s)
	}
	g := guard.New(guard.Policy{})
	f.Fuzz(func(t *testing.T, s string) {
		u, err := url.Parse(s)
		if err != nil {
			return
		}
		_ = g.CheckURL(u)
	})
}

// rebinder answers an allowed address first and a loopback one after, as a
// DNS rebinding attacker's server does.
type rebinder struct{ calls int }

func (r *rebinder) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	r.calls++
	if r.calls == 1 {
		return []netip.Addr{netip.MustParseAddr("127.0.0.2")}, nil
	}
	return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
}

func TestDNSRebindingCannotSwapTheAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("no 127.0.0.2 on this machine: %v", err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	p, _ := guard.ParsePolicy([]string{"127.0.0.2/32"}, nil)
	r := &rebinder{}
	g := guard.New(p, guard.WithResolver(r))
	// The guard resolves once and connects to the very address it checked.
	c, err := g.DialContext(context.Background(), "tcp", net.JoinHostPort("rebind.test", port))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.RemoteAddr().(*net.TCPAddr).IP.String(); got != "127.0.0.2" || r.calls != 1 {
		t.Fatalf("connected to %s after %d lookups, want 127.0.0.2 after 1", got, r.calls)
	}
	c.Close()
	// The next lookup answers loopback: refused, although the name is the same.
	if _, err := g.DialContext(context.Background(), "tcp", net.JoinHostPort("rebind.test", port)); !errors.Is(err, guard.ErrBlocked) {
		t.Fatalf("rebound dial: %v, want a refusal", err)
	}
}
