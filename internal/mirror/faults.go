package mirror

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"riverside/internal/news"
)

// The faults site (/faults/) is where the mirror misbehaves on purpose,
// one way per page, so that tests can check that a crawler survives what
// real servers do: 429 with Retry-After, bursts of 5xx, slow answers and
// answers that never come, bodies cut short, redirect loops, robots.txt
// rules and Crawl-delay, a page too big to keep, an endless calendar, a
// "page not found" served as 200, tracking parameters, an article edited
// after publication, pinned items, the Hanweb JPaaS list API, a feed and
// a sitemap. Its articles carry ETag and Last-Modified and answer a
// matching conditional GET with 304.

// Faults tune the faults site; zero values take the defaults, which suit
// the demo. Tests make the delays small.
type Faults struct {
	// List adds the faults site's sources (and a crawler block whose
	// timeout and body limit its slow and huge pages exceed) to
	// SourcesYAML.
	List bool
	// Slow delays the slow page (default 300 ms).
	Slow time.Duration
	// Hang delays the page meant to time out (default 5 s); the crawler
	// block SourcesYAML writes has a timeout between Slow and Hang.
	Hang time.Duration
	// RetryAfter is the Retry-After, in seconds, of the 429 and 503
	// pages (default 1; 0 asks for an immediate retry).
	RetryAfter *int
	// CrawlDelay, when positive, is given in robots.txt. It applies to the
	// whole host: every mirrored site slows down.
	CrawlDelay time.Duration
	// Huge is the size of the huge page (default 2 MiB; the crawler block
	// allows 1 MiB).
	Huge int
}

func (f Faults) withDefaults() Faults {
	if f.Slow <= 0 {
		f.Slow = 300 * time.Millisecond
	}
	if f.Hang <= 0 {
		f.Hang = 5 * time.Second
	}
	if f.RetryAfter == nil {
		one := 1
		f.RetryAfter = &one
	}
	if f.Huge <= 0 {
		f.Huge = 2 << 20
	}
	return f
}

// CrawlerTimeout is the request timeout the faults sources are meant to
// be crawled with: longer than the slow page, shorter than the hang.
func (f Faults) CrawlerTimeout() time.Duration {
	f = f.withDefaults()
	return (f.Slow + f.Hang) / 2
}

// CrawlerMaxBody is the body limit the faults sources are meant to be
// crawled with: smaller than the huge page.
func (f Faults) CrawlerMaxBody() int { return f.withDefaults().Huge / 2 }

// faultSite is the state of the faults site.
type faultSite struct {
	opts Faults
	now  func() time.Time

	mu    sync.Mutex
	hits  map[string]int // requests per path
	edits map[string]int // edits per article path
}

// faultPlain is the number of well-behaved articles on the faults list.
const faultPlain = 12

// faultSpecial are the misbehaving items of the faults list, in list
// order, with their titles.
var faultSpecial = []struct{ path, title string }{
	{"/faults/art/limited.html", "滨江区开展限流测试：第一次请求答429"},
	{"/faults/art/busy.html", "滨江区服务器繁忙测试：第一次请求答503"},
	{"/faults/art/burst.html", "滨江区连续故障测试：前两次请求答5xx"},
	{"/faults/art/broken.html", "滨江区持续故障测试：每次都答500"},
	{"/faults/art/slow.html", "滨江区慢速页面测试"},
	{"/faults/art/hang.html", "滨江区超时页面测试"},
	{"/faults/art/truncated.html", "滨江区截断页面测试"},
	{"/faults/art/loop.html", "滨江区重定向循环测试"},
	{"/faults/private/art/secret.html", "滨江区内部页面（robots.txt 禁止）"},
	{"/faults/art/huge.html", "滨江区超大页面测试"},
	{"/faults/art/gone.html", "滨江区已删除稿件（软404）"},
	{"/faults/art/1003.html?utm_source=wechat&spm=a2.b3", "滨江区带跟踪参数的链接"},
	{"/faults/art/1003.html?from=timeline", "滨江区带跟踪参数的链接（二）"},
	{"/faults/art/edited.html", "滨江区发布会通稿（会被修改）"},
}

