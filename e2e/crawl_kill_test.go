package e2e

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nlnwa/gowarc/v2"

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
		// The reference opens the whole exchange, as export reads it.
		if ex, err := capture.ReadExchange(filepath.Join(data, "warc"), a.Capture.File, a.Capture.Offset); err != nil {
			t.Errorf("%s: exchange: %v", a.URL, err)
		} else if ex.Response.TargetURI != a.URL {
			t.Errorf("%s: exchange of %s", a.URL, ex.Response.TargetURI)
		}
	}
	return out, stats
}

// keptAfterKill reads the store after kill number kill: every article
// committed before it is there unchanged, each once, its capture readable.
// It returns what is committed now.
func keptAfterKill(t *testing.T, data string, kill int, committed map[string]string) map[string]string {
	t.Helper()
	got, stats := storedArticles(t, data, true)
	for u, h := range committed {
		if got[u] != h {
			t.Errorf("kill %d: article %s lost or changed", kill, u)
		}
	}
	if stats.Versions != len(got) || stats.Articles != len(got) {
		t.Errorf("kill %d: %+v for %d URLs", kill, stats, len(got))
	}
	return got
}

// validateWARCs reads every record of every WARC file in dir, in order,
// with gowarc's strict reader (block and payload digests, lengths, record
// ends, gzip checksums), and returns the number of records read. A file
// still open (NAME.open) is an error: no writer is alive when it runs.
func validateWARCs(t *testing.T, dir string) int {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".warc.gz") {
			if strings.Contains(name, ".warc") {
				t.Errorf("%s: a WARC file left unfinished", name)
			}
			continue
		}
		r, err := gowarc.NewWarcFileReader(filepath.Join(dir, name), 0, gowarc.WithStrictValidation())
		if err != nil {
			t.Fatal(err)
		}
		for n := 0; ; n++ {
			rec, off, val, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Errorf("%s: record %d at %d: %v", name, n+1, off, err)
				break
			}
			if !val.Valid() {
				t.Errorf("%s: record %d at %d: %v", name, n+1, off, val)
			}
			if rec.Type() != gowarc.Warcinfo && rec.WarcHeader().Get(gowarc.WarcBlockDigest) == "" {
				t.Errorf("%s: record %d at %d has no block digest", name, n+1, off)
			}
			rec.Close()
			total++
		}
		r.Close()
	}
	return total
}

// sameAsServed fetches n stored articles again from the server and
// checks that each capture's body is the page it serves.
func sameAsServed(t *testing.T, data string, n int) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(data, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	arts, err := st.Since(ctx, 0, n)
	st.Close()
	if err != nil || len(arts) == 0 {
		t.Fatalf("no articles: %v", err)
	}
	for _, a := range arts {
		resp, err := http.Get(a.URL)
		if err != nil {
			t.Fatal(err)
		}
		served, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		rec, err := capture.ReadResponse(filepath.Join(data, "warc"), a.Capture.File, a.Capture.Offset)
		if err != nil {
			t.Fatalf("%s: %v", a.URL, err)
		}
		if !bytes.Equal(rec.Body, served) || rec.Header.Get("Content-Type") != resp.Header.Get("Content-Type") {
			t.Errorf("%s: the capture holds %d bytes (%s), the server sends %d (%s)", a.URL,
				len(rec.Body), rec.Header.Get("Content-Type"), len(served), resp.Header.Get("Content-Type"))
		}
	}
}

