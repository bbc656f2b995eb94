package web

import (
	"bytes"
	"embed"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"riverside/internal/news"
)

//go:embed templates/*.html
var templates embed.FS

// parse parses a page's template with the parts every page shares. The
// templates are part of the binary, so a parse error is a bug that the
// tests catch.
func parse(name string) *template.Template {
	return template.Must(template.ParseFS(templates, "templates/"+name, "templates/base.html")).Lookup(name)
}

// pageView is what templates/page.html renders.
type pageView struct {
	Form   formView
	Status int
	Error  string
	Fault  *faultView // where q is malformed
	Shown  bool       // results are shown (no error)
	Total  uint64
	TookMS int64
	Hits   []hitView
	// Timeline charts the month facet; the other facets are lists.
	Timeline *timelineView
	Facets   []facetView
	Filters  []filterView
	Pages    []pageLink
	Prev     string
	Next     string
	// Subscribe links to a subscription form for this search.
	Subscribe string
	First     string
	// Expanded lists the other names of places searched too; Unexpand
	// searches again for the words as typed.
	Expanded []string
	Unexpand string
}

// formView holds the values of the search form.
type formView struct {
	Q, Source, District, Lang, From, To, Sort string
	// Focus puts the cursor in the search box.
	Focus     bool
	Districts []option
	Langs     []option
	Sorts     []option
}

type option struct {
	Value, Label string
	Selected     bool
}

// faultView splits a malformed query around the faulty character.
type faultView struct {
	Before, At, After string
}

type hitView struct {
	Title, URL, Date, Source, District, Lang, Details string
	// Also lists the other URLs the article was published at.
	Also []string
	// Snippet is escaped text with <mark>s, from the index.
	Snippet template.HTML
}

type facetView struct {
	Label  string
	Values []facetLink
}

type facetLink struct {
	// Value is what the link filters by; Label what it shows (a
	// source's name).
	Value  string
	Label  string
	Count  int
	URL    string
	Active bool
}

type filterView struct {
	Label, Remove string
}

type pageLink struct {
	N       int
	URL     string
	Current bool
}

var facetLabels = map[string]string{"source": "Source", "district": "District", "lang": "Language"}

// searchPage renders GET /?q=… : the search form and, for a valid query,
// its results.
func (s *server) searchPage(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	q, err := parseQuery(v)
	if err != nil {
		return err
	}
	res, err := s.Searcher.Search(r.Context(), q)
	if err != nil {
		return err
	}
	names := s.sourceNames(r.Context())
	view := pageView{Form: form(v), Status: http.StatusOK, Shown: true, Total: res.Total, TookMS: res.TookMS}
	view.Form.Focus = true
	copies := s.copies(r.Context(), hitIDs(res.Hits))
	for _, h := range res.Hits {
		view.Hits = append(view.Hits, hitView{
			Also:     copies[h.ID],
			Title:    h.Title,
			URL:      h.URL,
			Date:     displayDate(h.Published),
			Source:   sourceLabel(names, h.Source),
			District: h.District,
			Lang:     h.Lang,
			Details:  articlePath(h.ID),
			Snippet:  safeSnippet(h.Snippet),
		})
	}
	view.Timeline = timeline(v, res.Facets["month"], res.Total)
	view.Facets = facetViews(v, res.Facets, names)
	view.Filters = filterViews(v, names)
	if len(res.Expanded) > 0 {
		view.Expanded, view.Unexpand = res.Expanded, link(v, "expand", "false")
	}
	view.Pages, view.Prev, view.Next = pagination(v, q.Page, q.Size, res.Total)
	if s.Alerts != nil {
		view.Subscribe = subscribeLink(v)
	}
	// Next follows the index's cursor, which stays right while new
	// articles are indexed; page numbers are for jumping. Past the pages
	// reached by cursor only the way back to the first is known.
	if q.After != "" {
		view.Pages, view.Prev, view.First = nil, "", link(v)
	}
	switch {
	case res.Next != "":
		view.Next = link(v, "after", res.Next)
	case q.After != "":
		view.Next = ""
	}
	return s.render(w, view)
}

// renderError shows a problem on the search page, keeping what the user
// typed in the form.
func (s *server) renderError(w http.ResponseWriter, r *http.Request, p problem) {
	v := r.URL.Query()
	view := pageView{Form: form(v), Status: p.status, Error: p.Error}
	view.Form.Focus = true // to mend the query
	if p.Pos != nil {
		view.Error = strings.TrimPrefix(p.Error, "query: ")
		runes := []rune(v.Get("q"))
		pos := min(*p.Pos, len(runes))
		f := &faultView{Before: string(runes[:pos])}
		if pos < len(runes) {
			f.At, f.After = string(runes[pos]), string(runes[pos+1:])
		}
		view.Fault = f
	}
	if err := s.render(w, view); err != nil {
		http.Error(w, p.Error, p.status)
	}
}

// render executes the search page.
func (s *server) render(w http.ResponseWriter, view pageView) error {
	return writeHTML(w, s.searchHTML, view.Status, view)
}

