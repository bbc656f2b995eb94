package mirror

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode"

	"golang.org/x/net/html"
)

// testMirror starts a mirror over the given article files (nil: the
// embedded ones) and returns it with its test server.
func testMirror(t *testing.T, articles fs.FS) (*Mirror, *httptest.Server) {
	t.Helper()
	m, err := New(Options{
		Articles: articles,
		Now:      func() time.Time { return time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(m.Handler())
	t.Cleanup(srv.Close)
	return m, srv
}

// manyArticles is a set of article files large enough that every
// Hanweb column needs dataproxy paging and every plain list paginates:
// the testdata files plus generated ones.
func manyArticles(t *testing.T) fs.FS {
	t.Helper()
	fsys := fstest.MapFS{}
	entries, err := os.ReadDir("testdata/articles")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile("testdata/articles/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		fsys[e.Name()] = &fstest.MapFile{Data: data}
	}
	counts := []struct {
		site, column string
		n            int
	}{
		{"hhtz", colHHTZWork, 23},
		{"hhtz", colHHTZNotice, 11},
		{"xiaoshan", colXSNews, 17},
		{"xiaoshan", colXSTowns, 14},
		{"xsnet", "news", 19},
	}
	id := 70000000
	for _, c := range counts {
		for i := range c.n {
			id++
			day := time.Date(2023, 1, 1, 9, 0, 0, 0, time.UTC).AddDate(0, 0, i*11)
			fsys[fmt.Sprintf("gen-%d.txt", id)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
				"site: %s\ncolumn: %s\nid: %d\ntitle: 测试稿件第%d号：%s栏目的一则工作动态消息\npublished: %s\nsource: 测试来源\nauthor:\n---\n第一段，编号%d。\n\n第二段。\n",
				c.site, c.column, id, id, c.column, day.Format(publishedLayout), id))}
		}
	}
	return fsys
}

// get fetches a URL and returns the response and its body.
func get(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp, body
}

// readAll reads a response body.
func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", resp.Request.URL, err)
	}
	return string(body)
}

// mustGet fetches a URL that must answer 200.
func mustGet(t *testing.T, url string) []byte {
	t.Helper()
	resp, body := get(t, url)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d, want 200", url, resp.StatusCode)
	}
	return body
}

// pageText is the text a reader sees in a page, scripts and styles left
// out, with runs of white space (including U+3000 and NBSP) made one
// space. Text of adjacent elements is not separated, so "Home</a>&gt;"
// reads "Home>".
func pageText(page []byte) string {
	z := html.NewTokenizer(bytes.NewReader(page))
	var b strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return norm(b.String())
		case html.StartTagToken:
			if name, _ := z.TagName(); string(name) == "script" || string(name) == "style" {
				skip++
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); (string(name) == "script" || string(name) == "style") && skip > 0 {
				skip--
			}
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		}
	}
}

// norm collapses white space.
func norm(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

func TestNotFound(t *testing.T) {
	_, srv := testMirror(t, nil)
	for _, path := range []string{"/nope", "/hhtz/art/2024/1/1/art_1_2.html", "/hhtz/col/col999/index.html", "/xsnet/news/index_99.html", "/ehangzhou/2021-05/12/c_726519_4.htm", "/xiaoshan/col/col1229292681/index_1.html"} {
		t.Run(path, func(t *testing.T) {
			resp, body := get(t, srv.URL+path)
			if resp.StatusCode != http.StatusNotFound {
				t.Fatalf("status %d, want 404", resp.StatusCode)
			}
			if !strings.Contains(string(body), "404错误信息") || !strings.Contains(string(body), "您访问的页面不存在") {
				t.Errorf("404 page is not the Chinese one:\n%s", body)
			}
		})
	}
}

func TestIndexListsSites(t *testing.T) {
	m, srv := testMirror(t, nil)
	text := pageText(mustGet(t, srv.URL+"/"))
	for _, s := range m.Sites() {
		if !strings.Contains(text, s) {
			t.Errorf("index does not list site %s", s)
		}
		mustGet(t, srv.URL+"/"+s+"/")
	}
}

// allPages lists the path of every list and article page of a mirror.
func allPages(m *Mirror) []string {
	var paths []string
	for _, s := range m.sites {
		for _, c := range s.columns {
			paths = append(paths, listURL(c))
		}
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	for p := range m.pages {
		paths = append(paths, p)
	}
	return append(paths, "/stdaily/rss.xml", "/_mirror/sources.yaml", "/")
}

func TestDeterministic(t *testing.T) {
	m1, srv1 := testMirror(t, nil)
	_, srv2 := testMirror(t, nil)
	for _, p := range allPages(m1) {
		a := mustGet(t, srv1.URL+p)
		b := mustGet(t, srv1.URL+p)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two requests gave different pages", p)
		}
		// A second mirror renders the same page, save for its address.
		c := mustGet(t, srv2.URL+p)
		for _, f := range []func(string) string{func(s string) string { return s }, regexp.QuoteMeta} {
			c = bytes.ReplaceAll(c, []byte(f(srv2.URL)), []byte(f(srv1.URL)))
		}
		if !bytes.Equal(a, c) {
			t.Errorf("%s: two mirrors gave different pages", p)
		}
	}
}

func TestEmbeddedArticlesLoad(t *testing.T) {
	m, srv := testMirror(t, nil)
	for _, s := range m.sites {
		for _, c := range s.columns {
			if len(c.items) == 0 {
				t.Errorf("%s/%s: no items", s.id, c.id)
			}
			for _, a := range c.items {
				mustGet(t, srv.URL+a.Path)
			}
		}
	}
}
