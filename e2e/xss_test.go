package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Each payload, if it ever runs, marks the document: <html data-pwned=…>.
// The browser's serialised DOM then shows the attribute.
const pwn = `document.documentElement.setAttribute('data-pwned','%s')`

// hostilePayloads are what a crawled page may carry: raw markup (which the
// extractor meets as elements) and markup-looking text (which reaches
// titles, text and snippets as characters).
var hostilePayloads = []string{
	`<script>` + fmt.Sprintf(pwn, "script") + `</script>`,
	`<img src="/nope.png" onerror="` + fmt.Sprintf(pwn, "onerror") + `">`,
	`<svg onload="` + fmt.Sprintf(pwn, "svg") + `"><script>` + fmt.Sprintf(pwn, "svg-script") + `</script></svg>`,
	`<a href="javascript:` + fmt.Sprintf(pwn, "javascript") + `">滨江XSS测试链接</a>`,
	`<iframe src="javascript:parent.` + fmt.Sprintf(pwn, "iframe") + `"></iframe>`,
	`<body onload="` + fmt.Sprintf(pwn, "body") + `">`,
	`<object data="javascript:` + fmt.Sprintf(pwn, "object") + `"></object>`,
	`<math><mtext><table><mglyph><style><img src=x onerror="` + fmt.Sprintf(pwn, "mxss") + `">`,
}

// hostileSite is a news site whose articles carry every payload, as raw
// markup in one and as visible text in the other.
func hostileSite(t *testing.T) *httptest.Server {
	t.Helper()
	raw := strings.Join(hostilePayloads, "\n")
	var escaped strings.Builder
	for _, p := range hostilePayloads {
		escaped.WriteString("<p>滨江XSS测试的文字里有这样一段：" + htmlEscape(p) + "。区里表示会继续关注。</p>\n")
	}
	paragraphs := `<p>杭州高新区（滨江）今天举办滨江XSS测试发布会，介绍了网络安全产业的最新进展和下一步的工作安排。</p>
<p>发布会上，区网络安全办公室负责人表示，全区已有一百多家网络安全企业，去年产值增长了百分之二十。</p>
<p>The Binjiang XSS test conference showed the district's progress in cyber security, with more than a hundred firms.</p>`
	mux := http.NewServeMux()
	mux.HandleFunc("GET /list.html", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><head><meta charset="utf-8"><title>新闻</title></head><body><ul>
<li><a href="/art/1.html">滨江XSS测试一</a> 2025-03-10</li>
<li><a href="/art/2.html">滨江XSS测试二</a> 2025-03-11</li></ul></body></html>`)
	})
	mux.HandleFunc("GET /art/1.html", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<html><head><meta charset="utf-8"><title><script>%s</script>滨江XSS测试 &lt;img src=x onerror=alert(1)&gt;</title>
<meta name="author" content="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"></head>
<body><div class="article"><h1>滨江XSS测试发布会 &lt;svg onload=alert(1)&gt;</h1><div class="info">发布时间：2025-03-10 09:00 来源：&lt;b onmouseover=alert(1)&gt;区网信办</div>
<div class="content">%s
%s
<p>最后一段：滨江XSS测试圆满结束。</p></div></div></body></html>`, fmt.Sprintf(pwn, "title"), paragraphs, raw)
	})
	mux.HandleFunc("GET /art/2.html", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<html><head><meta charset="utf-8"><title>滨江XSS测试二 "><script>alert(1)</script></title></head>
<body><div class="article"><h1>滨江XSS测试二</h1><div class="info">发布时间：2025-03-11 10:00</div>
<div class="content">%s
%s</div></div></body></html>`, paragraphs, escaped.String())
	})
	// The control: the same payloads served raw, without Riverside in
	// between. They must run here, or the test could not see them run.
	mux.HandleFunc("GET /control.html", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<html><head><meta charset="utf-8"><title>control</title></head><body>%s</body></html>`, raw)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

var (
	pwnedRE = regexp.MustCompile(`<html[^>]*\sdata-pwned="([^"]*)"`)
	// Markup the pages must never carry, whatever was crawled: scripts,
	// frames, plugins, images (the UI has none), event handlers and
	// javascript: URLs in attributes. Attributes are looked for inside
	// tags only: in text, the serialiser writes < as &lt; (but " as is).
	activeRE = regexp.MustCompile(`(?i)<(script|iframe|object|embed|img|math|body[^>]*\son)|<[^>]*\son[a-z]+="|<[^>]*\s(href|src|action|data)="\s*javascript:`)
)

