package index

import (
	"fmt"
	"strings"
	"unicode"
)

// The query language, as analysts know it from search boxes:
//
//	滨江 物联网             both words (AND is the default between words)
//	"digital economy"      a phrase; “全角引号” work too
//	a AND b, a OR b, NOT a  operators in capitals; AND binds tighter than OR
//	(a OR b) c              parentheses group
//	-word, +word            exclude, require
//	title:word              a field: title, author, source, district, lang
//	title:"a b" title:(a OR b)
//	innov*                  a prefix (Latin script; Chinese words match
//	                        any substring already)
//	*                       everything
//
// Parse turns a query into a tree of nodes; build.go turns the tree into
// Bleve queries.

// QueryError reports a malformed query. Pos is the offset, in runes from
// 0, of the fault.
type QueryError struct {
	Pos int
	Msg string
}

func (e *QueryError) Error() string {
	return fmt.Sprintf("query: %s at position %d", e.Msg, e.Pos)
}

// Limits that keep a hostile query from costing much: the parser recurses
// once per parenthesis.
const (
	maxQueryRunes = 2000
	maxDepth      = 32
)

// fieldAliases maps the field names of the query language to index
// fields.
var fieldAliases = map[string]string{
	"title":     fieldTitle,
	"author":    fieldAuthor,
	"source":    fieldSource,
	"district":  fieldDistrict,
	"lang":      fieldLang,
	"publisher": fieldPublisher,
}

// node is a parsed query.
type node interface{ isNode() }

type (
	// termNode is a word, phrase or prefix, in a field or in the default
	// fields (title and text) when field is "".
	termNode struct {
		field  string
		text   string
		phrase bool
		prefix bool
		pos    int
	}
	// andNode matches what all its children match; notNode children
	// exclude.
	andNode struct{ children []node }
	orNode  struct{ children []node }
	notNode struct{ child node }
	// allNode matches every article (the empty query, "*").
	allNode struct{}
)

func (termNode) isNode() {}
func (andNode) isNode()  {}
func (orNode) isNode()   {}
func (notNode) isNode()  {}
func (allNode) isNode()  {}

type tokenKind int

const (
	tokEOF tokenKind = iota
	tokWord
	tokPhrase
	tokField // text is the field name; the value is the next token
	tokLParen
	tokRParen
	tokAnd
	tokOr
	tokNot
	tokMinus
	tokPlus
)

type token struct {
	kind tokenKind
	text string
	pos  int
}

func (t token) String() string {
	switch t.kind {
	case tokEOF:
		return "end of query"
	case tokPhrase:
		return `"` + t.text + `"`
	case tokField:
		return t.text + ":"
	}
	return t.text
}

// closingQuote pairs opening quotes with their closing ones. Chinese input
// methods type “…” for quotes.
var closingQuote = map[rune]rune{'"': '"', '“': '”', '„': '”'}

// lex splits q into tokens.
func lex(q []rune) ([]token, error) {
	var toks []token
	i := 0
	for i < len(q) {
		r := q[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '(':
			toks = append(toks, token{tokLParen, "(", i})
			i++
		case r == ')':
			toks = append(toks, token{tokRParen, ")", i})
			i++
		case closingQuote[r] != 0:
			end := closingQuote[r]
			j := i + 1
			for j < len(q) && q[j] != end && !(end == '”' && q[j] == '"') {
				j++
			}
			if j == len(q) {
				return nil, &QueryError{Pos: i, Msg: "unclosed quote"}
			}
			toks = append(toks, token{tokPhrase, string(q[i+1 : j]), i})
			i = j + 1
		case (r == '-' || r == '+') && i+1 < len(q) && startsTerm(q[i+1]):
			kind := tokMinus
			if r == '+' {
				kind = tokPlus
			}
			toks = append(toks, token{kind, string(r), i})
			i++
		case r == '-' || r == '+':
			return nil, &QueryError{Pos: i, Msg: fmt.Sprintf("%c must be followed by a term", r)}
		default:
			j := i
			for j < len(q) && !endsWord(q[j]) {
				j++
			}
			word := string(q[i:j])
			switch word {
			case "AND", "&&":
				toks = append(toks, token{tokAnd, "AND", i})
			case "OR", "||":
				toks = append(toks, token{tokOr, "OR", i})
			case "NOT":
				toks = append(toks, token{tokNot, "NOT", i})
			default:
				if name, ok := fieldName(q[i:j]); ok {
					colon := i + len([]rune(name))
					toks = append(toks, token{tokField, name, i})
					if colon+1 == len(q) || unicode.IsSpace(q[colon+1]) || q[colon+1] == ')' {
						return nil, &QueryError{Pos: colon, Msg: fmt.Sprintf("%s: needs a value", name)}
					}
					// The value is lexed as a token of its own: a word,
					// a quoted phrase or a parenthesised group.
					i = colon + 1
					continue
				}
				toks = append(toks, token{tokWord, word, i})
			}
			i = j
		}
	}
	return append(toks, token{tokEOF, "", len(q)}), nil
}

// startsTerm reports whether r can follow a - or + operator.
func startsTerm(r rune) bool {
	return !unicode.IsSpace(r) && r != ')' && r != '-' && r != '+'
}

// endsWord reports whether r ends a bare word.
func endsWord(r rune) bool {
	return unicode.IsSpace(r) || r == '(' || r == ')' || closingQuote[r] != 0
}

// fieldName returns the name of a field prefix "name:" of word: ASCII
// letters before the first colon. Other colons ("12:30", "：") are text.
func fieldName(word []rune) (string, bool) {
	for k, r := range word {
		if r == ':' {
			return string(word[:k]), k > 0
		}
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_') {
			return "", false
		}
	}
	return "", false
}

