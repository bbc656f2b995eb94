package index

import "riverside/internal/news"

// StatsMap exposes Bleve's statistics of the index to the load benchmark
// (package index_test), which waits for merges to settle.
func (x *Index) StatsMap() map[string]any { return x.bleve.StatsMap() }

// TextTokens counts the tokens the text analyzer makes of s.
func (x *Index) TextTokens(s string) int { return len(x.text.Analyze([]byte(s))) }

// SetBleveOnly makes the index walk hits with Bleve's searchers only
// (true) or with the lean evaluator where it can (false).
func (x *Index) SetBleveOnly(on bool) { x.bleveOnly.Store(on) }

// LeanRuns reports whether the lean evaluator runs q's hits.
func (x *Index) LeanRuns(q news.Query) bool {
	p, err := x.plan(q)
	if err != nil {
		return false
	}
	n := leanCompile(p.query)
	_, whole := n.(*leanBleve)
	return n != nil && !whole
}

// CatchUpBatch is the largest batch Follow grows to while behind.
const CatchUpBatch = catchUpBatch

// StemGroups counts the stems of several words that q's plan looks up as
// one term (stemQuery).
func (x *Index) StemGroups(q news.Query) int {
	p, err := x.plan(q)
	if err != nil {
		return 0
	}
	n := 0
	walkLean(leanCompile(p.query), func(l leanNode) {
		if s, ok := l.(*leanStem); ok && len(s.words) > 1 {
			n++
		}
	})
	return n
}

// StemWords is the number of words in the index's stem table.
func (x *Index) StemWords() int { return x.stems.size() }
