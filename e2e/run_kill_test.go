package e2e

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestKillCrawlerRun kills the crawler daemon (`crawler run`, which starts
// a pass over every source at once, then follows their schedules) with
// SIGKILL three times while it stores articles, starting it again each
// time: no committed article is lost, changed or stored twice, and every
// capture reads back. A `crawler once` afterwards brings the store to
// what a clean crawl stores. TestKillDuringCrawl does the same, at more
// points, to `crawler once`.
func TestKillCrawlerRun(t *testing.T) {
	dir := t.TempDir()
	sources := startBulkMirror(t, dir, "-generate", "120", "-generate-delay", "10ms")

	clean := filepath.Join(dir, "clean")
	crawlOnce(t, sources, clean)
	want, _ := storedArticles(t, clean, false)

	data := filepath.Join(dir, "killed")
	committed := map[string]string{}
	for i := range 3 {
		d := start(t, "crawler", "run", "-config", sources, "-data", data)
		before := len(committed)
		waitUntil(t, "the crawler daemon to store more articles", 60*time.Second, func() bool {
			return storeExists(data) && countArticles(t, data) > before
		})
		d.cmd.Process.Signal(syscall.SIGKILL)
		d.cmd.Wait()
		committed = keptAfterKill(t, data, i+1, committed)
		t.Logf("kill %d: %d articles committed", i+1, len(committed))
	}

	crawlOnce(t, sources, data)
	got, stats := storedArticles(t, data, true)
	if stats.Versions != len(got) || len(got) != len(want) {
		t.Errorf("after the kills and a crawl: %+v, %d URLs; want the clean crawl's %d, one version each", stats, len(got), len(want))
	}
	for u, h := range want {
		if got[u] != h {
			t.Errorf("%s: hash %q after the kills, %q in the clean crawl", u, got[u], h)
		}
	}
	if n := validateWARCs(t, filepath.Join(data, "warc")); n == 0 {
		t.Error("no WARC records after the kills")
	}
}
