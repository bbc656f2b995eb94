package index

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/scorer"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
)

// Stems are found at query time. The index holds every word as written;
// an unquoted word is looked up as all the words of the index that share
// its English (Snowball) stem, which the stem table lists. Indexing a
// stem beside every word cost a third more English tokens (432 against
// 321 per article of the load corpus) for what a table of the dictionary's
// few distinct words gives at query time.

// textFields are the fields indexed with the text analyzer, whose words
// the stem table lists.
var textFields = []string{fieldTitle, fieldText, fieldAuthor, fieldPublisher}

// stemTable maps each English stem to the words of the index with that
// stem. It is safe for concurrent use: analysis adds words in Bleve's
// worker goroutines while searches read it.
//
// A word in the table but in no document (deleted since, or in a batch
// that failed) costs an empty postings list; a word of the index missing
// from the table would be unfindable by its inflections, so the table
// only grows.
type stemTable struct {
	mu sync.RWMutex
	// stemOf holds every word seen, with its stem ("" when it has none).
	stemOf map[string]string
	// words lists the words of each stem, sorted. A list is never
	// changed in place once published: readers keep it without the lock.
	words map[string][]string
}

func newStemTable() *stemTable {
	return &stemTable{stemOf: map[string]string{}, words: map[string][]string{}}
}

// stemWord is the Snowball English stem of word, as the query analyzer's
// stemmer (Bleve's stemmer_en_snowball) computes it.
func stemWord(word string) string {
	env := snowballstem.NewEnv(word)
	english.Stem(env)
	return env.Current()
}

// isStemmed reports whether the token is a word that the table lists (and
// that unquoted words find through it): one with a Latin letter, whatever
// its type ("3rd" is numeric), as the table read from a dictionary, which
// knows no types, has it.
func isStemmed(t *analysis.Token) bool {
	return hasLatinLetter(t.Term)
}

// add records words not seen yet.
func (s *stemTable) add(words [][]byte) {
	type pair struct{ word, stem string }
	var fresh []pair
	s.mu.RLock()
	for _, w := range words {
		if _, ok := s.stemOf[string(w)]; !ok {
			fresh = append(fresh, pair{word: string(w)})
		}
	}
	s.mu.RUnlock()
	if len(fresh) == 0 {
		return
	}
	// Stemming, the costly part, outside the lock.
	for i := range fresh {
		fresh[i].stem = stemWord(fresh[i].word)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range fresh {
		if _, ok := s.stemOf[p.word]; ok {
			continue
		}
		s.stemOf[p.word] = p.stem
		if p.stem == "" {
			continue
		}
		old := s.words[p.stem]
		i, _ := slices.BinarySearch(old, p.word)
		// A new slice: readers may hold the old one.
		s.words[p.stem] = slices.Insert(slices.Clip(old), i, p.word)
	}
}

// wordsOf returns the words with stem, and stem itself (the query
// analyzer's stem of a word may itself be a word of the index that
// stems further), sorted. Do not modify the result.
func (s *stemTable) wordsOf(stem string) []string {
	s.mu.RLock()
	ws := s.words[stem]
	s.mu.RUnlock()
	if _, found := slices.BinarySearch(ws, stem); found {
		return ws
	}
	out := make([]string, 0, len(ws)+1)
	i, _ := slices.BinarySearch(ws, stem)
	out = append(out, ws[:i]...)
	out = append(out, stem)
	return append(out, ws[i:]...)
}

// size is the number of words in the table.
func (s *stemTable) size() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.stemOf)
}

// wordRanges are the parts of a text field's sorted dictionary that can
// hold words with Latin letters: all but the terms that start with a
// character of CJK Unified Ideographs (U+4E00–U+9FFF, UTF-8 lead bytes
// 0xE4 0xB8 to 0xE9), most of the dictionary, which are Chinese bigrams
// and characters (the tokenizer never joins such a character and Latin
// letters in one word). Each is [start, end], inclusive; nil is open.
var wordRanges = [][2][]byte{
	{nil, {0xE4, 0xB8, 0x7F}},
	{{0xEA}, nil},
}

