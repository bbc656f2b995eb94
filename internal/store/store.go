// Package store is Riverside's source of truth: a database holding every
// article version as an append-only log with a monotonic sequence number,
// the URLs at which the same text was seen again, the crawl state, and the
// alerts' subscriptions and outbox. The crawler writes to it while searchd
// reads from it.
//
// The database is a SQLite file (WAL mode lets the two processes share it
// safely) or, for several hosts, a PostgreSQL database named by a
// postgres:// URL; Open takes either. The SQL is written once for both:
// dialect.go says how, and what differs.
//
// The store is the only package that imports the SQL drivers.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// ErrNotFound is returned when an article does not exist.
var ErrNotFound = errors.New("store: not found")

// FileName is the database file inside the data directory.
const FileName = "riverside.db"

// Store is an open database.
type Store struct {
	db *db
	// appended, when set (tests only), runs inside a transaction that
	// appends to a followed log ("articles" or "matches") after the new
	// rows took their sequence numbers and before it commits: a late
	// commit, made on purpose.
	appended func(log string)
}

// IsURL reports whether where names a PostgreSQL database
// (postgres://… or postgresql://…) rather than a SQLite file.
func IsURL(where string) bool {
	return strings.HasPrefix(where, "postgres://") || strings.HasPrefix(where, "postgresql://")
}

// Location is where a command's store is: the -store flag when given,
// else the SQLite file in the data directory.
func Location(dataDir, flag string) string {
	if flag != "" {
		return flag
	}
	return filepath.Join(dataDir, FileName)
}

// Redacted is where with any password in a URL masked, for messages.
func Redacted(where string) string {
	if !IsURL(where) {
		return where
	}
	u, err := url.Parse(where)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

// Open opens the store at where — a SQLite file path (created if
// needed) or a postgres:// URL of an existing database — and brings its
// schema up to date.
func Open(ctx context.Context, where string) (*Store, error) {
	if IsURL(where) {
		return openPostgres(ctx, where)
	}
	path := where
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	// busy_timeout makes a writer wait for the other process's transaction
	// instead of failing with SQLITE_BUSY; immediate transactions take the
	// write lock up front so two writers never deadlock on an upgrade.
	// synchronous(FULL) makes every commit survive a power cut, not only a
	// crash of the process.
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Set("_txlock", "immediate")
	dsn := "file:" + filepath.ToSlash(path) + "?" + q.Encode()
	// Processes started together on a fresh data directory (crawler and
	// searchd under make run, crawler workers under -queue) race to
	// create the database: while one turns it to WAL, the other's first
	// read can fail with SQLITE_BUSY, which busy_timeout does not cover
	// there. The loser opens again after a pause. (SQLite only: PostgreSQL
	// serializes migrations with an advisory lock.)
	for attempt := 1; ; attempt++ {
		s, err := open(ctx, "sqlite", dsn, &dialect{})
		if err == nil {
			return s, nil
		}
		if attempt == openAttempts || !strings.Contains(err.Error(), "SQLITE_BUSY") {
			return nil, fmt.Errorf("store: open %s: %w", path, diskFull(path, err))
		}
		select {
		case <-time.After(time.Duration(attempt) * 50 * time.Millisecond):
		case <-ctx.Done():
			return nil, fmt.Errorf("store: open %s: %w", path, err)
		}
	}
}

// openAttempts bounds the retries of Open (about 10 s in all).
const openAttempts = 20

// maxPostgresConns bounds one process's connections to PostgreSQL.
const maxPostgresConns = 16

func openPostgres(ctx context.Context, dsn string) (*Store, error) {
	s, err := open(ctx, "pgx", dsn, &dialect{postgres: true})
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", Redacted(dsn), err)
	}
	return s, nil
}

