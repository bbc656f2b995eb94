package store

import (
	"context"
	"fmt"
	"strings"
)

// Check runs SQLite's integrity check over the whole database and returns
// an error listing what it found, nil when the database is sound. It reads
// every page: seconds for a large store. On PostgreSQL, whose pages are
// checksummed and checked by the server itself (and by its own tools,
// pg_amcheck), it only asks whether the log's tables answer.
func (s *Store) Check(ctx context.Context) error {
	if s.db.d.postgres {
		var n int64
		if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + (SELECT COUNT(*) FROM riverside_schema) FROM articles`).Scan(&n); err != nil {
			return fmt.Errorf("store: check: %w", err)
		}
		return nil
	}
	rows, err := s.db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("store: integrity check: %w", err)
	}
	defer rows.Close()
	var faults []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("store: integrity check: %w", err)
		}
		if line != "ok" {
			faults = append(faults, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: integrity check: %w", err)
	}
	if len(faults) > 0 {
		return fmt.Errorf("store: integrity check: %s", strings.Join(faults, "; "))
	}
	return nil
}
