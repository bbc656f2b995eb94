package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ListPage is the last full answer of a list page (an html-list page, a
// feed, a sitemap, a datastore column) with the validators the server
// gave it. The crawler revisits a list with a conditional GET and, when
// the server answers 304, reads the links from Body again.
type ListPage struct {
	URL      string // as asked for
	SourceID string
	FinalURL string // after redirects: the base of relative links
	// ContentType is the response's Content-Type (its charset decodes Body).
	ContentType  string
	ETag         string
	LastModified string
	Body         []byte
	Fetched      time.Time
}

// ListPage returns the stored answer of the list page at url; ok is false
// when there is none.
func (s *Store) ListPage(ctx context.Context, url string) (p ListPage, ok bool, err error) {
	var fetched string
	err = s.db.QueryRowContext(ctx, `SELECT url, source_id, final_url, content_type, etag, last_modified, body, fetched
		FROM list_pages WHERE url = ?`, url).
		Scan(&p.URL, &p.SourceID, &p.FinalURL, &p.ContentType, &p.ETag, &p.LastModified, &p.Body, &fetched)
	if errors.Is(err, sql.ErrNoRows) {
		return ListPage{}, false, nil
	}
	if err != nil {
		return ListPage{}, false, fmt.Errorf("store: list page %s: %w", url, err)
	}
	if p.Fetched, err = parseTime(fetched); err != nil {
		return ListPage{}, false, fmt.Errorf("store: list page %s: %w", url, err)
	}
	return p, true, nil
}

// PutListPage keeps the full answer of a list page, replacing the one
// before.
func (s *Store) PutListPage(ctx context.Context, p ListPage) error {
	if p.Body == nil {
		p.Body = []byte{}
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO list_pages
		(url, source_id, final_url, content_type, etag, last_modified, body, fetched) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (url) DO UPDATE SET source_id = excluded.source_id, final_url = excluded.final_url,
			content_type = excluded.content_type, etag = excluded.etag, last_modified = excluded.last_modified,
			body = excluded.body, fetched = excluded.fetched`,
		p.URL, p.SourceID, p.FinalURL, p.ContentType, p.ETag, p.LastModified, p.Body, p.Fetched.UTC().Format(timeLayout))
	if err != nil {
		return fmt.Errorf("store: put list page %s: %w", p.URL, err)
	}
	return nil
}
