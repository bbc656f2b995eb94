package extract

import (
	"fmt"
	"strings"
	"testing"

	"riverside/internal/news"
)

// post is one entry of a blog front page or forum thread.
func post(title, body string, paras int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<div class="entry"><h2>%s</h2><div class="post-body">`, title)
	for i := 0; i < paras; i++ {
		fmt.Fprintf(&b, "<p>%s，第%d段。</p>", body, i+1)
	}
	b.WriteString(`</div><div class="post-footer">posted @ 2005-06-14 03:25</div></div>`)
	return b.String()
}

func TestFirstOfSeries(t *testing.T) {
	const prose = "湘菜粤菜兵分两路，新鲜的是，湘菜浓妆淡抹，粤菜却是明艳照人，家乡炖的老鸡汤香味浓郁，清润有益"
	tests := []struct {
		name, page, want, notWant string
	}{
		{
			// The newest post is shorter than an older one: still the article.
			name:    "blog front page",
			page:    post("新帖", "最新一篇"+prose, 3) + post("旧帖", "较早一篇"+prose, 9) + post("更旧", "最早一篇"+prose, 4),
			want:    "最新一篇",
			notWant: "较早一篇",
		},
		{
			// Two blocks of one class (a quoted claim, then the story) are
			// not a series: the stronger one stays the article.
			name: "quote and story",
			page: `<div class="quote"><div class="post-body"><p>` + prose + `。</p></div></div>` +
				`<div class="story"><div class="post-body">` + strings.Repeat("<p>正文内容"+prose+"。</p>", 8) + `</div></div>`,
			want: "正文内容",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := "<html><head><meta charset=utf-8><title>博客</title></head><body>" + tt.page + "</body></html>"
			p, err := Extract([]byte(raw), "", "http://blog.example/", news.Selectors{})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(p.Text, tt.want) {
				t.Errorf("text lacks %q:\n%s", tt.want, p.Text)
			}
			if tt.notWant != "" && strings.Contains(p.Text, tt.notWant) {
				t.Errorf("text has %q:\n%s", tt.notWant, p.Text)
			}
		})
	}
}

func TestRelatedSectionDropped(t *testing.T) {
	story := strings.Repeat("<p>The district opened a new innovation centre on Monday, officials said, and more firms will move in next year.</p>", 3)
	teaser := "<article class=\"post\"><p>Another story that a reader may like, with a long enough teaser to look like prose, really.</p></article>"
	tests := []struct{ name, section string }{
		{"heading class", `<div class="box"><h3 class="relatedpoststitle">Você pode gostar...</h3>` + strings.Repeat(teaser, 8) + `</div>`},
		{"heading text", `<section class="box"><h2>You may also like</h2>` + strings.Repeat(teaser, 8) + `</section>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := `<html><head><title>Centre opens</title></head><body><div id="primary"><article class="entry">` +
				story + `</article>` + tt.section + `</div></body></html>`
			p, err := Extract([]byte(raw), "text/html; charset=utf-8", "https://news.example/a", news.Selectors{})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(p.Text, "innovation centre") || strings.Contains(p.Text, "Another story") {
				t.Errorf("text:\n%s", p.Text)
			}
		})
	}
}

