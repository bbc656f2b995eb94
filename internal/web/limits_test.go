package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"riverside/internal/index"
	"riverside/internal/news"
)

// realIndex is a Bleve index on disk holding a few articles, some of
// whose text looks like markup.
func realIndex(t *testing.T) *index.Index {
	t.Helper()
	idx, err := index.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	arts := []news.Article{
		{ID: "a1", Seq: 1, Version: 1, URL: "https://www.hhtz.gov.cn/art/1.html", SourceID: "binjiang-news", Districts: []string{"binjiang"},
			Lang: "zh", Title: "物联网小镇<script>alert(1)</script>", Published: published,
			Text: "杭州高新区（滨江）物联网小镇 <img src=x onerror=alert(1)> 新增企业。"},
		{ID: "a2", Seq: 2, Version: 1, URL: "https://en.hhtz.gov.cn/2.html", SourceID: "binjiang-en", Districts: []string{"binjiang"},
			Lang: "en", Title: "Binjiang innovation", Published: published.AddDate(0, -1, 0),
			Text: `Binjiang <a href="javascript:alert(1)">innovation</a> <svg onload=alert(1)>.`},
	}
	if err := idx.Apply(context.Background(), arts); err != nil {
		t.Fatal(err)
	}
	return idx
}

func limitedServer(t *testing.T, s Searcher, l Limits) http.Handler {
	t.Helper()
	idx := realIndex(t)
	if s == nil {
		s = idx
	}
	return New(Deps{Searcher: s, Indexed: idx, Articles: fakeStore{}, Limits: l})
}

// do sends a request from addr (ip:port) and returns the response and
// its body.
func do(t *testing.T, h http.Handler, method, target, addr string, body io.Reader) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	if addr != "" {
		req.RemoteAddr = addr
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// jsonError reads the error message of a JSON problem.
func jsonError(t *testing.T, body string) string {
	t.Helper()
	var p struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatalf("not a JSON problem: %v: %s", err, body)
	}
	return p.Error
}

func TestSecurityHeaders(t *testing.T) {
	h := limitedServer(t, nil, Limits{})
	for _, tt := range []struct{ method, target string }{
		{"GET", "/"}, {"GET", "/?q=%22"}, {"GET", "/api/search?q=滨江"}, {"GET", "/api/articles/none"},
		{"GET", "/articles/none"}, {"GET", "/static/style.css"}, {"POST", "/api/search"}, {"GET", "/nowhere"},
	} {
		res, _ := do(t, h, tt.method, tt.target, "", nil)
		want := map[string]string{
			"Content-Security-Policy": securityPolicy,
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "no-referrer",
			"X-Frame-Options":         "DENY",
		}
		for k, v := range want {
			if got := res.Header.Get(k); got != v {
				t.Errorf("%s %s: %s %q, want %q", tt.method, tt.target, k, got, v)
			}
		}
	}
	if !strings.Contains(securityPolicy, "frame-ancestors 'none'") || strings.Contains(securityPolicy, "unsafe-inline") {
		t.Errorf("policy %q", securityPolicy)
	}
}

// The policy allows no inline script or style: the pages must not carry
// any, or they would break; and crawled text that looks like markup must
// stay text. Attributes are looked for inside tags only, where escaped
// text (&lt;…) cannot be.
var inlineRE = regexp.MustCompile(`(?i)<script|<style|<svg[^>]*\son|<[^>]*\sstyle=|<[^>]*\son[a-z]+=|(?:href|src|action)="\s*javascript:`)

func TestPagesHaveNothingInline(t *testing.T) {
	idx := realIndex(t)
	h := New(Deps{Searcher: idx, Indexed: idx, Articles: fakeStore{"a1": {ID: "a1", URL: "https://www.hhtz.gov.cn/art/1.html",
		Title: "<script>alert(1)</script>", Text: "<img src=x onerror=alert(1)>\n\n<a href=\"javascript:alert(1)\">x</a>"}}})
	for _, target := range []string{"/", "/?q=滨江", "/?q=Binjiang+innovation", "/?q=%22unclosed", "/articles/a1", "/articles/none", "/nowhere"} {
		res, body := do(t, h, "GET", target, "", nil)
		if res.StatusCode >= 500 {
			t.Errorf("%s: status %d", target, res.StatusCode)
		}
		if m := inlineRE.FindString(body); m != "" {
			t.Errorf("%s: the page carries %q, which the policy blocks or which would run:\n%s", target, m, body)
		}
		if !strings.Contains(body, `<link rel="stylesheet" href="/static/style.css">`) {
			t.Errorf("%s: no style sheet link", target)
		}
	}
	res, css := do(t, h, "GET", "/static/style.css", "", nil)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") || !strings.Contains(css, ".hit {") {
		t.Errorf("style sheet: %d %q %d bytes", res.StatusCode, res.Header.Get("Content-Type"), len(css))
	}
}

