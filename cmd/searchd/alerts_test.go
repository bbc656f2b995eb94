package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"riverside/internal/store"
	"riverside/internal/web"
)

// startWith runs searchd in-process like start, with more flags.
func startWith(t *testing.T, dir string, extra ...string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	log := &logBuffer{}
	done := make(chan error, 1)
	args := append([]string{"-addr", "127.0.0.1:0", "-index", filepath.Join(dir, "index"),
		"-data", filepath.Join(dir, "data"), "-poll", "20ms"}, extra...)
	go func() { done <- run(ctx, args, io.Discard, log) }()
	var base string
	eventually(t, "listening", func() bool {
		m := listenRE.FindStringSubmatch(log.String())
		if m != nil {
			base = "http://" + m[1]
		}
		return m != nil
	})
	var once sync.Once
	var err error
	stop := func() error {
		once.Do(func() {
			cancel()
			err = <-done
		})
		return err
	}
	t.Cleanup(func() { stop() })
	return base, stop
}

func openStore(t *testing.T, dir string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(dir, "data", store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// request sends method to u with the headers hdr and body, and returns
// the answer's status, headers and body.
func request(t *testing.T, method, u string, hdr http.Header, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

// subscribe makes a subscription through the API and returns its id.
func subscribe(t *testing.T, base string, body map[string]any, header http.Header) string {
	t.Helper()
	code, c := postJSON(t, http.DefaultClient, base+"/api/subscriptions", body, header)
	id, _ := c["id"].(string)
	if code != http.StatusCreated || id == "" {
		t.Fatalf("subscribe: %d %v", code, c)
	}
	return id
}

func postJSON(t *testing.T, client *http.Client, u string, body any, header http.Header) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

type subState struct {
	ID      string `json:"id"`
	State   string `json:"state"`
	Matches []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"matches"`
	Log []struct {
		ID    string `json:"id"`
		State string `json:"state"`
	} `json:"delivery_log"`
}

// TestReindexNeverAlertsAgain: a deleted index is rebuilt from the store,
// and the alerts, with their own checkpoint, send nothing again.
func TestReindexNeverAlertsAgain(t *testing.T) {
	dir := t.TempDir()
	var mu sync.Mutex
	var got []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Get("webhook-id"))
		mu.Unlock()
	}))
	defer hook.Close()
	base, stop := startWith(t, dir, "-allow-private-webhooks")
	st := openStore(t, dir)
	id := subscribe(t, base, map[string]any{"query": "物联网", "webhook": hook.URL}, nil)
	put(t, st, "https://www.hhtz.gov.cn/art/1.html", "物联网小镇迎来新企业", "物联网小镇今年新增企业三十家。")
	put(t, st, "https://www.hhtz.gov.cn/art/2.html", "人工智能", "滨江发布人工智能产业政策。")
	eventually(t, "delivery", func() bool {
		var s subState
		getJSON(t, base+"/api/subscriptions/"+id, &s)
		return s.State == "delivered"
	})
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(dir, "index")); err != nil {
		t.Fatal(err)
	}
	base, _ = startWith(t, dir, "-allow-private-webhooks")
	eventually(t, "reindexing", func() bool {
		var h struct {
			IndexedSeq int64 `json:"indexed_seq"`
		}
		getJSON(t, base+"/healthz", &h)
		return h.IndexedSeq == 2
	})
	// A later article does alert: the follower is alive, and the pair
	// below proves nothing old came with it.
	put(t, st, "https://www.hhtz.gov.cn/art/3.html", "物联网大会", "物联网大会开幕。")
	var s subState
	// The subscription's state is "delivered" from the first delivery on:
	// wait for the second delivery itself to be delivered.
	eventually(t, "the new match", func() bool {
		s = subState{}
		getJSON(t, base+"/api/subscriptions/"+id, &s)
		if len(s.Matches) != 2 || len(s.Log) != 2 {
			return false
		}
		for _, d := range s.Log {
			if d.State != "delivered" {
				return false
			}
		}
		return true
	})
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || len(s.Log) != 2 {
		t.Errorf("receiver got %v, deliveries %+v; want 2 each (one per new article)", got, s.Log)
	}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// TestTokenForms walks the UI with a token: the login form, the cookie,
// forms with and without the CSRF token, a cross-site post.
func TestTokenForms(t *testing.T) {
	dir := t.TempDir()
	token := "0123456789abcdef-token"
	tf := filepath.Join(dir, "token")
	os.WriteFile(tf, []byte(token+"\n"), 0o600)
	base, _ := startWith(t, dir, "-token-file", tf)
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	page := func(u string) string {
		resp, err := browser.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	form := func(path string, v url.Values, header ...string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := browser.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	m := csrfRE.FindStringSubmatch(page(base + "/login"))
	if m == nil {
		t.Fatal("no CSRF token in the login form")
	}
	csrf := m[1]
	sub := url.Values{"csrf": {csrf}, "name": {"iot"}, "query": {"物联网"}}

	if code, _ := form("/subscriptions", sub); code != http.StatusUnauthorized {
		t.Errorf("form without the cookie: %d, want 401", code)
	}
	if code, _ := form("/login", url.Values{"csrf": {csrf}, "token": {"wrong"}}); code != http.StatusUnauthorized {
		t.Errorf("wrong token: %d, want 401", code)
	}
	if code, _ := form("/login", url.Values{"token": {token}}); code != http.StatusForbidden {
		t.Errorf("login without CSRF: %d, want 403", code)
	}
	// The cookie as the browser gets it: HttpOnly, SameSite=Strict.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	lr, err := noFollow.PostForm(base+"/login", url.Values{"csrf": {csrf}, "token": {token}})
	if err != nil {
		t.Fatal(err)
	}
	lr.Body.Close()
	if sc := lr.Header.Get("Set-Cookie"); lr.StatusCode != http.StatusSeeOther || !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Strict") {
		t.Errorf("login: %d, Set-Cookie %q", lr.StatusCode, sc)
	}
	if code, _ := form("/login", url.Values{"csrf": {csrf}, "token": {token}, "next": {"/subscriptions"}}); code != http.StatusOK {
		t.Fatalf("login: %d", code)
	}
	u, _ := url.Parse(base)
	if cs := jar.Cookies(u); len(cs) != 1 || cs[0].Name != "riverside_token" {
		t.Fatalf("cookies after login: %v", cs)
	}
	noCSRF := url.Values{"name": {"iot"}, "query": {"物联网"}}
	if code, _ := form("/subscriptions", noCSRF); code != http.StatusForbidden {
		t.Errorf("form without CSRF: %d, want 403", code)
	}
	if code, _ := form("/subscriptions", sub, "Origin", "http://evil.example"); code != http.StatusForbidden {
		t.Errorf("cross-site form: %d, want 403", code)
	}
	// The cookie alone does not make a JSON write: scripts must send the
	// CSRF header.
	if code, _ := postJSON(t, browser, base+"/api/subscriptions", map[string]any{"query": "x"}, nil); code != http.StatusForbidden {
		t.Errorf("cookie-only JSON write: %d, want 403", code)
	}
	code, body := form("/subscriptions", sub)
	if code != http.StatusOK || !strings.Contains(body, "Subscription made") {
		t.Fatalf("form with cookie and CSRF: %d\n%s", code, body)
	}
	bad := url.Values{"csrf": {csrf}, "query": {"物联网 AND (滨江"}}
	if code, body := form("/subscriptions", bad); code != http.StatusBadRequest || !strings.Contains(body, `<span class="at">`) {
		t.Errorf("bad query in the form: %d, want 400 pointing at the fault", code)
	}
	var list []subState
	getJSON(t, base+"/api/subscriptions", &list)
	if len(list) != 1 {
		t.Fatalf("%d subscriptions, want 1", len(list))
	}
	if code, _ := form("/subscriptions/"+list[0].ID+"/delete", url.Values{"csrf": {csrf}}); code != http.StatusOK {
		t.Errorf("delete form: %d", code)
	}
	getJSON(t, base+"/api/subscriptions", &list)
	if len(list) != 0 {
		t.Errorf("%d subscriptions after delete, want 0", len(list))
	}
}

// TestSourceHealthAlert: a source with no success for longer than the
// subscription allows is alerted once, in the feed and at the webhook.
func TestSourceHealthAlert(t *testing.T) {
	dir := t.TempDir()
	var mu sync.Mutex
	var bodies []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
	}))
	defer hook.Close()
	st := openStore(t, dir)
	ctx := context.Background()
	now := time.Now()
	st.RecordPass(ctx, store.Pass{SourceID: "down", Name: "Down site", Finished: now.Add(-3 * time.Hour), OK: true})
	st.RecordPass(ctx, store.Pass{SourceID: "down", Name: "Down site", Finished: now, OK: false, Error: "timeout"})
	st.RecordPass(ctx, store.Pass{SourceID: "fine", Name: "Fine site", Finished: now, OK: true})
	base, _ := startWith(t, dir, "-allow-private-webhooks", "-health-interval", "50ms")
	code, c := postJSON(t, http.DefaultClient, base+"/api/subscriptions",
		map[string]any{"kind": "source-health", "stale_after": "1h", "webhook": hook.URL}, nil)
	if code != http.StatusCreated {
		t.Fatalf("subscribe: %d %v", code, c)
	}
	id := c["id"].(string)
	var s subState
	eventually(t, "the health alert", func() bool {
		getJSON(t, base+"/api/subscriptions/"+id, &s)
		return len(s.Matches) == 1 && s.State == "delivered"
	})
	// Several more checks run meanwhile (every 50ms); the episode's key
	// keeps them from alerting again (TestHealthCheckerRecordsOnce in
	// internal/alert shows it without waiting).
	time.Sleep(300 * time.Millisecond)
	getJSON(t, base+"/api/subscriptions/"+id, &s)
	mu.Lock()
	defer mu.Unlock()
	if len(s.Matches) != 1 || len(bodies) != 1 || !strings.Contains(s.Matches[0].Title, "Down site") ||
		!strings.Contains(bodies[0], "no successful crawl since") {
		t.Errorf("matches %+v, webhook bodies %q: want one alert about Down site", s.Matches, bodies)
	}
	for _, bad := range []map[string]any{
		{"kind": "source-health"},
		{"kind": "source-health", "stale_after": "soon"},
		{"kind": "source-health", "stale_after": "1h", "query": "x"},
		{"kind": "weather"},
	} {
		if code, _ := postJSON(t, http.DefaultClient, base+"/api/subscriptions", bad, nil); code != http.StatusBadRequest {
			t.Errorf("%v: %d, want 400", bad, code)
		}
	}
}

// TestEventStream reads /api/subscriptions/{id}/events while an article
// arrives: the match comes as an SSE event whose id resumes the stream.
func TestEventStream(t *testing.T) {
	dir := t.TempDir()
	base, stop := startWith(t, dir)
	st := openStore(t, dir)
	code, c := postJSON(t, http.DefaultClient, base+"/api/subscriptions", map[string]any{"query": "物联网"}, nil)
	if code != http.StatusCreated {
		t.Fatalf("subscribe: %d", code)
	}
	id := c["id"].(string)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/subscriptions/"+id+"/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("Content-Type %q", ct)
	}
	// The stream is open (its first comment is in) before the article is.
	buf := make([]byte, 4096)
	if _, err := resp.Body.Read(buf); err != nil {
		t.Fatal(err)
	}
	a := put(t, st, "https://www.hhtz.gov.cn/art/9.html", "物联网<script>x()</script>大会", "物联网大会开幕。")
	var got strings.Builder
	for !strings.Contains(got.String(), "\n\n") || !strings.Contains(got.String(), "event: match") {
		n, err := resp.Body.Read(buf)
		if err != nil {
			t.Fatalf("stream: %v after %q", err, got.String())
		}
		got.Write(buf[:n])
	}
	ev := got.String()
	if !regexp.MustCompile(`(?m)^id: \d+$`).MatchString(ev) || !strings.Contains(ev, `"id":"`+a.ID+`"`) {
		t.Errorf("event %q: want an id line and the article", ev)
	}
	data := regexp.MustCompile(`(?m)^data: (.*)$`).FindStringSubmatch(ev)
	var m struct{ Title string }
	if data == nil || json.Unmarshal([]byte(data[1]), &m) != nil || m.Title != "物联网<script>x()</script>大会" {
		t.Errorf("event data %q: want the title as text", ev)
	}
	// Shutting down with the stream still open ends it, cleanly (the
	// server does not wait out its shutdown timeout for it).
	if err := stop(); err != nil {
		t.Errorf("shutdown with a live stream: %v", err)
	}
}

// TestFeedStartingPage: a new subscription's feed starts with the latest
// older matches, marked as such, and never alerts on them; new matches
// come in unmarked, each article under one id.
func TestFeedStartingPage(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	old := put(t, st, "https://www.hhtz.gov.cn/art/old.html", "物联网小镇去年的新闻", "物联网小镇去年新增企业。")
	base, _ := startWith(t, dir)
	eventually(t, "indexing", func() bool {
		var h struct {
			IndexedSeq int64 `json:"indexed_seq"`
		}
		getJSON(t, base+"/healthz", &h)
		return h.IndexedSeq == old.Seq
	})
	code, c := postJSON(t, http.DefaultClient, base+"/api/subscriptions", map[string]any{"query": "物联网"}, nil)
	if code != http.StatusCreated {
		t.Fatalf("subscribe: %d", code)
	}
	feed := c["feed"].(string)
	type entry struct {
		ID         string `xml:"id"`
		Title      string `xml:"title"`
		Categories []struct {
			Term string `xml:"term,attr"`
		} `xml:"category"`
	}
	read := func() map[string]entry {
		resp, err := http.Get(feed)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var f struct {
			Entries []entry `xml:"entry"`
		}
		if err := xml.NewDecoder(resp.Body).Decode(&f); err != nil {
			t.Fatal(err)
		}
		out := map[string]entry{}
		for _, e := range f.Entries {
			if _, dup := out[e.ID]; dup {
				t.Errorf("entry %s twice", e.ID)
			}
			out[e.ID] = e
		}
		return out
	}
	marked := func(e entry) bool {
		for _, c := range e.Categories {
			if c.Term == "before-subscription" {
				return true
			}
		}
		return false
	}
	got := read()
	if e, ok := got["urn:riverside:article:"+old.ID]; !ok || !marked(e) {
		t.Fatalf("feed %+v: want the older article, marked before-subscription", got)
	}
	fresh := put(t, st, "https://www.hhtz.gov.cn/art/new.html", "物联网小镇今天的新闻", "物联网小镇今天新增企业。")
	eventually(t, "the new match in the feed", func() bool {
		_, ok := read()["urn:riverside:article:"+fresh.ID]
		return ok
	})
	got = read()
	if e := got["urn:riverside:article:"+fresh.ID]; marked(e) {
		t.Errorf("the new match is marked as older")
	}
	var s subState
	getJSON(t, base+"/api/subscriptions/"+c["id"].(string), &s)
	if len(s.Matches) != 1 || s.Matches[0].ID != fresh.ID {
		t.Errorf("outbox %+v: want the new article only", s.Matches)
	}
}

// TestWebhookAttemptsMetric: a receiver that fails once and then takes
// the delivery shows in /metrics as one failed attempt and one ok, which
// the deliveries' states (all delivered in the end) do not tell.
func TestWebhookAttemptsMetric(t *testing.T) {
	dir := t.TempDir()
	var mu sync.Mutex
	calls := 0
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if calls++; calls == 1 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
		}
	}))
	defer hook.Close()
	base, _ := startWith(t, dir, "-allow-private-webhooks", "-webhook-backoff", "20ms")
	st := openStore(t, dir)
	id := subscribe(t, base, map[string]any{"query": "物联网", "webhook": hook.URL}, nil)
	put(t, st, "https://www.hhtz.gov.cn/art/1.html", "物联网小镇迎来新企业", "物联网小镇今年新增企业三十家。")
	eventually(t, "delivery after a retry", func() bool {
		var s subState
		getJSON(t, base+"/api/subscriptions/"+id, &s)
		return s.State == "delivered"
	})
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{
		`riverside_webhook_attempts_total{outcome="failed"} 1`,
		`riverside_webhook_attempts_total{outcome="ok"} 1`,
		`riverside_webhook_attempts_total{outcome="dead"} 0`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// TestWebhookURLRedacted: a webhook URL carries the receiver's own secret
// (in its path or query), and reads of the API need no token: a reader
// without the token sees only its scheme and host, the token holder the
// whole URL.
func TestWebhookURLRedacted(t *testing.T) {
	dir := t.TempDir()
	token := "0123456789abcdef-token"
	tf := filepath.Join(dir, "token")
	if err := os.WriteFile(tf, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base, _ := startWith(t, dir, "-token-file", tf, "-allow-private-webhooks")
	const hook = "http://127.0.0.1:9/services/T01/B02/secretpart?sig=abc"
	bearer := http.Header{"Authorization": {"Bearer " + token}}
	id := subscribe(t, base, map[string]any{"query": "物联网", "webhook": hook}, bearer)
	read := func(u string, h http.Header) string {
		code, _, body := request(t, http.MethodGet, u, h, "")
		if code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", u, code, body)
		}
		return body
	}
	for _, u := range []string{base + "/api/subscriptions/" + id, base + "/api/subscriptions"} {
		if body := read(u, nil); strings.Contains(body, "secretpart") || !strings.Contains(body, `"webhook":"http://127.0.0.1:9/…"`) {
			t.Errorf("GET %s without the token: %s; want the webhook as http://127.0.0.1:9/…", u, body)
		}
		if body := read(u, bearer); !strings.Contains(body, `"webhook":"`+hook+`"`) {
			t.Errorf("GET %s with the token: %s; want the whole webhook URL", u, body)
		}
	}
}

// TestStoreErrDiskFull: the store's disk-full error reaches the web
// package as ErrStorageFull (its 503).
func TestStoreErrDiskFull(t *testing.T) {
	err := storeErr(fmt.Errorf("store: create subscription: %w", fmt.Errorf("%w (/data): x", store.ErrDiskFull)))
	if !errors.Is(err, web.ErrStorageFull) {
		t.Errorf("storeErr(disk full) = %v, want web.ErrStorageFull", err)
	}
	if err := storeErr(errors.New("store: something else")); errors.Is(err, web.ErrStorageFull) {
		t.Errorf("storeErr(other) = %v, marked as storage full", err)
	}
}