func newFaultSite(opts Faults, now func() time.Time) *faultSite {
	return &faultSite{opts: opts.withDefaults(), now: now, hits: map[string]int{}, edits: map[string]int{}}
}

// hit counts a request of a path and returns its number (from 1).
func (f *faultSite) hit(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hits[path]++
	return f.hits[path]
}

// Edit changes the text of an article of the faults site, or of any
// mirrored article, as an editor fixing a published item would; it
// returns the number of edits so far.
func (m *Mirror) Edit(path string) (int, error) {
	m.mu.Lock()
	if ref, ok := m.pages[path]; ok {
		defer m.mu.Unlock()
		a := ref.a
		n := 0
		for _, b := range a.Body {
			if strings.HasPrefix(b.Text, "【更正】") {
				n++
			}
		}
		a.Body = append(a.Body, Block{Text: fmt.Sprintf("【更正】本文第%d次修改：编辑部对原稿中的数据作了核对和更正。", n+1)})
		return n + 1, nil
	}
	m.mu.Unlock()
	if _, ok := faultArticle(path); !ok {
		return 0, fmt.Errorf("no article at %s", path)
	}
	m.faults.mu.Lock()
	defer m.faults.mu.Unlock()
	m.faults.edits[path]++
	return m.faults.edits[path], nil
}

