package index_test

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"time"

	"riverside/internal/news"
)

// The load benchmark's corpus and query mix (see load_test.go): generated,
// the same for a given size on every run.

var zhWords = strings.Fields(`数字经济 人民政府 常务会议 产业政策 人工智能 物联网 科技创新 高质量发展 营商环境 重大项目 安全生产 消防安全
	垃圾分类 人才服务 助企服务 城市管理 精细化 乡村振兴 共同富裕 文化旅游 生态环境 水质监测 交通治理 地铁 公交 学校 医院 社区
	街道 企业 园区 小镇 平台 数据 算力 芯片 软件 制造业 新能源 汽车 电商 直播 跨境 出口 投资 招商 签约 开工 竣工 验收 检查 培训
	会议 通知 公告 意见 方案 规划 办法 细则 标准 试点 示范 改革 创新 服务 保障 民生 就业 创业 社保 医保 养老 托育 教育 体育 亚运
	场馆 公园 湿地 绿道 河道 堤防 防汛 台风 气象 电力 燃气 供水 排水 道路 桥梁 隧道 停车 快递 物流 仓储 港口 机场 铁路 高铁 站点
	发展 推进 部署 落实 完善 提升 加强 建设 优化 推动 深化 扩大 支持 鼓励 引导 规范 监管 执法 调解 信访 应急 演练 宣传 志愿者
	党建 廉政 巡察 审计 财政 预算 税收 金融 银行 保险 基金 债券 上市 融资 孵化器 加速器 研发 专利 商标 标准化 质量 品牌 展会
	博览会 论坛 峰会 大赛 颁奖 表彰 先进 典型 模范 工匠 人才 院士 博士 专家 团队 实验室 研究院 大学 学院 中心 基地 项目 工程`)

var zhPlaces = strings.Fields(`滨江 萧山 高新区 西兴街道 长河街道 浦沿街道 白马湖 物联网小镇 湘湖 钱江世纪城 瓜沥镇 闻堰街道 宁围街道 义桥镇 临浦镇 北干街道`)

var enWords = strings.Fields(`the of and to in a for on with by is was are as at from that this be has have will it its an which or not
	district government city council meeting policy economy digital innovation technology industry company companies enterprise
	project projects investment investors park parks river lake bridge road roads metro station airport port trade export
	market markets business development developing developed green smart manufacturing talent talents service services
	support supports new plan plans year years month week people residents community communities school schools hospital
	health education culture tourism tourist visitors sports games asian olympic center centre science research university
	data platform platforms cloud computing artificial intelligence chip chips software energy vehicle vehicles electric
	water quality environment environmental protection safety fire emergency flood typhoon weather power gas supply transport
	traffic bus buses housing urban rural village villages town towns street streets zone zones hub hubs official officials
	said announced held launched opened signed completed started approved released reported according local national
	provincial municipal international global first second third major key important high quality growth increase percent
	million billion yuan total number rate level levels public private cooperation agreement forum summit expo exhibition
	award awards program programme measures rules regulation regulations reform reforms pilot model standard standards`)

var enPlaces = []string{"Binjiang", "Xiaoshan", "Hangzhou", "Xianghu Lake", "Qianjiang Century City", "Baima Lake", "Wenyan", "Guali", "Xixing"}

// loadCorpus generates n articles, half Chinese and half English, 2–3 KB
// of text each, spread over five years, sixteen sources and both
// districts.
func loadCorpus(n int) []news.Article {
	r := rand.New(rand.NewPCG(1, uint64(n)))
	zhZipf := rand.NewZipf(r, 1.1, 2, uint64(len(zhWords)-1))
	enZipf := rand.NewZipf(r, 1.1, 2, uint64(len(enWords)-1))
	out := make([]news.Article, n)
	for i := range out {
		zh := i%2 == 0
		target := 2048 + r.IntN(1024)
		var b strings.Builder
		sentence := 0
		for b.Len() < target {
			switch {
			case zh && r.IntN(20) == 0:
				b.WriteString(zhPlaces[r.IntN(len(zhPlaces))])
			case zh:
				b.WriteString(zhWords[zhZipf.Uint64()])
			case r.IntN(25) == 0:
				b.WriteString(enPlaces[r.IntN(len(enPlaces))])
			default:
				if sentence > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(enWords[enZipf.Uint64()])
			}
			sentence = punctuate(&b, r, zh, sentence)
		}
		text := b.String()
		lang, title := "en", ""
		if zh {
			lang = "zh"
			title = zhPlaces[r.IntN(len(zhPlaces))] + zhWords[zhZipf.Uint64()] + zhWords[zhZipf.Uint64()] + zhWords[r.IntN(len(zhWords))]
		} else {
			title = enPlaces[r.IntN(len(enPlaces))] + " " + enWords[20+r.IntN(len(enWords)-20)] + " " + enWords[enZipf.Uint64()] + " " + enWords[20+r.IntN(len(enWords)-20)]
		}
		out[i] = loadArticle(r, i, lang, title, text)
	}
	return out
}

