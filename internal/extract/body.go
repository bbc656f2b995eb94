package extract

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// stats holds what the container choice needs to know about an element,
// measured once per parse.
type stats struct {
	text  int     // effective length of all text below (Han counts double)
	link  int     // effective length of text inside links
	punct int     // commas and CJK clause punctuation below
	score float64 // paragraph evidence propagated from below

	// The block's own text, outside nested blocks, and its <br>s.
	ownText, ownLink, ownPunct, breaks int
}

// density is the share of an element's text that sits in links.
func (s *stats) density() float64 {
	if s == nil || s.text == 0 {
		return 0
	}
	return float64(s.link) / float64(s.text)
}

// runeWeight is the effective length of a rune: a Han character carries
// about as much content as a short English word, so it counts double;
// white space counts nothing.
func runeWeight(r rune) int {
	switch {
	case isSpace(r):
		return 0
	case r >= 0x2E80 && r <= 0x9FFF, r >= 0xF900 && r <= 0xFAFF, r >= 0xAC00 && r <= 0xD7AF:
		return 2
	}
	return 1
}

func isClausePunct(r rune) bool {
	switch r {
	case ',', '，', '、', '；', '。', '！', '？':
		return true
	}
	return false
}

// paragraphKind blocks are paragraphs themselves: their parent is the
// container that collects their evidence. Other blocks (div, td, section)
// hold their own loose text as paragraphs, as old Chinese templates do
// with <br>-separated text in a <td> or <div>.
func paragraphKind(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Pre, atom.Li, atom.Blockquote, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5,
		atom.H6, atom.Dd, atom.Dt, atom.Figcaption, atom.Address, atom.Caption:
		return true
	}
	return false
}

// measure walks the pruned tree once, filling per-element text and link
// lengths, and scores containers from the paragraphs below them, in the
// manner of the readability family: each paragraph scores 1, plus one per
// clause mark, plus up to 3 for length, and passes the score to its
// container in full, to the next ancestor in half and to three more in
// thirds of a sixth…
func measure(root *html.Node) map[*html.Node]*stats {
	st := make(map[*html.Node]*stats, 512)
	// Stats come from slabs and carry the block's own counts: one
	// allocation per 256 elements instead of two per element.
	var slab []stats
	alloc := func() *stats {
		if len(slab) == cap(slab) {
			slab = make([]stats, 0, 256)
		}
		slab = slab[:len(slab)+1]
		return &slab[len(slab)-1]
	}
	var blocks []*stats
	var blockNodes []*html.Node

	var walk func(n *html.Node, block *stats, inLink bool) (text, link, punct int)
	walk = func(n *html.Node, block *stats, inLink bool) (int, int, int) {
		switch n.Type {
		case html.TextNode:
			t, p := 0, 0
			for _, r := range n.Data {
				t += runeWeight(r)
				if isClausePunct(r) {
					p++
				}
			}
			if block != nil && t > 0 {
				block.ownText += t
				block.ownPunct += p
				if inLink {
					block.ownLink += t
				}
			}
			l := 0
			if inLink {
				l = t
			}
			return t, l, p
		case html.ElementNode:
		case html.DocumentNode:
		default:
			return 0, 0, 0
		}
		var s *stats
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Head, atom.Svg:
				return 0, 0, 0
			}
			if n.DataAtom == atom.A && !inLink && !longAnchor(n) {
				inLink = true
			}
			if n.DataAtom == atom.Br && block != nil {
				block.breaks++
			}
			s = alloc()
			st[n] = s
			if isBlock(n.DataAtom) {
				block = s
				blocks = append(blocks, s)
				blockNodes = append(blockNodes, n)
			}
		}
		var t, l, p int
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			a, b, d := walk(c, block, inLink)
			t, l, p = t+a, l+b, p+d
		}
		if s != nil {
			s.text, s.link, s.punct = t, l, p
		}
		return t, l, p
	}
	walk(root, nil, false)

	for i, o := range blocks {
		b := blockNodes[i]
		plain := o.ownText - o.ownLink
		if plain < 25 {
			continue
		}
		segments := 1
		container := b.Parent
		if !paragraphKind(b.DataAtom) {
			// Loose text in a container: each <br>-separated run is
			// roughly a paragraph, and the container itself is the one
			// that holds them.
			container = b
			segments = 1 + o.breaks/2
		}
		// A paragraph boxed alone (<div><p>…</p></div>) passes its
		// evidence to the box's parent, as an unboxed one would.
		for k := 0; k < 3 && container != b && container != nil && container.Type == html.ElementNode && isWrapperBox(container.DataAtom); k++ {
			cs := st[container]
			if cs == nil || cs.text != o.text || container.Parent == nil {
				break
			}
			container = container.Parent
		}
		s := float64(segments) + float64(o.ownPunct)
		ln := float64(plain) / 100
		if ln > 3*float64(segments) {
			ln = 3 * float64(segments)
		}
		s += ln
		for level, a := 0, container; a != nil && level < 5; level, a = level+1, a.Parent {
			as := st[a]
			if as == nil {
				break
			}
			switch level {
			case 0:
				as.score += s
			case 1:
				as.score += s / 2
			default:
				as.score += s / float64(level*3)
			}
		}
	}
	return st
}

