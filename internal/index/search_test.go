package index

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"riverside/internal/news"
)

func TestSearchHit(t *testing.T) {
	idx := corpusIndex(t)
	res, err := idx.Search(context.Background(), news.Query{Q: "pact"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Fatalf("got %d hits, want 1", len(res.Hits))
	}
	h := res.Hits[0]
	want := news.Hit{
		ID:        "en-both",
		URL:       "https://www.hangzhou.gov.cn/en/pact.html",
		Title:     "Hangzhou districts sign digital economy pact",
		Published: time.Date(2025, 3, 1, 11, 0, 0, 0, news.Shanghai),
		Source:    "hangzhou-en",
		District:  "binjiang",
		Lang:      "en",
	}
	if h.ID != want.ID || h.URL != want.URL || h.Title != want.Title || h.Source != want.Source ||
		h.District != want.District || h.Lang != want.Lang || !h.Published.Equal(want.Published) {
		t.Errorf("got %+v, want %+v", h, want)
	}
	if _, off := h.Published.Zone(); off != 8*3600 {
		t.Errorf("published zone offset %d, want +08:00", off)
	}
	if h.Score <= 0 {
		t.Errorf("score %v, want > 0", h.Score)
	}
}

func TestSnippet(t *testing.T) {
	idx := corpusIndex(t)
	tests := []struct {
		name, q string
		want    []string // parts of the snippet
		notWant []string
	}{
		{"chinese match is marked and script escaped", "物联网",
			[]string{"<mark>物联网</mark>", "&lt;script&gt;alert(1)&lt;/script&gt;"}, []string{"<script>"}},
		{"one character", "镇", []string{"<mark>镇</mark>"}, nil},
		{"stemmed english", "investor", []string{"<mark>investors</mark>"}, nil},
		{"apostrophe escaped", "internet", []string{"district&#39;s"}, nil},
		{"title when the text has no match", "celebrates", []string{"Binjiang <mark>celebrates</mark> innovation"}, nil},
		{"no query: start of the text", "source:binjiang-news 三十家", []string{"杭州高新区（滨江）"}, nil},
		{"phrase of stop words", `"they also have"`, []string{"<mark>They</mark> <mark>also</mark> <mark>have</mark>"}, nil},
		{"prefix of an unstemmed word", "innovat*", []string{"<mark>innovations</mark>"}, []string{"<mark><mark>"}},
		{"stem marks the word once", "innovations", []string{"<mark>innovations</mark>"}, []string{"<mark><mark>", "~"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := idx.Search(context.Background(), news.Query{Q: tt.q})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) == 0 {
				t.Fatalf("Search(%q): no hits", tt.q)
			}
			s := res.Hits[0].Snippet
			for _, w := range tt.want {
				if !strings.Contains(s, w) {
					t.Errorf("snippet %q lacks %q", s, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(s, w) {
					t.Errorf("snippet %q contains %q", s, w)
				}
			}
		})
	}
}

func TestSnippetEmptyQuery(t *testing.T) {
	idx := openTemp(t)
	long := strings.Repeat("滨江<b>区</b>", 100)
	if err := idx.Apply(context.Background(), []news.Article{{ID: "a", Seq: 1, Title: "t", Text: long}}); err != nil {
		t.Fatal(err)
	}
	res, err := idx.Search(context.Background(), news.Query{})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Hits[0].Snippet
	if strings.Contains(s, "<mark>") || strings.Contains(s, "<b>") {
		t.Errorf("snippet %q: want escaped text without marks", s)
	}
	if !strings.HasPrefix(s, "滨江&lt;b&gt;区") {
		t.Errorf("snippet %q: want the start of the text", s)
	}
	// About 200 characters of text (escapes make it longer).
	if n := utf8.RuneCountInString(strings.NewReplacer("&lt;", "<", "&gt;", ">").Replace(s)); n < 190 || n > 210 {
		t.Errorf("snippet has %d characters, want about 200", n)
	}
}

func TestFacets(t *testing.T) {
	idx := corpusIndex(t)
	res, err := idx.Search(context.Background(), news.Query{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]news.FacetValue{
		"source": {fv("binjiang-en", 4), fv("binjiang-news", 2), fv("xiaoshan-news", 2), fv("hangzhou-en", 1), fv("xiaoshan-en", 1)},
		// en-both is in both districts.
		"district": {fv("binjiang", 5), fv("xiaoshan", 4)},
		"lang":     {fv("en", 6), fv("zh", 4)},
		// Newest first; the undated article has no month.
		"month": {fv("2025-03", 4), fv("2025-02", 1), fv("2025-01", 2), fv("2024-12", 1), fv("2024-11", 1)},
	}
	for name, w := range want {
		if got := res.Facets[name]; !slices.Equal(got, w) {
			t.Errorf("facet %s: got %v, want %v", name, got, w)
		}
	}

	// Facets count the result set, not the corpus.
	res, err = idx.Search(context.Background(), news.Query{Q: "lang:zh", District: "xiaoshan"})
	if err != nil {
		t.Fatal(err)
	}
	if got, w := res.Facets["source"], []news.FacetValue{fv("xiaoshan-news", 2)}; !slices.Equal(got, w) {
		t.Errorf("facet source: got %v, want %v", got, w)
	}

	// Every facet is present, empty when nothing matched.
	res, err = idx.Search(context.Background(), news.Query{Q: "nothingmatchesthis"})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"source", "district", "lang", "month"} {
		if f, ok := res.Facets[name]; !ok || f == nil || len(f) != 0 {
			t.Errorf("facet %s: got %#v, want an empty slice", name, f)
		}
	}
}

func TestPaging(t *testing.T) {
	idx := corpusIndex(t)
	var all []string
	for page := 1; page <= 4; page++ {
		res, err := idx.Search(context.Background(), news.Query{Page: page, Size: 3})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 10 {
			t.Errorf("page %d: total %d, want 10", page, res.Total)
		}
		all = append(all, ids(res)...)
	}
	want := []string{"zh-ai", "en-innov", "zh-iot", "en-both", "zh-xs-gov", "en-stage", "zh-scatter", "en-park", "en-road", "en-nodate"}
	if !slices.Equal(all, want) {
		t.Errorf("pages: got %v, want %v", all, want)
	}

	res, err := idx.Search(context.Background(), news.Query{Size: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 10 {
		t.Errorf("size 1000: got %d hits, want all 10 (capped at %d)", len(res.Hits), MaxSize)
	}
}

func TestSearchErrors(t *testing.T) {
	idx := corpusIndex(t)
	_, err := idx.Search(context.Background(), news.Query{Q: `a AND (b`})
	var qe *QueryError
	if !errors.As(err, &qe) || qe.Pos != 6 {
		t.Errorf("got %v, want a QueryError at 6", err)
	}
	_, err = idx.Search(context.Background(), news.Query{Q: `a*`})
	if !errors.As(err, &qe) || qe.Pos != 0 {
		t.Errorf("short prefix: got %v, want a QueryError at 0", err)
	}
	if _, err := idx.Search(context.Background(), news.Query{Sort: "size"}); err == nil {
		t.Error("unknown sort: got no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := idx.Search(ctx, news.Query{Q: "滨江"}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: got %v, want context.Canceled", err)
	}
}

func fv(v string, n int) news.FacetValue { return news.FacetValue{Value: v, Count: n} }

// FuzzSearch checks that any query either runs or is a *QueryError:
// user input must never become a server error.
func FuzzSearch(f *testing.F) {
	for _, s := range []string{`滨江 AND (b OR "c d") -e title:f innov*`, `"state of the art"`, `the`, `source:x*`, `“物联网”`, `ＡＩ*`, `-(-a)`} {
		f.Add(s)
	}
	idx, err := Open(f.TempDir() + "/index")
	if err != nil {
		f.Fatal(err)
	}
	defer idx.Close()
	if err := idx.Apply(context.Background(), []news.Article{{ID: "x", Seq: 1, Title: "滨江 state of the art", Text: "物联网 digital economy"}}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		_, err := idx.Search(context.Background(), news.Query{Q: q})
		var qe *QueryError
		if err != nil && !errors.As(err, &qe) {
			t.Fatalf("Search(%q): %v", q, err)
		}
	})
}
