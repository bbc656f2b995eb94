package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"riverside/internal/index"
	"riverside/internal/news"
)

// fakeIndex records the last query and answers with res or err.
type fakeIndex struct {
	got news.Query
	res *news.Result
	err error
	seq int64
}

func (f *fakeIndex) Search(ctx context.Context, q news.Query) (*news.Result, error) {
	f.got = q
	if f.err != nil {
		return nil, f.err
	}
	if f.res != nil {
		return f.res, nil
	}
	return &news.Result{Hits: []news.Hit{}, Facets: map[string][]news.FacetValue{}}, nil
}

func (f *fakeIndex) Checkpoint() (int64, error) { return f.seq, nil }

// fakeStore holds articles by ID.
type fakeStore map[string]*news.Article

func (s fakeStore) Article(ctx context.Context, id string) (*news.Article, error) {
	a, ok := s[id]
	if !ok {
		return nil, fmt.Errorf("article %s: %w", id, ErrNotFound)
	}
	c := *a
	return &c, nil
}

func (s fakeStore) Duplicates(ctx context.Context, id string) ([]string, error) {
	if id == "a1" {
		return []string{"https://mirror.example/a1"}, nil
	}
	return nil, nil
}

var published = time.Date(2025, 3, 10, 9, 0, 0, 0, news.Shanghai)

func sampleResult() *news.Result {
	return &news.Result{
		Total:  42,
		TookMS: 3,
		Hits: []news.Hit{{
			ID: "a1", URL: "https://www.hhtz.gov.cn/art/1.html", Title: "物联网小镇 <b>新</b>",
			Published: published, Source: "binjiang-news", District: "binjiang", Lang: "zh",
			Snippet: "杭州高新区（滨江）<mark>物联网</mark>小镇 &lt;script&gt;alert(1)&lt;/script&gt;", Score: 1.5,
		}, {
			ID: "a2", URL: "https://example.gov.cn/2", Title: "Undated", Snippet: "no date",
		}},
		Facets: map[string][]news.FacetValue{
			"source": {{Value: "binjiang-news", Count: 40}, {Value: "xiaoshan-news", Count: 2}},
			"month":  {{Value: "2025-03", Count: 42}},
		},
	}
}

func newServer(idx *fakeIndex) http.Handler {
	return New(Deps{
		Searcher: idx,
		Indexed:  idx,
		Articles: fakeStore{"a1": {ID: "a1", Seq: 9, Version: 2, URL: "https://www.hhtz.gov.cn/art/1.html", SourceID: "binjiang-news",
			Districts: []string{"binjiang"}, Title: "物联网小镇", Published: published, Publisher: "滨江区政府",
			Lang: "zh", Text: "正文", Fetched: published.Add(time.Hour), Fields: map[string]string{"索引号": "001"}}},
	})
}

// get requests target and returns the response and its body.
func get(t *testing.T, h http.Handler, target string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestSearchJSON(t *testing.T) {
	idx := &fakeIndex{res: sampleResult()}
	res, body := get(t, newServer(idx), "/api/search?q=%E7%89%A9%E8%81%94%E7%BD%91&source=binjiang-news&district=binjiang&lang=zh&from=2025-03-01&to=2025-03-31&sort=-date&page=2&size=5")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("content type %q", ct)
	}
	wantQ := news.Query{
		Q: "物联网", Source: "binjiang-news", District: "binjiang", Lang: "zh", Sort: "-date", Page: 2, Size: 5,
		From: time.Date(2025, 3, 1, 0, 0, 0, 0, news.Shanghai),
		// A date as the end includes the whole day.
		To: time.Date(2025, 4, 1, 0, 0, 0, 0, news.Shanghai).Add(-time.Nanosecond),
	}
	if !reflect.DeepEqual(idx.got, wantQ) {
		t.Errorf("query: got %+v, want %+v", idx.got, wantQ)
	}

	// The exact shape of DESIGN.md.
	var got map[string]any
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"total": 42.0, "took_ms": 3.0,
		"hits": []any{
			map[string]any{"id": "a1", "url": "https://www.hhtz.gov.cn/art/1.html", "title": "物联网小镇 <b>新</b>",
				"published": "2025-03-10T09:00:00+08:00", "source": "binjiang-news", "district": "binjiang", "lang": "zh",
				"snippet": "杭州高新区（滨江）<mark>物联网</mark>小镇 &lt;script&gt;alert(1)&lt;/script&gt;", "score": 1.5},
			map[string]any{"id": "a2", "url": "https://example.gov.cn/2", "title": "Undated",
				"published": "", "source": "", "district": "", "lang": "", "snippet": "no date", "score": 0.0},
		},
		"facets": map[string]any{
			"source":   []any{map[string]any{"value": "binjiang-news", "count": 40.0}, map[string]any{"value": "xiaoshan-news", "count": 2.0}},
			"district": []any{},
			"lang":     []any{},
			"month":    []any{map[string]any{"value": "2025-03", "count": 42.0}},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("body:\ngot  %v\nwant %v", got, want)
	}
	if !strings.Contains(body, "<mark>") {
		t.Errorf("body escapes <mark>: %s", body)
	}
}

