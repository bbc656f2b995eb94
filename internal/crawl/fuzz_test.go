package crawl

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"riverside/internal/news"
)

// fuzzBase is where the fuzzed pages pretend to come from.
var fuzzBase, _ = url.Parse("https://www.hhtz.gov.cn/col/col1487002/index.html")

// checkLinks fails on a link that is not an absolute URL of its own.
func checkLinks(t *testing.T, links []Link) {
	t.Helper()
	for _, l := range links {
		u, err := url.Parse(l.URL)
		if err != nil || !u.IsAbs() {
			t.Fatalf("link %q: not an absolute URL (%v)", l.URL, err)
		}
	}
}

// FuzzDatastore feeds any text to the Hanweb datastore readers: records,
// the nextgroup link and the jpage parameters.
func FuzzDatastore(f *testing.F) {
	f.Add(`<datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&amp;webid=2945"></a>]]></nextgroup><recordset>` +
		`<record><![CDATA[<li><a href="/art/2024/1/2/art_1487002_1.html" title="全">标题</a><span>[2024-01-02]</span></li>]]></record>` +
		`</recordset></datastore><script>var param_4678776={col:1,appid:1,webid:2945,path:'/',webname:'滨江'};` +
		`$('#4678776').jpage({totalRecord:23,groupSize:2,proxyUrl:'/module/web/jpage/dataproxy.jsp',perPage:5})</script>`)
	f.Add(`<record><![CDATA[<a href="javascript:void(0)">x</a><a href="http://[::1">y</a><a href="//evil.example/x">z</a>]]></record>`)
	f.Add(`<record><![CDATA[]]></record><record><![CDATA[<a href=">]]></record>`)
	f.Add(`var param_1={a:'1',b:"2",c:3,,:,}`)
	f.Fuzz(func(t *testing.T, text string) {
		links, n := recordLinks(text, fuzzBase)
		if n < 0 || (n == 0 && len(links) > 0) {
			t.Fatalf("%d records, %d links", n, len(links))
		}
		checkLinks(t, links)
		if next := nextGroup(text, fuzzBase); next != "" {
			if u, err := url.Parse(next); err != nil || !u.IsAbs() {
				t.Fatalf("nextgroup %q: not an absolute URL", next)
			}
		}
		for k := range jpageParams(text) {
			if k == "" {
				t.Fatal("an empty jpage parameter name")
			}
		}
		_ = atoiMatch(totalRecordRE, text)
	})
}

// FuzzJPaaSQuery feeds any column page to the JPaaS script reader.
func FuzzJPaaSQuery(f *testing.F) {
	f.Add(`<script id="u1" src="/script/AuthorizedRead/unitbuild.js?v=1" url="/api-gateway/jpaas-publish-server/front/page/build/unit" ` +
		`queryData="{'parseType':'bulidstatic','webId':'2945','tagId':'阳光政务_分页列表','pageId':'1487002'}"></script>`)
	f.Add(`<script url="build/unit" queryData="{'a':1}">`)
	f.Add(`<script url="http://[::1/build/unit" queryData="{}">`)
	f.Add(`<script url='build/unit' queryData="{&#39;a&#39;:&#39;b&#39;}">`)
	f.Fuzz(func(t *testing.T, page string) {
		api, query, err := jpaasQuery(page, fuzzBase)
		if err != nil {
			return
		}
		if api == nil || !api.IsAbs() || query == nil {
			t.Fatalf("no error, but API %v, query %v", api, query)
		}
	})
}

// fuzzSite serves one fuzzed body at every path, with the fuzzed content
// type; "$BASE" in the body becomes the site's own URL, so that inputs can
// link back to the site (pages that page on forever, sitemaps that list
// themselves).
type fuzzSite struct {
	srv      *httptest.Server
	mu       sync.Mutex
	body     []byte
	ct       string
	requests atomic.Int64
}

func newFuzzSite(f *testing.F) *fuzzSite {
	s := &fuzzSite{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		s.mu.Lock()
		body, ct := s.body, s.ct
		s.mu.Unlock()
		if ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		w.Write(body)
	}))
	f.Cleanup(s.srv.Close)
	return s
}

func (s *fuzzSite) serve(body []byte, ct string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.body = []byte(strings.ReplaceAll(string(body), "$BASE", s.srv.URL))
	s.ct = ct
	s.requests.Store(0)
}

// fuzzMaxPages bounds the pages a Discoverer walks in FuzzDiscover.
const fuzzMaxPages = 3