// isWrapperBox tags are boxes that templates put around a single
// paragraph.
func isWrapperBox(a atom.Atom) bool {
	return a == atom.Div || a == atom.Section
}

// longAnchor reports whether a link holds more text than any real link:
// an unclosed <a> in old pages swallows the whole article, which must not
// then count as link text.
func longAnchor(n *html.Node) bool {
	k := 0
	var walk func(*html.Node) bool
	walk = func(n *html.Node) bool {
		if n.Type == html.TextNode {
			for _, r := range n.Data {
				k += runeWeight(r)
			}
			return k > 400
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if walk(c) {
				return true
			}
		}
		return false
	}
	return walk(n)
}

// candidateScore is the container's evidence discounted by its links,
// nudged by what its class and id say.
func candidateScore(n *html.Node, s *stats) float64 {
	v := s.score * (1 - s.density())
	name := classID(n)
	if name != "" {
		if isContentName(name) {
			v += 10 + v*0.1
		}
		if isBoilerplateName(name) {
			v -= 15 + v*0.1
		}
	}
	if attr(n, "itemprop") == "articleBody" {
		v += 20 + v*0.2
	}
	return v
}

// chooseContent picks the element that holds the article and those of its
// siblings that continue it.
func chooseContent(root *html.Node, st map[*html.Node]*stats, off RuleSet) []*html.Node {
	var best *html.Node
	bestScore := 0.0
	for n, s := range st {
		if s.score == 0 {
			continue
		}
		switch n.DataAtom {
		case atom.Html, atom.Head:
			continue
		}
		v := candidateScore(n, s)
		if v > bestScore || (v == bestScore && best != nil && before(n, best)) {
			best, bestScore = n, v
		}
	}
	if best == nil {
		if body := findFirst(root, func(n *html.Node) bool { return n.DataAtom == atom.Body }); body != nil {
			return []*html.Node{body}
		}
		return []*html.Node{root}
	}
	// Stories cut into many small boxes (one card per paragraph) leave
	// each box a modest score; an ancestor that holds several of them
	// with little link text is the story.
	for a, level := best.Parent, 1; off.on(RuleAncestorClimb) && a != nil && level <= 3; a, level = a.Parent, level+1 {
		as, bs := st[a], st[best]
		if as == nil || a.DataAtom == atom.Body || a.DataAtom == atom.Html {
			break
		}
		if v := candidateScore(a, as); v >= bestScore*0.6 && as.density() < 0.2 &&
			float64(as.text-as.link) >= 2*float64(bs.text-bs.link) {
			best, bestScore = a, max(v, bestScore)
		}
	}
	// Old pages leave a <div> or <font> open per paragraph, so each
	// paragraph nests the rest of the story: the parent that holds only
	// best and a prose paragraph of its own is part of the story too.
	for off.on(RuleProseClimb) {
		p := proseWrapper(best, st)
		if p == nil {
			break
		}
		best = p
	}
	if best.DataAtom == atom.Body || best.Parent == nil {
		return []*html.Node{best}
	}
	if off.on(RuleSeries) {
		if first := firstOfSeries(root, best, st); first != nil {
			// A blog's front page or a forum thread: the first entry is
			// the article, the rest are older posts or replies.
			return []*html.Node{first}
		}
	}
	if !off.on(RuleSiblings) {
		return []*html.Node{best}
	}
	// Siblings that continue the article: other strong containers, and
	// paragraphs that the template put next to the main one.
	threshold := bestScore * 0.2
	if threshold < 10 {
		threshold = 10
	}
	// Templates wrap each block of a story in its own box ("block-text"
	// inside "article__block"): the siblings to look at are those of the
	// outermost box that holds nothing but the chosen element.
	for p := best.Parent; p.Parent != nil && p.DataAtom != atom.Body && p.DataAtom != atom.Html &&
		soleTextChild(p, best, st); p = best.Parent {
		best = p
	}
	var out []*html.Node
	for c := best.Parent.FirstChild; c != nil; c = c.NextSibling {
		if c == best {
			out = append(out, c)
			continue
		}
		if c.Type != html.ElementNode {
			continue
		}
		s := st[c]
		if s == nil || s.text == 0 {
			continue
		}
		if s.score > 0 && candidateScore(c, s) >= threshold && s.density() < 0.3 {
			out = append(out, c)
			continue
		}
		if sameBox(c, best) && s.density() < 0.3 && s.punct > 0 {
			// A story set one block per box ("card collection-item"):
			// a box of the same tag and class that holds prose
			// continues it, however short.
			out = append(out, c)
			continue
		}
		if best.DataAtom == atom.Tr && c.DataAtom == atom.Tr && s.density() < 0.3 && s.punct > 0 && endsStop(textOf(c)) {
			// A story set one paragraph per table row: a row of prose
			// beside the chosen one continues it.
			out = append(out, c)
			continue
		}
		if c.DataAtom == atom.P {
			d := s.density()
			if (s.text > 80 && d < 0.25) || (d == 0 && endsSentence(textOf(c))) {
				out = append(out, c)
			}
		}
	}
	return out
}

