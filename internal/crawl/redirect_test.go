package crawl

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// TestRedirectToAnotherHost: a redirect that leaves the host is followed
// only where the host it lands on allows it in its own robots.txt, and
// that host is then paced by its own rules (Crawl-delay).
func TestRedirectToAnotherHost(t *testing.T) {
	var away, home *countingSite
	away = newCountingSite(t, map[string]func(http.ResponseWriter, *http.Request, int){
		"/robots.txt": func(w http.ResponseWriter, r *http.Request, n int) {
			fmt.Fprint(w, "User-agent: *\nDisallow: /private/\nCrawl-delay: 0.05\n")
		},
		"/back": func(w http.ResponseWriter, r *http.Request, n int) {
			http.Redirect(w, r, home.srv.URL+"/loop", http.StatusFound)
		},
	})
	home = newCountingSite(t, map[string]func(http.ResponseWriter, *http.Request, int){
		"/robots.txt": func(w http.ResponseWriter, r *http.Request, n int) {
			fmt.Fprint(w, "User-agent: *\nDisallow: /secret\n")
		},
		"/public": func(w http.ResponseWriter, r *http.Request, n int) {
			http.Redirect(w, r, away.srv.URL+"/open", http.StatusFound)
		},
		"/private": func(w http.ResponseWriter, r *http.Request, n int) {
			http.Redirect(w, r, away.srv.URL+"/private/x", http.StatusFound)
		},
		"/hide": func(w http.ResponseWriter, r *http.Request, n int) {
			http.Redirect(w, r, "/secret", http.StatusMovedPermanently)
		},
		"/loop": func(w http.ResponseWriter, r *http.Request, n int) {
			http.Redirect(w, r, away.srv.URL+"/back", http.StatusFound)
		},
	})
	ctx := context.Background()
	s, err := NewSession(ctx, quick(Options{MaxRedirects: 4}))
	if err != nil {
		t.Fatal(err)
	}

	resp, err := s.Get(ctx, home.srv.URL+"/public")
	if err != nil {
		t.Fatalf("redirect to an allowed page on another host: %v", err)
	}
	if resp.URL != away.srv.URL+"/open" || string(resp.Body) != "ok page" {
		t.Errorf("got %s %q, want the other host's page", resp.URL, resp.Body)
	}
	if n := away.count("/robots.txt"); n != 1 {
		t.Errorf("the other host's robots.txt read %d times, want 1", n)
	}
	if d := s.HostDelay(away.srv.URL); d != 50*time.Millisecond {
		t.Errorf("the other host's delay: got %v, want its Crawl-delay 50ms", d)
	}

	if _, err := s.Get(ctx, home.srv.URL+"/private"); !errors.Is(err, ErrDisallowed) {
		t.Errorf("redirect to a page the other host disallows: got %v, want ErrDisallowed", err)
	}
	if n := away.count("/private/x"); n != 0 {
		t.Errorf("the disallowed page was fetched %d times", n)
	}
	if n := away.count("/robots.txt"); n != 1 {
		t.Errorf("the other host's robots.txt read %d times, want 1 (kept for the session)", n)
	}

	if _, err := s.Get(ctx, home.srv.URL+"/hide"); !errors.Is(err, ErrDisallowed) {
		t.Errorf("redirect on the same host to a disallowed page: got %v, want ErrDisallowed", err)
	}
	if n := home.count("/secret"); n != 0 {
		t.Errorf("the disallowed page was fetched %d times", n)
	}

	// A loop between the two hosts ends at MaxRedirects, counted across
	// hosts: 4 redirects followed, 5 requests.
	_, err = s.Get(ctx, home.srv.URL+"/loop")
	var se *StatusError
	if !errors.As(err, &se) || se.Status != http.StatusFound {
		t.Fatalf("redirect loop across hosts: got %v, want a StatusError 302", err)
	}
	if got := home.count("/loop") + away.count("/back"); got != 5 {
		t.Errorf("redirect loop: %d requests, want 5", got)
	}
}

// TestRedirectMethod: a 302 or 303 after a POST is followed with a GET
// without body; a 307 repeats the POST.
func TestRedirectMethod(t *testing.T) {
	tests := []struct {
		method string
		status int
		want   string
		body   bool
	}{
		{http.MethodPost, http.StatusFound, http.MethodGet, false},
		{http.MethodPost, http.StatusSeeOther, http.MethodGet, false},
		{http.MethodPost, http.StatusTemporaryRedirect, http.MethodPost, true},
		{http.MethodGet, http.StatusMovedPermanently, http.MethodGet, false},
	}
	for _, tt := range tests {
		var body []byte
		if tt.method == http.MethodPost {
			body = []byte("a=1")
		}
		m, b, _ := redirectMethod(tt.method, tt.status, body, http.Header{"Content-Type": {"x"}})
		if m != tt.want || (len(b) > 0) != tt.body {
			t.Errorf("%s then %d: got %s with body %v, want %s with body %v", tt.method, tt.status, m, len(b) > 0, tt.want, tt.body)
		}
	}
}

// TestRobotsRedirectedAway: a robots.txt that redirects to another host
// is read there (RFC 9309 §2.3.1.2) and its rules hold for the host that
// redirected.
func TestRobotsRedirectedAway(t *testing.T) {
	away := newCountingSite(t, map[string]func(http.ResponseWriter, *http.Request, int){
		"/shared-robots.txt": func(w http.ResponseWriter, r *http.Request, n int) {
			fmt.Fprint(w, "User-agent: *\nDisallow: /x\n")
		},
	})
	home := newCountingSite(t, map[string]func(http.ResponseWriter, *http.Request, int){
		"/robots.txt": func(w http.ResponseWriter, r *http.Request, n int) {
			http.Redirect(w, r, away.srv.URL+"/shared-robots.txt", http.StatusMovedPermanently)
		},
	})
	ctx := context.Background()
	s, err := NewSession(ctx, quick(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, home.srv.URL+"/x"); !errors.Is(err, ErrDisallowed) {
		t.Errorf("a path the redirected robots.txt disallows: got %v, want ErrDisallowed", err)
	}
	if _, err := s.Get(ctx, home.srv.URL+"/y"); err != nil {
		t.Errorf("a path it allows: %v", err)
	}
	if n := home.count("/x"); n != 0 {
		t.Errorf("the disallowed page was fetched %d times", n)
	}
	if n := away.count("/shared-robots.txt"); n != 1 {
		t.Errorf("the redirected robots.txt read %d times, want 1", n)
	}
}
