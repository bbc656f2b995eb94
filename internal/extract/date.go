package extract

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"riverside/internal/news"
)

// Date shapes found on news and government pages. Each is tried on the
// whole string; the earliest match wins.
var (
	isoDate = regexp.MustCompile(`((?:19|20)\d{2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:(?:T|\s+|&nbsp;)(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?)?`)
	cnDate  = regexp.MustCompile(`((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号](?:\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?)?`)
	// "May 12, 2021", "Nov. 14, 2022 10:30 am", "Updated: Apr 19, 2019".
	enDate = regexp.MustCompile(`(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{2})(?:,?\s+(?:at\s+)?(\d{1,2})[:.](\d{2})\s*([ap]\.?m\.?)?)?`)
	// "12 May 2021", "14 November, 2022".
	enDayFirst = regexp.MustCompile(`(?i)\b(\d{1,2})(?:st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+((?:19|20)\d{2})`)

	urlDateSep     = regexp.MustCompile(`[/_-]((?:19|20)\d{2})[-/_]?(\d{1,2})[-/_](\d{1,2})(?:[/_.-]|$)`)
	urlDateCompact = regexp.MustCompile(`[/_tc-]((?:19|20)\d{2})(\d{2})(\d{2})(?:[/_.-]|\d|$)`)
	urlYearMonth   = regexp.MustCompile(`/((?:19|20)\d{2})[-_]?(\d{2})/(\d{2})/`)
)

var months = map[string]time.Month{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7,
	"aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

// findDate returns the byte range of the first date in s, or nil.
func findDate(s string) []int {
	var best []int
	for _, re := range []*regexp.Regexp{isoDate, cnDate, enDate, enDayFirst} {
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
	loc := findDate(s)
	if loc == nil {
		return time.Time{}, false
	}
	return parseDate(s[loc[0]:loc[1]])
}

// parseDate reads one date in any of the shapes above. Times without a
// zone are China Standard Time, the zone of every source.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return plausible(t)
	}
	if m := isoDate.FindStringSubmatch(s); m != nil {
		return build(m[1], m[2], m[3], m[4], m[5], m[6], m[7], "")
	}
	if m := cnDate.FindStringSubmatch(s); m != nil {
		return build(m[1], m[2], m[3], m[4], m[5], m[6], "", "")
	}
	if m := enDate.FindStringSubmatch(s); m != nil {
		return build(m[3], strconv.Itoa(int(months[strings.ToLower(m[1])])), m[2], m[4], m[5], "", "", m[6])
	}
	if m := enDayFirst.FindStringSubmatch(s); m != nil {
		return build(m[3], strconv.Itoa(int(months[strings.ToLower(m[2])])), m[1], "", "", "", "", "")
	}
	return time.Time{}, false
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
	for _, re := range []*regexp.Regexp{urlYearMonth, urlDateSep, urlDateCompact} {
		for _, m := range re.FindAllStringSubmatch(u, -1) {
			if t, ok := build(m[1], m[2], m[3], "", "", "", "", ""); ok {
				return t, true
			}
		}
	}
	return time.Time{}, false
}
