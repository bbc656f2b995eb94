package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"riverside/internal/news"
)

// Pass is what one crawl pass over a source did.
type Pass struct {
	SourceID string
	Name     string
	District string
	Finished time.Time
	// OK is false when the pass could crawl nothing it should have.
	OK    bool
	Error string
	// Stats are the pass's counters, kept as given.
	Stats map[string]int
}

// RecordPass notes a finished pass: the time of the crawl, of the last
// success and the run of failures.
func (s *Store) RecordPass(ctx context.Context, p Pass) error {
	stats, err := json.Marshal(p.Stats)
	if err != nil {
		return fmt.Errorf("store: record pass %s: %w", p.SourceID, err)
	}
	fin := p.Finished.UTC().Format(timeLayout)
	success, fail := "", 1
	if p.OK {
		success, fail = fin, 0
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO sources
		(id, name, district, last_crawl, last_success, consecutive_failures, last_error, last_stats)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET
			name = excluded.name, district = excluded.district, last_crawl = excluded.last_crawl,
			last_success = CASE WHEN ? = 1 THEN excluded.last_success ELSE sources.last_success END,
			consecutive_failures = CASE WHEN ? = 1 THEN 0 ELSE sources.consecutive_failures + 1 END,
			last_error = excluded.last_error, last_stats = excluded.last_stats`,
		p.SourceID, p.Name, p.District, fin, success, fail, p.Error, string(stats), p.OK, p.OK)
	if err != nil {
		return fmt.Errorf("store: record pass %s: %w", p.SourceID, err)
	}
	return nil
}

// Sources returns the health of every source the crawler has passed over
// (and of any source that only has articles), ordered by id.
func (s *Store) Sources(ctx context.Context, now time.Time) ([]news.SourceHealth, error) {
	cutoff := now.Add(-7 * 24 * time.Hour).UTC().Format(timeLayout)
	rows, err := s.db.QueryContext(ctx, `
		WITH counts AS (
			SELECT source_id,
				COUNT(DISTINCT id) AS total,
				COUNT(DISTINCT CASE WHEN version = 1 AND fetched >= ? THEN id END) AS recent
			FROM articles GROUP BY source_id),
		ids AS (SELECT id FROM sources UNION SELECT source_id FROM counts)
		SELECT ids.id, COALESCE(s.name, ''), COALESCE(s.district, ''), COALESCE(s.last_crawl, ''),
			COALESCE(s.last_success, ''), COALESCE(s.consecutive_failures, 0), COALESCE(s.last_error, ''),
			COALESCE(s.last_stats, '{}'), COALESCE(c.total, 0), COALESCE(c.recent, 0)
		FROM ids LEFT JOIN sources s ON s.id = ids.id LEFT JOIN counts c ON c.source_id = ids.id
		ORDER BY ids.id`, cutoff)
	if err != nil {
		return nil, fmt.Errorf("store: sources: %w", err)
	}
	defer rows.Close()
	out := []news.SourceHealth{}
	for rows.Next() {
		var h news.SourceHealth
		var last, success, stats string
		if err := rows.Scan(&h.ID, &h.Name, &h.District, &last, &success, &h.ConsecutiveFailures,
			&h.LastError, &stats, &h.ArticlesTotal, &h.Articles7d); err != nil {
			return nil, fmt.Errorf("store: sources: %w", err)
		}
		if t, err := parseTime(last); err == nil && !t.IsZero() {
			h.LastCrawl = &t
		}
		if t, err := parseTime(success); err == nil && !t.IsZero() {
			h.LastSuccess = &t
		}
		if err := json.Unmarshal([]byte(stats), &h.LastPass); err != nil {
			h.LastPass = nil
		}
		out = append(out, h)
	}
	return out, rows.Err()
}