// punctuate ends the word just written: after 9 to 18 words a sentence
// ends (now and then a paragraph too); within a Chinese sentence a comma
// comes now and then. It returns the words of the sentence so far.
func punctuate(b *strings.Builder, r *rand.Rand, zh bool, sentence int) int {
	sentence++
	if sentence > 8+r.IntN(10) {
		if zh {
			b.WriteString("。")
		} else {
			b.WriteString(". ")
		}
		if r.IntN(4) == 0 {
			b.WriteString("\n\n")
		}
		return 0
	}
	if zh && r.IntN(4) == 0 {
		b.WriteString("，")
	}
	return sentence
}

// loadArticle makes the ith generated article around its text: a
// district, one of four sources per district and language, a date in
// the five years from 2021.
func loadArticle(r *rand.Rand, i int, lang, title, text string) news.Article {
	start := time.Date(2021, 1, 1, 8, 0, 0, 0, news.Shanghai)
	district := news.Binjiang
	if r.IntN(2) == 0 {
		district = news.Xiaoshan
	}
	return news.Article{
		ID: fmt.Sprintf("%016x", r.Uint64()), Seq: int64(i + 1), Version: 1,
		URL:      fmt.Sprintf("https://example.gov.cn/%s/art/%d.html", district, i),
		SourceID: fmt.Sprintf("%s-%s-%d", district, lang, r.IntN(4)), Districts: []string{district},
		Title: title, Text: text, Lang: lang,
		Published: start.Add(time.Duration(r.Int64N(int64(5 * 365 * 24 * time.Hour)))),
		Fetched:   start,
	}
}

// loadQuery is one query of the mix in both forms: Riverside's URL
// parameters and the plain Bleve query string that asks the same.
type loadQuery struct {
	params url.Values
	bleve  string
}

// loadQueries makes the fixed mix of n queries: Chinese words of two to
// four characters, English words and quoted pairs, booleans and filters.
// A Chinese word is a quoted phrase in the Bleve form, since Bleve's
// standard analyzer splits Chinese into characters and an unquoted word
// would find any of them.
func loadQueries(n int, corpus []news.Article) []loadQuery {
	r := rand.New(rand.NewPCG(2, uint64(n)))
	zhWord := func() string { return zhWords[r.IntN(len(zhWords))] }
	enWord := func() string { return enWords[40+r.IntN(len(enWords)-40)] }
	enPair := func() string {
		// Two words in a row from an English article.
		for {
			a := corpus[r.IntN(len(corpus))]
			if a.Lang != "en" {
				continue
			}
			w := strings.Fields(strings.NewReplacer(".", " ", ",", " ").Replace(a.Text))
			k := r.IntN(len(w) - 1)
			return strings.ToLower(w[k] + " " + w[k+1])
		}
	}
	// Out of 20: Chinese words 6, English words 4, quoted pairs 3, Chinese
	// AND 2, OR 1, NOT 1, no place names, district 1, language 1, dates 1.
	return mixQueries(r, n, queryWords{zh: zhWord, en: enWord, pair: enPair}, [...]int{6, 10, 13, 15, 16, 17, 17, 18, 19}, 20)
}

// queryWords draws the words of a mix's queries.
type queryWords struct {
	zh, en, pair, place func() string
}

// mixQueries makes n queries of the kinds below, kind i drawn when a
// number in [0, total) falls under cuts[i] (and at or over the cut
// before): Chinese word, English word, quoted English pair, two Chinese
// words (AND), Chinese OR English, pair NOT word, place name, Chinese
// word in Binjiang, English word in English, Chinese word in 2023.
func mixQueries(r *rand.Rand, n int, w queryWords, cuts [9]int, total int) []loadQuery {
	out := make([]loadQuery, 0, n)
	for len(out) < n {
		v := url.Values{}
		var q, bq string
		switch k := r.IntN(total); {
		case k < cuts[0]:
			a := w.zh()
			q, bq = a, `"`+a+`"`
		case k < cuts[1]:
			a := w.en()
			q, bq = a, a
		case k < cuts[2]:
			p := w.pair()
			q, bq = `"`+p+`"`, `"`+p+`"`
		case k < cuts[3]:
			a, b := w.zh(), w.zh()
			q, bq = a+" "+b, `+"`+a+`" +"`+b+`"`
		case k < cuts[4]:
			a, b := w.zh(), w.en()
			q, bq = a+" OR "+b, `"`+a+`" `+b
		case k < cuts[5]:
			p, a := w.pair(), w.en()
			q, bq = `"`+p+`" -`+a, `+"`+p+`" -`+a
		case k < cuts[6]:
			a := w.place()
			q, bq = a, `"`+a+`"`
		case k < cuts[7]:
			a := w.zh()
			v.Set("district", news.Binjiang)
			q, bq = a, `+"`+a+`" +district:binjiang`
		case k < cuts[8]:
			a := w.en()
			v.Set("lang", "en")
			q, bq = a, `+`+a+` +lang:en`
		default:
			a := w.zh()
			v.Set("from", "2023-01-01")
			v.Set("to", "2023-12-31")
			q, bq = a, `+"`+a+`" +published:>="2023-01-01T00:00:00+08:00" +published:<="2023-12-31T23:59:59+08:00"`
		}
		v.Set("q", q)
		out = append(out, loadQuery{params: v, bleve: bq})
	}
	return out
}
