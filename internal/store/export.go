package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"riverside/internal/news"
)

// exportPage is how many versions one query of an export reads. Each page
// is its own short read (keyset pagination on seq), so an export of any
// size holds neither memory nor a read transaction that would keep the
// WAL from being checkpointed while the crawler writes.
const exportPage = 500

// Versions calls fn with every article version that sel selects, in
// sequence order, with the other URLs at which the article's text was
// found. Memory stays flat whatever the store's size.
func (s *Store) Versions(ctx context.Context, sel news.Selection, fn func(a *news.Article, duplicates []string) error) error {
	return s.versions(ctx, sel, false, fn)
}

// Latest is Versions restricted to the newest version of each article:
// what the index holds, for matching a query against the store.
func (s *Store) Latest(ctx context.Context, sel news.Selection, fn func(a *news.Article, duplicates []string) error) error {
	return s.versions(ctx, sel, true, fn)
}

func (s *Store) versions(ctx context.Context, sel news.Selection, latest bool, fn func(*news.Article, []string) error) error {
	where := []string{"seq > ?"}
	var args []any
	if sel.Source != "" {
		where = append(where, "source_id = ?")
		args = append(args, sel.Source)
	}
	if sel.Lang != "" {
		where = append(where, "lang = ?")
		args = append(args, sel.Lang)
	}
	if sel.District != "" {
		where = append(where, s.db.d.instr("',' || districts || ','", "?")+" > 0")
		args = append(args, ","+sel.District+",")
	}
	if latest {
		where = append(where, "NOT EXISTS (SELECT 1 FROM articles b WHERE b.id = articles.id AND b.version > articles.version)")
	}
	q := `SELECT ` + articleColumns + ` FROM articles WHERE ` + strings.Join(where, " AND ") + ` ORDER BY seq LIMIT ?`

	// Pages are read one ahead in another goroutine, so that SQLite's
	// work overlaps the caller's (encoding, hashing, writing): on two
	// cores an export runs at the pace of the slower side, not the sum.
	// At most three pages are in memory at once.
	type page struct {
		arts []*news.Article
		dups map[string][]string
		err  error
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make(chan page, 1)
	go func() {
		defer close(pages)
		after := sel.AfterSeq
		for {
			arts, err := s.exportPage(ctx, q, append(append([]any{after}, args...), exportPage))
			if err != nil {
				pages <- page{err: fmt.Errorf("store: export after seq %d: %w", after, err)}
				return
			}
			if len(arts) == 0 {
				return
			}
			full := len(arts) == exportPage
			after = arts[len(arts)-1].Seq
			kept := arts[:0]
			for _, a := range arts {
				if sel.Match(a) {
					kept = append(kept, a)
				}
			}
			dups, err := s.duplicatesOf(ctx, kept)
			if err == nil {
				err = s.markNearDuplicatePtrs(ctx, kept)
			}
			select {
			case pages <- page{arts: kept, dups: dups, err: err}:
			case <-ctx.Done():
				return
			}
			if err != nil || !full {
				return
			}
		}
	}()
	for p := range pages {
		if p.err != nil {
			return p.err
		}
		for _, a := range p.arts {
			if err := fn(a, p.dups[a.ID]); err != nil {
				cancel()
				for range pages {
				}
				return err
			}
		}
	}
	return ctx.Err()
}

// exportPage runs one page's query.
func (s *Store) exportPage(ctx context.Context, q string, args []any) ([]*news.Article, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]*news.Article, 0, exportPage)
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// duplicatesOf reads the aliases of a page of articles in one query.
func (s *Store) duplicatesOf(ctx context.Context, page []*news.Article) (map[string][]string, error) {
	out := map[string][]string{}
	if len(page) == 0 {
		return out, nil
	}
	ids := make([]any, 0, len(page))
	seen := map[string]bool{}
	for _, a := range page {
		if !seen[a.ID] {
			seen[a.ID] = true
			ids = append(ids, a.ID)
		}
	}
	marks := strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")
	rows, err := s.db.QueryContext(ctx, `SELECT id, url FROM aliases WHERE id IN (`+marks+`) ORDER BY seen, url`, ids...)
	if err != nil {
		return nil, fmt.Errorf("store: export duplicates: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, u string
		if err := rows.Scan(&id, &u); err != nil {
			return nil, fmt.Errorf("store: export duplicates: %w", err)
		}
		out[id] = append(out[id], u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: export duplicates: %w", err)
	}
	return out, nil
}

// ErrNotEmpty is returned by Import for a store that already holds
// articles: an import keeps the exported sequence numbers, which only an
// empty log can take as they are.
var ErrNotEmpty = errors.New("store: not empty")

// Import loads article versions into an empty store, keeping their IDs,
// versions and sequence numbers. It runs in one transaction: a failed
// import leaves the store empty, so it can simply be run again.
type Import struct {
	tx      *txn
	put     *stmt
	alias   *stmt
	d       *dialect
	lastSeq int64
	n       int
}

// BeginImport starts an import, refusing a store that holds any article
// or alias with an error wrapping ErrNotEmpty.
func (s *Store) BeginImport(ctx context.Context) (*Import, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: import: %w", err)
	}
	if err := s.db.d.lockLog(ctx, tx, logLockKey); err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("store: import: %w", err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM articles) + (SELECT COUNT(*) FROM aliases)`).Scan(&n); err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("store: import: %w", err)
	}
	if n > 0 {
		tx.Rollback()
		return nil, fmt.Errorf("store: import: the store holds %d articles and aliases; import only into an empty data directory: %w", n, ErrNotEmpty)
	}
	put, err := tx.PrepareContext(ctx, `INSERT INTO articles
		(seq, id, version, url, source_id, districts, title, published, author, publisher, lang, text,
		 fetched, hash, fields, capture_file, capture_offset)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("store: import: %w", err)
	}
	alias, err := tx.PrepareContext(ctx, `INSERT INTO aliases (url, id, source_id, seen) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`)
	if err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("store: import: %w", err)
	}
	return &Import{tx: tx, put: put, alias: alias, d: s.db.d}, nil
}

