package news

import "time"

// Sort orders of a search.
const (
	SortRelevance = "relevance"
	SortDate      = "date"  // oldest first
	SortDateDesc  = "-date" // newest first
)

// Query is a search request as analysts phrase it (GET /api/search).
type Query struct {
	// Q is in the query language of DESIGN.md; empty matches everything.
	Q        string
	Source   string
	District string
	Lang     string
	// From and To bound the published time; zero means open.
	From, To time.Time
	Sort     string
	// Page counts from 1; Size is hits per page.
	Page, Size int
	// NoExpand searches place names only as typed, not also under their
	// other names (see Result.Expanded).
	NoExpand bool
	// After is the Next cursor of the previous page: the page after it.
	// It takes the place of Page.
	After string
	// Facets names the facets to count (source, district, lang, month);
	// nil counts all of them, an empty slice none.
	Facets []string
}

// Hit is one search result.
type Hit struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	Title     string    `json:"title"`
	Published time.Time `json:"published"`
	Source    string    `json:"source"`
	District  string    `json:"district"`
	Lang      string    `json:"lang"`
	// Snippet is HTML-escaped text with the matches in <mark>.
	Snippet string  `json:"snippet"`
	Score   float64 `json:"score"`
}

// FacetValue is one bucket of a facet.
type FacetValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Result answers a Query.
type Result struct {
	Total  uint64                  `json:"total"`
	TookMS int64                   `json:"took_ms"`
	Hits   []Hit                   `json:"hits"`
	Facets map[string][]FacetValue `json:"facets"`
	// Expanded lists the other names of places that were searched too
	// ("Binjiang" also searches 滨江).
	Expanded []string `json:"expanded,omitempty"`
	// Next is a cursor for the page after this one (Query.After), ""
	// on the last page.
	Next string `json:"next,omitempty"`
}
