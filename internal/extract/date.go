package extract

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"

	"riverside/internal/news"
)

// Date shapes found on news and government pages. Each is tried on the
// whole string; the earliest match wins.
var (
	// "2024-01-01 10:00:00", "2024-1-1 下午3:05", "2024-01-01T10:00:00Z".
	isoDate = regexp.MustCompile(`((?:19|20)\d{2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:(?:T|\s+|&nbsp;|\s*(上午|下午|晚上|凌晨|早上|中午)\s*)(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?)?`)
	// "2005年7月31日", "2005年08月30日, 星期二 13:22", "2004年7月16日08:19",
	// "2005年7月31日下午3时20分".
	cnDate = regexp.MustCompile(`((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号](?:\s*[,，]?\s*(?:星期|周|礼拜)[一二三四五六日天])?(?:\s*(上午|下午|晚上|凌晨|早上|中午)?\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?)?`)
	// "May 12, 2021", "Nov. 14, 2022 10:30 am", "Updated: Apr 19, 2019".
	enDate = regexp.MustCompile(`(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{2})(?:,?\s+(?:at\s+)?(\d{1,2})[:.](\d{2})\s*([ap]\.?m\.?)?)?`)
	// "12 May 2021", "14 November, 2022".
	enDayFirst = regexp.MustCompile(`(?i)\b(\d{1,2})(?:st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+((?:19|20)\d{2})`)
	// Numeric dates with the year last: "7/5/2005 9:23:57 PM" (ASP.NET's
	// en-US default, common on old Chinese portals), "17/09/2004",
	// "06/02/2022 - 13:48". Which number is the month is read from the
	// numbers themselves or from AM/PM; see slashOrder.
	slashDate = regexp.MustCompile(`\b(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})(?:\s*-?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp]\.?[Mm]\.?))?)?`)
	// A two-digit year, read only right after a date label: "发表于
	// 05-07-31 12:30".
	shortDate = regexp.MustCompile(`^(\d{2})[-/.](\d{1,2})[-/.](\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?(?:[^\d:]|$)`)

	urlDateSep     = regexp.MustCompile(`[/_-]((?:19|20)\d{2})[-/_]?(\d{1,2})[-/_](\d{1,2})(?:[/_.-]|$)`)
	urlDateCompact = regexp.MustCompile(`[/_tc-]((?:19|20)\d{2})(\d{2})(\d{2})(?:[/_.-]|\d|$)`)
	urlYearMonth   = regexp.MustCompile(`/((?:19|20)\d{2})[-_]?(\d{2})/(\d{2})/`)
	// "/2023/0301/": year, then month and day in one segment.
	urlYearMonthDay = regexp.MustCompile(`/((?:19|20)\d{2})/(\d{2})(\d{2})/`)
)

var months = map[string]time.Month{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7,
	"aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

// findDate returns the byte range of the first date in s, or nil.
func findDate(s string) []int {
	var best []int
	for _, re := range []*regexp.Regexp{isoDate, cnDate, enDate, enDayFirst, slashDate} {
		if re == slashDate && strings.IndexByte(s, '/') < 0 || re == cnDate && !strings.Contains(s, "年") {
			continue
		}
		if loc := re.FindStringIndex(s); loc != nil && (best == nil || loc[0] < best[0]) {
			if _, ok := parseDate(s[loc[0]:loc[1]]); ok {
				best = loc
			}
		}
	}
	return best
}

// firstDate parses the first plausible date in s.
func firstDate(s string) (time.Time, bool) {
	s = normDigits(s)
	loc := findDate(s)
	if loc == nil {
		return time.Time{}, false
	}
	return parseDate(s[loc[0]:loc[1]])
}

// parseDate reads one date in any of the shapes above. Times without a
// zone are China Standard Time, the zone of every source.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(normDigits(s))
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return plausible(t)
	}
	if m := isoDate.FindStringSubmatch(s); m != nil {
		return build(m[1], m[2], m[3], m[5], m[6], m[7], m[8], halfDay(m[4]))
	}
	if m := cnDate.FindStringSubmatch(s); m != nil {
		return build(m[1], m[2], m[3], m[5], m[6], m[7], "", halfDay(m[4]))
	}
	if m := enDate.FindStringSubmatch(s); m != nil {
		return build(m[3], strconv.Itoa(int(months[strings.ToLower(m[1])])), m[2], m[4], m[5], "", "", m[6])
	}
	if m := enDayFirst.FindStringSubmatch(s); m != nil {
		return build(m[3], strconv.Itoa(int(months[strings.ToLower(m[2])])), m[1], "", "", "", "", "")
	}
	if m := slashDate.FindStringSubmatch(s); m != nil {
		mo, d, ok := slashOrder(m[1], m[2], m[7] != "")
		if !ok {
			return time.Time{}, false
		}
		return build(m[3], mo, d, m[4], m[5], m[6], "", m[7])
	}
	return time.Time{}, false
}

