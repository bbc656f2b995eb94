package extract

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"

	"riverside/internal/news"
)

var (
	// Labels that introduce the publication time on a visible line.
	dateLabel = regexp.MustCompile(`(?i)(发布时间|发布日期|发表时间|发表日期|发稿时间|更新时间|时间|日期|releasedate|release date|updated|published|posted|publish date|date)\s*[:：]?\s*`)
	// "(Source: Website of …)" at the end of an English item.
	inlineSource = regexp.MustCompile(`[(（]\s*(?i:source|来源)\s*[:：]\s*([^()（）]{2,120})[)）]`)
	// 信息公开 table labels kept in Fields.
	fieldLabel = regexp.MustCompile(`(索引号|主题分类|组配分类|体裁分类|服务对象|发布机构|发文机关|公开方式|公开范围|公开时限|成文日期|发布日期|生效日期|废止日期|有效性|文号|发文字号|统一编号|信息分类)\s*[:：]\s*`)
)

// Precision of a time value, read from the value itself: a midnight is a
// bare date, whole minutes are a time without seconds.
const (
	precDay = iota
	precMinute
	precSecond
)

func precision(t time.Time) int {
	switch {
	case t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0:
		return precDay
	case t.Second() == 0:
		return precMinute
	}
	return precSecond
}

// agrees reports whether fine falls within coarse at coarse's precision.
func agrees(coarse, fine time.Time) bool {
	if precision(coarse) == precDay {
		return sameDay(coarse, fine)
	}
	return fine.Truncate(time.Minute).Equal(coarse)
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

func absDays(a, b time.Time) float64 {
	d := a.Sub(b).Hours() / 24
	if d < 0 {
		d = -d
	}
	return d
}

// containsFold reports whether s contains the lower-case ASCII word sub
// in any case, without allocating.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i]|0x20 == sub[0] && strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// nearTitleDate looks for a short line carrying a date among the few lines
// after the headline, where templates print the time without a label.
// idx is the line's index.
func nearTitleDate(lines []string, heads []int) (t time.Time, ok bool, idx int) {
	for _, i := range heads {
		for j := i + 1; j < len(lines) && j <= i+6; j++ {
			if utf8.RuneCountInString(lines[j]) > 100 || notPubLine.MatchString(lines[j]) {
				continue
			}
			if t, ok := firstDate(lines[j]); ok {
				return t, true, j
			}
		}
	}
	return time.Time{}, false, -1
}

// mayBeTitle is a cheap length test before normalizeTitle(ln) == nt:
// normalising only drops characters (and lower-cases), so a line shorter
// than the normalised title cannot match, nor can a far longer one.
func mayBeTitle(ln, nt string) bool {
	return len(ln) >= len(nt) && len(ln) <= 2*len(nt)+64
}

// chooseSource names the publisher: a selector, the ContentSource meta,
// a "来源：" or "Source:" line, or an inline "(Source: …)".
func chooseSource(doc *goquery.Document, sel news.Selectors, meta headMeta, full, labelled []string, lm *lineMeta, text string) string {
	if v := selText(doc, sel.Source); v != "" {
		return cleanSource(v)
	}
	for _, k := range sourceKeys {
		if v := cleanSource(meta[k]); v != "" {
			return v
		}
	}
	if lm.source != "" {
		return cleanSource(lm.source)
	}
	for _, ln := range labelled {
		if len(ln) > 480 || !mayHaveSourceLabel(ln) {
			continue
		}
		if v := cleanSource(labelValue(ln, sourceLabels)); v != "" {
			return v
		}
	}
	for _, ln := range full {
		if strings.IndexByte(ln, '|') < 0 && !strings.Contains(ln, "｜") {
			continue
		}
		if v := siteBeforeDate(ln); v != "" {
			return v
		}
	}
	if !mayHaveSourceLabel(text) {
		return ""
	}
	if m := inlineSource.FindAllStringSubmatch(text, -1); m != nil {
		return cleanSource(m[len(m)-1][1])
	}
	return ""
}

// siteBeforeDate reads the publisher from an info line of the form
// "www.ehangzhou.gov.cn| Updated: May 12, 2021": a short name, a bar,
// then (after an optional label) the date.
func siteBeforeDate(ln string) string {
	i := strings.IndexAny(ln, "|｜")
	if i <= 0 || utf8.RuneCountInString(ln) > 120 {
		return ""
	}
	name, rest := strings.TrimSpace(ln[:i]), strings.TrimLeft(ln[i:], "|｜ ")
	if name == "" || utf8.RuneCountInString(name) > 60 || findDate(name) != nil {
		return ""
	}
	if loc := dateLabel.FindStringIndex(rest); loc != nil && loc[0] == 0 {
		rest = rest[loc[1]:]
	}
	if d := findDate(rest); d == nil || d[0] > 0 {
		return ""
	}
	return name
}

// cleanSource strips the label and decoration around a publisher name.
func cleanSource(s string) string {
	s = collapseSpace(s)
	if loc := sourceLabels.FindStringIndex(s); loc != nil && loc[0] == 0 {
		s = s[loc[1]:]
	}
	s = strings.Trim(s, " ,;:|.-–—()（）[]【】")
	if utf8.RuneCountInString(s) > 80 {
		return ""
	}
	return s
}

// colonLines returns the lines that may carry "label: value" metadata.
func colonLines(lines []string) []string {
	var out []string
	for _, ln := range lines {
		if len(ln) <= 900 && (strings.IndexByte(ln, ':') >= 0 || strings.Contains(ln, "：")) {
			out = append(out, ln)
		}
	}
	return out
}

// mayHaveSourceLabel is a cheap guard before the source regexps.
func mayHaveSourceLabel(s string) bool {
	return strings.Contains(s, "来源") || strings.Contains(s, "ource") || strings.Contains(s, "OURCE")
}

// readFields collects the labelled metadata of 信息公开 pages.
func readFields(lines []string) map[string]string {
	var f map[string]string
	for _, ln := range lines {
		if !hasHan(ln) {
			continue
		}
		for _, loc := range fieldLabel.FindAllStringSubmatchIndex(ln, -1) {
			key := ln[loc[2]:loc[3]]
			v := ln[loc[1]:]
			if e := fieldLabel.FindStringIndex(v); e != nil {
				v = v[:e[0]]
			}
			if strings.HasSuffix(key, "日期") {
				// A date value ends with the date itself.
				if d := findDate(v); d != nil && d[0] <= 2 {
					v = v[:d[1]]
				}
			} else if e := nextLabel.FindStringIndex(v); e != nil {
				v = v[:e[0]]
			}
			v = strings.Trim(v, " \t　")
			if v == "" {
				continue
			}
			if f == nil {
				f = map[string]string{}
			}
			if _, seen := f[key]; !seen {
				f[key] = v
			}
		}
	}
	return f
}

// hasDigitRun reports whether s has four digits in a row, as every date
// with a year has; it spares the date regexps most lines.
func hasDigitRun(s string) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			run++
			if run == 4 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}
