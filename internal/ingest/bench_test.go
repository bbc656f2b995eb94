package ingest

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"riverside/internal/crawl"
	"riverside/internal/index"
	"riverside/internal/mirror"
	"riverside/internal/news"
	"riverside/internal/source"
	"riverside/internal/store"
)

// benchArticles is the size of the generated site of BenchmarkCrawl.
const benchArticles = 10000

// BenchmarkCrawl crawls a generated mirror site of ten thousand articles
// with every delay off (list pages, article pages, extraction, store,
// WARC captures), then indexes the store twice: by following the store's
// log as searchd does, and by plain batch indexing of the same articles
// already in memory. It reports pages/s, the process's peak RSS (mirror
// included: it runs in the same process) and both indexing rates.
//
//	go test -run '^$' -bench Crawl -benchtime 1x ./internal/ingest
func BenchmarkCrawl(b *testing.B) {
	ctx := context.Background()
	m, err := mirror.New(mirror.Options{Generate: benchArticles})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	cfg, err := source.ParseConfig("mirror.yaml", m.SourcesYAML(srv.URL), source.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var src news.Source
	for _, s := range cfg.Sources {
		if s.ID == "mirror-bulk" {
			src = s
		}
	}
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		st, err := store.Open(ctx, filepath.Join(dir, store.FileName))
		if err != nil {
			b.Fatal(err)
		}
		in := &Ingester{Store: st, Fetch: crawl.Options{}}
		b.StartTimer()
		start := time.Now()
		got := in.Pass(ctx, src)
		crawlTime := time.Since(start)
		b.StopTimer()
		if got.New != benchArticles {
			b.Fatalf("crawl: %+v, want %d new", got, benchArticles)
		}
		pages := got.Fetched + (benchArticles+99)/100 // articles and list pages
		b.ReportMetric(float64(pages)/crawlTime.Seconds(), "pages/s")
		b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MiB")

		// store → index, as searchd does.
		idx, err := index.Open(filepath.Join(dir, "follow"))
		if err != nil {
			b.Fatal(err)
		}
		fctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		start = time.Now()
		go func() { done <- idx.Follow(fctx, st, 500, 5*time.Millisecond, slog.New(slog.DiscardHandler)) }()
		for {
			if n, _ := idx.Count(); n >= benchArticles {
				break
			}
			time.Sleep(2 * time.Millisecond)
		}
		followTime := time.Since(start)
		cancel()
		<-done
		idx.Close()

		// The same documents, already in memory, in batches of the same size.
		arts, err := st.Since(ctx, 0, benchArticles+1)
		if err != nil {
			b.Fatal(err)
		}
		plain, err := index.Open(filepath.Join(dir, "plain"))
		if err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		for i := 0; i < len(arts); i += 500 {
			if err := plain.Apply(ctx, arts[i:min(i+500, len(arts))]); err != nil {
				b.Fatal(err)
			}
		}
		plainTime := time.Since(start)
		plain.Close()
		st.Close()
		b.ReportMetric(float64(benchArticles)/followTime.Seconds(), "store→index-articles/s")
		b.ReportMetric(float64(benchArticles)/plainTime.Seconds(), "batch-index-articles/s")
		b.ReportMetric(followTime.Seconds()/plainTime.Seconds(), "follow/batch-time-ratio")
		b.StartTimer()
	}
}

// peakRSS reads the process's peak resident set (VmHWM) in bytes.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