// FuzzDiscover serves any bytes, as any content type, as a list page,
// datastore, JPaaS column, feed or sitemap, over real HTTP on loopback,
// and runs discovery on it: it must end, within its page bound, with
// absolute links or an error.
func FuzzDiscover(f *testing.F) {
	kinds := []string{news.KindHTMLList, news.KindHanwebDatastore, news.KindHanwebJPaaS, news.KindFeed, news.KindSitemap}
	f.Add(uint8(0), []byte(`<ul><li><a href="/art/1.html">一</a> 2024-01-02</li></ul><a href="$BASE/list?p=2">下一页</a>`), "text/html")
	f.Add(uint8(0), []byte(`<a href="?p=1">next</a><a href="?p=1&amp;x">next</a>`), "")
	f.Add(uint8(1), []byte(`<datastore><nextgroup><![CDATA[<a href="$BASE/next"></a>]]></nextgroup><record><![CDATA[<a href="/art/2.html">二</a>]]></record></datastore>`), "text/html; charset=gbk")
	f.Add(uint8(1), []byte(`<record><![CDATA[<a href="/a.html">a</a>]]></record><script>var param_1={col:1};$('#1').jpage({totalRecord:0,proxyUrl:'/p.jsp',perPage:5,groupSize:0})</script>`), "")
	f.Add(uint8(2), []byte(`{"success":true,"data":{"html":"<a href=\"/art/3.html\">三</a>"}}<script url="/build/unit" queryData="{'pageId':'1'}"></script>`), "application/json")
	f.Add(uint8(3), []byte(`<?xml version="1.0"?><rss version="2.0"><channel><item><title>t</title><link>/f1.html</link><pubDate>Mon, 02 Jan 2024 10:00:00 +0800</pubDate></item></channel></rss>`), "application/rss+xml")
	f.Add(uint8(3), []byte(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>a</title><link href="http://[::1"/></entry></feed>`), "")
	f.Add(uint8(4), []byte(`<urlset><url><loc> $BASE/s1.html </loc><lastmod>2024-02-03</lastmod></url></urlset>`), "text/xml")
	// A sitemap index that lists itself: a server could keep a crawler
	// fetching it forever.
	f.Add(uint8(4), []byte(`<sitemapindex><sitemap><loc>$BASE/sitemap.xml</loc></sitemap><url><loc>$BASE/a.html</loc></url></sitemapindex>`), "")
	f.Add(uint8(4), []byte(`<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><urlset><url><loc>&b;</loc></url></urlset>`), "")
	site := newFuzzSite(f)
	sess, err := NewSession(context.Background(), Options{IgnoreRobots: true, Retries: -1, Timeout: 10 * time.Second})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, kind uint8, body []byte, ct string) {
		site.serve(body, ct)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		dc := &Discoverer{Session: sess, MaxPages: fuzzMaxPages}
		d := news.Discovery{Kind: kinds[int(kind)%len(kinds)], URL: site.srv.URL + "/list"}
		links, _ := dc.Discover(ctx, d)
		if ctx.Err() != nil {
			t.Fatalf("%s discovery did not end", d.Kind)
		}
		checkLinks(t, links)
		// A list page, a datastore and its groups, the JPaaS column and
		// its pages, a sitemap and the sitemaps it names: each kind walks
		// a bounded number of pages, whatever the server says.
		if n := site.requests.Load(); n > 2*fuzzMaxPages+1 {
			t.Fatalf("%s discovery fetched %d pages, want at most %d", d.Kind, n, 2*fuzzMaxPages+1)
		}
	})
}

// TestSitemapIndexLoop is the regression test of what FuzzDiscover found:
// a sitemap index that names itself was followed without end.
func TestSitemapIndexLoop(t *testing.T) {
	var hits atomic.Int64
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte(`<sitemapindex><sitemap><loc>` + srv.URL + `/sitemap.xml</loc></sitemap><sitemap><loc>/sitemap.xml?again</loc></sitemap>` +
			`<url><loc>/news/a.html</loc></url></sitemapindex>`))
	}))
	defer srv.Close()
	sess, err := NewSession(context.Background(), Options{IgnoreRobots: true})
	if err != nil {
		t.Fatal(err)
	}
	dc := &Discoverer{Session: sess, MaxPages: 5}
	links, err := dc.Discover(context.Background(), news.Discovery{Kind: news.KindSitemap, URL: srv.URL + "/sitemap.xml"})
	if err != nil {
		t.Fatal(err)
	}
	// The index and the two sitemaps it names, not their sitemaps.
	if n := hits.Load(); n != 3 {
		t.Errorf("%d fetches, want 3", n)
	}
	// The relative <loc> is read against the sitemap's URL.
	if len(links) != 1 || links[0].URL != srv.URL+"/news/a.html" {
		t.Errorf("links %+v, want %s/news/a.html once", links, srv.URL)
	}
}
