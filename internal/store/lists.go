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
	// Seen is when a pass last asked for the page (SeeListPage), to the
	// second; zero for a page kept before the store recorded it.
	Seen time.Time
}

// ListPage returns the stored answer of the list page at url; ok is false
// when there is none.
func (s *Store) ListPage(ctx context.Context, url string) (p ListPage, ok bool, err error) {
	var fetched string
	var seen int64
	err = s.db.QueryRowContext(ctx, `SELECT url, source_id, final_url, content_type, etag, last_modified, body, fetched, seen
		FROM list_pages WHERE url = ?`, url).
		Scan(&p.URL, &p.SourceID, &p.FinalURL, &p.ContentType, &p.ETag, &p.LastModified, &p.Body, &fetched, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return ListPage{}, false, nil
	}
	if err != nil {
		return ListPage{}, false, fmt.Errorf("store: list page %s: %w", url, err)
	}
	if p.Fetched, err = parseTime(fetched); err != nil {
		return ListPage{}, false, fmt.Errorf("store: list page %s: %w", url, err)
	}
	if seen > 0 {
		p.Seen = time.Unix(seen, 0).UTC()
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
		(url, source_id, final_url, content_type, etag, last_modified, body, fetched, seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (url) DO UPDATE SET source_id = excluded.source_id, final_url = excluded.final_url,
			content_type = excluded.content_type, etag = excluded.etag, last_modified = excluded.last_modified,
			body = excluded.body, fetched = excluded.fetched, seen = excluded.seen`,
		p.URL, p.SourceID, p.FinalURL, p.ContentType, p.ETag, p.LastModified, p.Body, p.Fetched.UTC().Format(timeLayout), p.Fetched.Unix())
	if err != nil {
		return fmt.Errorf("store: put list page %s: %w", p.URL, err)
	}
	return nil
}

// SeenEvery is how often a list page's Seen is worth writing: pruning
// counts in weeks, and an update rewrites the whole row, the kept body
// included (SQLite writes a row's overflow pages anew), which every pass
// asking for every list would otherwise cost. A caller that has just read
// the page (its Seen) need not call SeeListPage before then.
const SeenEvery = 24 * time.Hour

// SeeListPage records that a pass asked for the list page at url at t,
// whether the server then answered 304 or in full: the page is in use. It
// writes at most once every SeenEvery per page.
func (s *Store) SeeListPage(ctx context.Context, url string, t time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE list_pages SET seen = ? WHERE url = ? AND seen < ?`,
		t.Unix(), url, t.Add(-SeenEvery).Unix()); err != nil {
		return fmt.Errorf("store: list page %s: %w", url, err)
	}
	return nil
}

// PruneListPages removes the list pages of source that no pass has asked
// for since before, and returns how many. A list's deep pages, read once
// when a source is first crawled, are not asked for again once passes
// stop at known articles, and pages of a source gone from sources.yaml
// never are: without pruning they would stay forever. A pruned page that
// is asked for again is simply fetched in full.
func (s *Store) PruneListPages(ctx context.Context, source string, before time.Time) (int64, error) {
	// Pages kept before the seen column have seen = 0: their fetch time
	// counts (RFC 3339 in UTC compares as text to the second).
	res, err := s.db.ExecContext(ctx, `DELETE FROM list_pages WHERE source_id = ? AND seen < ? AND (seen > 0 OR fetched < ?)`,
		source, before.Unix(), before.UTC().Format(timeLayout))
	if err != nil {
		return 0, fmt.Errorf("store: prune list pages of %s: %w", source, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: prune list pages of %s: %w", source, err)
	}
	return n, nil
}
