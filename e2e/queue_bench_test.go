package e2e

import (
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"riverside/internal/mirror"
	"riverside/internal/queue/redistest"
)

// BenchmarkQueueWorkers times a whole crawl of the mirror's bulk site
// (benchArticles pages, delays off) by `crawler once` processes sharing
// the pass through Redis, spread over 1 or 4 hosts (mirrors on ports of
// their own; each host gets one request at a time across all workers),
// and reports pages/s. "alone" is one crawler without -queue. Every run
// starts on an empty data directory and a fresh key prefix.
func BenchmarkQueueWorkers(b *testing.B) {
	redisURL := redistest.Start(b)
	const benchArticles = 2000
	for _, hosts := range []int{1, 4} {
		var srcs strings.Builder
		srcs.WriteString("sources:\n")
		for h := 0; h < hosts; h++ {
			m, err := mirror.New(mirror.Options{Generate: benchArticles / hosts})
			if err != nil {
				b.Fatal(err)
			}
			srv := httptest.NewServer(m.Handler())
			b.Cleanup(srv.Close)
			fmt.Fprintf(&srcs, `  - id: bulk-%d
    name: bulk %[1]d
    district: binjiang
    schedule: '* * * * *'
    delay: 0s
    max_pages: %d
    max_articles: %d
    discovery:
      - kind: html-list
        url: %s/bulk/list/index.html
    article_url: '^%s/bulk/art/\d+\.html$'
`, h, (benchArticles/hosts+99)/100, benchArticles/hosts, srv.URL, regexp.QuoteMeta(srv.URL))
		}
		dir := b.TempDir()
		sources := filepath.Join(dir, "sources.yaml")
		if err := os.WriteFile(sources, []byte(srcs.String()), 0o644); err != nil {
			b.Fatal(err)
		}
		for _, workers := range []int{0, 1, 2} {
			name := fmt.Sprintf("hosts=%d/workers=%d", hosts, workers)
			if workers == 0 {
				name = fmt.Sprintf("hosts=%d/alone", hosts)
			}
			b.Run(name, func(b *testing.B) {
				pages := 0
				var elapsed time.Duration
				for i := 0; i < b.N; i++ {
					data := filepath.Join(dir, fmt.Sprintf("%s-%d", strings.ReplaceAll(name, "/", "-"), i))
					args := []string{"once", "-config", sources, "-data", data, "-log-level", "error"}
					if workers > 0 {
						args = append(args, "-queue", fmt.Sprintf("%s?prefix=bench-%d-%s-%d:", redisURL, hosts, name, i))
					}
					n := max(workers, 1)
					var wg sync.WaitGroup
					outs := make([]string, n)
					errs := make([]error, n)
					start := time.Now()
					for w := 0; w < n; w++ {
						wg.Add(1)
						go func() {
							defer wg.Done()
							out, err := exec.Command(filepath.Join(binDir, "crawler"), args...).CombinedOutput()
							outs[w], errs[w] = string(out), err
						}()
					}
					wg.Wait()
					elapsed += time.Since(start)
					got := 0
					for w := 0; w < n; w++ {
						if errs[w] != nil {
							b.Fatalf("worker %d: %v\n%s", w, errs[w], outs[w])
						}
						m := regexp.MustCompile(`(?m)^\s*total\s+\d+\s+\d+\s+(\d+)`).FindStringSubmatch(outs[w])
						if m == nil {
							b.Fatalf("no summary:\n%s", outs[w])
						}
						var f int
						fmt.Sscan(m[1], &f)
						got += f
					}
					if got != benchArticles {
						b.Fatalf("fetched %d pages, want %d", got, benchArticles)
					}
					pages += got
					os.RemoveAll(data)
				}
				b.ReportMetric(float64(pages)/elapsed.Seconds(), "pages/s")
			})
		}
	}
}