func TestSearchJSONEmpty(t *testing.T) {
	idx := &fakeIndex{}
	_, body := get(t, newServer(idx), "/api/search")
	if want := `{"total":0,"took_ms":0,"hits":[],"facets":{"district":[],"lang":[],"month":[],"source":[]}}` + "\n"; body != want {
		t.Errorf("got %s, want %s", body, want)
	}
	if want := (news.Query{Page: 1, Size: 20}); !reflect.DeepEqual(idx.got, want) {
		t.Errorf("defaults: got %+v, want %+v", idx.got, want)
	}
}

func TestSearchBadRequest(t *testing.T) {
	tests := []struct {
		name, query string
		indexErr    error
		want        string // JSON body
	}{
		{"malformed query", "q=" + url.QueryEscape(`滨江 AND "物联网`), &index.QueryError{Pos: 7, Msg: "unclosed quote"},
			`{"error":"query: unclosed quote at position 7","pos":7,"param":"q"}`},
		{"bad sort", "sort=size", nil, `{"error":"parameter sort: \"size\" is not one of relevance, date, -date","param":"sort"}`},
		{"bad page", "page=0", nil, `{"error":"parameter page: \"0\" is not a number from 1 to 500","param":"page"}`},
		{"bad size", "size=101", nil, `{"error":"parameter size: \"101\" is not a number from 1 to 100","param":"size"}`},
		{"size not a number", "size=ten", nil, `{"error":"parameter size: \"ten\" is not a number from 1 to 100","param":"size"}`},
		{"bad from", "from=2025-13-01", nil, `{"error":"parameter from: \"2025-13-01\" is not a date (want YYYY-MM-DD or RFC 3339)","param":"from"}`},
		{"to before from", "from=2025-03-02&to=2025-03-01", nil, `{"error":"parameter to: before from","param":"to"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := get(t, newServer(&fakeIndex{err: tt.indexErr}), "/api/search?"+tt.query)
			if res.StatusCode != http.StatusBadRequest {
				t.Errorf("status %d, want 400", res.StatusCode)
			}
			if strings.TrimSpace(body) != tt.want {
				t.Errorf("body %s, want %s", body, tt.want)
			}
		})
	}
}

func TestSearchRFC3339(t *testing.T) {
	idx := &fakeIndex{}
	get(t, newServer(idx), "/api/search?from=2025-03-01T08:00:00Z&to=2025-03-02T00:00:00%2B08:00")
	if want := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC); !idx.got.From.Equal(want) {
		t.Errorf("from %v, want %v", idx.got.From, want)
	}
	if want := time.Date(2025, 3, 2, 0, 0, 0, 0, news.Shanghai); !idx.got.To.Equal(want) {
		t.Errorf("to %v, want %v", idx.got.To, want)
	}
}

func TestServerError(t *testing.T) {
	res, body := get(t, newServer(&fakeIndex{err: errors.New("disk on fire")}), "/api/search?q=x")
	if res.StatusCode != http.StatusInternalServerError {
		t.Errorf("status %d, want 500", res.StatusCode)
	}
	if strings.Contains(body, "fire") {
		t.Errorf("body %s leaks the internal error", body)
	}
}

func TestArticle(t *testing.T) {
	res, body := get(t, newServer(&fakeIndex{}), "/api/articles/a1")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"id": "a1", "url": "https://www.hhtz.gov.cn/art/1.html", "title": "物联网小镇",
		"published": "2025-03-10T09:00:00+08:00", "author": "", "source": "滨江区政府", "source_id": "binjiang-news",
		"districts": []any{"binjiang"}, "lang": "zh", "text": "正文", "fetched": "2025-03-10T10:00:00+08:00",
		"version": 2.0, "fields": map[string]any{"索引号": "001"}, "duplicates": []any{"https://mirror.example/a1"},
	}
	for k, w := range want {
		if !reflect.DeepEqual(got[k], w) {
			t.Errorf("%s: got %#v, want %#v", k, got[k], w)
		}
	}
}

func TestNotFound(t *testing.T) {
	for _, target := range []string{"/api/articles/nope", "/api/nothing"} {
		res, body := get(t, newServer(&fakeIndex{}), target)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", target, res.StatusCode)
		}
		var p map[string]any
		if err := json.Unmarshal([]byte(body), &p); err != nil || p["error"] == "" {
			t.Errorf("%s: body %s, want a JSON error", target, body)
		}
	}
	res, body := get(t, newServer(&fakeIndex{}), "/nothing")
	if res.StatusCode != http.StatusNotFound || !strings.Contains(body, "<!doctype html>") {
		t.Errorf("/nothing: status %d, want a 404 page", res.StatusCode)
	}
}

func TestHealth(t *testing.T) {
	res, body := get(t, newServer(&fakeIndex{seq: 123}), "/healthz")
	if res.StatusCode != http.StatusOK || strings.TrimSpace(body) != `{"indexed_seq":123,"status":"ok"}` {
		t.Errorf("got %d %s", res.StatusCode, body)
	}
}

func TestPage(t *testing.T) {
	idx := &fakeIndex{res: sampleResult()}
	res, body := get(t, newServer(idx), "/?q=%E7%89%A9%E8%81%94%E7%BD%91+%3Cscript%3E&district=binjiang&page=2")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("content type %q", ct)
	}
	for _, want := range []string{
		`value="物联网 &lt;script&gt;"`,                                              // the query, escaped, in the box
		`<a href="https://www.hhtz.gov.cn/art/1.html" rel="noopener noreferrer">`, // title links the original
		`物联网小镇 &lt;b&gt;新&lt;/b&gt;`,                                              // the title escaped
		`杭州高新区（滨江）<mark>物联网</mark>小镇 &lt;script&gt;alert(1)&lt;/script&gt;`,       // the snippet as HTML
		`2025-03-10 09:00 · binjiang-news · binjiang · zh`,
		`undated`,
		`42 results (3 ms)`,
		`<option value="binjiang" selected>`,
		// Facets link to the search narrowed (and back on page 1).
		`href="/?district=binjiang&amp;q=%E7%89%A9%E8%81%94%E7%BD%91&#43;%3Cscript%3E&amp;source=xiaoshan-news">xiaoshan-news</a>`,
		// The month is a bar of the timeline that narrows to it.
		`<a href="/?district=binjiang&amp;from=2025-03-01&amp;q=%E7%89%A9%E8%81%94%E7%BD%91&#43;%3Cscript%3E&amp;to=2025-03-31"><title>2025-03: 42 articles</title>`,
		// Results link to their page.
		`<a href="/articles/a1">details</a>`,
		// The active filter can be removed.
		`district: binjiang ×`,
		// Pages: 42 hits, 20 a page.
		`<span class="current" aria-current="page">2</span>`,
		`rel="prev"`, `rel="next"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(body, "<script>") || strings.Contains(body, "<b>") {
		t.Error("page contains unescaped markup")
	}
	if idx.got.Q != "物联网 <script>" || idx.got.District != "binjiang" || idx.got.Page != 2 {
		t.Errorf("query %+v", idx.got)
	}
}

func TestPageBadQuery(t *testing.T) {
	idx := &fakeIndex{err: &index.QueryError{Pos: 3, Msg: "unclosed quote"}}
	res, body := get(t, newServer(idx), "/?q="+url.QueryEscape(`滨江 "<b>`))
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("status %d, want 400", res.StatusCode)
	}
	for _, want := range []string{
		"unclosed quote at position 3",
		`<code>滨江 <span class="at">&#34;</span>&lt;b&gt;</code>`,
		`value="滨江 &#34;&lt;b&gt;"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s\n%s", want, body)
		}
	}
	res, body = get(t, newServer(&fakeIndex{}), "/?from=yesterday")
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "parameter from") {
		t.Errorf("bad from: status %d", res.StatusCode)
	}
}

func TestSafeSnippet(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a <mark>b</mark> c", "a <mark>b</mark> c"},
		{"&lt;script&gt; <mark>x</mark>", "&lt;script&gt; <mark>x</mark>"},
		{"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"<mark>open", "<mark>open</mark>"},
		{"</mark><mark><mark>x", "&lt;/mark&gt;<mark>&lt;mark&gt;x</mark>"},
		{"a & b", "a &amp; b"},
	}
	for _, tt := range tests {
		if got := string(safeSnippet(tt.in)); got != tt.want {
			t.Errorf("safeSnippet(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestQueryPassedAsTyped keeps error positions true to what the user
// typed: q is not trimmed.
func TestQueryPassedAsTyped(t *testing.T) {
	idx := &fakeIndex{}
	get(t, newServer(idx), "/api/search?q=%20%20%22x")
	if idx.got.Q != `  "x` {
		t.Errorf("q %q, want it untrimmed", idx.got.Q)
	}
}

func TestMethodNotAllowed(t *testing.T) {
	rec := httptest.NewRecorder()
	newServer(&fakeIndex{}).ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/api/search", nil))
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /api/search: status %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
}

type fakeSources []news.SourceHealth

func (f fakeSources) Sources(ctx context.Context, now time.Time) ([]news.SourceHealth, error) {
	return f, nil
}

type countingObserver struct{ routes []string }

func (c *countingObserver) ObserveRequest(route string, status int, d time.Duration) {
	c.routes = append(c.routes, fmt.Sprintf("%s %d", route, status))
}

func TestSourcesAndMetrics(t *testing.T) {
	last := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	obs := &countingObserver{}
	h := New(Deps{
		Searcher: &fakeIndex{}, Indexed: &fakeIndex{}, Articles: fakeStore{},
		Sources:  fakeSources{{ID: "hhtz-news", Name: "滨江", District: "binjiang", LastCrawl: &last, ArticlesTotal: 3}},
		Metrics:  http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "riverside_up 1\n") }),
		Observer: obs,
	})
	resp, body := get(t, h, "/api/sources")
	if resp.StatusCode != 200 {
		t.Fatalf("got %d: %s", resp.StatusCode, body)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0]["id"] != "hhtz-news" || got[0]["last_crawl"] != "2026-01-02T03:04:05Z" ||
		got[0]["articles_total"] != float64(3) || got[0]["last_success"] != nil {
		t.Errorf("got %s", body)
	}
	if resp, body := get(t, h, "/metrics"); resp.StatusCode != 200 || body != "riverside_up 1\n" {
		t.Errorf("metrics: %d %q", resp.StatusCode, body)
	}
	get(t, h, "/api/articles/nope")
	want := []string{"GET /api/sources 200", "GET /metrics 200", "GET /api/articles/{id} 404"}
	if strings.Join(obs.routes, ",") != strings.Join(want, ",") {
		t.Errorf("observed %v, want %v", obs.routes, want)
	}
	// Without a sources reader the list is empty, not null.
	if _, body := get(t, newServer(&fakeIndex{}), "/api/sources"); strings.TrimSpace(body) != "[]" {
		t.Errorf("no sources: got %q, want []", body)
	}
}

