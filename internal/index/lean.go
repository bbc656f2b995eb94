package index

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/scorer"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// The lean evaluator walks the hits of the common queries (words, the
// words of a stem, both text fields, phrases, AND, OR, NOT and keyword
// filters: trees of term, stem, phrase, disjunction, conjunction and
// boolean queries) straight over the postings of each scorch segment,
// and scores each hit with Bleve's searchers' formula (tf-idf, query norm,
// coordination), in the same order of floating-point operations, so that
// totals, scores and the page are those of Bleve's searchers. Bleve's
// searcher stack costs far more per hit: a DocumentMatch and an internal
// ID of bytes per hit and per clause, compared byte-wise at every step of
// a disjunction or conjunction, interface calls through every level, and
// for a phrase the positions of every posting of every term. A broad
// query walks tens of thousands of hits, so that cost is most of its
// time.
//
// Date ranges and match-all are stepped through their Bleve searchers;
// a query with anything else (prefixes) goes to Bleve's searchers whole.
// The formula is tf-idf because Search builds its searchers without a
// scoring-model callback in the context (Bleve's BM25 is chosen that way)
// and the mapping names none. lean_test.go holds the two paths to the
// same results on random queries, so a Bleve upgrade that changes its
// scoring fails there rather than changing results.

// leanNode is a node of a query the lean evaluator runs.
type leanNode interface {
	// count is what Bleve's searcher of the node answers to Count(): a
	// term's documents, a composite's sum of its children's (conjunctions
	// order their clauses by it).
	count() uint64
	// weight is the searcher's Weight(): the sum of its terms' squared
	// boost × idf.
	weight() float64
	// setNorm gives the terms the query norm, as SetQueryNorm does.
	setNorm(qn float64)
	// open positions the node on segment seg of the snapshot, whose
	// documents are numbered from base up to end in the snapshot, before
	// its first hit.
	open(seg *scorch.SegmentSnapshot, base, end uint64) error
	// advance moves to the first hit at or after local document doc of
	// the open segment and returns it, or leanDone.
	advance(doc uint64) (uint64, error)
	// score is the score of the hit advance returned last.
	score() float64
}

// leanDone is the document number after the last hit.
const leanDone = math.MaxUint64

// leanTicks looks at the context every checkDoneEvery steps of the nodes
// that can step over many documents without a hit (a phrase's candidates,
// a conjunction's leaps, excluded documents).
type leanTicks struct {
	ctx context.Context
	n   uint64
}

func (t *leanTicks) tick() error {
	if t.n++; t.n%checkDoneEvery == 0 {
		return t.ctx.Err()
	}
	return nil
}

// setTicks gives every node of n that steps without hits the ticker.
func setTicks(n leanNode, t *leanTicks) {
	walkLean(n, func(n leanNode) {
		switch n := n.(type) {
		case *leanPhrase:
			n.ticks = t
		case *leanAnd:
			n.ticks = t
		case *leanBool:
			n.ticks = t
		}
	})
}

// walkLean calls visit with every node of the tree under n, each node's
// children before the node itself.
func walkLean(n leanNode, visit func(leanNode)) {
	switch n := n.(type) {
	case nil:
		return
	case *leanPhrase:
		walkLean(n.and, visit)
	case *leanStem:
		for _, w := range n.words {
			walkLean(w, visit)
		}
	case *leanOr:
		for _, c := range n.clauses {
			walkLean(c, visit)
		}
	case *leanAnd:
		for _, c := range n.clauses {
			walkLean(c, visit)
		}
	case *leanBool:
		walkLean(n.must, visit)
		walkLean(n.not, visit)
	}
	visit(n)
}

