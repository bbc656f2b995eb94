package index

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"riverside/internal/news"
)

// walk follows the Next cursors of q from the first page to the last.
func walk(t *testing.T, idx *Index, q news.Query) []string {
	t.Helper()
	var all []string
	for range 100 {
		res, err := idx.Search(context.Background(), q)
		if err != nil {
			t.Fatalf("Search(%+v): %v", q, err)
		}
		all = append(all, ids(res)...)
		if res.Next == "" {
			return all
		}
		q.After = res.Next
	}
	t.Fatal("cursors never end")
	return nil
}

func TestCursorsWalkTheOrder(t *testing.T) {
	idx := corpusIndex(t)
	for _, q := range []news.Query{
		{Size: 3},
		{Size: 2, Sort: news.SortDate},
		{Q: "Binjiang OR 萧山 OR digital", Size: 2},
		{Q: "lang:en", Size: 1, Sort: news.SortDateDesc},
	} {
		all := q
		all.Size = 100
		res, err := idx.Search(context.Background(), all)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := walk(t, idx, q), ids(res); !slices.Equal(got, want) {
			t.Errorf("%+v: pages by cursor %v, want the one-page order %v", q, got, want)
		}
	}
}

func TestCursorStableWhileIndexing(t *testing.T) {
	idx := corpusIndex(t)
	q := news.Query{Size: 4, Sort: news.SortDateDesc}
	first, err := idx.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	// A newer article arrives between two pages, and an old one is
	// updated.
	newer := news.Article{ID: "zh-new", Seq: 100, URL: "https://www.hhtz.gov.cn/new.html", SourceID: "binjiang-news",
		Lang: "zh", Title: "最新消息", Text: "滨江最新消息。", Published: time.Date(2026, 1, 1, 9, 0, 0, 0, news.Shanghai)}
	if err := idx.Apply(context.Background(), []news.Article{newer}); err != nil {
		t.Fatal(err)
	}
	q.After = first.Next
	rest := walk(t, idx, q)
	got := append(ids(first), rest...)
	want := []string{"zh-ai", "en-innov", "zh-iot", "en-both", "zh-xs-gov", "en-stage", "zh-scatter", "en-park", "en-road", "en-nodate"}
	if !slices.Equal(got, want) {
		t.Errorf("pages: got %v, want %v (no repeat, no skip)", got, want)
	}
	// By page numbers, the same step repeats a hit.
	page2, err := idx.Search(context.Background(), news.Query{Size: 4, Page: 2, Sort: news.SortDateDesc})
	if err != nil {
		t.Fatal(err)
	}
	if ids(page2)[0] != "en-both" {
		t.Errorf("page 2 starts with %s, want en-both (pushed down by the new article)", ids(page2)[0])
	}
}

func TestCursorErrors(t *testing.T) {
	idx := corpusIndex(t)
	res, err := idx.Search(context.Background(), news.Query{Size: 2, Sort: news.SortDate})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []news.Query{
		{After: "not a cursor!"},
		{After: "bm90IGEgY3Vyc29y"},
		{After: res.Next, Sort: news.SortDateDesc},
	} {
		_, err := idx.Search(context.Background(), q)
		var ce *CursorError
		if !errors.As(err, &ce) {
			t.Errorf("Search(after %q, sort %q): got %v, want a CursorError", q.After, q.Sort, err)
		}
	}
}

func TestSortTies(t *testing.T) {
	idx := openTemp(t)
	at := time.Date(2025, 5, 1, 10, 0, 0, 0, news.Shanghai)
	arts := []news.Article{
		{ID: "b-weak", Seq: 1, URL: "u1", SourceID: "s", Lang: "en", Title: "Weather", Text: "A park. Rain all day in the city, and wind.", Published: at},
		{ID: "a-strong", Seq: 2, URL: "u2", SourceID: "s", Lang: "en", Title: "Park park", Text: "The park opened.", Published: at},
		{ID: "c-old", Seq: 3, URL: "u3", SourceID: "s", Lang: "en", Title: "Park", Text: "Park news.", Published: at.AddDate(0, 0, -1)},
		{ID: "d-strong", Seq: 4, URL: "u4", SourceID: "s", Lang: "en", Title: "Park park", Text: "The park opened.", Published: at},
	}
	if err := idx.Apply(context.Background(), arts); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		sort string
		want []string
	}{
		// Same date: the better match first; equal matches by ID.
		{news.SortDateDesc, []string{"a-strong", "d-strong", "b-weak", "c-old"}},
		{news.SortDate, []string{"c-old", "a-strong", "d-strong", "b-weak"}},
	} {
		res, err := idx.Search(context.Background(), news.Query{Q: "park", Sort: tt.sort})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(res); !slices.Equal(got, tt.want) {
			t.Errorf("sort %s: got %v, want %v", tt.sort, got, tt.want)
		}
	}
}

func TestFacetsOnDemand(t *testing.T) {
	idx := corpusIndex(t)
	res, err := idx.Search(context.Background(), news.Query{Facets: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Facets) != 0 || res.Total != 10 {
		t.Errorf("no facets asked: got %v (total %d)", res.Facets, res.Total)
	}
	res, err = idx.Search(context.Background(), news.Query{Facets: []string{"lang", "lang"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Facets) != 1 || !slices.Equal(res.Facets["lang"], []news.FacetValue{fv("en", 6), fv("zh", 4)}) {
		t.Errorf("lang asked: got %v", res.Facets)
	}
	_, err = idx.Search(context.Background(), news.Query{Facets: []string{"colour"}})
	var fe *FacetError
	if !errors.As(err, &fe) {
		t.Errorf("unknown facet: got %v, want a FacetError", err)
	}
}

// TestMetaFollowsUpdates checks the in-memory metadata against a changed
// index: a new version of an article moves it to its new month, source
// and date.
func TestMetaFollowsUpdates(t *testing.T) {
	idx := corpusIndex(t)
	if _, err := idx.Search(context.Background(), news.Query{}); err != nil {
		t.Fatal(err)
	}
	moved := loadCorpus(t)[0] // zh-iot, 2025-03
	moved.Seq, moved.SourceID = 50, "moved-source"
	moved.Published = time.Date(2020, 7, 1, 0, 0, 0, 0, news.Shanghai)
	if err := idx.Apply(context.Background(), []news.Article{moved}); err != nil {
		t.Fatal(err)
	}
	res, err := idx.Search(context.Background(), news.Query{Sort: news.SortDate, Size: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res); !slices.Equal(got, []string{"zh-iot"}) {
		t.Errorf("oldest: got %v, want zh-iot", got)
	}
	if !slices.Contains(res.Facets["month"], fv("2020-07", 1)) || !slices.Contains(res.Facets["source"], fv("moved-source", 1)) {
		t.Errorf("facets after the update: %v", res.Facets)
	}
	if res.Total != 10 {
		t.Errorf("total %d, want 10 (the old version gone)", res.Total)
	}
}

// TestNearDuplicatesNotShown checks that an edited copy (DuplicateOf set
// by the store) is not a result of its own, also when an earlier version
// of it was indexed.
func TestNearDuplicatesNotShown(t *testing.T) {
	idx := corpusIndex(t)
	cp := loadCorpus(t)[1] // zh-xs-gov
	cp.Seq, cp.DuplicateOf = 60, "zh-iot"
	if err := idx.Apply(context.Background(), []news.Article{cp}); err != nil {
		t.Fatal(err)
	}
	res, err := idx.Search(context.Background(), news.Query{Q: "常务会议"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 0 {
		t.Errorf("the copy is found: %v", ids(res))
	}
}