// TestHostileContent crawls a site whose articles carry scripts, event
// handlers, javascript: links and SVG payloads, and publishes such text on
// the mirror, then looks at the search results and the article pages in a
// real browser: no payload runs, none becomes markup.
func TestHostileContent(t *testing.T) {
	b := newBrowser(t)
	dir := t.TempDir()
	site := hostileSite(t)

	// The control first: the detectors see payloads that run and markup
	// that is live.
	control := b.dom(t, site.URL+"/control.html")
	m := pwnedRE.FindStringSubmatch(control)
	if m == nil || activeRE.FindString(control) == "" {
		t.Fatal("control: the raw payloads did not show in the browser, so the test could not see them")
	}
	t.Logf("control: raw payloads run in this browser (data-pwned=%q)", m[1])

	mirrorURL, mirrorSources := startMirror(t, dir)
	resp, err := http.Post(mirrorURL+"/_mirror/publish", "application/json", strings.NewReader(fmt.Sprintf(
		`{"site":"hhtz","title":%q,"text":%q}`,
		"滨江XSS测试 <script>"+fmt.Sprintf(pwn, "mirror-title")+"</script>",
		"滨江XSS测试的正文：<img src=x onerror=\""+fmt.Sprintf(pwn, "mirror-text")+"\"> 和 <a href=\"javascript:alert(1)\">链接</a>。\n\n"+
			"第二段：<svg onload=\"alert(1)\"></svg> 滨江区表示测试顺利。")))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("publish: HTTP %d", resp.StatusCode)
	}
	data := filepath.Join(dir, "data")
	crawlOnce(t, mirrorSources, data)
	sources := filepath.Join(dir, "hostile.yaml")
	yaml := fmt.Sprintf(`sources:
  - id: hostile-site
    name: hostile
    district: binjiang
    delay: 0s
    discovery:
      - kind: html-list
        url: %s/list.html
    article_url: '^%s/art/\d+\.html$'
`, site.URL, regexp.QuoteMeta(site.URL))
	if err := os.WriteFile(sources, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	crawlOnce(t, sources, data)

	sd := start(t, "searchd", "-addr", "127.0.0.1:0", "-data", data, "-index", filepath.Join(dir, "index"))
	base := "http://" + sd.listenAddr(t)
	var r searchResult
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		r = search(t, base, url.Values{"q": {"滨江XSS测试"}, "size": {"50"}})
		if r.Total >= 3 {
			break
		}
	}
	if r.Total < 3 {
		t.Fatalf("%d articles found for 滨江XSS测试, want the 2 crawled and the 1 published", r.Total)
	}

	look := func(t *testing.T, u string) string {
		t.Helper()
		dom := b.dom(t, u)
		if m := pwnedRE.FindStringSubmatch(dom); m != nil {
			t.Errorf("%s: a payload ran (data-pwned=%q)", u, m[1])
		}
		if m := activeRE.FindString(dom); m != "" {
			t.Errorf("%s: crawled content became markup: %q", u, m)
		}
		return dom
	}
	pages := []string{
		base + "/?q=" + url.QueryEscape("滨江XSS测试"),
		base + "/?q=" + url.QueryEscape("script OR onerror OR svg OR javascript"),
		base + "/?q=" + url.QueryEscape("滨江XSS测试") + "&source=" + url.QueryEscape(`"><script>alert(1)</script>`),
		base + "/?q=" + url.QueryEscape(`"<script>`),
	}
	for _, h := range r.Hits {
		pages = append(pages, base+"/articles/"+h.ID)
	}
	shown := 0
	for _, u := range pages {
		dom := look(t, u)
		// The payloads are there, as text: escaped, not dropped unseen.
		if strings.Contains(dom, "&lt;script&gt;") || strings.Contains(dom, "&lt;img") || strings.Contains(dom, "&lt;svg") {
			shown++
		}
	}
	if shown == 0 {
		t.Error("no page shows a payload as text: the test did not put any in front of the browser")
	}
	t.Logf("%d pages looked at in the browser (%d showing payloads as text); no payload ran, none became markup", len(pages), shown)

	// The policy that backs the escaping up, on the pages looked at.
	res, err := http.Get(pages[0])
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
}