// leanPlan compiles q for the lean evaluator over snap; ok is false when
// the evaluator would gain nothing (the whole query is one Bleve
// searcher), and then Bleve's searchers run it. Close the plan's searchers
// with closeLean.
func leanPlan(ctx context.Context, q query.Query, snap *scorch.IndexSnapshot, m mapping.IndexMapping) (root leanNode, ok bool, err error) {
	root = leanCompile(q)
	if _, whole := root.(*leanBleve); whole || root == nil {
		return nil, false, nil
	}
	defer func() {
		if err != nil {
			closeLean(root)
		}
	}()
	docTotal, err := snap.DocCount()
	if err != nil {
		return nil, false, err
	}
	var terms []*leanTerm
	collectTerms(root, &terms)
	for _, t := range terms {
		if err := t.bind(snap, docTotal); err != nil {
			return nil, false, err
		}
	}
	walkLean(root, func(n leanNode) {
		if s, ok := n.(*leanStem); ok {
			s.bound(docTotal)
		}
	})
	var others []*leanBleve
	collectBleve(root, &others)
	for _, b := range others {
		if err := b.bind(ctx, snap, m); err != nil {
			return nil, false, err
		}
	}
	orderClauses(root)
	setTicks(root, &leanTicks{ctx: ctx})
	// Every composite searcher sets its clauses' norm when made, and its
	// parent sets it again: the norm of the outermost one holds. A lone
	// term keeps the query weight 1.
	switch r := root.(type) {
	case *leanTerm, *leanStem:
	case *leanBool:
		r.setNorm(1.0 / math.Sqrt(r.must.weight()))
		r.not.setNorm(1.0 / math.Sqrt(r.not.weight()))
	default:
		root.setNorm(1.0 / math.Sqrt(root.weight()))
	}
	return root, true, nil
}

// leanCompile mirrors what Bleve's query layer makes of q (see the
// Searcher methods of TermQuery, DisjunctionQuery, ConjunctionQuery,
// BooleanQuery and MultiPhraseQuery) for the shapes the planner builds.
// Filters (date ranges, everything) are left to their Bleve searchers,
// which the evaluator steps through as clauses: a hit matches one term
// of a date range's cover, so its score does not depend on the order in
// which the searcher is stepped. Other queries (prefixes: a hit may match
// several of their terms, summed in an order that depends on how the
// searcher is stepped) make the whole query Bleve's: nil.
func leanCompile(q query.Query) leanNode {
	switch q := q.(type) {
	case *query.TermQuery:
		if q.FieldVal != "" {
			return &leanTerm{field: q.FieldVal, term: []byte(q.Term), tfidf: tfidf{boost: q.BoostVal.Value()}}
		}
	case *stemQuery:
		if q.FieldVal != "" {
			return leanStemOf(q)
		}
	case *query.MultiPhraseQuery:
		if n, ok := leanPhraseOf(q.Terms, q.FieldVal, q.BoostVal.Value(), q.Fuzziness); ok {
			return n
		}
	case *query.PhraseQuery:
		terms := make([][]string, len(q.Terms))
		for i, t := range q.Terms {
			terms[i] = []string{t}
		}
		if n, ok := leanPhraseOf(terms, q.FieldVal, q.BoostVal.Value(), q.Fuzziness); ok {
			return n
		}
	case *query.DisjunctionQuery:
		if q.Min <= 0 && len(q.Disjuncts) > 0 && len(q.Disjuncts) <= searcher.DisjunctionHeapTakeover {
			d := &leanOr{}
			for _, c := range q.Disjuncts {
				n := leanCompile(c)
				if n == nil {
					return nil
				}
				d.clauses = append(d.clauses, n)
			}
			return d
		}
	case *query.ConjunctionQuery:
		if len(q.Conjuncts) > 0 {
			c := &leanAnd{}
			for _, x := range q.Conjuncts {
				n := leanCompile(x)
				if n == nil {
					return nil
				}
				c.clauses = append(c.clauses, n)
			}
			return c
		}
	case *query.BooleanQuery:
		if q.Should == nil && q.Filter == nil && q.Must != nil {
			must := leanCompile(q.Must)
			if must == nil || q.MustNot == nil {
				return must
			}
			not := leanCompile(q.MustNot)
			if not == nil {
				return nil
			}
			return &leanBool{must: must, not: not}
		}
	case *query.DateRangeQuery, *query.MatchAllQuery:
		return &leanBleve{q: q}
	}
	return nil
}

func collectBleve(n leanNode, out *[]*leanBleve) {
	walkLean(n, func(n leanNode) {
		if b, ok := n.(*leanBleve); ok {
			*out = append(*out, b)
		}
	})
}

// closeLean closes the Bleve searchers of a plan.
func closeLean(n leanNode) {
	var bs []*leanBleve
	collectBleve(n, &bs)
	for _, b := range bs {
		if b.s != nil {
			b.s.Close()
		}
	}
}

