package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"riverside/internal/news"
	"riverside/internal/store"
)

// TestSearchQuality runs searchd on a real store and index and asks what
// issue #10 asks of the search: dates at the edges, place names in both
// languages, cursors, edited copies folded into their original, and source
// names on the page.
func TestSearchQuality(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "data", store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.RecordPass(ctx, store.Pass{SourceID: "binjiang-news", Name: "滨江区政府 新闻", Finished: time.Now(), OK: true}); err != nil {
		t.Fatal(err)
	}
	orig := put(t, st, "https://www.hhtz.gov.cn/art/1.html", "物联网小镇迎来新企业", "杭州高新区（滨江）物联网小镇今年新增企业三十家。")
	put(t, st, "https://www.hhtz.gov.cn/art/2.html", "人工智能", "滨江发布人工智能产业政策。")
	put(t, st, "https://www.hhtz.gov.cn/art/3.html", "Binjiang park", "A new park in Binjiang.")
	// An edited copy, marked before it is stored as ingest does.
	copyURL := "https://news.example/iot.html"
	if err := st.PutFingerprint(ctx, news.ArticleID(copyURL), "zh", "", 1, orig.ID, 3, time.Now()); err != nil {
		t.Fatal(err)
	}
	put(t, st, copyURL, "物联网小镇迎来新企业（转载）", "杭州日报讯 杭州高新区（滨江）物联网小镇今年新增企业三十家。")

	base, _, _ := start(t, dir)
	eventually(t, "indexing", func() bool {
		var h struct {
			IndexedSeq int64 `json:"indexed_seq"`
		}
		return getJSON(t, base+"/healthz", &h) == http.StatusOK && h.IndexedSeq == 4
	})

	type result struct {
		Total    int      `json:"total"`
		Expanded []string `json:"expanded"`
		Next     string   `json:"next"`
		Hits     []struct {
			ID   string   `json:"id"`
			Also []string `json:"also"`
		} `json:"hits"`
	}
	search := func(params string) (result, int) {
		var r result
		code := getJSON(t, base+"/api/search?"+params, &r)
		return r, code
	}
	for params, want := range map[string]int{
		"q=滨江&to=9999-12-31":                 3,
		"q=滨江&from=0001-01-01":               3,
		"q=滨江&from=9999-12-31":               0,
		"q=滨江&from=0001-01-01&to=0001-12-31": 0,
		"to=9999-12-31T23:59:59Z":            3,
	} {
		if r, code := search(params); code != http.StatusOK || r.Total != want {
			t.Errorf("%s: status %d, total %d, want 200 and %d", params, code, r.Total, want)
		}
	}

	r, _ := search("q=Binjiang")
	if r.Total != 3 || !slices.Contains(r.Expanded, "滨江") {
		t.Errorf("Binjiang: total %d expanded %q, want 3 with 滨江 searched too", r.Total, r.Expanded)
	}
	if r, _ := search("q=Binjiang&expand=false"); r.Total != 1 || r.Expanded != nil {
		t.Errorf("Binjiang, expand=false: total %d expanded %q", r.Total, r.Expanded)
	}

	// The copy is no hit of its own; its original lists it.
	r, _ = search("q=" + url.QueryEscape("物联网小镇"))
	if r.Total != 1 || r.Hits[0].ID != orig.ID || !slices.Equal(r.Hits[0].Also, []string{copyURL}) {
		t.Errorf("物联网小镇: %+v, want the original alone, listing the copy", r)
	}

	// Cursors walk every hit once.
	var walked []string
	params := "sort=-date&size=1"
	for range 10 {
		r, code := search(params)
		if code != http.StatusOK {
			t.Fatalf("%s: status %d", params, code)
		}
		for _, h := range r.Hits {
			walked = append(walked, h.ID)
		}
		if r.Next == "" {
			break
		}
		params = "sort=-date&size=1&after=" + url.QueryEscape(r.Next)
	}
	if len(walked) != 3 {
		t.Errorf("cursor walk: %v, want the 3 articles", walked)
	}
	if _, code := search("sort=date&after=" + url.QueryEscape("bm90IGEgY3Vyc29y")); code != http.StatusBadRequest {
		t.Errorf("bad cursor: status %d, want 400", code)
	}

	res, err := http.Get(base + "/?q=" + url.QueryEscape("物联网小镇"))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{"滨江区政府 新闻", "Also published at", copyURL} {
		if !strings.Contains(string(page), want) {
			t.Errorf("search page lacks %q", want)
		}
	}
}
