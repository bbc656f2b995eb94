package index

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
	"github.com/blevesearch/bleve/v2/search/query"

	"riverside/internal/news"
)

// Page sizes of a search.
const (
	DefaultSize = 20
	MaxSize     = 100
)

// facetSizes bounds the buckets returned per facet. Months are many
// (years of news), the others are few.
var facetSizes = map[string]int{
	fieldSource:   50,
	fieldDistrict: 20,
	fieldLang:     10,
	fieldMonth:    240,
}

// hitFields are the stored fields a Hit is made of.
var hitFields = []string{fieldURL, fieldTitle, fieldPublished, fieldSource, fieldDistrict, fieldLang}

// Search runs q. A malformed q.Q is a *QueryError.
func (x *Index) Search(ctx context.Context, q news.Query) (_ *news.Result, err error) {
	defer contain("search", &err)
	req, err := x.request(q)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	res, err := x.bleve.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.Q, err)
	}
	out := &news.Result{
		Total:  res.Total,
		TookMS: time.Since(start).Milliseconds(),
		Hits:   make([]news.Hit, 0, len(res.Hits)),
		Facets: facets(res.Facets),
	}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, hit(h))
	}
	return out, nil
}

// request translates a news.Query into a Bleve search request.
func (x *Index) request(q news.Query) (*bleve.SearchRequest, error) {
	tree, err := Parse(q.Q)
	if err != nil {
		return nil, err
	}
	userQuery, err := x.build(tree)
	if err != nil {
		return nil, err
	}
	if userQuery == nil {
		// Only stop words: nothing to look for.
		userQuery = query.NewMatchNoneQuery()
	}
	conj := []query.Query{userQuery}
	for field, v := range map[string]string{fieldSource: q.Source, fieldDistrict: q.District, fieldLang: q.Lang} {
		if v != "" {
			conj = append(conj, x.mustTerm(field, v))
		}
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		inclusive := true
		r := query.NewDateRangeInclusiveQuery(q.From, q.To, &inclusive, &inclusive)
		r.SetField(fieldPublished)
		conj = append(conj, r)
	}
	var bq query.Query = userQuery
	if len(conj) > 1 {
		bq = query.NewConjunctionQuery(conj)
	}

	size := q.Size
	if size <= 0 {
		size = DefaultSize
	}
	size = min(size, MaxSize)
	page := max(q.Page, 1)
	req := bleve.NewSearchRequestOptions(bq, size, (page-1)*size, false)
	req.Fields = hitFields
	req.Highlight = bleve.NewHighlightWithStyle(html.Name)
	req.Highlight.AddField(fieldText)
	req.Highlight.AddField(fieldTitle)
	req.IncludeLocations = true
	for name, n := range facetSizes {
		req.AddFacet(name, bleve.NewFacetRequest(name, n))
	}

	sortBy := q.Sort
	if sortBy == "" {
		sortBy = news.SortRelevance
		if _, all := tree.(allNode); all {
			sortBy = news.SortDateDesc
		}
	}
	byDate := func(desc bool) *search.SortField {
		return &search.SortField{Field: fieldPublished, Desc: desc, Type: search.SortFieldAsDate, Missing: search.SortFieldMissingLast}
	}
	// The document ID breaks ties, so that pages don't overlap.
	switch sortBy {
	case news.SortRelevance:
		req.SortByCustom(search.SortOrder{&search.SortScore{Desc: true}, byDate(true), &search.SortDocID{}})
	case news.SortDate:
		req.SortByCustom(search.SortOrder{byDate(false), &search.SortDocID{}})
	case news.SortDateDesc:
		req.SortByCustom(search.SortOrder{byDate(true), &search.SortDocID{}})
	default:
		return nil, fmt.Errorf("search: unknown sort %q (want %s, %s or %s)", q.Sort, news.SortRelevance, news.SortDate, news.SortDateDesc)
	}
	return req, nil
}

// mustTerm is a filter on a keyword field.
func (x *Index) mustTerm(field, v string) query.Query {
	q, _ := x.term(termNode{field: field, text: v})
	return q
}

// hit converts a Bleve hit.
func hit(h *search.DocumentMatch) news.Hit {
	out := news.Hit{
		ID:       h.ID,
		URL:      str(h.Fields[fieldURL]),
		Title:    str(h.Fields[fieldTitle]),
		Source:   str(h.Fields[fieldSource]),
		District: str(h.Fields[fieldDistrict]),
		Lang:     str(h.Fields[fieldLang]),
		Snippet:  snippet(h),
		Score:    h.Score,
	}
	if math.IsNaN(out.Score) || math.IsInf(out.Score, 0) {
		// JSON can't carry these; a filter-only query can score so.
		out.Score = 0
	}
	if s := str(h.Fields[fieldPublished]); s != "" {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			out.Published = t.In(news.Shanghai)
		}
	}
	return out
}

// snippet picks the highlighted fragment of the text, or of the title
// when only the title matched. The html highlighter escapes the stored
// text and wraps matches in <mark>; without a match in a field it gives
// the field's first 200 characters.
func snippet(h *search.DocumentMatch) string {
	text, title := h.Fragments[fieldText], h.Fragments[fieldTitle]
	if len(h.Locations[fieldText]) == 0 && len(h.Locations[fieldTitle]) > 0 && len(title) > 0 {
		return title[0]
	}
	if len(text) > 0 {
		return text[0]
	}
	if len(title) > 0 {
		return title[0]
	}
	return ""
}

// str reads a stored field: a string, or the first of several values.
func str(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []any:
		if len(v) > 0 {
			return str(v[0])
		}
	}
	return ""
}

// facets converts Bleve's term facets; every facet is present, possibly
// empty. Months come newest first, the rest by count.
func facets(fr search.FacetResults) map[string][]news.FacetValue {
	out := make(map[string][]news.FacetValue, len(facetSizes))
	for name := range facetSizes {
		values := []news.FacetValue{}
		if f := fr[name]; f != nil {
			for _, t := range f.Terms.Terms() {
				values = append(values, news.FacetValue{Value: t.Term, Count: t.Count})
			}
		}
		if name == fieldMonth {
			slices.SortFunc(values, func(a, b news.FacetValue) int { return cmp.Compare(b.Value, a.Value) })
		}
		out[name] = values
	}
	return out
}
