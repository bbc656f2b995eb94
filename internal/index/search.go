package index

import (
	"cmp"
	"container/heap"
	"context"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/highlight"
	"github.com/blevesearch/bleve/v2/search/highlight/highlighter/html"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"riverside/internal/news"
)

// Page sizes of a search.
const (
	DefaultSize = 20
	MaxSize     = 100
)

// FacetNames are the facets a search can count (news.Query.Facets).
var FacetNames = []string{fieldSource, fieldDistrict, fieldLang, fieldMonth}

// facetSizes bounds the buckets returned per facet. Months are many
// (years of news), the others are few.
var facetSizes = map[string]int{
	fieldSource:   50,
	fieldDistrict: 20,
	fieldLang:     10,
	fieldMonth:    240,
}

// checkDoneEvery is how many hits the collector counts between looks at
// the context.
const checkDoneEvery = 1024

// Search runs q. A malformed q.Q is a *QueryError, a bad q.After a
// *CursorError.
//
// A search is two passes over one snapshot of the index. The first walks
// every hit without positions: it counts the total and the facets and
// keeps the page's hits, by score and date looked up in memory (see
// metaCache). The second reads the stored fields and positions of the
// page's hits only, for the snippets.
func (x *Index) Search(ctx context.Context, q news.Query) (_ *news.Result, err error) {
	defer contain("search", &err)
	start := time.Now()
	plan, err := x.plan(q)
	if err != nil {
		return nil, err
	}
	r, err := x.bleve.Advanced()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	reader, err := r.Reader()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer reader.Close()
	snap, ok := reader.(*scorch.IndexSnapshot)
	if !ok {
		return nil, fmt.Errorf("search: index reader %T is not scorch's", reader)
	}
	meta, err := x.meta.forSnapshot(snap)
	if err != nil {
		return nil, err
	}
	col, err := x.collect(ctx, snap, meta, plan)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.Q, err)
	}
	hits, err := x.present(ctx, snap, plan, col.page)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.Q, err)
	}
	out := &news.Result{
		Total:    col.total,
		Hits:     hits,
		Facets:   x.facetValues(plan.facets, col.counts),
		Expanded: plan.expanded,
	}
	if col.more && len(col.page) > 0 {
		out.Next = encodeCursor(plan.sort, col.page[len(col.page)-1].key)
	}
	out.TookMS = time.Since(start).Milliseconds()
	return out, nil
}

// plan is a query made ready to run.
type plan struct {
	query    query.Query
	expanded []string
	sort     string
	// skip hits before the page (page numbers), or after (a cursor).
	skip, size int
	after      *sortKey
	// facets names the facets to count.
	facets []string
	// all is the empty query: everything.
	all bool
	// chars are the one-character Chinese words of the query, whose
	// matches inside a bigram are marked on that character alone.
	chars map[string]bool
}

