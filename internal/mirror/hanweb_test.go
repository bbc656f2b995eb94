package mirror

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var (
	recordRE  = regexp.MustCompile(`(?s)<record><!\[CDATA\[(.*?)\]\]></record>`)
	hrefRE    = regexp.MustCompile(`href=['"]([^'"]+)['"]`)
	totalRE   = regexp.MustCompile(`<totalrecord>(\d+)</totalrecord>`)
	pagesRE   = regexp.MustCompile(`<totalpage>(\d+)</totalpage>`)
	nextRE    = regexp.MustCompile(`<nextgroup><!\[CDATA\[<a href="([^"]+)"></a>\]\]></nextgroup>`)
	jpageRE   = regexp.MustCompile(`totalRecord:(\d+),.*proxyUrl:'([^']+)',perPage:(\d+)`)
	articleRE = regexp.MustCompile(`/art/\d{4}/\d+/\d+/art_(\d+)_(\d+)\.html$`)
)

// records returns the article links of the records of a datastore.
func records(t *testing.T, xml string) []string {
	t.Helper()
	var links []string
	for _, r := range recordRE.FindAllStringSubmatch(xml, -1) {
		h := hrefRE.FindStringSubmatch(r[1])
		if h == nil {
			t.Fatalf("record without a link: %q", r[1])
		}
		links = append(links, h[1])
	}
	return links
}

// datastoreColumns are the Hanweb columns listed through a datastore.
func datastoreColumns(m *Mirror) []*column {
	var cols []*column
	for _, s := range m.sites {
		for _, c := range s.columns {
			if c.unit != "" {
				cols = append(cols, c)
			}
		}
	}
	return cols
}

func TestColumnPageDatastore(t *testing.T) {
	m, srv := testMirror(t, manyArticles(t))
	for _, c := range datastoreColumns(m) {
		t.Run(c.site.id+"/"+c.id, func(t *testing.T) {
			page := string(mustGet(t, srv.URL+listURL(c)))
			// The list lives only inside the data island: outside the
			// <script> elements the page links to no article.
			outside := regexp.MustCompile(`(?s)<script.*?</script>`).ReplaceAllString(page, "")
			if articleRE.MatchString(outside) || strings.Contains(outside, "/art/20") {
				t.Errorf("article links outside the datastore")
			}
			if !strings.Contains(page, `<div id="`+c.unit+`"><script type="text/xml"><datastore>`) {
				t.Errorf("no datastore unit %s", c.unit)
			}
			links := records(t, page)
			if want := min(perPage*groupSize, len(c.items)); len(links) != want {
				t.Errorf("%d embedded records, want %d", len(links), want)
			}
			for i, a := range c.items[:len(links)] {
				if links[i] != a.Path {
					t.Errorf("record %d: got %s, want %s (newest first)", i, links[i], a.Path)
				}
			}
			j := jpageRE.FindStringSubmatch(page)
			if j == nil {
				t.Fatalf("no jpage call")
			}
			if j[1] != strconv.Itoa(len(c.items)) || j[2] != "/"+c.site.id+c.proxy || j[3] != strconv.Itoa(perPage) {
				t.Errorf("jpage totalRecord:%s proxyUrl:%s perPage:%s, want %d %s %d", j[1], j[2], j[3], len(c.items), "/"+c.site.id+c.proxy, perPage)
			}
			if !strings.Contains(page, "var param_"+c.unit+"={col:1,appid:1,webid:"+c.site.webID) {
				t.Errorf("no param_%s", c.unit)
			}
		})
	}
}

func TestMalformedRecord(t *testing.T) {
	m, srv := testMirror(t, manyArticles(t))
	c := m.site(siteHHTZ).column(colHHTZNotice)
	page := string(mustGet(t, srv.URL+listURL(c)))
	if strings.Count(page, "<li style=<br/>") != 1 {
		t.Errorf("want one malformed record in the notices column")
	}
	// The malformed record still carries its link.
	if got := records(t, page); len(got) != perPage*groupSize {
		t.Errorf("%d records, want %d", len(got), perPage*groupSize)
	}
}

