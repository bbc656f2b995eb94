package index

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"riverside/internal/news"
)

// searchCase is one case of testdata/searches.json: a query over the corpus
// of testdata/corpus.json and the IDs it must find (in that order when
// Ordered, else in any order).
type searchCase struct {
	Name     string   `json:"name"`
	Q        string   `json:"q"`
	Source   string   `json:"source"`
	District string   `json:"district"`
	Lang     string   `json:"lang"`
	From     string   `json:"from"`
	To       string   `json:"to"`
	Sort     string   `json:"sort"`
	NoExpand bool     `json:"noexpand"`
	Want     []string `json:"want"`
	Ordered  bool     `json:"ordered"`
	// Expanded, when given, is what the result must report as searched
	// besides the query.
	Expanded []string `json:"expanded"`
}

func TestSearches(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "searches.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []searchCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatalf("searches.json: %v", err)
	}
	idx := corpusIndex(t)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			q := news.Query{Q: c.Q, Source: c.Source, District: c.District, Lang: c.Lang, Sort: c.Sort, Size: 100, NoExpand: c.NoExpand}
			for _, tm := range []struct {
				s   string
				dst *time.Time
			}{{c.From, &q.From}, {c.To, &q.To}} {
				if tm.s == "" {
					continue
				}
				if *tm.dst, err = time.Parse(time.RFC3339, tm.s); err != nil {
					t.Fatal(err)
				}
			}
			res, err := idx.Search(context.Background(), q)
			if err != nil {
				t.Fatalf("Search(%q): %v", c.Q, err)
			}
			got, want := ids(res), slices.Clone(c.Want)
			if want == nil {
				want = []string{}
			}
			if !c.Ordered {
				slices.Sort(got)
				slices.Sort(want)
			}
			if !slices.Equal(got, want) {
				t.Errorf("Search(%q): got %v, want %v", c.Q, got, want)
			}
			if res.Total != uint64(len(c.Want)) {
				t.Errorf("Search(%q): total %d, want %d", c.Q, res.Total, len(c.Want))
			}
			if c.Expanded != nil && !slices.Equal(res.Expanded, c.Expanded) {
				t.Errorf("Search(%q): expanded %q, want %q", c.Q, res.Expanded, c.Expanded)
			}
		})
	}
}
