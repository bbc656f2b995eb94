package index

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/scorer"
	"github.com/blevesearch/bleve/v2/search/searcher"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// The lean evaluator walks the hits of the common queries (words, their
// stems, both text fields, AND, OR, NOT and keyword filters: trees of
// term, disjunction, conjunction and boolean queries) straight over the
// postings of each scorch segment, and scores each hit with the formula
// Bleve's searchers use (tf-idf, query norm, coordination), in the same
// order of floating-point operations, so that totals, scores and the page
// are those of Bleve's searchers. Bleve's searcher stack costs far more
// per hit: a DocumentMatch and an internal ID of bytes per hit and per
// clause, compared byte-wise at every step of a disjunction or
// conjunction, interface calls through every level. A broad query walks
// tens of thousands of hits, so that cost is most of its time.
//
// Other queries (phrases, prefixes, date ranges, everything) go to
// Bleve's searchers. lean_test.go holds the two to the same results on
// random queries.

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
	// open positions the node on segment seg of the snapshot, before its
	// first hit.
	open(seg *scorch.SegmentSnapshot) error
	// advance moves to the first hit at or after local document doc of
	// the open segment and returns it, or leanDone.
	advance(doc uint64) (uint64, error)
	// score is the score of the hit advance returned last.
	score() float64
}

// leanDone is the document number after the last hit.
const leanDone = math.MaxUint64

// leanPlan compiles q for the lean evaluator over snap; ok is false when
// q has a part it does not run (then Bleve's searchers do).
func leanPlan(q query.Query, snap *scorch.IndexSnapshot) (root leanNode, ok bool, err error) {
	root, ok = leanCompile(q)
	if !ok {
		return nil, false, nil
	}
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
	orderClauses(root)
	// Every composite searcher sets its clauses' norm when made, and its
	// parent sets it again: the norm of the outermost one holds. A lone
	// term keeps the query weight 1.
	switch r := root.(type) {
	case *leanTerm:
	case *leanBool:
		r.setNorm(1.0 / math.Sqrt(r.must.weight()))
		r.not.setNorm(1.0 / math.Sqrt(r.not.weight()))
	default:
		root.setNorm(1.0 / math.Sqrt(root.weight()))
	}
	return root, true, nil
}

// leanCompile mirrors what Bleve's query layer makes of q (see the
// Searcher methods of TermQuery, DisjunctionQuery, ConjunctionQuery and
// BooleanQuery) for the shapes the planner builds.
func leanCompile(q query.Query) (leanNode, bool) {
	switch q := q.(type) {
	case *query.TermQuery:
		if q.FieldVal == "" {
			return nil, false
		}
		return &leanTerm{field: q.FieldVal, term: []byte(q.Term), boost: q.BoostVal.Value()}, true
	case *query.MultiPhraseQuery:
		return leanPhraseOf(q.Terms, q.FieldVal, q.BoostVal.Value(), q.Fuzziness)
	case *query.PhraseQuery:
		terms := make([][]string, len(q.Terms))
		for i, t := range q.Terms {
			terms[i] = []string{t}
		}
		return leanPhraseOf(terms, q.FieldVal, q.BoostVal.Value(), q.Fuzziness)
	case *query.DisjunctionQuery:
		if q.Min > 0 || len(q.Disjuncts) == 0 || len(q.Disjuncts) > searcher.DisjunctionHeapTakeover {
			return nil, false
		}
		d := &leanOr{}
		for _, c := range q.Disjuncts {
			n, ok := leanCompile(c)
			if !ok {
				return nil, false
			}
			d.clauses = append(d.clauses, n)
		}
		return d, true
	case *query.ConjunctionQuery:
		if len(q.Conjuncts) == 0 {
			return nil, false
		}
		c := &leanAnd{}
		for _, x := range q.Conjuncts {
			n, ok := leanCompile(x)
			if !ok {
				return nil, false
			}
			c.clauses = append(c.clauses, n)
		}
		return c, true
	case *query.BooleanQuery:
		if q.Should != nil || q.Filter != nil || q.Must == nil {
			return nil, false
		}
		must, ok := leanCompile(q.Must)
		if !ok {
			return nil, false
		}
		if q.MustNot == nil {
			return must, true
		}
		not, ok := leanCompile(q.MustNot)
		if !ok {
			return nil, false
		}
		return &leanBool{must: must, not: not}, true
	}
	return nil, false
}

func collectTerms(n leanNode, out *[]*leanTerm) {
	switch n := n.(type) {
	case *leanPhrase:
		collectTerms(n.and, out)
	case *leanTerm:
		*out = append(*out, n)
	case *leanOr:
		for _, c := range n.clauses {
			collectTerms(c, out)
		}
	case *leanAnd:
		for _, c := range n.clauses {
			collectTerms(c, out)
		}
	case *leanBool:
		collectTerms(n.must, out)
		collectTerms(n.not, out)
	}
}

