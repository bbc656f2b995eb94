package store

import (
	"context"
	"fmt"
)

// SourceNames maps the ID of every source the crawler has recorded to its
// name in sources.yaml, for pages that show names rather than IDs.
func (s *Store) SourceNames(ctx context.Context) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, name FROM sources WHERE name != ''`)
	if err != nil {
		return nil, fmt.Errorf("store: source names: %w", err)
	}
	defer rows.Close()
	names := map[string]string{}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("store: source names: %w", err)
		}
		names[id] = name
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: source names: %w", err)
	}
	return names, nil
}
