package export

import (
	"context"
	"runtime"
	"sync"

	"riverside/internal/news"
)

// LatestSource yields the newest version of each selected article (the
// store), what a search index holds.
type LatestSource interface {
	Latest(ctx context.Context, sel news.Selection, fn func(a *news.Article, duplicates []string) error) error
}

// BatchMatcher tells which articles of a batch a query matches (an
// in-memory index with the search's planner). It must be safe for
// concurrent use.
type BatchMatcher interface {
	Match(ctx context.Context, batch []news.Article) ([]string, error)
}

// matchBatch is how many articles are matched at a time. Indexing holds
// every token of a batch with its positions (some 200 KB an article of
// 1,200 Chinese characters): 100 keeps a batch near 25 MB, and costs no
// more time than larger batches.
const matchBatch = 100

// MatchIDs runs a query over the store instead of the index, for an
// export of a search while another process holds the index: the newest
// version of every article sel selects is matched, a batch at a time on
// every core, and the IDs found are returned. progress, when set, is told
// how many articles have been matched so far.
func MatchIDs(ctx context.Context, src LatestSource, sel news.Selection, m BatchMatcher, progress func(matched int)) (map[string]struct{}, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu    sync.Mutex
		ids   = map[string]struct{}{}
		done  int
		first error
	)
	batches := make(chan []news.Article)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				found, err := m.Match(ctx, b)
				mu.Lock()
				if err != nil && first == nil {
					first = err
					cancel()
				}
				for _, id := range found {
					ids[id] = struct{}{}
				}
				done += len(b)
				if progress != nil && err == nil {
					progress(done)
				}
				mu.Unlock()
			}
		}()
	}
	batch := make([]news.Article, 0, matchBatch)
	err := src.Latest(ctx, sel, func(a *news.Article, _ []string) error {
		batch = append(batch, *a)
		if len(batch) < matchBatch {
			return nil
		}
		select {
		case batches <- batch:
		case <-ctx.Done():
			return ctx.Err()
		}
		batch = make([]news.Article, 0, matchBatch)
		return nil
	})
	if err == nil && len(batch) > 0 {
		select {
		case batches <- batch:
		case <-ctx.Done():
			err = ctx.Err()
		}
	}
	close(batches)
	wg.Wait()
	if first != nil {
		return nil, first
	}
	if err != nil {
		return nil, err
	}
	return ids, nil
}
