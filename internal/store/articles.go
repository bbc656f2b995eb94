package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"riverside/internal/news"
)

// Outcome says what Put did with an article.
type Outcome int

// Outcomes of Put.
const (
	// New: a first version was committed.
	New Outcome = iota
	// Updated: the text at a known URL changed; a new version was committed.
	Updated
	// Unchanged: the URL's latest version has the same text; nothing written.
	Unchanged
	// Duplicate: the same text is already stored under another URL; the URL
	// was recorded as an alias of that article.
	Duplicate
)

func (o Outcome) String() string {
	switch o {
	case New:
		return "new"
	case Updated:
		return "updated"
	case Unchanged:
		return "unchanged"
	case Duplicate:
		return "duplicate"
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}

const timeLayout = time.RFC3339Nano

// Put commits an article unless it adds nothing. a.ID, a.URL, a.SourceID and
// a.Hash must be set. On New and Updated, a.Seq and a.Version are filled in;
// on Unchanged and Duplicate, a.ID is set to the article already stored.
func (s *Store) Put(ctx context.Context, a *news.Article) (Outcome, error) {
	if a.ID == "" || a.URL == "" || a.Hash == "" || a.SourceID == "" {
		return 0, fmt.Errorf("store: put %q: id, url, hash and source are required", a.URL)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: put %s: %w", a.URL, err)
	}
	defer tx.Rollback()
	// Taken before anything is read, so that two writers of one article
	// never both take its next version number either.
	if err := s.db.d.lockLog(ctx, tx, logLockKey); err != nil {
		return 0, fmt.Errorf("store: put %s: %w", a.URL, err)
	}

	var version int
	var hash string
	err = tx.QueryRowContext(ctx,
		`SELECT version, hash FROM articles WHERE id = ? ORDER BY version DESC LIMIT 1`, a.ID).
		Scan(&version, &hash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// A URL never stored: is it a repost of a text we already have, or
		// an alias recorded before?
		var other string
		err := tx.QueryRowContext(ctx, `SELECT id FROM aliases WHERE url = ?`, a.URL).Scan(&other)
		if err == nil {
			a.ID = other
			return Duplicate, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("store: put %s: %w", a.URL, err)
		}
		err = tx.QueryRowContext(ctx,
			`SELECT id FROM articles WHERE hash = ? ORDER BY seq LIMIT 1`, a.Hash).Scan(&other)
		if err == nil {
			if _, err := tx.ExecContext(ctx,
				`INSERT INTO aliases (url, id, source_id, seen) VALUES (?, ?, ?, ?)`,
				a.URL, other, a.SourceID, a.Fetched.UTC().Format(timeLayout)); err != nil {
				return 0, fmt.Errorf("store: put %s: %w", a.URL, err)
			}
			if err := tx.Commit(); err != nil {
				return 0, fmt.Errorf("store: put %s: %w", a.URL, err)
			}
			a.ID = other
			return Duplicate, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("store: put %s: %w", a.URL, err)
		}
	case err != nil:
		return 0, fmt.Errorf("store: put %s: %w", a.URL, err)
	case hash == a.Hash:
		return Unchanged, nil
	}

	outcome := New
	if version > 0 {
		outcome = Updated
	}
	a.Version = version + 1
	fields, err := json.Marshal(a.Fields)
	if err != nil {
		return 0, fmt.Errorf("store: put %s: %w", a.URL, err)
	}
	var seq int64
	err = tx.QueryRowContext(ctx, `INSERT INTO articles
		(id, version, url, source_id, districts, title, published, author, publisher, lang, text,
		 fetched, hash, fields, capture_file, capture_offset)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
		a.ID, a.Version, a.URL, a.SourceID, strings.Join(a.Districts, ","), a.Title,
		formatTime(a.Published), a.Author, a.Publisher, a.Lang, a.Text,
		a.Fetched.UTC().Format(timeLayout), a.Hash, string(fields), a.Capture.File, a.Capture.Offset).Scan(&seq)
	if err != nil {
		return 0, fmt.Errorf("store: put %s: %w", a.URL, err)
	}
	if s.appended != nil {
		s.appended("articles")
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("store: put %s: %w", a.URL, err)
	}
	a.Seq = seq
	return outcome, nil
}

// Known reports whether url is stored, as an article or as an alias.
func (s *Store) Known(ctx context.Context, id, url string) (bool, error) {
	var one int
	err := s.db.QueryRowContext(ctx,
		`SELECT 1 FROM articles WHERE id = ? UNION ALL SELECT 1 FROM aliases WHERE url = ? LIMIT 1`,
		id, url).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: known %s: %w", url, err)
	}
	return true, nil
}

const articleColumns = `seq, id, version, url, source_id, districts, title, published, author,
	publisher, lang, text, fetched, hash, fields, capture_file, capture_offset`

// Since returns up to limit article versions with a sequence number above
// afterSeq, in sequence order. It is how searchd follows the log.
func (s *Store) Since(ctx context.Context, afterSeq int64, limit int) ([]news.Article, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT `+articleColumns+` FROM articles WHERE seq > ? ORDER BY seq LIMIT ?`, afterSeq, limit)
	if err != nil {
		return nil, fmt.Errorf("store: since %d: %w", afterSeq, err)
	}
	defer rows.Close()
	var out []news.Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, fmt.Errorf("store: since %d: %w", afterSeq, err)
		}
		out = append(out, *a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: since %d: %w", afterSeq, err)
	}
	if err := s.markNearDuplicates(ctx, out); err != nil {
		return nil, fmt.Errorf("store: since %d: %w", afterSeq, err)
	}
	return out, nil
}

