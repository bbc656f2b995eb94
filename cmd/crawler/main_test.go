package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"riverside/internal/capture"
)

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("sources:\n  - id: a\n    schedule: \"61 * * * *\"\n    discovery:\n      - kind: html-list\n        url: http://x.example/\n    article_url: '.'\n"), 0o644)
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"check", "-config", bad}, nil, &out, &errb)
	var ee exitError
	if !errors.As(err, &ee) || ee.code != 1 {
		t.Fatalf("got %v, want exit 1", err)
	}
	if want := bad + `:2: source "a": schedule "61 * * * *"`; !strings.Contains(errb.String(), want) {
		t.Errorf("stderr %q does not name the fault %q", errb.String(), want)
	}

	out.Reset()
	errb.Reset()
	if err := run(context.Background(), []string{"check", "-config", filepath.Join("..", "..", "sources.yaml")}, nil, &out, &errb); err != nil {
		t.Errorf("the repository's sources.yaml: %v\n%s", err, errb.String())
	}
}

func TestOnceAndExtract(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /list.html", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><a href="/a/1.html">one</a> <a href="/a/2.html">two</a></body></html>`)
	})
	mux.HandleFunc("GET /a/{n}", func(w http.ResponseWriter, r *http.Request) {
		n := r.PathValue("n")
		fmt.Fprintf(w, `<html><head><title>Binjiang story %s - Example News</title></head><body><nav>Home | World</nav>
			<article><h1>Binjiang story %s</h1><p class="date">Updated: 2025-06-0%s 10:00</p>
			<p>Hangzhou's Binjiang district opened its %s new public library branch on Saturday, with thirty thousand books on its shelves.</p>
			<p>Residents queued before the doors opened, and the district said more branches would follow in the coming years.</p></article>
			<footer>Copyright Example News</footer></body></html>`, n, n, strings.TrimSuffix(n, ".html")[:1], n)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	dir := t.TempDir()
	cfg := filepath.Join(dir, "sources.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf("sources:\n  - id: ex\n    delay: 1ms\n    discovery:\n      - kind: html-list\n        url: %s/list.html\n    article_url: '^%s/a/\\d+\\.html$'\n",
		srv.URL, regexp.QuoteMeta(srv.URL))), 0o644)
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"once", "-config", cfg, "-data", filepath.Join(dir, "data")}, nil, &out, &errb); err != nil {
		t.Fatalf("once: %v\n%s", err, errb.String())
	}
	if !regexp.MustCompile(`(?m)^\s*ex\s+2\s+0\s+2\s+2\s`).MatchString(out.String()) {
		t.Errorf("summary does not show 2 discovered, 2 fetched, 2 new:\n%s", out.String())
	}

	// Every article points at its raw capture, which reads back byte for byte.
	st, err := openStore(context.Background(), commonFlags{data: filepath.Join(dir, "data")})
	if err != nil {
		t.Fatal(err)
	}
	arts, err := st.Since(context.Background(), 0, 10)
	st.Close()
	if err != nil || len(arts) != 2 {
		t.Fatalf("stored: %d %v", len(arts), err)
	}
	for _, a := range arts {
		rec, err := capture.ReadResponse(filepath.Join(dir, "data", "warc"), a.Capture.File, a.Capture.Offset)
		if err != nil {
			t.Fatalf("capture of %s: %v", a.URL, err)
		}
		if rec.URL != a.URL || !strings.Contains(string(rec.Body), "public library branch") {
			t.Errorf("capture of %s: got %s %q", a.URL, rec.URL, rec.Body)
		}
	}

	// Nothing reachable: exit status 1.
	os.WriteFile(cfg, []byte("sources:\n  - id: ex\n    delay: 1ms\n    discovery:\n      - kind: html-list\n        url: http://127.0.0.1:1/list.html\n    article_url: '.'\n"), 0o644)
	err = run(context.Background(), []string{"once", "-config", cfg, "-data", filepath.Join(dir, "data")}, nil, &out, &errb)
	var ee exitError
	if !errors.As(err, &ee) || ee.code != 1 {
		t.Errorf("unreachable source: got %v, want exit 1", err)
	}

	// extract from stdin prints the contract's JSON.
	out.Reset()
	page := `<html><head><title>Binjiang story 1 - Example News</title><meta name="PubDate" content="2025-06-01 10:00"></head><body><article><h1>Binjiang story 1</h1><p>Hangzhou's Binjiang district opened a new public library branch on Saturday, with thirty thousand books on its shelves.</p></article></body></html>`
	if err := run(context.Background(), []string{"extract"}, strings.NewReader(page), &out, &errb); err != nil {
		t.Fatal(err)
	}
	var got map[string]string
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	for _, k := range []string{"url", "title", "published", "author", "source", "lang", "text"} {
		if _, ok := got[k]; !ok {
			t.Errorf("extract output lacks %q: %s", k, out.String())
		}
	}
	if got["published"] != "2025-06-01T10:00:00+08:00" || got["lang"] != "en" || got["title"] != "Binjiang story 1" {
		t.Errorf("extract: got %v", got)
	}
}

// syncBuffer is a bytes.Buffer safe for the daemon's logger and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRunDaemon starts the scheduled daemon, which passes over every
// source at start-up, and stops it with its context as SIGTERM would.
func TestRunDaemon(t *testing.T) {
	var hits atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("GET /list.html", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, `<html><body><a href="/a/1.html">one</a></body></html>`)
	})
	mux.HandleFunc("GET /a/1.html", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><head><title>Binjiang daemon story</title></head><body><article><h1>Binjiang daemon story</h1>
			<p>Hangzhou's Binjiang district opened a new public library branch on Saturday, with thirty thousand books on its shelves.</p></article></body></html>`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "sources.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf("sources:\n  - id: ex\n    schedule: \"0 0 1 1 *\"\n    delay: 0s\n    discovery:\n      - kind: html-list\n        url: %s/list.html\n    article_url: '^%s/a/\\d+\\.html$'\n",
		srv.URL, regexp.QuoteMeta(srv.URL))), 0o644)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var logs syncBuffer
	go func() {
		done <- run(ctx, []string{"run", "-config", cfg, "-data", filepath.Join(dir, "data")}, nil, io.Discard, &logs)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(logs.String(), "pass done") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v\n%s", err, logs.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the daemon did not stop after its context ended")
	}
	if !strings.Contains(logs.String(), "crawler stopped") || hits.Load() != 1 {
		t.Errorf("list fetched %d times, logs:\n%s", hits.Load(), logs.String())
	}
	st, err := openStore(context.Background(), commonFlags{data: filepath.Join(dir, "data")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if stats, _ := st.Stats(context.Background()); stats.Articles != 1 {
		t.Errorf("stored %d articles, want 1", stats.Articles)
	}
}
