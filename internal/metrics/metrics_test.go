package metrics

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"riverside/internal/index"
	"riverside/internal/news"
	"riverside/internal/store"
)

// TestScrape reads /metrics over a real store and index: the lag, the
// last pass's counters with failures by kind, and search latencies.
func TestScrape(t *testing.T) {
	ctx := context.Background()
	st, idx := openStoreAndIndex(t)
	for _, u := range []string{"https://a.example/1", "https://a.example/2", "https://a.example/3"} {
		a := &news.Article{ID: news.ArticleID(u), URL: u, SourceID: "hhtz", Title: u, Text: "text " + u, Hash: news.TextHash(u), Fetched: time.Now()}
		if _, err := st.Put(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	first, err := st.Since(ctx, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.Apply(ctx, first); err != nil {
		t.Fatal(err)
	}
	if err := st.RecordPass(ctx, store.Pass{SourceID: "hhtz", Finished: time.Now(), OK: true,
		Stats: map[string]int{"fetched": 7, "failed": 3, "error_extract": 2, "error_http_5xx": 1}}); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	reg := New(st, idx, logger)
	reg.WatchLag(st, idx, logger)
	reg.ObserveSearch("ok", 3*time.Millisecond)
	reg.ObserveSearch("busy", 2*time.Second)

	rec := httptest.NewRecorder()
	reg.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		"riverside_store_sequence 3", "riverside_index_sequence 1", "riverside_index_lag 2",
		`riverside_source_last_pass{counter="error_extract",source="hhtz"} 2`,
		`riverside_source_last_pass{counter="error_http_5xx",source="hhtz"} 1`,
		`riverside_source_last_pass{counter="fetched",source="hhtz"} 7`,
		`riverside_search_duration_seconds_bucket{outcome="ok",le="0.005"} 1`,
		`riverside_search_duration_seconds_count{outcome="busy"} 1`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", body)
	}
}

// openStoreAndIndex opens a real store and index in a temporary directory,
// closed when the test ends.
func openStoreAndIndex(t *testing.T) (*store.Store, *index.Index) {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	idx, err := index.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	return st, idx
}
