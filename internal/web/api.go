package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"riverside/internal/news"
)

// facetNames are the facets every search response carries.
var facetNames = []string{"source", "district", "lang", "month"}

// searchResponse is the body of GET /api/search (DESIGN.md).
type searchResponse struct {
	Total  uint64                       `json:"total"`
	TookMS int64                        `json:"took_ms"`
	Hits   []hitJSON                    `json:"hits"`
	Facets map[string][]news.FacetValue `json:"facets"`
	// Expanded lists the other names of places searched too.
	Expanded []string `json:"expanded,omitempty"`
	// Next is the cursor of the next page (the after parameter).
	Next string `json:"next,omitempty"`
}

// hitJSON is a hit as the API shows it: an unknown publication time is
// "", as in the rest of Riverside's JSON, not year 1.
type hitJSON struct {
	ID        string  `json:"id"`
	URL       string  `json:"url"`
	Title     string  `json:"title"`
	Published string  `json:"published"`
	Source    string  `json:"source"`
	District  string  `json:"district"`
	Lang      string  `json:"lang"`
	Snippet   string  `json:"snippet"`
	Score     float64 `json:"score"`
	// Also lists the other URLs the article was published at.
	Also []string `json:"also,omitempty"`
}

func (s *server) search(w http.ResponseWriter, r *http.Request) error {
	q, err := parseQuery(r.URL.Query())
	if err != nil {
		return err
	}
	res, err := s.Searcher.Search(r.Context(), q)
	if err != nil {
		return err
	}
	out := searchResponse{
		Total:    res.Total,
		TookMS:   res.TookMS,
		Hits:     make([]hitJSON, 0, len(res.Hits)),
		Facets:   make(map[string][]news.FacetValue, len(facetNames)),
		Expanded: res.Expanded,
		Next:     res.Next,
	}
	copies := s.copies(r.Context(), hitIDs(res.Hits))
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, hitJSON{
			ID: h.ID, URL: h.URL, Title: h.Title, Published: formatTime(h.Published),
			Source: h.Source, District: h.District, Lang: h.Lang, Snippet: h.Snippet, Score: h.Score,
			Also: copies[h.ID],
		})
	}
	for _, name := range facetNames {
		if q.Facets != nil && !slices.Contains(q.Facets, name) {
			continue
		}
		values := res.Facets[name]
		if values == nil {
			values = []news.FacetValue{}
		}
		out.Facets[name] = values
	}
	return writeJSON(w, http.StatusOK, out)
}

// articleResponse is the body of GET /api/articles/{id}: every field of
// the article and the other URLs its text was found at.
type articleResponse struct {
	*news.Article
	Duplicates []string `json:"duplicates"`
}

func (s *server) article(w http.ResponseWriter, r *http.Request) error {
	a, dups, err := s.loadArticle(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if a.Districts == nil {
		a.Districts = []string{}
	}
	return writeJSON(w, http.StatusOK, articleResponse{Article: a, Duplicates: dups})
}

// loadArticle reads an article and the other URLs of its text ([] when
// none), for the JSON API and the article page alike.
func (s *server) loadArticle(ctx context.Context, id string) (*news.Article, []string, error) {
	a, err := s.Articles.Article(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	dups, err := s.Articles.Duplicates(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if dups == nil {
		dups = []string{}
	}
	return a, dups, nil
}

// sources lists the health of every source the crawler has recorded.
func (s *server) sources(w http.ResponseWriter, r *http.Request) error {
	list := []news.SourceHealth{}
	if s.Sources != nil {
		var err error
		if list, err = s.Sources.Sources(r.Context(), time.Now()); err != nil {
			return fmt.Errorf("sources: %w", err)
		}
	}
	return writeJSON(w, http.StatusOK, list)
}

// formatTime renders t in RFC 3339, "" when unknown.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

// hitIDs lists the IDs of hits.
func hitIDs(hits []news.Hit) []string {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	return ids
}