func open(ctx context.Context, driver, dsn string, d *dialect) (*Store, error) {
	sdb, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, err
	}
	s := &Store{db: &db{DB: sdb, d: d}}
	if d.postgres {
		// Each connection is a server process: bound what one crawler or
		// searchd may hold, so that several hosts stay well inside the
		// server's max_connections (100 by default). No store call
		// needs a second connection while its transaction holds the log
		// lock, so waiters for the lock cannot starve its holder.
		sdb.SetMaxOpenConns(maxPostgresConns)
		sdb.SetConnMaxIdleTime(5 * time.Minute)
		err = s.migratePostgres(ctx)
	} else {
		err = s.migrate(ctx)
	}
	if err != nil {
		sdb.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// schema is applied in order; user_version (SQLite) or the
// riverside_schema table (PostgreSQL) records how far a database got.
// Migrations are written for SQLite and translated for PostgreSQL (see
// dialect.ddl and pgExtra); append new ones at the end.
var schema = []string{
	`CREATE TABLE articles (
		seq            INTEGER PRIMARY KEY AUTOINCREMENT,
		id             TEXT NOT NULL,
		version        INTEGER NOT NULL,
		url            TEXT NOT NULL,
		source_id      TEXT NOT NULL,
		districts      TEXT NOT NULL DEFAULT '',
		title          TEXT NOT NULL DEFAULT '',
		published      TEXT NOT NULL DEFAULT '',
		author         TEXT NOT NULL DEFAULT '',
		publisher      TEXT NOT NULL DEFAULT '',
		lang           TEXT NOT NULL DEFAULT '',
		text           TEXT NOT NULL DEFAULT '',
		fetched        TEXT NOT NULL,
		hash           TEXT NOT NULL,
		fields         TEXT NOT NULL DEFAULT '{}',
		capture_file   TEXT NOT NULL DEFAULT '',
		capture_offset INTEGER NOT NULL DEFAULT 0,
		UNIQUE (id, version)
	);
	CREATE INDEX articles_hash ON articles (hash);
	CREATE INDEX articles_source ON articles (source_id, fetched);
	-- aliases: further URLs at which an article's text was found (reposts).
	CREATE TABLE aliases (
		url       TEXT PRIMARY KEY,
		id        TEXT NOT NULL,
		source_id TEXT NOT NULL,
		seen      TEXT NOT NULL
	);
	CREATE INDEX aliases_id ON aliases (id);`,
	// sources: what the crawler last saw of each source, for /api/sources.
	`CREATE TABLE sources (
		id                   TEXT PRIMARY KEY,
		name                 TEXT NOT NULL DEFAULT '',
		district             TEXT NOT NULL DEFAULT '',
		last_crawl           TEXT NOT NULL DEFAULT '',
		last_success         TEXT NOT NULL DEFAULT '',
		consecutive_failures INTEGER NOT NULL DEFAULT 0,
		last_error           TEXT NOT NULL DEFAULT '',
		last_stats           TEXT NOT NULL DEFAULT '{}'
	);`,
	// pages: the crawl state of every article URL fetched, so that a
	// revisit can be conditional and a restart fetches nothing again
	// without need.
	`CREATE TABLE pages (
		url           TEXT PRIMARY KEY,
		source_id     TEXT NOT NULL,
		etag          TEXT NOT NULL DEFAULT '',
		last_modified TEXT NOT NULL DEFAULT '',
		last_status   INTEGER NOT NULL DEFAULT 0,
		last_fetched  TEXT NOT NULL DEFAULT '',
		hash          TEXT NOT NULL DEFAULT ''
	);
	CREATE INDEX pages_source ON pages (source_id);`,
	// Alerts (subscriptions.go, outbox.go): saved searches, the outbox of
	// their matches, the webhook deliveries that carry them, and the
	// alerts' own checkpoint in the log, independent of the index. Times
	// are Unix milliseconds, which compare as numbers.
	`CREATE TABLE subscriptions (
		id          TEXT PRIMARY KEY,
		name        TEXT NOT NULL,
		kind        TEXT NOT NULL,
		query       TEXT NOT NULL DEFAULT '',
		source      TEXT NOT NULL DEFAULT '',
		district    TEXT NOT NULL DEFAULT '',
		lang        TEXT NOT NULL DEFAULT '',
		webhook     TEXT NOT NULL DEFAULT '',
		secret      TEXT NOT NULL DEFAULT '',
		updates     INTEGER NOT NULL DEFAULT 0,
		stale_after INTEGER NOT NULL DEFAULT 0,
		fail_ratio  REAL NOT NULL DEFAULT 0,
		start_seq   INTEGER NOT NULL,
		created     INTEGER NOT NULL
	);
	CREATE TABLE deliveries (
		id           TEXT PRIMARY KEY,
		subscription TEXT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
		state        TEXT NOT NULL,
		attempts     INTEGER NOT NULL DEFAULT 0,
		created      INTEGER NOT NULL,
		next_attempt INTEGER NOT NULL,
		done         INTEGER NOT NULL DEFAULT 0,
		last_status  INTEGER NOT NULL DEFAULT 0,
		last_error   TEXT NOT NULL DEFAULT ''
	);
	CREATE INDEX deliveries_due ON deliveries (state, next_attempt);
	CREATE INDEX deliveries_pending ON deliveries (subscription, state, next_attempt);
	CREATE INDEX deliveries_subscription ON deliveries (subscription, created);
	CREATE TABLE matches (
		row          INTEGER PRIMARY KEY AUTOINCREMENT,
		subscription TEXT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
		article_id   TEXT NOT NULL,
		version      INTEGER NOT NULL,
		seq          INTEGER NOT NULL,
		delivery     TEXT NOT NULL DEFAULT '',
		matched      INTEGER NOT NULL,
		url          TEXT NOT NULL DEFAULT '',
		title        TEXT NOT NULL DEFAULT '',
		published    TEXT NOT NULL DEFAULT '',
		updated      INTEGER NOT NULL DEFAULT 0,
		source       TEXT NOT NULL DEFAULT '',
		district     TEXT NOT NULL DEFAULT '',
		lang         TEXT NOT NULL DEFAULT '',
		author       TEXT NOT NULL DEFAULT '',
		publisher    TEXT NOT NULL DEFAULT '',
		snippet      TEXT NOT NULL DEFAULT '',
		UNIQUE (subscription, article_id, version)
	);
	CREATE INDEX matches_delivery ON matches (delivery);
	CREATE TABLE alert_state (
		key   TEXT PRIMARY KEY,
		value INTEGER NOT NULL
	);`,
	// fingerprints: the SimHash of every article's text (internal/neardup);
	// near_dups: articles that are an edited copy of another (of_id),
	// found by comparing fingerprints at ingest (see neardup.go).
	`CREATE TABLE fingerprints (
		id    TEXT PRIMARY KEY,
		lang  TEXT NOT NULL DEFAULT '',
		title TEXT NOT NULL DEFAULT '',
		fp    INTEGER NOT NULL,
		seen  TEXT NOT NULL
	);
	CREATE INDEX fingerprints_lang ON fingerprints (lang);
	CREATE TABLE near_dups (
		id       TEXT PRIMARY KEY,
		of_id    TEXT NOT NULL,
		distance INTEGER NOT NULL,
		seen     TEXT NOT NULL
	);
	CREATE INDEX near_dups_of ON near_dups (of_id);`,
	// list_pages: the last full answer of every list page (html-list pages,
	// feeds, sitemaps, datastore columns) with its validators, so that the
	// next pass asks conditionally and reads the links of an unchanged
	// list (304) from here (lists.go).
	`CREATE TABLE list_pages (
		url           TEXT PRIMARY KEY,
		source_id     TEXT NOT NULL,
		final_url     TEXT NOT NULL,
		content_type  TEXT NOT NULL DEFAULT '',
		etag          TEXT NOT NULL DEFAULT '',
		last_modified TEXT NOT NULL DEFAULT '',
		body          BLOB NOT NULL,
		fetched       TEXT NOT NULL
	);`,
	// leases: roles one process at a time holds (lease.go); searchd's
	// replicas elect the one that matches and delivers alerts. epoch is
	// the fencing token, expires Unix milliseconds.
	`CREATE TABLE leases (
		name    TEXT PRIMARY KEY,
		holder  TEXT NOT NULL DEFAULT '',
		epoch   BIGINT NOT NULL DEFAULT 0,
		expires BIGINT NOT NULL DEFAULT 0
	);`,
	// seen: when a pass last asked for the list page (Unix seconds; 0 for
	// a page kept before this column, judged by fetched), so that pages no
	// pass asks for any more are pruned (lists.go).
	`ALTER TABLE list_pages ADD COLUMN seen BIGINT NOT NULL DEFAULT 0;
	CREATE INDEX list_pages_source ON list_pages (source_id, seen);`,
}

func (s *Store) migrate(ctx context.Context) error {
	var v int
	if err := s.db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	for i := v; i < len(schema); i++ {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("migrate to %d: %w", i+1, err)
		}
		// Another process may have migrated while we waited for the lock.
		var cur int
		if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&cur); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate to %d: %w", i+1, err)
		}
		if cur > i {
			tx.Rollback()
			continue
		}
		if _, err := tx.ExecContext(ctx, schema[i]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate to %d: %w", i+1, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, i+1)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate to %d: %w", i+1, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migrate to %d: %w", i+1, err)
		}
	}
	return nil
}

// migratePostgres brings a PostgreSQL database up to date in one
// transaction (PostgreSQL's DDL is transactional: a failed migration
// leaves nothing half done). The transaction first takes an advisory
// lock, so a crawler and a searchd starting together migrate one after
// the other, and the second finds nothing left to do.
func (s *Store) migratePostgres(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(migrateLockKey)); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS riverside_schema (version BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var v int
	err = tx.QueryRowContext(ctx, `SELECT version FROM riverside_schema`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		_, err = tx.ExecContext(ctx, `INSERT INTO riverside_schema (version) VALUES (0)`)
	}
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if v >= len(schema) {
		return nil
	}
	for i := v; i < len(schema); i++ {
		if _, err := tx.ExecContext(ctx, s.db.d.ddl(schema[i])); err != nil {
			return fmt.Errorf("migrate to %d: %w", i+1, err)
		}
		if extra, ok := pgExtra[i]; ok {
			if _, err := tx.ExecContext(ctx, extra); err != nil {
				return fmt.Errorf("migrate to %d: %w", i+1, err)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE riverside_schema SET version = ?`, len(schema)); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate to %d: %w", len(schema), err)
	}
	return nil
}
