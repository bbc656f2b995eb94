package web

import (
	"fmt"
	"net/url"
	"strconv"
	"time"

	"riverside/internal/news"
)

// The timeline is an inline SVG drawn on the server, so it needs no
// JavaScript. Horizontal positions are percentages of the chart's width
// and vertical ones pixels: the bars stretch with the page while the
// labels keep their size, so they stay readable on a phone as on a
// desktop. Which labels are drawn depends only on the number of months,
// chosen so that about a dozen fit on a narrow screen.

// Geometry of the timeline, in pixels.
const (
	chartTop    = 6   // room above the tallest bar
	chartPlot   = 110 // height of the bars' area
	chartMonthY = chartTop + chartPlot + 14
	chartYearY  = chartMonthY + 15
	chartHeight = chartYearY + 5
	// minSlots keeps a few months from becoming a few very wide bars.
	minSlots = 12
	// maxLabels is about how many months fit across a phone's width,
	// maxYearsNarrow how many years (wider labels); a wider screen shows
	// up to maxLabels years.
	maxLabels      = 12
	maxYearsNarrow = 6
	// yearRoom is the share of the width, in percent, that a year's
	// label needs on a phone.
	yearRoom = 11
	// maxMonths bounds the columns drawn (fifty years).
	maxMonths = 600
)

// timelineView is what the page template draws.
type timelineView struct {
	First, Last string // "2025-03"
	Dated       int    // articles counted in the chart
	Undated     uint64 // results without a date, not in the chart
	Earlier     int    // results too long before the others to draw
	// Height of the chart, y of the axis and of the rows of labels, in
	// pixels.
	Height, Base, MonthY, YearY int
	Bars                        []barView
	Grid                        []gridView
	Years                       []yearView
	Months                      []labelView
	// Active is the month the search is narrowed to, if any; All is the
	// search over all months.
	Active, All string
}

type barView struct {
	Month  string // "2025-03"
	Count  int
	Title  string // "2025-03: 12 articles"
	URL    string // "" for an empty month: nothing to narrow to
	Active bool
	// Slot is the column of the month, Bar the bar within it: X and W in
	// percent of the width; Y and H in pixels.
	SlotX, SlotW, X, W string
	Y, H               int
}

type gridView struct {
	Y     int
	Label string
}

type yearView struct {
	X     string // the left edge of the year's first month shown
	Line  bool   // a separator from the year before
	Label string // "" when there is no room for it
	Minor bool   // a label left out on narrow screens
	// LabelX and Anchor place the label: after X, or before the end.
	LabelX, Anchor string
}

type labelView struct {
	X, Label string
}