// halfDay reads a Chinese half-day word as "am" or "pm" ("" when absent
// or noon, whose hours are written as they are).
func halfDay(w string) string {
	switch w {
	case "下午", "晚上":
		return "pm"
	case "上午", "凌晨", "早上":
		return "am"
	}
	return ""
}

// slashOrder tells month from day in a year-last numeric date. A number
// above 12 is the day; AM/PM marks the en-US order (month first) that
// ASP.NET prints by default; otherwise "06/02/2022" is ambiguous and
// refused rather than guessed.
func slashOrder(a, b string, ampm bool) (month, day string, ok bool) {
	ai, _ := strconv.Atoi(a)
	bi, _ := strconv.Atoi(b)
	switch {
	case ai > 12 && bi <= 12:
		return b, a, true
	case bi > 12 && ai <= 12:
		return a, b, true
	case ai <= 12 && bi <= 12 && (ampm || ai == bi):
		return a, b, true
	}
	return "", "", false
}

// normDigits folds full-width digits and date punctuation ("２００５－０７－３１")
// into ASCII, which the date shapes expect.
func normDigits(s string) string {
	if !strings.ContainsFunc(s, isFullWidthDatePart) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + r - '０'
		case r == '－':
			return '-'
		case r == '／':
			return '/'
		case r == '．':
			return '.'
		}
		return r
	}, s)
}

func isFullWidthDatePart(r rune) bool {
	return r >= '０' && r <= '９' || r == '－' || r == '／' || r == '．'
}

// parseShortDate reads a two-digit-year date ("05-07-31 12:30") at the
// start of s; years run from 1990 to the current one.
func parseShortDate(s string) (time.Time, bool) {
	m := shortDate.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	yy, _ := strconv.Atoi(m[1])
	y := 2000 + yy
	if y > time.Now().Year() {
		y = 1900 + yy
	}
	return build(strconv.Itoa(y), m[2], m[3], m[4], m[5], m[6], "", "")
}

func build(y, mo, d, h, mi, sec, zone, ampm string) (time.Time, bool) {
	yi, _ := strconv.Atoi(y)
	moi, _ := strconv.Atoi(mo)
	di, _ := strconv.Atoi(d)
	hi, _ := strconv.Atoi(h)
	mii, _ := strconv.Atoi(mi)
	si, _ := strconv.Atoi(sec)
	if moi < 1 || moi > 12 || di < 1 || di > 31 || hi > 23 || mii > 59 || si > 60 {
		return time.Time{}, false
	}
	ampm = strings.ToLower(strings.ReplaceAll(ampm, ".", ""))
	if ampm == "pm" && hi < 12 {
		hi += 12
	} else if ampm == "am" && hi == 12 {
		hi = 0
	}
	loc := news.Shanghai
	switch {
	case zone == "Z":
		loc = time.UTC
	case zone != "":
		z := strings.ReplaceAll(zone, ":", "")
		zh, _ := strconv.Atoi(z[1:3])
		zm, _ := strconv.Atoi(z[3:5])
		off := zh*3600 + zm*60
		if z[0] == '-' {
			off = -off
		}
		loc = time.FixedZone("", off)
	}
	t := time.Date(yi, time.Month(moi), di, hi, mii, si, 0, loc)
	if t.Day() != di {
		return time.Time{}, false // 31 April and the like
	}
	return plausible(t)
}

