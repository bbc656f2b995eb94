package crawl

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"riverside/internal/news"
)

func TestDiscoverJPaaS(t *testing.T) {
	const total = 45
	mux := http.NewServeMux()
	mux.HandleFunc("GET /col/col1487002/index.html", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><div class="list"><script id="u1" src="/script/AuthorizedRead/unitbuild.js?v=1" webId="2945" parseType="bulidstatic"
			url="/api-gateway/jpaas-publish-server/front/page/build/unit"
			queryData="{'parseType':'bulidstatic','webId':'2945','tplSetId':'quSy','pageType':'column','tagId':'阳光政务_分页列表','editType':'null','pageId':'1487002'}"></script></div></body></html>`)
	})
	mux.HandleFunc("GET /api-gateway/jpaas-publish-server/front/page/build/unit", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("tagId") != "阳光政务_分页列表" || q.Get("pageId") != "1487002" || q.Get("webId") != "2945" {
			fmt.Fprint(w, `{"success":false,"data":{}}`)
			return
		}
		var p struct{ PageNo, PageSize int }
		json.Unmarshal([]byte(q.Get("paramJson")), &p)
		if p.PageNo == 0 {
			p.PageNo = 1 // bare parameters are ignored: page 1
		}
		html := `<div id="阳光政务_分页列表"><div class="page-content">`
		for i := (p.PageNo-1)*p.PageSize + 1; i <= p.PageNo*p.PageSize && i <= total; i++ {
			if i%2 == 0 {
				html += fmt.Sprintf(`<li><a class="news" href="/col/col1487002/art/2025/art_%032x.html">标题%d</a><span class="time">2025-01-02</span></li>`, i, i)
			} else {
				html += fmt.Sprintf(`<li><a class="news" href="/art/2025/1/2/art_1487002_%d.html">标题%d</a><span class="time">2025-01-02</span></li>`, 5000+i, i)
			}
		}
		html += `</div></div><script>oLayPageRender({rows:"20", count:"45", pageNo:"1"})</script>`
		json.NewEncoder(w).Encode(map[string]any{"success": true, "code": "200", "data": map[string]string{"html": html}})
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	ctx := context.Background()
	sess, _ := NewSession(ctx, Options{})
	dc := &Discoverer{Session: sess, MaxPages: 10,
		ArticleURL: regexp.MustCompile(`/(art/\d{4}/\d+/\d+/art_\d+_\d+|col/col\d+/art/\d{4}/art_[0-9a-f]{32})\.html$`)}
	links, err := dc.Discover(ctx, news.Discovery{Kind: news.KindHanwebJPaaS, URL: srv.URL + "/col/col1487002/index.html"})
	if err != nil {
		t.Fatal(err)
	}
	if len(links) != total {
		t.Fatalf("got %d links, want %d", len(links), total)
	}
	if links[0].Title != "标题1" || links[44].Title != "标题45" {
		t.Errorf("order or titles wrong: first %+v, last %+v", links[0], links[44])
	}
}
