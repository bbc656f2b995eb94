package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"riverside/internal/news"
)

// Fingerprint is the SimHash of a stored article's text, the key of its
// title (neardup.TitleKey), and the article it is an edited copy of (Of),
// if any.
type Fingerprint struct {
	ID    string
	FP    uint64
	Title string
	Of    string
}

// Fingerprints returns the fingerprints of the newest limit articles in
// lang, newest first: what a new article is compared with. Copies are
// republished within days, so the newest are where they are found.
func (s *Store) Fingerprints(ctx context.Context, lang string, limit int) ([]Fingerprint, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT f.id, f.fp, f.title, COALESCE(n.of_id, '')
		FROM fingerprints f LEFT JOIN near_dups n ON n.id = f.id
		WHERE f.lang = ? ORDER BY f.rowid DESC LIMIT ?`, lang, limit)
	if err != nil {
		return nil, fmt.Errorf("store: fingerprints: %w", err)
	}
	defer rows.Close()
	var out []Fingerprint
	for rows.Next() {
		var f Fingerprint
		var fp int64
		if err := rows.Scan(&f.ID, &fp, &f.Title, &f.Of); err != nil {
			return nil, fmt.Errorf("store: fingerprints: %w", err)
		}
		f.FP = uint64(fp)
		out = append(out, f)
	}
	return out, rows.Err()
}

// PutFingerprint records the fingerprint and title key of article id and, when of is
// not "", that the article is an edited copy of of at the given distance.
// Ingest calls it before it stores the article, so that searchd, which
// follows the log, never sees the copy without knowing it is one.
func (s *Store) PutFingerprint(ctx context.Context, id, lang, title string, fp uint64, of string, distance int, seen time.Time) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: fingerprint %s: %w", id, err)
	}
	defer tx.Rollback()
	at := seen.UTC().Format(timeLayout)
	// Deleted and inserted rather than updated, so that it counts as the
	// newest (Fingerprints reads by rowid).
	if _, err := tx.ExecContext(ctx, `DELETE FROM fingerprints WHERE id = ?`, id); err != nil {
		return fmt.Errorf("store: fingerprint %s: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO fingerprints (id, lang, title, fp, seen) VALUES (?, ?, ?, ?, ?)`,
		id, lang, title, int64(fp), at); err != nil {
		return fmt.Errorf("store: fingerprint %s: %w", id, err)
	}
	if of != "" {
		if _, err := tx.ExecContext(ctx, `INSERT INTO near_dups (id, of_id, distance, seen) VALUES (?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET of_id = excluded.of_id, distance = excluded.distance, seen = excluded.seen`,
			id, of, distance, at); err != nil {
			return fmt.Errorf("store: fingerprint %s: %w", id, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: fingerprint %s: %w", id, err)
	}
	return nil
}

// ForgetFingerprint removes what PutFingerprint recorded for id, when the
// article was not stored after all (its text was an exact copy, say).
func (s *Store) ForgetFingerprint(ctx context.Context, id string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM fingerprints WHERE id = ?`, id)
	if err == nil {
		_, err = s.db.ExecContext(ctx, `DELETE FROM near_dups WHERE id = ?`, id)
	}
	if err != nil {
		return fmt.Errorf("store: forget fingerprint %s: %w", id, err)
	}
	return nil
}

// markNearDuplicates sets DuplicateOf on the articles that are edited
// copies of another.
func (s *Store) markNearDuplicates(ctx context.Context, arts []news.Article) error {
	if len(arts) == 0 {
		return nil
	}
	ids := make([]any, len(arts))
	for i := range arts {
		ids[i] = arts[i].ID
	}
	rows, err := s.db.QueryContext(ctx,
		`SELECT id, of_id FROM near_dups WHERE id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, ids...)
	if err != nil {
		return fmt.Errorf("near duplicates: %w", err)
	}
	defer rows.Close()
	of := map[string]string{}
	for rows.Next() {
		var id, o string
		if err := rows.Scan(&id, &o); err != nil {
			return fmt.Errorf("near duplicates: %w", err)
		}
		of[id] = o
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("near duplicates: %w", err)
	}
	for i := range arts {
		arts[i].DuplicateOf = of[arts[i].ID]
	}
	return nil
}

// markNearDuplicatePtrs is markNearDuplicates for a page of pointers.
func (s *Store) markNearDuplicatePtrs(ctx context.Context, arts []*news.Article) error {
	vals := make([]news.Article, len(arts))
	for i, a := range arts {
		vals[i].ID = a.ID
	}
	if err := s.markNearDuplicates(ctx, vals); err != nil {
		return err
	}
	for i, a := range arts {
		a.DuplicateOf = vals[i].DuplicateOf
	}
	return nil
}

// copies returns the URLs at which the text of article id was also
// published: its exact copies (aliases) and edited copies (near_dups),
// and, when id is itself an edited copy, the original and its other
// copies. id's own URL is left out.
func (s *Store) copies(ctx context.Context, id string) ([]string, error) {
	cluster := id
	err := s.db.QueryRowContext(ctx, `SELECT of_id FROM near_dups WHERE id = ?`, id).Scan(&cluster)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `
		SELECT url, seen FROM aliases WHERE id IN (?1, ?2)
		UNION SELECT a.url, n.seen FROM near_dups n JOIN articles a ON a.id = n.id AND a.version = 1 WHERE n.of_id = ?1 AND n.id != ?2
		UNION SELECT a.url, '' FROM articles a WHERE a.id = ?1 AND a.id != ?2 AND a.version = 1
		ORDER BY 2, 1`, cluster, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	urls := []string{}
	for rows.Next() {
		var u, seen string
		if err := rows.Scan(&u, &seen); err != nil {
			return nil, err
		}
		urls = append(urls, u)
	}
	return urls, rows.Err()
}

// DuplicatesOf returns the other URLs of each of the articles ids (see
// Duplicates), for a page of search results; articles without copies are
// left out.
func (s *Store) DuplicatesOf(ctx context.Context, ids []string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, id := range ids {
		urls, err := s.copies(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("store: duplicates of %s: %w", id, err)
		}
		if len(urls) > 0 {
			out[id] = urls
		}
	}
	return out, nil
}
