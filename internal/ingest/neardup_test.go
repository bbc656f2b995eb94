package ingest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"riverside/internal/news"
)

// TestPassNearDuplicates crawls a release, an edited copy of it (a
// dateline added, the last paragraph trimmed, the title kept), a
// different release, and a release of the same template about the other
// district: the copy is stored, marked as a copy of the original, and
// listed with it; the others are releases of their own.
func TestPassNearDuplicates(t *testing.T) {
	release := append(append([]string{}, paragraphs...),
		"会上还发布了人才引进、科技金融和场景开放等配套措施，二十余家重点企业负责人参加会议并作交流发言。")
	pages := map[string][]string{
		"1": release,
		"2": append([]string{"杭州日报讯（记者 张伟）"}, release[:3]...),
		// The same template about another district: another release.
		"4": strings.Split(strings.ReplaceAll(strings.Join(release, "\n"), "滨江区", "萧山区"), "\n"),
		"3": {
			"萧山区近日印发湘湖保护与利用三年行动方案，明确了生态修复、文化传承和旅游发展的重点任务。",
			"方案提出，到二〇二七年，湘湖水质稳定保持在二类以上，周边绿道全部贯通，游客服务设施全面提升。",
			"区文旅部门表示，将结合湘湖半程马拉松等活动，进一步擦亮湘湖文化旅游品牌。",
		},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /news/index.html", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><ul><li><a href="/news/1.html">一</a></li><li><a href="/news/2.html">二</a></li><li><a href="/news/3.html">三</a></li><li><a href="/news/4.html">四</a></li></ul></body></html>`)
	})
	mux.HandleFunc("GET /news/{n}", func(w http.ResponseWriter, r *http.Request) {
		paras := pages[strings.TrimSuffix(r.PathValue("n"), ".html")]
		n := r.PathValue("n")
		title := map[string]string{"1.html": "滨江区召开数字经济发展大会", "2.html": "转载：滨江区召开数字经济发展大会", "3.html": "萧山区推进湘湖保护", "4.html": "萧山区召开数字经济发展大会"}[n]
		fmt.Fprintf(w, `<html><head><title>%s</title></head><body><h1>%s</h1><div class="info">发布时间：2025-03-12 09:30</div><div class="content"><p>%s</p></div></body></html>`,
			title, title, strings.Join(paras, "</p><p>"))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	ctx := context.Background()
	st := openStore(t)
	src := news.Source{
		ID:         "static",
		Discovery:  []news.Discovery{{Kind: news.KindHTMLList, URL: srv.URL + "/news/index.html"}},
		ArticleURL: `^` + regexp.QuoteMeta(srv.URL) + `/news/\d+\.html$`,
		MaxPages:   1,
	}
	got := (&Ingester{Store: st}).Pass(ctx, src)
	if got.New != 4 || got.Failed != 0 {
		t.Fatalf("pass: %+v, want 4 new (the copy is kept)", got)
	}
	arts, err := st.Since(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]news.Article{}
	for _, a := range arts {
		byPath[strings.TrimPrefix(a.URL, srv.URL)] = a
	}
	orig, cp, other, template := byPath["/news/1.html"], byPath["/news/2.html"], byPath["/news/3.html"], byPath["/news/4.html"]
	if cp.DuplicateOf != orig.ID || orig.DuplicateOf != "" || other.DuplicateOf != "" || template.DuplicateOf != "" {
		t.Errorf("DuplicateOf: original %q, copy %q (want %q), other %q, same template %q",
			orig.DuplicateOf, cp.DuplicateOf, orig.ID, other.DuplicateOf, template.DuplicateOf)
	}
	dups, err := st.Duplicates(ctx, orig.ID)
	if err != nil || len(dups) != 1 || dups[0] != srv.URL+"/news/2.html" {
		t.Errorf("copies of the original: %v %v", dups, err)
	}
}
