package index_test

import (
	"context"
	"path/filepath"
	"testing"

	"riverside/internal/index"
)

// BenchmarkOpenStemTable opens an index of 10,000 generated articles
// (half English): Open reads the English part of the text fields'
// dictionaries and stems every word into the stem table.
func BenchmarkOpenStemTable(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "index")
	idx, err := index.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	corpus := analystCorpus(10000)
	for i := 0; i < len(corpus); i += 500 {
		if err := idx.Apply(context.Background(), corpus[i:i+500]); err != nil {
			b.Fatal(err)
		}
	}
	settle(b, idx.StatsMap)
	words := idx.StemWords()
	if err := idx.Close(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		idx, err := index.Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		if got := idx.StemWords(); got != words {
			b.Fatalf("reopened table has %d words, indexing recorded %d", got, words)
		}
		if err := idx.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(words), "words")
}