func collectTerms(n leanNode, out *[]*leanTerm) {
	walkLean(n, func(n leanNode) {
		if t, ok := n.(*leanTerm); ok {
			*out = append(*out, t)
		}
	})
}

// orderClauses sorts every conjunction's clauses by count, with the sort
// NewConjunctionSearcher uses: sort.Sort is deterministic, so equal
// counts end in the same order, and the scores are summed in it.
func orderClauses(n leanNode) {
	walkLean(n, func(n leanNode) {
		if a, ok := n.(*leanAnd); ok {
			sort.Sort(byCount(a.clauses))
		}
	})
}

type byCount []leanNode

func (b byCount) Len() int           { return len(b) }
func (b byCount) Less(i, j int) bool { return b[i].count() < b[j].count() }
func (b byCount) Swap(i, j int)      { b[i], b[j] = b[j], b[i] }

// leanWalk runs root over every segment of snap and calls hit with each
// hit's number in the snapshot and its score, in ascending order.
func leanWalk(ctx context.Context, root leanNode, snap *scorch.IndexSnapshot, offsets []uint64, hit func(num uint64, score float64)) error {
	var n uint64
	for i, seg := range snap.Segments() {
		base := offsets[i]
		if err := root.open(seg, base, offsets[i+1]); err != nil {
			return err
		}
		d, err := root.advance(0)
		for ; err == nil && d != leanDone; d, err = root.advance(d + 1) {
			if n++; n%checkDoneEvery == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			hit(base+d, root.score())
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// leanTerm is a term in a field, scored as TermQueryScorer does with the
// default (tf-idf) model.
type leanTerm struct {
	field string
	term  []byte
	tfidf
	// docs is the number of live documents with the term in the
	// snapshot (the term field reader's Count).
	docs   uint64
	listOf map[*scorch.SegmentSnapshot]segment.PostingsList
	// The open segment's iterator and its current posting; cur is
	// leanDone past the last.
	it      segment.PostingsIterator
	started bool
	cur     uint64
	freq    uint64
	norm    float64
	// locs makes the term read its positions (in a phrase), on demand
	// (see positions): a second iterator, with locations, is moved only
	// to the documents where every term of the phrase is, since decoding
	// locations costs more than the rest of a posting.
	locs    bool
	locIt   segment.PostingsIterator
	locList segment.PostingsList
	locAt   uint64
	locRead bool
	pos     []uint64
}

// bind reads the term's postings lists of every segment and its idf.
func (t *leanTerm) bind(snap *scorch.IndexSnapshot, docTotal uint64) error {
	t.listOf = map[*scorch.SegmentSnapshot]segment.PostingsList{}
	t.docs = 0
	for _, ss := range snap.Segments() {
		dict, err := ss.Segment().Dictionary(t.field)
		if err != nil {
			return fmt.Errorf("dictionary of %s: %w", t.field, err)
		}
		pl, err := dict.PostingsList(t.term, ss.Deleted(), nil)
		if err != nil {
			return fmt.Errorf("postings of %s:%s: %w", t.field, t.term, err)
		}
		t.listOf[ss] = pl
		t.docs += pl.Count()
	}
	t.setIDF(docTotal, t.docs)
	return nil
}

func (t *leanTerm) count() uint64 { return t.docs }

func (t *leanTerm) open(seg *scorch.SegmentSnapshot, base, end uint64) error {
	t.it, t.locIt, t.locList = nil, nil, nil
	t.cur = 0
	t.started, t.locRead = false, false
	if pl := t.listOf[seg]; pl != nil && pl.Count() > 0 {
		t.it = pl.Iterator(true, true, false, nil)
		t.locList = pl
	}
	return nil
}

func (t *leanTerm) advance(doc uint64) (uint64, error) {
	if t.it == nil {
		return leanDone, nil
	}
	if t.started && t.cur >= doc {
		return t.cur, nil
	}
	var p segment.Posting
	var err error
	switch {
	case !t.started && doc == 0, t.started && doc == t.cur+1:
		p, err = t.it.Next()
	default:
		// Advance wants a number past the current posting's.
		p, err = t.it.Advance(doc)
	}
	t.started = true
	if err != nil {
		return 0, fmt.Errorf("postings of %s:%s: %w", t.field, t.term, err)
	}
	if p == nil {
		t.cur = leanDone
		return leanDone, nil
	}
	t.cur, t.freq, t.norm = p.Number(), p.Frequency(), p.Norm()
	return t.cur, nil
}

// positions returns the positions of the term in its current document.
func (t *leanTerm) positions() ([]uint64, error) {
	if t.locList == nil || t.cur == leanDone {
		return nil, nil
	}
	if t.locRead && t.locAt == t.cur {
		return t.pos, nil
	}
	if t.locIt == nil {
		t.locIt = t.locList.Iterator(true, true, true, nil)
	}
	var p segment.Posting
	var err error
	if !t.locRead && t.cur == 0 {
		p, err = t.locIt.Next()
	} else {
		p, err = t.locIt.Advance(t.cur)
	}
	t.locRead = true
	if err != nil {
		return nil, fmt.Errorf("positions of %s:%s: %w", t.field, t.term, err)
	}
	t.pos = t.pos[:0]
	if p == nil || p.Number() != t.cur {
		// Not where the walk is: cannot happen, both iterators read
		// the same postings list.
		return nil, fmt.Errorf("positions of %s:%s: document %d not found", t.field, t.term, t.cur)
	}
	t.locAt = t.cur
	for _, l := range p.Locations() {
		t.pos = append(t.pos, l.Pos())
	}
	return t.pos, nil
}

func (t *leanTerm) score() float64 { return t.scoreOf(t.freq, t.norm) }

// tfidf scores a term (or a stem's words taken as one term) as Bleve's
// TermQueryScorer does with the default model, in the same order of
// floating-point operations.
type tfidf struct {
	boost, idf, queryWeight float64
}

// setIDF sets the idf of a term found in docs of docTotal documents.
func (t *tfidf) setIDF(docTotal, docs uint64) {
	t.idf = 1.0 + math.Log(float64(docTotal)/float64(docs+1.0))
	t.queryWeight = 1.0
}

func (t *tfidf) weight() float64 {
	sum := t.boost * t.idf
	return sum * sum
}

func (t *tfidf) setNorm(qn float64) { t.queryWeight = t.boost * t.idf * qn }

// scoreOf is the score of a hit with the term freq times in a field of
// norm.
func (t *tfidf) scoreOf(freq uint64, norm float64) float64 {
	var tf float64
	if freq < scorer.MaxSqrtCache {
		tf = scorer.SqrtCache[int(freq)]
	} else {
		tf = math.Sqrt(float64(freq))
	}
	s := tf * norm * t.idf
	if t.queryWeight != 1.0 {
		s = s * t.queryWeight
	}
	return s
}

// sumCount, sumWeight and setNorms are what a composite's searcher
// answers for its clauses: Count and Weight summed, the query norm passed
// down.
func sumCount(clauses []leanNode) uint64 {
	var n uint64
	for _, c := range clauses {
		n += c.count()
	}
	return n
}

func sumWeight(clauses []leanNode) float64 {
	var w float64
	for _, c := range clauses {
		w += c.weight()
	}
	return w
}

func setNorms(clauses []leanNode, qn float64) {
	for _, c := range clauses {
		c.setNorm(qn)
	}
}

// leanOr is a disjunction: the sum of its matching clauses' scores (in
// clause order) times the share of its clauses that match.
type leanOr struct {
	clauses []leanNode
	curs    []uint64
	cur     uint64
}

func (d *leanOr) count() uint64      { return sumCount(d.clauses) }
func (d *leanOr) weight() float64    { return sumWeight(d.clauses) }
func (d *leanOr) setNorm(qn float64) { setNorms(d.clauses, qn) }

func (d *leanOr) open(seg *scorch.SegmentSnapshot, base, end uint64) error {
	d.curs = make([]uint64, len(d.clauses))
	for i, c := range d.clauses {
		if err := c.open(seg, base, end); err != nil {
			return err
		}
		d.curs[i] = 0
	}
	d.cur = 0
	return nil
}

func (d *leanOr) advance(doc uint64) (uint64, error) {
	low := uint64(leanDone)
	for i, c := range d.clauses {
		n, err := c.advance(doc)
		if err != nil {
			return 0, err
		}
		d.curs[i] = n
		low = min(low, n)
	}
	d.cur = low
	return low, nil
}

func (d *leanOr) score() float64 {
	var sum float64
	matched := 0
	for i, c := range d.clauses {
		if d.curs[i] == d.cur {
			sum += c.score()
			matched++
		}
	}
	coord := float64(matched) / float64(len(d.clauses))
	return sum * coord
}

// leanAnd is a conjunction: the sum of its clauses' scores, in the order
// of their counts.
type leanAnd struct {
	clauses []leanNode
	ticks   *leanTicks
}

func (c *leanAnd) count() uint64      { return sumCount(c.clauses) }
func (c *leanAnd) weight() float64    { return sumWeight(c.clauses) }
func (c *leanAnd) setNorm(qn float64) { setNorms(c.clauses, qn) }

func (c *leanAnd) open(seg *scorch.SegmentSnapshot, base, end uint64) error {
	for _, x := range c.clauses {
		if err := x.open(seg, base, end); err != nil {
			return err
		}
	}
	return nil
}

func (c *leanAnd) advance(doc uint64) (uint64, error) {
	target := doc
	for {
		agreed := true
		for _, x := range c.clauses {
			n, err := x.advance(target)
			if err != nil {
				return 0, err
			}
			if n == leanDone {
				return leanDone, nil
			}
			if n > target {
				target = n
				agreed = false
				break
			}
		}
		if agreed {
			return target, nil
		}
		if err := c.ticks.tick(); err != nil {
			return 0, err
		}
	}
}

func (c *leanAnd) score() float64 {
	var sum float64
	for _, x := range c.clauses {
		sum += x.score()
	}
	return sum
}

// leanBool is a boolean query with required clauses and excluded ones,
// scored as its required part.
type leanBool struct {
	must, not leanNode
	ticks     *leanTicks
}

func (b *leanBool) count() uint64 { return b.must.count() }

func (b *leanBool) weight() float64 { return b.must.weight() }

func (b *leanBool) setNorm(qn float64) { b.must.setNorm(qn) }

func (b *leanBool) open(seg *scorch.SegmentSnapshot, base, end uint64) error {
	if err := b.must.open(seg, base, end); err != nil {
		return err
	}
	return b.not.open(seg, base, end)
}

func (b *leanBool) advance(doc uint64) (uint64, error) {
	for {
		d, err := b.must.advance(doc)
		if err != nil || d == leanDone {
			return d, err
		}
		n, err := b.not.advance(d)
		if err != nil {
			return 0, err
		}
		if n != d {
			return d, nil
		}
		if err := b.ticks.tick(); err != nil {
			return 0, err
		}
		doc = d + 1
	}
}

func (b *leanBool) score() float64 {
	var sum float64
	sum += b.must.score()
	return sum
}

// leanPhrase is a phrase, as NewMultiPhraseSearcher makes it: a
// conjunction of one clause per position (a term, or a disjunction of the
// position's terms), scored as that conjunction, whose hits must have the
// clauses' terms at consecutive positions. An empty position (a stop
// word's gap) matches any word; leading ones are dropped, as
// findPhrasePaths drops them.
type leanPhrase struct {
	and *leanAnd
	// slots are the phrase's positions after the leading gaps: the terms
	// that may stand at each, none at a gap.
	slots [][]*leanTerm
	ticks *leanTicks
}

// leanPhraseOf compiles a (multi-)phrase query of Bleve's.
func leanPhraseOf(terms [][]string, field string, boost float64, fuzziness int) (leanNode, bool) {
	if field == "" || fuzziness != 0 {
		return nil, false
	}
	p := &leanPhrase{and: &leanAnd{}}
	for _, pos := range terms {
		var slot []*leanTerm
		var clause []leanNode
		for _, t := range pos {
			if t == "" {
				continue
			}
			lt := &leanTerm{field: field, term: []byte(t), tfidf: tfidf{boost: boost}, locs: true}
			slot = append(slot, lt)
			clause = append(clause, lt)
		}
		switch {
		case len(pos) == 1 && len(slot) == 1:
			p.and.clauses = append(p.and.clauses, clause[0])
		case len(pos) > 1 && len(slot) > 0:
			if len(slot) > searcher.DisjunctionHeapTakeover {
				return nil, false
			}
			p.and.clauses = append(p.and.clauses, &leanOr{clauses: clause})
		case len(pos) > 1:
			// A disjunction of nothing: Bleve's would match nothing.
			return nil, false
		}
		if len(slot) == 0 && len(p.slots) == 0 {
			continue
		}
		p.slots = append(p.slots, slot)
	}
	if len(p.and.clauses) == 0 {
		return nil, false
	}
	return p, true
}

func (p *leanPhrase) count() uint64      { return p.and.count() }
func (p *leanPhrase) weight() float64    { return p.and.weight() }
func (p *leanPhrase) setNorm(qn float64) { p.and.setNorm(qn) }
func (p *leanPhrase) score() float64     { return p.and.score() }

func (p *leanPhrase) open(seg *scorch.SegmentSnapshot, base, end uint64) error {
	return p.and.open(seg, base, end)
}

func (p *leanPhrase) advance(doc uint64) (uint64, error) {
	for {
		d, err := p.and.advance(doc)
		if err != nil || d == leanDone {
			return d, err
		}
		ok, err := p.matches(d)
		if err != nil {
			return 0, err
		}
		if ok {
			return d, nil
		}
		if err := p.ticks.tick(); err != nil {
			return 0, err
		}
		doc = d + 1
	}
}

// matches reports whether the terms stand in order at document d, where
// every clause matches.
func (p *leanPhrase) matches(d uint64) (bool, error) {
	for _, t := range p.slots[0] {
		if t.cur != d {
			continue
		}
		starts, err := t.positions()
		if err != nil {
			return false, err
		}
		for _, start := range starts {
			ok, err := p.from(1, start, d)
			if ok || err != nil {
				return ok, err
			}
		}
	}
	return false, nil
}

// from reports whether slots[i:] can follow a match ending at position
// prev.
func (p *leanPhrase) from(i int, prev, d uint64) (bool, error) {
	if i == len(p.slots) {
		return true, nil
	}
	if len(p.slots[i]) == 0 {
		return p.from(i+1, prev+1, d)
	}
	for _, t := range p.slots[i] {
		if t.cur != d {
			continue
		}
		pos, err := t.positions()
		if err != nil {
			return false, err
		}
		// Positions come in ascending order.
		if _, found := slices.BinarySearch(pos, prev+1); !found {
			continue
		}
		ok, err := p.from(i+1, prev+1, d)
		if ok || err != nil {
			return ok, err
		}
	}
	return false, nil
}

// leanBleve is a clause the evaluator does not run itself: Bleve's
// searcher of it, stepped through with Advance over the snapshot's
// numbers. Its weight, norm and count are the searcher's own, as in
// Bleve's composite searchers.
type leanBleve struct {
	q    query.Query
	s    search.Searcher
	sctx *search.SearchContext
	id   index.IndexInternalID
	// dm is the searcher's current hit, nil before the first and after
	// the last (done).
	dm        *search.DocumentMatch
	num       uint64
	done      bool
	base, end uint64
}

func (b *leanBleve) bind(ctx context.Context, snap *scorch.IndexSnapshot, m mapping.IndexMapping) error {
	s, err := b.q.Searcher(ctx, snap, m, search.SearcherOptions{})
	if err != nil {
		return err
	}
	b.s = s
	b.sctx = &search.SearchContext{
		DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0),
		IndexReader:       snap,
	}
	b.id = index.NewIndexInternalID(nil, 0)
	return nil
}

func (b *leanBleve) count() uint64      { return b.s.Count() }
func (b *leanBleve) weight() float64    { return b.s.Weight() }
func (b *leanBleve) setNorm(qn float64) { b.s.SetQueryNorm(qn) }
func (b *leanBleve) score() float64     { return b.dm.Score }

func (b *leanBleve) open(_ *scorch.SegmentSnapshot, base, end uint64) error {
	b.base, b.end = base, end
	return nil
}

func (b *leanBleve) advance(doc uint64) (uint64, error) {
	target := b.base + doc
	if b.done {
		return leanDone, nil
	}
	if b.dm == nil || b.num < target {
		if b.dm != nil {
			b.sctx.DocumentMatchPool.Put(b.dm)
		}
		b.id.SetValue(target)
		dm, err := b.s.Advance(b.sctx, b.id)
		if err != nil {
			return 0, err
		}
		b.dm = dm
		if dm == nil {
			b.done = true
			return leanDone, nil
		}
		b.num = dm.IndexInternalID.Value()
	}
	if b.num >= b.end {
		// The hit is in a later segment.
		return leanDone, nil
	}
	return b.num - b.base, nil
}