// sameBox reports whether two elements share their tag and a non-empty
// class attribute.
func sameBox(a, b *html.Node) bool {
	c := strings.TrimSpace(attr(a, "class"))
	return a.DataAtom == b.DataAtom && c != "" && c == strings.TrimSpace(attr(b, "class"))
}

// proseWrapper returns the nearest block ancestor of c when it holds c
// as its only block with text, beside loose text of its own that reads as
// prose (a clause mark, little link text); nil otherwise.
func proseWrapper(c *html.Node, st map[*html.Node]*stats) *html.Node {
	p := c.Parent
	for p != nil && p.Type == html.ElementNode && !isBlock(p.DataAtom) {
		p = p.Parent
	}
	if p == nil || p.Type != html.ElementNode || p.DataAtom == atom.Body || p.DataAtom == atom.Html {
		return nil
	}
	ps := st[p]
	if ps == nil || ps.ownPunct == 0 || ps.ownText-ps.ownLink < 20 || ps.ownLink*4 > ps.ownText {
		return nil
	}
	var other func(n *html.Node) bool
	other = func(n *html.Node) bool {
		for o := n.FirstChild; o != nil; o = o.NextSibling {
			if o == c || o.Type != html.ElementNode {
				continue
			}
			if s := st[o]; s == nil || s.text == 0 {
				continue
			}
			if isBlock(o.DataAtom) || other(o) {
				return true
			}
		}
		return false
	}
	if other(p) {
		return nil
	}
	return p
}

// soleTextChild reports whether c is the only child of p with text.
func soleTextChild(p, c *html.Node, st map[*html.Node]*stats) bool {
	for o := p.FirstChild; o != nil; o = o.NextSibling {
		if o == c {
			continue
		}
		switch o.Type {
		case html.TextNode:
			if strings.TrimFunc(o.Data, isSpace) != "" {
				return false
			}
		case html.ElementNode:
			if s := st[o]; s != nil && s.text > 0 {
				return false
			}
		}
	}
	return true
}

// endsSentence reports whether a short paragraph reads like prose.
func endsSentence(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return false
	}
	switch r := []rune(s); r[len(r)-1] {
	case '.', '。', '!', '?', '！', '？', '"', '”', '’':
		return true
	}
	return false
}

// endsStop reports whether s ends with a full stop, inside closing
// quotes or not: a sentence, where endsSentence also takes a quoted
// title ("巴黎举行“座谈会”").
func endsStop(s string) bool {
	s = strings.TrimRightFunc(s, func(r rune) bool { return isSpace(r) || strings.ContainsRune("\"”’」』)）", r) })
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune(".。!?！？…", r)
}

