package store

import (
	"context"
	"fmt"
)

// LastSeq returns the newest sequence number in the store (0 when empty):
// how far the log goes, for the index lag on /metrics. Unlike Stats it
// reads one index entry, so it is cheap at every scrape.
func (s *Store) LastSeq(ctx context.Context) (int64, error) {
	var seq int64
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM articles`).Scan(&seq); err != nil {
		return 0, fmt.Errorf("store: last seq: %w", err)
	}
	return seq, nil
}
