package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"riverside/internal/news"
)

func TestTimeline(t *testing.T) {
	v := url.Values{"q": {"滨江"}, "lang": {"zh"}, "page": {"3"}}
	// Newest first, as the index gives them, with a gap.
	months := []news.FacetValue{{Value: "2025-03", Count: 12}, {Value: "2025-01", Count: 3}, {Value: "2024-12", Count: 1}}
	tv := timeline(v, months, 20)
	if tv == nil {
		t.Fatal("no timeline")
	}
	if tv.First != "2024-12" || tv.Last != "2025-03" || tv.Dated != 16 || tv.Undated != 4 {
		t.Errorf("got %s – %s, %d dated, %d undated; want 2024-12 – 2025-03, 16, 4", tv.First, tv.Last, tv.Dated, tv.Undated)
	}
	var got []string
	for _, b := range tv.Bars {
		got = append(got, fmt.Sprintf("%s %d %dpx %t", b.Month, b.Count, b.H, b.URL != ""))
	}
	// The empty February is a column with no link; 12 is the top of a
	// scale of 20, 1 article still shows.
	want := []string{"2024-12 1 6px true", "2025-01 3 17px true", "2025-02 0 0px false", "2025-03 12 66px true"}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("bars:\ngot  %v\nwant %v", got, want)
	}
	if b := tv.Bars[3]; b.Title != "2025-03: 12 articles" ||
		b.URL != "/?from=2025-03-01&lang=zh&q=%E6%BB%A8%E6%B1%9F&to=2025-03-31" {
		t.Errorf("March: title %q, url %q", b.Title, b.URL)
	}
	if b := tv.Bars[0]; b.Title != "2024-12: 1 article" {
		t.Errorf("December: title %q", b.Title)
	}
	if b := tv.Bars[1]; b.URL != "/?from=2025-01-01&lang=zh&q=%E6%BB%A8%E6%B1%9F&to=2025-01-31" {
		t.Errorf("January: url %q", b.URL)
	}
	if len(tv.Grid) != 2 || tv.Grid[0].Label != "20" || tv.Grid[1].Label != "10" {
		t.Errorf("grid %+v, want 20 and 10", tv.Grid)
	}
	var years []string
	for _, y := range tv.Years {
		years = append(years, y.Label)
	}
	// December alone has no room for "2024" on a phone.
	if strings.Join(years, ",") != ",2025" {
		t.Errorf("years %q, want no label, then 2025", years)
	}
}

func TestTimelineActiveMonth(t *testing.T) {
	v := url.Values{"q": {"x"}, "from": {"2025-02-01"}, "to": {"2025-02-28"}}
	tv := timeline(v, []news.FacetValue{{Value: "2025-02", Count: 2}}, 2)
	if len(tv.Bars) != 1 || !tv.Bars[0].Active || tv.Active != "2025-02" || tv.All != "/?q=x" {
		t.Errorf("got %+v", tv)
	}
	// One month is one bar of normal width in the middle, not the whole
	// width.
	if b := tv.Bars[0]; b.SlotX != "45.833%" || b.SlotW != "8.333%" {
		t.Errorf("slot at %s, %s wide; want 45.833%%, 8.333%%", b.SlotX, b.SlotW)
	}
}

func TestTimelineEmpty(t *testing.T) {
	for _, months := range [][]news.FacetValue{nil, {{Value: "bad", Count: 3}}, {{Value: "2025-01", Count: 0}}} {
		if tv := timeline(url.Values{}, months, 5); tv != nil {
			t.Errorf("%v: got a timeline, want none", months)
		}
	}
}

// TestTimelineLabels keeps the labels few enough to read on a phone for
// spans of one month to ten years, and the axis continuous.
func TestTimelineLabels(t *testing.T) {
	start := time.Date(2016, 5, 1, 0, 0, 0, 0, time.UTC)
	for _, n := range []int{1, 2, 5, 11, 12, 13, 24, 25, 36, 37, 48, 60, 72, 73, 100, 120, 144, 145, 240, 600, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			// Hits in the first and the last month only.
			months := []news.FacetValue{{Value: start.Format("2006-01"), Count: 1}}
			if n > 1 {
				months = append(months, news.FacetValue{Value: start.AddDate(0, n-1, 0).Format("2006-01"), Count: 7})
			}
			tv := timeline(url.Values{}, months, 8)
			if want := min(n, maxMonths); len(tv.Bars) != want {
				t.Fatalf("%d bars, want %d", len(tv.Bars), want)
			}
			if len(tv.Months) > maxLabels {
				t.Errorf("%d month labels, want at most %d", len(tv.Months), maxLabels)
			}
			if n <= 72 && len(tv.Months) == 0 {
				t.Errorf("no month labels")
			}
			labels, minor := 0, 0
			for _, y := range tv.Years {
				if x, _ := strconv.ParseFloat(strings.TrimSuffix(y.LabelX, "%"), 64); y.Label != "" && y.Anchor == "start" && x > 100-yearRoom {
					t.Errorf("%s starts at %s, too near the end", y.Label, y.LabelX)
				}
				if y.Label != "" {
					labels++
					if y.Minor {
						minor++
					}
				}
			}
			if labels == 0 || labels > maxLabels+1 {
				t.Errorf("%d year labels, want 1 to %d", labels, maxLabels+1)
			}
			if major := labels - minor; major == 0 || major > maxYearsNarrow+1 {
				t.Errorf("%d year labels on a phone, want 1 to %d", major, maxYearsNarrow+1)
			}
			for i := 1; i < len(tv.Bars); i++ {
				prev, _ := time.Parse("2006-01", tv.Bars[i-1].Month)
				if got := prev.AddDate(0, 1, 0).Format("2006-01"); tv.Bars[i].Month != got {
					t.Fatalf("bar %d is %s, want %s", i, tv.Bars[i].Month, got)
				}
			}
			if last := tv.Bars[len(tv.Bars)-1]; last.H != chartPlot*7/10 && n > 1 && n <= maxMonths {
				t.Errorf("the top bar is %dpx, want %d", last.H, chartPlot*7/10)
			}
			if n > maxMonths && tv.Earlier != 1 {
				t.Errorf("earlier %d, want 1", tv.Earlier)
			}
		})
	}
}

func TestNiceCeil(t *testing.T) {
	for n, want := range map[int]int{0: 1, 1: 1, 2: 2, 3: 5, 5: 5, 6: 10, 11: 20, 49: 50, 51: 100, 101: 200} {
		if got := niceCeil(n); got != want {
			t.Errorf("niceCeil(%d) = %d, want %d", n, got, want)
		}
	}
}
