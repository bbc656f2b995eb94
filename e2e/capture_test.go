package e2e

import (
	"compress/gzip"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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
}
