package index

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"

	"riverside/internal/news"
)

// request is q as a plain Bleve request, planned exactly as Search plans
// it (Parse, build with place names, the source/district/lang and date
// filters), with highlighted title and text. The matchers use it — saved
// searches against an index of one batch in memory, the IDs of an
// export — where Search's own collector over the on-disk segments does
// not apply or every hit is wanted.
func (x *Index) request(q news.Query) (*bleve.SearchRequest, error) {
	p, err := x.plan(q)
	if err != nil {
		return nil, err
	}
	req := bleve.NewSearchRequestOptions(p.query, p.size, p.skip, false)
	req.Highlight = bleve.NewHighlightWithStyle(html.Name)
	req.Highlight.AddField(fieldText)
	req.Highlight.AddField(fieldTitle)
	req.IncludeLocations = true
	return req, nil
}

// matchKey is what makes two saved searches the same search for a
// matcher: everything but paging, sorting and facets.
type matchKey struct {
	q, source, district, lang string
	from, to                  int64
	noExpand                  bool
}

func keyOf(q news.Query) matchKey {
	k := matchKey{q: q.Q, source: q.Source, district: q.District, lang: q.Lang, noExpand: q.NoExpand}
	if !q.From.IsZero() {
		k.from = q.From.UnixNano()
	}
	if !q.To.IsZero() {
		k.to = q.To.UnixNano()
	}
	return k
}
