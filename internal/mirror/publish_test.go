package mirror

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"unicode"
)

// publish posts a body to /_mirror/publish and decodes the answer.
func publish(t *testing.T, base, body string) (int, map[string]string) {
	t.Helper()
	resp, err := http.Post(base+"/_mirror/publish", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("decode answer: %v", err)
	}
	return resp.StatusCode, out
}

// firstLink returns the first article link of a list page (for Hanweb
// columns, the first datastore record).
func firstLink(t *testing.T, c *column, page string) string {
	t.Helper()
	if c.unit != "" {
		return records(t, page)[0]
	}
	re := regexp.MustCompile(`href="(` + regexp.QuoteMeta("/"+c.site.id+"/") + `[^"]+)"`)
	for _, m := range re.FindAllStringSubmatch(page, -1) {
		if regexp.MustCompile(articlePattern(c) + "$").MatchString(m[1]) {
			return m[1]
		}
	}
	t.Fatalf("no article link on %s", listURL(c))
	return ""
}

func TestPublish(t *testing.T) {
	m, srv := testMirror(t, nil)
	tests := []struct {
		name, body, site, title, text string
	}{
		{name: "empty body", body: ``, site: siteHHTZ},
		{name: "empty object", body: `{}`, site: siteHHTZ},
		{name: "given", body: `{"site":"hhtz","title":"滨江区发布测试稿件","text":"第一段。\n\n第二段。"}`, site: siteHHTZ, title: "滨江区发布测试稿件", text: "第二段。"},
		{name: "xiaoshan", body: `{"site":"xiaoshan"}`, site: siteXiaoshan},
		{name: "ehangzhou", body: `{"site":"ehangzhou","title":"A test story"}`, site: siteEHangzhou, title: "A test story"},
		{name: "stdaily", body: `{"site":"stdaily"}`, site: siteSTDaily},
		{name: "prnews", body: `{"site":"prnews","text":"One line of release text that is long enough to be wrapped by the wire, since it runs past eighty columns."}`, site: sitePRNews, text: "One line of release text"},
		{name: "aggregator", body: `{"site":"aggregator"}`, site: siteAggregator},
		{name: "xsnet", body: `{"site":"xsnet","title":"萧山网测试新闻"}`, site: siteXSNet, title: "萧山网测试新闻"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out := publish(t, srv.URL, tt.body)
			if status != http.StatusCreated {
				t.Fatalf("status %d (%v), want 201", status, out)
			}
			url := out["url"]
			if !strings.HasPrefix(url, srv.URL+"/"+tt.site+"/") {
				t.Fatalf("url %q, want one on %s/%s/", url, srv.URL, tt.site)
			}
			text := pageText(mustGet(t, url))
			if tt.title != "" && !strings.Contains(text, tt.title) {
				t.Errorf("title %q missing from the article", tt.title)
			}
			if tt.text != "" && !strings.Contains(text, tt.text) {
				t.Errorf("text %q missing from the article", tt.text)
			}
			c := m.site(tt.site).columns[0]
			list := string(mustGet(t, srv.URL+listURL(c)))
			if got := firstLink(t, c, list); srv.URL+got != url {
				t.Errorf("first item on the list: %s, want %s", got, url)
			}
			if c.unit != "" {
				xml := string(mustGet(t, srv.URL+"/"+c.site.id+c.proxy+"?page=1&columnid="+c.id))
				if got := records(t, xml)[0]; srv.URL+got != url {
					t.Errorf("first dataproxy record %s, want %s", got, url)
				}
			}
			if tt.site == siteSTDaily {
				feed := string(mustGet(t, srv.URL+"/stdaily/rss.xml"))
				if i := strings.Index(feed, "<link>"+url+"</link>"); i < 0 || i > strings.Index(feed, "</item>") {
					t.Errorf("the article does not lead the feed")
				}
			}
		})
	}
}

// Generated titles and text are in the site's language.
func TestPublishGeneratedLanguage(t *testing.T) {
	m, _ := testMirror(t, nil)
	for _, s := range m.Sites() {
		a, err := m.Publish(s, "", "")
		if err != nil {
			t.Fatal(err)
		}
		han := strings.IndexFunc(a.Title+a.Paragraphs()[0], func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
		if want := m.site(s).lang == "zh"; han != want {
			t.Errorf("%s: generated %q (Chinese: %v, want %v)", s, a.Title, han, want)
		}
		if len(a.Paragraphs()) < 2 {
			t.Errorf("%s: generated %d paragraphs", s, len(a.Paragraphs()))
		}
	}
}

func TestPublishErrors(t *testing.T) {
	_, srv := testMirror(t, nil)
	for _, body := range []string{`{"site":"nowhere"}`, `{"site":`, `{"site":"hhtz","colour":"red"}`, `[1,2]`} {
		t.Run(body, func(t *testing.T) {
			status, out := publish(t, srv.URL, body)
			if status != http.StatusBadRequest || out["error"] == "" {
				t.Errorf("got %d %v, want 400 with an error", status, out)
			}
		})
	}
	resp, _ := get(t, srv.URL+"/_mirror/publish")
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /_mirror/publish: %d, want 405", resp.StatusCode)
	}
}

// Publishing while pages are read is safe (run with -race), and every
// article gets its own URL.
func TestPublishConcurrent(t *testing.T) {
	m, srv := testMirror(t, nil)
	const n = 20
	var wg sync.WaitGroup
	urls := make(chan string, n*len(m.Sites()))
	for i := range n {
		for _, s := range m.Sites() {
			wg.Add(2)
			go func() {
				defer wg.Done()
				resp, err := http.Post(srv.URL+"/_mirror/publish", "application/json", strings.NewReader(fmt.Sprintf(`{"site":%q}`, s)))
				if err != nil {
					t.Error(err)
					return
				}
				defer resp.Body.Close()
				var out map[string]string
				if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusCreated {
					t.Errorf("publish %s: %d %v", s, resp.StatusCode, err)
				}
				urls <- out["url"]
			}()
			go func() {
				defer wg.Done()
				resp, err := http.Get(srv.URL + listURL(m.site(s).columns[0]))
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Errorf("list %s #%d: %d", s, i, resp.StatusCode)
				}
			}()
		}
	}
	wg.Wait()
	close(urls)
	seen := map[string]bool{}
	for u := range urls {
		if seen[u] {
			t.Errorf("URL %s given twice", u)
		}
		seen[u] = true
	}
}