// handleEdit serves POST /_mirror/edit {"path"}: path defaults to the
// faults site's edited article.
func (m *Mirror) handleEdit(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Path string `json:"path"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil && !errors.Is(err, io.EOF) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad JSON body: " + err.Error()})
		return
	}
	if req.Path == "" {
		req.Path = "/faults/art/edited.html"
	}
	n, err := m.Edit(req.Path)
	if err != nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"url": baseURL(r) + req.Path, "edits": n})
}

// handleRobots serves /robots.txt for the whole mirror: the faults
// site's private pages are off limits.
func (m *Mirror) handleRobots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprint(w, "# Riverside offline mirror\nUser-agent: *\nDisallow: /faults/private/\n")
	if d := m.faults.opts.CrawlDelay; d > 0 {
		fmt.Fprintf(w, "Crawl-delay: %s\n", strconv.FormatFloat(d.Seconds(), 'f', -1, 64))
	}
}

// faultArticle tells whether path is an article of the faults site and
// gives its title.
func faultArticle(path string) (string, bool) {
	for _, s := range faultSpecial {
		if p, _, _ := strings.Cut(s.path, "?"); p == path {
			return s.title, true
		}
	}
	if path == "/faults/art/pinned.html" {
		return "【置顶】滨江区二〇二六年政府工作报告", true
	}
	var n int
	for _, pat := range []string{"/faults/art/%d.html", "/faults/feed/art/%d.html", "/faults/map/art/%d.html"} {
		if _, err := fmt.Sscanf(path, pat, &n); err == nil && fmt.Sprintf(pat, n) == path && n > 0 && n < 100000 {
			return fmt.Sprintf("滨江区故障站点测试稿件第%d号", n), true
		}
	}
	if strings.HasPrefix(path, "/faults/jpaas/art/2026/art_") && strings.HasSuffix(path, ".html") {
		return "滨江区阳光政务测试稿件 " + strings.TrimSuffix(strings.TrimPrefix(path, "/faults/jpaas/art/2026/art_"), ".html")[:8], true
	}
	return "", false
}

// handleFaultArticle serves the articles of the faults site, each
// misbehaving as its path says.
func (m *Mirror) handleFaultArticle(w http.ResponseWriter, r *http.Request) {
	f := m.faults
	path := r.URL.Path
	if path == "/faults/art/loop-again.html" {
		f.hit(path)
		http.Redirect(w, r, "/faults/art/loop.html", http.StatusFound)
		return
	}
	title, ok := faultArticle(path)
	if !ok {
		m.handleNotFound(w, r)
		return
	}
	n := f.hit(path)
	switch path {
	case "/faults/art/limited.html":
		if n == 1 {
			w.Header().Set("Retry-After", strconv.Itoa(*f.opts.RetryAfter))
			http.Error(w, "Too Many Requests", http.StatusTooManyRequests)
			return
		}
	case "/faults/art/busy.html":
		if n == 1 {
			// The HTTP-date form of Retry-After (RFC 9110 §10.2.3).
			at := time.Now().Add(time.Duration(*f.opts.RetryAfter) * time.Second)
			w.Header().Set("Retry-After", at.UTC().Format(http.TimeFormat))
			http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
			return
		}
	case "/faults/art/burst.html":
		if n <= 2 {
			http.Error(w, "Bad Gateway", []int{http.StatusInternalServerError, http.StatusBadGateway}[n-1])
			return
		}
	case "/faults/art/broken.html":
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	case "/faults/art/slow.html":
		if !sleepCtx(r, f.opts.Slow) {
			return
		}
	case "/faults/art/hang.html":
		sleepCtx(r, f.opts.Hang)
		return
	case "/faults/art/loop.html":
		http.Redirect(w, r, "/faults/art/loop-again.html", http.StatusFound)
		return
	case "/faults/art/huge.html":
		w.Header().Set("Content-Type", typeHTMLLower)
		pad := strings.Repeat("<!-- 填充内容 padding padding padding padding -->\n", 64)
		fmt.Fprintf(w, "<html><head><title>%s</title></head><body>\n", title)
		for written := 0; written < f.opts.Huge; written += len(pad) {
			if _, err := io.WriteString(w, pad); err != nil {
				return
			}
		}
		fmt.Fprint(w, "</body></html>")
		return
	case "/faults/art/gone.html":
		w.Header().Set("Content-Type", typeHTMLLower)
		fmt.Fprint(w, `<html><head><title>页面不存在</title></head><body><div class="main"><h1>页面不存在</h1>`+
			`<p>对不起，您访问的页面不存在或已被删除。</p><p><a href="/faults/news/index.html">返回首页</a></p></div></body></html>`)
		return
	}
	f.mu.Lock()
	edits := f.edits[path]
	f.mu.Unlock()
	body := []byte(faultPage(title, path, edits, f.now()))
	if path == "/faults/art/truncated.html" {
		// Content-Length promises more than is sent; the connection
		// closes when the handler returns.
		w.Header().Set("Content-Type", typeHTMLLower)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)+4096))
		_, _ = w.Write(body)
		return
	}
	serveValidated(w, r, body, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(edits)*time.Hour))
}

// serveValidated writes a page with an ETag and a Last-Modified, or a 304
// when the request's validators still hold.
func serveValidated(w http.ResponseWriter, r *http.Request, body []byte, modified time.Time) {
	serveValidatedAs(w, r, body, modified, typeHTMLLower)
}

// serveValidatedAs is serveValidated with a content type. The ETag is a
// hash of the body, so it changes whenever the page does; If-None-Match,
// when sent, decides over If-Modified-Since (RFC 9110 §13.1.3).
func serveValidatedAs(w http.ResponseWriter, r *http.Request, body []byte, modified time.Time, ctype string) {
	etag := fmt.Sprintf(`"%x"`, sha256.Sum256(body))[:18] + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Last-Modified", modified.UTC().Format(http.TimeFormat))
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		if inm == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	} else if ims, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil && !modified.After(ims) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", ctype)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// sleepCtx waits d or until the client goes away; false means it went.
func sleepCtx(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// faultPage renders a plain article page; the text depends on the path
// (so no two articles are reposts of each other) and on the edits.
func faultPage(title, path string, edits int, now time.Time) string {
	var b strings.Builder
	date := time.Date(2026, 1, 1, 9, 0, 0, 0, news.Shanghai).Add(time.Duration(len(path)*7) * time.Hour)
	fmt.Fprintf(&b, `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>%s_故障测试站</title>
<meta name="ArticleTitle" content="%s"><meta name="PubDate" content="%s"></head><body>
<div class="header"><a href="/faults/">故障测试站</a> <a href="/faults/news/index.html">新闻</a></div>
<div class="article"><h1>%s</h1><div class="info">发布时间：%s　来源：故障测试站</div><div class="content">
`, html.EscapeString(title), html.EscapeString(title), date.Format("2006-01-02 15:04"), html.EscapeString(title), date.Format("2006-01-02 15:04"))
	paras := []string{
		fmt.Sprintf("本文是离线镜像故障测试站的稿件，地址为%s，用于检验爬虫在各种服务器异常面前的表现。", path),
		"滨江区有关部门表示，将继续优化政务网站的访问体验，确保信息发布及时、准确、完整，方便群众查阅。",
		fmt.Sprintf("据介绍，%s一文介绍了相关工作的最新进展，后续情况将在本网站持续发布。", title),
	}
	for i := range edits {
		paras = append(paras, fmt.Sprintf("【更正】本文第%d次修改：编辑部对原稿中的数据作了核对和更正。", i+1))
	}
	for _, p := range paras {
		fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(p))
	}
	b.WriteString(`</div></div><div class="footer">版权所有 故障测试站 浙ICP备00000000号</div></body></html>`)
	return b.String()
}

// handleFaultList serves the faults list: /faults/news/index.html and
// index_1.html. Both pages start with the pinned item, as on Chinese
// portals where 置顶 items head every page.
func (m *Mirror) handleFaultList(w http.ResponseWriter, r *http.Request) {
	page, ok := listPage(r.PathValue("page"), 1)
	if !ok || page > 2 {
		m.handleNotFound(w, r)
		return
	}
	var items []string
	item := func(href, title string) {
		items = append(items, fmt.Sprintf(`<li><a href="%s" title="%s">%s</a><span class="date">2026-01-02</span></li>`,
			html.EscapeString(href), html.EscapeString(title), html.EscapeString(title)))
	}
	items = append(items, `<li class="top"><span class="pin">[置顶]</span><a href="/faults/art/pinned.html">【置顶】滨江区二〇二六年政府工作报告</a><span class="date">2026-01-01</span></li>`)
	if page == 1 {
		for _, s := range faultSpecial {
			item(s.path, s.title)
		}
		for i := 1; i <= faultPlain/2; i++ {
			item(fmt.Sprintf("/faults/art/%d.html", 1000+i), fmt.Sprintf("滨江区故障站点测试稿件第%d号", 1000+i))
		}
	} else {
		for i := faultPlain/2 + 1; i <= faultPlain; i++ {
			item(fmt.Sprintf("/faults/art/%d.html", 1000+i), fmt.Sprintf("滨江区故障站点测试稿件第%d号", 1000+i))
		}
	}
	next := ""
	if page == 1 {
		next = `<a class="next" href="/faults/news/index_1.html">下一页</a>`
	}
	w.Header().Set("Content-Type", typeHTMLLower)
	fmt.Fprintf(w, `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>新闻_故障测试站</title></head><body>
<div class="list"><ul>
%s
</ul></div><div class="page">%s</div></body></html>`, strings.Join(items, "\n"), next)
}

// handleFaultCalendar serves /faults/calendar/{y}/{m}/index.html: a
// month of an events calendar whose "next page" is the next month,
// forever — a crawler trap.
func (m *Mirror) handleFaultCalendar(w http.ResponseWriter, r *http.Request) {
	y, err1 := strconv.Atoi(r.PathValue("y"))
	mo, err2 := strconv.Atoi(r.PathValue("m"))
	if err1 != nil || err2 != nil || mo < 1 || mo > 12 || y < 1 || y > 9999 {
		m.handleNotFound(w, r)
		return
	}
	m.faults.hit("/faults/calendar/")
	next := time.Date(y, time.Month(mo)+1, 1, 0, 0, 0, 0, time.UTC)
	w.Header().Set("Content-Type", typeHTMLLower)
	fmt.Fprintf(w, `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>活动日历 %d年%d月</title></head><body>
<h1>活动日历 %d年%d月</h1><ul><li><a href="/faults/art/1001.html">滨江区故障站点测试稿件第1001号</a> %d-%02d-01</li></ul>
<div class="page"><a href="/faults/calendar/%d/%02d/index.html">下一页</a></div></body></html>`,
		y, mo, y, mo, y, mo, next.Year(), int(next.Month()))
}

// CalendarPages returns how many calendar pages were requested.
func (m *Mirror) CalendarPages() int {
	m.faults.mu.Lock()
	defer m.faults.mu.Unlock()
	return m.faults.hits["/faults/calendar/"]
}

// Hits returns how many requests a path of the faults site received.
func (m *Mirror) Hits(path string) int {
	m.faults.mu.Lock()
	defer m.faults.mu.Unlock()
	return m.faults.hits[path]
}

// faultJPaaSCount is the number of items of the faults JPaaS column.
const faultJPaaSCount = 25

// handleFaultJPaaSColumn serves the shell of a JPaaS column page: no
// list, only the script tag that names the build/unit API
// (sites-reference §2.4).
func (m *Mirror) handleFaultJPaaSColumn(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", typeHTMLLower)
	fmt.Fprint(w, `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>阳光政务_故障测试站</title></head><body>
<div class="list"><script id="unit9000001" src="/faults/script/AuthorizedRead/unitbuild.js?v=1" webId="9000" parseType="bulidstatic"
 url="/faults/api-gateway/jpaas-publish-server/front/page/build/unit"
 queryData="{'parseType':'bulidstatic','webId':'9000','tplSetId':'fault','pageType':'column','tagId':'阳光政务_分页列表','editType':'null','pageId':'9000001'}"></script></div>
</body></html>`)
}

// handleFaultJPaaSUnit serves the build/unit API: JSON whose data.html is
// one page of the list, paged by paramJson only.
func (m *Mirror) handleFaultJPaaSUnit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("pageId") != "9000001" || q.Get("webId") != "9000" {
		writeJSON(w, http.StatusOK, map[string]any{"success": false, "data": map[string]any{}})
		return
	}
	var p struct{ PageNo, PageSize int }
	_ = json.Unmarshal([]byte(q.Get("paramJson")), &p)
	p.PageNo, p.PageSize = max(p.PageNo, 1), min(max(p.PageSize, 1), 100)
	var b strings.Builder
	b.WriteString(`<div id="阳光政务_分页列表"><ul class="page-content">`)
	for i := (p.PageNo-1)*p.PageSize + 1; i <= p.PageNo*p.PageSize && i <= faultJPaaSCount; i++ {
		fmt.Fprintf(&b, `<li><a href="/faults/jpaas/art/2026/art_%032x.html" target="_blank">滨江区阳光政务测试稿件 %08x</a><span>2026-01-02</span></li>`, i, i)
	}
	b.WriteString(`</ul></div>`)
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "data": map[string]any{"html": b.String()}})
}

// faultFeedCount and faultMapCount are the items of the feed and the sitemap.
const (
	faultFeedCount = 5
	faultMapCount  = 6
)

// handleFaultFeed serves /faults/rss.xml, its dates without a zone (read
// as Asia/Shanghai).
func (m *Mirror) handleFaultFeed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", typeRSS)
	fmt.Fprint(w, `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>故障测试站</title><link>`+baseURL(r)+`/faults/</link><description>feed</description>`)
	for i := 1; i <= faultFeedCount; i++ {
		fmt.Fprintf(w, `<item><title>滨江区故障站点测试稿件第%d号</title><link>%s/faults/feed/art/%d.html</link><pubDate>2026-01-%02d 10:00:00</pubDate></item>`,
			2000+i, baseURL(r), 2000+i, i)
	}
	fmt.Fprint(w, `</channel></rss>`)
}

// handleFaultSitemap serves a sitemap index (/faults/sitemap.xml) and the
// news sitemap it points at.
func (m *Mirror) handleFaultSitemap(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", typeXMLUTF8)
	base := baseURL(r)
	if r.URL.Path == "/faults/sitemap.xml" {
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>%s/faults/sitemap-news.xml</loc></sitemap></sitemapindex>`, base)
		return
	}
	fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">`)
	for i := 1; i <= faultMapCount; i++ {
		fmt.Fprintf(w, `<url><loc>%s/faults/map/art/%d.html</loc><lastmod>2026-01-%02d</lastmod><news:news><news:title>滨江区故障站点测试稿件第%d号</news:title></news:news></url>`, base, 3000+i, i, 3000+i)
	}
	fmt.Fprint(w, `</urlset>`)
}

