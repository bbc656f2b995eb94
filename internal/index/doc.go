// Package index is Riverside's full-text index: a Bleve (scorch) index on
// disk that is a derived view of the store's article log. It is the only
// package that imports Bleve.
//
// The index follows the store: each batch of article versions is indexed
// together with the highest sequence number it contains, in one Bleve
// batch, so that indexing resumes exactly where it stopped after a crash.
//
//	idx, err := index.Open("index")
//	...
//	go idx.Follow(ctx, store, 500, time.Second, logger)
//	res, err := idx.Search(ctx, news.Query{Q: `滨江 AND "digital economy"`})
//
// Chinese text is indexed as overlapping bigrams (and the last character
// of each run), so any substring of a text finds it; English words are
// indexed as written, stop words included, so that quoted phrases and
// prefixes match the words as written; an unquoted word finds all its
// inflections through a table of the index's words by stem (see
// stemTable), scored as one term. The query language (see Parse) is what
// analysts know from search boxes; place names are expanded with the
// gazetteer (see planner).
//
// A search walks its hits once without positions, counting facets and
// keeping the page by sort keys held in memory per segment (see
// metaCache), then reads positions and stored fields for the page only.
// The walk of words, phrases, AND, OR, NOT and filters runs straight over
// the segments' postings with Bleve's scoring (see lean.go), the rest
// through Bleve's searchers.
package index
