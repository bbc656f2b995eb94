package ingest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"riverside/internal/news"
	"riverside/internal/store"
)

var paragraphs = []string{
	"滨江区今天召开数字经济发展大会，发布了支持集成电路和人工智能产业的一揽子政策措施。",
	"会议指出，要持续优化营商环境，加快建设世界一流的高科技园区，推动更多企业在物联网小镇落地。",
	"下一步，区里将围绕企业的实际需求，做好要素保障和人才服务，确保各项政策尽快落到实处。",
}

// staticSite is the simplest source of DESIGN.md: an index page linking
// article pages. Article 3 is served in GBK with no declaration at all,
// and article 4 repeats article 1's text (a repost).
func staticSite(t *testing.T) *httptest.Server {
	t.Helper()
	page := func(title, date string, paras []string) string {
		var b strings.Builder
		fmt.Fprintf(&b, `<html><head><title>%s_示例门户</title></head><body>
			<div class="nav"><a href="/">首页</a> <a href="/news/">新闻</a> <a href="/about">关于我们</a></div>
			<h1>%s</h1><div class="info">发布时间：%s 来源：区融媒体中心</div><div class="content">`, title, title, date)
		for _, p := range paras {
			fmt.Fprintf(&b, "<p>%s</p>\n", p)
		}
		b.WriteString(`</div><div class="share">分享到：微信 微博</div><div class="footer">版权所有 示例门户 备案号：浙ICP备00000000号</div></body></html>`)
		return b.String()
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /news/index.html", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><ul>
			<li><a href="/news/1.html">滨江区召开数字经济发展大会</a></li>
			<li><a href="/news/2.html">萧山区推进湘湖保护</a></li>
			<li><a href="/news/3.html">萧山区部门动态</a></li>
			<li><a href="/news/4.html">转载：数字经济发展大会</a></li>
			<li><a href="/news/missing.html">已删除</a></li>
			<li><a href="/about">关于我们</a></li></ul></body></html>`)
	})
	mux.HandleFunc("GET /news/1.html", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, page("滨江区召开数字经济发展大会", "2025-03-12 09:30", paragraphs))
	})
	mux.HandleFunc("GET /news/4.html", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, page("转载：数字经济发展大会", "2025-03-13 10:00", paragraphs))
	})
	mux.HandleFunc("GET /news/2.html", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, page("萧山区推进湘湖保护", "2025-04-01 08:00", []string{
			"萧山区近日印发湘湖保护与利用三年行动方案，明确了生态修复、文化传承和旅游发展的重点任务。",
			"方案提出，到二〇二七年，湘湖水质稳定保持在二类以上，周边绿道全部贯通，游客服务设施全面提升。",
		}))
	})
	mux.HandleFunc("GET /news/3.html", func(w http.ResponseWriter, r *http.Request) {
		b, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(page("萧山区部门动态", "2025-05-06 14:00", []string{
			"萧山区市场监管局近日开展食品安全专项检查，共检查餐饮单位一百二十家，督促整改问题四十三个。",
			"检查人员表示，将继续加大监管力度，切实保障群众舌尖上的安全，营造放心消费环境。",
		})))
		w.Header().Set("Content-Type", "text/html")
		w.Write(b)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestPassStaticSite(t *testing.T) {
	srv := staticSite(t)
	ctx := context.Background()
	st := openStore(t)
	src := news.Source{
		ID:         "static",
		Discovery:  []news.Discovery{{Kind: news.KindHTMLList, URL: srv.URL + "/news/index.html"}},
		ArticleURL: `^` + regexp.QuoteMeta(srv.URL) + `/news/[\w-]+\.html$`,
		MaxPages:   1,
	}
	in := &Ingester{Store: st}
	got := in.Pass(ctx, src)
	if got.Discovered != 5 || got.Fetched != 4 || got.New != 3 || got.Duplicate != 1 || got.Failed != 1 {
		t.Errorf("first pass: got %+v, want 5 discovered, 4 fetched, 3 new, 1 duplicate, 1 failed", got)
	}
	again := in.Pass(ctx, src)
	if again.New != 0 || again.Fetched != 0 || again.Known != 4 {
		t.Errorf("second pass: got %+v, want nothing new, nothing fetched, 4 known", again)
	}

	arts, err := st.Since(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	byURL := map[string]news.Article{}
	for _, a := range arts {
		byURL[strings.TrimPrefix(a.URL, srv.URL)] = a
	}
	a1 := byURL["/news/1.html"]
	if a1.Title != "滨江区召开数字经济发展大会" || a1.Lang != "zh" || a1.Published.Format("2006-01-02 15:04") != "2025-03-12 09:30" {
		t.Errorf("article 1 metadata: %q %q %v", a1.Title, a1.Lang, a1.Published)
	}
	if a1.Text != strings.Join(paragraphs, "\n\n") {
		t.Errorf("article 1 text:\n%s\nwant:\n%s", a1.Text, strings.Join(paragraphs, "\n\n"))
	}
	if len(a1.Districts) != 1 || a1.Districts[0] != news.Binjiang {
		t.Errorf("article 1 districts: got %v, want [binjiang]", a1.Districts)
	}
	if a2 := byURL["/news/2.html"]; len(a2.Districts) != 1 || a2.Districts[0] != news.Xiaoshan {
		t.Errorf("article 2 districts: got %v, want [xiaoshan]", a2.Districts)
	}
	if a3 := byURL["/news/3.html"]; !strings.Contains(a3.Text, "食品安全专项检查") || !strings.Contains(a3.Title, "部门动态") {
		t.Errorf("GBK article garbled: %q / %q", a3.Title, a3.Text)
	}
	dups, err := st.Duplicates(ctx, a1.ID)
	if err != nil || len(dups) != 1 || !strings.HasSuffix(dups[0], "/news/4.html") {
		t.Errorf("duplicates of article 1: got %v %v", dups, err)
	}
}

func TestDistricts(t *testing.T) {
	tests := []struct {
		source, text string
		want         []string
	}{
		{"binjiang", "萧山", []string{"binjiang"}},
		{"", "滨江区和萧山区签约，萧山区瓜沥镇", []string{"xiaoshan", "binjiang"}},
		{"", "Hangzhou High-tech Zone (Binjiang)", []string{"binjiang"}},
		{"", "西湖区", []string{}},
		// Subdistricts, towns and zones of the gazetteer, in either language.
		{"", "Wenyan Subdistrict held a fair near Xianghu Lake", []string{"xiaoshan"}},
		{"", "浦沿街道社区活动", []string{"binjiang"}},
		{"", "ＢＩＮＪＩＡＮＧ", []string{"binjiang"}},
		// A company is named in news from anywhere; the shared river tags nothing.
		{"", "Hikvision opened an office on the Qiantang River", []string{}},
	}
	for _, tt := range tests {
		got := Districts(tt.source, tt.text)
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("Districts(%q, %q): got %v, want %v", tt.source, tt.text, got, tt.want)
		}
	}
}

func TestRequireFilters(t *testing.T) {
	src := news.Source{Require: []string{"滨江", "Binjiang"}}
	for text, want := range map[string]bool{"关于滨江的报道": true, "news of binjiang": true, "西湖区新闻": false} {
		if got := concerns(src, &news.Article{Text: text}); got != want {
			t.Errorf("concerns(%q): got %v, want %v", text, got, want)
		}
	}
}

// openStore opens a store in a temporary directory, closed when the test
// ends.
func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
