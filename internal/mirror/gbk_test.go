package mirror

import (
	"html"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestGBKColumn(t *testing.T) {
	m, srv := testMirror(t, manyArticles(t))
	c := m.site(siteXiaoshan).column(colXSTowns)
	pages := []string{listURL(c), "/xiaoshan/col/col" + colXSTowns + "/index_2.html", "/xiaoshan/col/col" + colXSTowns + "/index_3.html"}
	for _, a := range c.items {
		pages = append(pages, a.Path)
	}
	for _, p := range pages {
		t.Run(p, func(t *testing.T) {
			resp, body := get(t, srv.URL+p)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if got := resp.Header.Get("Content-Type"); got != "text/html" {
				t.Errorf("Content-Type %q, want text/html without a charset", got)
			}
			if utf8.Valid(body) {
				t.Errorf("page is valid UTF-8; want GBK bytes")
			}
			dec, err := simplifiedchinese.GBK.NewDecoder().Bytes(body)
			if err != nil {
				t.Fatalf("decode GBK: %v", err)
			}
			page := html.UnescapeString(string(dec))
			isList := strings.Contains(p, "/col/")
			if isList {
				if strings.Contains(strings.ToLower(page), "charset") {
					t.Errorf("the list page declares a charset")
				}
				if !strings.Contains(page, `<ul class="list">`) || !strings.Contains(page, "部门动态") {
					t.Errorf("no Chinese list in the decoded page")
				}
				return
			}
			if !strings.Contains(page, `<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`) {
				t.Errorf("the article page does not declare gb2312")
			}
			for _, a := range c.items {
				if a.Path == p {
					for _, para := range a.Paragraphs() {
						if !strings.Contains(page, para) {
							t.Errorf("paragraph missing after decoding: %q", para)
						}
					}
					if !strings.Contains(page, a.Title) {
						t.Errorf("title missing after decoding: %q", a.Title)
					}
				}
			}
		})
	}
}

// Every GBK list page links to its items, and the next-page links lead
// through all of them.
func TestGBKListPagination(t *testing.T) {
	m, srv := testMirror(t, manyArticles(t))
	c := m.site(siteXiaoshan).column(colXSTowns)
	var links []string
	next := listURL(c)
	for next != "" {
		body := mustGet(t, srv.URL+next)
		dec, err := simplifiedchinese.GBK.NewDecoder().Bytes(body)
		if err != nil {
			t.Fatal(err)
		}
		page := string(dec)
		list := page[strings.Index(page, `<ul class="list">`):]
		list = list[:strings.Index(list, "</ul>")]
		for _, h := range hrefRE.FindAllStringSubmatch(list, -1) {
			links = append(links, h[1])
		}
		next = ""
		if i := strings.Index(page, `<a class="next" href="`); i >= 0 {
			rest := page[i+len(`<a class="next" href="`):]
			next = rest[:strings.Index(rest, `"`)]
		}
	}
	checkAll(t, links, c)
}

// A character GBK lacks becomes a character reference, not a "?".
func TestEncodeGBKUnsupported(t *testing.T) {
	got, err := encodeGBK([]byte("<p>萧山 € 😀</p>"))
	if err != nil {
		t.Fatal(err)
	}
	dec, err := simplifiedchinese.GBK.NewDecoder().Bytes(got)
	if err != nil {
		t.Fatal(err)
	}
	if s := html.UnescapeString(string(dec)); s != "<p>萧山 € 😀</p>" {
		t.Errorf("round trip: got %q", s)
	}
}
