package extract

import (
	"slices"
	"testing"
)

func TestBylineNames(t *testing.T) {
	tests := []struct {
		line string
		bare bool
		want []string
	}{
		{"本报实习生 刘国栋 周炜", false, []string{"刘国栋", "周炜"}},
		{"记者 王晓燕 通讯员 李明", false, []string{"王晓燕", "李明"}},
		{"记者王晓燕", false, []string{"王晓燕"}},
		{"光明日报记者 王建宏 张文攀", false, []string{"王建宏", "张文攀"}},
		{"新京报记者 彭冲 山东冠县报道", false, []string{"彭冲"}},
		{"□ 本报记者 葛灵丹", false, []string{"葛灵丹"}},
		{"作者：记者 王晓燕 通讯员 李明 编辑：沈佳", false, []string{"王晓燕", "李明"}},
		{"文/张三 图/李四", false, []string{"张三"}},
		{"执笔人：闵乐夫 赵兰波 刘韬", false, []string{"闵乐夫", "赵兰波", "刘韬"}},
		{"作者: 赵  培", false, []string{"赵培"}},
		{"本报讯 记者 张三", false, []string{"张三"}},
		{"常书香 马丹阳", true, []string{"常书香", "马丹阳"}},
		{"姚峰 上海报道", true, []string{"姚峰"}},
		{"信报记者 蔡雪婧", true, []string{"蔡雪婧"}},
		{"常书香 马丹阳", false, nil},   // no role, bare names not asked for
		{"松花江网编辑 孙桂芳", true, nil}, // an editor is no author
		{"责编：萧潇、张妍", true, nil},
		{"蔡雪婧/摄", true, nil}, // a photographer
		{"未完待续", true, nil},
		{"图片来源：网络", true, nil},
		{"记者调查 民意调查", false, nil}, // a menu, not a byline
		{"记者近日走进河上镇的茶园，只见茶垄在山坡上铺展开来。", false, nil},
		// An outlet or department before the person is the publisher.
		{"作者：钱江晚报 记者 方圆", false, []string{"方圆"}},
		{"作者：县融媒体中心 周立", false, []string{"周立"}},
		{"作者：新华社", false, nil},
		// After the name it is an affiliation: no byline.
		{"赵培：北京物资学院，北京", true, nil},
	}
	for _, tt := range tests {
		if got := bylineNames(tt.line, tt.bare); !slices.Equal(got, tt.want) {
			t.Errorf("bylineNames(%q, %v): got %q, want %q", tt.line, tt.bare, got, tt.want)
		}
	}
}

func TestPersonName(t *testing.T) {
	for _, s := range []string{"胡平", "尹娟", "胡晓蓉", "欧阳修", "司马相如", "葛灵丹"} {
		if !personName(s) {
			t.Errorf("personName(%q): got false, want true", s)
		}
	}
	for _, s := range []string{"新华网", "千龙网", "转载文章", "云南日报", "吉林省人民政府", "时间", "未完待续", "金羊网", "冠县", "张", "Jane"} {
		if personName(s) {
			t.Errorf("personName(%q): got true, want false", s)
		}
	}
}

