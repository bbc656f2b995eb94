package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// ErrDiskFull marks a store that could not be opened because the disk
// it is on has no space left. SQLite says only "disk I/O error" when it
// cannot create the WAL index (the -shm file) on a full disk.
var ErrDiskFull = errors.New("no space left on the store's disk")

// diskFull wraps err with ErrDiskFull when the directory holding path
// has no free space; any other err comes back as it is.
func diskFull(path string, err error) error {
	if err == nil || freeBytes(filepath.Dir(path)) != 0 {
		return err
	}
	return fmt.Errorf("%w (%s): %w", ErrDiskFull, filepath.Dir(path), err)
}

// probeFree is what freeBytes says when it cannot tell.
const probeFree = -1

// sqliteFull is SQLITE_FULL, SQLite's "database or disk is full".
const sqliteFull = 13

// pgDiskFull is PostgreSQL's SQLSTATE disk_full.
const pgDiskFull = "53100"

// IsDiskFull tells whether err comes from a disk with no space left: a
// write SQLite could not make (SQLITE_FULL, and its extended codes), a
// PostgreSQL server's disk_full, an ENOSPC, or a store that could not be
// opened for it (ErrDiskFull). (diskFull, the hint at Open, is SQLite's
// only: a PostgreSQL server's disk is not ours to look at.)
func IsDiskFull(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqliteFull {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == pgDiskFull {
		return true
	}
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, ErrDiskFull)
}