// plan parses and builds q.
func (x *Index) plan(q news.Query) (*plan, error) {
	tree, err := Parse(q.Q)
	if err != nil {
		return nil, err
	}
	p := &planner{x: x, expand: !q.NoExpand}
	userQuery, err := p.build(tree)
	if err != nil {
		return nil, err
	}
	if userQuery == nil {
		// Only stop words: nothing to look for.
		userQuery = query.NewMatchNoneQuery()
	}
	conj := []query.Query{userQuery}
	for _, f := range []struct{ field, v string }{{fieldSource, q.Source}, {fieldDistrict, q.District}, {fieldLang, q.Lang}} {
		if f.v != "" {
			conj = append(conj, x.mustTerm(f.field, f.v))
		}
	}
	if r, ok := dateRange(q.From, q.To); !ok {
		conj = append(conj, query.NewMatchNoneQuery())
	} else if r != nil {
		conj = append(conj, r)
	}
	pl := &plan{query: userQuery, expanded: p.expanded}
	if len(conj) > 1 {
		pl.query = query.NewConjunctionQuery(conj)
	}
	_, pl.all = tree.(allNode)
	pl.chars = hanChars(tree)

	pl.size = q.Size
	if pl.size <= 0 {
		pl.size = DefaultSize
	}
	pl.size = min(pl.size, MaxSize)
	pl.sort = q.Sort
	if pl.sort == "" {
		pl.sort = news.SortRelevance
		if pl.all {
			pl.sort = news.SortDateDesc
		}
	}
	switch pl.sort {
	case news.SortRelevance, news.SortDate, news.SortDateDesc:
	default:
		return nil, fmt.Errorf("search: unknown sort %q (want %s, %s or %s)", q.Sort, news.SortRelevance, news.SortDate, news.SortDateDesc)
	}
	if q.After != "" {
		if pl.after, err = decodeCursor(q.After, pl.sort); err != nil {
			return nil, err
		}
	} else {
		pl.skip = (max(q.Page, 1) - 1) * pl.size
	}
	pl.facets = FacetNames
	if q.Facets != nil {
		pl.facets = nil
		for _, f := range q.Facets {
			if _, ok := facetSizes[f]; !ok {
				return nil, &FacetError{Name: f}
			}
			if !slices.Contains(pl.facets, f) {
				pl.facets = append(pl.facets, f)
			}
		}
	}
	return pl, nil
}

// FacetError reports a facet that does not exist.
type FacetError struct{ Name string }

func (e *FacetError) Error() string {
	return fmt.Sprintf("no facet %q (facets: source, district, lang, month)", e.Name)
}

// mustTerm is a filter on a keyword field.
func (x *Index) mustTerm(field, v string) query.Query {
	q, _ := x.term(termNode{field: field, text: v})
	return q
}

// sortKey is what hits are ordered by: the sort order's first key, then
// the others, then the ID, so that the order is total and a cursor names
// one place in it.
type sortKey struct {
	score     float64
	published int64
	dated     bool
	// id is read only when a tie needs it (see ider); num is the
	// document's number in the snapshot searched, 0 in a cursor.
	id  string
	num uint64
}

// ider reads the IDs of documents by number, once each.
type ider struct {
	snap *scorch.IndexSnapshot
	err  error
}

// of returns k's ID, reading it from the snapshot when not yet known.
func (d *ider) of(k *sortKey) string {
	if k.id == "" && d != nil && d.snap != nil {
		id, err := d.snap.ExternalID(index.NewIndexInternalID(nil, k.num))
		if err != nil && d.err == nil {
			d.err = fmt.Errorf("id of document %d: %w", k.num, err)
		}
		k.id = id
	}
	return k.id
}

// compareKeys orders a before b (< 0) when a comes first in sortBy.
// Undated articles come last in every order. Relevance ties are broken by
// date, newest first; date ties by relevance; the rest by ID, read through
// ids.
func compareKeys(sortBy string, a, b *sortKey, ids *ider) int {
	byScore := func() int { return cmp.Compare(b.score, a.score) }
	byDate := func(desc bool) int {
		switch {
		case a.dated != b.dated:
			if a.dated {
				return -1
			}
			return 1
		case desc:
			return cmp.Compare(b.published, a.published)
		}
		return cmp.Compare(a.published, b.published)
	}
	var c int
	switch sortBy {
	case news.SortDate:
		c = cmp.Or(byDate(false), byScore())
	case news.SortDateDesc:
		c = cmp.Or(byDate(true), byScore())
	default:
		c = cmp.Or(byScore(), byDate(true))
	}
	if c != 0 {
		return c
	}
	return cmp.Compare(ids.of(a), ids.of(b))
}

// entry is a hit kept by the collector.
type entry struct {
	key sortKey
}

// worstFirst is a heap of the page's entries with the one that would
// leave first on top.
type worstFirst struct {
	sortBy  string
	ids     *ider
	entries []*entry
}

