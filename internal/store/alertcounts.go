package store

import (
	"context"
	"fmt"
)

// MatchCount returns how many alert matches the store holds (those of
// deleted subscriptions go with them), for /metrics.
func (s *Store) MatchCount(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM matches`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: match count: %w", err)
	}
	return n, nil
}
