package index

// StatsMap exposes Bleve's statistics of the index to the load benchmark
// (package index_test), which waits for merges to settle.
func (x *Index) StatsMap() map[string]any { return x.bleve.StatsMap() }
