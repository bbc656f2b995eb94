package index

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"

	"riverside/internal/news"
)

// stemArticles use the inflections of "invest": the stemmer gives
// investments, investing and invested the stem "invest", and investors
// the stem "investor".
func stemArticles() []news.Article {
	day := time.Date(2026, 3, 1, 9, 0, 0, 0, news.Shanghai)
	art := func(id string, seq int64, text string) news.Article {
		return news.Article{ID: id, Seq: seq, SourceID: "hhtz-en", Lang: "en", Published: day,
			Title: "Report " + id, Text: text}
	}
	return []news.Article{
		art("a", 1, "The park draws investments from abroad."),
		art("b", 2, "Companies keep investing in robots."),
		art("c", 3, "Investors met the district government."),
		art("d", 4, "They invest in the river cleanup."),
		art("e", 5, "Nothing about money here."),
	}
}

func searchIDs(t *testing.T, x *Index, q string) []string {
	t.Helper()
	r, err := x.Search(context.Background(), news.Query{Q: q, Size: MaxSize})
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	got := ids(r)
	slices.Sort(got)
	return got
}

// TestStemSiblings: every inflection finds the articles of all the words
// with its stem, and none with another stem; a quoted word and a prefix
// find the words as written.
func TestStemSiblings(t *testing.T) {
	x := openTemp(t)
	if err := x.Apply(context.Background(), stemArticles()); err != nil {
		t.Fatal(err)
	}
	if stemWord("investors") == stemWord("invest") {
		t.Fatal("the stemmer changed: investors and invest share a stem; pick other words")
	}
	for _, q := range []string{"invest", "investments", "investing", "invested", "INVESTMENT", "title:report invest"} {
		if got, want := searchIDs(t, x, q), []string{"a", "b", "d"}; !slices.Equal(got, want) {
			t.Errorf("%q: got %v, want %v", q, got, want)
		}
	}
	for q, want := range map[string][]string{
		"investors":      {"c"},
		"investor":       {"c"},
		`"invest"`:       {"d"},
		`"investing"`:    {"b"},
		"investm*":       {"a"},
		"invest*":        {"a", "b", "c", "d"},
		"invest -robots": {"a", "d"},
		// Unquoted, a negated word excludes its inflections too.
		"robots -invest": {},
		// A multi-word phrase keeps each position's words as
		// alternatives.
		"keep-investing":   {"b"},
		"investing-robots": {},
	} {
		if got := searchIDs(t, x, q); !slices.Equal(got, want) {
			t.Errorf("%q: got %v, want %v", q, got, want)
		}
	}
	// Snippets mark the inflection found.
	r, err := x.Search(context.Background(), news.Query{Q: "invest", Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range r.Hits {
		if !strings.Contains(h.Snippet, "<mark>invest") && !strings.Contains(h.Snippet, "<mark>Invest") {
			t.Errorf("%s: snippet %q marks no inflection of invest", h.ID, h.Snippet)
		}
	}
}

// TestStemTableReopen: the table of a reopened index, built from its
// dictionaries, is the table indexing built, and finds the same.
func TestStemTableReopen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	x, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	arts := append(stemArticles(), news.Article{ID: "f", Seq: 6, Lang: "en", Title: "Über café naïve",
		Text: "Économie d'Binjiang, 滨江 parks ＰＡＲＫＳ 3rd ℓitres 한국ab", Author: "Parker Reporting", Publisher: "Editions Publishing"})
	if err := x.Apply(context.Background(), arts); err != nil {
		t.Fatal(err)
	}
	built := tableWords(x.stems)
	if len(built) == 0 {
		t.Fatal("indexing recorded no words")
	}
	for _, w := range []string{"investments", "über", "économie", "parks", "parker", "publishing", "3rd", "ℓitres"} {
		if _, ok := built[w]; !ok {
			t.Errorf("indexing did not record %q", w)
		}
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	x, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	loaded := tableWords(x.stems)
	for w, s := range built {
		if ls, ok := loaded[w]; !ok || ls != s {
			t.Errorf("reopened table: %q has stem %q (present %v), indexing gave %q", w, ls, ok, s)
		}
	}
	for w := range loaded {
		if _, ok := built[w]; !ok {
			t.Errorf("reopened table has %q, which indexing did not record", w)
		}
	}
	if got, want := searchIDs(t, x, "investing"), []string{"a", "b", "d"}; !slices.Equal(got, want) {
		t.Errorf("after reopen, investing: got %v, want %v", got, want)
	}
	if got, want := searchIDs(t, x, "author:parkers"), []string{"f"}; !slices.Equal(got, want) {
		t.Errorf("after reopen, author:parkers: got %v, want %v", got, want)
	}
}

func tableWords(s *stemTable) map[string]string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string]string, len(s.stemOf))
	for w, st := range s.stemOf {
		out[w] = st
	}
	return out
}

