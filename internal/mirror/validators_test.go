package mirror

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestValidators: the normal sites' pages carry an ETag and a
// Last-Modified, answer 304 while they hold, and change when an article
// is published on the list.
func TestValidators(t *testing.T) {
	m, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	get := func(path string, hdr map[string]string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for _, path := range []string{"/ehangzhou/latest/index.html", "/stdaily/rss.xml", "/hhtz/col/col1487272/index.html", "/xsnet/news/index.html"} {
		first := get(path, nil)
		etag, lm := first.Header.Get("ETag"), first.Header.Get("Last-Modified")
		if first.StatusCode != http.StatusOK || etag == "" || lm == "" {
			t.Fatalf("%s: got %d, ETag %q, Last-Modified %q; want 200 with both", path, first.StatusCode, etag, lm)
		}
		if r := get(path, map[string]string{"If-None-Match": etag}); r.StatusCode != http.StatusNotModified {
			t.Errorf("%s with its ETag: got %d, want 304", path, r.StatusCode)
		}
		if r := get(path, map[string]string{"If-Modified-Since": lm}); r.StatusCode != http.StatusNotModified {
			t.Errorf("%s with its Last-Modified: got %d, want 304", path, r.StatusCode)
		}
	}
	path := "/ehangzhou/latest/index.html"
	before := get(path, nil)
	if _, err := m.Publish("ehangzhou", "A test release", ""); err != nil {
		t.Fatal(err)
	}
	for name, hdr := range map[string]map[string]string{
		"ETag":          {"If-None-Match": before.Header.Get("ETag")},
		"Last-Modified": {"If-Modified-Since": before.Header.Get("Last-Modified")},
	} {
		if r := get(path, hdr); r.StatusCode != http.StatusOK {
			t.Errorf("%s after a publication, with the old %s: got %d, want 200", path, name, r.StatusCode)
		}
	}
}
