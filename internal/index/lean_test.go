package index_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"riverside/internal/index"
	"riverside/internal/news"
)

// TestLeanMatchesBleve is the differential test of the lean evaluator
// (lean.go): random queries over a generated corpus, each searched with
// Bleve's searchers and with the lean evaluator, must give the same
// total, page (IDs, order, scores to the bit), facets and next cursor.
// The index has several segments and updated articles (deleted documents
// in older segments), as a live index has.
func TestLeanMatchesBleve(t *testing.T) {
	idx, err := index.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	ctx := context.Background()
	corpus := analystCorpus(3000)
	for i := 0; i < len(corpus); i += 400 {
		if err := idx.Apply(ctx, corpus[i:min(i+400, len(corpus))]); err != nil {
			t.Fatal(err)
		}
	}
	// New versions of some articles: their old documents stay, deleted,
	// in the segments above.
	r := rand.New(rand.NewPCG(7, 7))
	var edits []news.Article
	for i := range 200 {
		a := corpus[r.IntN(len(corpus))]
		a.Seq = int64(len(corpus) + i + 1)
		a.Version++
		a.Text = a.Text[:len(a.Text)/2]
		edits = append(edits, a)
	}
	if err := idx.Apply(ctx, edits); err != nil {
		t.Fatal(err)
	}

	zh, en := analystVocab()
	word := func(v vocab) string {
		// Frequent words as often as rare ones: both paths must agree
		// on long postings lists as on short ones.
		if r.IntN(2) == 0 {
			return v.words[v.queryFrom+r.IntN(100)]
		}
		return v.words[v.queryFrom+r.IntN(3000)]
	}
	anyWord := func() string {
		if r.IntN(2) == 0 {
			return word(zh)
		}
		return word(en)
	}
	shapes := []func() string{
		func() string { return word(en) },
		func() string { return word(zh)[:len("中中")] }, // one bigram: a term query
		func() string { return anyWord() + " " + anyWord() },
		func() string { return anyWord() + " OR " + anyWord() },
		func() string { return anyWord() + " " + anyWord() + " -" + anyWord() },
		func() string { return "(" + anyWord() + " OR " + anyWord() + ") " + anyWord() },
		func() string { return anyWord() + " OR (" + anyWord() + " -" + anyWord() + ")" },
		func() string { return "title:" + word(en) + " " + word(en) },
		func() string { return anyWord() + " lang:zh" },
		func() string { return word(en) + " district:binjiang OR " + word(en) },
		func() string { return "NOT " + anyWord() },
		func() string { return `"` + word(en) + " " + word(en) + `"` },
		func() string { return word(en)[:3] + "*" },
		func() string { return "Binjiang " + word(en) },
		func() string { return "the " + word(en) + " of" },
	}
	sorts := []string{"", news.SortDate, news.SortDateDesc}
	lean, covered, stems := 0, 0, 0
	for i := range 400 {
		q := news.Query{Q: shapes[i%len(shapes)](), Sort: sorts[r.IntN(len(sorts))], Page: 1 + r.IntN(3), Size: 5 + r.IntN(20)}
		switch r.IntN(6) {
		case 0:
			q.District = news.Binjiang
		case 1:
			q.Lang = "en"
		case 2:
			q.Source = "binjiang-zh-1"
		case 3:
			q.From = time.Date(2023, 1, 1, 0, 0, 0, 0, news.Shanghai)
		}
		idx.SetBleveOnly(true)
		want, werr := idx.Search(ctx, q)
		idx.SetBleveOnly(false)
		got, gerr := idx.Search(ctx, q)
		if fmt.Sprint(werr) != fmt.Sprint(gerr) {
			t.Fatalf("%+v: error %v, Bleve's searchers: %v", q, gerr, werr)
		}
		if werr != nil {
			continue
		}
		if idx.LeanRuns(q) {
			if idx.StemGroups(q) > 0 && want.Total > 0 {
				stems++
			}
			lean++
			if want.Total > 0 {
				covered++
			}
		}
		want.TookMS, got.TookMS = 0, 0
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%+v:\n lean:  total %d, %s\n bleve: total %d, %s", q, got.Total, pageOf(got), want.Total, pageOf(want))
		}
		// The next page through the cursor, too.
		if want.Next != "" && i%4 == 0 {
			q.After, q.Page = want.Next, 0
			idx.SetBleveOnly(true)
			want, _ = idx.Search(ctx, q)
			idx.SetBleveOnly(false)
			got, _ = idx.Search(ctx, q)
			want.TookMS, got.TookMS = 0, 0
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%+v (after):\n lean:  %s\n bleve: %s", q, pageOf(got), pageOf(want))
			}
		}
	}
	// The test means something only if most queries took the lean path
	// and found things.
	if lean < 150 || covered < 80 || stems < 40 {
		t.Errorf("lean evaluator ran %d of 400 queries, %d with hits, %d with hits and stems of several words: want most, and many", lean, covered, stems)
	}
	t.Logf("lean evaluator ran %d of 400 queries (%d with hits, %d of them with stems of several words)", lean, covered, stems)
}

func pageOf(r *news.Result) string {
	var b strings.Builder
	for _, h := range r.Hits {
		fmt.Fprintf(&b, "%s:%v ", h.ID, h.Score)
	}
	return b.String()
}

// BenchmarkLean searches broad queries (frequent words, in thousands of
// the 10,000 articles) with the lean evaluator and with Bleve's
// searchers, facets and snippets included.
func BenchmarkLean(b *testing.B) {
	idx, err := index.Open(filepath.Join(b.TempDir(), "index"))
	if err != nil {
		b.Fatal(err)
	}
	defer idx.Close()
	corpus := analystCorpus(10000)
	for i := 0; i < len(corpus); i += 500 {
		if err := idx.Apply(context.Background(), corpus[i:i+500]); err != nil {
			b.Fatal(err)
		}
	}
	settle(b, idx.StatsMap)
	zh, en := analystVocab()
	for _, q := range []string{en.words[en.queryFrom], en.words[en.queryFrom+50], zh.words[zh.queryFrom],
		en.words[en.queryFrom] + " " + en.words[en.queryFrom+1], zh.words[zh.queryFrom+3] + " OR " + en.words[en.queryFrom+3]} {
		for _, path := range []string{"lean", "bleve"} {
			b.Run(path+"/q="+q, func(b *testing.B) {
				idx.SetBleveOnly(path == "bleve")
				var total uint64
				for b.Loop() {
					r, err := idx.Search(context.Background(), news.Query{Q: q})
					if err != nil {
						b.Fatal(err)
					}
					total = r.Total
				}
				b.ReportMetric(float64(total), "hits")
			})
		}
	}
}