// TestStemLaterBatch: a word first indexed in a later batch is found by
// its siblings, including while searches run.
func TestStemLaterBatch(t *testing.T) {
	x := openTemp(t)
	ctx := context.Background()
	if err := x.Apply(ctx, stemArticles()[:1]); err != nil {
		t.Fatal(err)
	}
	if got, want := searchIDs(t, x, "invested"), []string{"a"}; !slices.Equal(got, want) {
		t.Fatalf("invested: got %v, want %v", got, want)
	}
	// Searches run while the later batches are indexed (the race
	// detector watches the table).
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := x.Search(ctx, news.Query{Q: "investing"}); err != nil {
				t.Error(err)
				return
			}
		}
	})
	for i, a := range stemArticles()[1:] {
		if err := x.Apply(ctx, []news.Article{a}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if got, want := searchIDs(t, x, "investment"), []string{"a", "b"}; !slices.Equal(got, want) {
				t.Errorf("after the second batch, investment: got %v, want %v", got, want)
			}
		}
	}
	close(stop)
	wg.Wait()
	if got, want := searchIDs(t, x, "investment"), []string{"a", "b", "d"}; !slices.Equal(got, want) {
		t.Errorf("investment: got %v, want %v", got, want)
	}
}

// TestMatchBatchStems: alerts find an inflection as Search does.
func TestMatchBatchStems(t *testing.T) {
	x := openTemp(t)
	arts := stemArticles()
	if err := x.Apply(context.Background(), arts); err != nil {
		t.Fatal(err)
	}
	queries := []news.Query{{Q: "invest"}, {Q: "investors"}, {Q: "invest*"}, {Q: `"investing"`}, {Q: "investment robots"}}
	out, errs, err := MatchBatch(context.Background(), arts, queries)
	if err != nil {
		t.Fatal(err)
	}
	for i, q := range queries {
		if errs[i] != nil {
			t.Fatalf("%q: %v", q.Q, errs[i])
		}
		var got []string
		for _, h := range out[i] {
			got = append(got, h.ID)
		}
		slices.Sort(got)
		want := searchIDs(t, x, q.Q)
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%q: MatchBatch %v, Search %v (want the same, not empty)", q.Q, got, want)
		}
	}
}

// TestStemScoredAsOneTerm: an article using the queried word three times
// ranks above one using it once and another inflection once. Scored as
// a disjunction of the words, the second would rank first (it matches
// both of the words: coordination 1 against 1/2). Both texts have the
// same number of words, so the same field norm.
func TestStemScoredAsOneTerm(t *testing.T) {
	x := openTemp(t)
	day := time.Date(2026, 3, 1, 9, 0, 0, 0, news.Shanghai)
	arts := []news.Article{
		{ID: "often", Seq: 1, Lang: "en", Published: day, Title: "One", Text: "invest invest invest here today"},
		{ID: "varied", Seq: 2, Lang: "en", Published: day.Add(time.Hour), Title: "Two", Text: "invest investing over here today"},
		{ID: "other", Seq: 3, Lang: "en", Published: day, Title: "Three", Text: "investing in parks and rivers"},
	}
	if err := x.Apply(context.Background(), arts); err != nil {
		t.Fatal(err)
	}
	for _, bleveOnly := range []bool{false, true} {
		x.SetBleveOnly(bleveOnly)
		r, err := x.Search(context.Background(), news.Query{Q: "invest"})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(r); len(got) != 3 || got[0] != "often" || got[1] != "varied" {
			t.Errorf("bleve only %v: order %v, want often, varied, other", bleveOnly, got)
		}
	}
	x.SetBleveOnly(false)
}

// TestV5IndexRefused: an index written by mapping version 5 (the stems
// indexed by keepStem) is refused with ErrMappingChanged, which makes
// searchd delete and rebuild it, rather than failing to open.
func TestV5IndexRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	// Version 5's text analyzer: the base chain, unigramTrim, keepStem.
	old := m.CustomAnalysis.Analyzers[textAnalyzer]
	filters := slices.Clone(old["token_filters"].([]any))
	filters[len(filters)-1] = keepStemFilter
	old["token_filters"] = filters
	b, err := bleve.NewUsing(dir, m, scorch.Name, bleve.Config.DefaultKVStore, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.SetInternal([]byte(mappingKey), []byte("5")); err != nil {
		t.Fatal(err)
	}
	if err := b.Index("a", document(&stemArticles()[0])); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	// Bleve opens it (it finds every filter its mapping names), and the
	// mapping stored is version 5's.
	b, err = bleve.Open(dir)
	if err != nil {
		t.Fatalf("Bleve cannot open the v5 index: %v", err)
	}
	stored := fmt.Sprint(b.Mapping().(*mapping.IndexMappingImpl).CustomAnalysis.Analyzers[textAnalyzer]["token_filters"])
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stored, keepStemFilter) || strings.Contains(stored, stemTableFilter) {
		t.Fatalf("the v5 index's text analyzer has filters %s: want %s, not %s", stored, keepStemFilter, stemTableFilter)
	}
	x, err := Open(dir)
	if err == nil {
		x.Close()
		t.Fatal("Open of a v5 index succeeded")
	}
	if !errors.Is(err, ErrMappingChanged) {
		t.Fatalf("Open of a v5 index: %v, want ErrMappingChanged", err)
	}
}
