package e2e

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"riverside/internal/capture"
)

// TestCaptureInBrowser crawls a site whose article page carries a script
// and is sent gzip-coded and chunked, then opens the article's archived
// capture through searchd in Chromium: the page shows as captured, and
// its script does not run. The same page straight from the site shows the
// script running, so the check can fail.
func TestCaptureInBrowser(t *testing.T) {
	b := newBrowser(t)
	const article = `<html><head><title>Binjiang capture story - Example News</title>
<meta name="PubDate" content="2025-06-01 10:00"></head><body>
<article><h1>Binjiang capture story</h1>
<p id="marker">STATIC TEXT</p>
<p>Hangzhou's Binjiang district opened a new public library branch on Saturday, with thirty thousand books on its shelves.</p>
<p>Residents queued before the doors opened, and the district said more branches would follow in the coming years.</p>
</article>
<script>document.getElementById("marker").textContent = "SCRIPT RAN"; document.title = "SCRIPT RAN";</script>
</body></html>`
	mux := http.NewServeMux()
	mux.HandleFunc("GET /list.html", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><a href="/a/1.html">one</a></body></html>`)
	})
	mux.HandleFunc("GET /a/1.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			fmt.Fprint(w, article)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		half := len(article) / 2
		zw.Write([]byte(article[:half]))
		zw.Flush()
		w.(http.Flusher).Flush() // a first chunk before the rest
		zw.Write([]byte(article[half:]))
		zw.Close()
	})
	site := httptest.NewServer(mux)
	defer site.Close()

	dir := t.TempDir()
	sources := filepath.Join(dir, "sources.yaml")
	os.WriteFile(sources, []byte(fmt.Sprintf("sources:\n  - id: ex\n    delay: 1ms\n    discovery:\n      - kind: html-list\n        url: %s/list.html\n    article_url: '^%s/a/\\d+\\.html$'\n",
		site.URL, regexp.QuoteMeta(site.URL))), 0o644)
	data := filepath.Join(dir, "data")
	crawlOnce(t, sources, data)
	if n := validateWARCs(t, filepath.Join(data, "warc")); n < 7 {
		t.Errorf("%d WARC records, want a warcinfo and two exchanges at least", n)
	}
	sd := start(t, "searchd", "-addr", "127.0.0.1:0", "-data", data, "-index", filepath.Join(dir, "index"))
	base := "http://" + sd.listenAddr(t)
	waitIndexed(t, base, 1)
	res := search(t, base, url.Values{"q": {"library"}})
	if len(res.Hits) != 1 {
		t.Fatalf("got %d hits, want the one article", len(res.Hits))
	}
	id := res.Hits[0].ID

	page := b.dom(t, base+"/articles/"+url.PathEscape(id))
	link := regexp.MustCompile(`<a href="(/articles/[^"]+/capture)"`).FindStringSubmatch(page)
	if link == nil {
		t.Fatalf("the article page has no link to its capture:\n%s", tail(page, 3000))
	}
	captured := b.dom(t, base+link[1])
	if !strings.Contains(captured, "Binjiang district opened a new public library") {
		t.Errorf("the capture does not show the page:\n%s", tail(captured, 2000))
	}
	const ran, static = `<p id="marker">SCRIPT RAN</p>`, `<p id="marker">STATIC TEXT</p>`
	if strings.Contains(captured, ran) || !strings.Contains(captured, static) {
		t.Errorf("the captured page's script ran under searchd:\n%s", tail(captured, 2000))
	}
	if live := b.dom(t, site.URL+"/a/1.html"); !strings.Contains(live, ran) {
		t.Errorf("control: the page's script did not run even on its own site, so the check above proves nothing:\n%s", tail(live, 2000))
	}
	if code := status(t, base+link[1]+".warc.gz"); code != http.StatusOK {
		t.Errorf("WARC download: HTTP %d", code)
	}

	// The ecosystem's reader takes the files as they are.
	t.Run("warcio", func(t *testing.T) {
		warcio := captureWarcio(t)
		files, _ := filepath.Glob(filepath.Join(data, "warc", "*.warc.gz"))
		var types []string
		var cdx []map[string]string
		for _, f := range files {
			for _, line := range strings.Split(strings.TrimSpace(runTool(t, warcio, "index", f)), "\n") {
				var rec map[string]any
				if err := json.Unmarshal([]byte(line), &rec); err != nil {
					t.Fatalf("warcio index %s: %q: %v", f, line, err)
				}
				types = append(types, fmt.Sprint(rec["warc-type"]))
			}
			for _, line := range strings.Split(strings.TrimSpace(runTool(t, warcio, "cdx-index", f)), "\n") {
				_, j, ok := strings.Cut(line, " {")
				var rec map[string]string
				if !ok || json.Unmarshal([]byte("{"+j), &rec) != nil {
					t.Fatalf("warcio cdx-index %s: %q", f, line)
				}
				cdx = append(cdx, rec)
			}
		}
		if want := 1 + 3*3; len(types) != want || types[0] != "warcinfo" || types[1] != "response" || types[2] != "request" || types[3] != "metadata" {
			t.Errorf("warcio index: %v, want warcinfo then response, request, metadata for robots.txt, the list and the article", types)
		}
		found := false
		for _, rec := range cdx {
			if rec["url"] != site.URL+"/a/1.html" {
				continue
			}
			found = true
			ex, err := capture.ReadExchange(filepath.Join(data, "warc"), rec["filename"], atoi64(rec["offset"]))
			if err != nil {
				t.Fatalf("cdx line %v: %v", rec, err)
			}
			if rec["status"] != "200" || rec["mime"] != "text/html" || "sha1:"+rec["digest"] != ex.Response.PayloadDigest {
				t.Errorf("warcio cdx-index: %v; the record says payload digest %s", rec, ex.Response.PayloadDigest)
			}
		}
		if !found {
			t.Errorf("warcio cdx-index has no line for the article: %v", cdx)
		}
	})
}

// captureWarcio finds the warcio CLI where .ci/run installs the npm
// tools (.tools/npm, or RIVERSIDE_NPM_TOOLS); without it the check is
// skipped.
func captureWarcio(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("RIVERSIDE_NPM_TOOLS")
	if dir == "" {
		dir, _ = filepath.Abs(filepath.Join("..", ".tools", "npm"))
	}
	p := filepath.Join(dir, "node_modules", ".bin", "warcio")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("warcio is not installed (bash .ci/run installs it): %v", err)
	}
	return p
}

// runTool runs a command line tool and returns its standard output.
func runTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s", filepath.Base(name), args, err, errb.String())
	}
	return out.String()
}

func atoi64(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}
