package index_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"testing"

	"riverside/internal/store"
)

var loadStoreDir = flag.String("searchload.store", "", "write the load corpus (-searchload articles of -searchload.mix) into a new store in this data directory, for timing searchd itself (scripts/bench-index.sh), and run nothing else")

// TestLoadStore writes the load benchmark's corpus into an empty store,
// as `searchd import` would, so that a real searchd can be timed indexing
// it from an empty index (scripts/bench-index.sh).
func TestLoadStore(t *testing.T) {
	if *loadStoreDir == "" || *loadDocs <= 0 {
		t.Skip("set -searchload N and -searchload.store DIR")
	}
	mix, ok := loadMixes[*loadMixName]
	if !ok {
		t.Fatalf("-searchload.mix %q: want analyst or heavy", *loadMixName)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, store.Location(*loadStoreDir, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	im, err := st.BeginImport(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range mix.corpus(*loadDocs) {
		a.Version = 1
		h := sha256.Sum256([]byte(a.Title + "\n" + a.Text))
		a.Hash = hex.EncodeToString(h[:])
		if err := im.Add(ctx, &a, nil); err != nil {
			im.Rollback()
			t.Fatal(err)
		}
	}
	n, err := im.Commit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d versions written into %s", n, *loadStoreDir)
}