// Article returns the latest version of the article with the given ID.
func (s *Store) Article(ctx context.Context, id string) (*news.Article, error) {
	row := s.db.QueryRowContext(ctx,
		`SELECT `+articleColumns+` FROM articles WHERE id = ? ORDER BY version DESC LIMIT 1`, id)
	a, err := scanArticle(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: article %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: article %s: %w", id, err)
	}
	return a, nil
}

// Duplicates returns the other URLs at which the article's text was found:
// exact copies and edited ones (see copies).
func (s *Store) Duplicates(ctx context.Context, id string) ([]string, error) {
	urls, err := s.copies(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("store: duplicates %s: %w", id, err)
	}
	return urls, nil
}

// Stats counts what the store holds.
type Stats struct {
	Articles int   // distinct articles
	Versions int   // committed versions
	Aliases  int   // duplicate URLs
	MaxSeq   int64 // newest sequence number
}

// Stats returns counts over the whole store.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	err := s.db.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(DISTINCT id) FROM articles),
		(SELECT COUNT(*) FROM articles),
		(SELECT COUNT(*) FROM aliases),
		(SELECT COALESCE(MAX(seq), 0) FROM articles)`).
		Scan(&st.Articles, &st.Versions, &st.Aliases, &st.MaxSeq)
	if err != nil {
		return st, fmt.Errorf("store: stats: %w", err)
	}
	return st, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanArticle(r scanner) (*news.Article, error) {
	var a news.Article
	var districts, published, fetched, fields string
	err := r.Scan(&a.Seq, &a.ID, &a.Version, &a.URL, &a.SourceID, &districts, &a.Title, &published,
		&a.Author, &a.Publisher, &a.Lang, &a.Text, &fetched, &a.Hash, &fields,
		&a.Capture.File, &a.Capture.Offset)
	if err != nil {
		return nil, err
	}
	if districts != "" {
		a.Districts = strings.Split(districts, ",")
	}
	if a.Published, err = parseTime(published); err != nil {
		return nil, fmt.Errorf("article %s: published: %w", a.ID, err)
	}
	if a.Fetched, err = parseTime(fetched); err != nil {
		return nil, fmt.Errorf("article %s: fetched: %w", a.ID, err)
	}
	if fields != "" && fields != "null" && fields != "{}" {
		if err := json.Unmarshal([]byte(fields), &a.Fields); err != nil {
			return nil, fmt.Errorf("article %s: fields: %w", a.ID, err)
		}
	}
	return &a, nil
}

// formatTime keeps the page's own zone so that it reads back as published.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	// RFC 3339 offsets are whole minutes. Shanghai's local mean time
	// (+08:05:43, before 1901) is not: written with its offset, the time
	// would come back 43 s off. Such a time is kept in UTC.
	if _, off := t.Zone(); off%60 != 0 {
		t = t.UTC()
	}
	return t.Format(timeLayout)
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, err
	}
	// Zones other than UTC read back as fixed offsets; show them as CST.
	if _, off := t.Zone(); off == 8*3600 {
		t = t.In(news.Shanghai)
	}
	return t, nil
}
