package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAccessRules(t *testing.T) {
	idx := &fakeIndex{}
	h := New(Deps{Searcher: idx, Indexed: idx, Articles: fakeStore{}, Token: "0123456789abcdef"})
	cases := []struct {
		method, path, auth string
		header             [2]string
		want               int
	}{
		{"GET", "/api/search?q=x", "", [2]string{}, http.StatusOK},
		{"GET", "/feeds/search.atom?q=x", "", [2]string{}, http.StatusOK},
		// Writes and exports anywhere, routed or not, need the token.
		{"POST", "/api/anything", "", [2]string{}, http.StatusUnauthorized},
		{"PUT", "/api/search", "", [2]string{}, http.StatusUnauthorized},
		{"GET", "/api/export?format=jsonl", "", [2]string{}, http.StatusUnauthorized},
		{"GET", "/api/export/warc", "", [2]string{}, http.StatusUnauthorized},
		{"GET", "/api/export?format=jsonl", "Bearer wrong-token-wrong", [2]string{}, http.StatusUnauthorized},
		// With it, the request goes on to the routes (none here: 404/405).
		{"GET", "/api/export?format=jsonl", "Bearer 0123456789abcdef", [2]string{}, http.StatusNotFound},
		{"POST", "/api/anything", "Bearer 0123456789abcdef", [2]string{}, http.StatusMethodNotAllowed},
		// From another site, even with the token: refused.
		{"POST", "/api/anything", "Bearer 0123456789abcdef", [2]string{"Origin", "https://evil.example"}, http.StatusForbidden},
		{"POST", "/api/anything", "Bearer 0123456789abcdef", [2]string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"POST", "/api/anything", "Bearer 0123456789abcdef", [2]string{"Origin", "http://example.com"}, http.StatusMethodNotAllowed},
	}
	for _, c := range cases {
		r := httptest.NewRequest(c.method, c.path, strings.NewReader("{}"))
		if c.auth != "" {
			r.Header.Set("Authorization", c.auth)
		}
		if c.header[0] != "" {
			r.Header.Set(c.header[0], c.header[1])
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != c.want {
			t.Errorf("%s %s %q %v: %d, want %d", c.method, c.path, c.auth, c.header, w.Code, c.want)
		}
		if w.Code == http.StatusUnauthorized && w.Header().Get("WWW-Authenticate") == "" {
			t.Errorf("%s %s: 401 without WWW-Authenticate", c.method, c.path)
		}
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/subscriptions/sub_1": "/subscriptions/sub_1",
		"":                     "/subscriptions",
		"https://evil.example": "/subscriptions",
		"//evil.example/x":     "/subscriptions",
		"/\\evil.example":      "/subscriptions",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"":                                   "",
		"https://hooks.example.com":          "https://hooks.example.com",
		"https://hooks.example.com/":         "https://hooks.example.com/",
		"https://hooks.example.com/T1/B2/xx": "https://hooks.example.com/…",
		"https://hooks.example.com/?k=v":     "https://hooks.example.com/…",
		"https://user:pw@hooks.example.com/": "https://hooks.example.com/…",
		"http://[::1]:8080/x":                "http://[::1]:8080/…",
		"not a url":                          "…",
	} {
		if got := redactURL(in); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestStorageFullIs503: a write the store refused for want of disk (the
// daemon wraps it in ErrStorageFull) is a 503 that says so and asks to
// come back, never a 500. The e2e disk-full test cannot always provoke
// it: SQLite may fit a small write in space it already holds.
func TestStorageFullIs503(t *testing.T) {
	p := classify(fmt.Errorf("create subscription: %w: %w", ErrStorageFull, errors.New("store: disk full")))
	if p.status != http.StatusServiceUnavailable || !strings.Contains(p.Error, "disk is full") || p.retryAfter <= 0 {
		t.Errorf("classify(storage full) = %+v, want a 503 saying the disk is full, with Retry-After", p)
	}
}
