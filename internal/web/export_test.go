package web

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"riverside/internal/news"
	"riverside/internal/store"
)

// watchedStore is the real store, with a count of the versions an export
// has read so far and a signal when the export's reading ends.
type watchedStore struct {
	*store.Store
	read atomic.Int64
	done chan error
}

func (w *watchedStore) Versions(ctx context.Context, sel news.Selection, fn func(*news.Article, []string) error) error {
	err := w.Store.Versions(ctx, sel, func(a *news.Article, d []string) error {
		w.read.Add(1)
		return fn(a, d)
	})
	w.done <- err
	return err
}

// bigStore is a real store of n articles of about 4 KB.
func bigStore(t *testing.T, n int) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	text := strings.Repeat("杭州高新区（滨江）数字经济高质量发展。", 80) // about 4 KB
	// Loaded in one transaction (an import), not n commits.
	im, err := st.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		u := fmt.Sprintf("http://a/%d", i)
		body := fmt.Sprintf("%d %s", i, text)
		if err := im.Add(ctx, &news.Article{Seq: int64(i + 1), Version: 1, ID: news.ArticleID(u), URL: u, SourceID: "s", Text: body, Hash: news.TextHash(body), Fetched: time.Now()}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := im.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestExportStopsWhenTheClientLeaves(t *testing.T) {
	const n = 5000
	st := bigStore(t, n)
	ws := &watchedStore{Store: st, done: make(chan error, 1)}
	srv := httptest.NewServer(New(Deps{Searcher: &fakeIndex{}, Indexed: &fakeIndex{}, Articles: fakeStore{}, Exports: &Exports{Versions: ws}}))
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/api/export?format=jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("HTTP %d", resp.StatusCode)
	}
	if _, err := io.ReadFull(resp.Body, make([]byte, 64<<10)); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close() // the client leaves with 64 KB of some 20 MB
	if err := <-ws.done; err == nil {
		t.Error("the export read to the end after the client left")
	}
	if got := ws.read.Load(); got >= n {
		t.Errorf("read %d of %d versions after the client left", got, n)
	}
}

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{
		"":                false,
		"gzip":            true,
		"br, gzip;q=0.5":  true,
		"gzip;q=0":        false,
		"gzip; q=0.0, br": false,
		"deflate, x-gzip": false,
		"identity, GZIP":  true,
		"gzipper":         false,
		"*":               false,
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Encoding", h)
		if got := acceptsGzip(r); got != want {
			t.Errorf("Accept-Encoding %q: gzip %v, want %v", h, got, want)
		}
	}
}

func TestExportBadParameters(t *testing.T) {
	srv := httptest.NewServer(New(Deps{Searcher: &fakeIndex{}, Indexed: &fakeIndex{}, Articles: fakeStore{}, Exports: &Exports{}}))
	defer srv.Close()
	for _, q := range []string{"format=xml", "since=-3", "since=1e3", "from=yesterday", "source=" + strings.Repeat("x", 300)} {
		resp, err := http.Get(srv.URL + "/api/export?" + q)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 400 || !strings.Contains(string(b), `"error"`) || resp.Header.Get("Content-Disposition") != "" {
			t.Errorf("%s: HTTP %d %s", q, resp.StatusCode, b)
		}
	}
}

// TestExportOutlivesWriteTimeout serves an export from a server whose
// write timeout is far shorter than the export: the handler lifts it, so
// the whole file arrives, manifest included.
func TestExportOutlivesWriteTimeout(t *testing.T) {
	const n = 3000
	st := bigStore(t, n)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{
		Handler:      New(Deps{Searcher: &fakeIndex{}, Indexed: &fakeIndex{}, Articles: fakeStore{}, Exports: &Exports{Versions: st}}),
		WriteTimeout: time.Millisecond,
	}
	go srv.Serve(ln)
	defer srv.Close()
	resp, err := http.Get("http://" + ln.Addr().String() + "/api/export?format=jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("after %d bytes: %v", len(b), err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != n+1 || !strings.HasPrefix(lines[n], `{"manifest":"riverside-export"`) {
		t.Errorf("%d lines, last %.80q", len(lines), lines[len(lines)-1])
	}
}
