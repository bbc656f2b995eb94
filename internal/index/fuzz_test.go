package index

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"riverside/internal/news"
)

// fuzzSeeds are queries FuzzSearchRequest starts from, beside the corpus
// committed in testdata/fuzz.
var fuzzSeeds = []string{
	"", "*", "滨江", "滨江 AI", `"digital economy"`, "“全角引号”", "a AND b OR NOT c", "(a OR b) -c +d",
	"title:会议 -通知", `title:"a b"`, "title:(a OR b)", "innov*", "滨*", "12:30", "：", "source:binjiang-news",
	"((((((滨江))))))", "NOT NOT a", "a OR", "(", ")", `"`, "-", "title:", "x:y:z", "a\x00b", "\xff\xfe",
}

// FuzzSearchRequest runs any query, filters and paging against a real index on
// disk holding the small fixed corpus: the planner must turn whatever
// Parse accepts into a search Bleve runs, and anything else into a
// *QueryError — never a panic or another error.
func FuzzSearchRequest(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add(s, "", "", uint8(i%4), uint16(i), uint8(i*7))
	}
	f.Add("滨江", "binjiang-news", "zh", uint8(1), uint16(2), uint8(5))
	idx, err := Open(filepath.Join(f.TempDir(), "index"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { idx.Close() })
	if err := idx.Apply(context.Background(), fuzzCorpus(f)); err != nil {
		f.Fatal(err)
	}
	sorts := []string{"", news.SortRelevance, news.SortDate, news.SortDateDesc}
	f.Fuzz(func(t *testing.T, q, source, lang string, sort uint8, page uint16, size uint8) {
		nq := news.Query{Q: q, Source: source, Lang: lang, Sort: sorts[int(sort)%len(sorts)], Page: int(page%600) + 1, Size: int(size%120) + 1}
		res, err := idx.Search(context.Background(), nq)
		if err != nil {
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("Search(%+v): %v, want a result or a *QueryError", nq, err)
			}
			return
		}
		if len(res.Hits) > MaxSize || uint64(len(res.Hits)) > res.Total {
			t.Fatalf("Search(%+v): %d hits of %d", nq, len(res.Hits), res.Total)
		}
		for _, h := range res.Hits {
			if !utf8.ValidString(h.Snippet) || !utf8.ValidString(h.Title) {
				t.Fatalf("Search(%+v): hit %s is not valid UTF-8", nq, h.ID)
			}
		}
	})
}

// fuzzCorpus reads testdata/corpus.json (loadCorpus wants a *testing.T).
func fuzzCorpus(f *testing.F) []news.Article {
	b, err := os.ReadFile(filepath.Join("testdata", "corpus.json"))
	if err != nil {
		f.Fatal(err)
	}
	var arts []news.Article
	if err := json.Unmarshal(b, &arts); err != nil {
		f.Fatal(err)
	}
	return arts
}
