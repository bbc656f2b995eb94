package extract

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxDepth is how deep capDepth lets elements nest. The HTML parser
// refuses a page whose open elements exceed 512, which old pages reach
// with hundreds of unclosed <div> or <font> tags; the article is still in
// them.
const maxDepth = 256

// parseHTML parses a page. A page nested too deeply for the parser is
// parsed again with its nesting capped (capDepth), and if that still
// fails, as text with only its line and paragraph breaks.
func parseHTML(text string) (*html.Node, error) {
	root, err := html.Parse(strings.NewReader(text))
	if err == nil || !strings.Contains(err.Error(), "open stack") {
		return root, err
	}
	if root, err2 := html.Parse(strings.NewReader(capDepth(text, maxDepth))); err2 == nil {
		return root, nil
	}
	return html.Parse(strings.NewReader(flatten(text)))
}

// capDepth rewrites a page so that no element opens deeper than max: it
// follows the open elements as a simple parser would (an end tag closes
// everything opened after its start tag) and leaves out the start tags
// beyond max and the end tags that match them.
func capDepth(text string, max int) string {
	z := html.NewTokenizer(strings.NewReader(text))
	var out bytes.Buffer
	out.Grow(len(text))
	var stack []atom.Atom
	dropped := map[string]int{}
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out.String()
		}
		raw := z.Raw()
		switch tt {
		case html.StartTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if voidElement(a) {
				break
			}
			if len(stack) >= max {
				dropped[string(name)]++
				continue
			}
			stack = append(stack, a)
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			i := len(stack) - 1
			for i >= 0 && stack[i] != a {
				i--
			}
			switch {
			case i >= 0:
				stack = stack[:i]
			case dropped[string(name)] > 0:
				dropped[string(name)]--
				continue
			}
		}
		out.Write(raw)
	}
}

// flatten keeps a page's text and its line and paragraph breaks, with the
// head's title, metas and scripts (JSON-LD), and drops every other tag.
func flatten(text string) string {
	z := html.NewTokenizer(strings.NewReader(text))
	var out bytes.Buffer
	keep := false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out.String()
		}
		switch tt {
		case html.TextToken:
			out.Write(z.Raw())
			continue
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch atom.Lookup(name) {
			case atom.Br, atom.P, atom.Title, atom.Meta, atom.Script, atom.Style, atom.Td, atom.Tr, atom.Div, atom.H1, atom.H2, atom.H3:
				keep = true
			default:
				keep = false
			}
			if a := atom.Lookup(name); keep && (a == atom.Div || a == atom.Td || a == atom.Tr) {
				// Blocks become paragraph breaks: as elements they are
				// what nested too deeply.
				if tt == html.EndTagToken {
					out.WriteString("<br>")
				}
				continue
			}
		default:
			keep = false
		}
		if keep {
			out.Write(z.Raw())
		}
	}
}

// voidElement reports whether an element never has content (no end tag).
func voidElement(a atom.Atom) bool {
	switch a {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img, atom.Input, atom.Link, atom.Meta,
		atom.Param, atom.Source, atom.Track, atom.Wbr:
		return true
	}
	return false
}