// faultRoutes adds the faults site to mux.
func (m *Mirror) faultRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /robots.txt", m.handleRobots)
	mux.HandleFunc("POST /_mirror/edit", m.handleEdit)
	mux.HandleFunc("GET /faults/news/{page}", m.handleFaultList)
	mux.HandleFunc("GET /faults/art/{file}", m.handleFaultArticle)
	mux.HandleFunc("GET /faults/private/art/{file}", m.handleFaultArticle)
	mux.HandleFunc("GET /faults/feed/art/{file}", m.handleFaultArticle)
	mux.HandleFunc("GET /faults/map/art/{file}", m.handleFaultArticle)
	mux.HandleFunc("GET /faults/jpaas/art/2026/{file}", m.handleFaultArticle)
	mux.HandleFunc("GET /faults/calendar/{y}/{m}/index.html", m.handleFaultCalendar)
	mux.HandleFunc("GET /faults/col/col9000001/index.html", m.handleFaultJPaaSColumn)
	mux.HandleFunc("GET /faults/api-gateway/jpaas-publish-server/front/page/build/unit", m.handleFaultJPaaSUnit)
	mux.HandleFunc("GET /faults/rss.xml", m.handleFaultFeed)
	mux.HandleFunc("GET /faults/sitemap.xml", m.handleFaultSitemap)
	mux.HandleFunc("GET /faults/sitemap-news.xml", m.handleFaultSitemap)
}

