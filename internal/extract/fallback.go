package extract

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// renderBody renders the chosen content and cleans its lines into the
// body's paragraphs.
func renderBody(content []*html.Node, st map[*html.Node]*stats, title string, lm *lineMeta) []string {
	r := renderer{st: st, dropHeadline: lm.off.on(RuleDropH1), dropJunk: lm.off.on(RuleJunk), pruned: true}
	for _, n := range content {
		r.top = n
		r.render(n, false)
		r.flush()
	}
	return cleanParas(r.paras, title, lm)
}

// structuredContent is the element the page itself marks as the article
// body (itemprop=articleBody, schema.org microdata), when it holds prose:
// enough text outside links. Pages that mark a teaser or an empty
// placeholder this way fall through to the scoring.
func structuredContent(root *html.Node, st map[*html.Node]*stats) []*html.Node {
	var found *html.Node
	eachElement(root, func(n *html.Node) {
		if found == nil && attr(n, "itemprop") == "articleBody" {
			found = n
		}
	})
	if found == nil {
		return nil
	}
	s := st[found]
	if s == nil || s.text-s.link < 300 || s.density() > 0.3 || s.score == 0 {
		return nil
	}
	return []*html.Node{found}
}

// Minimum effective length (Han characters count double) of a fallback
// body: below it a block is a caption, a notice or a menu, not an article.
const minFallbackText = 120

// fallbackBody finds a body when the main path found none: JSON-LD's
// articleBody, else markup the page carries for a script to write in (a
// hidden <textarea>, a string in a script), else the largest block of
// prose in the unpruned page, else the description meta. It returns the paragraphs and the method
// that found them, or nothing for a page without an article (a list, an
// error page).
func fallbackBody(page string, ld ldInfo, meta headMeta, title string, lm *lineMeta) ([]string, string) {
	if paras := cleanParas(splitParas(ld.body), title, lm); effectiveLen(paras) >= minFallbackText {
		return paras, MethodJSONLD
	}
	root, err := parseHTML(page)
	if err != nil {
		return nil, ""
	}
	if paras := embeddedBody(root, title, lm); effectiveLen(paras) >= minFallbackText {
		return paras, MethodEmbedded
	}
	st := measure(root)
	if s := st[root]; s != nil && s.link*2 > s.text {
		// Mostly links: a list or a menu page, which has no article.
		return nil, ""
	}
	if b := largestBlock(root, st); b != nil {
		r := renderer{st: st, dropHeadline: true}
		r.render(b, false)
		r.flush()
		if paras := cleanParas(r.paras, title, lm); effectiveLen(paras) >= minFallbackText {
			return paras, MethodLargestBlock
		}
	}
	for _, k := range []string{"description", "og:description", "twitter:description"} {
		d := collapseSpace(meta[k])
		if utf8.RuneCountInString(d) >= 30 && endsSentence(d) && normalizeTitle(d) != normalizeTitle(title) {
			return []string{d}, MethodDescription
		}
	}
	return nil, ""
}