func TestArticlePage(t *testing.T) {
	h := New(Deps{Searcher: &fakeIndex{}, Indexed: &fakeIndex{}, Articles: fakeStore{
		"a1": {ID: "a1", URL: "https://www.hhtz.gov.cn/art/1.html?a=1&b=2", SourceID: "binjiang-news",
			Districts: []string{"binjiang", "xiaoshan"}, Title: "物联网小镇 <b>新</b>", Published: published,
			Author: "张三", Publisher: "滨江区政府", Lang: "zh", Fetched: published.Add(time.Hour), Version: 2,
			Text:   "第一段<script>alert(1)</script>\n第一段第二行\n\n\n　　第二段 & more\r\n\r\n  \n",
			Fields: map[string]string{"索引号": "001", "文号": "滨政〔2025〕1号"}},
	}})
	req := httptest.NewRequest(http.MethodGet, "/articles/a1", nil)
	req.Header.Set("Referer", "http://example.com/?q=%E7%89%A9%E8%81%94%E7%BD%91&page=2")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body := rec.Body.String()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("content type %q", ct)
	}
	for _, want := range []string{
		`<title>物联网小镇 &lt;b&gt;新&lt;/b&gt; · Riverside</title>`,
		`<h2 class="title">物联网小镇 &lt;b&gt;新&lt;/b&gt;</h2>`,
		`<dd>2025-03-10 09:00</dd>`,
		`<a href="/?source=binjiang-news" title="Search this source">binjiang-news</a>`,
		`<dd>滨江区政府</dd>`, `<dd>张三</dd>`,
		`<dt>Districts</dt><dd><a href="/?district=binjiang" title="Search this district">binjiang</a>, <a href="/?district=xiaoshan"`,
		`<dd>中文 (zh)</dd>`,
		`<a href="https://www.hhtz.gov.cn/art/1.html?a=1&amp;b=2" rel="noopener noreferrer" class="url">`,
		`2025-03-10 10:00 (version 2)`,
		// Paragraphs at blank lines, escaped; a single break kept inside.
		"<p>第一段&lt;script&gt;alert(1)&lt;/script&gt;\n第一段第二行</p>",
		`<p>第二段 &amp; more</p>`,
		// Fields in order of their names.
		`<dt>文号</dt><dd>滨政〔2025〕1号</dd><dt>索引号</dt><dd>001</dd>`,
		`<a href="https://mirror.example/a1" rel="noopener noreferrer" class="url">https://mirror.example/a1</a>`,
		// Back to the search the reader came from.
		`<a href="/?page=2&amp;q=%E7%89%A9%E8%81%94%E7%BD%91">‹ Back to the search</a>`,
		`<a href="/api/articles/a1">`,
		`<article lang="zh">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(body, "<script>") || strings.Contains(body, "<b>") {
		t.Error("page contains unescaped markup")
	}
	if n := strings.Count(body, "<p>"); n != 2 {
		t.Errorf("%d paragraphs, want 2", n)
	}
}

func TestArticlePageMinimal(t *testing.T) {
	h := New(Deps{Searcher: &fakeIndex{}, Indexed: &fakeIndex{}, Articles: fakeStore{
		"b2": {ID: "b2", URL: "https://example.gov.cn/2", Lang: "en"},
	}})
	res, body := get(t, h, "/articles/b2")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	for _, want := range []string{
		`<h2 class="title">https://example.gov.cn/2</h2>`, `<dd>undated</dd>`, `<dd>English (en)</dd>`,
		`No text was extracted`, `<a href="/">‹ Back to the search</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	for _, absent := range []string{"<dt>Author</dt>", "<dt>Fields</dt>", "Also published at", "<dt>Source</dt>"} {
		if strings.Contains(body, absent) {
			t.Errorf("page has %s for a value it lacks", absent)
		}
	}
}

func TestArticlePageNotFound(t *testing.T) {
	res, body := get(t, newServer(&fakeIndex{}), "/articles/nope")
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("status %d, want 404", res.StatusCode)
	}
	if !strings.Contains(body, "<!doctype html>") || !strings.Contains(body, "article not found") {
		t.Errorf("want a 404 page naming the problem:\n%s", body)
	}
}

func TestBackLink(t *testing.T) {
	tests := []struct{ referer, want string }{
		{"", "/"},
		{"http://example.com/", "/"},
		{"http://example.com/?q=a&from=2025-01-01", "/?from=2025-01-01&q=a"},
		{"http://elsewhere.example/?q=a", "/"},
		{"http://example.com/articles/x?q=a", "/"},
		{"javascript:alert(1)", "/"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodGet, "/articles/a1", nil)
		if tt.referer != "" {
			r.Header.Set("Referer", tt.referer)
		}
		if got := backLink(r); got != tt.want {
			t.Errorf("referer %q: got %q, want %q", tt.referer, got, tt.want)
		}
	}
}