// Parse parses a query of the query language. The empty query matches
// everything. Errors are *QueryError.
func Parse(q string) (node, error) {
	runes := []rune(q)
	if len(runes) > maxQueryRunes {
		return nil, &QueryError{Pos: maxQueryRunes, Msg: fmt.Sprintf("query longer than %d characters", maxQueryRunes)}
	}
	toks, err := lex(runes)
	if err != nil {
		return nil, err
	}
	if toks[0].kind == tokEOF {
		return allNode{}, nil
	}
	p := &parser{toks: toks}
	n, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		if t.kind == tokRParen {
			return nil, &QueryError{Pos: t.pos, Msg: "unbalanced )"}
		}
		return nil, &QueryError{Pos: t.pos, Msg: fmt.Sprintf("unexpected %s", t)}
	}
	return n, nil
}

// parser is a recursive-descent parser over the grammar
//
//	or      = and { "OR" and }
//	and     = unary { ["AND"] unary }
//	unary   = ("NOT" | "-" | "+") unary | primary
//	primary = "(" or ")" | field ":" primary | word | phrase
type parser struct {
	toks []token
	i    int
	// field is the field of an enclosing field:(…) group.
	field string
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

// startsUnary reports whether a unary expression can start with t.
func startsUnary(t token) bool {
	switch t.kind {
	case tokWord, tokPhrase, tokField, tokLParen, tokNot, tokMinus, tokPlus:
		return true
	}
	return false
}

func (p *parser) or(depth int) (node, error) {
	first, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	children := []node{first}
	for p.peek().kind == tokOr {
		op := p.next()
		if !startsUnary(p.peek()) {
			return nil, operandError(op, p.peek())
		}
		n, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		children = append(children, n)
	}
	if len(children) == 1 {
		return first, nil
	}
	return orNode{children}, nil
}

func (p *parser) and(depth int) (node, error) {
	if t := p.peek(); !startsUnary(t) {
		return nil, operandError(token{}, t)
	}
	var children []node
	for {
		t := p.peek()
		if t.kind == tokAnd {
			p.next()
			if !startsUnary(p.peek()) {
				return nil, operandError(t, p.peek())
			}
		} else if !startsUnary(t) {
			break
		}
		n, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		children = append(children, n)
	}
	if len(children) == 1 {
		return children[0], nil
	}
	return andNode{children}, nil
}

func (p *parser) unary(depth int) (node, error) {
	t := p.peek()
	switch t.kind {
	case tokNot, tokMinus, tokPlus:
		p.next()
		if !startsUnary(p.peek()) {
			return nil, operandError(t, p.peek())
		}
		n, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		if t.kind == tokPlus {
			// Every word is required already (AND is the default).
			return n, nil
		}
		return notNode{n}, nil
	}
	return p.primary(depth)
}

func (p *parser) primary(depth int) (node, error) {
	t := p.next()
	switch t.kind {
	case tokWord:
		return p.term(t), nil
	case tokPhrase:
		return termNode{field: p.field, text: t.text, phrase: true, pos: t.pos}, nil
	case tokLParen:
		if depth >= maxDepth {
			return nil, &QueryError{Pos: t.pos, Msg: "parentheses nested too deep"}
		}
		if p.peek().kind == tokRParen {
			return nil, &QueryError{Pos: p.peek().pos, Msg: "empty parentheses"}
		}
		n, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.peek().kind != tokRParen {
			return nil, &QueryError{Pos: t.pos, Msg: "unclosed ("}
		}
		p.next()
		return n, nil
	case tokField:
		field, ok := fieldAliases[strings.ToLower(t.text)]
		if !ok {
			return nil, &QueryError{Pos: t.pos, Msg: fmt.Sprintf("unknown field %q (fields: title, author, source, district, lang, publisher)", t.text)}
		}
		if p.field != "" && p.field != field {
			return nil, &QueryError{Pos: t.pos, Msg: fmt.Sprintf("field %s: inside %s:(…)", t.text, p.field)}
		}
		switch p.peek().kind {
		case tokWord, tokPhrase, tokLParen:
		default:
			return nil, &QueryError{Pos: t.pos, Msg: fmt.Sprintf("%s: needs a value", t.text)}
		}
		outer := p.field
		p.field = field
		n, err := p.primary(depth)
		p.field = outer
		return n, err
	}
	return nil, operandError(token{}, t)
}

// term makes a word node; a trailing * asks for a prefix.
func (p *parser) term(t token) node {
	if t.text == "*" && p.field == "" {
		return allNode{}
	}
	n := termNode{field: p.field, text: t.text, pos: t.pos}
	if base, ok := strings.CutSuffix(t.text, "*"); ok && base != "" {
		n.text, n.prefix = base, true
	}
	return n
}

// operandError explains a missing operand: op (when there is one) needs a
// term where got stands.
func operandError(op, got token) error {
	switch {
	case op.kind == tokEOF && got.kind == tokAnd, op.kind == tokEOF && got.kind == tokOr:
		return &QueryError{Pos: got.pos, Msg: fmt.Sprintf("%s needs a term before it", got)}
	case op.text != "" && got.kind == tokRParen:
		return &QueryError{Pos: op.pos, Msg: fmt.Sprintf("%s needs a term after it, not )", op)}
	case op.text != "":
		return &QueryError{Pos: op.pos, Msg: fmt.Sprintf("%s needs a term after it", op)}
	case got.kind == tokRParen:
		return &QueryError{Pos: got.pos, Msg: "unbalanced )"}
	case got.kind == tokEOF:
		return &QueryError{Pos: got.pos, Msg: "query ends early"}
	}
	return &QueryError{Pos: got.pos, Msg: fmt.Sprintf("unexpected %s", got)}
}