// orderClauses sorts every conjunction's clauses by count, with the sort
// NewConjunctionSearcher uses: sort.Sort is deterministic, so equal
// counts end in the same order, and the scores are summed in it.
func orderClauses(n leanNode) {
	switch n := n.(type) {
	case *leanPhrase:
		orderClauses(n.and)
	case *leanOr:
		for _, c := range n.clauses {
			orderClauses(c)
		}
	case *leanAnd:
		for _, c := range n.clauses {
			orderClauses(c)
		}
		sort.Sort(byCount(n.clauses))
	case *leanBool:
		orderClauses(n.must)
		orderClauses(n.not)
	}
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
		if err := root.open(seg); err != nil {
			return err
		}
		base := offsets[i]
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
	boost float64
	// docs is the number of live documents with the term in the
	// snapshot (the term field reader's Count).
	docs             uint64
	idf, queryWeight float64
	listOf           map[*scorch.SegmentSnapshot]segment.PostingsList
	// The open segment's iterator and its current posting; cur is
	// leanDone past the last.
	it      segment.PostingsIterator
	started bool
	cur     uint64
	freq    uint64
	norm    float64
	// locs makes the term read its positions (in a phrase); pos holds
	// those of the current posting.
	locs bool
	pos  []uint64
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
	t.idf = 1.0 + math.Log(float64(docTotal)/float64(t.docs+1.0))
	t.queryWeight = 1.0
	return nil
}

func (t *leanTerm) count() uint64 { return t.docs }

func (t *leanTerm) weight() float64 {
	sum := t.boost * t.idf
	return sum * sum
}

func (t *leanTerm) setNorm(qn float64) { t.queryWeight = t.boost * t.idf * qn }

func (t *leanTerm) open(seg *scorch.SegmentSnapshot) error {
	t.it = nil
	t.cur = 0
	t.started = false
	if pl := t.listOf[seg]; pl != nil && pl.Count() > 0 {
		t.it = pl.Iterator(true, true, t.locs, nil)
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
	if t.locs {
		t.pos = t.pos[:0]
		for _, l := range p.Locations() {
			t.pos = append(t.pos, l.Pos())
		}
	}
	return t.cur, nil
}

func (t *leanTerm) score() float64 {
	var tf float64
	if t.freq < scorer.MaxSqrtCache {
		tf = scorer.SqrtCache[int(t.freq)]
	} else {
		tf = math.Sqrt(float64(t.freq))
	}
	s := tf * t.norm * t.idf
	if t.queryWeight != 1.0 {
		s = s * t.queryWeight
	}
	return s
}

// leanOr is a disjunction: the sum of its matching clauses' scores (in
// clause order) times the share of its clauses that match.
type leanOr struct {
	clauses []leanNode
	curs    []uint64
	cur     uint64
}

func (d *leanOr) count() uint64 {
	var n uint64
	for _, c := range d.clauses {
		n += c.count()
	}
	return n
}

func (d *leanOr) weight() float64 {
	var w float64
	for _, c := range d.clauses {
		w += c.weight()
	}
	return w
}

func (d *leanOr) setNorm(qn float64) {
	for _, c := range d.clauses {
		c.setNorm(qn)
	}
}

func (d *leanOr) open(seg *scorch.SegmentSnapshot) error {
	d.curs = make([]uint64, len(d.clauses))
	for i, c := range d.clauses {
		if err := c.open(seg); err != nil {
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
}

func (c *leanAnd) count() uint64 {
	var n uint64
	for _, x := range c.clauses {
		n += x.count()
	}
	return n
}

func (c *leanAnd) weight() float64 {
	var w float64
	for _, x := range c.clauses {
		w += x.weight()
	}
	return w
}

func (c *leanAnd) setNorm(qn float64) {
	for _, x := range c.clauses {
		x.setNorm(qn)
	}
}

func (c *leanAnd) open(seg *scorch.SegmentSnapshot) error {
	for _, x := range c.clauses {
		if err := x.open(seg); err != nil {
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
}

func (b *leanBool) count() uint64 { return b.must.count() }

func (b *leanBool) weight() float64 { return b.must.weight() }

func (b *leanBool) setNorm(qn float64) { b.must.setNorm(qn) }

func (b *leanBool) open(seg *scorch.SegmentSnapshot) error {
	if err := b.must.open(seg); err != nil {
		return err
	}
	return b.not.open(seg)
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
			lt := &leanTerm{field: field, term: []byte(t), boost: boost, locs: true}
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

func (p *leanPhrase) open(seg *scorch.SegmentSnapshot) error { return p.and.open(seg) }

func (p *leanPhrase) advance(doc uint64) (uint64, error) {
	for {
		d, err := p.and.advance(doc)
		if err != nil || d == leanDone {
			return d, err
		}
		if p.matches(d) {
			return d, nil
		}
		doc = d + 1
	}
}

// matches reports whether the terms stand in order at document d, where
// every clause matches.
func (p *leanPhrase) matches(d uint64) bool {
	for _, t := range p.slots[0] {
		if t.cur != d {
			continue
		}
		for _, start := range t.pos {
			if p.from(1, start, d) {
				return true
			}
		}
	}
	return false
}

// from reports whether slots[i:] can follow a match ending at position
// prev.
func (p *leanPhrase) from(i int, prev, d uint64) bool {
	if i == len(p.slots) {
		return true
	}
	if len(p.slots[i]) == 0 {
		return p.from(i+1, prev+1, d)
	}
	for _, t := range p.slots[i] {
		if t.cur == d && slices.Contains(t.pos, prev+1) && p.from(i+1, prev+1, d) {
			return true
		}
	}
	return false
}
