package index

// StatsMap exposes Bleve's statistics of the index to the load benchmark
// (package index_test), which waits for merges to settle.
func (x *Index) StatsMap() map[string]any { return x.bleve.StatsMap() }

// TextTokens counts the tokens the text analyzer makes of s.
func (x *Index) TextTokens(s string) int { return len(x.text.Analyze([]byte(s))) }