// timeline builds the chart from the month facet. Months between the
// first and the last with no hits become empty columns, so that the time
// axis is continuous. It returns nil when no result has a date.
func timeline(v url.Values, months []news.FacetValue, total uint64) *timelineView {
	counts := map[time.Time]int{}
	var first, last time.Time
	dated := 0
	for _, f := range months {
		m, err := time.Parse("2006-01", f.Value)
		if err != nil || f.Count <= 0 {
			continue
		}
		counts[m] += f.Count
		dated += f.Count
		if first.IsZero() || m.Before(first) {
			first = m
		}
		if last.IsZero() || m.After(last) {
			last = m
		}
	}
	if dated == 0 {
		return nil
	}
	n, earlier := monthsBetween(first, last)+1, 0
	if n > maxMonths {
		// A stray date decades away would make thousands of empty
		// columns: keep the newest maxMonths.
		n, first = maxMonths, last.AddDate(0, 1-maxMonths, 0)
		for m, c := range counts {
			if m.Before(first) {
				earlier += c
				delete(counts, m)
			}
		}
	}
	top := 0
	for _, c := range counts {
		top = max(top, c)
	}
	scale := niceCeil(top)

	tv := &timelineView{
		First: first.Format("2006-01"), Last: last.Format("2006-01"),
		Dated: dated - earlier, Earlier: earlier, Height: chartHeight, Base: chartTop + chartPlot,
		MonthY: chartMonthY, YearY: chartYearY,
	}
	if uint64(dated) < total {
		tv.Undated = total - uint64(dated)
	}
	grid := []int{scale}
	if scale%2 == 0 {
		grid = append(grid, scale/2)
	}
	for _, g := range grid {
		tv.Grid = append(tv.Grid, gridView{Y: chartTop + chartPlot - chartPlot*g/scale, Label: strconv.Itoa(g)})
	}

	slots := max(n, minSlots)
	slotW := 100 / float64(slots)
	offset := float64(slots-n) / 2 * slotW // a few months sit in the middle
	barW := slotW * 0.78
	if n > 60 {
		barW = slotW * 0.86 // thin bars need thinner gaps to be seen
	}
	years := (n+10)/12 + 1 // at most, spanned by n months
	monthStep := labelStep(n, maxLabels, 1, 2, 3, 4, 6)
	yearStep := labelStep(years, maxLabels, 1, 2, 5, 10, 25, 50)
	narrowStep := labelStep(years, maxYearsNarrow, 1, 2, 5, 10, 25, 50)
	if yearStep == 0 || narrowStep == 0 { // beyond maxMonths
		yearStep, narrowStep = years, years
	}

	for i := range n {
		m := first.AddDate(0, i, 0)
		key := m.Format("2006-01")
		c := counts[m]
		x := offset + float64(i)*slotW
		b := barView{
			Month: key, Count: c, Title: fmt.Sprintf("%s: %d article%s", key, c, plural(c)),
			SlotX: pct(x), SlotW: pct(slotW), X: pct(x + (slotW-barW)/2), W: pct(barW),
		}
		if c > 0 {
			// At least 2 px, so that one article among hundreds shows.
			b.H = max(2, (chartPlot*c+scale/2)/scale)
			from, to, _ := monthRange(key)
			b.URL = link(v, "from", from, "to", to)
			b.Active = v.Get("from") == from && v.Get("to") == to
			if b.Active {
				tv.Active, tv.All = key, link(v, "from", "", "to", "")
			}
		}
		b.Y = chartTop + chartPlot - b.H
		tv.Bars = append(tv.Bars, b)

		// Past a year, January is marked by its year below.
		if monthStep > 0 && (int(m.Month())-1)%monthStep == 0 && (monthStep == 1 || m.Month() != time.January) {
			tv.Months = append(tv.Months, labelView{X: pct(x + slotW/2), Label: strconv.Itoa(int(m.Month()))})
		}
		if i == 0 || m.Month() == time.January {
			y := yearView{X: pct(x), LabelX: pct(x), Line: i > 0, Anchor: "start"}
			if m.Year()%yearStep == 0 || i == 0 && yearStep == 1 {
				y.Label = strconv.Itoa(m.Year())
				y.Minor = m.Year()%narrowStep != 0
			}
			switch {
			case i == 0 && m.Month() != time.January && 13-int(m.Month()) < n &&
				float64(13-int(m.Month()))*slotW < yearRoom:
				// A year that starts at the edge and ends too soon
				// leaves no room for its label before the next.
				y.Label = ""
			case x > 100-yearRoom:
				// A year that starts near the end: its label ends there.
				y.LabelX, y.Anchor = "100%", "end"
			}
			tv.Years = append(tv.Years, y)
		}
	}
	if tv.Months == nil {
		// Years alone: they move up into the months' row.
		tv.YearY, tv.Height = chartMonthY, chartMonthY+5
	}
	return tv
}

// labelStep is the first of steps that labels at most limit of n things,
// or 0 when none does (then these labels are left out).
func labelStep(n, limit int, steps ...int) int {
	for _, s := range steps {
		if (n+s-1)/s <= limit {
			return s
		}
	}
	return 0
}

// monthsBetween counts the months from a to b (both first of a month).
func monthsBetween(a, b time.Time) int {
	return (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
}

// niceCeil rounds n up to 1, 2 or 5 times a power of ten, so that the
// grid lines carry round numbers.
func niceCeil(n int) int {
	for p := 1; ; p *= 10 {
		for _, m := range []int{1, 2, 5} {
			if m*p >= n {
				return m * p
			}
		}
	}
}

func pct(f float64) string {
	return strconv.FormatFloat(f, 'f', 3, 64) + "%"
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
