package index

import (
	"strings"

	"github.com/blevesearch/bleve/v2/search/query"

	"riverside/internal/gazetteer"
)

// planner turns a parsed query into a Bleve query. With expand, an
// unquoted place name of the gazetteer also searches the place's other
// names ("Binjiang" finds 滨江 and 高新区 too; "Xixing Street", two words,
// finds 西兴); a quoted name is searched as typed. The names added are
// collected in expanded, for the user to see.
type planner struct {
	x        *Index
	expand   bool
	expanded []string
}

// altWeight weighs a match of another name of a place against a match of
// the name typed: an analyst who types 滨江 sees the Chinese releases
// first and the English ones (Binjiang) after them. Scores of different
// terms compare loosely (a title match of a frequent Chinese word can
// outscore one mention of a rare English one tenfold), hence a small
// weight; the relevance suite checks the order.
const altWeight = 0.01

// placeNode is a run of unquoted words (one word, or several in a row of
// an AND) that names a place of the gazetteer.
type placeNode struct {
	// words are the words as typed; they are searched as before, OR any
	// of alts.
	words []termNode
	alts  []string
}

func (placeNode) isNode() {}

// expandable reports whether a word can be (part of) a place name.
func expandable(n node) (termNode, bool) {
	t, ok := n.(termNode)
	if !ok || t.phrase || t.prefix {
		return t, false
	}
	switch t.field {
	case "", fieldTitle:
		return t, true
	}
	return t, false
}

// term builds a word, expanded when it is a place name.
func (p *planner) term(n termNode) (query.Query, error) {
	if p.expand && p.x.places != nil {
		if t, ok := expandable(n); ok {
			if alts := p.x.places.Alternatives(t.text); len(alts) > 0 {
				return p.place(placeNode{words: []termNode{t}, alts: alts})
			}
		}
	}
	return p.x.term(n)
}

// places replaces runs of two or more words of an AND that name a place
// (longest first) with placeNodes. Single words are left to term.
func (p *planner) places(children []node) []node {
	if !p.expand || p.x.places == nil || len(children) < 2 {
		return children
	}
	maxWords := p.x.places.MaxWords()
	out := make([]node, 0, len(children))
	for i := 0; i < len(children); {
		matched := 0
		var alts []string
		for j := min(len(children), i+maxWords); j >= i+2 && matched == 0; j-- {
			words := make([]string, 0, j-i)
			field := ""
			ok := true
			for k := i; k < j && ok; k++ {
				var t termNode
				t, ok = expandable(children[k])
				if ok && k > i && t.field != field {
					ok = false
				}
				field = t.field
				words = append(words, t.text)
			}
			if !ok {
				continue
			}
			if a := p.x.places.Alternatives(strings.Join(words, " ")); len(a) > 0 {
				matched, alts = j-i, a
			}
		}
		if matched == 0 {
			out = append(out, children[i])
			i++
			continue
		}
		pn := placeNode{alts: alts}
		for _, c := range children[i : i+matched] {
			pn.words = append(pn.words, c.(termNode))
		}
		out = append(out, pn)
		i += matched
	}
	return out
}

// place builds what was typed OR any of the alternatives, each searched as
// an unquoted word would be (Chinese as a substring, English stemmed), in
// the field of the words typed.
func (p *planner) place(n placeNode) (query.Query, error) {
	var typed []query.Query
	for _, w := range n.words {
		q, err := p.x.term(w)
		if err != nil {
			return nil, err
		}
		if q != nil {
			typed = append(typed, q)
		}
	}
	var should []query.Query
	switch len(typed) {
	case 0:
	case 1:
		should = append(should, typed[0])
	default:
		should = append(should, query.NewConjunctionQuery(typed))
	}
	for _, alt := range n.alts {
		q, err := p.x.weightedTerm(termNode{field: n.words[0].field, text: alt, pos: n.words[0].pos}, altWeight)
		if err != nil {
			return nil, err
		}
		if q == nil {
			continue
		}
		should = append(should, q)
		p.note(alt)
	}
	switch len(should) {
	case 0:
		return nil, nil
	case 1:
		return should[0], nil
	}
	return query.NewDisjunctionQuery(should), nil
}

// note records an alternative searched, once.
func (p *planner) note(alt string) {
	for _, e := range p.expanded {
		if gazetteer.Normalize(e) == gazetteer.Normalize(alt) {
			return
		}
	}
	p.expanded = append(p.expanded, alt)
}