// load adds the words of the text fields' dictionaries in r (the index
// as opened).
func (s *stemTable) load(r index.IndexReader) error {
	var batch [][]byte
	for _, f := range textFields {
		for _, rg := range wordRanges {
			d, err := r.FieldDictRange(f, rg[0], rg[1])
			if err != nil {
				return fmt.Errorf("dictionary of %s: %w", f, err)
			}
			for {
				e, err := d.Next()
				if err != nil {
					d.Close()
					return fmt.Errorf("dictionary of %s: %w", f, err)
				}
				if e == nil {
					break
				}
				if hasLatinLetter([]byte(e.Term)) {
					batch = append(batch, []byte(e.Term))
				}
				if len(batch) == 4096 {
					s.add(batch)
					batch = batch[:0]
				}
			}
			if err := d.Close(); err != nil {
				return fmt.Errorf("dictionary of %s: %w", f, err)
			}
		}
	}
	s.add(batch)
	return nil
}

// stemRecorder is the text analyzer's last token filter: it passes the
// tokens on unchanged and records the English words it has not seen in
// its table. Bleve makes one instance per index mapping, that is per
// open index (see Index.init), and runs it in several goroutines.
type stemRecorder struct {
	table *stemTable
}

func (r *stemRecorder) Filter(in analysis.TokenStream) analysis.TokenStream {
	var fresh [][]byte
	r.table.mu.RLock()
	for _, t := range in {
		if !isStemmed(t) {
			continue
		}
		if _, ok := r.table.stemOf[string(t.Term)]; !ok {
			fresh = append(fresh, t.Term)
		}
	}
	r.table.mu.RUnlock()
	if len(fresh) > 0 {
		r.table.add(fresh)
	}
	return in
}

// stemTableOf finds the stem table of the text analyzer a.
func stemTableOf(a analysis.Analyzer) *stemTable {
	da, ok := a.(*analysis.DefaultAnalyzer)
	if !ok {
		return nil
	}
	for _, f := range da.TokenFilters {
		if r, ok := f.(*stemRecorder); ok {
			return r.table
		}
	}
	return nil
}

// stemQuery finds the words of one stem in a field and scores them as
// one term: the term frequency in a document is the sum of the words'
// frequencies, the document frequency the largest of the words' (as
// Lucene's SynonymQuery does), and the score is tf-idf as Bleve's
// TermQueryScorer computes it. A disjunction of the words would instead
// multiply by the share of the words a document uses, ranking a document
// by how many different inflections it uses rather than how often it
// uses the word.
type stemQuery struct {
	// Stem names the query in hit locations; Words are the terms, sorted.
	Stem     string
	Words    []string
	FieldVal string
	BoostVal *query.Boost
}

func newStemQuery(stem string, words []string) *stemQuery {
	return &stemQuery{Stem: stem, Words: words}
}

func (q *stemQuery) SetField(f string) { q.FieldVal = f }

func (q *stemQuery) SetBoost(b float64) {
	boost := query.Boost(b)
	q.BoostVal = &boost
}

// Searcher merges the words' postings in i.
func (q *stemQuery) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	field := q.FieldVal
	if field == "" {
		field = m.DefaultSearchField()
	}
	needFreqNorm := options.Score != "none"
	s := &stemSearcher{options: options}
	var docFreq uint64
	for _, w := range q.Words {
		r, err := i.TermFieldReader(ctx, []byte(w), field, needFreqNorm, needFreqNorm, options.IncludeTermVectors)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.readers = append(s.readers, r)
		s.count += r.Count()
		docFreq = max(docFreq, r.Count())
	}
	docTotal, err := i.DocCount()
	if err != nil {
		s.Close()
		return nil, err
	}
	s.cur = make([]*index.TermFieldDoc, len(s.readers))
	s.tfds = make([]index.TermFieldDoc, len(s.readers))
	s.used = make([]bool, len(s.readers))
	s.scorer = scorer.NewTermQueryScorer([]byte(q.Stem), field, q.BoostVal.Value(), docTotal, docFreq, 0, options)
	return s, nil
}

// stemSearcher is the searcher of a stemQuery: a merge of its words'
// term field readers, in document order.
type stemSearcher struct {
	readers []index.TermFieldReader
	// cur is each reader's current document, nil when it has no more;
	// used marks those that the last hit took.
	cur     []*index.TermFieldDoc
	tfds    []index.TermFieldDoc
	used    []bool
	started bool
	count   uint64
	scorer  *scorer.TermQueryScorer
	options search.SearcherOptions
	hit     index.TermFieldDoc
}

func (s *stemSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	for i, r := range s.readers {
		if s.started && !s.used[i] {
			continue
		}
		if s.started && s.cur[i] == nil {
			continue
		}
		d, err := r.Next(s.tfds[i].Reset())
		if err != nil {
			return nil, err
		}
		s.cur[i] = d
	}
	s.started = true
	return s.emit(ctx), nil
}

