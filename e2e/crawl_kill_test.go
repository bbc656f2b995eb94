package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"

	"riverside/internal/capture"
	"riverside/internal/store"
)

// startBulkMirror runs the mirror with n generated articles on its bulk
// site, each bulk request delayed, and returns the sources file it wrote.
func startBulkMirror(t *testing.T, dir string, args ...string) string {
	t.Helper()
	sources := filepath.Join(dir, "mirror-sources.yaml")
	m := start(t, "mirror", append([]string{"-addr", "127.0.0.1:0", "-sources", sources}, args...)...)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if fi, err := os.Stat(sources); err == nil && fi.Size() > 0 {
			return sources
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the mirror wrote no sources file:\n%s", m.tail())
	return ""
}

// storedArticles reads every article version of a store: url → hash;
// with captures, it checks that each one's capture reads back (a killed
// crawler's WARC file gets its name back when the next one starts).
func storedArticles(t *testing.T, data string, captures bool) (map[string]string, store.Stats) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(data, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stats, err := st.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	arts, err := st.Since(ctx, 0, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, a := range arts {
		if _, dup := out[a.URL]; dup {
			t.Errorf("%s stored twice", a.URL)
		}
		out[a.URL] = a.Hash
		if !captures {
			continue
		}
		rec, err := capture.ReadResponse(filepath.Join(data, "warc"), a.Capture.File, a.Capture.Offset)
		if err != nil {
			t.Errorf("%s: capture: %v", a.URL, err)
			continue
		}
		if rec.URL != a.URL || rec.Status != 200 || len(rec.Body) == 0 {
			t.Errorf("%s: capture holds %s %d (%d bytes)", a.URL, rec.URL, rec.Status, len(rec.Body))
		}
	}
	return out, stats
}

// TestKillDuringCrawl kills `crawler once` with SIGKILL at many points of
// a crawl of the mirror's bulk site, restarting it each time, and checks
// that no committed article is lost or duplicated, that every capture
// reads back, and that the store ends as a clean crawl's does.
func TestKillDuringCrawl(t *testing.T) {
	dir := t.TempDir()
	const articles = 240
	sources := startBulkMirror(t, dir, "-generate", "240", "-generate-delay", "5ms")
	crawl := func(data string) *exec.Cmd {
		cmd := exec.Command(filepath.Join(binDir, "crawler"), "once", "-config", sources, "-data", data,
			"-source", "mirror-bulk", "-log-level", "error")
		return cmd
	}

	clean := filepath.Join(dir, "clean")
	start := time.Now()
	var out bytes.Buffer
	cmd := crawl(clean)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("clean crawl: %v\n%s", err, out.String())
	}
	full := time.Since(start)
	want, stats := storedArticles(t, clean, true)
	if len(want) != articles || stats.Articles != articles || stats.Versions != articles {
		t.Fatalf("clean crawl stored %d (%+v), want %d:\n%s", len(want), stats, articles, out.String())
	}
	t.Logf("clean crawl of %d articles: %v", articles, full)

	data := filepath.Join(dir, "killed")
	committed := map[string]string{}
	const kills = 10
	for i := range kills {
		// Kill points spread over a crawl: each run resumes where the
		// last one died, so later runs are killed later in the site;
		// the odd ones die early, at start-up or in discovery.
		after := full / (kills + 1)
		if i%2 == 1 {
			after = full / (kills * 4) * time.Duration(i)
		}
		cmd := crawl(data)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(after)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		got, stats := storedArticles(t, data, false)
		for u, h := range committed {
			if got[u] != h {
				t.Errorf("kill %d: article %s lost or changed", i+1, u)
			}
		}
		if stats.Versions != len(got) || stats.Articles != len(got) {
			t.Errorf("kill %d: %+v for %d URLs", i+1, stats, len(got))
		}
		committed = got
		t.Logf("kill %d after %v: %d articles committed", i+1, after, len(got))
	}
	out.Reset()
	cmd = crawl(data)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("final crawl: %v\n%s", err, out.String())
	}
	if m := regexp.MustCompile(`(?m)^\s*total\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)`).FindStringSubmatch(out.String()); m == nil || m[1] != "240" {
		t.Errorf("final crawl summary:\n%s", out.String())
	}
	got, stats := storedArticles(t, data, true)
	if stats.Articles != articles || stats.Versions != articles || len(got) != articles {
		t.Errorf("after the kills: %+v, %d URLs; want %d articles, one version each", stats, len(got), articles)
	}
	for u, h := range want {
		if got[u] != h {
			t.Errorf("%s: hash %q after the kills, %q in the clean crawl", u, got[u], h)
		}
	}
}
