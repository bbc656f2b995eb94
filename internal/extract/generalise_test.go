package extract

import (
	"strings"
	"testing"
	"time"

	"riverside/internal/news"
)

const zhParas = `<p>清明前后，正是春茶采摘的好时节。茶垄在山坡上铺展开来，嫩绿的新芽挂满枝头，茶农们腰系竹篓、穿梭其间。</p>
<p>据介绍，今年全镇茶园面积达到一万两千亩，预计春茶产量比去年增长一成，带动周边两千多名村民增收。</p>
<p>镇农业服务中心负责人表示，将继续推广生态种植技术，提升茶叶品质，让更多村民吃上“生态饭”。</p>`

func extractPage(t *testing.T, page, url string) *Page {
	t.Helper()
	p, err := Extract([]byte(page), "", url, news.Selectors{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestStandfirst: the summary between the headline and the body is kept,
// with or without a class that names it, past an info line; a block
// above the headline or one with links is not a standfirst.
func TestStandfirst(t *testing.T) {
	const lead = "今年春茶开采时间比往年提前一周，全镇茶农迎来丰收季。"
	tests := []struct {
		name, between string
		keep          bool
	}{
		{"summary class", `<div class="info">发布时间：2024-04-01 来源：区农业农村局</div><div class="summary">` + lead + `</div>`, true},
		{"plain block under the info line", `<div class="info">发布时间：2024-04-01</div><div>` + lead + `</div>`, true},
		{"labelled 摘要", `<div>摘要：` + lead + `</div><div class="info">发布时间：2024-04-01</div>`, true},
		{"a linked teaser", `<div><a href="/x">` + lead + `</a></div>`, false},
		{"a fragment without clause marks", `<div>春茶开采</div>`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := `<html><head><title>春茶开采忙</title></head><body><div class="nav"><a href="/">首页</a></div><div class="article"><h1>春茶开采忙</h1>` +
				tt.between + `<div class="content">` + zhParas + `</div></div></body></html>`
			p := extractPage(t, page, "https://example.gov.cn/a.html")
			if got := strings.HasPrefix(p.Text, "摘要："+lead) || strings.HasPrefix(p.Text, lead); got != tt.keep {
				t.Errorf("standfirst kept %v, want %v; text:\n%s", got, tt.keep, p.Text)
			}
			if !strings.Contains(p.Text, "清明前后") {
				t.Errorf("body lost: %s", p.Text)
			}
		})
	}
	// Above the headline, a prose block is not this article's standfirst.
	page := `<html><head><title>春茶开采忙</title></head><body><div class="article"><div>` + lead + `</div><h1>春茶开采忙</h1><div class="content">` + zhParas + `</div></div></body></html>`
	if p := extractPage(t, page, "https://example.gov.cn/a.html"); strings.Contains(p.Text, lead) {
		t.Errorf("a block above the headline was kept: %s", p.Text)
	}
}

// TestFallbacks: a page whose body is only in JSON-LD, one that only
// describes itself, and a list page.
func TestFallbacks(t *testing.T) {
	const body = "The council approved the new bridge on Tuesday, after a debate that lasted four hours and drew a large crowd.\n\n" +
		"Construction is expected to start next spring, the mayor said, and to take about two years, at a cost of 40 million."
	ld := `<script type="application/ld+json">{"@type":"NewsArticle","headline":"Bridge approved","articleBody":` +
		jsonString(body) + `,"datePublished":"2024-03-05T10:00:00Z"}</script>`
	tests := []struct {
		name, page, method, text string
	}{
		{"json-ld", `<html><head><title>Bridge approved</title>` + ld + `</head><body><div id="app"></div><nav><a href="/">Home</a> <a href="/news">News</a></nav></body></html>`,
			MethodJSONLD, body},
		{"description", `<html><head><title>Bridge approved</title><meta name="description" content="The council approved the new bridge on Tuesday after a long debate."></head><body><div id="app"></div><nav><a href="/">Home</a></nav></body></html>`,
			MethodDescription, "The council approved the new bridge on Tuesday after a long debate."},
		{"list page", `<html><head><title>News</title></head><body><ul><li><a href="/a">Bridge approved</a></li><li><a href="/b">School opens</a></li></ul></body></html>`,
			"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := extractPage(t, tt.page, "https://example.com/a.html")
			if p.Method != tt.method || p.Text != tt.text {
				t.Errorf("got method %q text %q, want %q %q", p.Method, p.Text, tt.method, tt.text)
			}
		})
	}
	// The main path marks itself too.
	p := extractPage(t, `<html><body><div class="content">`+zhParas+`</div></body></html>`, "")
	if p.Method != MethodScored {
		t.Errorf("method %q, want %q", p.Method, MethodScored)
	}
	if b, _ := p.JSON(); !strings.Contains(string(b), `"method":"scored"`) {
		t.Errorf("JSON lacks the method: %s", b)
	}
}

// TestLargestBlock: the fallback finds the block with the most prose of
// its own, not a link list, and takes the parent of a lone paragraph.
func TestLargestBlock(t *testing.T) {
	page := `<html><body><ul><li><a href="/1">one link after another, and more links, and yet more links here</a></li></ul>` +
		`<div id="story"><p>` + strings.Repeat("A sentence of the story, with a comma. ", 8) + `</p><p>` +
		strings.Repeat("Another sentence, also prose. ", 3) + `</p></div><div>Short note.</div></body></html>`
	paras, method := fallbackBody(page, ldInfo{}, headMeta{}, "", &lineMeta{})
	if method != MethodLargestBlock || len(paras) != 2 || !strings.HasPrefix(paras[1], "Another sentence") {
		t.Errorf("got %q %q", method, paras)
	}
}

func jsonString(s string) string {
	r := strings.NewReplacer(`"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

// TestZhDates: the labelled publication date nearest the headline wins
// over the reader's today and the copyright line; 成文日期 counts only
// when nothing else is labelled; without a line that repeats the title,
// the labelled date above the body is the article's.
func TestZhDates(t *testing.T) {
	tests := []struct {
		name, page, want string
	}{
		{"today and copyright lines",
			`<div>今天是：2024年5月20日 星期一</div><h1>春茶开采忙</h1><div>发布时间：2024-04-01 09:30 来源：区农业农村局</div><div class="content">` + zhParas + `</div><div>版权所有 © 2003-2024</div>`,
			"2024-04-01T09:30:00+08:00"},
		{"成文日期 before 发布日期",
			`<table><tr><td>成文日期：2022年01月27日</td></tr><tr><td>发布日期：2022年01月28日</td></tr></table><h1>春茶开采忙</h1><div class="content">` + zhParas + `</div>`,
			"2022-01-28T00:00:00+08:00"},
		{"成文日期 alone",
			`<table><tr><td>成文日期：2022年01月27日</td></tr></table><h1>春茶开采忙</h1><div class="content">` + zhParas + `</div>`,
			"2022-01-27T00:00:00+08:00"},
		{"headline on two lines",
			`<div>更新时间：2023-12-01</div><div class="t"><p>河上镇春茶开采忙</p><p>全镇茶农迎丰收</p></div><div>发布时间：2024-04-02</div><div class="content">` + zhParas + `</div>`,
			"2024-04-02T00:00:00+08:00"},
		{"a notice signed in Chinese numerals, no other date",
			`<h1>春茶开采忙</h1><div class="content">` + zhParas + `<p>某某镇人民政府</p><p>二〇二二年一月二十七日</p></div>`,
			"2022-01-27T00:00:00+08:00"},
		{"a notice signed in digits, no other date",
			`<h1>春茶开采忙</h1><div class="content">` + zhParas + `<p>某某镇人民政府</p><p>2022年12月3日</p></div>`,
			"2022-12-03T00:00:00+08:00"},
		{"no headline: the labelled date above the body",
			`<div>更新时间：2023-12-01</div><div>栏目导航</div><div>首页</div><div>动态</div><div>发布时间：2024-04-03</div><div class="content">` + zhParas + `</div>`,
			"2024-04-03T00:00:00+08:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			title := "河上镇春茶开采忙 全镇茶农迎丰收"
			if !strings.Contains(tt.name, "two lines") {
				title = "春茶开采忙"
			}
			if strings.HasPrefix(tt.name, "no headline") {
				title = "某某网站"
			}
			p := extractPage(t, `<html><head><title>`+title+`</title></head><body>`+tt.page+`</body></html>`, "https://example.gov.cn/a.html")
			if got := p.Published.Format(time.RFC3339); p.Published.IsZero() || got != tt.want {
				t.Errorf("published %s, want %s", got, tt.want)
			}
		})
	}
}

// TestListPageHasNoArticle: a column page (links, dates, a long footer)
// gives no text, even with a description: fallbacks are for articles.
func TestListPageHasNoArticle(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<html><head><title>通知公告_某某区人民政府</title><meta name="description" content="某某区人民政府门户网站通知公告栏目，发布本区各类通知公告。"></head><body><div class="nav"><a href="/">首页</a><a href="/a">政务公开</a></div><ul class="list">`)
	for i := 0; i < 20; i++ {
		b.WriteString(`<li><a href="/art/2024/1/` + string(rune('1'+i%9)) + `/art_1_` + string(rune('a'+i)) + `.html">关于开展2024年度专项检查工作的通知</a><span>[2024-01-0` + string(rune('1'+i%9)) + `]</span></li>`)
	}
	b.WriteString(`</ul><div class="footer">主办：某某区人民政府办公室，承办：某某区大数据发展管理中心，地址：某某区江南大道一号，邮编：310000，联系电话：0571-00000000，网站标识码：3301080000，浙ICP备00000000号，浙公网安备 33010802000000号。</div></body></html>`)
	p := extractPage(t, b.String(), "https://example.gov.cn/col/col1/index.html")
	if p.Text != "" || p.Method != "" {
		t.Errorf("list page: method %q text %q", p.Method, p.Text)
	}
}

// TestBoxesAndSeries: a story set one paragraph per box is read whole;
// a blog page of dated entries, each in its own box, yields its first.
func TestBoxesAndSeries(t *testing.T) {
	paras := []string{
		"The council approved the new bridge on Tuesday, after a debate that lasted four hours.",
		"Construction is expected to start next spring, the mayor said, and to take two years.",
		"Opponents said the cost, about 40 million, would strain the budget for a decade or more.",
		"Supporters answered that the old crossing, closed twice last winter, could not wait.",
		"The first contracts will be signed in January, according to the city's engineers.",
	}
	var cards, posts strings.Builder
	for i, p := range paras {
		cards.WriteString(`<div class="card collection-item"><div class="card-content"><p>` + p + `</p></div></div>`)
		posts.WriteString(`<table><tr><td class="post-title">Entry ` + string(rune('A'+i)) + `</td></tr><tr><td class="post-body">` +
			p + " " + p + `</td></tr></table>`)
	}
	p := extractPage(t, `<html><head><title>Bridge approved</title></head><body><h1>Bridge approved</h1><div class="collection">`+cards.String()+`</div><div class="footer">About us</div></body></html>`, "https://example.com/a.html")
	if got := strings.Count(p.Text, "\n\n") + 1; got != len(paras) {
		t.Errorf("cards: %d paragraphs, want %d:\n%s", got, len(paras), p.Text)
	}
	p = extractPage(t, `<html><head><title>My blog</title></head><body><div class="side"><a href="/">Home</a></div>`+posts.String()+`</body></html>`, "https://example.com/blog/")
	if !strings.HasPrefix(p.Text, paras[0]) || strings.Contains(p.Text, paras[1]) {
		t.Errorf("blog page: want the first entry only:\n%s", p.Text)
	}
	// The series rule is what makes it so.
	blog := `<html><head><title>My blog</title></head><body><div class="side"><a href="/">Home</a></div>` + posts.String() + `</body></html>`
	q, err := ExtractWith([]byte(blog), "", "https://example.com/blog/", Options{Off: RuleSet(0).Add(RuleSeries)})
	if err != nil || q.Text == p.Text {
		t.Errorf("series off: same text, or %v", err)
	}
}

// TestScriptOnlyPage: a page that shows nothing without scripts but
// carries its article in JSON-LD is read from there; one that carries
// nothing is an error.
func TestScriptOnlyPage(t *testing.T) {
	body := "The council approved the new bridge on Tuesday, after a debate that lasted four hours and drew a large crowd.\n\n" +
		"Construction is expected to start next spring, the mayor said, and to take about two years."
	page := `<html><head><title>Bridge approved</title><script type="application/ld+json">{"@type":"NewsArticle","articleBody":` +
		jsonString(body) + `,"datePublished":"2024-03-05T10:00:00+08:00","author":{"@type":"Person","name":"Jane Roe"}}</script></head><body><div id="root"></div></body></html>`
	p := extractPage(t, page, "https://example.com/a.html")
	if p.Text != body || p.Method != MethodJSONLD || p.Author != "Jane Roe" || p.Published.Format(time.RFC3339) != "2024-03-05T10:00:00+08:00" {
		t.Errorf("got %q %q %q %v", p.Method, p.Author, p.Text, p.Published)
	}
	if _, err := Extract([]byte(`<html><head><meta charset="utf-8"></head><body><div id="root"></div></body></html>`), "", "", news.Selectors{}); err == nil {
		t.Error("an empty page: want an error")
	}
}
