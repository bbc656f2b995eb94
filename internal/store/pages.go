package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Page is the crawl state of one article URL: what the server said the
// last time it was asked.
type Page struct {
	URL      string
	SourceID string
	// ETag and LastModified are the validators of the last full answer,
	// sent back on the next visit as If-None-Match / If-Modified-Since.
	ETag         string
	LastModified string
	// Status is the HTTP status of the last visit; 0 when no answer came.
	Status  int
	Fetched time.Time
	// Hash is the hash of the text stored from the page ("" when none was:
	// filtered, not an article).
	Hash string
}

// Page returns the crawl state of url; ok is false when it was never
// fetched.
func (s *Store) Page(ctx context.Context, url string) (p Page, ok bool, err error) {
	var fetched string
	err = s.db.QueryRowContext(ctx, `SELECT url, source_id, etag, last_modified, last_status, last_fetched, hash
		FROM pages WHERE url = ?`, url).
		Scan(&p.URL, &p.SourceID, &p.ETag, &p.LastModified, &p.Status, &fetched, &p.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return Page{}, false, nil
	}
	if err != nil {
		return Page{}, false, fmt.Errorf("store: page %s: %w", url, err)
	}
	if p.Fetched, err = parseTime(fetched); err != nil {
		return Page{}, false, fmt.Errorf("store: page %s: %w", url, err)
	}
	return p, true, nil
}

// PutPage records a visit of a page, replacing the previous state.
func (s *Store) PutPage(ctx context.Context, p Page) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO pages
		(url, source_id, etag, last_modified, last_status, last_fetched, hash) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (url) DO UPDATE SET source_id = excluded.source_id, etag = excluded.etag,
			last_modified = excluded.last_modified, last_status = excluded.last_status,
			last_fetched = excluded.last_fetched, hash = excluded.hash`,
		p.URL, p.SourceID, p.ETag, p.LastModified, p.Status, p.Fetched.UTC().Format(timeLayout), p.Hash)
	if err != nil {
		return fmt.Errorf("store: put page %s: %w", p.URL, err)
	}
	return nil
}
