package extract

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"riverside/internal/extract/benchscore"
	"riverside/internal/news"
)

// zhbenchLabel is the label of one page of testdata/zhbench.
type zhbenchLabel struct {
	Title, URL, Author, Date, Body string
}

// A labelled date as the page prints it: "2012-3-5 10:22:31", "2023-10-12".
var labelDate = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$`)

// TestZhbench holds the extractor to the labels of the Chinese pages
// written for a held-out check (testdata/zhbench, see its README):
// every title, date and author exactly, and the body with the
// benchmark's metric (cjk tokens), page by page and over the set.
func TestZhbench(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "zhbench", "*.json"))
	if err != nil || len(files) < 20 {
		t.Fatalf("zhbench pages: %d, %v", len(files), err)
	}
	sort.Strings(files)
	var pages []benchscore.Page
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			js, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var want zhbenchLabel
			if err := json.Unmarshal(js, &want); err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile(strings.TrimSuffix(f, ".json") + ".html")
			if err != nil {
				t.Fatal(err)
			}
			p, err := Extract(raw, "", want.URL, news.Selectors{})
			if err != nil {
				t.Fatal(err)
			}
			if p.Title != want.Title {
				t.Errorf("title %q, want %q", p.Title, want.Title)
			}
			if got := labelledForm(p, want.Date); got != want.Date {
				t.Errorf("date %q (%v), want %q", got, p.Published, want.Date)
			}
			if wantAuthor := strings.ReplaceAll(want.Author, "UNKNOWN", ""); p.Author != wantAuthor {
				t.Errorf("author %q, want %q", p.Author, wantAuthor)
			}
			sp := benchscore.ScorePage(want.Body, p.Text, true)
			pages = append(pages, sp)
			if sp.F1() < 0.95 {
				t.Errorf("body F1 %.3f (method %s):\n%s", sp.F1(), p.Method, p.Text)
			}
		})
	}
	if res := benchscore.Summarize(pages); res.F1 < 0.99 {
		t.Errorf("zhbench body F1 %.3f, want at least 0.99", res.F1)
	}
}

// labelledForm prints the extracted time in the form of the label, to
// the label's precision (a time the label does not print is not
// compared, as extractbench does), Shanghai time, so that the two
// compare as text.
func labelledForm(p *Page, label string) string {
	if p.Published.IsZero() {
		return ""
	}
	m := labelDate.FindStringSubmatch(label)
	if m == nil {
		return p.Published.String()
	}
	g := p.Published.In(news.Shanghai)
	layout := "2006-"
	layout += pick(len(m[2]) == 1, "1", "01") + "-" + pick(len(m[3]) == 1, "2", "02")
	if m[4] != "" {
		layout += " 15:04"
		if m[6] != "" {
			layout += ":05"
		}
	}
	return g.Format(layout)
}

func pick(c bool, a, b string) string {
	if c {
		return a
	}
	return b
}
