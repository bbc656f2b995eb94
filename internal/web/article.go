package web

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// articleView is what templates/article.html renders.
type articleView struct {
	Form formView
	// Back returns to the search the reader came from, else to the start.
	Back, JSON                         string
	Title, URL, Date, Fetched          string
	Source, SourceURL                  string
	Publisher, Author, Lang, LangLabel string
	Version                            int
	Districts                          []filterLink
	Paragraphs                         []string
	Fields                             []fieldView
	Duplicates                         []string
	// Capture and CaptureWARC link to the archived page and its WARC
	// records, when the article has a capture.
	Capture, CaptureWARC string
}

// filterLink is a value that links to the search narrowed to it.
type filterLink struct {
	Label, URL string
}

type fieldView struct {
	Name, Value string
}

var langLabels = map[string]string{"zh": "中文", "en": "English"}

// articlePath is where the page of an article is.
func articlePath(id string) string {
	return "/articles/" + url.PathEscape(id)
}

// articlePage renders GET /articles/{id}: the whole article as the store
// holds it. An unknown id is the 404 page.
func (s *server) articlePage(w http.ResponseWriter, r *http.Request) error {
	a, dups, err := s.loadArticle(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	view := articleView{
		Form: form(url.Values{}), Back: backLink(r), JSON: "/api/articles/" + url.PathEscape(a.ID),
		Title: a.Title, URL: a.URL, Date: displayDate(a.Published), Source: sourceLabel(s.sourceNames(r.Context()), a.SourceID),
		Publisher: a.Publisher, Author: a.Author, Lang: a.Lang, LangLabel: langLabels[a.Lang],
		Version: a.Version, Paragraphs: paragraphs(a.Text), Duplicates: dups,
	}
	if !a.Fetched.IsZero() {
		view.Fetched = displayDate(a.Fetched)
	}
	if s.Captures != nil && a.Capture.File != "" {
		view.Capture = capturePath(a.ID)
		view.CaptureWARC = capturePath(a.ID) + ".warc.gz"
	}
	if a.SourceID != "" {
		view.SourceURL = link(url.Values{}, "source", a.SourceID)
	}
	for _, d := range a.Districts {
		view.Districts = append(view.Districts, filterLink{Label: d, URL: link(url.Values{}, "district", d)})
	}
	for name, value := range a.Fields {
		view.Fields = append(view.Fields, fieldView{Name: name, Value: value})
	}
	slices.SortFunc(view.Fields, func(a, b fieldView) int { return cmp.Compare(a.Name, b.Name) })
	return writeHTML(w, s.articleHTML, http.StatusOK, view)
}

// backLink returns to the search page the reader came from (the Referer,
// when it is this site's search page), else to the empty search.
func backLink(r *http.Request) string {
	ref, err := url.Parse(r.Referer())
	if err != nil || ref.Host != r.Host || ref.Path != "/" || ref.RawQuery == "" {
		return "/"
	}
	return "/?" + ref.Query().Encode()
}

// paragraphs splits an article's text at its blank lines (the store's
// paragraph breaks; DESIGN.md), dropping empty ones. Single line breaks
// stay inside a paragraph for the page to keep.
func paragraphs(text string) []string {
	var out []string
	var para []string
	flush := func() {
		if p := strings.TrimSpace(strings.Join(para, "\n")); p != "" {
			out = append(out, p)
		}
		para = para[:0]
	}
	for line := range strings.Lines(strings.ReplaceAll(text, "\r\n", "\n")) {
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		para = append(para, strings.TrimRight(line, "\n"))
	}
	flush()
	return out
}
