package export

import (
	"context"

	"riverside/internal/news"
)

// LatestSource yields the newest version of each selected article (the
// store), what a search index holds.
type LatestSource interface {
	Latest(ctx context.Context, sel news.Selection, fn func(a *news.Article, duplicates []string) error) error
}

// BatchMatcher tells which articles of a batch a query matches (an
// in-memory index with the search's planner).
type BatchMatcher interface {
	Match(ctx context.Context, batch []news.Article) ([]string, error)
}

// matchBatch is how many articles are matched at a time.
const matchBatch = 1000

// MatchIDs runs a query over the store instead of the index, for an
// export of a search while another process holds the index: the newest
// version of every article sel selects is matched, a batch at a time,
// and the IDs found are returned. progress, when set, is told how many
// articles have been matched so far.
func MatchIDs(ctx context.Context, src LatestSource, sel news.Selection, m BatchMatcher, progress func(matched int)) (map[string]struct{}, error) {
	ids := map[string]struct{}{}
	batch := make([]news.Article, 0, matchBatch)
	done := 0
	flush := func() error {
		found, err := m.Match(ctx, batch)
		if err != nil {
			return err
		}
		done += len(batch)
		if progress != nil {
			progress(done)
		}
		for _, id := range found {
			ids[id] = struct{}{}
		}
		batch = batch[:0]
		return nil
	}
	err := src.Latest(ctx, sel, func(a *news.Article, _ []string) error {
		batch = append(batch, *a)
		if len(batch) == matchBatch {
			return flush()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return ids, nil
}
