package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// TestCheck: a sound store passes the integrity check; one with a page
// overwritten behind SQLite's back does not.
func TestCheck(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	for i := range 200 {
		if _, err := s.Put(ctx, article(fmt.Sprintf("http://a/%d", i), strings.Repeat(fmt.Sprintf("滨江第%d篇。", i), 40))); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Check(ctx); err != nil {
		t.Fatalf("sound store: %v", err)
	}
	s.Close() // checkpoints the WAL into the file

	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := f.Stat()
	if fi.Size() < 64<<10 {
		t.Fatalf("store of %d bytes: too small to damage a middle page", fi.Size())
	}
	// The middle of the file: a b-tree page of articles, not the header.
	junk := []byte(strings.Repeat("\xff\x00\x13", 600))
	if _, err := f.WriteAt(junk, fi.Size()/2/4096*4096+8); err != nil {
		t.Fatal(err)
	}
	f.Close()
	d, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer d.Close()
	if err := d.Check(ctx); err == nil || !strings.Contains(err.Error(), "integrity check") {
		t.Fatalf("damaged store: %v, want an integrity check fault", err)
	}
}

// TestDiskFullHint: an error is left as it is unless the store's disk has
// no room.
func TestDiskFullHint(t *testing.T) {
	err := errors.New("disk I/O error")
	if got := diskFull(t.TempDir()+"/x.db", err); got != err && freeBytes(t.TempDir()) != 0 {
		t.Errorf("diskFull on a disk with room: %v", got)
	}
	if diskFull("/x.db", nil) != nil {
		t.Error("diskFull(nil) is not nil")
	}
}

func TestIsDiskFull(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{fmt.Errorf("write x: %w", syscall.ENOSPC), true},
		{fmt.Errorf("store: open: %w", diskFullErr()), true},
		{errors.New("database or disk is full"), false}, // words alone are not enough
		{errors.New("disk I/O error"), false},
		{fmt.Errorf("store: put x: %w", &pgconn.PgError{Code: "53100", Message: "could not extend file"}), true},
		{fmt.Errorf("store: put x: %w", &pgconn.PgError{Code: "23505"}), false},
		{nil, false},
	} {
		if got := IsDiskFull(tt.err); got != tt.want {
			t.Errorf("IsDiskFull(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

func diskFullErr() error { return fmt.Errorf("%w (/data): x", ErrDiskFull) }

// TestCheckPostgres: on PostgreSQL, Check is a sanity query (the server
// checks its own pages; TestCheck's damage is a SQLite file's).
func TestCheckPostgres(t *testing.T) {
	ctx := context.Background()
	s, _ := openPG(t)
	if _, err := s.Put(ctx, article("http://a/1", "滨江")); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(ctx); err != nil {
		t.Fatalf("sound store: %v", err)
	}
	s.Close()
	if err := s.Check(ctx); err == nil {
		t.Error("check of a closed store passed")
	}
}
