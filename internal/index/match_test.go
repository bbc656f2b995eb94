package index

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"riverside/internal/news"
)

func matchArticles() []news.Article {
	day := time.Date(2026, 3, 1, 9, 0, 0, 0, news.Shanghai)
	return []news.Article{
		{ID: "zh1", Seq: 1, SourceID: "bj-gov", Districts: []string{news.Binjiang}, Lang: "zh", Published: day,
			Title: "滨江区召开人工智能产业大会", Text: "会议介绍了滨江区物联网小镇的最新进展。"},
		{ID: "zh2", Seq: 2, SourceID: "xs-gov", Districts: []string{news.Xiaoshan}, Lang: "zh", Published: day,
			Title: "萧山区推进数字经济", Text: "萧山区人民政府发布产业政策。"},
		{ID: "en1", Seq: 3, SourceID: "hhtz-en", Districts: []string{news.Binjiang}, Lang: "en", Published: day,
			Title: "Binjiang innovations in the digital economy", Text: "The park hosts innovative companies building robots."},
		{ID: "en2", Seq: 4, SourceID: "hhtz-en", Districts: []string{news.Binjiang}, Lang: "en", Published: day,
			Title: "River cleanup", Text: "Volunteers cleaned the river economy digital banks."},
		// A second version of zh2 in the same batch: only it is matched.
		{ID: "zh2", Seq: 5, SourceID: "xs-gov", Districts: []string{news.Xiaoshan}, Lang: "zh", Published: day,
			Title: "萧山区推进数字经济（更新）", Text: "萧山区人民政府发布新的产业政策和机器人计划。"},
	}
}

func TestMatchBatch(t *testing.T) {
	cases := []struct {
		q    news.Query
		want []string
	}{
		{news.Query{Q: "物联网"}, []string{"zh1"}},
		{news.Query{Q: "人民"}, []string{"zh2"}},         // a Chinese word inside a longer one
		{news.Query{Q: "机器人计划"}, []string{"zh2"}},      // only in the newest version of zh2
		{news.Query{Q: "innovation"}, []string{"en1"}}, // stemming: innovations, innovative
		{news.Query{Q: `"digital economy"`}, []string{"en1"}},
		{news.Query{Q: "digital economy"}, []string{"en1", "en2"}},
		{news.Query{Q: "digital -river"}, []string{"en1"}},
		{news.Query{Q: "物联网 OR 数字经济"}, []string{"zh1", "zh2"}},
		// Place names in both languages, as in Search; off when asked.
		{news.Query{Q: "title:滨江"}, []string{"en1", "zh1"}},
		{news.Query{Q: "Binjiang"}, []string{"en1", "zh1"}},
		{news.Query{Q: "title:滨江", NoExpand: true}, []string{"zh1"}},
		{news.Query{Q: "economy", Lang: "en", Source: "hhtz-en"}, []string{"en1", "en2"}},
		{news.Query{Q: "", District: news.Xiaoshan}, []string{"zh2"}},
		{news.Query{Q: "经济", District: news.Binjiang}, []string{}},
		{news.Query{Q: "district:binjiang lang:zh"}, []string{"zh1"}},
		{news.Query{Q: "nothing-like-this"}, []string{}},
	}
	qs := make([]news.Query, len(cases))
	for i, c := range cases {
		qs[i] = c.q
	}
	out, errs, err := MatchBatch(context.Background(), matchArticles(), qs)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		if errs[i] != nil {
			t.Errorf("%+v: %v", c.q, errs[i])
			continue
		}
		got := []string{}
		for _, h := range out[i] {
			got = append(got, h.ID)
			if h.Snippet == "" {
				t.Errorf("%+v: hit %s without a snippet", c.q, h.ID)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("%+v: got %v, want %v", c.q, got, c.want)
		}
	}
}

func TestMatchBatchBadQuery(t *testing.T) {
	out, errs, err := MatchBatch(context.Background(), matchArticles(), []news.Query{{Q: `"unclosed`}, {Q: "物联网"}})
	if err != nil {
		t.Fatal(err)
	}
	var qe *QueryError
	if !errors.As(errs[0], &qe) {
		t.Errorf("bad query: error %v, want a *QueryError", errs[0])
	}
	if errs[1] != nil || len(out[1]) != 1 {
		t.Errorf("good query beside a bad one: %v %v", out[1], errs[1])
	}
}

func TestMatchBatchSnippetEscapes(t *testing.T) {
	arts := []news.Article{{ID: "x", Seq: 1, Lang: "en", Title: "<script>alert(1)</script> Binjiang", Text: "Binjiang <b>bold</b> text"}}
	out, _, err := MatchBatch(context.Background(), arts, []news.Query{{Q: "Binjiang"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out[0]) != 1 {
		t.Fatalf("got %v", out[0])
	}
	s := out[0][0].Snippet
	if !strings.Contains(s, "&lt;b&gt;bold&lt;/b&gt;") || strings.Contains(s, "<b>") {
		t.Errorf("snippet %q is not escaped", s)
	}
}

func TestCheck(t *testing.T) {
	x, err := memIndex()
	if err != nil {
		t.Fatal(err)
	}
	defer x.bleve.Close()
	var qe *QueryError
	if err := x.Check(news.Query{Q: "a AND (b"}); !errors.As(err, &qe) {
		t.Errorf("unbalanced parenthesis: %v, want a *QueryError", err)
	}
	if err := x.Check(news.Query{Q: "滨江 AND (digital OR 萧山)"}); err != nil {
		t.Errorf("good query: %v", err)
	}
}

// TestMatchBatchNewestIsCopy: an article whose newest version in the batch
// is an edited copy of another is out of the index (Apply deletes it), so
// a saved search does not alert on its older version either: alerts match
// what the same search finds.
func TestMatchBatchNewestIsCopy(t *testing.T) {
	day := time.Date(2026, 3, 1, 9, 0, 0, 0, news.Shanghai)
	batch := []news.Article{
		{ID: "orig", Seq: 1, SourceID: "bj-gov", Lang: "zh", Published: day, Title: "物联网小镇", Text: "物联网小镇新增企业三十家。"},
		{ID: "c1", Seq: 2, SourceID: "xs-gov", Lang: "zh", Published: day, Title: "物联网大会", Text: "物联网大会开幕。"},
		{ID: "c1", Seq: 3, SourceID: "xs-gov", Lang: "zh", Published: day, Title: "物联网小镇", Text: "物联网小镇新增企业三十家。", DuplicateOf: "orig"},
	}
	q := []news.Query{{Q: "物联网"}}
	out, errs, err := MatchBatch(context.Background(), batch, q)
	if err != nil || errs[0] != nil {
		t.Fatal(err, errs[0])
	}
	var matched []string
	for _, h := range out[0] {
		matched = append(matched, h.ID)
	}
	idx := openTemp(t)
	if err := idx.Apply(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	res, err := idx.Search(context.Background(), q[0])
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(matched, []string{"orig"}) || !slices.Equal(ids(res), []string{"orig"}) {
		t.Errorf("alerts matched %v, the search finds %v; want [orig] for both", matched, ids(res))
	}
}
