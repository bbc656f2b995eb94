package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const guardPage = `<html><head><title>Binjiang library opens</title></head><body><article><h1>Binjiang library opens</h1>` +
	`<p>Hangzhou's Binjiang district opened a new public library branch on Saturday, with thirty thousand books on its shelves.</p></article></body></html>`

// serveOn starts a server on addr (host:0) answering with h.
func serveOn(t *testing.T, addr string, h http.Handler) *httptest.Server {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

func TestExtractURLRefusesPrivateTargets(t *testing.T) {
	page := serveOn(t, "127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(guardPage))
	}))
	// The "inside" server is on another loopback address, so that a test
	// can allow the first and not the second.
	inside := serveOn(t, "127.0.0.2:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(guardPage))
	}))
	redirect := serveOn(t, "127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		http.Redirect(w, r, inside.URL+"/secret", http.StatusFound)
	}))
	robotsInside := serveOn(t, "127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, inside.URL+r.URL.Path, http.StatusFound)
	}))

	extract := func(args ...string) (string, error) {
		var out, errb bytes.Buffer
		err := run(context.Background(), append([]string{"extract"}, args...), strings.NewReader(""), &out, &errb)
		return out.String(), err
	}
	refused := func(what string, err error, want string) {
		t.Helper()
		var ee exitError
		if !errors.As(err, &ee) || ee.code != 1 || !strings.Contains(ee.msg, want) || !strings.Contains(ee.msg, "-allow-private") {
			t.Errorf("%s: got %v, want exit 1 naming %q and the flag", what, err, want)
		}
	}

	_, err := extract("-url", page.URL+"/a.html")
	refused("loopback", err, "127.0.0.1 is a loopback address")
	_, err = extract("-url", "http://169.254.169.254/latest/meta-data/")
	refused("cloud metadata", err, "169.254.169.254 is a link-local address")
	_, err = extract("-url", "http://[::ffff:10.0.0.1]/")
	refused("mapped private", err, "private address")

	// Allowed, it fetches as before.
	out, err := extract("-allow-private", "-url", page.URL+"/a.html")
	if err != nil || !strings.Contains(out, `"title":"Binjiang library opens"`) {
		t.Errorf("-allow-private: %v %s", err, out)
	}
	out, err = extract("-allow-net", "127.0.0.1", "-url", page.URL+"/a.html")
	if err != nil || !strings.Contains(out, "Binjiang library opens") {
		t.Errorf("-allow-net 127.0.0.1: %v %s", err, out)
	}
	// A redirect is checked again: an allowed page cannot send the
	// crawler on to an address that is not.
	_, err = extract("-allow-net", "127.0.0.1/32", "-url", redirect.URL+"/go")
	refused("redirect", err, "127.0.0.2 is a loopback address")
	_, err = extract("-allow-net", "127.0.0.1/32", "-url", robotsInside.URL+"/go")
	refused("robots.txt redirect", err, "127.0.0.2 is a loopback address")
	out, err = extract("-allow-net", "127.0.0.1/32,127.0.0.2", "-url", redirect.URL+"/go")
	if err != nil || !strings.Contains(out, inside.URL+"/secret") {
		t.Errorf("redirect to an allowed address: %v %s", err, out)
	}

	for _, args := range [][]string{{"-url", "file:///etc/passwd"}, {"-url", "gopher://127.0.0.1/"}, {"-allow-net", "intranet", "-url", "http://example.org/"}} {
		if _, err := extract(args...); err == nil {
			t.Errorf("%v: got no error", args)
		}
	}
}
