package extract

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestChinesePages checks real and written Chinese pages against results
// written by hand from the pages (testdata/zhref, testdata/zhwritten):
// title, publication time, author, publisher, how the body begins and
// ends, and furniture that must not be in it.
func TestChinesePages(t *testing.T) {
	tests := []struct {
		file, title, published, author, source string
		first, last                            string // the body's first and last paragraphs begin so
		absent                                 []string
	}{
		{"zhref/xinhuanet.html", "法国全国大罢工再次严重影响交通", "2019-12-10T07:57:40+08:00", "唐霁", "新华网",
			"新华社巴黎12月9日电（记者唐霁）法国9日再次爆发", "法国总统马克龙此前提出对全国退休制度进行改革",
			[]string{"图集", "+1", "责任编辑", "纠错", "2018"}},
		{"zhref/shanxi_trs.html", "山西品牌丝路行（南美站）正式启动", "2019-09-18T06:23:00+08:00", "张巨峰", "山西日报",
			"成功举办中国（山西）－巴西双向经贸投资推介会", "山西品牌丝路行主题为",
			[]string{"打印", "字体", "放大"}},
		{"zhref/fgw_hanweb.html", "1-10月德清县固定资产投资结构趋稳趋优", "2016-11-22T09:53:00+08:00", "", "省发改委",
			"1-10月，全县固定资产投资完成246.79亿元", "1-10月，全县固定资产投资完成246.79亿元",
			[]string{"浏览次数", "打印", "关闭", "大汉网络"}},
		{"zhwritten/hanweb_xxgk.html", "关于做好2024年春季森林防火工作的通知", "2024-03-05T00:00:00+08:00", "", "区应急管理局",
			"各镇人民政府、街道办事处", "2024年3月1日",
			[]string{"今天是", "索引号", "成文日期", "打印", "版权所有", "大汉网络"}},
		{"zhwritten/news_modern.html", "城西科创大走廊新添一座人工智能产业园", "2024-05-20T08:31:00+08:00", "王晓燕 李明", "杭州日报",
			"首批入驻企业四十二家，预计三年内产值突破百亿元", "据了解，产业园还将建设公共算力平台",
			[]string{"原标题", "责任编辑", "分享到", "相关新闻", "大走廊两家企业", "热点排行", "作者："}},
		{"zhwritten/wechat_style.html", "一座小城的咖啡生意", "2024-06-03T19:20:00+08:00", "陈思远", "",
			"傍晚六点，县城老街上的一家咖啡馆里坐满了人", "业内人士分析",
			[]string{"文丨", "编辑丨", "END", "阅读", "点赞"}},
		{"zhwritten/portal_gbk.html", "乡村公路通到家门口", "2005-07-31T12:30:00+08:00", "张国华", "新华网",
			"“以前下雨天出门一脚泥", "县交通局负责人表示",
			[]string{"打印本页", "关闭窗口", "相关链接", "农村公路建设再创新高", "热门文章", "Copyright"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			p := extractFile(t, filepath.Join("testdata", tt.file), "")
			if p.Title != tt.title {
				t.Errorf("title %q, want %q", p.Title, tt.title)
			}
			if got := p.Published.Format(time.RFC3339); got != tt.published {
				t.Errorf("published %s, want %s", got, tt.published)
			}
			if p.Author != tt.author {
				t.Errorf("author %q, want %q", p.Author, tt.author)
			}
			if p.Source != tt.source {
				t.Errorf("source %q, want %q", p.Source, tt.source)
			}
			paras := strings.Split(p.Text, "\n\n")
			if !strings.HasPrefix(paras[0], tt.first) {
				t.Errorf("body begins %.60q, want %q", paras[0], tt.first)
			}
			if !strings.HasPrefix(paras[len(paras)-1], tt.last) {
				t.Errorf("body ends %.60q, want %q", paras[len(paras)-1], tt.last)
			}
			for _, a := range tt.absent {
				if strings.Contains(p.Text, a) {
					t.Errorf("body holds furniture %q", a)
				}
			}
			if p.Lang != "zh" {
				t.Errorf("lang %q", p.Lang)
			}
		})
	}
}
