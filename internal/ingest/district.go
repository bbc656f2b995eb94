package ingest

import (
	"strings"

	"riverside/internal/gazetteer"
	"riverside/internal/news"
)

// districtTerms name each district in Chinese and English: the district,
// its subdistricts and towns, its parks, zones and public bodies, from the
// gazetteer that the search expands queries with.
var districtTerms = gazetteer.Default().TagTerms()

// Districts tags an article: the source's own district when it has one,
// else every district the text names, the most named first.
func Districts(sourceDistrict, text string) []string {
	if sourceDistrict != "" {
		return []string{sourceDistrict}
	}
	norm := gazetteer.Normalize(text)
	type count struct {
		d string
		n int
	}
	var found []count
	for _, d := range []string{news.Binjiang, news.Xiaoshan} {
		n := 0
		for _, t := range districtTerms[d] {
			n += strings.Count(norm, t)
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
