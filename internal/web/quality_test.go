package web

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"riverside/internal/index"
	"riverside/internal/news"
)

// namedSources is a Sources that also names them, as the store does.
type namedSources map[string]string

func (namedSources) Sources(ctx context.Context, now time.Time) ([]news.SourceHealth, error) {
	return []news.SourceHealth{}, nil
}

func (n namedSources) SourceNames(ctx context.Context) (map[string]string, error) { return n, nil }

func namedServer(idx *fakeIndex) http.Handler {
	return New(Deps{
		Searcher: idx,
		Indexed:  idx,
		Articles: fakeStore{"a1": {ID: "a1", URL: "https://www.hhtz.gov.cn/art/1.html", SourceID: "binjiang-news",
			Title: "物联网小镇", Published: published, Lang: "zh", Text: "正文"}},
		Sources: namedSources{"binjiang-news": "滨江区人民政府 新闻", "xiaoshan-news": "萧山区人民政府 新闻"},
	})
}

func TestSearchParams(t *testing.T) {
	tests := []struct {
		query string
		check func(q news.Query) bool
	}{
		{"expand=false", func(q news.Query) bool { return q.NoExpand }},
		{"expand=0", func(q news.Query) bool { return q.NoExpand }},
		{"expand=true", func(q news.Query) bool { return !q.NoExpand }},
		{"", func(q news.Query) bool { return !q.NoExpand && q.Facets == nil && q.After == "" }},
		{"facets=source,+lang", func(q news.Query) bool { return reflect.DeepEqual(q.Facets, []string{"source", "lang"}) }},
		{"facets=none", func(q news.Query) bool { return q.Facets != nil && len(q.Facets) == 0 }},
		{"facets=", func(q news.Query) bool { return q.Facets != nil && len(q.Facets) == 0 }},
		{"after=abc", func(q news.Query) bool { return q.After == "abc" }},
	}
	for _, tt := range tests {
		idx := &fakeIndex{}
		res, body := get(t, newServer(idx), "/api/search?"+tt.query)
		if res.StatusCode != http.StatusOK || !tt.check(idx.got) {
			t.Errorf("%s: status %d, query %+v: %s", tt.query, res.StatusCode, idx.got, body)
		}
	}
}

func TestSearchParamErrors(t *testing.T) {
	tests := []struct {
		query    string
		indexErr error
		want     string
	}{
		{"expand=maybe", nil, `{"error":"parameter expand: \"maybe\" is not true or false","param":"expand"}`},
		{"facets=source,colour", nil, `{"error":"parameter facets: \"colour\" is not one of source, district, lang, month, or none","param":"facets"}`},
		{"after=" + strings.Repeat("x", 1001), nil, `{"error":"parameter after: longer than 1000 characters","param":"after"}`},
		{"after=zzz", &index.CursorError{Msg: "made for sort date, not relevance"}, `{"error":"cursor: made for sort date, not relevance","param":"after"}`},
	}
	for _, tt := range tests {
		res, body := get(t, newServer(&fakeIndex{err: tt.indexErr}), "/api/search?"+tt.query)
		if res.StatusCode != http.StatusBadRequest || strings.TrimSpace(body) != tt.want {
			t.Errorf("%s: got %d %s, want 400 %s", tt.query, res.StatusCode, body, tt.want)
		}
	}
}

func TestSearchJSONQualityFields(t *testing.T) {
	r := sampleResult()
	r.Expanded, r.Next = []string{"滨江", "高新区"}, "CURSOR"
	_, body := get(t, newServer(&fakeIndex{res: r}), "/api/search?q=Binjiang&facets=source")
	var got struct {
		Expanded []string                     `json:"expanded"`
		Next     string                       `json:"next"`
		Facets   map[string][]news.FacetValue `json:"facets"`
		Hits     []struct{ Source string }    `json:"hits"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Expanded, []string{"滨江", "高新区"}) || got.Next != "CURSOR" {
		t.Errorf("expanded %q next %q", got.Expanded, got.Next)
	}
	if len(got.Facets) != 1 || got.Facets["source"] == nil {
		t.Errorf("facets: got %v, want source only", got.Facets)
	}
	// The API keeps source IDs, also with names at hand.
	_, body = get(t, namedServer(&fakeIndex{res: sampleResult()}), "/api/search?q=x")
	if !strings.Contains(body, `"source":"binjiang-news"`) || strings.Contains(body, "人民政府") {
		t.Errorf("API shows source names, want IDs: %s", body)
	}
}

func TestPageQualityParts(t *testing.T) {
	r := sampleResult()
	r.Expanded, r.Next = []string{"滨江", "高新区"}, "CURSOR"
	_, body := get(t, namedServer(&fakeIndex{res: r}), "/?q=Binjiang&source=binjiang-news")
	for _, want := range []string{
		`Also searched: <span class="alt">滨江</span>, <span class="alt">高新区</span>`,
		`<a href="/?expand=false&amp;q=Binjiang&amp;source=binjiang-news">search only what I typed</a>`,
		// Next follows the cursor.
		`<a href="/?after=CURSOR&amp;q=Binjiang&amp;source=binjiang-news" rel="next">`,
		// Source names in the facets, the hits and the filters.
		`title="xiaoshan-news">萧山区人民政府 新闻</a>`,
		`2025-03-10 09:00 · 滨江区人民政府 新闻 · binjiang`,
		`source: 滨江区人民政府 新闻 ×`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	// A page reached by cursor links back to the first.
	_, body = get(t, namedServer(&fakeIndex{res: sampleResult()}), "/?q=Binjiang&after=CURSOR")
	if !strings.Contains(body, `<a href="/?q=Binjiang">« First page</a>`) || strings.Contains(body, `rel="next"`) {
		t.Errorf("page after a cursor: want a first-page link and no next (none given)")
	}
	// The article page names its source.
	_, body = get(t, namedServer(&fakeIndex{}), "/articles/a1")
	if !strings.Contains(body, `title="Search this source">滨江区人民政府 新闻</a>`) {
		t.Errorf("article page lacks the source name")
	}
}

// copyStore is a fakeStore that lists copies of hits, as the store does.
type copyStore struct{ fakeStore }

func (copyStore) DuplicatesOf(ctx context.Context, ids []string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, id := range ids {
		if id == "a1" {
			out[id] = []string{"https://mirror.example/a1", "https://news.example/a1?x=<1>"}
		}
	}
	return out, nil
}

func TestHitCopies(t *testing.T) {
	h := New(Deps{Searcher: &fakeIndex{res: sampleResult()}, Indexed: &fakeIndex{}, Articles: copyStore{fakeStore{}}})
	_, body := get(t, h, "/api/search?q=x")
	var got struct {
		Hits []struct {
			ID   string   `json:"id"`
			Also []string `json:"also"`
		} `json:"hits"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Hits) != 2 || len(got.Hits[0].Also) != 2 || got.Hits[1].Also != nil {
		t.Errorf("also: %+v", got.Hits)
	}
	if strings.Contains(body, `"also":[]`) || strings.Count(body, `"also"`) != 1 {
		t.Errorf("a hit without copies carries also: %s", body)
	}
	_, page := get(t, h, "/?q=x")
	want := `Also published at <a href="https://mirror.example/a1" rel="noopener noreferrer" class="url">https://mirror.example/a1</a>, <a href="https://news.example/a1?x=%3c1%3e" rel="noopener noreferrer" class="url">https://news.example/a1?x=&lt;1&gt;</a>`
	if !strings.Contains(page, want) {
		t.Errorf("page lacks %s", want)
	}
}
