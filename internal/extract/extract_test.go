package extract

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"riverside/internal/news"
)

var update = flag.Bool("update", false, "rewrite the golden testdata/*.json files")

// Seed-like pages in testdata: each stands for a kind of page the
// crawler meets (see shared/seeds and sites-reference/README.md).
var testPages = []struct {
	name, url, seed string
}{
	{"hanweb_zh", "https://www.hhtz.gov.cn/art/2024/1/10/art_1487002_59061400.html", ""},
	{"hanweb_en", "https://www.hhtz.gov.cn/art/2024/1/10/art_1487272_59061483.html", "000"},
	{"stdaily", "http://www.stdaily.com/English/BusinessNews/2022-06/20/content_1351234.shtml", "001"},
	{"ehangzhou", "https://www.ehangzhou.gov.cn/2021-05/12/c_612345.htm", "002"},
	{"kyodo", "https://english.kyodonews.net/news/2022/11/prw-binjiang.html", "003"},
	{"aggregator", "https://example-news.com/news/2.html", "004"},
	// Pages of the offline mirror (cmd/mirror), as the end-to-end test
	// crawls them.
	{"hhtz_en_mirror", "http://127.0.0.1:28999/hhtz/art/2024/1/10/art_1487272_59061483.html", "000"},
	{"stdaily_mirror", "http://127.0.0.1:28999/stdaily/English/BusinessNews/content_1362845.html", "001"},
	{"prnews_mirror", "http://127.0.0.1:28999/prnews/releases/114523.html", "003"},
	{"aggregator_mirror", "http://127.0.0.1:28999/aggregator/2022/05/11/hangzhou-bay-information-port-was-awarded-xiaoshan-district-outstanding-key-scie-10452/", "004"},
	{"hhtz_zh_mirror", "http://127.0.0.1:28999/hhtz/art/2026/11/6/art_1487002_42358416.html", ""},
	{"hhtz_tzgg_mirror", "http://127.0.0.1:28999/hhtz/art/2026/8/18/art_1485818_42359107.html", ""},
	{"xiaoshan_mirror", "http://127.0.0.1:28999/xiaoshan/art/2026/10/28/art_1229292680_52610013.html", ""},
	{"xiaoshan_gbk_mirror", "http://127.0.0.1:28999/xiaoshan/art/2026/7/15/art_1229292681_52620009.html", ""},
	{"ehangzhou_mirror", "http://127.0.0.1:28999/ehangzhou/2021-05/12/c_726519.htm", ""},
	{"xsnet_mirror", "http://127.0.0.1:28999/xsnet/2026-11/18/content_63070009.htm", ""},
}

// golden is the part of a Page that the golden files pin down.
type golden struct {
	URL       string            `json:"url"`
	Title     string            `json:"title"`
	Published string            `json:"published"`
	Author    string            `json:"author"`
	Source    string            `json:"source"`
	Lang      string            `json:"lang"`
	Fields    map[string]string `json:"fields,omitempty"`
	Next      []string          `json:"next,omitempty"`
	Charset   string            `json:"charset"`
	Text      string            `json:"text"`
}

func toGolden(p *Page) golden {
	g := golden{URL: p.URL, Title: p.Title, Author: p.Author, Source: p.Source, Lang: p.Lang,
		Fields: p.Fields, Next: p.Next, Charset: p.Charset, Text: p.Text}
	if !p.Published.IsZero() {
		g.Published = p.Published.Format(time.RFC3339)
	}
	return g
}

func extractFile(t *testing.T, path, url string) *Page {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Extract(raw, "", url, news.Selectors{})
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	return p
}

