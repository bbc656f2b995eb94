package index_test

import (
	"testing"

	"riverside/internal/index"
	"riverside/internal/news"
)

// TestFoldLoadCorpora compares the fold filter with the chain of Bleve's
// filters it replaces on the titles and texts of the load benchmark's two
// generated corpora (see fold_test.go for the other texts).
func TestFoldLoadCorpora(t *testing.T) {
	for name, corpus := range map[string]func(int) []news.Article{"load": loadCorpus, "analyst": analystCorpus} {
		for _, a := range corpus(200) {
			for _, s := range []string{a.Title, a.Text} {
				if d := index.DiffFoldChains([]byte(s)); d != "" {
					t.Fatalf("%s corpus, article %s: %q: %s", name, a.ID, s, d)
				}
			}
		}
	}
}