// before reports whether a precedes b in document order; it only breaks
// score ties, so a simple depth-first comparison suffices.
func before(a, b *html.Node) bool {
	pa, pb := treePath(a), treePath(b)
	for i := 0; i < len(pa) && i < len(pb); i++ {
		if pa[i] != pb[i] {
			return pa[i] < pb[i]
		}
	}
	return len(pa) < len(pb)
}

// treePath is the sibling index of n and its ancestors, from the root down.
func treePath(n *html.Node) []int {
	var p []int
	for ; n.Parent != nil; n = n.Parent {
		i := 0
		for c := n.Parent.FirstChild; c != n; c = c.NextSibling {
			i++
		}
		p = append(p, i)
	}
	for i, j := 0, len(p)-1; i < j; i, j = i+1, j-1 {
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// firstOfSeries handles pages that print a series of entries in one
// template (a blog's front page, a forum thread): when the chosen element
// is one of three or more elements of the same tag and class that hold
// prose, the first of them is the article and the others are older posts
// or replies. Boxes that are siblings and carry no heading of their own
// are one story cut into boxes, not a series. It returns that first
// entry, or nil when best is already first or stands alone.
func firstOfSeries(root, best *html.Node, st map[*html.Node]*stats) *html.Node {
	if strings.TrimSpace(attr(best, "class")) == "" {
		return nil
	}
	var first *html.Node
	n := 0
	siblings, headed := true, false
	var parent *html.Node
	eachElement(root, func(e *html.Node) {
		if e.DataAtom != best.DataAtom || attr(e, "class") != attr(best, "class") {
			return
		}
		s := st[e]
		if s == nil || s.text-s.link < 100 || s.density() > 0.3 {
			return
		}
		if p := boxOf(e, st).Parent; parent == nil {
			parent = p
		} else if p != parent {
			siblings = false
		}
		headed = headed || hasHeading(e)
		n++
		if first == nil {
			first = e
		}
	})
	if n < 3 || first == best || contains(first, best) || contains(best, first) || (siblings && !headed) {
		// Boxes side by side without headlines of their own are one
		// story set a paragraph per box, not a series of entries.
		return nil
	}
	return first
}

// boxOf climbs from e through the wrappers that hold nothing else with
// text: the box that a template repeats.
func boxOf(e *html.Node, st map[*html.Node]*stats) *html.Node {
	for e.Parent != nil && e.Parent.DataAtom != atom.Body && e.Parent.Type == html.ElementNode && soleTextChild(e.Parent, e, st) {
		e = e.Parent
	}
	return e
}

// hasHeading reports whether an entry carries marks of its own: a
// heading element, an element whose class names a title, an author or a
// user (forum posts), or a date at its start. Posts of a blog or a thread
// do; boxes that carry one paragraph of a story each do not.
//
// The mark must open the entry, before its first run of prose: a
// subheading or a boxed link list in the middle of one box of a story
// set in several boxes makes no series of it.
func hasHeading(e *html.Node) bool {
	marked, prose := false, 0
	var walk func(n *html.Node) bool // true: stop
	walk = func(n *html.Node) bool {
		if n.Type == html.TextNode {
			prose += len(strings.TrimFunc(n.Data, isSpace))
			return prose > 80
		}
		if n.Type != html.ElementNode {
			return false
		}
		switch n.DataAtom {
		case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
			marked = true
			return true
		case atom.Script, atom.Style:
			return false
		}
		c := strings.ToLower(attr(n, "class"))
		if strings.Contains(c, "title") || strings.Contains(c, "author") || strings.Contains(c, "user") ||
			strings.Contains(c, "poster") {
			marked = true
			return true
		}
		for k := n.FirstChild; k != nil; k = k.NextSibling {
			if walk(k) {
				return true
			}
		}
		return false
	}
	walk(e)
	return marked || findDate(normDigits(firstRunes(textOf(e), 100))) != nil
}

// contains reports whether d lies in a's subtree.
func contains(a, d *html.Node) bool {
	for ; d != nil; d = d.Parent {
		if d == a {
			return true
		}
	}
	return false
}
