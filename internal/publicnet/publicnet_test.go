package publicnet

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"net/url"
	"testing"
)

func TestReserved(t *testing.T) {
	tests := []struct{ ip, want string }{
		{"127.0.0.1", "loopback"}, {"127.8.9.10", "loopback"}, {"::1", "loopback"}, {"::ffff:127.0.0.1", "loopback"},
		{"10.1.2.3", "private"}, {"172.16.0.1", "private"}, {"172.31.255.255", "private"}, {"192.168.1.1", "private"}, {"fd00::1", "private"},
		{"169.254.169.254", "link-local"}, {"fe80::1", "link-local"}, {"fe80::1%eth0", "link-local"},
		{"0.0.0.0", "unspecified"}, {"::", "unspecified"}, {"0.1.2.3", `"this network"`}, {"224.0.0.1", "link-local"}, {"239.1.2.3", "multicast"}, {"ff05::1", "multicast"},
		{"100.64.0.1", "carrier-grade NAT"}, {"192.0.2.1", "documentation"}, {"255.255.255.255", "reserved"},
		{"64:ff9b::7f00:1", "NAT64"}, {"2002:7f00:1::", "6to4"},
		{"8.8.8.8", ""}, {"172.32.0.1", ""}, {"101.37.0.1", ""}, {"2400:3200::1", ""}, {"::ffff:8.8.8.8", ""},
	}
	for _, tt := range tests {
		if got := Reserved(netip.MustParseAddr(tt.ip)); got != tt.want {
			t.Errorf("Reserved(%s) = %q, want %q", tt.ip, got, tt.want)
		}
	}
}

func TestCheck(t *testing.T) {
	ctx := context.Background()
	g := &Guard{}
	for _, raw := range []string{"http://127.0.0.1:8080/x", "http://[::1]/", "http://localhost/", "https://169.254.169.254/latest/meta-data/",
		"http://10.0.0.1/", "http://[::ffff:192.168.0.1]/", "http://0.0.0.0:22/", "http:///nohost"} {
		u, _ := url.Parse(raw)
		err := g.Check(ctx, u)
		if !errors.Is(err, ErrNotPublic) {
			t.Errorf("Check(%s) = %v, want ErrNotPublic", raw, err)
		}
	}
	// A public address passes without a lookup.
	if err := g.Check(ctx, &url.URL{Scheme: "https", Host: "101.37.113.127"}); err != nil {
		t.Errorf("public address: %v", err)
	}
	// An allowed network passes; only it.
	allow := &Guard{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
	if err := allow.Check(ctx, &url.URL{Scheme: "http", Host: "127.0.0.1:9"}); err != nil {
		t.Errorf("allowed: %v", err)
	}
	if err := allow.Check(ctx, &url.URL{Scheme: "http", Host: "127.0.0.2:9"}); !errors.Is(err, ErrNotPublic) {
		t.Errorf("127.0.0.2 with 127.0.0.1/32 allowed: %v", err)
	}
}

// TestControl dials loopback with the guard in the dialer: refused at
// connect time, whatever the name looked like before.
func TestControl(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	g := &Guard{}
	d := net.Dialer{Control: g.Control}
	if _, err := d.Dial("tcp", ln.Addr().String()); !errors.Is(err, ErrNotPublic) {
		t.Errorf("dial loopback: %v, want ErrNotPublic", err)
	}
	g.Allow = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	c, err := d.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("dial allowed loopback: %v", err)
	}
	c.Close()
}

func TestParsePrefixes(t *testing.T) {
	got, err := ParsePrefixes(" 10.0.0.0/8, 127.0.0.1 ,fd00::/8,,192.168.1.7/16")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.0/8", "127.0.0.1/32", "fd00::/8", "192.168.0.0/16"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Errorf("got %v, want %v", got, want)
		}
	}
	if _, err := ParsePrefixes("10.0.0.0/33"); err == nil {
		t.Error("10.0.0.0/33: no error")
	}
	if _, err := ParsePrefixes("intranet"); err == nil {
		t.Error("intranet: no error")
	}
}
