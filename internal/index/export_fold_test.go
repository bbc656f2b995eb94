package index

// DiffFoldChains lets the load corpora (package index_test) compare fold
// with the chain of filters it replaces: see diffChains.
func DiffFoldChains(text []byte) string { return diffChains(text) }