// plausible refuses dates before the web sites existed and dates in the
// future (scheduled-event widgets, typos).
func plausible(t time.Time) (time.Time, bool) {
	if t.Year() < 1990 || t.After(time.Now().Add(24*time.Hour)) {
		return time.Time{}, false
	}
	return t, true
}

// urlDate reads the date that many CMSs put in article paths:
// /2021-05/12/, /art/2024/1/10/, /2019/11/18/, /20220511/, t20190918_.
func urlDate(u string) (time.Time, bool) {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	for _, re := range []*regexp.Regexp{urlYearMonth, urlYearMonthDay, urlDateSep, urlDateCompact} {
		for _, m := range re.FindAllStringSubmatch(u, -1) {
			if t, ok := build(m[1], m[2], m[3], "", "", "", "", ""); ok {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

var (
	// Labels that introduce the publication time on a visible line, longest
	// first: "发布时间：", "发表于", "由某人张贴 @", "Posted on". The bare
	// ones (时间, 日期, 发布, 发表, date) count only where no letter or Han
	// character runs into them, so that "北京时间2022年…" in the prose and
	// "Update" are no labels.
	pubLabel = regexp.MustCompile(`(?i)(?:(?:发布|发表|发稿|发文|更新|上传|录入|添加|刊发|刊登|出版|创建|公布|印发|成文|修改)(?:时间|日期)|发表于|发布于|张贴于|更新于|写于|张贴|(时间|日期|发布|发表|releasedate|release date|updated|published|posted|publish date|date))\s*(?:[:：@]|\|)?\s*(?:(?:on|at)\s+)?`)
	// Lines whose date is the reader's today or the site's copyright.
	notPubLine = regexp.MustCompile(`(?i)今天是|今日是|今天：|当前时间|现在时间|现在是|©|copyright|版权所有`)
	// A reprint note naming the periodical and its issue: "——《北京之春》
	// 1998年3月号", "（原载《南方周末》2005年3月1日）".
	pubNote = regexp.MustCompile(`(?:^|[（(])\s*(?:——|--|—|原载于?|刊于|载于|刊载于|发表于|转载自|摘自|选自)\s*[:：]?\s*《[^》]{1,30}》\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?`)
)

// publishedTime decides the publication time, most trusted source first:
// a configured selector, on a Chinese page (zh) the labelled line near the
// headline, head metas, JSON-LD, on other pages the labelled line near the
// headline, dates on meta lines the cleaner dropped (datelines, "2022-05-11
// 0 By"), an unlabelled date just under the headline, a labelled line
// further away, a reprint note ("——《北京之春》1998年3月号") and finally
// the URL path. An unlabelled info line right under the headline outranks
// a labelled date further down. A less precise value is completed by a
// later one that agrees with it.
func publishedTime(doc *goquery.Document, sel news.Selectors, meta headMeta, ld ldInfo, full []string, heads []int, lm *lineMeta, paras []string, pageURL string, zh bool) time.Time {
	var cands []time.Time
	add := func(t time.Time, ok bool) {
		if ok {
			cands = append(cands, t)
		}
	}
	if sel.Date != "" {
		add(firstDate(selText(doc, sel.Date)))
	}
	head := firstHeadline(heads)
	var labelled time.Time
	near := false
	if head < 0 {
		// No line repeats the title: the info line sits just above the
		// body, so the labelled date nearest above it is the article's.
		labelled, near = labelledAbove(full, bodyStart(full, paras))
	}
	labelIdx := -1
	if !near {
		labelled, near, labelIdx = labelledPubDate(full, head)
	}
	nt, ntOK, ntIdx := nearTitleDate(full, heads)
	if near && head >= 0 && ntOK && ntIdx < labelIdx && ntIdx <= head+3 && !nt.Equal(labelled) && lm.off.on(RuleDateNearTitle) {
		// "2022-10-11 07:30　来源：…" right under the headline, and a
		// labelled date further down (a comment's 发表于, a list's
		// 发布时间): the info line under the headline is the article's.
		near = false
	}
	labelFirst := near && zh && lm.off.on(RuleDateLabelFirst)
	if labelFirst {
		// On a Chinese page the date printed under the headline
		// (发布时间：…) is the one readers see; CMS metas may hold the
		// record's creation or a re-publication time instead.
		add(labelled, true)
	}
	for _, k := range publishedKeys {
		if v := meta[k]; v != "" {
			add(parseDate(v))
		}
	}
	if !ld.published.IsZero() {
		add(ld.published, true)
	}
	if near && !labelFirst {
		add(labelled, true)
	}
	if lm.off.on(RuleDateLines) {
		for _, d := range lm.dates {
			add(firstDate(d))
		}
	}
	var urlT time.Time
	urlOK := false
	if lm.off.on(RuleDateURL) {
		urlT, urlOK = urlDate(pageURL)
	}
	if t, ok := nt, ntOK; ok && lm.off.on(RuleDateNearTitle) {
		// An unlabelled date near the headline may belong to a widget:
		// trust it when the URL agrees or says nothing.
		if !urlOK || absDays(t, urlT) <= 2 {
			add(t, true)
		}
	}
	if !near {
		add(labelled, !labelled.IsZero())
	}
	if lm.off.on(RuleDateReprint) {
		add(reprintDate(paras))
	}
	if len(cands) == 0 && lm.off.on(RuleDateSignature) {
		add(signatureDate(paras))
	}
	add(urlT, urlOK)
	if len(cands) == 0 {
		return time.Time{}
	}
	// A less trusted source may state the same instant more finely: a
	// head meta with the day or the minute ("2024-01-10 09:27") and the
	// visible line with the seconds ("ReleaseDate: 2024-01-10 09:27:19").
	// The finer value wins when it agrees at the coarser one's precision.
	best := cands[0]
	for _, c := range cands[1:] {
		if precision(c) > precision(best) && agrees(best, c) {
			best = c
		}
	}
	return best
}

// headlines returns the indexes of the lines that repeat the title, in
// order; Extract finds them once for the date and author rules. When no
// line repeats it whole, the first line that opens it (a headline set on
// several lines) stands for it.
func headlines(lines []string, title string) []int {
	nt := normalizeTitle(title)
	if nt == "" {
		return nil
	}
	var heads []int
	for i, ln := range lines {
		if mayBeTitle(ln, nt) && normalizeTitle(ln) == nt {
			heads = append(heads, i)
		}
	}
	if heads != nil {
		return heads
	}
	tn := utf8.RuneCountInString(nt)
	for i, ln := range lines {
		if len(ln) > len(title)+16 || strings.ContainsAny(ln, ":：|") {
			continue
		}
		nl := normalizeTitle(ln)
		if n := utf8.RuneCountInString(nl); n >= 6 && 5*n >= 2*tn && strings.HasPrefix(nt, nl) {
			return []int{i}
		}
	}
	return nil
}

// bodyStart is the index of the page line that opens the body, or -1.
func bodyStart(full, paras []string) int {
	first := paraLines(paras, 1)
	if len(first) == 0 {
		return -1
	}
	for i, ln := range full {
		if ln == first[0] {
			return i
		}
	}
	return -1
}

// labelledAbove finds the labelled publication date on the lines just
// above line i, nearest first (成文日期 only when no other is there); an
// unlabelled info line ("2024年 1月 8日 10:05　来源：杭州日报") counts when it
// is the nearest line with a date.
func labelledAbove(lines []string, i int) (time.Time, bool) {
	if i <= 0 {
		return time.Time{}, false
	}
	var signed time.Time
	for j := i - 1; j >= 0 && j >= i-nearHeadline; j-- {
		ln := lines[j]
		if len(ln) > 600 {
			continue
		}
		if !mayHavePubLabel(ln) {
			if signed.IsZero() && len(ln) < 240 && hasDigitRun(ln) && !notPubLine.MatchString(ln) && isMetaCluster(normDigits(ln)) {
				if t, ok := firstDate(ln); ok {
					return t, true
				}
			}
			continue
		}
		if ln = normDigits(ln); !hasDigitRun(ln) && !strings.ContainsAny(ln, "〇○") || notPubLine.MatchString(ln) {
			continue
		}
		if v, ok := lineDate(ln); ok {
			if !signedDate(ln) {
				return v, true
			}
			if signed.IsZero() {
				signed = v
			}
		}
	}
	return signed, !signed.IsZero()
}

// firstHeadline is the index of the first headline line, or -1.
func firstHeadline(heads []int) int {
	if len(heads) == 0 {
		return -1
	}
	return heads[0]
}

// Lines after the headline within which a labelled date belongs to the
// article rather than to a list or footer below it.
const nearHeadline = 12

// labelledPubDate finds the labelled date of the article: the first one
// after the headline (the info line sits under the headline;
// "相关新闻" lists and footers further down carry their own dates), else
// the first on the page. near is false when the date found is far from a
// known headline.
//
// The date an official document was signed (成文日期) is taken only when
// no other labelled date is found: the page's publication date is the
// one a reader sees it by. idx is the index of the line used, or -1.
func labelledPubDate(lines []string, head int) (t time.Time, near bool, idx int) {
	first := time.Time{}
	firstIdx := -1
	var signed time.Time
	signedIdx := -1
	for i, ln := range lines {
		if len(ln) > 600 || !mayHavePubLabel(ln) {
			continue
		}
		if ln = normDigits(ln); !hasDigitRun(ln) && !strings.ContainsAny(ln, "〇○") || notPubLine.MatchString(ln) {
			continue
		}
		v, ok := lineDate(ln)
		if !ok {
			continue
		}
		if signedDate(ln) {
			if signed.IsZero() {
				signed, signedIdx = v, i
			}
			continue
		}
		if head < 0 {
			return v, true, i
		}
		if i > head {
			return v, i-head <= nearHeadline, i
		}
		if firstIdx < 0 {
			first, firstIdx = v, i
		}
	}
	if firstIdx < 0 && !signed.IsZero() {
		return signed, head < 0, signedIdx
	}
	return first, false, firstIdx
}

// signedDate reports whether a line's only date label is 成文日期/成文时间.
func signedDate(ln string) bool {
	if !strings.Contains(ln, "成文") {
		return false
	}
	for _, w := range []string{"发布", "发表", "更新", "发文日期", "发稿"} {
		if strings.Contains(ln, w) {
			return false
		}
	}
	return true
}

// mayHavePubLabel is a cheap guard before pubLabel: every label holds one
// of these.
func mayHavePubLabel(ln string) bool {
	for _, w := range []string{"时间", "日期", "发表", "发布", "张贴", "更新", "写于"} {
		if strings.Contains(ln, w) {
			return true
		}
	}
	return containsFold(ln, "date") || containsFold(ln, "published") || containsFold(ln, "posted")
}

// lineDate reads the date right after a date label of ln. A line that
// labels both ("更新时间：… 发布时间：…") gives the publication date.
func lineDate(ln string) (time.Time, bool) {
	var updated time.Time
	for _, loc := range pubLabel.FindAllStringSubmatchIndex(ln, -1) {
		if loc[2] > 0 {
			// A bare label must not run on from a word: "北京时间".
			r, _ := utf8.DecodeLastRuneInString(ln[:loc[2]])
			if unicode.IsLetter(r) {
				continue
			}
		}
		t, ok := labelledValue(ln[loc[1]:])
		if !ok {
			continue
		}
		if label := ln[loc[0]:loc[1]]; strings.Contains(label, "更新") || strings.Contains(label, "修改") || containsFold(label, "updated") {
			if updated.IsZero() {
				updated = t
			}
			continue
		}
		return t, true
	}
	return updated, !updated.IsZero()
}

// labelledValue reads the date at the start of the text after a label:
// any date shape, a two-digit year ("05-07-31"), or Chinese numerals
// ("二〇二四年一月一日").
func labelledValue(rest string) (time.Time, bool) {
	if len(rest) > 64 {
		rest = rest[:64]
	}
	if d := findDate(rest); d != nil && d[0] <= 2 {
		if t, ok := parseDate(rest[d[0]:d[1]]); ok {
			return t, true
		}
	}
	rest = strings.TrimLeft(rest, "[(（【 ")
	if t, ok := parseShortDate(rest); ok {
		return t, true
	}
	return parseHanDate(rest)
}

// reprintDate reads the issue date of a reprint note in the body; a
// month issue ("1998年3月号") is dated the first of the month.
func reprintDate(paras []string) (time.Time, bool) {
	for _, p := range paras {
		for _, ln := range strings.Split(p, "\n") {
			if utf8.RuneCountInString(ln) > 80 || !strings.Contains(ln, "《") {
				continue
			}
			if m := pubNote.FindStringSubmatch(normDigits(ln)); m != nil {
				d := m[3]
				if d == "" {
					d = "1"
				}
				return build(m[1], m[2], d, "", "", "", "", "")
			}
		}
	}
	return time.Time{}, false
}

// Chinese numerals of the dates that sign official documents:
// "二〇二二年一月二十七日".
var hanDate = regexp.MustCompile(`^([〇○零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,2})\s*月\s*([一二三四五六七八九十]{1,3})\s*日`)

// parseHanDate reads a date in Chinese numerals at the start of s.
func parseHanDate(s string) (time.Time, bool) {
	m := hanDate.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	y := 0
	for _, r := range m[1] {
		y = y*10 + digitOf(r)
	}
	return build(strconv.Itoa(y), strconv.Itoa(hanNumber(m[2])), strconv.Itoa(hanNumber(m[3])), "", "", "", "", "")
}

// signatureDate reads the date alone on one of the body's last lines, as
// notices are signed ("吉林省人民政府 / 2022年1月27日").
func signatureDate(paras []string) (time.Time, bool) {
	lines := paraLines(paras, -1)
	for i := len(lines) - 1; i >= 0 && i >= len(lines)-3; i-- {
		ln := strings.TrimFunc(lines[i], isSpace)
		if utf8.RuneCountInString(ln) > 24 {
			continue
		}
		if isBareDate(normDigits(ln)) {
			return firstDate(ln)
		}
		if strings.HasSuffix(ln, "日") {
			if t, ok := parseHanDate(ln); ok {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// hanDigit is the value of one Chinese numeral digit (〇 to 九).
func hanDigit(r rune) int {
	for i, d := range []rune("〇一二三四五六七八九") {
		if d == r {
			return i
		}
	}
	return 0
}

// hanNumber reads a Chinese numeral from 1 to 39: 七, 十, 十二, 二十七, 三十一.
func hanNumber(s string) int {
	r := []rune(s)
	switch {
	case len(r) == 1 && r[0] == '十':
		return 10
	case len(r) == 1:
		return digitOf(r[0])
	case len(r) == 2 && r[0] == '十':
		return 10 + digitOf(r[1])
	case len(r) == 2 && r[1] == '十':
		return digitOf(r[0]) * 10
	case len(r) == 3 && r[1] == '十':
		return digitOf(r[0])*10 + digitOf(r[2])
	}
	return 0
}

func digitOf(r rune) int {
	if r == '○' || r == '零' {
		return 0
	}
	return hanDigit(r)
}
