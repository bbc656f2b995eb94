package index

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"riverside/internal/news"
)

// openTemp opens a new index in a temporary directory, closed at the end
// of the test.
func openTemp(t *testing.T) *Index {
	t.Helper()
	idx, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := idx.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return idx
}

// loadCorpus reads testdata/corpus.json, the small fixed corpus of the
// search tests.
func loadCorpus(t *testing.T) []news.Article {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "corpus.json"))
	if err != nil {
		t.Fatal(err)
	}
	var arts []news.Article
	if err := json.Unmarshal(b, &arts); err != nil {
		t.Fatalf("corpus.json: %v", err)
	}
	return arts
}

// corpusIndex is a temporary index holding the fixed corpus.
func corpusIndex(t *testing.T) *Index {
	t.Helper()
	idx := openTemp(t)
	if err := idx.Apply(context.Background(), loadCorpus(t)); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return idx
}

// ids lists the IDs of the hits of r.
func ids(r *news.Result) []string {
	out := []string{}
	for _, h := range r.Hits {
		out = append(out, h.ID)
	}
	return out
}
