package alert

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// ErrTarget is a webhook URL that may not be used. Its message says why.
var ErrTarget = errors.New("webhook target refused")

// Guard keeps webhooks from reaching the machine's own network (SSRF): a
// target that resolves to a loopback, private, link-local, multicast or
// unspecified address is refused when the subscription is made
// (CheckURL) and again when connecting (Client), since DNS can answer
// differently the second time. AllowPrivate turns the checks off, for a
// demo or a test with a receiver on loopback.
type Guard struct {
	AllowPrivate bool
	// Resolver looks names up; nil means net.DefaultResolver.
	Resolver *net.Resolver
}

// sharedSpace is 100.64.0.0/10 (RFC 6598), carrier-grade NAT: not the
// public internet either.
var sharedSpace = netip.MustParsePrefix("100.64.0.0/10")

// forbidden says why an address may not be a webhook target, "" when it
// may.
func forbidden(a netip.Addr) string {
	a = a.Unmap()
	switch {
	case a.IsLoopback():
		return "a loopback address"
	case a.IsPrivate(), sharedSpace.Contains(a):
		return "a private address"
	case a.IsLinkLocalUnicast():
		return "a link-local address (cloud metadata lives there)"
	case a.IsMulticast(), a.IsLinkLocalMulticast(), a.IsInterfaceLocalMulticast():
		return "a multicast address"
	case a.IsUnspecified(), a.Is4() && a.As4()[0] == 0:
		return "an unspecified address"
	}
	return ""
}

// CheckURL checks a webhook URL: http or https, with a host, and (unless
// private targets are allowed) every address the host resolves to public.
// The error wraps ErrTarget and says what is wrong.
func (g Guard) CheckURL(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%w: %q is not a URL", ErrTarget, raw)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%w: %q: the scheme must be http or https", ErrTarget, raw)
	}
	host := u.Hostname()
	if host == "" {
		return fmt.Errorf("%w: %q has no host", ErrTarget, raw)
	}
	if u.User != nil {
		return fmt.Errorf("%w: %q: credentials in the URL are not supported", ErrTarget, raw)
	}
	if g.AllowPrivate {
		return nil
	}
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a}
	} else {
		r := g.Resolver
		if r == nil {
			r = net.DefaultResolver
		}
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		ips, err := r.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return fmt.Errorf("%w: %s does not resolve: %w", ErrTarget, host, err)
		}
		addrs = ips
	}
	for _, a := range addrs {
		a = a.Unmap()
		if why := forbidden(a); why != "" {
			return fmt.Errorf("%w: %s is %s (%s); webhooks go to public addresses only (searchd -allow-private-webhooks lifts this)", ErrTarget, host, why, a)
		}
	}
	return nil
}

// control runs after the name is resolved and before the connection is
// made: the address checked is the one connected to.
func (g Guard) control(network, address string, _ syscall.RawConn) error {
	if g.AllowPrivate {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrTarget, address, err)
	}
	if why := forbidden(ap.Addr()); why != "" {
		return fmt.Errorf("%w: %s is %s", ErrTarget, ap.Addr(), why)
	}
	return nil
}

// Client returns the HTTP client for webhooks: each request bounded by
// timeout, no redirects followed (a 3xx is a failed attempt), no proxy
// from the environment, and the address checked at connect time.
func (g Guard) Client(timeout time.Duration) *http.Client {
	d := &net.Dialer{Timeout: timeout, Control: g.control}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           d.DialContext,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
