package mirror

import (
	"fmt"
	"time"
)

// generated is the made-up part of a published article.
type generated struct {
	title          string
	paras          []string
	source, author string
}

// generate writes a plausible article for a column: Chinese government
// news for Chinese sites, English district news for English ones. The
// n-th article of a run always reads the same, so demos can be replayed.
func generate(c *column, n int, now time.Time) generated {
	pick := func(list []string, k int) string { return list[(n*k)%len(list)] }
	if c.lang == "en" {
		return generateEnglish(c, n, now, pick)
	}

	subjects := []string{"滨江区", "高新区（滨江）", "区科技局", "区发改局", "区市场监管局", "长河街道", "西兴街道", "浦沿街道"}
	source, author := "杭州高新区（滨江）融媒体中心", ""
	if c.site.district != "binjiang" {
		subjects = []string{"萧山区", "区发改局", "区经信局", "萧山经济技术开发区", "湘湖国家旅游度假区", "城厢街道", "北干街道", "瓜沥镇"}
		source = "萧山区融媒体中心"
	}
	if c.site.id == siteXSNet {
		source, author = "萧山日报", pick([]string{"记者 王晨", "记者 陈露", "通讯员 俞斌", "记者 沈洁"}, 1)
	}
	topics := []string{"数字经济高质量发展", "安全生产隐患排查", "重大项目建设", "营商环境优化提升", "人才服务", "垃圾分类", "消防安全", "科技创新政策宣讲", "助企服务", "城市精细化管理"}
	actions := []string{"召开%s推进会", "部署%s工作", "举办%s专题培训", "开展%s专项行动", "通报%s进展情况"}

	subject, topic := pick(subjects, 1), pick(topics, 7)
	action := fmt.Sprintf(pick(actions, 3), topic)
	day := fmt.Sprintf("%d月%d日", int(now.Month()), now.Day())
	return generated{
		title:  subject + action,
		source: source, author: author,
		paras: []string{
			day + "，" + subject + action + "。会议总结了前一阶段" + topic + "工作取得的成效，分析了当前面临的形势，并对下一步工作作出具体安排。",
			"会议指出，" + topic + "是推动高质量发展的重要抓手。各部门、各街道要进一步提高思想认识，压紧压实工作责任，以更加务实的作风推动各项任务落地见效。",
			"会议要求，要坚持问题导向和目标导向，加强统筹协调，健全工作机制，定期通报进展情况，确保" + topic + "各项目标任务按期完成。",
		},
	}
}

// generateEnglish is generate for English columns.
func generateEnglish(c *column, n int, now time.Time, pick func([]string, int) string) generated {
	place := "Binjiang District"
	if c.site.district == "xiaoshan" {
		place = "Xiaoshan District"
	}
	topics := []string{"the digital economy", "smart manufacturing", "talent services", "green development", "the business environment", "urban renewal", "technological innovation"}
	titles := []string{"%s steps up support for %s", "%s holds conference on %s", "New measures on %s announced in %s"}
	topic := pick(topics, 5)
	format := pick(titles, 1)
	title := fmt.Sprintf(format, place, topic)
	if format == titles[2] {
		title = fmt.Sprintf(format, topic, place)
	}
	g := generated{
		title: title,
		paras: []string{
			fmt.Sprintf("On %s, %s announced new measures to promote %s, according to the district government.", now.Format("January 2"), place, topic),
			"Officials said the measures cover funding, services for enterprises and a faster approval process, and that they will be reviewed every quarter.",
			fmt.Sprintf("The district plans to publish its first progress report on %s by the end of the year.", topic),
		},
	}
	switch c.site.id {
	case siteEHangzhou:
		g.source = "www.ehangzhou.gov.cn"
	case siteSTDaily:
		g.author = "LI Hua"
	case sitePRNews:
		g.source = "The Information Office of the People's Government of Hangzhou " + place
	case siteAggregator:
		g.source = "Website of " + place + " Government of Hangzhou"
		g.paras[len(g.paras)-1] += " (Source: " + g.source + ")"
	case siteHHTZ:
		g.source = "Hangzhou High-Tech Zone (Binjiang)"
	}
	return g
}
