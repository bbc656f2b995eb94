package e2e

import (
	"context"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"riverside/internal/news"
	"riverside/internal/store"
)

var liveRE = regexp.MustCompile(`(?s)<article class="hit live" data-id="([^"]+)">(.*?)</article>`)

// TestLiveViewInBrowser opens a subscription's page in Chromium: matches
// reach it over the event stream and are added by /static/live.js, and a
// title and body full of markup are shown as text, never run.
func TestLiveViewInBrowser(t *testing.T) {
	b := newBrowser(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	sd := start(t, "searchd", "-addr", "127.0.0.1:0", "-data", data, "-index", filepath.Join(dir, "index"), "-poll", "100ms")
	base := "http://" + sd.listenAddr(t)
	var c created
	if code := postJSON(t, base+"/api/subscriptions", "", map[string]any{"name": "live", "query": "直播测试"}, &c); code != http.StatusCreated {
		t.Fatalf("subscribe: %d", code)
	}

	// An article straight into the store, as the crawler would put it,
	// with markup in its title (the extractor strips tags from real
	// titles; a title can still carry them from a feed or an API).
	st, err := store.Open(context.Background(), filepath.Join(data, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	title := `<script>document.title='pwned'</script><img src=x onerror="document.body.dataset.pwned=1">直播测试标题`
	text := `直播测试正文<script>document.body.dataset.pwned='2'</script><b onclick="x()">结束</b>。`
	a := &news.Article{ID: news.ArticleID("https://example.gov.cn/live/1"), URL: "https://example.gov.cn/live/1", SourceID: "test",
		Title: title, Text: text, Hash: news.TextHash(text), Lang: "zh", Districts: []string{news.Binjiang}, Fetched: time.Now()}
	if _, err := st.Put(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	st.Close()
	waitUntil(t, "the match", 30*time.Second, func() bool {
		var sub struct {
			Matches []struct{ ID string } `json:"matches"`
		}
		getJSON(t, base+"/api/subscriptions/"+c.ID, &sub)
		return len(sub.Matches) == 1
	})

	// after=0: the page itself lists nothing after row 0, so whatever is
	// in the live list came through the stream and the script.
	u := base + "/subscriptions/" + c.ID + "?after=0"
	// The stream stays open, so the page is driven through the DevTools
	// protocol rather than dumped once.
	first := b.openPage(t, u)
	first.waitFor("the streamed match", `document.querySelectorAll("#live .hit.live").length === 1`)
	var dom string
	first.eval(`document.documentElement.outerHTML`, &dom)
	live := liveRE.FindAllStringSubmatch(dom, -1)
	if len(live) != 1 || live[0][1] != a.ID {
		t.Fatalf("live list: %d entries, want the article %s:\n%s", len(live), a.ID, tail(dom, 3000))
	}
	entry := live[0][2]
	for _, want := range []string{
		`&lt;script&gt;document.title='pwned'&lt;/script&gt;&lt;img src=x onerror="document.body.dataset.pwned=1"&gt;直播测试标题`,
		`<mark>直播测试</mark>正文&lt;script&gt;`,
		`href="https://example.gov.cn/live/1"`,
	} {
		if !strings.Contains(entry, want) {
			t.Errorf("live entry lacks %s:\n%s", want, entry)
		}
	}
	for _, bad := range []string{"<script", "<img", "<b "} {
		if strings.Contains(entry, bad) {
			t.Errorf("live entry has markup %q:\n%s", bad, entry)
		}
	}
	var pwned bool
	first.eval(`"pwned" in document.body.dataset || document.title === "pwned"`, &pwned)
	if pwned || strings.Contains(dom, "data-pwned") {
		t.Error("a script from the article ran")
	}
	if !strings.Contains(dom, "<title>live · Riverside</title>") {
		t.Errorf("the page title changed")
	}
	b.screenshot(t, u, "live-view.png", "1280,900")

	// Truly live: the page is open, then a match arrives and is added to
	// it without a reload; its markup is text and never runs.
	t.Run("live", func(t *testing.T) {
		var c2 created
		if code := postJSON(t, base+"/api/subscriptions", "", map[string]any{"name": "live 2", "query": "现场直播"}, &c2); code != http.StatusCreated {
			t.Fatalf("subscribe: %d", code)
		}
		p := b.openPage(t, base+"/subscriptions/"+c2.ID)
		p.waitFor("the page", `document.readyState === "complete" && document.getElementById("no-matches")`)
		p.waitFor("the stream to open", `document.getElementById("live-status").textContent.startsWith("Live:")`)
		st, err := store.Open(context.Background(), filepath.Join(data, store.FileName))
		if err != nil {
			t.Fatal(err)
		}
		title2 := `<img src=x onerror="document.body.dataset.pwned=3">现场直播<script>document.title="pwned"</script>`
		text2 := `现场直播正文<script>document.body.dataset.pwned=4</script>。`
		a2 := &news.Article{ID: news.ArticleID("https://example.gov.cn/live/2"), URL: "https://example.gov.cn/live/2", SourceID: "test",
			Title: title2, Text: text2, Hash: news.TextHash(text2), Lang: "zh", Fetched: time.Now()}
		if _, err := st.Put(context.Background(), a2); err != nil {
			t.Fatal(err)
		}
		st.Close()
		p.waitFor("the match to appear", `document.querySelectorAll("#live .hit.live").length === 1`)
		var got struct {
			Title, Link, Snippet, DocTitle string
			Pwned                          bool
			Markup, Marks                  int
			Empty                          bool
		}
		p.eval(`({
			Title: document.querySelector("#live .hit.live h3 a").textContent,
			Link: document.querySelector("#live .hit.live h3 a").href,
			Snippet: document.querySelector("#live .hit.live .snippet").textContent,
			DocTitle: document.title,
			Pwned: "pwned" in document.body.dataset,
			Markup: document.querySelectorAll("#live script, #live img").length,
			Marks: document.querySelectorAll("#live .hit.live mark").length,
			Empty: document.getElementById("no-matches") !== null,
		})`, &got)
		if got.Title != title2 || got.Link != a2.URL || !strings.Contains(got.Snippet, "<script>document.body.dataset.pwned=4</script>") {
			t.Errorf("live entry %+v: want the title, link and snippet as text", got)
		}
		if got.Pwned || got.DocTitle != "live 2 · Riverside" || got.Markup != 0 {
			t.Errorf("markup from the article ran or became elements: %+v", got)
		}
		if got.Marks != 1 || got.Empty {
			t.Errorf("%d <mark>s (want 1), placeholder still there: %v", got.Marks, got.Empty)
		}
	})

	// The same markup in the feed and the search page stays text too.
	page := b.dom(t, base+"/?q="+"直播测试")
	if strings.Contains(page, "data-pwned") || !strings.Contains(page, "Subscribe to this search") {
		t.Error("search page: a script ran, or no subscribe link")
	}
}
