package store

import (
	"context"
	"database/sql"
	"regexp"
	"strconv"
	"strings"
)

// dialect is what differs between the two databases the store runs on.
// The store's SQL is written once, in the SQL both understand, with `?`
// placeholders; the few statements that differ ask the dialect.
//
// Rules for writing store SQL (so that it runs on both):
//   - Placeholders are `?` (or `?N` to reuse argument N); on PostgreSQL
//     they become `$n`. A `?` inside a '…' literal is left alone.
//   - Booleans are INTEGER 0/1 columns; a Go bool argument is sent as 0 or
//     1 on PostgreSQL too (see args).
//   - Upserts are `INSERT … ON CONFLICT (key) DO UPDATE SET c = excluded.c`
//     or `ON CONFLICT DO NOTHING`, never `INSERT OR REPLACE/IGNORE`.
//   - New rows' keys come back with `RETURNING`, never LastInsertId.
//   - One statement per Exec when it has arguments.
//   - Functions that differ go through the dialect: instr, greatest.
//   - Schema migrations are written for SQLite; ddl translates them for
//     PostgreSQL (BIGINT for INTEGER, identity columns for AUTOINCREMENT,
//     BYTEA for BLOB, DOUBLE PRECISION for REAL, byte-order TEXT), and
//     pgExtra adds what PostgreSQL needs besides.
//   - A transaction that appends to a followed log (articles, matches)
//     first calls lockLog (see there for why).
type dialect struct {
	postgres bool
}

// rebind rewrites `?` and `?N` placeholders to PostgreSQL's `$n`.
func (d *dialect) rebind(q string) string {
	if !d.postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	inQuote := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
			b.WriteByte(c)
		case c == '?' && !inQuote:
			j := i + 1
			for j < len(q) && q[j] >= '0' && q[j] <= '9' {
				j++
			}
			if j > i+1 {
				b.WriteByte('$')
				b.WriteString(q[i+1 : j])
				i = j - 1
				continue
			}
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// args converts arguments PostgreSQL would not take for the column types
// the schema uses: a bool for an INTEGER 0/1 column.
func (d *dialect) args(args []any) []any {
	if !d.postgres {
		return args
	}
	out := args
	for i, a := range args {
		if v, ok := a.(bool); ok {
			if &out[0] == &args[0] {
				out = append([]any(nil), args...) // the caller's slice stays as it was
			}
			out[i] = int64(0)
			if v {
				out[i] = int64(1)
			}
		}
	}
	return out
}

// instr is SQL for "the position of needle in hay, 0 when absent".
func (d *dialect) instr(hay, needle string) string {
	if d.postgres {
		return "strpos(" + hay + ", " + needle + ")"
	}
	return "instr(" + hay + ", " + needle + ")"
}

// greatest is SQL for the larger of two values (SQLite's two-argument max
// is an aggregate's name on PostgreSQL).
func (d *dialect) greatest(a, b string) string {
	if d.postgres {
		return "GREATEST(" + a + ", " + b + ")"
	}
	return "max(" + a + ", " + b + ")"
}

// Advisory lock keys (PostgreSQL): any constants, the same in every
// process that shares a database.
const (
	migrateLockKey = 0x52697665_00000001 // "Rive"…: schema migrations
	logLockKey     = 0x52697665_00000002 // appends to articles
	matchLockKey   = 0x52697665_00000003 // appends to matches
)

// lockLog makes the appends to one followed log commit in the order of
// their sequence numbers. Followers read a log by "rows after the last
// seq I saw" (Since, MatchesAfter). On SQLite every write transaction
// holds the database's one write lock from its start (immediate
// transactions), so a seq is allocated and committed before the next is
// allocated. On PostgreSQL, identity values come from a sequence outside
// any transaction: T1 could take seq 10, T2 seq 11 and commit first; a
// follower reading "> 9" would see 11, move its checkpoint to 11 and
// never see 10. So every transaction that appends first takes a
// transaction-scoped advisory lock, held until it commits or rolls back.
// The next appender can take seq 11 only after T1 is over, and
// PostgreSQL makes T1's commit visible before it releases T1's locks:
// a reader who saw seq N will never later find a newly committed
// seq < N. (A rolled-back seq is a gap that stays empty.) Appends are
// therefore serialized, as they are on SQLite.
func (d *dialect) lockLog(ctx context.Context, tx *txn, key int64) error {
	if !d.postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, key)
	return err
}

