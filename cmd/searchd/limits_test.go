package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLimitFlags(t *testing.T) {
	for _, args := range [][]string{{"-rate", "-1"}, {"-burst", "-2"}, {"-burst", "5"}, {"-max-searches", "0"}, {"-max-body", "0"}} {
		err := run(context.Background(), args, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), args[0]) {
			t.Errorf("run %v: got %v, want an error naming %s", args, err, args[0])
		}
	}
}

// TestPublicInstance runs searchd as a public instance would be run and
// checks the limits from outside, over loopback.
func TestPublicInstance(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	log := &logBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-index", filepath.Join(dir, "index"),
			"-data", filepath.Join(dir, "data"), "-read-only", "-rate", "1", "-burst", "3"}, io.Discard, log)
	}()
	defer func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run: %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("run did not return after cancel")
		}
	}()
	var base string
	eventually(t, "listening", func() bool {
		m := listenRE.FindStringSubmatch(log.String())
		if m != nil {
			base = "http://" + m[1]
		}
		return m != nil
	})

	send := func(method, path string, hdr http.Header) (int, http.Header, string) {
		t.Helper()
		return request(t, method, base+path, hdr, `{"name":"x","query":"滨江"}`)
	}

	if code, _, body := send("POST", "/api/subscriptions", nil); code != http.StatusForbidden || !strings.Contains(body, "read-only") {
		t.Errorf("POST /api/subscriptions: %d %s, want 403 read-only", code, body)
	}
	// The header block is bounded: a 100 KB header is a 431.
	big := http.Header{"X-Junk": {strings.Repeat("a", 100<<10)}}
	if code, _, _ := send("GET", "/healthz", big); code != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("100 KB header: %d, want 431", code)
	}
	// The rate: 3 at once, then 429 with Retry-After (the refused POST
	// took no token, and /healthz is not limited).
	var last int
	var hdr http.Header
	for range 4 {
		last, hdr, _ = send("GET", "/api/search?q=x", nil)
	}
	if last != http.StatusTooManyRequests || hdr.Get("Retry-After") == "" {
		t.Errorf("past the burst: %d Retry-After %q, want 429 with Retry-After", last, hdr.Get("Retry-After"))
	}
	if code, hdr, _ := send("GET", "/", nil); code != 200 || !strings.Contains(hdr.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Errorf("page: %d CSP %q", code, hdr.Get("Content-Security-Policy"))
	}
	// What the limits and searches did shows on /metrics.
	_, _, m := send("GET", "/metrics", nil)
	for _, want := range []string{"riverside_store_sequence 0", "riverside_index_lag 0", `riverside_search_duration_seconds_count{outcome="ok"} 4`,
		`riverside_http_requests_total{code="429",route="other"}`, `riverside_http_requests_total{code="403",route="other"}`} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