// tearTail appends to each unfinished WARC file of data/warc the first
// half of the last exchange the store points at in it, and returns how
// many bytes it appended to each (by final file name); a file the kill
// itself left torn is not touched (0).
func tearTail(t *testing.T, data string) map[string]int64 {
	t.Helper()
	dir := filepath.Join(data, "warc")
	open, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz.open"))
	if len(open) == 0 {
		return nil
	}
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(data, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	arts, err := st.Since(ctx, 0, 1<<30)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	// A file the kill did tear already is left as it is.
	checks, err := capture.Verify(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	tornByKill := map[string]bool{}
	for _, c := range checks {
		if c.Err != nil {
			t.Logf("%s: torn by the kill itself: %v", c.File, c.Err)
			tornByKill[c.File] = true
		}
	}
	torn := map[string]int64{}
	for _, path := range open {
		name := strings.TrimSuffix(filepath.Base(path), ".open")
		if tornByKill[filepath.Base(path)] {
			torn[name] = 0
			continue
		}
		last := int64(-1)
		for _, a := range arts {
			if a.Capture.File == name {
				last = max(last, a.Capture.Offset)
			}
		}
		if last < 0 {
			continue
		}
		ex, err := capture.ReadExchange(dir, name, last)
		if err != nil {
			t.Fatalf("%s@%d: %v", name, last, err)
		}
		n := ex.Response.Length + ex.Request.Length/2
		f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		half := make([]byte, n)
		if _, err := f.ReadAt(half, last); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write(half); err != nil {
			t.Fatal(err)
		}
		f.Close()
		torn[name] = n
	}
	return torn
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
	// The captures hold what the mirror serves, byte for byte.
	sameAsServed(t, clean, 5)

	data := filepath.Join(dir, "killed")
	committed := map[string]string{}
	var cut int64
	records := 0
	const kills = 10
	for i := range kills {
		// Kill points spread over a crawl: each run resumes where the
		// last one died, so later runs are killed later in the site;
		// the odd ones die early, at start-up or in discovery.
		after := full / (kills + 1)
		if i%2 == 1 {
			after = full / (kills * 4) * time.Duration(i)
		}
		if i == kills-1 {
			// Mid-crawl, so that the final crawler has a file to recover.
			after = full / 8
		}
		cmd := crawl(data)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(after)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		// A kill seldom lands inside the one write(2) of an exchange,
		// so make sure there is a torn tail: half an exchange appended to
		// the dead crawler's open file, as a kill mid-write leaves it.
		torn := tearTail(t, data)
		// The last kill's file is left to the final crawler to recover.
		if i < kills-1 {
			// What the next crawler does first: finish the dead one's file.
			// Then every WARC file reads strictly, record after record.
			rec, err := capture.Recover(filepath.Join(data, "warc"))
			if err != nil {
				t.Fatalf("kill %d: recover: %v", i+1, err)
			}
			for _, r := range rec {
				cut += r.Cut
				if r.Tail != "" {
					t.Errorf("kill %d: %s: damage, not a cut-short write: %s", i+1, r.File, r.Reason)
				}
				if r.Cut < torn[r.File] {
					t.Errorf("kill %d: %s: cut %d bytes, want at least the %d torn ones", i+1, r.File, r.Cut, torn[r.File])
				}
				delete(torn, r.File)
			}
			for f := range torn {
				t.Errorf("kill %d: %s was torn but not recovered", i+1, f)
			}
			if _, err := os.Stat(filepath.Join(data, "warc")); err == nil {
				records += validateWARCs(t, filepath.Join(data, "warc"))
			}
		} else if len(torn) == 0 {
			t.Log("the last kill left no open file for the final crawler to recover")
		}
		committed = keptAfterKill(t, data, i+1, committed)
		t.Logf("kill %d after %v: %d articles committed", i+1, after, len(committed))
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
	t.Logf("after the kills: %d records validated, %d bytes of partial exchanges cut", records, cut)
	if n := validateWARCs(t, filepath.Join(data, "warc")); n == 0 {
		t.Error("no WARC records after the final crawl")
	}
	// And as a user would check it.
	out.Reset()
	verify := exec.Command(filepath.Join(binDir, "crawler"), "verify", "-data", data)
	verify.Stdout, verify.Stderr = &out, &out
	if err := verify.Run(); err != nil || !strings.Contains(out.String(), " 0 with faults") {
		t.Errorf("crawler verify: %v\n%s", err, out.String())
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