func TestGolden(t *testing.T) {
	for _, tp := range testPages {
		t.Run(tp.name, func(t *testing.T) {
			p := extractFile(t, filepath.Join("testdata", tp.name+".html"), tp.url)
			got, err := json.MarshalIndent(toGolden(p), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			file := filepath.Join("testdata", tp.name+".json")
			if *update {
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if string(got) != string(want) {
				t.Errorf("%s changed; got\n%s\nwant\n%s", file, got, want)
			}
		})
	}
}

// TestSeeds checks the seed-like pages against shared/seeds/truth.json:
// the body words, no boilerplate, and the metadata.
func TestSeeds(t *testing.T) {
	raw, err := os.ReadFile("../../../shared/seeds/truth.json")
	if err != nil {
		t.Skip("seeds not available")
	}
	var truths []struct {
		Seed, Title, Published, Author, Source, Lang string
		Body, Boilerplate                            []string
	}
	if err := json.Unmarshal(raw, &truths); err != nil {
		t.Fatal(err)
	}
	for _, tp := range testPages {
		if tp.seed == "" {
			continue
		}
		for _, tr := range truths {
			if !strings.HasPrefix(tr.Seed, tp.seed) {
				continue
			}
			t.Run(tp.name, func(t *testing.T) {
				p := extractFile(t, filepath.Join("testdata", tp.name+".html"), tp.url)
				if r := wordRecall(strings.Join(tr.Body, "\n"), p.Text); r < 0.97 {
					t.Errorf("body word recall %.3f, want ≥ 0.97; text:\n%s", r, p.Text)
				}
				for _, b := range tr.Boilerplate {
					if strings.Contains(p.Text, b) {
						t.Errorf("text contains boilerplate %q", b)
					}
				}
				if p.Title != tr.Title {
					t.Errorf("title: got %q, want %q", p.Title, tr.Title)
				}
				pub := ""
				if !p.Published.IsZero() {
					pub = p.Published.Format(time.RFC3339)
				}
				if tr.Published != "" && pub != tr.Published {
					t.Errorf("published: got %q, want %q", pub, tr.Published)
				}
				if p.Author != tr.Author {
					t.Errorf("author: got %q, want %q", p.Author, tr.Author)
				}
				if tr.Source != "" && p.Source != tr.Source {
					t.Errorf("source: got %q, want %q", p.Source, tr.Source)
				}
				if p.Lang != tr.Lang {
					t.Errorf("lang: got %q, want %q", p.Lang, tr.Lang)
				}
			})
		}
	}
}

// wordRecall is the share of the truth's words (with multiplicity) that
// the text contains.
func wordRecall(truth, text string) float64 {
	have := map[string]int{}
	for _, w := range strings.Fields(text) {
		have[w]++
	}
	words := strings.Fields(truth)
	if len(words) == 0 {
		return 1
	}
	found := 0
	for _, w := range words {
		if have[w] > 0 {
			have[w]--
			found++
		}
	}
	return float64(found) / float64(len(words))
}

func TestHanwebZh(t *testing.T) {
	p := extractFile(t, "testdata/hanweb_zh.html", testPages[0].url)
	checks := []struct{ field, got, want string }{
		{"title", p.Title, "杭州高新区召开数字经济高质量发展大会"},
		{"published", p.Published.Format(time.RFC3339), "2024-01-10T09:27:00+08:00"},
		{"source", p.Source, "区经信局"},
		{"author", p.Author, ""},
		{"lang", p.Lang, "zh"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.field, c.got, c.want)
		}
	}
	for _, bad := range []string{"打印", "关闭", "微信", "版权所有", "大汉", "发布日期", "信息来源", "当前位置"} {
		if strings.Contains(p.Text, bad) {
			t.Errorf("text contains %q", bad)
		}
	}
	if !strings.HasPrefix(p.Text, "杭州高新区（滨江）召开") {
		t.Errorf("text should start with the body without indent; got %q", p.Text[:40])
	}
}

func TestNext(t *testing.T) {
	p := extractFile(t, "testdata/ehangzhou.html", "https://www.ehangzhou.gov.cn/2021-05/12/c_612345.htm")
	want := []string{"https://www.ehangzhou.gov.cn/2021-05/12/c_612345_2.htm", "https://www.ehangzhou.gov.cn/2021-05/12/c_612345_3.htm"}
	if strings.Join(p.Next, " ") != strings.Join(want, " ") {
		t.Errorf("next: got %q, want %q", p.Next, want)
	}
	p = extractFile(t, "testdata/ehangzhou.html", "https://www.ehangzhou.gov.cn/2021-05/12/c_612345_2.htm")
	if len(p.Next) != 1 || p.Next[0] != want[1] {
		t.Errorf("next from page 2: got %q, want %q", p.Next, want[1:])
	}
}

// TestSitesReference runs the real saved pages of sites-reference.
func TestSitesReference(t *testing.T) {
	dir := "../../../shared/sites-reference"
	tests := []struct {
		file, url                          string
		title, published, source, contains string
		absent                             []string
	}{
		{"hanweb/fgw-zj-gov-cn_art_1621004_30332664_2016.html", "http://fgw.zj.gov.cn/art/2016/11/22/art_1621004_30332664.html",
			"", "2016-11-22T09:53:00+08:00", "省发改委", "", []string{"打印", "关闭", "版权所有", "发布日期"}},
		{"news/xinhuanet_world_c_1125327450_2019.html", "http://www.xinhuanet.com/world/2019-12/10/c_1125327450.htm",
			"", "2019-12-10T07:57:40+08:00", "新华网", "", []string{"2018-03-02"}},
		{"news/shanxi-gov-cn_trs-article_2019.html", "http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918_693227.shtml",
			"山西品牌丝路行（南美站）正式启动", "2019-09-18T06:23:00+08:00", "山西日报", "", nil},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			path := filepath.Join(dir, tt.file)
			if _, err := os.Stat(path); err != nil {
				t.Skip("sites-reference not available")
			}
			p := extractFile(t, path, tt.url)
			if got := p.Published.Format(time.RFC3339); got != tt.published {
				t.Errorf("published: got %s, want %s", got, tt.published)
			}
			if p.Source != tt.source {
				t.Errorf("source: got %q, want %q", p.Source, tt.source)
			}
			if tt.title != "" && p.Title != tt.title {
				t.Errorf("title: got %q, want %q", p.Title, tt.title)
			}
			if p.Lang != "zh" {
				t.Errorf("lang: got %q, want zh", p.Lang)
			}
			if len([]rune(p.Text)) < 200 {
				t.Errorf("text too short: %q", p.Text)
			}
			for _, a := range tt.absent {
				if strings.Contains(p.Text, a) {
					t.Errorf("text contains %q", a)
				}
			}
		})
	}
}