// Add inserts one version. Versions must come in increasing sequence
// order, as exports write them. An alias keeps the article's source and
// fetch time, since an export names only the URL.
func (im *Import) Add(ctx context.Context, a *news.Article, duplicates []string) error {
	if a.ID == "" || a.URL == "" || a.Hash == "" || a.SourceID == "" || a.Version < 1 || a.Seq < 1 {
		return fmt.Errorf("store: import seq %d (%q): seq, id, version, url, hash and source are required", a.Seq, a.URL)
	}
	if a.Seq <= im.lastSeq {
		return fmt.Errorf("store: import seq %d after seq %d: versions must come in increasing seq order", a.Seq, im.lastSeq)
	}
	fields := []byte("{}")
	if len(a.Fields) > 0 {
		var err error
		if fields, err = json.Marshal(a.Fields); err != nil {
			return fmt.Errorf("store: import seq %d: %w", a.Seq, err)
		}
	}
	if _, err := im.put.ExecContext(ctx, a.Seq, a.ID, a.Version, a.URL, a.SourceID, strings.Join(a.Districts, ","),
		a.Title, formatTime(a.Published), a.Author, a.Publisher, a.Lang, a.Text,
		a.Fetched.UTC().Format(timeLayout), a.Hash, string(fields), a.Capture.File, a.Capture.Offset); err != nil {
		return fmt.Errorf("store: import seq %d (%s version %d): %w", a.Seq, a.ID, a.Version, err)
	}
	if a.DuplicateOf != "" {
		// An edited copy: searchd leaves it out of the index and lists
		// it under its original, as on the machine it came from. (Its
		// fingerprint is not exported; new copies of it are found
		// against articles crawled from now on.)
		if _, err := im.tx.ExecContext(ctx, `INSERT INTO near_dups (id, of_id, distance, seen) VALUES (?, ?, -1, ?)
			ON CONFLICT (id) DO UPDATE SET of_id = excluded.of_id, distance = excluded.distance, seen = excluded.seen`,
			a.ID, a.DuplicateOf, a.Fetched.UTC().Format(timeLayout)); err != nil {
			return fmt.Errorf("store: import near duplicate %s: %w", a.ID, err)
		}
	}
	for _, u := range duplicates {
		if _, err := im.alias.ExecContext(ctx, u, a.ID, a.SourceID, a.Fetched.UTC().Format(timeLayout)); err != nil {
			return fmt.Errorf("store: import alias %s: %w", u, err)
		}
	}
	im.lastSeq = a.Seq
	im.n++
	return nil
}

// Commit makes the import visible and returns how many versions it added.
// The imported versions are a back catalogue, not news: the alerts'
// checkpoint moves past them in the same transaction, so that saved
// searches of this data directory never fire on them.
func (im *Import) Commit(ctx context.Context) (int, error) {
	im.put.Close()
	im.alias.Close()
	if im.d.postgres && im.lastSeq > 0 {
		// Identity values come from a sequence that explicit seqs do not
		// move (SQLite's AUTOINCREMENT follows them by itself).
		if _, err := im.tx.ExecContext(ctx,
			`SELECT setval(pg_get_serial_sequence('articles', 'seq'), ?)`, im.lastSeq); err != nil {
			im.tx.Rollback()
			return 0, fmt.Errorf("store: import: move the seq sequence: %w", err)
		}
	}
	if _, err := im.tx.ExecContext(ctx, `INSERT INTO alert_state (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = `+im.d.greatest("alert_state.value", "excluded.value"),
		alertCheckpointKey, im.lastSeq); err != nil {
		im.tx.Rollback()
		return 0, fmt.Errorf("store: import: move the alert checkpoint: %w", err)
	}
	if err := im.tx.Commit(); err != nil {
		return 0, fmt.Errorf("store: import: %w", err)
	}
	return im.n, nil
}

// Rollback abandons the import; the store stays empty.
func (im *Import) Rollback() error {
	im.put.Close()
	im.alias.Close()
	return im.tx.Rollback()
}
