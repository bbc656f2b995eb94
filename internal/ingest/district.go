package ingest

import (
	"strings"

	"riverside/internal/news"
)

// districtTerms name each district in Chinese and English: the district,
// its streets and towns, and its best-known places.
var districtTerms = map[string][]string{
	news.Binjiang: {"滨江", "高新区", "西兴街道", "长河街道", "浦沿街道", "白马湖", "物联网小镇", "互联网小镇",
		"binjiang", "high-tech zone", "hi-tech zone", "hhz", "hangzhou high-tech"},
	news.Xiaoshan: {"萧山", "湘湖", "钱江世纪城", "瓜沥", "衙前", "义桥", "临浦", "宁围", "新塘街道", "北干街道",
		"蜀山街道", "城厢街道", "河上镇", "戴村", "进化镇", "杭州湾信息港", "xiaoshan", "xianghu"},
}

// Districts tags an article: the source's own district when it has one,
// else every district the text names, the most named first.
func Districts(sourceDistrict, text string) []string {
	if sourceDistrict != "" {
		return []string{sourceDistrict}
	}
	lower := strings.ToLower(text)
	type count struct {
		d string
		n int
	}
	var found []count
	for _, d := range []string{news.Binjiang, news.Xiaoshan} {
		n := 0
		for _, t := range districtTerms[d] {
			n += strings.Count(lower, t)
		}
		if n > 0 {
			found = append(found, count{d, n})
		}
	}
	if len(found) == 2 && found[1].n > found[0].n {
		found[0], found[1] = found[1], found[0]
	}
	out := make([]string, len(found))
	for i, c := range found {
		out[i] = c.d
	}
	return out
}