func TestSelectors(t *testing.T) {
	raw := []byte(`<html><body><div class="t">Headline here</div><span class="d">2021-03-04 05:06</span>
<div class="a">Jane Roe</div><div class="s">Some Paper</div><div class="b"><p>Only this body counts, it says.</p></div>
<div class="other"><p>Not this long paragraph of text, which an automatic choice might well prefer over the short one above, since it is longer.</p></div></body></html>`)
	sel := news.Selectors{Title: ".t", Body: ".b", Date: ".d", Author: ".a", Source: ".s"}
	p, err := Extract(raw, "text/html", "https://example.com/x", sel)
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "Headline here" || p.Author != "Jane Roe" || p.Source != "Some Paper" ||
		p.Text != "Only this body counts, it says." || p.Published.Format(time.RFC3339) != "2021-03-04T05:06:00+08:00" {
		t.Errorf("got %+v", p)
	}
}

func TestErrors(t *testing.T) {
	for _, in := range []string{"", `{"a":1}`, "just words", "<html><body></body></html>"} {
		if _, err := Extract([]byte(in), "", "https://example.com/", news.Selectors{}); err == nil {
			t.Errorf("Extract(%q): want an error", in)
		}
	}
}

func TestJSON(t *testing.T) {
	p := &Page{URL: "u", Title: "t", Published: time.Date(2022, 5, 11, 0, 0, 0, 0, news.Shanghai), Lang: "en", Text: "x"}
	b, err := p.JSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"url":"u","title":"t","published":"2022-05-11T00:00:00+08:00","author":"","source":"","lang":"en","text":"x"}`
	if string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
	b, _ = (&Page{}).JSON()
	if !strings.Contains(string(b), `"published":""`) {
		t.Errorf("zero time: got %s", b)
	}
}

func FuzzExtract(f *testing.F) {
	f.Add([]byte(`<html><body><div id="zoom"><!--ZJEG_RSS.content.begin--><p>正文</p><!--ZJEG_RSS.content.end--></div></body></html>`), "https://a.gov.cn/art/2024/1/10/art_1_2.html")
	f.Add([]byte(`<p>By X<br><br>1 2 3 ></p><table><tr><td>a<td>b</table>`), "http://x/c_1_2.htm")
	// More seeds, hostile ones among them (deep nesting, huge attributes,
	// broken encodings), are in testdata/fuzz/FuzzExtract.
	f.Fuzz(func(t *testing.T, raw []byte, u string) {
		p, err := Extract(raw, "", u, news.Selectors{})
		if err != nil {
			return
		}
		if _, err := p.JSON(); err != nil {
			t.Fatal(err)
		}
		if !utf8.ValidString(p.Text) || !utf8.ValidString(p.Title) || !utf8.ValidString(p.Author) {
			t.Fatalf("invalid UTF-8 out: %q %q %q", p.Title, p.Author, p.Text)
		}
		if (p.Text == "") != (p.Method == "") {
			t.Fatalf("method %q for text %q", p.Method, p.Text)
		}
	})
}

func BenchmarkExtract(b *testing.B) {
	shared := os.Getenv("SHARED") // the shared folder, when not ../shared of the repository
	if shared == "" {
		shared = "../../../shared"
	}
	files, _ := filepath.Glob(filepath.Join(shared, "extract-bench/dev/*.html"))
	if len(files) == 0 {
		b.Skip("extract-bench not available")
	}
	var pages [][]byte
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		pages = append(pages, raw)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Extract(pages[i%len(pages)], "", "https://example.com/", news.Selectors{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestFinerDate: a less trusted source that states the same instant more
// finely refines the trusted one; a different instant does not.
func TestFinerDate(t *testing.T) {
	tests := []struct{ meta, line, want string }{
		{"2024-01-10 09:27", "ReleaseDate: 2024-01-10 09:27:19", "2024-01-10T09:27:19+08:00"},
		{"2024-01-10", "发布时间：2024-01-10 09:27", "2024-01-10T09:27:00+08:00"},
		{"2024-01-10 09:27", "发布时间：2024-01-10 09:28:05", "2024-01-10T09:27:00+08:00"},
		{"2024-01-10", "发布时间：2024-01-11 09:27", "2024-01-10T00:00:00+08:00"},
	}
	for _, tt := range tests {
		raw := `<html><head><meta name="PubDate" content="` + tt.meta + `"></head><body><h1>Headline</h1><div>` + tt.line +
			`</div><div><p>The body of the article, long enough to be the article, with a comma, and another one.</p></div></body></html>`
		p, err := Extract([]byte(raw), "", "https://example.com/a.html", news.Selectors{})
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Published.Format(time.RFC3339); got != tt.want {
			t.Errorf("meta %q, line %q: got %s, want %s", tt.meta, tt.line, got, tt.want)
		}
	}
}

func TestAuthor(t *testing.T) {
	body := `<div class="story"><p>The body of the article, long enough to be the article, with a comma, and another one, and more.</p>
