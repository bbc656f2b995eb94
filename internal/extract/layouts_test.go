package extract

import (
	"strings"
	"testing"
)

// TestChineseLayouts: the same story in the layouts old and new Chinese
// pages use gives the whole story and no furniture, whatever holds it:
// <div> runs split by <br> only, a layout table cell, <font> nests, one
// huge <p>, a <pre> block.
func TestChineseLayouts(t *testing.T) {
	paras := []string{
		"清明前后，正是春茶采摘的好时节。茶垄在山坡上铺展开来，嫩绿的新芽挂满枝头，茶农们腰系竹篓、穿梭其间。",
		"据介绍，今年全镇茶园面积达到一万两千亩，预计春茶产量比去年增长一成，带动周边两千多名村民增收。",
		"镇农业服务中心负责人表示，将继续推广生态种植技术，提升茶叶品质，让更多村民吃上“生态饭”。",
	}
	br := "　　" + strings.Join(paras, "<br><br>　　")
	nav := `<div class="nav"><a href="/">首页</a> | <a href="/news/">新闻中心</a> | <a href="/notice/">通知公告</a> | <a href="/about/">关于我们</a></div>`
	side := `<ul><li><a href="/1.html">我镇召开春季防火工作会议</a></li><li><a href="/2.html">茶叶公共品牌发布会举行</a></li><li><a href="/3.html">关于开展春季植树活动的通知</a></li></ul>`
	foot := `<div>扫一扫在手机打开当前页</div><div>版权所有 © 2005-2024 某某镇人民政府 浙ICP备12345678号</div>`
	head := `<h1>春茶开采忙</h1><div>发布时间：2024-04-01　来源：镇农业服务中心</div>`
	tests := []struct{ name, body string }{
		{"div with br only", nav + head + `<div>` + br + `</div>` + side + foot},
		{"layout table", `<table width="778"><tr><td colspan="2">` + nav + `</td></tr><tr><td width="180">` + side + `</td><td>` +
			`<table><tr><td align="center"><b>春茶开采忙</b></td></tr><tr><td>发布时间：2024-04-01</td></tr><tr><td>` + br + `</td></tr></table></td></tr></table>` + foot},
		{"font nests", nav + head + `<font face="宋体"><font size="3">` + br + `</font></font>` + side + foot},
		{"one huge p", nav + head + `<p>` + br + `</p>` + side + foot},
		{"paragraph per td", nav + head + `<table><tr><td>` + strings.Join(paras, `</td></tr><tr><td>`) + `</td></tr></table>` + side + foot},
		{"pre block", nav + head + `<pre>` + strings.Join(paras, "\n\n") + `</pre>` + side + foot},
		{"unclosed font and p", nav + head + `<font size="2"><p>` + strings.Join(paras, `<p>`) + side + foot},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := extractPage(t, `<html><head><title>春茶开采忙_某某镇</title></head><body>`+tt.body+`</body></html>`, "http://example.gov.cn/a.html")
			for _, want := range paras {
				if !strings.Contains(p.Text, want) {
					t.Errorf("paragraph lost: %.24s…; method %s, text:\n%s", want, p.Method, p.Text)
				}
			}
			for _, junk := range []string{"首页", "版权所有", "植树", "发布时间", "扫一扫"} {
				if strings.Contains(p.Text, junk) {
					t.Errorf("furniture %q kept; text:\n%s", junk, p.Text)
				}
			}
			if got := p.Published.Format("2006-01-02"); got != "2024-04-01" {
				t.Errorf("published %s", got)
			}
		})
	}
}

// TestScriptRevealedBody: a body the page hides until a script shows it
// (WeChat's visibility:hidden) is the article; a small hidden block of
// another text stays out.
func TestScriptRevealedBody(t *testing.T) {
	page := `<html><head><title>春茶开采忙</title></head><body><h1 class="rich_media_title">春茶开采忙</h1>` +
		`<div id="meta_content"><span>原创</span> <a id="js_name">某某发布</a> <em id="publish_time">2024-04-01 18:30</em></div>` +
		`<div class="rich_media_content" id="js_content" style="visibility: hidden;"><section>` + zhParas + `</section></div>` +
		`<div style="display:none"><p>这是一段隐藏的弹窗提示文字，页面加载完成后才会按需显示，与正文无关。</p></div>` +
		`<div class="rich_media_tool"><a href="#">阅读原文</a> <span>阅读 1.2万</span></div></body></html>`
	p := extractPage(t, page, "https://mp.weixin.qq.com/s/x")
	if p.Method != MethodScored || !strings.HasPrefix(p.Text, "清明前后") || !strings.HasSuffix(p.Text, "吃上“生态饭”。") {
		t.Errorf("method %s, text:\n%s", p.Method, p.Text)
	}
	if strings.Contains(p.Text, "弹窗") || strings.Contains(p.Text, "阅读") {
		t.Errorf("hidden or toolbar text kept:\n%s", p.Text)
	}
}
