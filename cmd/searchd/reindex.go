package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"riverside/internal/index"
	"riverside/internal/store"
)

// runReindex is `searchd reindex`: it rebuilds the index from the store,
// without crawling again (after a mapping or analyzer change, or to
// recover a damaged index). The new index is built beside the old one and
// swapped in at the end, so that an interrupted rebuild leaves the old
// index as it was; the old one stays open (locked) meanwhile, so that a
// searchd started during the rebuild fails rather than reads it.
func runReindex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("searchd reindex", flag.ContinueOnError)
	fs.SetOutput(stderr)
	indexDir := fs.String("index", "index", "Bleve index `directory` to rebuild")
	dataDir := fs.String("data", "data", "data `directory` holding "+store.FileName)
	storeAt := storeFlag(fs)
	// The batch Follow grows to while behind: a batch this large is
	// applied in one part per core (index.Apply).
	batch := fs.Int("batch", 4096, "article versions indexed per batch")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("reindex: unexpected arguments %q", fs.Args())
	}
	if *batch <= 0 {
		return fmt.Errorf("reindex: -batch %d: want > 0", *batch)
	}
	dbPath := store.Location(*dataDir, *storeAt)
	if _, err := os.Stat(dbPath); !store.IsURL(dbPath) && err != nil {
		return fmt.Errorf("reindex: no store at %s: %w", dbPath, err)
	}

	old, err := index.OpenExclusive(*indexDir)
	switch {
	case errors.Is(err, index.ErrLocked):
		return fmt.Errorf("reindex: %s is held by a running searchd; stop it first (or delete %s and restart searchd, which rebuilds it from the store by itself): %w", *indexDir, *indexDir, err)
	case errors.Is(err, index.ErrMappingChanged):
		old = nil // built by another version: replaced below
	case err != nil:
		return fmt.Errorf("reindex: %w", err)
	}
	defer func() {
		if old != nil {
			old.Close()
		}
	}()

	st, err := store.Open(ctx, dbPath)
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	defer st.Close()
	stats, err := st.Stats(ctx)
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}

	tmp := filepath.Clean(*indexDir) + ".reindex"
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	idx, err := index.Open(tmp)
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	progress := newProgress(stderr, "versions indexed:")
	var after int64
	n := 0
	for {
		if err := ctx.Err(); err != nil {
			idx.Close()
			os.RemoveAll(tmp)
			progress.done()
			return fmt.Errorf("reindex: interrupted; %s is unchanged: %w", *indexDir, err)
		}
		arts, err := st.Since(ctx, after, *batch)
		if err == nil && len(arts) > 0 {
			err = idx.Apply(ctx, arts)
		}
		if err != nil {
			idx.Close()
			os.RemoveAll(tmp)
			progress.done()
			return fmt.Errorf("reindex after seq %d: %w (%s is unchanged)", after, err, *indexDir)
		}
		if len(arts) == 0 {
			break
		}
		n += len(arts)
		after = arts[len(arts)-1].Seq
		progress.update(n)
	}
	progress.done()
	docs, err := idx.Count()
	if err != nil {
		idx.Close()
		return fmt.Errorf("reindex: %w", err)
	}
	if err := idx.Close(); err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	if old != nil {
		if err := old.Close(); err != nil {
			return fmt.Errorf("reindex: %w", err)
		}
		old = nil
	}
	// Swap: the old index moves aside, the new one takes its name.
	aside := filepath.Clean(*indexDir) + ".old"
	os.RemoveAll(aside)
	if err := os.Rename(*indexDir, aside); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("reindex: %w", err)
	}
	if err := os.Rename(tmp, *indexDir); err != nil {
		return fmt.Errorf("reindex: %w (the old index is at %s)", err, aside)
	}
	if err := os.RemoveAll(aside); err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	fmt.Fprintf(stderr, "reindexed %d versions (%d articles, of %d in the store) into %s, up to seq %d\n",
		n, docs, stats.Articles, *indexDir, after)
	return nil
}
