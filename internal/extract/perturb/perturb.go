// Package perturb rewrites the markup of an HTML page while keeping its
// article, so that an extractor can be checked for depending on what a
// template happens to do rather than on what any news page does: class
// and id names, wrapper depth, source order, paragraph tags, the amount
// of link furniture. Every rewrite is deterministic for a given seed.
//
//	out, err := perturb.Apply(page, perturb.RenameClasses, 1)
//
// The article is located the simple way, as the element with the most
// <p> children that hold text; the rewrites that move or retag the
// article act on it. The text a reader sees stays the same, except for
// AddLinkBlocks, which adds furniture that no article contains.
package perturb

import (
	"bytes"
	"fmt"
	"math/rand"
	"sort"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Kind names one rewrite.
type Kind string

// The rewrites.
const (
	// StripNames removes every class and id attribute.
	StripNames Kind = "strip-names"
	// RenameClasses replaces every class and id word by a random word,
	// the same word for the same name, so that repeated boxes stay alike.
	RenameClasses Kind = "rename-classes"
	// WrapDivs wraps the article's container in three bare <div>s and
	// each of its paragraphs in one.
	WrapDivs Kind = "wrap-divs"
	// BodyLast moves the column that holds the article after its sibling
	// columns (the sidebar, the related list) in source order.
	BodyLast Kind = "body-last"
	// AddLinkBlocks adds link lists of made-up headlines before and after
	// the article's column and a short one inside the article's container.
	AddLinkBlocks Kind = "link-blocks"
	// BreakRuns replaces the article's <p> elements by their contents
	// followed by two <br>s.
	BreakRuns Kind = "br-runs"
)

// Kinds lists every rewrite in a fixed order.
func Kinds() []Kind {
	return []Kind{StripNames, RenameClasses, WrapDivs, BodyLast, AddLinkBlocks, BreakRuns}
}

// ParseKind reads a rewrite's name.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds() {
		if string(k) == strings.TrimSpace(s) {
			return k, nil
		}
	}
	return "", fmt.Errorf("perturb: unknown rewrite %q", s)
}

// Apply parses page (UTF-8 text), rewrites it and renders it again.
func Apply(page string, k Kind, seed int64) (string, error) {
	root, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return "", fmt.Errorf("perturb: %w", err)
	}
	rng := rand.New(rand.NewSource(seed))
	switch k {
	case StripNames:
		stripNames(root)
	case RenameClasses:
		renameClasses(root, rng)
	case WrapDivs:
		wrapDivs(root)
	case BodyLast:
		bodyLast(root)
	case AddLinkBlocks:
		addLinkBlocks(root, rng)
	case BreakRuns:
		breakRuns(root)
	default:
		return "", fmt.Errorf("perturb: unknown rewrite %q", k)
	}
	var b bytes.Buffer
	if err := html.Render(&b, root); err != nil {
		return "", fmt.Errorf("perturb: %w", err)
	}
	return b.String(), nil
}

func each(n *html.Node, f func(*html.Node)) {
	if n.Type == html.ElementNode {
		f(n)
	}
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling // f may move c
		each(c, f)
		c = next
	}
}

func stripNames(root *html.Node) {
	each(root, func(n *html.Node) {
		kept := n.Attr[:0]
		for _, a := range n.Attr {
			if a.Key != "class" && a.Key != "id" {
				kept = append(kept, a)
			}
		}
		n.Attr = kept
	})
}

// words for renamed classes and made-up headlines: plain words that name
// neither furniture nor content in any template.
var words = []string{"amber", "birch", "cobalt", "dune", "ember", "fjord", "garnet", "harbor", "iris", "juniper",
	"kelp", "lagoon", "maple", "nectar", "onyx", "pebble", "quartz", "raven", "sable", "tundra", "umber", "violet",
	"willow", "yarrow", "zephyr", "acorn", "basil", "cedar", "delta", "fennel", "granite", "hazel", "indigo",
	"jasper", "lotus", "meadow", "nutmeg", "olive", "prairie", "ridge", "saffron", "thistle", "walnut"}

func renameClasses(root *html.Node, rng *rand.Rand) {
	names := map[string]string{}
	rename := func(w string) string {
		if v, ok := names[w]; ok {
			return v
		}
		v := fmt.Sprintf("%s%d", words[rng.Intn(len(words))], len(names))
		names[w] = v
		return v
	}
	// Walk in document order so that the mapping depends only on the
	// page and the seed.
	each(root, func(n *html.Node) {
		for i, a := range n.Attr {
			if a.Key != "class" && a.Key != "id" {
				continue
			}
			f := strings.Fields(a.Val)
			for j, w := range f {
				f[j] = rename(w)
			}
			n.Attr[i].Val = strings.Join(f, " ")
		}
	})
}