// splitParas splits plain text into paragraphs at blank lines (or single
// newlines when it has none).
func splitParas(s string) []string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "\r\n", "\n")
	if s == "" {
		return nil
	}
	sep := "\n\n"
	if !strings.Contains(s, sep) {
		sep = "\n"
	}
	var out []string
	for _, p := range strings.Split(s, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// hasClauseMark reports whether any paragraph holds a clause mark.
func hasClauseMark(paras []string) bool {
	for _, p := range paras {
		if strings.ContainsFunc(p, isClausePunct) {
			return true
		}
	}
	return false
}

// effectiveLen is the weighted length of the paragraphs' text.
func effectiveLen(paras []string) int {
	n := 0
	for _, p := range paras {
		for _, r := range p {
			n += runeWeight(r)
		}
	}
	return n
}

// largestBlock returns the block element of the unpruned page whose own
// text (outside nested blocks and links) is the largest, skipping what
// never holds an article (scripts, forms, navigation, headers and
// footers, elements named as furniture). A block that is mostly links is
// a menu; one without two clause marks is no prose.
func largestBlock(root *html.Node, st map[*html.Node]*stats) *html.Node {
	var best *html.Node
	bestLen := 0
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Nav, atom.Form, atom.Header, atom.Footer, atom.Aside:
				return
			}
			if hardPrune(n.DataAtom) || isHidden(n) || isBoilerplateName(classID(n)) {
				return
			}
			if s := st[n]; s != nil && isBlock(n.DataAtom) {
				plain := s.ownText - s.ownLink
				if plain > bestLen && s.ownLink*2 < s.ownText && s.ownPunct >= 2 {
					best, bestLen = n, plain
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	if best == nil {
		return nil
	}
	// A paragraph is rarely the whole story: take its parent when that
	// holds more prose paragraphs of the same kind.
	if paragraphKind(best.DataAtom) && best.Parent != nil {
		if ps := st[best.Parent]; ps != nil && ps.density() < 0.3 {
			return best.Parent
		}
	}
	return best
}

// embeddedBody renders the article that some CMSs ship as markup for a
// script to write into an empty container: the text of a <textarea>, or
// the longest string literal of an inline script that holds paragraph
// markup (`var content = "<p>…<\/p>";`).
func embeddedBody(root *html.Node, title string, lm *lineMeta) []string {
	best := ""
	eachElement(root, func(n *html.Node) {
		var cands []string
		switch {
		case n.DataAtom == atom.Textarea:
			cands = []string{textOf(n)}
			if n.FirstChild != nil && n.FirstChild.Type == html.TextNode {
				cands = []string{n.FirstChild.Data}
			}
		case n.DataAtom == atom.Script && attr(n, "src") == "" && n.FirstChild != nil &&
			!strings.Contains(strings.ToLower(attr(n, "type")), "json"):
			cands = jsStrings(n.FirstChild.Data)
		}
		for _, c := range cands {
			if len(c) > len(best) && hasParaMarkup(c) {
				best = c
			}
		}
	})
	if best == "" {
		return nil
	}
	frag, err := parseHTML("<html><body><div>" + best + "</div></body></html>")
	if err != nil {
		return nil
	}
	st := measure(frag)
	r := renderer{st: st, dropHeadline: true}
	r.render(frag, false)
	r.flush()
	return cleanParas(r.paras, title, lm)
}

// hasParaMarkup reports whether s holds paragraph markup: <p> or <br>.
func hasParaMarkup(s string) bool {
	l := strings.ToLower(s)
	return strings.Contains(l, "<p") || strings.Contains(l, "<br")
}

// jsStrings returns the string literals of a script, each with its
// escapes decoded; literals joined by "+" come as one.
func jsStrings(src string) []string {
	var out []string
	var cur strings.Builder
	joining := false
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '"' || c == '\'' || c == '`':
			lit, n := jsLiteral(src[i:])
			if !joining {
				if cur.Len() > 0 {
					out = append(out, cur.String())
				}
				cur.Reset()
			}
			cur.WriteString(lit)
			joining = false
			i += n
			// "a" + "b": the next literal continues this one.
			j := i
			for j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == '\n' || src[j] == '\r') {
				j++
			}
			if j < len(src) && src[j] == '+' {
				joining = true
				i = j + 1
			}
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			// A line comment may hold a lone apostrophe.
			for i < len(src) && src[i] != '\n' {
				i++
			}
		default:
			if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
				joining = false
			}
			i++
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// jsLiteral decodes the JavaScript string literal at the start of s and
// returns it with the number of bytes it spans.
func jsLiteral(s string) (string, int) {
	q := s[0]
	var b strings.Builder
	i := 1
	for i < len(s) {
		c := s[i]
		switch {
		case c == q:
			return b.String(), i + 1
		case c == '\\' && i+1 < len(s):
			e := s[i+1]
			i += 2
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
			case 'u':
				if i+4 <= len(s) {
					if v, err := strconv.ParseUint(s[i:i+4], 16, 32); err == nil {
						b.WriteRune(rune(v))
						i += 4
					}
				}
			case 'x':
				if i+2 <= len(s) {
					if v, err := strconv.ParseUint(s[i:i+2], 16, 8); err == nil {
						b.WriteRune(rune(v))
						i += 2
					}
				}
			case '\n':
				// A line continuation.
			default:
				b.WriteByte(e)
			}
			continue
		case c == '\n' && q != '`':
			// An unterminated literal: stop at the line's end.
			return b.String(), i
		}
		b.WriteByte(c)
		i++
	}
	return b.String(), i
}
