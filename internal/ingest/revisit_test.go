package ingest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"riverside/internal/crawl"
	"riverside/internal/news"
)

// editableSite serves a list with a pinned item on top, article pages
// with ETags (304 on a match), a soft-404 page and a page robots.txt
// forbids. Its article 2 can be edited.
type editableSite struct {
	mu      sync.Mutex
	edits   int
	bodies  int            // full article bodies served
	answers map[string]int // status → count, article pages only
	srv     *httptest.Server
}

func newEditableSite(t *testing.T) *editableSite {
	e := &editableSite{answers: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nDisallow: /news/private/\n")
	})
	mux.HandleFunc("GET /news/index.html", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><ul>
			<li class="top">[置顶] <a href="/news/pinned.html">滨江区二〇二六年政府工作报告</a></li>
			<li><a href="/news/1.html">滨江区召开数字经济发展大会</a></li>
			<li><a href="/news/2.html?utm_source=weibo">滨江区发布人才新政</a></li>
			<li><a href="/news/2.html">滨江区发布人才新政</a></li>
			<li><a href="/news/gone.html">已删除的稿件</a></li>
			<li><a href="/news/private/3.html">内部稿件</a></li></ul></body></html>`)
	})
	mux.HandleFunc("GET /news/{file}", func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		defer e.mu.Unlock()
		var body string
		switch r.PathValue("file") {
		case "gone.html":
			body = `<html><head><title>页面不存在</title></head><body><div class="content"><p>对不起，您访问的页面不存在或已被删除。</p><p><a href="/">返回首页</a></p></div></body></html>`
		case "pinned.html":
			body = articlePage("滨江区二〇二六年政府工作报告", paragraphs)
		case "1.html":
			body = articlePage("滨江区召开数字经济发展大会", paragraphs[:2])
		case "2.html":
			paras := []string{"滨江区今天发布新一轮人才政策，对来滨江创业的青年人才给予住房和创业资金支持。", "政策明确，高层次人才可享受最高一千万元的项目资助，并在子女入学等方面获得服务保障。"}
			for i := range e.edits {
				paras = append(paras, fmt.Sprintf("（更新%d）区人才办补充说明：申报通道将于下月一日开放，咨询电话见区政府网站。", i+1))
			}
			body = articlePage("滨江区发布人才新政", paras)
		default:
			http.NotFound(w, r)
			return
		}
		etag := fmt.Sprintf(`"%x"`, sha256.Sum256([]byte(body)))
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			e.answers["304"]++
			w.WriteHeader(http.StatusNotModified)
			return
		}
		e.answers["200"]++
		e.bodies++
		fmt.Fprint(w, body)
	})
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	return e
}

func articlePage(title string, paras []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<html><head><title>%s</title></head><body><h1>%s</h1><div class="info">发布时间：2026-03-12 09:30</div><div class="content">`, title, title)
	for _, p := range paras {
		fmt.Fprintf(&b, "<p>%s</p>\n", p)
	}
	b.WriteString(`</div></body></html>`)
	return b.String()
}

func TestRevisits(t *testing.T) {
	site := newEditableSite(t)
	ctx := context.Background()
	st := openStore(t)
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, news.Shanghai)
	src := news.Source{
		ID:         "editable",
		Discovery:  []news.Discovery{{Kind: news.KindHTMLList, URL: site.srv.URL + "/news/index.html"}},
		ArticleURL: `^` + regexp.QuoteMeta(site.srv.URL) + `/news/[\w/-]+\.html$`,
		MaxPages:   1,
		Revisit:    time.Hour,
	}
	in := &Ingester{Store: st, Now: func() time.Time { return now }, Fetch: crawl.Options{RetryBase: time.Millisecond}}
	pass := func() Stats {
		site.mu.Lock()
		site.bodies = 0
		site.mu.Unlock()
		return in.Pass(ctx, src)
	}
	bodies := func() int {
		site.mu.Lock()
		defer site.mu.Unlock()
		return site.bodies
	}

	first := pass()
	if first.Discovered != 5 || first.New != 3 || first.Fetched != 4 || first.Skipped != 1 || first.Failed != 1 {
		t.Errorf("first pass: got %+v, want 5 discovered, 4 fetched, 3 new, 1 skipped (robots), 1 failed (soft 404)", first)
	}
	if !strings.Contains(fmt.Sprint(first.Err), "soft 404") {
		t.Errorf("first pass error: got %v, want the soft 404", first.Err)
	}

	// Right after: nothing asked for again, the soft 404 included.
	again := pass()
	if again.Fetched != 0 || again.New != 0 || again.Known != 4 || again.Failed != 0 || bodies() != 0 {
		t.Errorf("second pass: got %+v (%d bodies), want 4 known and nothing fetched", again, bodies())
	}

	// An hour on, articles are revisited with conditional GETs.
	now = now.Add(time.Hour)
	site.mu.Lock()
	site.edits = 1
	site.mu.Unlock()
	third := pass()
	if third.Unchanged != 3 || third.Updated != 1 || third.Fetched != 1 || bodies() != 1 {
		t.Errorf("revisit pass: got %+v (%d bodies), want 3 unchanged (304: pinned, 1, the soft 404), 1 updated and fetched", third, bodies())
	}
	u2 := site.srv.URL + "/news/2.html"
	a, err := st.Article(ctx, news.ArticleID(u2))
	if err != nil || a.Version != 2 || !strings.Contains(a.Text, "更新1") {
		t.Errorf("edited article: got %+v, %v; want version 2 with the update", a, err)
	}
	stats, _ := st.Stats(ctx)
	if stats.Articles != 3 || stats.Versions != 4 {
		t.Errorf("store: got %+v, want 3 articles in 4 versions", stats)
	}
	if p, ok, _ := st.Page(ctx, u2); !ok || p.ETag == "" || p.Hash != a.Hash || p.Status != 200 {
		t.Errorf("page state of %s: got %+v", u2, p)
	}
}
