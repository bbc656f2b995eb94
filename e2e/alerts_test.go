package e2e

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

// hookReceiver is a webhook endpoint on loopback. It checks every
// request's Standard Webhooks signature with its own code (not searchd's),
// answers as its mode says, and keeps what it accepted by webhook-id.
type hookReceiver struct {
	t       *testing.T
	url     string
	mu      sync.Mutex
	secrets map[string]string // subscription id → secret
	mode    string            // "ok", "fail" (500) or "hang"
	byID    map[string][]string
	subOf   map[string]string   // webhook-id → subscription
	titles  map[string]string   // article id → title
	snips   map[string][]string // title → snippets received
	calls   int
	bad     []string
}

func newHookReceiver(t *testing.T) *hookReceiver {
	rc := &hookReceiver{t: t, secrets: map[string]string{}, mode: "ok", byID: map[string][]string{},
		subOf: map[string]string{}, titles: map[string]string{}, snips: map[string][]string{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: rc}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	rc.url = "http://" + ln.Addr().String() + "/hook"
	return rc
}

func (rc *hookReceiver) setMode(m string) {
	rc.mu.Lock()
	rc.mode = m
	rc.mu.Unlock()
}

// verify checks a signature as the Standard Webhooks spec says.
func verify(secret, id, ts, sigs string, body []byte) error {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return err
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.Unix(sec, 0)).Abs() > 5*time.Minute {
		return fmt.Errorf("timestamp %q", ts)
	}
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%s.%s.%s", id, ts, body)
	want := "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
	for _, s := range strings.Fields(sigs) {
		if hmac.Equal([]byte(s), []byte(want)) {
			return nil
		}
	}
	return fmt.Errorf("signature %q does not verify", sigs)
}

type hookBody struct {
	Subscription string `json:"subscription"`
	Delivery     string `json:"delivery"`
	Articles     []struct {
		ID, URL, Title, Published, Source, District, Lang, Snippet string
	} `json:"articles"`
}

func (rc *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	id := r.Header.Get("webhook-id")
	var p hookBody
	err := json.Unmarshal(body, &p)
	rc.mu.Lock()
	rc.calls++
	mode := rc.mode
	secret := rc.secrets[p.Subscription]
	if err != nil || p.Delivery != id || id == "" {
		rc.bad = append(rc.bad, fmt.Sprintf("body %s (id %q): %v", body, id, err))
	} else if err := verify(secret, id, r.Header.Get("webhook-timestamp"), r.Header.Get("webhook-signature"), body); err != nil {
		rc.bad = append(rc.bad, fmt.Sprintf("delivery %s: %v", id, err))
	}
	rc.mu.Unlock()
	switch mode {
	case "fail":
		w.WriteHeader(http.StatusInternalServerError)
		return
	case "hang":
		select {
		case <-r.Context().Done():
		case <-time.After(30 * time.Second):
		}
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var ids []string
	for _, a := range p.Articles {
		ids = append(ids, a.ID)
		rc.titles[a.ID] = a.Title
		rc.snips[a.Title] = append(rc.snips[a.Title], a.Snippet)
	}
	slices.Sort(ids)
	if prev, seen := rc.byID[id]; seen && !slices.Equal(prev, ids) {
		rc.bad = append(rc.bad, fmt.Sprintf("delivery %s retried with other articles: %v, then %v", id, prev, ids))
	}
	rc.byID[id] = ids
	rc.subOf[id] = p.Subscription
	w.WriteHeader(http.StatusNoContent)
}

func (rc *hookReceiver) snippetsOf(title string) []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.snips[title])
}

// received returns, per subscription, article id → the webhook-ids that
// carried it.
func (rc *hookReceiver) received() map[string]map[string][]string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := map[string]map[string][]string{}
	for id, arts := range rc.byID {
		sub := rc.subOf[id]
		if out[sub] == nil {
			out[sub] = map[string][]string{}
		}
		for _, a := range arts {
			out[sub][a] = append(out[sub][a], id)
		}
	}
	return out
}

func postJSON(t *testing.T, u, token string, body any, out any) int {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, u, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(rb, out); err != nil {
			t.Fatalf("POST %s: %d %s", u, resp.StatusCode, rb)
		}
	}
	return resp.StatusCode
}

type created struct {
	ID, Feed, Secret, Error string
	Param                   string
}

