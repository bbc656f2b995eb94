// Package publicnet tells whether a URL a user gave leads to the public
// internet. A crawler or a webhook sender that fetches any URL it is told
// to can otherwise be pointed at the machine it runs on (loopback), the
// network behind it (private ranges) or a cloud's metadata service
// (link-local 169.254.169.254): server-side request forgery.
//
// Check resolves the host and refuses it when any of its addresses is not
// public. Whoever fetches should ask again for every redirect, and, where
// it can, also refuse at dial time (Control), so that a name which
// resolves to a public address when checked and to a private one when
// dialled (DNS rebinding) is caught too.
package publicnet

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
)

// ErrNotPublic is wrapped by every refusal.
var ErrNotPublic = errors.New("not a public address")

// Guard refuses URLs whose hosts are not on the public internet.
type Guard struct {
	// Allow lists networks let through although not public (an intranet
	// the user means to reach, a test server on loopback).
	Allow []netip.Prefix
	// Resolver looks host names up; nil means net.DefaultResolver.
	Resolver *net.Resolver
}

// Check returns nil when every address of u's host is public or allowed,
// else an error wrapping ErrNotPublic that names the address and why.
func (g *Guard) Check(ctx context.Context, u *url.URL) error {
	host := u.Hostname()
	if host == "" {
		return fmt.Errorf("%q has no host: %w", u.String(), ErrNotPublic)
	}
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(strings.TrimSuffix(host, ".")); err == nil {
		addrs = []netip.Addr{ip}
	} else {
		r := g.Resolver
		if r == nil {
			r = net.DefaultResolver
		}
		ips, err := r.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return fmt.Errorf("look up %s: %w", host, err)
		}
		addrs = ips
	}
	for _, ip := range addrs {
		if err := g.checkAddr(ip); err != nil {
			return fmt.Errorf("%s: %w", host, err)
		}
	}
	return nil
}

// Control is a net.Dialer Control function refusing connections to
// addresses that are neither public nor allowed: the check at the moment
// of connecting, which DNS cannot change afterwards.
func (g *Guard) Control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("dial %s: %w", address, ErrNotPublic)
	}
	return g.checkAddr(ap.Addr())
}

func (g *Guard) checkAddr(ip netip.Addr) error {
	ip = ip.Unmap() // ::ffff:127.0.0.1 is 127.0.0.1
	for _, p := range g.Allow {
		if p.Contains(ip) {
			return nil
		}
	}
	if why := Reserved(ip); why != "" {
		return fmt.Errorf("%s is a %s address: %w", ip, why, ErrNotPublic)
	}
	return nil
}

// reserved are the ranges, beside what netip classifies itself, that are
// not the public internet (RFC 6890 and its successors).
var reserved = []struct {
	prefix netip.Prefix
	why    string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), `"this network"`},
	{netip.MustParsePrefix("100.64.0.0/10"), "carrier-grade NAT"},
	{netip.MustParsePrefix("192.0.0.0/24"), "protocol assignment"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
	{netip.MustParsePrefix("64:ff9b::/96"), "NAT64"}, // may embed any IPv4 address, private ones too
	{netip.MustParsePrefix("64:ff9b:1::/48"), "NAT64"},
	{netip.MustParsePrefix("2001:db8::/32"), "documentation"},
	{netip.MustParsePrefix("2002::/16"), "6to4"}, // embeds an IPv4 address
	{netip.MustParsePrefix("2001::/32"), "Teredo"},
}

// Reserved says why ip is not a public address ("loopback", "private",
// "link-local", …), or "" when it is one.
func Reserved(ip netip.Addr) string {
	ip = ip.Unmap()
	switch {
	case !ip.IsValid():
		return "invalid"
	case ip.IsLoopback():
		return "loopback"
	case ip.IsPrivate():
		return "private"
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		return "link-local"
	case ip.IsUnspecified():
		return "unspecified"
	case ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		return "multicast"
	}
	for _, r := range reserved {
		if r.prefix.Contains(ip) {
			return r.why
		}
	}
	return ""
}

// ParsePrefixes reads a comma-separated list of networks (CIDR) or single
// addresses, for a flag.
func ParsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		ip, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is neither a network (10.0.0.0/8) nor an address", f)
		}
		out = append(out, netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen()))
	}
	return out, nil
}