func TestChineseAuthor(t *testing.T) {
	const h1 = `<h1>标题在这里的新闻</h1>`
	tests := []struct{ name, head, body, want string }{
		{"byline lines under the headline are merged",
			``, h1 + `<p>本报实习生 刘国栋 周炜</p><p>本报记者 王燕平 方云凤</p>` + zhBody,
			"刘国栋 周炜 王燕平 方云凤"},
		{"a byline that ends the report",
			``, h1 + `<div class="content"><p>清明前后，正是春茶采摘的好时节。茶垄在山坡上铺展开来，嫩绿的新芽挂满枝头。</p><p>茶农们腰系竹篓、穿梭其间，采摘着一年中最鲜嫩的头茶。（记者 胡晓蓉）</p></div><p>责任编辑：孙重远</p>`,
			"胡晓蓉"},
		{"bare names in the closing parenthesis",
			``, h1 + `<div class="content"><p>清明前后，正是春茶采摘的好时节。茶垄在山坡上铺展开来，嫩绿的新芽挂满枝头。</p><p>茶农们腰系竹篓、穿梭其间，采摘着一年中最鲜嫩的头茶。（常书香 马丹阳 ）</p></div>`,
			"常书香 马丹阳"},
		{"the reporter's filing place is no name",
			``, h1 + zhBody + `<p>新京报记者 彭冲 山东冠县报道</p>`,
			"彭冲"},
		{"a label padded with an ideographic space",
			``, h1 + `<p>作　者：张小明　　来源：本站</p>` + zhBody,
			"张小明"},
		{"a padded two-character name",
			``, h1 + `<p>作者: 赵 培：北京物资学院，北京</p>` + zhBody,
			"赵培"},
		{"a labelled forum nickname",
			``, h1 + `<p>楼层： 第 1 楼 时间：2005-08-28 20:56:20</p><p>作者： 放飞&amp;心情</p>` + zhBody,
			"放飞&心情"},
		{"a template's unfilled field is no author",
			``, h1 + `<p>作者： size="20" 来源： size="20" 发布日期： 7/5/2005 9:23:57 PM</p>` + zhBody,
			""},
		{"a blog footer names the poster",
			``, h1 + zhBody + `<p>由海姑娘张贴 @ 2005-06-14 03:25:55 (370) 共 11 篇评论</p>`,
			"海姑娘"},
		{"a poster before 发表于",
			``, h1 + zhBody + `<p>ggjjzhzz 发表于 2005-9-15 11:46:00</p>`,
			"ggjjzhzz"},
		{"a name alone under the headline",
			``, h1 + `<p>胡平</p><p>——当代中国的精神危机</p>` + zhBody,
			"胡平"},
		{"a bracketed name on the info line",
			``, h1 + `<p>BUSINESS.SOHU.COM 2004年7月16日08:19 [ 黄宇 ] 来源：[ 国际金融报 ]</p>` + zhBody,
			"黄宇"},
		{"the plain editor when nothing else names anyone",
			``, h1 + zhBody + `<p>来源：巴彦淖尔日报 编辑：苏亮</p>`,
			"苏亮"},
		{"the responsible editor is credited when nothing else names anyone",
			``, h1 + zhBody + `<p>来源：云南日报 责任编辑：孙重远</p>`,
			"孙重远"},
		{"the responsible editor loses to a reporter",
			``, h1 + `<p>本报记者 胡晓蓉</p>` + zhBody + `<p>来源：云南日报 责任编辑：孙重远</p>`,
			"胡晓蓉"},
		{"a responsible editor slot holding a department",
			``, h1 + zhBody + `<p>责任编辑：信息中心</p>`,
			""},
		{"the role after the name",
			``, h1 + `<p>张晓明/文 李华/摄</p>` + zhBody,
			"张晓明"},
		{"a bar in the byline",
			``, h1 + `<p>文丨王小川</p>` + zhBody,
			"王小川"},
		{"the poster when nothing else names anyone",
			``, h1 + zhBody + `<p>发布者：王小明　发布时间：2024-01-01</p>`,
			"王小明"},
		{"a poster that is an office",
			``, h1 + zhBody + `<p>发布人：区政府办公室</p>`,
			""},
		{"a commentator",
			``, h1 + `<p>本报评论员 李明远</p>` + zhBody,
			"李明远"},
		{"an outlet in the author slot",
			``, h1 + `<p>作者：新华社</p>` + zhBody,
			""},
		{"a source that is a person's name",
			``, h1 + zhBody + `<p>来源: 尹娟</p>`,
			"尹娟"},
		{"a source that is an outlet",
			``, h1 + zhBody + `<p>来源：新华网</p>`,
			""},
		{"the issuing body of a document",
			``, h1 + `<table><tr><td>发文机关：</td><td>吉林省人民政府</td></tr></table>` + zhBody,
			"吉林省人民政府"},
		{"the CMS vendor in the author meta",
			`<meta name="author" content="Discuz! Team and Comsenz UI Team">`, h1 + zhBody,
			""},
		{"a site's domains in the author meta",
			`<meta name="author" content="www.yunnan.cn,云南日报报业集团,云南网">`, h1 + zhBody,
			""},
		{"a JSON-LD organisation is the publisher",
			`<script type="application/ld+json">{"@type":"Article","author":{"@type":"Organization","name":"维基媒体项目贡献者"}}</script>`, h1 + zhBody,
			""},
		{"a blog's author archive link",
			``, `<div class="side"><a href="http://blog.example.com/?author=102" title="[太小心]的博客">太小心</a></div>` + h1 + zhBody,
			"太小心"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := extractString(t, "<html><head>"+tt.head+"</head><body>"+tt.body+"</body></html>", "https://example.com/a.html")
			if p.Author != tt.want {
				t.Errorf("author: got %q, want %q", p.Author, tt.want)
			}
		})
	}
}

func TestEnglishAuthor(t *testing.T) {
	const body = `<div class="story"><p>The body of the article, long enough to be the article, with a comma, and another one, and more.</p>
<p>A second paragraph of the story, which goes on, and on, about the matter at hand.</p></div>`
	tests := []struct{ name, page, want string }{
		{"upper-case surnames", `<h1>Headline of it</h1><p>By CHEN Chunyou &amp; JIANG Yun</p>` + body, "CHEN Chunyou & JIANG Yun"},
		{"posted by", `<h1>Headline of it</h1>` + body + `<p>Posted by Jane Roe at 10:32 PM</p>`, "Jane Roe"},
		{"an author archive link", `<h1>Headline of it</h1><a class="name" href="https://example.com/author/jose-altoveros.html">Jose Altoveros</a>` + body, "Jose Altoveros"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := extractString(t, "<html><body>"+tt.page+"</body></html>", "https://example.com/a.html")
			if p.Author != tt.want {
				t.Errorf("author: got %q, want %q", p.Author, tt.want)
			}
		})
	}
}