// writeHTML executes t into a buffer first, so that a template error can
// still become a clean error response.
func writeHTML(w http.ResponseWriter, t *template.Template, status int, data any) error {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return fmt.Errorf("render %s: %w", t.Name(), err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
	return nil
}

func form(v url.Values) formView {
	f := formView{
		Q: v.Get("q"), Source: v.Get("source"), District: v.Get("district"), Lang: v.Get("lang"),
		From: v.Get("from"), To: v.Get("to"), Sort: v.Get("sort"),
	}
	f.Districts = options(f.District, "", "All districts", news.Binjiang, "Binjiang 滨江", news.Xiaoshan, "Xiaoshan 萧山")
	f.Langs = options(f.Lang, "", "All languages", "zh", "中文", "en", "English")
	f.Sorts = options(f.Sort, "", "Best first", news.SortDateDesc, "Newest first", news.SortDate, "Oldest first")
	return f
}

// options makes select options from value, label pairs.
func options(selected string, pairs ...string) []option {
	var out []option
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, option{Value: pairs[i], Label: pairs[i+1], Selected: pairs[i] == selected})
	}
	return out
}

// link is the current search with some parameters changed ("" removes
// one) and back on the first page unless page is among them.
func link(v url.Values, set ...string) string {
	u := url.Values{}
	for _, k := range []string{"q", "source", "district", "lang", "from", "to", "sort", "size", "expand"} {
		if s := v.Get(k); s != "" {
			u.Set(k, s)
		}
	}
	for i := 0; i+1 < len(set); i += 2 {
		if set[i+1] == "" {
			u.Del(set[i])
		} else {
			u.Set(set[i], set[i+1])
		}
	}
	if len(u) == 0 {
		return "/"
	}
	return "/?" + u.Encode()
}

func facetViews(v url.Values, facets map[string][]news.FacetValue, names map[string]string) []facetView {
	var out []facetView
	for _, name := range facetNames {
		if name == "month" {
			continue // drawn as the timeline
		}
		fv := facetView{Label: facetLabels[name]}
		for _, f := range facets[name] {
			label := f.Value
			if name == "source" {
				label = sourceLabel(names, f.Value)
			}
			fv.Values = append(fv.Values, facetLink{
				Value: f.Value, Label: label, Count: f.Count, URL: link(v, name, f.Value), Active: v.Get(name) == f.Value,
			})
		}
		if len(fv.Values) > 0 {
			out = append(out, fv)
		}
	}
	return out
}

// monthRange gives the first and last day of a "2025-03" month.
func monthRange(m string) (from, to string, ok bool) {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return "", "", false
	}
	return t.Format(time.DateOnly), t.AddDate(0, 1, -1).Format(time.DateOnly), true
}

// filterViews lists the filters in force, each with a link that drops it.
func filterViews(v url.Values, names map[string]string) []filterView {
	var out []filterView
	for _, k := range []string{"source", "district", "lang", "from", "to"} {
		if s := v.Get(k); s != "" {
			if k == "source" {
				s = sourceLabel(names, s)
			}
			out = append(out, filterView{Label: k + ": " + s, Remove: link(v, k, "")})
		}
	}
	return out
}

// pagination links up to ten pages around the current one.
func pagination(v url.Values, page, size int, total uint64) (pages []pageLink, prev, next string) {
	last := int(min((total+uint64(size)-1)/uint64(size), maxPage))
	if last <= 1 {
		return nil, "", ""
	}
	first := max(1, page-4)
	end := min(last, first+9)
	for n := first; n <= end; n++ {
		pages = append(pages, pageLink{N: n, URL: link(v, "page", strconv.Itoa(n)), Current: n == page})
	}
	if page > 1 {
		prev = link(v, "page", strconv.Itoa(page-1))
	}
	if page < last {
		next = link(v, "page", strconv.Itoa(page+1))
	}
	return pages, prev, next
}

func displayDate(t time.Time) string {
	if t.IsZero() {
		return "undated"
	}
	return t.In(news.Shanghai).Format("2006-01-02 15:04")
}

// safeSnippet lets through a snippet's <mark> tags, balanced, and
// nothing else. The index escapes the text already; unescaping and
// escaping again the text between the tags changes nothing for such text
// and neutralises any markup that is not.
func safeSnippet(s string) template.HTML {
	var b strings.Builder
	open := false
	for s != "" {
		i := strings.Index(s, "<")
		if i < 0 {
			i = len(s)
		}
		b.WriteString(html.EscapeString(html.UnescapeString(s[:i])))
		s = s[i:]
		switch {
		case s == "":
		case strings.HasPrefix(s, "<mark>") && !open:
			b.WriteString("<mark>")
			s, open = s[len("<mark>"):], true
		case strings.HasPrefix(s, "</mark>") && open:
			b.WriteString("</mark>")
			s, open = s[len("</mark>"):], false
		default:
			b.WriteString("&lt;")
			s = s[1:]
		}
	}
	if open {
		b.WriteString("</mark>")
	}
	return template.HTML(b.String())
}