// faultSources are the faults site's entries of SourcesYAML.
func (m *Mirror) faultSources(base, quoted string) []sourceEntry {
	now := m.now().In(news.Shanghai)
	entry := func(id, name, kind, u, article string, maxPages int) sourceEntry {
		return sourceEntry{ID: id, Name: name, District: news.Binjiang, Lang: "zh", Schedule: "* * * * *", Delay: "0s",
			Revisit: "0s", MaxPages: maxPages,
			Discovery: []discoveryEntry{{Kind: kind, URL: base + u}}, ArticleURL: "^" + quoted + article + "$"}
	}
	return []sourceEntry{
		entry("mirror-faults", "故障测试站 新闻 (mirror)", news.KindHTMLList, "/faults/news/index.html", `/faults/(private/)?art/[\w-]+\.html`, 3),
		entry("mirror-faults-calendar", "故障测试站 活动日历 (mirror)", news.KindHTMLList,
			fmt.Sprintf("/faults/calendar/%d/%02d/index.html", now.Year(), int(now.Month())), `/faults/art/\d+\.html`, 100),
		entry("mirror-faults-jpaas", "故障测试站 阳光政务 (mirror)", news.KindHanwebJPaaS, "/faults/col/col9000001/index.html", `/faults/jpaas/art/\d{4}/art_[0-9a-f]{32}\.html`, 5),
		entry("mirror-faults-feed", "故障测试站 RSS (mirror)", news.KindFeed, "/faults/rss.xml", `/faults/feed/art/\d+\.html`, 0),
		entry("mirror-faults-sitemap", "故障测试站 站点地图 (mirror)", news.KindSitemap, "/faults/sitemap.xml", `/faults/map/art/\d+\.html`, 0),
	}
}
