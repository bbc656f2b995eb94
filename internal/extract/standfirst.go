package extract

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// standfirst returns the summary that templates print between the
// headline and the body ("standfirst", "dek", 摘要, 导语), outside the
// element chosen as the body. Of the blocks of text above the body,
// nearest first, it is the first that reads as prose (a clause mark or a
// sentence end, no links, not repeating the body's opening), provided the
// headline comes right above it (past short info lines: dates, "来源："
// labels) or its class names it a summary. Nil when there is none.
func standfirst(content []*html.Node, st map[*html.Node]*stats, title string) *html.Node {
	if len(content) == 0 {
		return nil
	}
	nt := normalizeTitle(title)
	above := blocksAbove(content[0], st, 6)
	var cand *html.Node
	for _, b := range above {
		t := textOf(b)
		nr := utf8.RuneCountInString(t)
		switch {
		case isHeadlineTag(b.DataAtom) || nt != "" && strings.Contains(normalizeTitle(t), nt):
			return cand // the headline: cand (if any) lies between it and the body
		case cand != nil:
			if infoLine(t, nr) {
				continue // an info line between headline and standfirst
			}
			return nil
		case infoLine(t, nr) && !summaryLabel(t):
			continue // an info line between standfirst and body
		}
		s := st[b]
		if nr < 15 || nr > 400 || s.link > 0 || isBoilerplateName(classID(b)) || (!endsSentence(t) && s.punct == 0) {
			return nil
		}
		bodyStart := normalizeTitle(firstRunes(textOf(content[0]), 60))
		if bodyStart != "" && strings.HasPrefix(normalizeTitle(t), bodyStart) {
			return nil // the body's first paragraph printed twice
		}
		if isSummaryName(classID(b)) || summaryLabel(t) {
			return b
		}
		cand = b
	}
	return nil
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
// date, a label, a year that ends no sentence, a "Posted"/"By" opening.
func infoLine(t string, nr int) bool {
	if nr > 80 {
		return false
	}
	return findDate(t) != nil || strings.ContainsAny(t, ":：|") || (hasDigitRun(t) && !endsSentence(t)) ||
		infoOpening.MatchString(t)
}

var infoOpening = regexp.MustCompile(`(?i)^(?:posted|published|updated|by|written by)\b|^(?:作者|记者|来源|发布|编辑|文\s*[/／丨|])`)

func isHeadlineTag(a atom.Atom) bool {
	return a == atom.H1 || a == atom.H2 || a == atom.Title
}

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