<p>A second paragraph of the story, which goes on, and on, about the matter at hand.</p></div>`
	tests := []struct{ name, page, want string }{
		{"byline before the body", `<h1>Headline of it</h1><p class="meta">By Jane Roe &amp; John Doe</p>` + body, "Jane Roe & John Doe"},
		{"byline element", `<h1>Headline of it</h1><p>Some teaser</p><p>Another line</p><p>More lines</p><p>And more</p><p>Still</p><p>Again</p><div class="author-name">Jane Roe | Updated 10:32</div>` + body, "Jane Roe"},
		{"comment author is not the byline", `<h1>Headline of it</h1>` + body + `<div class="comments"><span class="author">Troll</span></div>`, ""},
		{"reporter in the prose", `<h1>标题在这里</h1><div class="content"><p>清明前后，正是春茶采摘的好时节。记者近日走进河上镇的茶园，只见茶垄在山坡上铺展开来。</p><p>茶农们腰系竹篓、穿梭其间，双手翻飞，采摘着一年中最鲜嫩的头茶，十分忙碌。</p></div>`, ""},
		{"labelled reporters", `<h1>标题在这里</h1><div>作者：记者 王晓燕 通讯员 李明　编辑：沈佳</div><div class="content"><p>清明前后，正是春茶采摘的好时节。茶垄在山坡上铺展开来，嫩绿的新芽挂满枝头。</p><p>茶农们腰系竹篓、穿梭其间，双手翻飞，采摘着一年中最鲜嫩的头茶，十分忙碌。</p></div>`, "王晓燕 李明"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Extract([]byte("<html><body>"+tt.page+"</body></html>"), "", "https://example.com/a.html", news.Selectors{})
			if err != nil {
				t.Fatal(err)
			}
			if p.Author != tt.want {
				t.Errorf("author: got %q, want %q", p.Author, tt.want)
			}
		})
	}
}

func TestTitle(t *testing.T) {
	tests := []struct{ name, head, body, want string }{
		{"en dash, site title in the masthead",
			`<title>Bay port wins the award – China Regions Digest</title>`,
			`<p class="site-title"><a href="/" rel="home">China Regions Digest</a></p><h1 class="entry-title">Bay port wins the award</h1>`,
			"Bay port wins the award"},
		{"site first, og:site_name",
			`<title>Daily Planet | World | Bay port wins the award</title><meta property="og:site_name" content="Daily Planet">`,
			`<h2>Daily Planet</h2><h1>Bay port wins the award</h1>`,
			"Bay port wins the award"},
		{"double colon, no heading",
			`<title>Bay port wins the award :: Daily Planet</title><meta property="og:site_name" content="Daily Planet">`,
			`<p>text</p>`,
			"Bay port wins the award"},
		{"site name first without heading",
			`<title>Daily Planet - Bay port wins the award</title><meta property="og:site_name" content="Daily Planet">`,
			`<p>text</p>`,
			"Bay port wins the award"},
		{"middle dot and underscore",
			`<title>萧山区召开经济工作会议_萧山要闻_萧山区人民政府</title>`,
			`<div class="title">萧山区召开经济工作会议</div>`,
			"萧山区召开经济工作会议"},
		{"hyphenated headline",
			`<title>Hi-Tech Zone opens a center - Daily Planet</title>`,
			`<p>text</p>`,
			"Hi-Tech Zone opens a center"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := "<html><head>" + tt.head + "</head><body>" + tt.body +
				`<div><p>The body of the article, long enough to be the article, with a comma, and another one.</p></div></body></html>`
			p, err := Extract([]byte(raw), "", "https://example.com/a.html", news.Selectors{})
			if err != nil {
				t.Fatal(err)
			}
			if p.Title != tt.want {
				t.Errorf("title: got %q, want %q", p.Title, tt.want)
			}
		})
	}
}

func TestCleanInfoLines(t *testing.T) {
	tests := []struct {
		line string
		drop bool
	}{
		{"本报实习生 刘国栋 周炜", true},
		{"记者 王晓燕 通讯员 李明", true},
		{"新京报记者 彭冲 山东冠县报道", true},
		{"记者近日走进河上镇的茶园，只见茶垄在山坡上铺展开来。", false},
		{"2005-04-05 06:40更新 来源：转载文章 第1页/共1页 << 上一页 | 下一页 >>", true},
		{"- 作者： 流泉 访问统计： 2005年08月30日, 星期二 13:22 加入博采", true},
		{"会议指出：2023年以来，全区经济运行持续回升向好。", false},
		{"Advertisement", true},
		{"DON'T MISS", true},
		{"打印 字体： 放大 正常 缩小", true},
		{"图集", true},
		{"+1", true},
		{"中国", false},
	}
	for _, tt := range tests {
		var m lineMeta
		got := len(cleanParas([]string{"First paragraph of the body, which is kept.", tt.line}, "", &m)) == 1
		if got != tt.drop {
			t.Errorf("%q: dropped %v, want %v", tt.line, got, tt.drop)
		}
	}
}