func TestBlogOwner(t *testing.T) {
	tests := []struct{ title, want string }{
		{"春天的第一场雨_张小北_新浪博客", "张小北"},
		{"春天的第一场雨 - 海边的人 - 搜狐博客", "海边的人"},
		{"张小北的博客", "张小北"},
		{"春天的第一场雨_城市晚报的博客", ""},
		{"春天的第一场雨_新闻中心_新浪网", ""},
	}
	for _, tt := range tests {
		if got := blogOwner(tt.title); got != tt.want {
			t.Errorf("blogOwner(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
}

// TestReportersInProse: "记者" as the subject of a sentence names nobody;
// a byline's names end at a mark, a space or the next credit.
func TestReportersInProse(t *testing.T) {
	tests := []struct{ line, want string }{
		{"记者从杭州市科技局获悉，今年一季度，杭州新增国家科技型中小企业三千一百余家。", ""},
		{"记者在景区看到，湖畔步道上游人如织。", ""},
		{"本报讯（记者 陈晓晨 通讯员 郑轩）昨天上午，滨江区一所小学的学生走进企业。", "陈晓晨 郑轩"},
		{"新华社杭州9月21日电（记者程思远、叶晓岚）秋收时节，在浙江省安吉县。", "程思远 叶晓岚"},
		{"记者王晓燕报道", "王晓燕"},
		{"记者 王晓燕 杭州报道", "王晓燕"},
	}
	for _, tt := range tests {
		if got := reporters([]string{tt.line}); got != tt.want {
			t.Errorf("reporters(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}

// TestPosterAndOwner: a forum post names its poster by a profile link,
// a blog its owner in <title> (which pruning must not have removed), and
// a byline element is reduced to its names.
func TestPosterAndOwner(t *testing.T) {
	const body = `<div class="post">` + zhParas + `</div>`
	tests := []struct{ name, page, want string }{
		{"discuz poster", `<html><head><title>白马湖停车 - 论坛</title></head><body><h1>白马湖停车</h1>` +
			`<table><tr><td class="pls"><a href="space-uid-2231.html" class="xw1">西湖边的风</a></td><td>发表于 2012-3-5 10:22:31</td></tr></table>` + body + `</body></html>`, "西湖边的风"},
		{"blog owner in head title", `<html><head><title>春茶开采忙_林间小路_新浪博客</title></head><body><h2>春茶开采忙</h2>` + body + `</body></html>`, "林间小路"},
		{"byline element", `<html><head><title>春茶开采忙</title></head><body><h1>春茶开采忙</h1><div class="byline">本报记者 孙悦 通讯员 楼小平</div>` + body + `</body></html>`, "孙悦 楼小平"},
		{"a government account in the author meta", `<html><head><title>春茶开采忙</title><meta name="author" content="滨江发布"></head><body><h1>春茶开采忙</h1>` + body + `</body></html>`, ""},
		{"a paper is no blog owner", `<html><head><title>春茶开采忙_城市晚报_新浪博客</title></head><body><h2>春茶开采忙</h2>` + body + `</body></html>`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if p := extractPage(t, tt.page, "http://example.cn/a.html"); p.Author != tt.want {
				t.Errorf("author %q, want %q", p.Author, tt.want)
			}
		})
	}
}

// TestBylineLines: a byline set on several lines gives all its names,
// also after a kept kicker line; a byline further down does not join.
func TestBylineLines(t *testing.T) {
	const prose = "为拆一幢房，断送了三条人命。前天的这场惨剧发生得实在太突然，太震惊了。"
	tests := []struct {
		paras []string
		want  string
	}{
		{[]string{"本报实习生 刘国栋 周炜", "本报记者 王燕平 方云凤", prose}, "刘国栋 周炜 王燕平 方云凤"},
		{[]string{"拆房屡出命案 管理形同虚设", "本报实习生 刘国栋 周炜", "本报记者 王燕平", prose}, "刘国栋 周炜 王燕平"},
		{[]string{"本报记者 王燕平", prose, "记者 张三丰", prose}, "王燕平"},
	}
	for _, tt := range tests {
		m := lineMeta{}
		cleanParas(tt.paras, "", &m)
		if m.author != tt.want {
			t.Errorf("%q: author %q, want %q", tt.paras, m.author, tt.want)
		}
	}
}

// TestLabelValueCell: a value ends at the table cell's end (a tab in the
// page's lines), even when the next cell's label has no colon.
func TestLabelValueCell(t *testing.T) {
	if got := labelValue("发文机关：\t杭州市萧山区人民政府办公室\t成文\t2023-02-20", issuerLabel); got != "杭州市萧山区人民政府办公室" {
		t.Errorf("labelValue: %q", got)
	}
}