func (h *worstFirst) Len() int { return len(h.entries) }
func (h *worstFirst) Less(i, j int) bool {
	return compareKeys(h.sortBy, &h.entries[i].key, &h.entries[j].key, h.ids) > 0
}
func (h *worstFirst) Swap(i, j int) { h.entries[i], h.entries[j] = h.entries[j], h.entries[i] }
func (h *worstFirst) Push(x any)    { h.entries = append(h.entries, x.(*entry)) }
func (h *worstFirst) Pop() any {
	e := h.entries[len(h.entries)-1]
	h.entries = h.entries[:len(h.entries)-1]
	return e
}

// collected is what the first pass found.
type collected struct {
	total uint64
	// counts[f][v] is the number of hits with value v+1 of facet f.
	counts map[string][]int
	page   []*entry
	// more is true when hits follow the page.
	more bool
}

// collect walks every hit of p.query in snap: it counts them and their
// facet values and keeps the hits of the page.
func (x *Index) collect(ctx context.Context, snap *scorch.IndexSnapshot, meta *snapshotMeta, p *plan) (*collected, error) {
	keep := p.skip + p.size + 1 // one more tells whether a next page exists
	col := &collected{counts: map[string][]int{}}
	// One counter per facet, indexed by value number; nil when the facet
	// is not asked for. Values numbered after the search began (a
	// segment read meanwhile) grow the counter.
	var sources, langs, months, districts []int
	for _, f := range p.facets {
		c := make([]int, x.meta.values(f)+1)
		switch f {
		case fieldSource:
			sources = c
		case fieldLang:
			langs = c
		case fieldMonth:
			months = c
		case fieldDistrict:
			districts = c
		}
	}
	count := func(c []int, v uint16) []int {
		if c == nil || v == 0 {
			return c
		}
		if int(v) >= len(c) {
			c = append(c, make([]int, int(v)-len(c)+1)...)
		}
		c[v]++
		return c
	}
	ids := &ider{snap: snap}
	h := &worstFirst{sortBy: p.sort, ids: ids}
	// add takes one hit, in ascending order of number.
	add := func(num uint64, score float64) {
		col.total++
		m := meta.lookup(num)
		sources = count(sources, m.source)
		langs = count(langs, m.lang)
		months = count(months, m.month)
		if districts != nil {
			for d := m.districts; d != 0; d &= d - 1 {
				districts = count(districts, uint16(bits.TrailingZeros64(d)+1))
			}
		}
		if math.IsNaN(score) || math.IsInf(score, 0) {
			// JSON can't carry these; a filter-only query can score so.
			score = 0
		}
		// The key lives on the stack until the hit makes the page: most
		// hits of a broad query never do.
		key := sortKey{score: score, published: m.published, dated: m.dated, num: num}
		if p.after != nil && compareKeys(p.sort, &key, p.after, ids) <= 0 {
			return
		}
		if h.Len() < keep {
			heap.Push(h, &entry{key: key})
			return
		}
		if top := h.entries[0]; compareKeys(p.sort, &key, &top.key, ids) < 0 {
			// The entry leaving the page is reused for the one coming in.
			top.key = key
			heap.Fix(h, 0)
		}
	}
	err := x.walk(ctx, snap, meta, p, add)
	for f, c := range map[string][]int{fieldSource: sources, fieldLang: langs, fieldMonth: months, fieldDistrict: districts} {
		if c != nil {
			col.counts[f] = c
		}
	}
	if err == nil {
		err = ids.err
	}
	if err != nil {
		return nil, err
	}
	kept := make([]*entry, h.Len())
	for i := len(kept) - 1; i >= 0; i-- {
		kept[i] = heap.Pop(h).(*entry)
	}
	if len(kept) > p.skip+p.size {
		col.more = true
		kept = kept[:p.skip+p.size]
	}
	if p.skip < len(kept) {
		col.page = kept[p.skip:]
	}
	// The page's hits are shown by ID.
	for _, e := range col.page {
		ids.of(&e.key)
	}
	if ids.err != nil {
		return nil, ids.err
	}
	return col, nil
}