func TestReadOnly(t *testing.T) {
	h := limitedServer(t, nil, Limits{ReadOnly: true})
	for _, tt := range []struct {
		method, target string
		status         int
	}{
		{"GET", "/api/search?q=滨江", 200},
		{"HEAD", "/api/search?q=滨江", 200},
		{"GET", "/?q=滨江", 200},
		{"GET", "/healthz", 200},
		{"GET", "/api/sources", 200},
		{"GET", "/feeds/search.atom?q=x", 0}, // feeds stay open (0: anything but 403)
		{"POST", "/api/subscriptions", 403},
		{"GET", "/api/subscriptions", 403},
		{"DELETE", "/api/subscriptions/s1", 403},
		{"GET", "/api/export?format=jsonl", 403},
		{"GET", "/API/Export", 403},
		{"PUT", "/api/search", 403},
		{"PATCH", "/", 403},
		{"POST", "/api/import", 403},
		{"GET", "/subscriptions", 403},
		{"GET", "/subscriptions/s1", 403},
		{"GET", "/subscriptionsfoo", 404}, // a prefix of a path segment is not the path
	} {
		res, body := do(t, h, tt.method, tt.target, "", nil)
		if tt.status == 0 && res.StatusCode != http.StatusForbidden {
			continue
		}
		if res.StatusCode != tt.status {
			t.Errorf("%s %s: got %d, want %d: %s", tt.method, tt.target, res.StatusCode, tt.status, body)
			continue
		}
		if tt.status == 403 && !strings.Contains(body, "read-only") {
			t.Errorf("%s %s: the 403 does not say why: %s", tt.method, tt.target, body)
		}
	}
	// Without the flag, writes reach routing (405 here: no write routes
	// in this package).
	res, _ := do(t, limitedServer(t, nil, Limits{}), "POST", "/api/subscriptions", "", strings.NewReader("{}"))
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("writable instance: POST got %d, want 405", res.StatusCode)
	}
}

func TestRateLimit(t *testing.T) {
	h := limitedServer(t, nil, Limits{Rate: 0.5, Burst: 3})
	const a, b = "192.0.2.1:1234", "192.0.2.2:1234"
	for i := range 3 {
		if res, body := do(t, h, "GET", "/api/search?q=滨江", a, nil); res.StatusCode != 200 {
			t.Fatalf("request %d within the burst: %d %s", i, res.StatusCode, body)
		}
	}
	res, body := do(t, h, "GET", "/api/search?q=滨江", a, nil)
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("past the burst: got %d, want 429", res.StatusCode)
	}
	ra, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if err != nil || ra < 1 || ra > 2 {
		t.Errorf("Retry-After %q, want 1 or 2 seconds at 0.5 request/s", res.Header.Get("Retry-After"))
	}
	if msg := jsonError(t, body); !strings.Contains(msg, "too many requests") {
		t.Errorf("message %q", msg)
	}
	// Another client has its own bucket; pages are not limited.
	if res, _ := do(t, h, "GET", "/api/search?q=滨江", b, nil); res.StatusCode != 200 {
		t.Errorf("other client: %d, want 200", res.StatusCode)
	}
	if res, _ := do(t, h, "GET", "/?q=滨江", a, nil); res.StatusCode != 200 {
		t.Errorf("page: %d, want 200", res.StatusCode)
	}
	// A refused request takes no token: the client is not starved.
	for range 5 {
		do(t, h, "GET", "/api/search", a, nil)
	}
	c := newClients(0.5, 3)
	now := time.Now()
	for range 3 {
		c.wait("x", now)
	}
	for range 5 {
		c.wait("x", now)
	}
	if d := c.wait("x", now.Add(2*time.Second)); d != 0 {
		t.Errorf("after 2 s at 0.5/s a token is back; got a wait of %v", d)
	}
}

func TestClientsBounded(t *testing.T) {
	c := newClients(1, 1)
	now := time.Now()
	for i := range maxClients + 10 {
		c.wait("10.0.0."+strconv.Itoa(i), now)
	}
	if n := len(c.seen); n > maxClients {
		t.Errorf("%d buckets kept, want at most %d", n, maxClients)
	}
}