func subscribeTo(t *testing.T, base string, rc *hookReceiver, req map[string]any) created {
	t.Helper()
	var c created
	if code := postJSON(t, base+"/api/subscriptions", "", req, &c); code != http.StatusCreated {
		t.Fatalf("subscribe %v: %d %+v", req, code, c)
	}
	if req["webhook"] != nil {
		if !strings.HasPrefix(c.Secret, "whsec_") {
			t.Fatalf("no secret: %+v", c)
		}
		rc.mu.Lock()
		rc.secrets[c.ID] = c.Secret
		rc.mu.Unlock()
	} else if c.Secret != "" {
		t.Errorf("a feed-only subscription got a secret")
	}
	return c
}

// publish puts an article on the mirror and returns its URL.
func publish(t *testing.T, mirror, site, title, text string) string {
	t.Helper()
	var out struct{ URL string }
	if code := postJSON(t, mirror+"/_mirror/publish", "", map[string]string{"site": site, "title": title, "text": text}, &out); code != http.StatusCreated {
		t.Fatalf("publish: HTTP %d", code)
	}
	return out.URL
}

// feedEntries reads a feed as feed readers do (gofeed) and checks every
// entry has what readers need.
func feedEntries(t *testing.T, u string) (*gofeed.Feed, map[string]*gofeed.Item) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("GET %s: %d %s", u, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	f, err := gofeed.NewParser().Parse(resp.Body)
	if err != nil {
		t.Fatalf("%s: %v", u, err)
	}
	if f.FeedType != "atom" || f.FeedVersion != "1.0" {
		t.Errorf("%s: feed type %s %s", u, f.FeedType, f.FeedVersion)
	}
	byID := map[string]*gofeed.Item{}
	for _, it := range f.Items {
		if it.GUID == "" || it.Title == "" || it.Link == "" || it.UpdatedParsed == nil {
			t.Errorf("%s: entry lacks id, title, link or date: %+v", u, it)
		}
		if byID[it.GUID] != nil {
			t.Errorf("%s: entry %s twice", u, it.GUID)
		}
		byID[it.GUID] = it
	}
	return f, byID
}

// newEntries are a feed's entries that are not from before the
// subscription.
func newEntries(items map[string]*gofeed.Item) map[string]*gofeed.Item {
	out := map[string]*gofeed.Item{}
	for id, it := range items {
		if !slices.Contains(it.Categories, "before-subscription") {
			out[id] = it
		}
	}
	return out
}

