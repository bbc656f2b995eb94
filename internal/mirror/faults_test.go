package mirror

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestEditAndListing(t *testing.T) {
	m, err := New(Options{Generate: 250})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	if y := string(m.SourcesYAML(srv.URL)); strings.Contains(y, "mirror-faults") || !strings.Contains(y, "mirror-bulk") || !strings.Contains(y, "max_pages: 3") {
		t.Errorf("sources: faults listed without Faults.List, or the bulk site missing:\n%s", y)
	}
	// A deterministic first page of a one-page article: an edit puts its
	// correction on the article's first page, so a continuation page
	// (c_ID_2.htm) would not show it.
	var path string
	for p := range m.pages {
		if strings.Contains(p, "/hhtz/art/") && (path == "" || p < path) {
			path = p
		}
	}
	get := func(p string) (string, string) {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 1<<16)
		for {
			n, err := resp.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		return b.String(), resp.Header.Get("ETag")
	}
	before, _ := get(path)
	resp, err := http.Post(srv.URL+"/_mirror/edit", "application/json", strings.NewReader(`{"path":"`+path+`"}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("edit: %v %v", err, resp.Status)
	}
	after, _ := get(path)
	if before == after || !strings.Contains(after, "【更正】") {
		t.Errorf("edit of %s changed nothing", path)
	}
	_, tag1 := get("/faults/art/edited.html")
	http.Post(srv.URL+"/_mirror/edit", "application/json", strings.NewReader(`{}`))
	body, tag2 := get("/faults/art/edited.html")
	if tag1 == "" || tag1 == tag2 || !strings.Contains(body, "【更正】") {
		t.Errorf("faults edit: etags %s %s", tag1, tag2)
	}
	if body, _ := get("/bulk/art/250.html"); !strings.Contains(body, "第250期") {
		t.Errorf("bulk article: %s", body)
	}
	if body, _ := get("/bulk/list/index_2.html"); !strings.Contains(body, "/bulk/art/50.html") || strings.Contains(body, "下一页") {
		t.Errorf("bulk last list page: %s", body)
	}
}
