package mirror

import (
	"bytes"
	"embed"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"

	"riverside/internal/news"
)

//go:embed templates/*.html
var templateFiles embed.FS

// pageData is what every page template receives; each uses the fields
// its page needs.
type pageData struct {
	// Base is the scheme and host of the request (canonical links).
	Base string
	Path string
	Site *siteView
	Col  *colView

	// Article pages.
	A       *Article
	Blocks  []Block // the blocks of the page shown
	Page    int
	Pages   []pageLink // the article's own pager
	Prev    *Article
	Next    *Article
	Related []*Article

	// List pages.
	Items     []*Article
	ListPage  int
	ListPages []pageLink
	PrevURL   string
	NextURL   string
	LastURL   string
	Total     int
	Datastore template.HTML

	// GBK pages declare gb2312 (when they declare anything); TRS pages
	// wrap their body in div.TRS_Editor.
	GBK bool
	TRS bool

	// The mirror's own pages.
	Sites []*siteView
}

// siteView and colView expose a site and a column to templates.
type siteView struct {
	ID, Name, Lang, District string
	Home                     string
	Columns                  []*colView
}

type colView struct {
	ID, Name, Lang, URL string
}

// pageLink is one link of a pager.
type pageLink struct {
	Num     int
	URL     string
	Current bool
}

// parseTemplates parses the embedded page templates.
func parseTemplates() (*template.Template, error) {
	t, err := template.New("").Funcs(templateFuncs()).ParseFS(templateFiles, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("mirror: templates: %w", err)
	}
	return t, nil
}

// templateFuncs are the helpers the templates use.
func templateFuncs() template.FuncMap {
	in := func(t time.Time) time.Time { return t.In(news.Shanghai) }
	return template.FuncMap{
		// comment writes an HTML comment, which html/template would
		// otherwise strip from the template text.
		"comment": func(s string) template.HTML { return template.HTML("<!--" + s + "-->") },
		// marker wraps a value in the Hanweb field markers
		// <!--<$[name]>begin-->…<!--<$[name]>end-->.
		"marker": func(name, value string) template.HTML {
			return template.HTML("<!--<$[" + name + "]>begin-->" + html.EscapeString(value) + "<!--<$[" + name + "]>end-->")
		},
		"ymd":    func(t time.Time) string { return in(t).Format("2006-01-02") },
		"ymdhm":  func(t time.Time) string { return in(t).Format("2006-01-02 15:04") },
		"ymdhms": func(t time.Time) string { return in(t).Format("2006-01-02 15:04:05") },
		"mdy":    func(t time.Time) string { return in(t).Format("January 2, 2006") },
		"slash":  func(t time.Time) string { return in(t).Format("2006/01/02 15:04") },
		"hm":     func(t time.Time) string { return in(t).Format("15:04") },
		"lines":  func(s string) []string { return strings.Split(s, "\n") },
		"trunc":  truncate,
		"summary": func(a *Article, n int) string {
			if ps := a.Paragraphs(); len(ps) > 0 {
				return truncate(strings.ReplaceAll(ps[0], "\n", " "), n)
			}
			return ""
		},
		"maketime": func(t time.Time) string { return in(t.Add(37 * time.Minute)).Format("2006-01-02 15:04:05") },
		"add":      func(a, b int) int { return a + b },
		"xseditor": xsnetEditor,
	}
}

// truncate shortens s to n runes, ending it with "…" when cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// Content types. Some pages are served without a charset on purpose:
// real Hanweb servers do that, and clients must sniff the page.
const (
	typeHTMLUTF8  = "text/html;charset=UTF-8"
	typeHTMLBare  = "text/html"
	typeHTMLLower = "text/html; charset=utf-8"
	typeXMLUTF8   = "text/xml;charset=UTF-8"
	typeRSS       = "application/rss+xml; charset=utf-8"
	typeJSON      = "application/json"
	typeYAML      = "application/yaml; charset=utf-8"
)

// render executes a template and writes it with the given status and
// content type, encoded in GBK when gbk is set.
func (m *Mirror) render(w http.ResponseWriter, r *http.Request, status int, name, ctype string, gbk bool, data *pageData) {
	var buf bytes.Buffer
	if err := m.tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		m.log.Error("render", "template", name, "path", r.URL.Path, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	body := buf.Bytes()
	if gbk {
		var err error
		if body, err = encodeGBK(body); err != nil {
			m.log.Error("encode gbk", "path", r.URL.Path, "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
	}
	if status == http.StatusOK {
		// Like real servers, the mirror's pages carry validators and
		// answer conditional requests with 304.
		serveValidatedAs(w, r, body, m.modified(), ctype)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// modified is the mirror's Last-Modified: when it loaded, or when an
// article was last published, whichever is later.
func (m *Mirror) modified() time.Time {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.changed
}

// encodeGBK encodes a UTF-8 page in GBK. A character GBK lacks becomes a
// numeric character reference, as browsers do when they submit forms.
func encodeGBK(page []byte) ([]byte, error) {
	out, err := encoding.HTMLEscapeUnsupported(simplifiedchinese.GBK.NewEncoder()).Bytes(page)
	if err != nil {
		return nil, fmt.Errorf("gbk: %w", err)
	}
	return out, nil
}

// newPage starts the data of a page of site s (and column c, if any).
func (m *Mirror) newPage(r *http.Request, s *site, c *column) *pageData {
	d := &pageData{Base: baseURL(r), Path: r.URL.Path}
	if s != nil {
		d.Site = viewSite(s)
	}
	if c != nil {
		d.Col = viewColumn(c)
	}
	return d
}

func viewSite(s *site) *siteView {
	v := &siteView{ID: s.id, Name: s.name, Lang: s.lang, District: s.district, Home: "/" + s.id + "/"}
	for _, c := range s.columns {
		v.Columns = append(v.Columns, viewColumn(c))
	}
	return v
}

func viewColumn(c *column) *colView {
	return &colView{ID: c.id, Name: c.name, Lang: c.lang, URL: listURL(c)}
}

// listURL is the path of a column's first list page.
func listURL(c *column) string {
	switch c.site.id {
	case siteHHTZ, siteXiaoshan:
		return "/" + c.site.id + "/col/col" + c.id + "/index.html"
	case siteEHangzhou:
		return "/ehangzhou/latest/index.html"
	case siteSTDaily:
		return "/stdaily/news/index.html"
	case sitePRNews:
		return "/prnews/index.html"
	case siteAggregator:
		return "/aggregator/index.html"
	case siteXSNet:
		return "/xsnet/news/index.html"
	}
	return "/" + c.site.id + "/"
}

// pager builds the links of a list pager.
func pager(pages, current int, url func(int) string) []pageLink {
	links := make([]pageLink, pages)
	for i := range links {
		links[i] = pageLink{Num: i + 1, URL: url(i + 1), Current: i+1 == current}
	}
	return links
}