func waitUntil(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestAlerts: subscribers get exactly the matching new articles, once, in
// their feed and at their webhook, signed; what does not match never
// arrives; feeds stay stable across crawl cycles and answer conditional
// requests; markup in a title stays text.
func TestAlerts(t *testing.T) {
	dir := t.TempDir()
	mirror, sources := startMirror(t, dir)
	data := filepath.Join(dir, "data")
	crawlOnce(t, sources, data)
	sd := start(t, "searchd", "-addr", "127.0.0.1:0", "-data", data, "-index", filepath.Join(dir, "index"),
		"-allow-private-webhooks", "-poll", "200ms", "-webhook-backoff", "200ms")
	base := "http://" + sd.listenAddr(t)
	waitIndexed(t, base, 60)
	rc := newHookReceiver(t)

	drill := subscribeTo(t, base, rc, map[string]any{"name": "drills", "query": "应急演练", "webhook": rc.url})
	bridge := subscribeTo(t, base, rc, map[string]any{"name": "bridge", "query": `"钱塘江大桥" OR 彩虹桥`, "webhook": rc.url, "district": "binjiang"})
	feedOnly := subscribeTo(t, base, rc, map[string]any{"name": "feed only", "query": "应急演练 -消防"})

	type pub struct {
		title, text string
		subs        []string
	}
	cycles := [][]pub{{
		{"滨江区举行防汛应急演练", "滨江区今天举行防汛应急演练，各街道参加。", []string{drill.ID, feedOnly.ID}},
		{"消防应急演练走进社区", "消防救援大队在社区开展应急演练。", []string{drill.ID}},
		{"彩虹桥夜景灯光开放", "滨江区彩虹桥夜景灯光今晚开放。", []string{bridge.ID}},
		// The crawl keeps markup in a body as text (titles lose theirs in
		// extraction; the browser test puts one in a title directly).
		{"应急演练结果通报", "通报<script>document.title='pwned'</script>应急演练的结果<img src=x onerror=alert(1)>。", []string{drill.ID, feedOnly.ID}},
		{"区图书馆延长开放时间", "图书馆周末延长开放时间。", nil},
	}, {
		{"萧山应急演练第二轮", "第二轮应急演练在萧山举行。", []string{drill.ID, feedOnly.ID}},
		{"钱塘江大桥检修完成", "钱塘江大桥检修完成，恢复通行。", []string{bridge.ID}},
		{"公园新开一条步道", "公园新开一条步道。", nil},
	}}

	want := map[string]map[string]bool{} // subscription → titles
	for _, s := range []string{drill.ID, bridge.ID, feedOnly.ID} {
		want[s] = map[string]bool{}
	}
	var etag, lastMod string
	for n, cycle := range cycles {
		for _, p := range cycle {
			publish(t, mirror, "hhtz", p.title, p.text)
			for _, s := range p.subs {
				want[s][p.title] = true
			}
		}
		crawlOnce(t, sources, data)
		waitUntil(t, fmt.Sprintf("cycle %d at the receiver", n), 60*time.Second, func() bool {
			got := rc.received()
			return len(got[drill.ID]) == len(want[drill.ID]) && len(got[bridge.ID]) == len(want[bridge.ID])
		})
		waitUntil(t, fmt.Sprintf("cycle %d in the feed", n), 30*time.Second, func() bool {
			_, items := feedEntries(t, drill.Feed)
			return len(newEntries(items)) == len(want[drill.ID])
		})
		// A second crawl of the same articles alerts nobody again.
		crawlOnce(t, sources, data)
		time.Sleep(time.Second)

		for _, sub := range []created{drill, bridge, feedOnly} {
			_, items := feedEntries(t, sub.Feed)
			got := map[string]bool{}
			for _, it := range newEntries(items) {
				got[it.Title] = true
				if it.Link == "" || !strings.HasPrefix(it.Link, mirror) {
					t.Errorf("%s: entry link %q is not the original", sub.ID, it.Link)
				}
				if it.Description == "" {
					t.Errorf("%s: entry %s has no summary", sub.ID, it.GUID)
				}
			}
			if !mapsEqual(got, want[sub.ID]) {
				t.Errorf("cycle %d: feed of %s has %v, want %v", n, sub.ID, keys(got), keys(want[sub.ID]))
			}
		}
		rec := rc.received()
		for _, sub := range []created{drill, bridge} {
			got := map[string]bool{}
			for art, ids := range rec[sub.ID] {
				got[rc.titles[art]] = true
				if len(ids) != 1 {
					t.Errorf("article %s reached %s in %d deliveries %v, want 1", art, sub.ID, len(ids), ids)
				}
			}
			if !mapsEqual(got, want[sub.ID]) {
				t.Errorf("cycle %d: receiver has %v for %s, want %v", n, keys(got), sub.ID, keys(want[sub.ID]))
			}
		}
		if len(rec[feedOnly.ID]) != 0 {
			t.Errorf("the feed-only subscription got webhooks")
		}

		// Conditional GET: the same feed is a 304.
		req, _ := http.NewRequest(http.MethodGet, drill.Feed, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Header.Get("ETag") == etag || resp.Header.Get("Last-Modified") == "" {
			t.Errorf("cycle %d: ETag %q did not change, or no Last-Modified", n, etag)
		}
		etag, lastMod = resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
		for _, h := range [][2]string{{"If-None-Match", etag}, {"If-Modified-Since", lastMod}} {
			req, _ := http.NewRequest(http.MethodGet, drill.Feed, nil)
			req.Header.Set(h[0], h[1])
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotModified {
				t.Errorf("%s: HTTP %d, want 304", h[0], resp.StatusCode)
			}
		}
	}
	rc.mu.Lock()
	for _, b := range rc.bad {
		t.Error(b)
	}
	rc.mu.Unlock()

	t.Run("markup stays text", func(t *testing.T) {
		title := cycles[0][3].title
		snippets := rc.snippetsOf(title)
		if len(snippets) == 0 {
			t.Fatalf("the webhook did not carry %q", title)
		}
		for _, sn := range snippets {
			if strings.Contains(sn, "<script") || strings.Contains(sn, "<img") || !strings.Contains(sn, "&lt;script&gt;") {
				t.Errorf("webhook snippet %q: want the markup as escaped text", sn)
			}
		}
		_, items := feedEntries(t, drill.Feed)
		found := false
		for _, it := range items {
			if it.Title == title {
				found = true
				// The summary is HTML (type="html"): the markup must be
				// escaped in it, to show as text.
				if strings.Contains(it.Description, "<script") || strings.Contains(it.Description, "<img") || !strings.Contains(it.Description, "&lt;script&gt;") {
					t.Errorf("feed summary %q: want the markup as escaped text", it.Description)
				}
			}
		}
		if !found {
			t.Errorf("the feed did not carry %q", title)
		}
	})

	t.Run("search feed", func(t *testing.T) {
		_, items := feedEntries(t, base+"/feeds/search.atom?q="+url.QueryEscape("应急演练"))
		if len(items) < 4 {
			t.Errorf("search feed: %d entries, want at least 4", len(items))
		}
		// The same article has the same id in both feeds.
		_, sub := feedEntries(t, drill.Feed)
		for id := range newEntries(sub) {
			if items[id] == nil {
				t.Errorf("entry %s of the subscription feed is not in the search feed under the same id", id)
			}
		}
	})

	t.Run("API", func(t *testing.T) {
		var list []struct {
			ID, State string
			Secret    string `json:"secret"`
		}
		if code := getJSON(t, base+"/api/subscriptions", &list); code != 200 || len(list) != 3 {
			t.Fatalf("GET /api/subscriptions: %d %+v", code, list)
		}
		for _, s := range list {
			if s.Secret != "" {
				t.Errorf("GET shows a secret")
			}
			if s.ID == drill.ID && s.State != "delivered" {
				t.Errorf("drill state %q, want delivered", s.State)
			}
		}
		var e struct {
			Error string
			Pos   *int
			Param string
		}
		if code := postJSON(t, base+"/api/subscriptions", "", map[string]any{"query": "应急 AND (演练"}, &e); code != 400 || e.Pos == nil || e.Param != "query" {
			t.Errorf("bad query: %d %+v, want 400 with a position", code, e)
		}
		req, _ := http.NewRequest(http.MethodDelete, base+"/api/subscriptions/"+feedOnly.ID, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent || status(t, feedOnly.Feed) != http.StatusNotFound {
			t.Errorf("delete: HTTP %d; the feed is still there", resp.StatusCode)
		}
	})
}

// TestWebhookTargetsRefused: without -allow-private-webhooks, webhooks
// to loopback or the cloud metadata address are a clear 400.
func TestWebhookTargetsRefused(t *testing.T) {
	dir := t.TempDir()
	sd := start(t, "searchd", "-addr", "127.0.0.1:0", "-data", filepath.Join(dir, "data"), "-index", filepath.Join(dir, "index"))
	base := "http://" + sd.listenAddr(t)
	for _, hook := range []string{"http://127.0.0.1:9/hook", "http://169.254.169.254/latest/meta-data/", "http://localhost:8080/", "http://[::1]/"} {
		var e struct{ Error, Param string }
		code := postJSON(t, base+"/api/subscriptions", "", map[string]any{"query": "滨江", "webhook": hook}, &e)
		if code != http.StatusBadRequest || e.Param != "webhook" || !strings.Contains(e.Error, "-allow-private-webhooks") {
			t.Errorf("%s: %d %+v, want 400 naming the webhook and the flag", hook, code, e)
		}
		t.Logf("%s: %s", hook, e.Error)
	}
}

// TestToken: with -token-file, writes and exports need the token; reads
// don't; the token never shows in the logs.
func TestToken(t *testing.T) {
	dir := t.TempDir()
	token := "s3cret-token-" + strconv.Itoa(rand.IntN(1e9))
	tf := filepath.Join(dir, "token")
	if err := os.WriteFile(tf, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sd := start(t, "searchd", "-addr", "127.0.0.1:0", "-data", filepath.Join(dir, "data"), "-index", filepath.Join(dir, "index"), "-token-file", tf)
	base := "http://" + sd.listenAddr(t)
	req := map[string]any{"query": "滨江"}
	var e struct{ Error string }
	if code := postJSON(t, base+"/api/subscriptions", "", req, &e); code != http.StatusUnauthorized || e.Error == "" {
		t.Errorf("no token: %d %+v, want 401 with an error", code, e)
	}
	if code := postJSON(t, base+"/api/subscriptions", "wrong-token-wrong-token", req, &e); code != http.StatusUnauthorized {
		t.Errorf("wrong token: %d, want 401", code)
	}
	var c created
	if code := postJSON(t, base+"/api/subscriptions", token, req, &c); code != http.StatusCreated {
		t.Fatalf("token: %d %+v", code, c)
	}
	for _, u := range []string{base + "/api/search?q=x", c.Feed, base + "/api/subscriptions", base + "/feeds/search.atom?q=x"} {
		if code := status(t, u); code != http.StatusOK {
			t.Errorf("GET %s: %d, want 200 without a token", u, code)
		}
	}
	if code := status(t, base+"/api/export?format=jsonl"); code != http.StatusUnauthorized {
		t.Errorf("export without a token: %d, want 401", code)
	}
	del, _ := http.NewRequest(http.MethodDelete, base+"/api/subscriptions/"+c.ID, nil)
	resp, err := http.DefaultClient.Do(del)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("DELETE without a token: %d, want 401", resp.StatusCode)
	}
	if strings.Contains(sd.tail(), token) {
		t.Error("the token is in the log")
	}
}

func mapsEqual(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
