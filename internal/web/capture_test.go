package web

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nlnwa/gowarc/v2"

	"riverside/internal/capture"
	"riverside/internal/news"
)

// capturedPage is a GBK page with a script and a cookie, as a server sent
// it: gzip-coded.
var capturedPage = append([]byte("<html><head><title>x</title></head><body><p id=s>static</p>"+
	"<script>document.getElementById('s').textContent='ran'</script><p>"),
	append([]byte{0xcf, 0xf4, 0xc9, 0xbd}, "</p></body></html>"...)...) // 萧山 in GBK

func captureServer(t *testing.T) (http.Handler, news.Capture) {
	t.Helper()
	dir := t.TempDir()
	w, err := capture.Open(dir, capture.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(capturedPage)
	zw.Close()
	raw := append([]byte("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=GBK\r\nContent-Encoding: gzip\r\n"+
		"Set-Cookie: session=secret\r\nContent-Security-Policy: script-src *\r\n"+
		fmt.Sprintf("Content-Length: %d\r\n\r\n", z.Len())), z.Bytes()...)
	c, err := w.Write(capture.Exchange{URL: "https://www.xiaoshan.gov.cn/art/1.html", Status: 200, Fetched: published,
		RawRequest: []byte("GET /art/1.html HTTP/1.1\r\nHost: www.xiaoshan.gov.cn\r\n\r\n"), RawResponse: raw})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	store := fakeStore{
		"a1":   {ID: "a1", URL: "https://www.xiaoshan.gov.cn/art/1.html", Title: "萧山", Fetched: published, Capture: c},
		"none": {ID: "none", URL: "https://www.xiaoshan.gov.cn/art/2.html", Title: "no capture"},
		"gone": {ID: "gone", URL: "https://www.xiaoshan.gov.cn/art/3.html", Title: "file gone",
			Capture: news.Capture{File: "riverside-20200101000000-1-0001.warc.gz"}},
	}
	return New(Deps{Searcher: &fakeIndex{}, Indexed: &fakeIndex{}, Articles: store,
		Captures: capture.Reader{Dir: dir}}), c
}

func TestCapturePage(t *testing.T) {
	h, _ := captureServer(t)

	_, page := get(t, h, "/articles/a1")
	if !strings.Contains(page, `<a href="/articles/a1/capture"`) || !strings.Contains(page, `<a href="/articles/a1/capture.warc.gz"`) {
		t.Errorf("the article page does not link to its capture:\n%s", page)
	}
	if _, page := get(t, h, "/articles/none"); strings.Contains(page, "/capture") {
		t.Error("an article without a capture links to one")
	}

	res, body := get(t, h, "/articles/a1/capture")
	if res.StatusCode != http.StatusOK || body != string(capturedPage) {
		t.Fatalf("got %d %q, want 200 and the page as captured, decoded from gzip", res.StatusCode, body)
	}
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.HasPrefix(csp, "sandbox;") || strings.Contains(csp, "allow-") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("Content-Security-Policy %q does not sandbox the page without scripts", csp)
	}
	for k, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Content-Type":           "text/html; charset=GBK",
		"Referrer-Policy":        "no-referrer",
		"Set-Cookie":             "",
		"Content-Encoding":       "",
		"Link":                   `<https://www.xiaoshan.gov.cn/art/1.html>; rel="original"`,
		"Memento-Datetime":       published.UTC().Format(http.TimeFormat),
	} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("%s: got %q, want %q", k, got, want)
		}
	}
	if n := len(res.Header.Values("Content-Security-Policy")); n != 1 {
		t.Errorf("%d Content-Security-Policy headers: the captured one was passed on", n)
	}

	res, body = get(t, h, "/articles/a1/capture.warc.gz")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), `filename="a1.warc.gz"`) {
		t.Fatalf("WARC download: %d %v", res.StatusCode, res.Header)
	}
	r, err := gowarc.NewWarcFileReaderFromStream(strings.NewReader(body), 0, gowarc.WithStrictValidation())
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for {
		rec, _, _, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("downloaded WARC: %v", err)
		}
		types = append(types, rec.Type().String())
		rec.Close()
	}
	if strings.Join(types, " ") != "response request metadata" {
		t.Errorf("downloaded WARC holds %v", types)
	}

	for _, tc := range []struct{ path, want string }{
		{"/articles/none/capture", "no archived capture"},
		{"/articles/gone/capture", "no archived capture"},
		{"/articles/gone/capture.warc.gz", "no archived capture"},
		{"/articles/missing/capture", "not found"},
	} {
		res, body := get(t, h, tc.path)
		if res.StatusCode != http.StatusNotFound || !strings.Contains(body, tc.want) {
			t.Errorf("%s: got %d, want 404 saying %q:\n%.300s", tc.path, res.StatusCode, tc.want, body)
		}
	}
	// Without Captures, no link and no route that works.
	plain := New(Deps{Searcher: &fakeIndex{}, Indexed: &fakeIndex{}, Articles: fakeStore{"a1": {ID: "a1", Capture: news.Capture{File: "f.warc.gz"}, Fetched: time.Now()}}})
	if res, _ := get(t, plain, "/articles/a1/capture"); res.StatusCode != http.StatusNotFound {
		t.Errorf("capture without Captures: %d", res.StatusCode)
	}
}