func (s *stemSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	for i, r := range s.readers {
		if s.started && (s.cur[i] == nil || s.cur[i].ID.Compare(id) >= 0) {
			continue
		}
		d, err := r.Advance(id, s.tfds[i].Reset())
		if err != nil {
			return nil, err
		}
		s.cur[i] = d
	}
	s.started = true
	return s.emit(ctx), nil
}

// emit scores the lowest current document of the readers, nil when none
// is left, and marks the readers there as used.
func (s *stemSearcher) emit(ctx *search.SearchContext) *search.DocumentMatch {
	var low index.IndexInternalID
	for _, d := range s.cur {
		if d != nil && (low == nil || d.ID.Compare(low) < 0) {
			low = d.ID
		}
	}
	if low == nil {
		return nil
	}
	h := &s.hit
	h.ID = append(h.ID[:0], low...)
	h.Freq = 0
	h.Vectors = h.Vectors[:0]
	for i, d := range s.cur {
		s.used[i] = d != nil && d.ID.Equals(low)
		if !s.used[i] {
			continue
		}
		h.Freq += d.Freq
		h.Norm = d.Norm
		h.Vectors = append(h.Vectors, d.Vectors...)
	}
	if len(h.Vectors) > 1 {
		slices.SortStableFunc(h.Vectors, func(a, b *index.TermFieldVector) int {
			return int(a.Pos) - int(b.Pos)
		})
	}
	return s.scorer.Score(ctx, h)
}

func (s *stemSearcher) Close() error {
	var first error
	for _, r := range s.readers {
		if err := r.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (s *stemSearcher) Weight() float64            { return s.scorer.Weight() }
func (s *stemSearcher) SetQueryNorm(qnorm float64) { s.scorer.SetQueryNorm(qnorm) }

// Count is the sum of the words' documents (conjunctions order their
// clauses by it).
func (s *stemSearcher) Count() uint64 { return s.count }

func (s *stemSearcher) Min() int                   { return 0 }
func (s *stemSearcher) DocumentMatchPoolSize() int { return 1 }

func (s *stemSearcher) Size() int {
	n := s.scorer.Size()
	for _, r := range s.readers {
		n += r.Size()
	}
	return n
}

// leanStem is a stemQuery in the lean evaluator: its words' postings
// walked together, scored as stemSearcher scores (see leanTerm.score).
type leanStem struct {
	words []*leanTerm
	tfidf
	// docs is the largest document count of the words, count their sum.
	docs, sum uint64
	// live are the words with postings in the open segment.
	live []*leanTerm
	cur  uint64
}

func leanStemOf(q *stemQuery) *leanStem {
	s := &leanStem{tfidf: tfidf{boost: q.BoostVal.Value()}}
	for _, w := range q.Words {
		s.words = append(s.words, &leanTerm{field: q.FieldVal, term: []byte(w), tfidf: tfidf{boost: s.boost}})
	}
	return s
}

// bound computes the idf once the words are bound (leanTerm.bind).
func (s *leanStem) bound(docTotal uint64) {
	s.docs, s.sum = 0, 0
	for _, w := range s.words {
		s.docs = max(s.docs, w.docs)
		s.sum += w.docs
	}
	s.setIDF(docTotal, s.docs)
}

func (s *leanStem) count() uint64 { return s.sum }

func (s *leanStem) open(seg *scorch.SegmentSnapshot, base, end uint64) error {
	s.live = s.live[:0]
	for _, w := range s.words {
		if err := w.open(seg, base, end); err != nil {
			return err
		}
		if w.it != nil {
			s.live = append(s.live, w)
		}
	}
	s.cur = 0
	return nil
}

func (s *leanStem) advance(doc uint64) (uint64, error) {
	low := uint64(leanDone)
	for _, w := range s.live {
		n := w.cur
		if !w.started || n < doc {
			var err error
			if n, err = w.advance(doc); err != nil {
				return 0, err
			}
		}
		low = min(low, n)
	}
	s.cur = low
	return low, nil
}

func (s *leanStem) score() float64 {
	var freq uint64
	var norm float64
	for _, w := range s.live {
		if w.cur == s.cur {
			freq += w.freq
			norm = w.norm
		}
	}
	return s.scoreOf(freq, norm)
}