// walk calls add with every hit of p.query in snap and its score, in
// ascending order of number: through the lean evaluator when it runs the
// query (see lean.go), else through Bleve's searchers.
func (x *Index) walk(ctx context.Context, snap *scorch.IndexSnapshot, meta *snapshotMeta, p *plan, add func(num uint64, score float64)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !x.bleveOnly.Load() {
		root, ok, err := leanPlan(ctx, p.query, snap, x.bleve.Mapping())
		if err != nil {
			return err
		}
		if ok {
			defer closeLean(root)
			return leanWalk(ctx, root, snap, meta.offsets, add)
		}
	}
	s, err := p.query.Searcher(ctx, snap, x.bleve.Mapping(), search.SearcherOptions{})
	if err != nil {
		return err
	}
	defer s.Close()
	sctx := &search.SearchContext{
		DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0),
		IndexReader:       snap,
	}
	var n uint64
	dm, err := s.Next(sctx)
	for ; err == nil && dm != nil; dm, err = s.Next(sctx) {
		if n++; n%checkDoneEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		add(dm.IndexInternalID.Value(), dm.Score)
		sctx.DocumentMatchPool.Put(dm)
	}
	return err
}

// present makes the hits of the page: their stored fields, and a snippet
// from the positions of the query's terms, which are read for these hits
// only.
func (x *Index) present(ctx context.Context, snap *scorch.IndexSnapshot, p *plan, page []*entry) ([]news.Hit, error) {
	hits := make([]news.Hit, 0, len(page))
	if len(page) == 0 {
		return hits, nil
	}
	ids := make([]string, len(page))
	for i, e := range page {
		ids[i] = e.key.id
	}
	located := map[uint64]*search.DocumentMatch{}
	hq := query.NewConjunctionQuery([]query.Query{query.NewDocIDQuery(ids), p.query})
	s, err := hq.Searcher(ctx, snap, x.bleve.Mapping(), search.SearcherOptions{IncludeTermVectors: true})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	sctx := &search.SearchContext{
		DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize()+len(page)+1, 0),
		IndexReader:       snap,
	}
	dm, err := s.Next(sctx)
	for ; err == nil && dm != nil; dm, err = s.Next(sctx) {
		dm.Complete(nil)
		narrow(dm, p.chars)
		located[dm.IndexInternalID.Value()] = dm
	}
	if err != nil {
		return nil, err
	}
	hl, err := bleve.Config.Cache.HighlighterNamed(html.Name)
	if err != nil {
		return nil, fmt.Errorf("highlighter: %w", err)
	}
	for _, e := range page {
		doc, err := snap.Document(e.key.id)
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", e.key.id, err)
		}
		dm := located[e.key.num]
		if dm == nil {
			// A hit without positions (the empty query, a filter):
			// its snippet is the start of its text.
			dm = &search.DocumentMatch{}
		}
		hits = append(hits, hit(e, doc, dm, hl))
	}
	return hits, nil
}

// hit makes a hit of a stored document.
func hit(e *entry, doc index.Document, dm *search.DocumentMatch, hl highlight.Highlighter) news.Hit {
	out := news.Hit{ID: e.key.id, Score: e.key.score}
	if doc == nil {
		return out
	}
	doc.VisitFields(func(f index.Field) {
		switch f.Name() {
		case fieldURL, fieldTitle, fieldSource, fieldDistrict, fieldLang:
			tf, ok := f.(index.TextField)
			if !ok {
				return
			}
			v := tf.Text()
			switch f.Name() {
			case fieldURL:
				out.URL = v
			case fieldTitle:
				out.Title = v
			case fieldSource:
				out.Source = v
			case fieldDistrict:
				// The first of the article's districts.
				if out.District == "" {
					out.District = v
				}
			case fieldLang:
				out.Lang = v
			}
		case fieldPublished:
			if df, ok := f.(index.DateTimeField); ok {
				if t, _, err := df.DateTime(); err == nil {
					out.Published = t.In(news.Shanghai)
				}
			}
		}
	})
	hl.BestFragmentsInField(dm, doc, fieldText, 1)
	hl.BestFragmentsInField(dm, doc, fieldTitle, 1)
	out.Snippet = snippet(dm)
	return out
}

