package crawl

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"riverside/internal/news"
)

// fakeSite serves a plain list with two pages, a Hanweb column whose
// datastore embeds the first group and pages the rest through dataproxy.jsp
// (POST, as the site's own script does), a GBK list without any charset
// declaration, an RSS feed and a sitemap.
func fakeSite(t *testing.T, records int) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /news/index.html", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><ul>
			<li><a href="/news/a1.html">One</a> 2024-01-02</li>
			<li><a href="a2.html?utm_source=x#top">Two</a></li>
			<li><a href="/about.html">About us</a></li></ul>
			<div class="pager"><a class="next" href="index_2.html">下一页</a></div></body></html>`)
	})
	mux.HandleFunc("GET /news/index_2.html", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><a href="/news/a3.html">Three</a><a href="/news/a1.html">One again</a></body></html>`)
	})
	item := func(i int) string {
		return fmt.Sprintf(`<li><a href="/art/2024/1/%d/art_1487002_%d.html" class="news" title="第%d条完整标题">第%d条…</a><span class="time">[2024-01-%02d]</span></li>`,
			i%28+1, 1000+i, i, i, i%28+1)
	}
	const perPage, groupSize = 5, 2
	mux.HandleFunc("GET /col/col1487002/index.html", func(w http.ResponseWriter, r *http.Request) {
		var b strings.Builder
		b.WriteString(`<html><body><div id="4678776"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=2945&path=/&columnid=1487002&unitid=4678776&webname=%E6%BB%A8%E6%B1%9F&permissiontype=0"></a>]]></nextgroup><recordset>`)
		for i := 1; i <= min(perPage*groupSize, records); i++ {
			fmt.Fprintf(&b, "<record><![CDATA[\n%s]]></record>\n", item(i))
		}
		fmt.Fprintf(&b, `</recordset></datastore></script></div><script>var param_4678776={col:1,appid:1,webid:2945,path:'/',columnid:1487002,sourceContentType:1,unitid:'4678776',webname:'杭州高新区（滨江）门户网站',permissiontype:0};
			$('#4678776').jpage({themeName:'default',showMode:'full',totalRecord:%d,openCookies:false,dataBefore:'<ul>',dataAfter:'</ul>',groupSize:%d,proxyUrl:'/module/web/jpage/dataproxy.jsp',perPage:%d,barPosition:'bottom',ajaxParam:param_4678776})</script></body></html>`,
			records, groupSize, perPage)
		fmt.Fprint(w, b.String())
	})
	mux.HandleFunc("POST /module/web/jpage/dataproxy.jsp", func(w http.ResponseWriter, r *http.Request) {
		start, _ := strconv.Atoi(r.URL.Query().Get("startrecord"))
		end, _ := strconv.Atoi(r.URL.Query().Get("endrecord"))
		if err := r.ParseForm(); err != nil || r.PostForm.Get("columnid") != "1487002" || r.PostForm.Get("webid") != "2945" {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, "<datastore><totalrecord>%d</totalrecord><recordset>", records)
		for i := start; i <= end && i <= records; i++ {
			fmt.Fprintf(w, "<record><![CDATA[%s]]></record>", item(i))
		}
		fmt.Fprint(w, "</recordset></datastore>")
	})
	mux.HandleFunc("GET /gbk/index.html", func(w http.ResponseWriter, r *http.Request) {
		page := `<html><head><title>部门动态</title></head><body><ul><li><a href="/gbk/art_1.html">萧山区召开安全生产会议</a></li></ul></body></html>`
		b, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(page))
		w.Header().Set("Content-Type", "text/html")
		w.Write(b)
	})
	mux.HandleFunc("GET /rss.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
			<item><title>Feed one</title><link>/news/f1.html</link><pubDate>Mon, 02 Jan 2024 10:00:00 +0800</pubDate></item>
			<item><title>Feed two</title><link>http://elsewhere.example/x</link></item></channel></rss>`)
	})
	mux.HandleFunc("GET /sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
			<url><loc>`+"http://"+r.Host+`/news/s1.html</loc><lastmod>2024-02-03</lastmod></url></urlset>`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestDiscover(t *testing.T) {
	srv := fakeSite(t, 23)
	ctx := context.Background()
	sess, err := NewSession(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	base := srv.URL
	tests := []struct {
		name     string
		d        news.Discovery
		articles string
		want     []string
	}{
		{"html-list with next text", news.Discovery{Kind: news.KindHTMLList, URL: base + "/news/index.html"}, `/news/[as]\d+\.html$`,
			[]string{base + "/news/a1.html", base + "/news/a2.html", base + "/news/a3.html"}},
		{"html-list with next selector", news.Discovery{Kind: news.KindHTMLList, URL: base + "/news/index.html", Next: ".pager a.next"}, `/news/a\d+\.html$`,
			[]string{base + "/news/a1.html", base + "/news/a2.html", base + "/news/a3.html"}},
		{"gbk list", news.Discovery{Kind: news.KindHTMLList, URL: base + "/gbk/index.html"}, `/gbk/art_\d+\.html$`,
			[]string{base + "/gbk/art_1.html"}},
		{"feed", news.Discovery{Kind: news.KindFeed, URL: base + "/rss.xml"}, `^` + regexp.QuoteMeta(base),
			[]string{base + "/news/f1.html"}},
		{"sitemap", news.Discovery{Kind: news.KindSitemap, URL: base + "/sitemap.xml"}, `/news/`,
			[]string{base + "/news/s1.html"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dc := &Discoverer{Session: sess, ArticleURL: regexp.MustCompile(tt.articles), MaxPages: 5}
			links, err := dc.Discover(ctx, tt.d)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range links {
				got = append(got, l.URL)
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("gbk titles decoded", func(t *testing.T) {
		dc := &Discoverer{Session: sess, ArticleURL: regexp.MustCompile(`art_`), MaxPages: 1}
		links, err := dc.Discover(ctx, news.Discovery{Kind: news.KindHTMLList, URL: base + "/gbk/index.html"})
		if err != nil || len(links) != 1 || links[0].Title != "萧山区召开安全生产会议" {
			t.Errorf("got %+v %v, want the GBK title decoded", links, err)
		}
	})
}

func TestDiscoverDatastorePagesThroughProxy(t *testing.T) {
	for _, records := range []int{3, 10, 11, 23, 40} {
		t.Run(strconv.Itoa(records), func(t *testing.T) {
			srv := fakeSite(t, records)
			ctx := context.Background()
			sess, _ := NewSession(ctx, Options{})
			dc := &Discoverer{Session: sess, ArticleURL: regexp.MustCompile(`/art/\d{4}/\d+/\d+/art_1487002_\d+\.html$`), MaxPages: 100}
			links, err := dc.Discover(ctx, news.Discovery{Kind: news.KindHanwebDatastore, URL: srv.URL + "/col/col1487002/index.html"})
			if err != nil {
				t.Fatal(err)
			}
			if len(links) != records {
				t.Fatalf("got %d links, want %d", len(links), records)
			}
			for i, l := range links {
				if want := fmt.Sprintf("_%d.html", 1000+i+1); !strings.HasSuffix(l.URL, want) {
					t.Errorf("link %d: got %s, want suffix %s", i, l.URL, want)
				}
				if want := fmt.Sprintf("第%d条完整标题", i+1); l.Title != want {
					t.Errorf("link %d: title %q, want the full @title %q", i, l.Title, want)
				}
				if !strings.Contains(l.Date, "2024-01-") {
					t.Errorf("link %d: date %q", i, l.Date)
				}
			}
		})
	}
}

func TestCanonical(t *testing.T) {
	tests := []struct{ in, want string }{
		{"HTTP://Example.ORG:80/a/../b/c.html#x", "http://example.org/b/c.html"},
		{"https://e.org:443/x?utm_source=a&id=3&spm=1.2", "https://e.org/x?id=3"},
		{"http://e.org/art.html;jsessionid=ABC?x=1", "http://e.org/art.html?x=1"},
		{"http://e.org/dir/", "http://e.org/dir/"},
	}
	for _, tt := range tests {
		got, err := Canonical(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("Canonical(%q): got %q %v, want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestSessionKeepsRawBytes(t *testing.T) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte("<p>萧山</p>"))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=gbk")
		w.Write(gbk)
	}))
	defer srv.Close()
	ctx := context.Background()
	sess, _ := NewSession(ctx, Options{})
	resp, err := sess.Get(ctx, srv.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != string(gbk) {
		t.Errorf("body was re-encoded: got % x, want % x", resp.Body, gbk)
	}
	_, err = sess.Get(ctx, srv.URL+"/missing")
	if se, ok := err.(*StatusError); !ok || se.Status != 404 {
		t.Errorf("got %v, want a 404 StatusError", err)
	}
}

// ListPage reads one page of a list: its article links, as Discover
// keeps them, and where the list goes on.
func TestListPage(t *testing.T) {
	srv := fakeSite(t, 3)
	defer srv.Close()
	ctx := context.Background()
	s, err := NewSession(ctx, Options{IgnoreRobots: true})
	if err != nil {
		t.Fatal(err)
	}
	dc := &Discoverer{Session: s, ArticleURL: regexp.MustCompile(`/news/a\d\.html$`)}
	d := news.Discovery{Kind: news.KindHTMLList, URL: srv.URL + "/news/index.html"}
	links, next, err := dc.ListPage(ctx, d, d.URL)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range links {
		got = append(got, strings.TrimPrefix(l.URL, srv.URL))
	}
	if fmt.Sprint(got) != "[/news/a1.html /news/a2.html]" || next != srv.URL+"/news/index_2.html" {
		t.Errorf("page 1: got %v, next %q", got, next)
	}
	links, next, err = dc.ListPage(ctx, d, next)
	if err != nil || len(links) != 2 || next != "" {
		t.Errorf("page 2: got %v, next %q (%v), want two links and no next page", links, next, err)
	}
}
