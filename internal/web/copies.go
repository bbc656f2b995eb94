package web

import (
	"context"
	"log/slog"
)

// copyLister lists, for a page of hits, the other URLs at which each
// article was published (exact and edited copies). The store provides
// it; when Articles does not, hits list no copies.
type copyLister interface {
	DuplicatesOf(ctx context.Context, ids []string) (map[string][]string, error)
}

// copies returns the other URLs of the articles ids, nil when unknown. A
// failure is logged, not fatal: the hits are shown without their copies.
func (s *server) copies(ctx context.Context, ids []string) map[string][]string {
	l, ok := s.Articles.(copyLister)
	if !ok || len(ids) == 0 {
		return nil
	}
	m, err := l.DuplicatesOf(ctx, ids)
	if err != nil {
		s.Logger.LogAttrs(ctx, slog.LevelWarn, "copies of hits", slog.Any("err", err))
		return nil
	}
	return m
}
