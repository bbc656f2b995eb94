package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"riverside/internal/news"
)

func TestNotModified(t *testing.T) {
	lastMod := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	etag := `"abc"`
	cases := []struct {
		name   string
		header [2]string
		want   bool
	}{
		{"no condition", [2]string{}, false},
		{"same etag", [2]string{"If-None-Match", `"abc"`}, true},
		{"weak same etag", [2]string{"If-None-Match", `W/"abc"`}, true},
		{"one of several", [2]string{"If-None-Match", `"x", "abc"`}, true},
		{"star", [2]string{"If-None-Match", `*`}, true},
		{"other etag", [2]string{"If-None-Match", `"old"`}, false},
		{"not modified since", [2]string{"If-Modified-Since", lastMod.Format(http.TimeFormat)}, true},
		{"later", [2]string{"If-Modified-Since", lastMod.Add(time.Hour).Format(http.TimeFormat)}, true},
		{"modified since", [2]string{"If-Modified-Since", lastMod.Add(-time.Second).Format(http.TimeFormat)}, false},
		{"bad date", [2]string{"If-Modified-Since", "yesterday"}, false},
	}
	for _, c := range cases {
		r := httptest.NewRequest(http.MethodGet, "/feeds/x.atom", nil)
		if c.header[0] != "" {
			r.Header.Set(c.header[0], c.header[1])
		}
		if got := notModified(r, etag, lastMod); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
	// If-None-Match decides when both are given (RFC 9110 §13.2.2).
	r := httptest.NewRequest(http.MethodGet, "/feeds/x.atom", nil)
	r.Header.Set("If-None-Match", `"old"`)
	r.Header.Set("If-Modified-Since", lastMod.Format(http.TimeFormat))
	if notModified(r, etag, lastMod) {
		t.Error("a stale ETag with a fresh date: got 304")
	}
}

// TestSearchFeed renders /feeds/search.atom from the fake index and reads
// it back with gofeed, as feed readers do.
func TestSearchFeed(t *testing.T) {
	idx := &fakeIndex{res: sampleResult()}
	h := New(Deps{Searcher: idx, Indexed: idx, Articles: fakeStore{
		"a1": {ID: "a1", Version: 2, Author: "张三", Publisher: "滨江区融媒体中心", Fetched: time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)},
	}})
	resp, body := get(t, h, "/feeds/search.atom?q="+url.QueryEscape("物联网"))
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if idx.got.Sort != news.SortDateDesc {
		t.Errorf("sort %q, want newest first", idx.got.Sort)
	}
	f, err := gofeed.NewParser().ParseString(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Items) != 2 {
		t.Fatalf("%d entries, want 2", len(f.Items))
	}
	it := f.Items[0]
	if it.GUID != "urn:riverside:article:a1" || it.Title != "物联网小镇 <b>新</b>" || it.Link != "https://www.hhtz.gov.cn/art/1.html" {
		t.Errorf("entry %q %q %q", it.GUID, it.Title, it.Link)
	}
	if it.UpdatedParsed == nil || !it.UpdatedParsed.Equal(time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)) {
		t.Errorf("updated %v, want the fetch time", it.UpdatedParsed)
	}
	if len(it.Authors) != 1 || it.Authors[0].Name != "张三" {
		t.Errorf("authors %v", it.Authors)
	}
	// gofeed keeps an Atom entry's Dublin Core elements as extensions.
	if pub := it.Extensions["dc"]["publisher"]; len(pub) != 1 || pub[0].Value != "滨江区融媒体中心" {
		t.Errorf("publisher %+v", it.Extensions)
	}
	if strings.Contains(it.Description, "<script") || !strings.Contains(it.Description, "<mark>物联网</mark>") {
		t.Errorf("summary %q", it.Description)
	}
	// An unknown article still gets an updated time, the feed's.
	if f.Items[1].UpdatedParsed == nil {
		t.Error("second entry without updated")
	}
	// Again with its ETag: 304, nothing sent.
	r := httptest.NewRequest(http.MethodGet, "/feeds/search.atom?q="+url.QueryEscape("物联网"), nil)
	r.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Errorf("conditional GET: %d with %d bytes", w.Code, w.Body.Len())
	}
}

func TestSubscribeLink(t *testing.T) {
	got := subscribeLink(url.Values{"q": {"滨江 AI"}, "lang": {"zh"}, "page": {"3"}, "sort": {"date"}})
	if got != "/subscriptions?lang=zh&q=%E6%BB%A8%E6%B1%9F+AI#new" {
		t.Errorf("got %s", got)
	}
}
