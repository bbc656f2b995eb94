package extract

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// standfirst returns what templates print between the headline and the
// body, outside the element chosen as the body: a subtitle (a heading
// under the headline) and a summary ("standfirst", "dek", 摘要, 导语), in
// document order. Of the blocks of text above the body, nearest first,
// info lines (dates, "来源：" labels, bylines) are passed over; a summary
// must read as prose (a clause mark or a sentence end, no links, not
// repeating the body's opening). They count only when the headline comes
// next above them, or when their class or label names them a summary.
func standfirst(content []*html.Node, st map[*html.Node]*stats, title string) []*html.Node {
	if len(content) == 0 {
		return nil
	}
	nt := normalizeTitle(title)
	bodyStart := normalizeTitle(firstRunes(textOf(content[0]), 60))
	var found []*html.Node // nearest first
	named, prose := false, 0
	for _, b := range blocksAbove(content[0], st, 6) {
		t := textOf(b)
		nr := utf8.RuneCountInString(t)
		s := st[b]
		switch {
		case b.DataAtom == atom.H1 || nt != "" && strings.Contains(normalizeTitle(t), nt):
			// The headline, perhaps in a title block that sets the
			// subtitle under it: a Chinese 副题 belongs to the story (the
			// paper prints it in the headline group, and the Chinese
			// labels keep it), an English dek in an <h2> is a summary
			// that the English labels leave out.
			if hasHan(title) {
				return append(subtitlesUnder(b, nt, st), reversed(found)...)
			}
			return reversed(found)
		case infoLine(t, nr) && !summaryLabel(t):
			continue
		case s.link*2 > s.text || isBoilerplateName(classID(b)):
			// A share bar, a "follow us" link or a breadcrumb often
			// stands between the headline and the standfirst: passed
			// over, like an info line.
			continue
		case s.link > 0:
			return nil
		case isSubheading(b) && nr >= 4 && nr <= 100:
			found = append(found, b)
			continue
		}
		if nr < 15 || nr > 400 || (!endsSentence(t) && s.punct == 0) || prose > 0 {
			return nil
		}
		if bodyStart != "" && strings.HasPrefix(normalizeTitle(t), bodyStart) {
			return nil // the body's first paragraph printed twice
		}
		prose++
		named = named || isSummaryName(classID(b)) || summaryLabel(t)
		found = append(found, b)
	}
	if named {
		return reversed(found)
	}
	return nil
}

// subtitlesUnder returns the subtitles that a title block sets right
// after its headline (<h2>headline</h2><h3>subtitle</h3>): headings or
// subtitle-named blocks following the headline's element as siblings.
func subtitlesUnder(block *html.Node, nt string, st map[*html.Node]*stats) []*html.Node {
	if nt == "" {
		return nil
	}
	head := findFirst(block, func(n *html.Node) bool {
		switch n.DataAtom {
		case atom.H1, atom.H2, atom.H3, atom.H4:
			return normalizeTitle(textOf(n)) == nt
		}
		return false
	})
	if head == nil || head == block {
		return nil
	}
	var out []*html.Node
	for n := head.NextSibling; n != nil; n = n.NextSibling {
		if n.Type == html.TextNode && strings.TrimFunc(n.Data, isSpace) != "" {
			break
		}
		s := st[n]
		if n.Type != html.ElementNode || s == nil || s.text == 0 {
			continue
		}
		t := textOf(n)
		nr := utf8.RuneCountInString(t)
		if !isSubheading(n) || nr < 4 || nr > 100 || s.link > 0 || infoLine(t, nr) {
			break
		}
		out = append(out, n)
	}
	return out
}

// isSubheading reports whether an element is set as a subtitle: a
// second-level heading or a block whose class says so.
func isSubheading(n *html.Node) bool {
	switch n.DataAtom {
	case atom.H2, atom.H3, atom.H4:
		return true
	}
	name := classID(n)
	return strings.Contains(name, "subtitle") || strings.Contains(name, "sub-title") || strings.Contains(name, "subhead") ||
		strings.Contains(name, "fbt") || strings.Contains(name, "futi")
}

func reversed(nodes []*html.Node) []*html.Node {
	out := make([]*html.Node, len(nodes))
	for i, n := range nodes {
		out[len(nodes)-1-i] = n
	}
	return out
}

// blocksAbove lists up to max elements with text that precede n in the
// document, nearest first: n's previous siblings, then its parent's, up
// to four levels. Loose text between them ends the list.
func blocksAbove(n *html.Node, st map[*html.Node]*stats, max int) []*html.Node {
	var out []*html.Node
	for level := 0; n.Parent != nil && level < 4; n, level = n.Parent, level+1 {
		for prev := n.PrevSibling; prev != nil; prev = prev.PrevSibling {
			if prev.Type == html.TextNode && strings.TrimFunc(prev.Data, isSpace) != "" {
				return out
			}
			if prev.Type != html.ElementNode {
				continue
			}
			if s := st[prev]; s == nil || s.text == 0 {
				continue
			}
			out = append(out, prev)
			if len(out) == max {
				return out
			}
		}
	}
	return out
}

// isSummaryName reports whether a lower-cased class/id string names a
// standfirst.
func isSummaryName(name string) bool {
	for _, w := range []string{"summary", "standfirst", "dek", "lede", "intro", "abstract", "subtitle", "sub-title",
		"subhead", "teaser", "zhaiyao", "daoyu"} {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// infoLine reports whether a short block is a byline or date line: a
// date, a label, a year that ends no sentence, a "Posted"/"By" opening,
// a Chinese byline ("本报记者 孙悦 通讯员 楼小平").
func infoLine(t string, nr int) bool {
	if nr > 80 {
		return false
	}
	return findDate(t) != nil || strings.ContainsAny(t, ":：|") || (hasDigitRun(t) && !endsSentence(t)) ||
		infoOpening.MatchString(t) || (hasHan(t) && bylineNames(t, false) != nil)
}

var infoOpening = regexp.MustCompile(`(?i)^(?:posted|published|updated|by|written by)\b|^(?:作者|记者|来源|发布|编辑|文\s*[/／丨|])`)

// summaryLabel reports whether a line opens with a summary label, which
// makes it the standfirst even though it has a colon.
func summaryLabel(t string) bool {
	for _, l := range []string{"摘要", "导语", "导读", "内容提要", "提要", "核心提示"} {
		if strings.HasPrefix(strings.TrimLeft(t, " 【[（("), l) {
			return true
		}
	}
	return false
}

// firstRunes returns at most n runes of s.
func firstRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}
