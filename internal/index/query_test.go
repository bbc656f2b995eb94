package index

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// show renders a parse tree as an s-expression.
func show(n node) string {
	switch n := n.(type) {
	case allNode:
		return "*"
	case termNode:
		s := n.text
		if n.phrase {
			s = `"` + s + `"`
		}
		if n.prefix {
			s += "*"
		}
		if n.field != "" {
			s = n.field + ":" + s
		}
		return s
	case notNode:
		return "(NOT " + show(n.child) + ")"
	case andNode:
		return "(AND " + showAll(n.children) + ")"
	case orNode:
		return "(OR " + showAll(n.children) + ")"
	}
	return fmt.Sprintf("?%T", n)
}

func showAll(ns []node) string {
	var parts []string
	for _, n := range ns {
		parts = append(parts, show(n))
	}
	return strings.Join(parts, " ")
}

func TestParse(t *testing.T) {
	tests := []struct {
		q, want string
	}{
		{"", "*"},
		{"  ", "*"},
		{"*", "*"},
		{"滨江", "滨江"},
		{"滨江 AI", "(AND 滨江 AI)"},
		{"a AND b", "(AND a b)"},
		{"a OR b c", "(OR a (AND b c))"},
		{"a b OR c", "(OR (AND a b) c)"},
		{"(a OR b) c", "(AND (OR a b) c)"},
		{"a -b +c", "(AND a (NOT b) c)"},
		{"NOT a", "(NOT a)"},
		{"a NOT (b OR c)", "(AND a (NOT (OR b c)))"},
		{`"digital economy" 滨江`, `(AND "digital economy" 滨江)`},
		{`“数字经济”`, `"数字经济"`},
		{`title:park`, "title:park"},
		{`Title:"a b"`, `title:"a b"`},
		{`title:(a OR b)`, "(OR title:a title:b)"},
		{`-district:xiaoshan`, "(NOT district:xiaoshan)"},
		{`innov*`, "innov*"},
		{`e-commerce`, "e-commerce"},
		{`12:30`, "12:30"},
		{`会议：纪要`, "会议：纪要"},
		{`and or not`, "(AND and or not)"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			n, err := Parse(tt.q)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.q, err)
			}
			if got := show(n); got != tt.want {
				t.Errorf("Parse(%q): got %s, want %s", tt.q, got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		q       string
		pos     int
		message string // a part of the message
	}{
		{`滨江 "物联网`, 3, "unclosed quote"},
		{`“物联网`, 0, "unclosed quote"},
		{`(a OR b`, 0, "unclosed ("},
		{`a (b (c)`, 2, "unclosed ("},
		{`a)`, 1, "unbalanced )"},
		{`)`, 0, "unbalanced )"},
		{`()`, 1, "empty parentheses"},
		{`a AND`, 2, "AND needs a term after it"},
		{`a OR`, 2, "OR needs a term after it"},
		{`AND a`, 0, "AND needs a term before it"},
		{`OR a`, 0, "OR needs a term before it"},
		{`a OR OR b`, 2, "OR needs a term after it"},
		{`a AND OR b`, 2, "AND needs a term after it"},
		{`(a AND)`, 3, "AND needs a term after it, not )"},
		{`NOT`, 0, "NOT needs a term after it"},
		{`a NOT`, 2, "NOT needs a term after it"},
		{`a -`, 2, "- must be followed by a term"},
		{`a - b`, 2, "- must be followed by a term"},
		{`a +`, 2, "+ must be followed by a term"},
		{`foo:bar`, 0, `unknown field "foo"`},
		{`滨江 colour:red`, 3, `unknown field "colour"`},
		{`title:`, 5, "title: needs a value"},
		{`title: park`, 5, "title: needs a value"},
		{`title:AND`, 0, "title: needs a value"},
		{`title:(author:x)`, 7, "field author: inside title:(…)"},
		{strings.Repeat("(", 40) + "a" + strings.Repeat(")", 40), 32, "nested too deep"},
		{strings.Repeat("a ", 1001), 2000, "longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			_, err := Parse(tt.q)
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("Parse(%q): got error %v, want a *QueryError", tt.q, err)
			}
			if qe.Pos != tt.pos || !strings.Contains(qe.Msg, tt.message) {
				t.Errorf("Parse(%q): got %q at %d, want %q at %d", tt.q, qe.Msg, qe.Pos, tt.message, tt.pos)
			}
		})
	}
}

// TestQueryErrorMessage pins the wording the API shows.
func TestQueryErrorMessage(t *testing.T) {
	_, err := Parse(`滨江 AND "物联网`)
	if got, want := err.Error(), "query: unclosed quote at position 7"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// FuzzParse checks that no input panics and that errors point inside the
// query.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`a AND (b OR "c d") -e title:f g*`, `((`, `“x`, `a:b:c`, `-`, `+-a`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		_, err := Parse(q)
		var qe *QueryError
		if err != nil && (!errors.As(err, &qe) || qe.Pos < 0 || qe.Pos > len([]rune(q))) {
			t.Fatalf("Parse(%q): %v", q, err)
		}
	})
}