func TestBodyLimit(t *testing.T) {
	s := &server{Deps: Deps{Logger: slog.New(slog.DiscardHandler), Limits: Limits{MaxBody: 64}.withDefaults()}}
	read := s.limit(s.handle(func(w http.ResponseWriter, r *http.Request) error {
		if _, err := io.ReadAll(r.Body); err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, map[string]string{"status": "read"})
	}))
	small := strings.Repeat("x", 64)
	big := strings.Repeat("x", 65)
	if res, body := do(t, read, "POST", "/api/things", "", strings.NewReader(small)); res.StatusCode != 200 {
		t.Errorf("64 bytes: %d %s", res.StatusCode, body)
	}
	// Announced by Content-Length: refused before the handler runs.
	res, body := do(t, read, "POST", "/api/things", "", strings.NewReader(big))
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(jsonError(t, body), "64 bytes") {
		t.Errorf("65 bytes: %d %s", res.StatusCode, body)
	}
	// Chunked (no length): cut off while reading.
	req := httptest.NewRequest("POST", "/api/things", io.MultiReader(strings.NewReader(big)))
	req.ContentLength = -1
	rec := httptest.NewRecorder()
	read.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked 65 bytes: %d %s", rec.Code, rec.Body.String())
	}
}

// gate is a Searcher that holds every search until released, so that a
// test can fill the server's search slots.
type gate struct {
	next    Searcher
	entered chan struct{}
	release chan struct{}
}

func (g *gate) Search(ctx context.Context, q news.Query) (*news.Result, error) {
	g.entered <- struct{}{}
	<-g.release
	return g.next.Search(ctx, q)
}

// searchLog records the outcomes of searches.
type searchLog struct {
	mu       sync.Mutex
	outcomes map[string]int
}

func (l *searchLog) ObserveRequest(string, int, time.Duration) {}

func (l *searchLog) ObserveSearch(outcome string, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.outcomes[outcome]++
}

func TestSearchSlots(t *testing.T) {
	idx := realIndex(t)
	g := &gate{next: idx, entered: make(chan struct{}, 4), release: make(chan struct{})}
	obs := &searchLog{outcomes: map[string]int{}}
	h := New(Deps{Searcher: g, Indexed: idx, Articles: fakeStore{}, Observer: obs, Limits: Limits{MaxSearches: 2, SearchWait: 50 * time.Millisecond}})
	var wg sync.WaitGroup
	codes := make(chan int, 2)
	for range 2 {
		wg.Go(func() {
			res, _ := do(t, h, "GET", "/api/search?q=滨江", "", nil)
			codes <- res.StatusCode
		})
	}
	<-g.entered
	<-g.entered
	// Both slots are taken: a third search, on the API or the page, is shed.
	for _, target := range []string{"/api/search?q=Binjiang", "/?q=Binjiang"} {
		res, body := do(t, h, "GET", target, "", nil)
		if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") != "1" {
			t.Errorf("%s with the slots full: %d, Retry-After %q: %s", target, res.StatusCode, res.Header.Get("Retry-After"), body)
		}
		if !strings.Contains(body, "busy") {
			t.Errorf("%s: the answer does not say the server is busy: %s", target, body)
		}
	}
	close(g.release)
	wg.Wait()
	close(codes)
	for c := range codes {
		if c != 200 {
			t.Errorf("a search holding a slot ended %d, want 200", c)
		}
	}
	if res, _ := do(t, h, "GET", "/api/search?q=Binjiang", "", nil); res.StatusCode != 200 {
		t.Errorf("after release: %d, want 200", res.StatusCode)
	}
	// The index says what is wrong with a query; the observer hears it.
	g.entered = make(chan struct{}, 1)
	do(t, h, "GET", "/api/search?q=%22open", "", nil)
	want := map[string]int{"ok": 3, "busy": 2, "bad_query": 1}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	if !reflect.DeepEqual(obs.outcomes, want) {
		t.Errorf("search outcomes %v, want %v", obs.outcomes, want)
	}
}

func TestDatesAtTheEdges(t *testing.T) {
	h := limitedServer(t, nil, Limits{})
	for _, tt := range []struct {
		query, param string
		status       int
	}{
		// Real dates, however far, are bounds the index clamps.
		{"to=9999-12-31", "", 200},
		{"from=9999-12-31", "", 200},
		{"from=0001-01-01", "", 200},
		{"from=2262-04-12T00:00:00Z", "", 200},
		{"to=1677-01-01T00:00:00Z", "", 200},
		{"from=2025-01-01T00:00:00%2B14:00", "", 200},
		// Dates that are no dates are refused by name.
		{"from=2025-02-30", "from", 400},
		{"to=99999-01-01", "to", 400},
		{"to=2025-13-01", "to", 400},
		{"from=today", "from", 400},
	} {
		for _, path := range []string{"/api/search?", "/?"} {
			res, body := do(t, h, "GET", path+tt.query, "", nil)
			if res.StatusCode != tt.status {
				t.Errorf("%s%s: got %d, want %d: %s", path, tt.query, res.StatusCode, tt.status, body)
				continue
			}
			if tt.status == 400 && path == "/api/search?" {
				var p problem
				json.Unmarshal([]byte(body), &p)
				if p.Param != tt.param || !strings.Contains(p.Error, "is not a date") {
					t.Errorf("%s: got %+v, want param %s named", tt.query, p, tt.param)
				}
			}
		}
	}
}
