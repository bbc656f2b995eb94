package index

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"

	"riverside/internal/news"
)

// idPage is how many IDs one request of IDs collects.
const idPage = 5000

// IDs returns the IDs of every article q matches (q's page, size and sort
// are ignored): the selection of an export of a search. A malformed q.Q
// is a *QueryError, returned before anything else happens. It pages
// through the hits in ID order (search_after), so each request stays
// small; the set itself holds one entry per hit.
func (x *Index) IDs(ctx context.Context, q news.Query) (map[string]struct{}, error) {
	return x.ids(ctx, q, idPage)
}

func (x *Index) ids(ctx context.Context, q news.Query, pageSize int) (_ map[string]struct{}, err error) {
	defer contain("search ids", &err)
	q.Sort, q.Page, q.Size = "", 1, 1
	req, err := x.request(q)
	if err != nil {
		return nil, err
	}
	idsOnly(req, pageSize)
	out := map[string]struct{}{}
	for {
		res, err := x.bleve.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("search ids %q: %w", q.Q, err)
		}
		for _, h := range res.Hits {
			out[h.ID] = struct{}{}
		}
		if len(res.Hits) < pageSize {
			return out, nil
		}
		req.SearchAfter = []string{res.Hits[len(res.Hits)-1].ID}
	}
}

// idsOnly strips a search request down to matching: no stored fields,
// highlights or facets, hits in ID order.
func idsOnly(req *bleve.SearchRequest, pageSize int) {
	req.Size, req.From = pageSize, 0
	req.Fields = nil
	req.Highlight = nil
	req.Facets = nil
	req.IncludeLocations = false
	req.SortByCustom(search.SortOrder{&search.SortDocID{}})
}

// Matcher matches articles against one query without the on-disk index,
// which another process (searchd) may hold: each batch is indexed in
// memory with the same mapping and searched with the same planner, so it
// finds what a search of the index finds. Cost grows with the batch, not
// the corpus.
type Matcher struct {
	q news.Query
}

// NewMatcher checks q (a malformed q.Q is a *QueryError) and returns a
// matcher for it.
func NewMatcher(q news.Query) (*Matcher, error) {
	if _, err := Parse(q.Q); err != nil {
		return nil, err
	}
	return &Matcher{q: q}, nil
}

// Match returns the IDs of the articles of batch that the query matches.
// Where the batch holds several versions of an article, the newest one
// counts, and edited copies of other articles are left out, as in the
// index.
func (m *Matcher) Match(ctx context.Context, batch []news.Article) ([]string, error) {
	if len(batch) == 0 {
		return nil, nil
	}
	x, _, err := batchIndex(batch)
	if err != nil {
		return nil, err
	}
	defer x.bleve.Close()
	ids, err := x.IDs(ctx, m.q)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(ids))
	for id := range ids {
		out = append(out, id)
	}
	return out, nil
}

// ErrLocked reports an index that another process holds open (searchd).
var ErrLocked = errors.New("index: held by another process (is searchd running?)")

// OpenExclusive opens the index like Open, but reports an index that
// another process holds as an error wrapping ErrLocked, for commands that
// must not run beside the daemon.
func OpenExclusive(path string) (*Index, error) {
	idx, err := Open(path)
	// Bleve reports bbolt's lock timeout ("timeout") without a type to
	// test; the lock wait is bounded by openTimeout.
	if err != nil && strings.HasSuffix(err.Error(), "timeout") {
		return nil, fmt.Errorf("open index %s: %w", path, ErrLocked)
	}
	return idx, err
}