// snippet picks the highlighted fragment of the text, or of the title
// when only the title matched. The html highlighter escapes the stored
// text and wraps matches in <mark>; without a match in a field it gives
// the field's first 200 characters.
func snippet(h *search.DocumentMatch) string {
	text, title := h.Fragments[fieldText], h.Fragments[fieldTitle]
	if len(h.Locations[fieldText]) == 0 && len(h.Locations[fieldTitle]) > 0 && len(title) > 0 {
		return title[0]
	}
	if len(text) > 0 {
		return text[0]
	}
	if len(title) > 0 {
		return title[0]
	}
	return ""
}

// facetValues turns the counts into facets; each facet asked for is
// present, possibly empty. Months come newest first, the rest by count
// (ties by value).
func (x *Index) facetValues(names []string, counts map[string][]int) map[string][]news.FacetValue {
	out := make(map[string][]news.FacetValue, len(names))
	for _, name := range names {
		values := []news.FacetValue{}
		for v, n := range counts[name] {
			if n > 0 {
				values = append(values, news.FacetValue{Value: x.meta.value(name, v), Count: n})
			}
		}
		slices.SortFunc(values, func(a, b news.FacetValue) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value))
		})
		values = values[:min(len(values), facetSizes[name])]
		if name == fieldMonth {
			slices.SortFunc(values, func(a, b news.FacetValue) int { return cmp.Compare(b.Value, a.Value) })
		}
		out[name] = values
	}
	return out
}

// dateRange is the filter on the publication time for [from, to], either
// open when zero. Bleve keeps times as nanoseconds since 1970 and refuses
// bounds outside about 1678–2262; no article is dated there, so a bound
// beyond that span is clamped to it: the far side takes in every dated
// article, the near side matches nothing (ok false). r is nil when there
// is no filter at all.
func dateRange(from, to time.Time) (r query.Query, ok bool) {
	lo, hi := query.MinRFC3339CompatibleTime, query.MaxRFC3339CompatibleTime
	switch {
	case from.IsZero() && to.IsZero():
		return nil, true
	case !from.IsZero() && from.After(hi), !to.IsZero() && to.Before(lo),
		!from.IsZero() && !to.IsZero() && to.Before(from):
		return nil, false
	}
	if !from.IsZero() && from.Before(lo) {
		from = lo
	}
	if !to.IsZero() && to.After(hi) {
		to = hi
	}
	inclusive := true
	dr := query.NewDateRangeInclusiveQuery(from, to, &inclusive, &inclusive)
	dr.SetField(fieldPublished)
	return dr, true
}

// hanChars collects the one-character Chinese words of a query.
func hanChars(n node) map[string]bool {
	out := map[string]bool{}
	var walk func(node)
	walk = func(n node) {
		switch n := n.(type) {
		case termNode:
			if s := strings.TrimSpace(n.text); isHanChar(s) {
				out[s] = true
			}
		case andNode:
			for _, c := range n.children {
				walk(c)
			}
		case orNode:
			for _, c := range n.children {
				walk(c)
			}
		case notNode:
			walk(n.child)
		}
	}
	walk(n)
	return out
}

// narrow marks a one-character word found as the first character of a
// bigram on that character only, not on the bigram.
func narrow(dm *search.DocumentMatch, chars map[string]bool) {
	if len(chars) == 0 {
		return
	}
	for _, tlm := range dm.Locations {
		for term, locs := range tlm {
			first, n := utf8.DecodeRuneInString(term)
			if n == len(term) || utf8.RuneCountInString(term) != 2 || !chars[string(first)] {
				continue
			}
			for _, l := range locs {
				l.End = l.Start + uint64(n)
			}
		}
	}
}
