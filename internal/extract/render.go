package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// renderer turns a content subtree into paragraphs of plain text:
// blocks end paragraphs, one <br> ends a line, two end a paragraph, and
// table cells are joined by tabs row by row.
type renderer struct {
	st map[*html.Node]*stats
	// dropHeadline skips an <h1> met before any text: the headline above
	// the story, which Page.Title holds.
	dropHeadline bool
	// dropJunk drops link lists and link-heavy blocks (junk) below top,
	// the element being rendered: the container chosen as the story is
	// never junk itself, however many links were put in it.
	dropJunk bool
	top      *html.Node
	// pruned says the tree went through prune, which kept only the
	// hidden elements that hold the story (a body that a script
	// reveals, as WeChat's visibility:hidden): they are not junk.
	pruned bool
	paras  []string
	cur    strings.Builder
	// space records white space seen but not yet written, so that runs
	// fold into one and none is left at a line end.
	space  bool
	breaks int // consecutive <br> since the last text
}

func (r *renderer) text(s string, pre bool) {
	if pre {
		for _, line := range strings.SplitAfter(s, "\n") {
			r.write(strings.TrimRight(line, "\n"))
			if strings.HasSuffix(line, "\n") {
				r.newline()
			}
		}
		return
	}
	for _, c := range s {
		if isSpace(c) {
			// U+3000 at a line start is the Chinese paragraph indent:
			// dropped like other leading space.
			r.space = true
			continue
		}
		if r.space && r.cur.Len() > 0 && !strings.HasSuffix(r.cur.String(), "\n") {
			r.cur.WriteByte(' ')
		}
		r.space = false
		r.breaks = 0
		r.cur.WriteRune(c)
	}
}

func (r *renderer) write(s string) {
	r.breaks = 0
	r.cur.WriteString(s)
}

func (r *renderer) newline() {
	r.space = false
	s := r.cur.String()
	if s == "" || strings.HasSuffix(s, "\n") {
		return
	}
	r.cur.WriteByte('\n')
}

func (r *renderer) flush() {
	r.space = false
	r.breaks = 0
	s := strings.TrimSpace(r.cur.String())
	r.cur.Reset()
	if s != "" {
		r.paras = append(r.paras, s)
	}
}

func (r *renderer) cell() {
	if r.cur.Len() > 0 && !strings.HasSuffix(r.cur.String(), "\n") {
		r.cur.WriteByte('\t')
	}
	r.space = false
}

// render appends the paragraphs of n's subtree.
func (r *renderer) render(n *html.Node, pre bool) {
	switch n.Type {
	case html.TextNode:
		r.text(n.Data, pre)
		return
	case html.ElementNode:
	case html.DocumentNode:
	default:
		return
	}
	if n.Type == html.ElementNode {
		if pruneTag(n.DataAtom) || (r.dropJunk && n != r.top && r.junk(n)) {
			return
		}
		switch n.DataAtom {
		case atom.Br:
			r.breaks++
			if r.breaks >= 2 {
				r.flush()
			} else {
				r.newline()
			}
			return
		case atom.Hr:
			r.flush()
			return
		case atom.Img:
			return
		case atom.H1:
			if r.dropHeadline && len(r.paras) == 0 && r.cur.Len() == 0 {
				return
			}
		case atom.Pre:
			pre = true
		case atom.Td, atom.Th:
			r.cell()
		}
	}
	block := n.Type == html.ElementNode && isBlock(n.DataAtom)
	cellLike := n.DataAtom == atom.Td || n.DataAtom == atom.Th
	if block && !cellLike {
		r.flush()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		r.render(c, pre)
	}
	switch {
	case n.DataAtom == atom.Tr:
		r.newline()
		// A row of a layout table with one long cell is a paragraph;
		// short rows of a data table stay lines of one paragraph.
		if st := r.st[n]; st != nil && st.text > 150 {
			r.flush()
		}
	case cellLike:
		r.space = true
	case block:
		r.flush()
	}
}

// junk reports whether an element inside the chosen content is still
// furniture: link lists, "related" boxes, share bars that the container
// choice swept in.
func (r *renderer) junk(n *html.Node) bool {
	if !r.pruned && isHidden(n) {
		return true
	}
	s := r.st[n]
	if s == nil {
		return false
	}
	if !junkShape(n, s) {
		return false
	}
	// An embedded post (or its wrapper) is no junk: a short tweet is
	// mostly its links (the t.co address, the date), yet the story
	// quotes it. Looked for only here, where the shape said junk.
	q := postQuote(n)
	return q == nil || r.st[q] == nil || r.st[q].text*5 < s.text*4
}

// junkShape reports whether an element's links and punctuation make it
// furniture: link lists, link-heavy blocks.
func junkShape(n *html.Node, s *stats) bool {
	d := s.density()
	switch n.DataAtom {
	case atom.A, atom.Span, atom.Strong, atom.B, atom.Em, atom.I, atom.Font, atom.Tr, atom.Td, atom.Th, atom.Tbody:
		return false
	case atom.P:
		// A paragraph that is only a web address cites a source or a
		// download; the story prints it on purpose.
		return s.text > 0 && d > 0.75 && !bareURL(textOf(n))
	case atom.Ul, atom.Ol, atom.Dl:
		// A list can be the story itself ("10 things in tech"), with a
		// link in every item: only link-dominated, unpunctuated lists go,
		// and a short list with one linked item is not a link list.
		return d > 0.6 || (d > 0.3 && s.punct < 2 && linkedItems(n) >= 2)
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return d > 0.5
	case atom.Blockquote:
		// A quotation, often an embedded post ("… pic.twitter.com/x —
		// Name (@name) November 18, 2019"): its links are its sources.
		return d > 0.6
	case atom.Li, atom.Dd, atom.Dt:
		// The list itself passed: an item that heads with a linked
		// summary ("<a>T-Mobile CEO steps down</a>. He will…") is prose.
		return d > 0.7
	}
	if !isBlock(n.DataAtom) {
		return false
	}
	switch {
	case d > 0.5:
		return true
	case d > 0.3 && s.punct < 3 && s.text < 300:
		return true
	}
	return false
}

// linkedItems counts the items of a list that hold a link.
func linkedItems(list *html.Node) int {
	k := 0
	for li := list.FirstChild; li != nil; li = li.NextSibling {
		if li.Type == html.ElementNode && findFirst(li, func(n *html.Node) bool { return n.DataAtom == atom.A }) != nil {
			k++
		}
	}
	return k
}

// bareURL reports whether a paragraph's text is one web address.
func bareURL(t string) bool {
	return (strings.HasPrefix(t, "http://") || strings.HasPrefix(t, "https://") || strings.HasPrefix(t, "www.")) &&
		!strings.ContainsAny(t, " \t")
}
