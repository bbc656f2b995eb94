package extract

import (
	"testing"

	"riverside/internal/news"
)

// extractString runs Extract on a page given as a string.
func extractString(t *testing.T, page, url string) *Page {
	t.Helper()
	p, err := Extract([]byte(page), "", url, news.Selectors{})
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	return p
}

// A body long enough to be chosen as the article.
const zhBody = `<div class="content"><p>清明前后，正是春茶采摘的好时节。茶垄在山坡上铺展开来，嫩绿的新芽挂满枝头，茶农们忙着采摘。</p>
<p>茶农们腰系竹篓、穿梭其间，双手翻飞，采摘着一年中最鲜嫩的头茶，十分忙碌，脸上洋溢着丰收的喜悦。</p></div>`

func TestTitleSiteNames(t *testing.T) {
	const headline = "杭州高新区召开数字经济高质量发展大会"
	tests := []struct{ name, head, body, want string }{
		{"Hanweb site, column and headline with spaces, title cell",
			`<title>杭州高新区（滨江）政府门户网站 部门动态 ` + headline + `</title>`,
			`<table><tr><td class="title">` + headline + `</td></tr></table>`,
			headline},
		{"Hanweb three parts, names in the metas, no heading",
			`<title>杭州高新区（滨江）门户网站 部门动态 ` + headline + `</title><meta name="SiteName" content="杭州高新区（滨江）门户网站"><meta name="ColumnName" content="部门动态">`,
			`<p>正文</p>`,
			headline},
		{"Hanweb three parts, no metas, no heading",
			`<title>杭州高新区（滨江）政府门户网站 部门动态 ` + headline + `</title>`,
			`<p>正文</p>`,
			headline},
		{"headline, column and site with underscores",
			`<title>` + headline + `_部门动态_杭州高新区（滨江）</title>`,
			`<p>正文</p>`,
			headline},
		{"site suffix after an underscore",
			`<title>` + headline + `_滨江区人民政府</title>`,
			`<h1>` + headline + `</h1>`,
			headline},
		{"English site suffix",
			`<title>Bay port wins the award - China Daily</title>`,
			`<p>text</p>`,
			"Bay port wins the award"},
		{"a short Han h1 is a part of the title",
			`<title>金锺国 - 维基百科，自由的百科全书</title><meta property="og:title" content="金锺国 - 维基百科，自由的百科全书">`,
			`<h1 id="firstHeading">金锺国</h1><div id="siteSub">维基百科，自由的百科全书</div>`,
			"金锺国"},
		{"markup inside <title> is text to drop",
			`<title>为现代化建设凝聚强大智慧和力量<div>——热烈祝贺会议开幕</div>_某市人民政府网</title>`,
			`<p>正文</p>`,
			"为现代化建设凝聚强大智慧和力量——热烈祝贺会议开幕"},
		{"a hyphen inside a Latin word is no separator",
			`<title>China-Pub blog--洞庭一叶的博客文章</title>`,
			`<p>正文</p>`,
			"China-Pub blog"},
		{"the site's host name is not the headline",
			`<title>海姑娘的旅行日记 | blog.wenxuecity.com</title>`,
			`<p>海姑娘的旅行日记</p>`,
			"海姑娘的旅行日记"},
		{"a table layout's bold headline when <title> is a template's word",
			`<title>显示</title>`,
			`<p align="center"><font color="darkblue"><strong>犬儒病(上)</strong></font></p><p><a href="/"><b>首页链接</b></a></p>`,
			"犬儒病(上)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := extractString(t, "<html><head>"+tt.head+"</head><body>"+tt.body+zhBody+"</body></html>", "https://example.com/a.html")
			if p.Title != tt.want {
				t.Errorf("title: got %q, want %q", p.Title, tt.want)
			}
		})
	}
}

// TestTitleNotSiteName: a heading that links to the front page, or names
// a blog ("张三的博客"), is the site's name; a <title> the page never
// prints gives way to the bold line set as a headline (not a sidebar's
// bold heading) or to the one <h1>; decorations after a heading go.
func TestTitleNotSiteName(t *testing.T) {
	const body = `<div class="post"><p>清明前后，正是春茶采摘的好时节。茶垄在山坡上铺展开来，嫩绿的新芽挂满枝头，茶农们腰系竹篓、穿梭其间。</p><p>据介绍，今年全镇茶园面积达到一万两千亩，预计春茶产量比去年增长一成。</p></div>`
	tests := []struct{ name, page, want string }{
		{"home link in h1", `<html><body><h1 class="title"><a href="index.html">某某的小站</a></h1><h2 class="diaryTitle">春茶开采忙- -</h2>` + body + `</body></html>`, "春茶开采忙"},
		{"blog name in h1", `<html><body><h1>林间小路的博客</h1><h2>春茶开采忙</h2>` + body + `</body></html>`, "春茶开采忙"},
		{"headline bold, not the sidebar's", `<html><head><title>显示文章</title></head><body><table><tr><td><b>热门文章</b></td></tr><tr><td><a href="/1">茶叶品鉴</a></td></tr></table>` +
			`<table><tr><td align="center"><font size="4"><b>春茶开采忙</b></font></td></tr><tr><td>` + body + `</td></tr></table></body></html>`, "春茶开采忙"},
		{"unprinted title, one h1", `<html><head><title>某某日报数字报</title></head><body><div class="yinti">聚焦</div><h1>春茶开采忙</h1>` + body + `</body></html>`, "春茶开采忙"},
		{"a title that names only the paper", `<html><head><title>杭州日报</title></head><body><div class="logo">杭州日报数字版</div><div class="newstitle">春茶开采忙</div>` + body + `</body></html>`, "春茶开采忙"},
		{"a named anchor is no home link", `<html><body><h1><a name="top">春茶开采忙</a></h1>` + body + `</body></html>`, "春茶开采忙"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if p := extractPage(t, tt.page, "http://blog.example.cn/1.html"); p.Title != tt.want {
				t.Errorf("title %q, want %q", p.Title, tt.want)
			}
		})
	}
}
