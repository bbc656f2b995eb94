package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// FetchedAfter returns the fetch time of the first version after seq in
// the log, and false when there is none: how long the oldest version
// that a follower at seq has not applied has been waiting (a version is
// stored moments after its fetch), for /healthz.
func (s *Store) FetchedAfter(ctx context.Context, seq int64) (time.Time, bool, error) {
	var fetched string
	err := s.db.QueryRowContext(ctx, `SELECT fetched FROM articles WHERE seq > ? ORDER BY seq LIMIT 1`, seq).Scan(&fetched)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: fetched after seq %d: %w", seq, err)
	}
	t, err := parseTime(fetched)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: fetched after seq %d: %w", seq, err)
	}
	return t, !t.IsZero(), nil
}

// LastMatchRow returns the newest row of the alerts' outbox, 0 when
// empty. Replicas that do not match alerts themselves watch it to wake
// their live streams (GET /api/subscriptions/{id}/events).
func (s *Store) LastMatchRow(ctx context.Context) (int64, error) {
	var row int64
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(row), 0) FROM matches`).Scan(&row); err != nil {
		return 0, fmt.Errorf("store: last match row: %w", err)
	}
	return row, nil
}
