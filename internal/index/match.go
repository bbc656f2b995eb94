package index

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"riverside/internal/gazetteer"
	"riverside/internal/news"
)

// BatchHit is an article of a batch that a query matched.
type BatchHit struct {
	ID string
	// Snippet is HTML-escaped text with the matches in <mark>, as in a
	// search hit.
	Snippet string
}

// MatchBatch runs every query against the batch of articles alone and
// returns, for queries[i], the hits in out[i] and any error (a query the
// planner refuses) in errs[i].
//
// The batch goes into an index in memory with the same mapping and
// analyzers as the index on disk, and each query is planned exactly as
// Search plans it (Parse, build, the source/district/lang and date
// filters), so a saved search alerts on what the same search would find.
// The cost grows with the batch and the number of queries, never with
// the corpus, which MatchBatch never reads. Of several versions of an
// article in the batch, the latest (highest Seq) is matched.
func MatchBatch(ctx context.Context, batch []news.Article, queries []news.Query) (out [][]BatchHit, errs []error, err error) {
	return MatchBatchWorkers(ctx, batch, queries, runtime.GOMAXPROCS(0))
}

// MatchBatchWorkers is MatchBatch with the queries run by the given
// number of goroutines: fewer than the cores leave the others to
// indexing when it is busy.
func MatchBatchWorkers(ctx context.Context, batch []news.Article, queries []news.Query, workers int) (out [][]BatchHit, errs []error, err error) {
	out = make([][]BatchHit, len(queries))
	errs = make([]error, len(queries))
	if len(batch) == 0 || len(queries) == 0 {
		return out, errs, nil
	}
	x, n, err := batchIndex(batch)
	if err != nil {
		return nil, nil, err
	}
	defer x.bleve.Close()

	// Monitors often save the same search: each distinct one runs once.
	first := make(map[matchKey]int, len(queries))
	var distinct []int
	for i, q := range queries {
		if _, ok := first[keyOf(q)]; !ok {
			first[keyOf(q)] = i
			distinct = append(distinct, i)
		}
	}
	// Searches of an index in memory use the CPU only.
	work := make(chan int)
	var wg sync.WaitGroup
	for range max(1, workers) {
		wg.Go(func() {
			for i := range work {
				out[i], errs[i] = x.matchOne(ctx, queries[i], n)
			}
		})
	}
	for _, i := range distinct {
		if ctx.Err() != nil {
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	for i, q := range queries {
		if j := first[keyOf(q)]; j != i {
			out[i], errs[i] = out[j], errs[j]
		}
	}
	return out, errs, nil
}

// matchOne runs q over the whole batch index (n documents).
func (x *Index) matchOne(ctx context.Context, q news.Query, n int) ([]BatchHit, error) {
	req, err := x.request(q)
	if err != nil {
		return nil, err
	}
	// Every match, no facets, no stored fields (the caller has the
	// articles), no ranking: the batch is all there is.
	req.From, req.Size = 0, n
	req.Facets = nil
	req.Fields = nil
	req.SortBy([]string{"_id"})
	res, err := x.bleve.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("match %q: %w", q.Q, err)
	}
	hits := make([]BatchHit, 0, len(res.Hits))
	for _, h := range res.Hits {
		hits = append(hits, BatchHit{ID: h.ID, Snippet: snippet(h)})
	}
	return hits, nil
}

// batchIndex is an index in memory of batch alone, as the index on disk
// would hold it: the newest version of each article, edited copies of
// other articles (near duplicates) left out. n counts its documents.
func batchIndex(batch []news.Article) (x *Index, n int, err error) {
	x, err = memIndex()
	if err != nil {
		return nil, 0, err
	}
	latest := make(map[string]*news.Article, len(batch))
	for i := range batch {
		a := &batch[i]
		if prev, ok := latest[a.ID]; !ok || prev.Seq < a.Seq {
			latest[a.ID] = a
		}
	}
	b := x.bleve.NewBatch()
	n = 0
	for id, a := range latest {
		if a.DuplicateOf != "" {
			// An article whose newest version is an edited copy of
			// another is out of the index (Apply), whatever its older
			// versions said; the original was matched, or not, when it
			// came.
			continue
		}
		n++
		if err := b.Index(id, document(a)); err != nil {
			x.bleve.Close()
			return nil, 0, fmt.Errorf("match: index article %s: %w", id, err)
		}
	}
	if err := x.bleve.Batch(b); err != nil {
		x.bleve.Close()
		return nil, 0, fmt.Errorf("match: index batch: %w", err)
	}
	return x, n, nil
}

// memIndex is an empty index in memory with the mapping of the index on
// disk. Scorch without a path keeps its segments in memory and persists
// nothing.
func memIndex() (*Index, error) {
	m, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("index mapping: %w", err)
	}
	b, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("match: index in memory: %w", err)
	}
	// The same place names as the index on disk: a saved search or an
	// exported search expands them as Search does.
	x := &Index{bleve: b, path: "(memory)", places: gazetteer.Default()}
	if err := x.init(true); err != nil {
		b.Close()
		return nil, err
	}
	return x, nil
}

// Check plans q as Search would, without running it: a malformed query
// is a *QueryError, as from Search. Saved searches are checked so when
// they are made.
func (x *Index) Check(q news.Query) error {
	_, err := x.request(q)
	return err
}
