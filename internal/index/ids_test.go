package index

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"riverside/internal/news"
)

func exportArticles() []news.Article {
	mk := func(id, title, text, src string) news.Article {
		return news.Article{ID: id, URL: "http://x/" + id, SourceID: src, Title: title, Text: text, Lang: "zh",
			Districts: []string{news.Binjiang}, Published: time.Date(2025, 3, 1, 9, 0, 0, 0, news.Shanghai)}
	}
	var out []news.Article
	for i, a := range []news.Article{
		mk("a1", "滨江区物联网小镇", "物联网产业发展", "s1"),
		mk("a2", "萧山机场", "萧山国际机场航线", "s2"),
		mk("a3", "Binjiang park", "The Internet of Things town in Binjiang", "s1"),
		mk("a4", "滨江 天气", "今日多云", "s2"),
	} {
		a.Seq = int64(i + 1)
		out = append(out, a)
	}
	return out
}

func TestIDsAndMatcherAgree(t *testing.T) {
	ctx := context.Background()
	x, err := Open(filepath.Join(t.TempDir(), "idx"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	arts := exportArticles()
	if err := x.Apply(ctx, arts); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q    news.Query
		want []string
	}{
		// Place names are searched under their other names too.
		{news.Query{Q: "滨江"}, []string{"a1", "a3", "a4"}},
		{news.Query{Q: "滨江", NoExpand: true}, []string{"a1", "a4"}},
		{news.Query{Q: "物联网 OR 机场"}, []string{"a1", "a2"}},
		{news.Query{Q: ""}, []string{"a1", "a2", "a3", "a4"}},
		{news.Query{Q: "", Source: "s2"}, []string{"a2", "a4"}},
		{news.Query{Q: "binjiang -park"}, []string{"a1", "a4"}},
		{news.Query{Q: "binjiang -park", NoExpand: true}, nil},
		{news.Query{Q: "things"}, []string{"a3"}},
	} {
		ids, err := x.IDs(ctx, tc.q)
		if err != nil {
			t.Fatalf("%+v: %v", tc.q, err)
		}
		got := keys(ids)
		if !slices.Equal(got, tc.want) {
			t.Errorf("IDs(%+v) = %v, want %v", tc.q, got, tc.want)
		}
		m, err := NewMatcher(tc.q)
		if err != nil {
			t.Fatal(err)
		}
		// Two batches, as an export feeds them.
		var all []string
		for _, b := range [][]news.Article{arts[:2], arts[2:]} {
			ids, err := m.Match(ctx, b)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, ids...)
		}
		slices.Sort(all)
		if !slices.Equal(all, tc.want) {
			t.Errorf("Match(%+v) = %v, want %v", tc.q, all, tc.want)
		}
	}
	// Paging through the hits, two at a time, finds each once.
	for _, q := range []string{"", "滨江"} {
		ids, err := x.ids(ctx, news.Query{Q: q}, 2)
		if err != nil {
			t.Fatal(err)
		}
		all, _ := x.IDs(ctx, news.Query{Q: q})
		if !slices.Equal(keys(ids), keys(all)) {
			t.Errorf("q=%q paged by 2: %v, want %v", q, keys(ids), keys(all))
		}
	}
	var qe *QueryError
	if _, err := x.IDs(ctx, news.Query{Q: `"unclosed`}); !errors.As(err, &qe) {
		t.Errorf("IDs of a malformed query: %v, want a *QueryError", err)
	}
	if _, err := NewMatcher(news.Query{Q: `(a`}); !errors.As(err, &qe) {
		t.Errorf("NewMatcher of a malformed query: %v, want a *QueryError", err)
	}
}

func keys(m map[string]struct{}) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestOpenExclusiveReportsHeldIndex(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	x, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if _, err := OpenExclusive(dir); !errors.Is(err, ErrLocked) {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
}

// An edited copy of another article is left out of a match, as the index
// leaves it out of search.
func TestMatcherLeavesCopiesOut(t *testing.T) {
	arts := exportArticles()
	arts[3].DuplicateOf = arts[0].ID
	m, err := NewMatcher(news.Query{Q: "滨江", NoExpand: true})
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Match(context.Background(), arts)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if want := []string{"a1"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v (a4 is a copy of a1)", got, want)
	}
}