// article returns the element with the most <p> children holding text,
// the first in document order on ties; nil when no element has two.
func article(root *html.Node) *html.Node {
	var best *html.Node
	bestN := 1
	each(root, func(n *html.Node) {
		k := 0
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.DataAtom == atom.P && strings.TrimSpace(text(c)) != "" {
				k++
			}
		}
		if k > bestN {
			best, bestN = n, k
		}
	})
	return best
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		if n.Type == html.ElementNode && (n.DataAtom == atom.Script || n.DataAtom == atom.Style) {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func element(a atom.Atom, attrs ...html.Attribute) *html.Node {
	return &html.Node{Type: html.ElementNode, DataAtom: a, Data: a.String(), Attr: attrs}
}

// wrap puts n inside a new element w, where n stood.
func wrap(n, w *html.Node) {
	n.Parent.InsertBefore(w, n)
	n.Parent.RemoveChild(n)
	w.AppendChild(n)
}

func wrapDivs(root *html.Node) {
	a := article(root)
	if a == nil {
		return
	}
	for c := a.FirstChild; c != nil; {
		next := c.NextSibling
		if c.DataAtom == atom.P {
			wrap(c, element(atom.Div))
		}
		c = next
	}
	if a.Parent == nil || a.DataAtom == atom.Body {
		return
	}
	for i := 0; i < 3; i++ {
		wrap(a, element(atom.Div))
	}
}

// column climbs from the article to the ancestor that stands beside other
// elements with text: the article's column in the page layout.
func column(a *html.Node) *html.Node {
	for c := a; c.Parent != nil && c.Parent.Type == html.ElementNode && c.DataAtom != atom.Body; c = c.Parent {
		for s := c.Parent.FirstChild; s != nil; s = s.NextSibling {
			if s != c && s.Type == html.ElementNode && strings.TrimSpace(text(s)) != "" {
				return c
			}
		}
	}
	return nil
}

func bodyLast(root *html.Node) {
	a := article(root)
	if a == nil {
		return
	}
	col := column(a)
	if col == nil || col.DataAtom == atom.Body || col.DataAtom == atom.Html {
		return
	}
	p := col.Parent
	p.RemoveChild(col)
	p.AppendChild(col)
}

// linkList builds a block of n links to made-up stories, headed by a
// short heading, as sidebars and "more stories" boxes print them.
func linkList(rng *rand.Rand, n int) *html.Node {
	box := element(atom.Div)
	h := element(atom.H3)
	h.AppendChild(&html.Node{Type: html.TextNode, Data: headline(rng, 2)})
	box.AppendChild(h)
	ul := element(atom.Ul)
	for i := 0; i < n; i++ {
		li := element(atom.Li)
		a := element(atom.A, html.Attribute{Key: "href", Val: fmt.Sprintf("/story/%d.html", rng.Intn(1e6))})
		a.AppendChild(&html.Node{Type: html.TextNode, Data: headline(rng, 5+rng.Intn(5))})
		li.AppendChild(a)
		ul.AppendChild(li)
	}
	box.AppendChild(ul)
	return box
}

func headline(rng *rand.Rand, n int) string {
	f := make([]string, n)
	for i := range f {
		f[i] = words[rng.Intn(len(words))]
	}
	f[0] = strings.ToUpper(f[0][:1]) + f[0][1:]
	return strings.Join(f, " ")
}

func addLinkBlocks(root *html.Node, rng *rand.Rand) {
	a := article(root)
	if a == nil {
		return
	}
	col := column(a)
	if col == nil {
		col = a
	}
	if col.Parent != nil {
		col.Parent.InsertBefore(linkList(rng, 12), col)
		col.Parent.InsertBefore(linkList(rng, 12), col.NextSibling)
	}
	// Inside the story, after its first paragraphs: the "Read more" box
	// that templates insert mid-article.
	ps := paragraphs(a)
	if len(ps) >= 3 {
		a.InsertBefore(linkList(rng, 3), ps[len(ps)/2])
	}
}

func paragraphs(a *html.Node) []*html.Node {
	var ps []*html.Node
	for c := a.FirstChild; c != nil; c = c.NextSibling {
		if c.DataAtom == atom.P {
			ps = append(ps, c)
		}
	}
	return ps
}

func breakRuns(root *html.Node) {
	a := article(root)
	if a == nil {
		return
	}
	for _, p := range paragraphs(a) {
		for c := p.FirstChild; c != nil; {
			next := c.NextSibling
			p.RemoveChild(c)
			a.InsertBefore(c, p)
			c = next
		}
		a.InsertBefore(element(atom.Br), p)
		a.InsertBefore(element(atom.Br), p)
		a.RemoveChild(p)
	}
}

// Names lists the class and id words of a page, sorted; tests use it to
// check that a rewrite left none of the originals.
func Names(page string) ([]string, error) {
	root, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return nil, err
	}
	set := map[string]bool{}
	each(root, func(n *html.Node) {
		for _, a := range n.Attr {
			if a.Key == "class" || a.Key == "id" {
				for _, w := range strings.Fields(a.Val) {
					set[w] = true
				}
			}
		}
	})
	out := make([]string, 0, len(set))
	for w := range set {
		out = append(out, w)
	}
	sort.Strings(out)
	return out, nil
}
