package index

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"
)

// minPrefixRunes keeps a prefix query from expanding to most of the
// dictionary ("a*").
const minPrefixRunes = 2

// build turns a parsed query into a Bleve query, place names expanded
// with the gazetteer (see planner). It returns nil for a query that can
// match nothing because it has no searchable terms (only English stop
// words, say).
func (x *Index) build(n node) (query.Query, error) {
	p := &planner{x: x, expand: true}
	return p.build(n)
}

func (p *planner) build(n node) (query.Query, error) {
	switch n := n.(type) {
	case allNode:
		return query.NewMatchAllQuery(), nil
	case termNode:
		return p.term(n)
	case notNode:
		// A lone negation means "everything except".
		return p.build(andNode{children: []node{n}})
	case placeNode:
		return p.place(n)
	case andNode:
		var must, mustNot []query.Query
		for _, c := range p.places(n.children) {
			neg, isNot := c.(notNode)
			if isNot {
				c = neg.child
			}
			q, err := p.build(c)
			if err != nil {
				return nil, err
			}
			switch {
			case q == nil:
				// A stop word ("the") is dropped from the conjunction,
				// as search boxes do, rather than matching nothing.
			case isNot:
				mustNot = append(mustNot, q)
			default:
				must = append(must, q)
			}
		}
		if len(must) == 0 && len(mustNot) == 0 {
			return nil, nil
		}
		if len(mustNot) == 0 && len(must) == 1 {
			return must[0], nil
		}
		if len(must) == 0 {
			must = []query.Query{query.NewMatchAllQuery()}
		}
		b := query.NewBooleanQuery(nil, nil, mustNot)
		b.AddMust(must...)
		return b, nil
	case orNode:
		var should []query.Query
		for _, c := range n.children {
			q, err := p.build(c)
			if err != nil {
				return nil, err
			}
			if q != nil {
				should = append(should, q)
			}
		}
		switch len(should) {
		case 0:
			return nil, nil
		case 1:
			return should[0], nil
		}
		return query.NewDisjunctionQuery(should), nil
	}
	return nil, fmt.Errorf("index: unknown query node %T", n)
}

// term builds the query for one word, phrase or prefix.
func (x *Index) term(n termNode) (query.Query, error) { return x.weightedTerm(n, 1) }

// weightedTerm is term with its score multiplied by w.
func (x *Index) weightedTerm(n termNode, w float64) (query.Query, error) {
	switch n.field {
	case fieldSource, fieldDistrict, fieldLang:
		// Keywords: the whole value, case folded like the index.
		v := strings.ToLower(strings.TrimSpace(n.text))
		if n.prefix {
			return fieldQuery(query.NewPrefixQuery(v), n.field, 1), nil
		}
		return fieldQuery(query.NewTermQuery(v), n.field, 1), nil
	}
	fields := []string{n.field}
	boosts := []float64{w}
	if n.field == "" {
		fields = []string{fieldTitle, fieldText}
		boosts = []float64{titleBoost * w, w}
	}
	if n.prefix && !hasHan(n.text) {
		if utf8.RuneCountInString(n.text) < minPrefixRunes {
			return nil, &QueryError{Pos: n.pos, Msg: fmt.Sprintf("prefix %q* is too short (at least %d characters)", n.text, minPrefixRunes)}
		}
		return prefixQuery(n.text, fields, boosts), nil
	}
	// A prefix of Chinese text needs no *: every substring of a Chinese
	// text is findable already, so "滨江*" is "滨江".
	//
	// A quoted phrase is looked up word for word as written, stop words
	// included; unquoted words by their stems, stop words skipped.
	var phrase, stems [][]string
	if n.phrase {
		phrase = phraseTerms(x.exact, n.text)
	} else {
		stems = phraseTerms(x.query, n.text)
		phrase = x.stemmed(stems)
	}
	if len(phrase) == 0 {
		return nil, nil
	}
	var qs []query.Query
	for i, f := range fields {
		var q query.Query
		switch {
		case len(phrase) == 1 && len(phrase[0]) == 1 && isHanChar(phrase[0][0]):
			// One Chinese character: the index keeps it alone only at
			// the end of a run; elsewhere it starts a bigram.
			q = fieldQuery(query.NewPrefixQuery(phrase[0][0]), f, boosts[i])
		case len(phrase) == 1 && len(phrase[0]) == 1:
			q = fieldQuery(query.NewTermQuery(phrase[0][0]), f, boosts[i])
		case len(phrase) == 1:
			// One word, the words of its stem: one term to score.
			q = fieldQuery(newStemQuery(stems[0][0], phrase[0]), f, boosts[i])
		default:
			// Several positions: each position's words are alternatives
			// of a multi-phrase (scored as a disjunction of them).
			q = fieldQuery(query.NewMultiPhraseQuery(phrase, f), f, boosts[i])
		}
		qs = append(qs, q)
	}
	if len(qs) == 1 {
		return qs[0], nil
	}
	return query.NewDisjunctionQuery(qs), nil
}

