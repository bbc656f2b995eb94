package e2e

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestReplayWACZ opens a WACZ export of the crawled mirror in
// ReplayWeb.page — its ui.js and sw.js served from loopback beside the
// WACZ, in headless Chromium driven through the DevTools protocol — and
// finds an article's title in the replayed page: the archive replays
// without the mirror.
func TestReplayWACZ(t *testing.T) {
	rwp := filepath.Dir(npmTool(t, "replaywebpage/sw.js"))
	c := startCDP(t)

	dir := t.TempDir()
	mirror, mirrorURL, sources := startMirrorProc(t, dir)
	data := filepath.Join(dir, "data")
	crawlOnce(t, sources, data)
	wacz := filepath.Join(dir, "export.wacz")
	if msg, err := runSearchd(t, "export", "-data", data, "-format", "wacz", "-o", wacz); err != nil {
		t.Fatalf("export: %v: %s", err, msg)
	}

	// A page that shows its extracted title verbatim in UTF-8 (the
	// mirror's GBK pages would not match byte for byte).
	ex := readExport(t, "wacz", mustRead(t, wacz))
	var target struct{ URL, Title string }
	for _, l := range strings.Split(strings.TrimSpace(string(ex.wacz["pages/pages.jsonl"])), "\n")[1:] {
		var p struct{ URL, Title string }
		json.Unmarshal([]byte(l), &p)
		if p.Title == "" || !strings.Contains(p.URL, "/hhtz/") && !strings.Contains(p.URL, "/ehangzhou/") {
			continue
		}
		resp, err := http.Get(p.URL)
		if err != nil {
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(body), html.EscapeString(p.Title)) || strings.Contains(string(body), p.Title) {
			target = p
			break
		}
	}
	if target.URL == "" {
		t.Fatalf("no page of the WACZ shows its title (mirror %s)", mirrorURL)
	}
	t.Logf("replaying %s (%q)", target.URL, target.Title)

	var mu sync.Mutex
	var requests []string
	mux := http.NewServeMux()
	page := `<!doctype html><html><head><meta charset="utf-8"><script src="/ui.js"></script></head><body>
<replay-web-page style="display:block;width:1200px;height:900px" source="/export.wacz" url="` + html.EscapeString(target.URL) + `" replaybase="/replay/" embed="replayonly"></replay-web-page>
</body></html>`
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	})
	serve := func(file string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, file) }
	}
	// What sw.js serves at its scope (serveIndex=1), for a first load
	// that reaches the network before the service worker controls it.
	mux.HandleFunc("GET /replay/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!doctype html><html><head><script src="./ui.js"></script></head><body><replay-app-main></replay-app-main></body></html>`)
	})
	mux.HandleFunc("GET /ui.js", serve(filepath.Join(rwp, "ui.js")))
	mux.HandleFunc("GET /replay/ui.js", serve(filepath.Join(rwp, "ui.js")))
	mux.HandleFunc("GET /replay/sw.js", serve(filepath.Join(rwp, "sw.js")))
	// The WACZ is read with range requests (ServeFile answers them).
	mux.HandleFunc("GET /export.wacz", serve(wacz))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests = append(requests, r.Method+" "+r.URL.String()+" "+r.Header.Get("Range"))
		mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	defer srv.Close()
	// The mirror stops here: what replays comes from the archive alone.
	mirror.cmd.Process.Signal(syscall.SIGTERM)
	mirror.cmd.Wait()
	if _, err := http.Get(target.URL); err == nil {
		t.Fatal("the mirror still answers")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	session, err := c.open(ctx, srv.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	var found, lastText string
	err = poll(ctx, 500*time.Millisecond, func() (bool, error) {
		if n, err := c.serviceWorkers(ctx); err != nil || n == 0 {
			return false, err
		}
		frames, err := c.frames(ctx, session)
		if err != nil {
			return false, err
		}
		for _, f := range frames {
			// The replayed page: /replay/w/<collection>/<timestamp>mp_/<url>.
			if !strings.Contains(f.Frame.URL, "/replay/w/") || !strings.HasSuffix(f.Frame.URL, target.URL) {
				continue
			}
			text, err := c.eval(ctx, session, f.Frame.ID, "document.body ? document.body.innerText : ''")
			if err != nil {
				return false, err
			}
			lastText = text
			if strings.Contains(text, target.Title) {
				found = f.Frame.URL
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		mu.Lock()
		t.Logf("requests:\n%s", strings.Join(requests, "\n"))
		mu.Unlock()
		frames, _ := c.frames(context.Background(), session)
		for _, f := range frames {
			t.Logf("frame %s", f.Frame.URL)
		}
		t.Fatalf("the title %q did not appear in a replayed frame: %v; last text: %.500q", target.Title, err, lastText)
	}
	t.Logf("replayed in frame %s", found)
	mu.Lock()
	defer mu.Unlock()
	fetched := false
	for _, r := range requests {
		if strings.HasPrefix(r, "GET /export.wacz") {
			fetched = true
		}
	}
	if !fetched {
		t.Error("the WACZ was never fetched")
	}
}

func mustRead(t *testing.T, f string) []byte {
	t.Helper()
	b, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// startMirrorProc is startMirror that also returns the process, for a
// test that stops the mirror early.
func startMirrorProc(t *testing.T, dir string) (*proc, string, string) {
	t.Helper()
	sources := filepath.Join(dir, "mirror-sources.yaml")
	m := start(t, "mirror", "-addr", "127.0.0.1:0", "-sources", sources)
	for range 600 {
		if fi, err := os.Stat(sources); err == nil && fi.Size() > 0 {
			b, _ := os.ReadFile(sources)
			u := regexp.MustCompile(`url: (http://127\.0\.0\.1:\d+)/`).FindSubmatch(b)
			if u == nil {
				t.Fatalf("no URL in the mirror's sources:\n%s", b)
			}
			return m, string(u[1]), sources
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the mirror wrote no sources file:\n%s", m.tail())
	return nil, "", ""
}