// walk pages through a column with the given request function and
// returns the links in the order received.
func walk(t *testing.T, fetch func(i int) string, total int) []string {
	t.Helper()
	var links []string
	for i := 1; i < 1000; i++ {
		xml := fetch(i)
		if m := totalRE.FindStringSubmatch(xml); m == nil || m[1] != strconv.Itoa(total) {
			t.Fatalf("request %d: totalrecord %v, want %d", i, m, total)
		}
		if pagesRE.FindStringSubmatch(xml) == nil {
			t.Fatalf("request %d: no totalpage", i)
		}
		got := records(t, xml)
		if len(got) == 0 {
			if nextRE.MatchString(xml) {
				t.Errorf("request %d: empty page with a nextgroup", i)
			}
			return links
		}
		links = append(links, got...)
	}
	t.Fatal("no end to the pages")
	return nil
}

// checkAll reports gaps and repeats against the column's list.
func checkAll(t *testing.T, got []string, c *column) {
	t.Helper()
	if len(got) != len(c.items) {
		t.Errorf("%d records, want %d", len(got), len(c.items))
	}
	seen := map[string]bool{}
	for i, l := range got {
		if seen[l] {
			t.Errorf("record %s repeated", l)
		}
		seen[l] = true
		if i < len(c.items) && l != c.items[i].Path {
			t.Errorf("record %d: got %s, want %s", i, l, c.items[i].Path)
		}
	}
}

func TestDataproxyPaging(t *testing.T) {
	m, srv := testMirror(t, manyArticles(t))
	client := srv.Client()
	for _, c := range datastoreColumns(m) {
		form := proxyQuery(c)
		form.Set("col", "1")
		form.Set("sourceContentType", "1")
		for _, path := range dataproxyPaths() {
			endpoint := srv.URL + "/" + c.site.id + path
			t.Run(fmt.Sprintf("%s/%s%s", c.site.id, c.id, path), func(t *testing.T) {
				fetch := func(req *http.Request) string {
					resp, err := client.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					defer resp.Body.Close()
					if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/xml") {
						t.Fatalf("%s %s: %d %s", req.Method, req.URL, resp.StatusCode, resp.Header.Get("Content-Type"))
					}
					return readAll(t, resp)
				}
				// POST: one group of perPage × groupSize records per request,
				// the column in the form body (webname in raw UTF-8, as jpage
				// sends it).
				group := perPage * groupSize
				post := walk(t, func(i int) string {
					q := url.Values{
						"startrecord": {strconv.Itoa((i-1)*group + 1)},
						"endrecord":   {strconv.Itoa(i * group)},
						"perpage":     {strconv.Itoa(perPage)},
					}
					body := strings.ReplaceAll(form.Encode(), url.QueryEscape(c.site.name), c.site.name)
					req, _ := http.NewRequest(http.MethodPost, endpoint+"?"+q.Encode(), strings.NewReader(body))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					return fetch(req)
				}, len(c.items))
				checkAll(t, post, c)

				// GET with page=N, default and explicit page sizes.
				for _, perpage := range []string{"", "3", "7"} {
					got := walk(t, func(i int) string {
						q := proxyQuery(c)
						q.Set("page", strconv.Itoa(i))
						if perpage != "" {
							q.Set("perpage", perpage)
						}
						req, _ := http.NewRequest(http.MethodGet, endpoint+"?"+q.Encode(), nil)
						return fetch(req)
					}, len(c.items))
					checkAll(t, got, c)
				}

				// Following nextgroup from the column page reaches the end.
				page := string(mustGet(t, srv.URL+listURL(c)))
				links := records(t, page)
				next := nextRE.FindStringSubmatch(page)
				for next != nil {
					req, _ := http.NewRequest(http.MethodGet, srv.URL+next[1], nil)
					xml := fetch(req)
					links = append(links, records(t, xml)...)
					next = nextRE.FindStringSubmatch(xml)
				}
				checkAll(t, links, c)
			})
		}
	}
}

func TestDataproxyUnknownColumn(t *testing.T) {
	_, srv := testMirror(t, nil)
	xml := string(mustGet(t, srv.URL+"/hhtz/module/web/jpage/dataproxy.jsp?page=1&columnid=42"))
	if !strings.Contains(xml, "<totalrecord>0</totalrecord>") || strings.Contains(xml, "<record>") {
		t.Errorf("unknown column: got\n%s", xml)
	}
}

func TestDataproxyTruncates(t *testing.T) {
	m, srv := testMirror(t, manyArticles(t))
	c := m.site(siteHHTZ).column(colHHTZWork)
	xml := string(mustGet(t, srv.URL+"/hhtz/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=1000&perpage=1000&columnid="+c.id))
	if got := len(records(t, xml)); got != len(c.items) {
		t.Errorf("%d records, want all %d", got, len(c.items))
	}
}