var (
	ddlAutoincrement = regexp.MustCompile(`\bINTEGER PRIMARY KEY AUTOINCREMENT\b`)
	ddlInteger       = regexp.MustCompile(`\bINTEGER\b`)
	ddlReal          = regexp.MustCompile(`\bREAL\b`)
	ddlBlob          = regexp.MustCompile(`\bBLOB\b`)
	ddlText          = regexp.MustCompile(`\bTEXT\b`)
)

// ddl translates a migration written for SQLite into PostgreSQL's words.
// TEXT columns compare byte by byte (COLLATE "C"), as SQLite's do, so that
// ORDER BY and range comparisons of ids, URLs and RFC 3339 times agree on
// both.
func (d *dialect) ddl(q string) string {
	if !d.postgres {
		return q
	}
	q = ddlAutoincrement.ReplaceAllString(q, "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")
	q = ddlInteger.ReplaceAllString(q, "BIGINT")
	q = ddlReal.ReplaceAllString(q, "DOUBLE PRECISION")
	q = ddlBlob.ReplaceAllString(q, "BYTEA")
	q = ddlText.ReplaceAllString(q, `TEXT COLLATE "C"`)
	return q
}

// pgExtra holds, by index into schema, statements PostgreSQL runs after
// that migration: what SQLite gives every table without asking.
var pgExtra = map[int]string{
	// fingerprints are read newest first by SQLite's implicit rowid.
	4: `ALTER TABLE fingerprints ADD COLUMN rowid BIGINT GENERATED ALWAYS AS IDENTITY`,
}

// db is a database handle that speaks the store's SQL (see dialect).
type db struct {
	*sql.DB
	d *dialect
}

func (x *db) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return x.DB.ExecContext(ctx, x.d.rebind(q), x.d.args(args)...)
}

func (x *db) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return x.DB.QueryContext(ctx, x.d.rebind(q), x.d.args(args)...)
}

func (x *db) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return x.DB.QueryRowContext(ctx, x.d.rebind(q), x.d.args(args)...)
}

func (x *db) BeginTx(ctx context.Context, opts *sql.TxOptions) (*txn, error) {
	tx, err := x.DB.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &txn{Tx: tx, d: x.d}, nil
}

// txn is a transaction that speaks the store's SQL.
type txn struct {
	*sql.Tx
	d *dialect
}

func (x *txn) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return x.Tx.ExecContext(ctx, x.d.rebind(q), x.d.args(args)...)
}

func (x *txn) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return x.Tx.QueryContext(ctx, x.d.rebind(q), x.d.args(args)...)
}

func (x *txn) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return x.Tx.QueryRowContext(ctx, x.d.rebind(q), x.d.args(args)...)
}

func (x *txn) PrepareContext(ctx context.Context, q string) (*stmt, error) {
	st, err := x.Tx.PrepareContext(ctx, x.d.rebind(q))
	if err != nil {
		return nil, err
	}
	return &stmt{Stmt: st, d: x.d}, nil
}

// stmt is a prepared statement that converts its arguments (see args).
type stmt struct {
	*sql.Stmt
	d *dialect
}

func (x *stmt) ExecContext(ctx context.Context, args ...any) (sql.Result, error) {
	return x.Stmt.ExecContext(ctx, x.d.args(args)...)
}

func (x *stmt) QueryRowContext(ctx context.Context, args ...any) *sql.Row {
	return x.Stmt.QueryRowContext(ctx, x.d.args(args)...)
}