func TestWrappedBlocksJoined(t *testing.T) {
	lead := `<div class="article__block"><div class="block-text"><p>The lead paragraph that opens the story, short but part of it.</p></div></div>`
	photo := `<div class="article__block"><figure><img src="a.jpg"></figure></div>`
	main := `<div class="article__block"><div class="block-text">` +
		strings.Repeat("<p>The main block of the story carries most of its text, sentence after sentence, as stories do.</p>", 6) + `</div></div>`
	raw := `<html><head><title>T</title></head><body><article><div class="article__content">` + lead + photo + main +
		`</div></article></body></html>`
	p, err := Extract([]byte(raw), "text/html; charset=utf-8", "https://news.example/b", news.Selectors{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(p.Text, "The lead paragraph") || !strings.Contains(p.Text, "The main block") {
		t.Errorf("text:\n%s", p.Text)
	}
}

func TestEmbeddedPostKept(t *testing.T) {
	story := strings.Repeat("<p>The campaign drew wide attention online within hours of its launch, and officials defended it.</p>", 4)
	tweet := `<blockquote class="twitter-tweet"><p>Yes this is real <a href="https://t.co/x">https://t.co/Nc0nKoXGBP</a></p>— Dianna (@dianna) <a href="https://twitter.com/d/status/1">November 18, 2019</a></blockquote>`
	raw := `<html><head><title>T</title></head><body><div class="entry-content">` + story + tweet + story + `</div></body></html>`
	p, err := Extract([]byte(raw), "text/html; charset=utf-8", "https://news.example/c", news.Selectors{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.Text, "Yes this is real") {
		t.Errorf("embedded post dropped:\n%s", p.Text)
	}
}

func TestListAndHeadline(t *testing.T) {
	raw := `<html><head><title>Atkins diet, explained | Diets</title></head><body><div id="ct">` +
		`<h1>The Atkins diet: ten kilos in fourteen days</h1>` +
		strings.Repeat("<p>The diet limits carbohydrates, and the first phase is the strictest, doctors say.</p>", 4) +
		`<h2>Foods to limit</h2><ul><li>cabbage</li><li>zucchini</li><li>sour cream (<a href="/r">a low-fat kind</a>) and others.</li></ul>` +
		`<ul><li><a href="/a">Diet A</a></li><li><a href="/b">Diet B</a></li><li><a href="/c">Diet C</a></li></ul>` +
		`</div></body></html>`
	p, err := Extract([]byte(raw), "text/html; charset=utf-8", "https://diets.example/atkins", news.Selectors{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(p.Text, "ten kilos") {
		t.Errorf("headline in body:\n%s", p.Text)
	}
	if !strings.Contains(p.Text, "zucchini") {
		t.Errorf("list with one linked item dropped:\n%s", p.Text)
	}
	if strings.Contains(p.Text, "Diet B") {
		t.Errorf("link list kept:\n%s", p.Text)
	}
}

func TestCommentsTail(t *testing.T) {
	for _, ln := range []string{"You may also like...", "comments", "12 Comments", "Leave a Reply", "Tell us what YOU think...", "发表评论：", "网友评论"} {
		if !tailStart.MatchString(ln) {
			t.Errorf("%q does not end the story", ln)
		}
	}
	for _, ln := range []string{"Comments were closed after the vote, the clerk said.", "评论员文章"} {
		if tailStart.MatchString(ln) {
			t.Errorf("%q ends the story", ln)
		}
	}
}

func TestFurnitureLines(t *testing.T) {
	drop := []string{
		"Image 1 of / 23", "1 / 23", "Image 2 of 5", "Back to Gallery", "Text size", "Iklan",
		"Al Goldis, Associated Press", "Sakib Ali/Hindustan Times/Getty Images", "Tom Krisher, Ap Auto Writer",
		"Detroit News wire services",
		"(Reporting by Greg Roumeliotis; editing by Martin Howell.)",
		"Write to Al Root at allen.root@dowjones.com",
		"Follow Newsbeat on Instagram, Facebook, Twitter and YouTube.",
		"Like this story? Share it with a friend!",
		"Updated 1:39 am EST, Wednesday, November 20, 2019",
		"This slideshow requires JavaScript.", "More:", "Filed under: Khawarij |",
		`[button link="http://example.com/submit/" type="big"] Send us YOUR kit review[/button]`,
		"第1页/共1页 << 上一页 | 下一页 >>", "(本文发表于首页批评与建议, 已被阅读178次)",
		"本文通告引用(Trackback)链接: /wp-trackback.php?p=1700", "原标题：春季学期开学，织密返校疫情防控网",
		"拿出10万元来做房产投资 蔡雪婧/摄", "[图片说明1：漫画/冷洁]", "转自《北京科技报》",
		"新华网黑龙江频道 记者 伊琳 李清芬",
	}
	keep := []string{
		"— Dele (@dele_official) November 19, 2019",
		"2004年8月2日\t高速公路罗曼史\t二色英雄新闻",
		"The Associated Press reported the vote late on Tuesday, citing two officials.",
		"Provided by European Space Agency",
		"Updated figures show growth of 5 percent in 2019.",
		"阅读是一种习惯，他每天读书两小时。",
	}
	for _, ln := range drop {
		var m lineMeta
		if !dropLine(ln, &m, false) {
			t.Errorf("kept %q", ln)
		}
	}
	for _, ln := range keep {
		var m lineMeta
		if dropLine(ln, &m, false) {
			t.Errorf("dropped %q", ln)
		}
	}
	var m lineMeta
	if dropLine("转自《北京科技报》", &m, false); m.source != "北京科技报" {
		t.Errorf("repost source = %q", m.source)
	}
	if dropLine("2022年1月27日", &m, false) {
		t.Error("dropped the signature date after the text")
	}
	if !dropLine("2022年1月27日", &m, true) {
		t.Error("kept a date line above the text")
	}
	if !tailStart.MatchString("Citation: Hibernating astronauts (2019, November 18) retrieved 20 November 2019 from https://phys.org/news/x.html") {
		t.Error("citation line does not end the story")
	}
}
