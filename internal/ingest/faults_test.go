package ingest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"riverside/internal/crawl"
	"riverside/internal/mirror"
	"riverside/internal/news"
	"riverside/internal/source"
)

// TestMirrorFaults crawls the mirror's faults site: every fault mode is
// survived, recorded, retried where that makes sense, and the rest of the
// source is crawled.
func TestMirrorFaults(t *testing.T) {
	zero := 0
	m, err := mirror.New(mirror.Options{Faults: mirror.Faults{List: true, Slow: 20 * time.Millisecond, Hang: 2 * time.Second,
		RetryAfter: &zero, CrawlDelay: 10 * time.Millisecond, Huge: 256 << 10}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	cfg, err := source.ParseConfig("mirror.yaml", m.SourcesYAML(srv.URL), source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Crawler.Timeout <= 20*time.Millisecond || cfg.Crawler.Timeout >= 2*time.Second || cfg.Crawler.MaxBody >= 256<<10 {
		t.Fatalf("crawler block %+v does not sit between the slow and the hanging page", cfg.Crawler)
	}
	srcs := map[string]news.Source{}
	for _, s := range cfg.Sources {
		srcs[s.ID] = s
	}

	resp, err := http.Get(srv.URL + "/robots.txt")
	if err != nil {
		t.Fatal(err)
	}
	robots, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(robots), "Disallow: /faults/private/") || !strings.Contains(string(robots), "Crawl-delay: 0.01") {
		t.Errorf("robots.txt:\n%s", robots)
	}

	ctx := context.Background()
	st := openStore(t)
	in := &Ingester{Store: st, Fetch: crawl.Options{Timeout: 200 * time.Millisecond, MaxBodySize: cfg.Crawler.MaxBody, RetryBase: 5 * time.Millisecond}}

	start := time.Now()
	got := in.Pass(ctx, srcs["mirror-faults"])
	t.Logf("faults pass: %+v in %v", got, time.Since(start))
	// 12 plain articles, the pinned one, and the 429, 503, 5xx-burst,
	// slow and edited pages; the tracking-parameter links are article 1003.
	if got.New != 18 || got.Failed != 6 || got.Skipped != 1 || got.Discovered != 25 {
		t.Errorf("faults pass: got %+v, want 25 discovered, 18 new, 6 failed (500, hang, truncated, loop, huge, soft 404), 1 skipped", got)
	}
	if got.Errors["too_many_redirects"] != 1 {
		t.Errorf("faults pass: errors by kind %v, want the redirect loop as too_many_redirects", got.Errors)
	}
	for path, want := range map[string]int{
		"/faults/art/limited.html":        2, // 429, then the page
		"/faults/art/busy.html":           2, // 503 with an HTTP date, then the page
		"/faults/art/burst.html":          3, // 500, 502, then the page
		"/faults/art/broken.html":         4, // three retries, then given up
		"/faults/art/truncated.html":      4,
		"/faults/art/hang.html":           4,
		"/faults/art/huge.html":           1, // too big is not transient
		"/faults/art/loop.html":           6, // ten redirects followed between two paths (11 requests)
		"/faults/art/gone.html":           1,
		"/faults/art/1003.html":           1, // one URL whatever the tracking parameters
		"/faults/private/art/secret.html": 0,
	} {
		if n := m.Hits(path); n != want {
			t.Errorf("%s: %d requests, want %d", path, n, want)
		}
	}
	health, err := st.Sources(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range health {
		if h.ID == "mirror-faults" && (h.LastSuccess == nil || h.LastError == "" || h.LastPass["failed"] != 6) {
			t.Errorf("source health does not record the failures: %+v", h)
		}
	}

	others := map[string]int{"mirror-faults-jpaas": 25, "mirror-faults-feed": 5, "mirror-faults-sitemap": 6, "mirror-faults-calendar": 0}
	for id, want := range others {
		got := in.Pass(ctx, srcs[id])
		if got.New != want || got.Failed != 0 {
			t.Errorf("%s: got %+v, want %d new, none failed", id, got, want)
		}
		if id == "mirror-faults-calendar" && got.Traps == 0 {
			t.Errorf("calendar: got %+v, want the trap counted (shown in the pass summary)", got)
		}
	}
	if n := m.CalendarPages(); n < 2 || n > 15 {
		t.Errorf("calendar trap: %d pages walked, want the months up to next year only", n)
	}

	// The soft 404 and the huge page are not articles.
	for _, p := range []string{"/faults/art/gone.html", "/faults/art/huge.html"} {
		if ok, _ := st.Known(ctx, news.ArticleID(srv.URL+p), srv.URL+p); ok {
			t.Errorf("%s stored as an article", p)
		}
	}

	// An edit is a new version; every other article answers 304.
	if _, err := m.Edit("/faults/art/edited.html"); err != nil {
		t.Fatal(err)
	}
	again := in.Pass(ctx, srcs["mirror-faults"])
	if again.Updated != 1 || again.New != 0 || again.Unchanged != 17 || again.Fetched != 2 {
		t.Errorf("second pass: got %+v, want 1 updated, 17 unchanged (304), 2 bodies (the edit and the soft 404)", again)
	}
	stats, _ := st.Stats(ctx)
	if want := 18 + 25 + 5 + 6; stats.Articles != want || stats.Versions != want+1 {
		t.Errorf("store: %+v, want %d articles and one more version", stats, want)
	}
}
