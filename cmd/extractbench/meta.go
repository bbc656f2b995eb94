package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"riverside/internal/news"
)

// The Chinese set labels each page's author ("names separated by one
// space") and date ("as printed on the page"); "UNKNOWN" means the page has
// none. The labels are loose: some dates are only a year or a month
// ("2018", "1998-3"), a few are slips (an empty string, "UNKNWON"). A date
// label without a digit is read as "none", like UNKNOWN.

// unknown is the label of a page without an author or a date.
const unknown = "UNKNOWN"

// metaScore is the verdict on one page's author and date.
type metaScore struct {
	hasAuthor, hasDate     bool // the truth labels the field at all
	authorOK, authorLoose  bool // same set of names; at least one name shared
	dateOK                 bool
	wantNone, wantNoneDate bool // the truth says the page has none
	gotAuthor, gotDate     string
	wantAuthor, wantDate   string
}

// wantDate is a labelled date: the fields the label gives, the rest -1.
type wantDate struct {
	year, month, day, hour, minute int
}

var truthDate = regexp.MustCompile(`^((?:19|20)\d{2})(?:\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+(\d{1,2})[:：](\d{2})(?:[:：]\d{2})?)?)?)?$`)

// parseWantDate reads a truth date; ok is false when the label names no
// date (UNKNOWN, empty, a slip without digits) or cannot be read.
func parseWantDate(s string) (w wantDate, ok bool) {
	m := truthDate.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return w, false
	}
	num := func(v string) int {
		if v == "" {
			return -1
		}
		n, _ := strconv.Atoi(v)
		return n
	}
	return wantDate{num(m[1]), num(m[2]), num(m[3]), num(m[4]), num(m[5])}, true
}

// hasDigit reports whether a label holds any digit: a date label without
// one is "no date".
func hasDigit(s string) bool {
	return strings.IndexFunc(s, unicode.IsDigit) >= 0
}

// dateMatches compares an extracted time with a truth date: the calendar
// date in Asia/Shanghai to the precision the label gives, and the time to
// the minute when the label has one. An empty want (no date on the page)
// matches only a zero time.
func dateMatches(want string, got time.Time) bool {
	if !hasDigit(want) {
		return got.IsZero()
	}
	w, ok := parseWantDate(want)
	if !ok || got.IsZero() {
		return false
	}
	g := got.In(news.Shanghai)
	for _, c := range []struct{ want, got int }{
		{w.year, g.Year()}, {w.month, int(g.Month())}, {w.day, g.Day()}, {w.hour, g.Hour()}, {w.minute, g.Minute()},
	} {
		if c.want >= 0 && c.want != c.got {
			return false
		}
	}
	return true
}

// authorNames splits a byline into its names: the truth separates them
// with spaces, the extractor may also use commas, "、" or "&".
func authorNames(s string) map[string]bool {
	names := map[string]bool{}
	for _, n := range strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",，、;；/", r)
	}) {
		names[n] = true
	}
	return names
}

// authorMatches compares an extracted author with a truth label: exact
// when the two name sets are equal (an UNKNOWN truth wants nothing),
// loose when they share a name or one holds the other as a substring
// ("记者张三" for "张三").
func authorMatches(want, got string) (exact, loose bool) {
	if strings.TrimSpace(want) == unknown || strings.TrimSpace(want) == "" {
		ok := strings.TrimSpace(got) == ""
		return ok, ok
	}
	w, g := authorNames(want), authorNames(got)
	if len(g) == 0 {
		return false, false
	}
	exact = len(w) == len(g)
	for n := range w {
		if g[n] {
			loose = true
		} else {
			exact = false
		}
	}
	if !loose {
		wj, gj := strings.Join(strings.Fields(want), ""), strings.Join(strings.Fields(got), "")
		loose = strings.Contains(gj, wj) || strings.Contains(wj, gj)
	}
	return exact, loose
}

// scoreMeta compares one page's extracted author and date with its truth
// labels; nil labels are absent from the truth file.
func scoreMeta(wantAuthor, wantDate *string, gotAuthor string, gotDate time.Time) metaScore {
	var s metaScore
	s.gotAuthor = gotAuthor
	if !gotDate.IsZero() {
		s.gotDate = gotDate.In(news.Shanghai).Format("2006-01-02 15:04:05")
	}
	if wantAuthor != nil {
		s.hasAuthor = true
		s.wantAuthor = *wantAuthor
		s.wantNone = strings.TrimSpace(*wantAuthor) == unknown || strings.TrimSpace(*wantAuthor) == ""
		s.authorOK, s.authorLoose = authorMatches(*wantAuthor, gotAuthor)
	}
	if wantDate != nil {
		s.hasDate = true
		s.wantDate = *wantDate
		s.wantNoneDate = !hasDigit(*wantDate)
		s.dateOK = dateMatches(*wantDate, gotDate)
	}
	return s
}

// metaLine sums the pages' verdicts into one line:
//
//	author 12/35 overlap 14 date 25/35 (UNKNOWN right: author 5/7, date 2/3)
//
// It is empty when no truth file labels an author or a date.
func metaLine(scores []metaScore) string {
	var a, aLoose, aN, d, dN, uA, uAN, uD, uDN int
	for _, s := range scores {
		if s.hasAuthor {
			aN++
			if s.authorOK {
				a++
			}
			if s.authorLoose {
				aLoose++
			}
			if s.wantNone {
				uAN++
				if s.authorOK {
					uA++
				}
			}
		}
		if s.hasDate {
			dN++
			if s.dateOK {
				d++
			}
			if s.wantNoneDate {
				uDN++
				if s.dateOK {
					uD++
				}
			}
		}
	}
	if aN == 0 && dN == 0 {
		return ""
	}
	return fmt.Sprintf("author %d/%d overlap %d date %d/%d (UNKNOWN right: author %d/%d, date %d/%d)",
		a, aN, aLoose, d, dN, uA, uAN, uD, uDN)
}