// phraseTerms analyzes s with a (the query or the exact analyzer) and
// returns the terms to find at consecutive positions: one slice per
// position, empty where a stop word was.
//
// The analyzer puts a Chinese bigram and the unigram of its first
// character at the same position. Only the bigram is kept there, so that
// 萧山区 becomes the phrase 萧山 山区: it matches the substring, not the
// three characters scattered through the text; 滨江 becomes the one term
// 滨江. A single character keeps its unigram.
func phraseTerms(a analysis.Analyzer, s string) [][]string {
	toks := a.Analyze([]byte(s))
	if len(toks) == 0 {
		return nil
	}
	byPos := map[int][]*analysis.Token{}
	first, last := toks[0].Position, toks[0].Position
	for _, t := range toks {
		byPos[t.Position] = append(byPos[t.Position], t)
		first, last = min(first, t.Position), max(last, t.Position)
	}
	phrase := make([][]string, 0, last-first+1)
	var prev *analysis.Token // the bigram at the previous position
	for p := first; p <= last; p++ {
		var terms []string
		var bigram *analysis.Token
		for _, t := range byPos[p] {
			if t.Type == analysis.Double {
				bigram = t
				terms = []string{string(t.Term)}
				break
			}
			terms = append(terms, string(t.Term))
		}
		// The unigram that closes a run of Chinese is inside the bigram
		// before it: leave its position open (a gap matches anything).
		if bigram == nil && prev != nil && len(byPos[p]) == 1 && byPos[p][0].End == prev.End {
			terms = nil
		}
		prev = bigram
		sort.Strings(terms)
		phrase = append(phrase, terms)
	}
	for len(phrase) > 0 && len(phrase[len(phrase)-1]) == 0 {
		phrase = phrase[:len(phrase)-1]
	}
	return phrase
}

// stemmed turns the stems of the query analyzer into the terms that find
// them in the index: the words of the index with that stem, from the stem
// table, and the stem itself (which may be a word of its own that stems
// further). Chinese terms are left alone. phrase is not changed.
func (x *Index) stemmed(phrase [][]string) [][]string {
	out := make([][]string, len(phrase))
	for i, terms := range phrase {
		for _, t := range terms {
			if hasLatinLetter([]byte(t)) {
				out[i] = append(out[i], x.stems.wordsOf(t)...)
			} else {
				out[i] = append(out[i], t)
			}
		}
	}
	return out
}

// prefixQuery matches words starting with p. The index keeps every word
// as written (stems are found at query time, see stemTable), so
// "innovat*" finds "innovation" although its stem is "innov".
func prefixQuery(p string, fields []string, boosts []float64) query.Query {
	lower := strings.ToLower(p)
	var qs []query.Query
	for i, f := range fields {
		qs = append(qs, fieldQuery(query.NewPrefixQuery(lower), f, boosts[i]))
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return query.NewDisjunctionQuery(qs)
}

// fielded is a Bleve query with a field and a boost.
type fielded interface {
	query.Query
	SetField(string)
	SetBoost(float64)
}

func fieldQuery(q fielded, field string, boost float64) query.Query {
	q.SetField(field)
	if boost != 1 {
		q.SetBoost(boost)
	}
	return q
}

// hasHan reports whether s contains a Chinese character.
func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// isHanChar reports whether s is one Chinese character.
func isHanChar(s string) bool {
	r, n := utf8.DecodeRuneInString(s)
	return n == len(s) && unicode.Is(unicode.Han, r)
}
