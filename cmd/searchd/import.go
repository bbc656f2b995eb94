package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"riverside/internal/export"
	"riverside/internal/store"
)

// runImport is `searchd import FILE.jsonl[.gz]`: it loads a JSONL export
// into an empty store, keeping ids, versions and sequence numbers, in one
// transaction, after checking the file against its manifest line. A
// store that holds anything is refused: merging two logs would renumber
// one of them. searchd indexes the imported articles when it starts (or
// `searchd reindex` does).
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("searchd import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data", "data", "data `directory` to import into (its store must be empty)")
	storeAt := storeFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("import: want one file (a JSONL export, .gz or not, or - for stdin), got %d arguments", fs.NArg())
	}
	name := fs.Arg(0)
	var in io.Reader = os.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		defer f.Close()
		in = f
	}
	br := bufio.NewReaderSize(in, 1<<20)
	// Gzip is recognised by its magic bytes, whatever the file's name.
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("import %s: %w", name, err)
		}
		defer zr.Close()
		in = zr
	} else {
		in = br
	}

	st, err := store.Open(ctx, store.Location(*dataDir, *storeAt))
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer st.Close()
	im, err := st.BeginImport(ctx)
	if errors.Is(err, store.ErrNotEmpty) {
		return fmt.Errorf("import into %s: %w", *dataDir, err)
	}
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	progress := newProgress(stderr, "versions imported:")
	r := export.NewReader(in)
	articles := map[string]struct{}{}
	var lastSeq int64
	versions := 0
	for {
		a, dups, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err == nil {
			err = im.Add(ctx, a, dups)
		}
		if err != nil {
			progress.done()
			im.Rollback()
			return fmt.Errorf("import %s: %w (nothing imported)", name, err)
		}
		articles[a.ID] = struct{}{}
		lastSeq = a.Seq
		versions++
		progress.update(versions)
	}
	n, err := im.Commit(ctx)
	progress.done()
	if err != nil {
		return fmt.Errorf("import %s: %w", name, err)
	}
	fmt.Fprintf(stderr, "imported %d versions of %d articles into %s (last seq %d); searchd indexes them when it starts, or run searchd reindex\n",
		n, len(articles), *dataDir, lastSeq)
	return nil
}
