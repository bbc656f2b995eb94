package extract

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

var (
	// Editor codes that CMSs put in the author meta ("L_104485", "wb123").
	editorCode = regexp.MustCompile(`^[A-Za-z]{0,4}[_-]?\d{2,}$`)
	// CMS vendors that sign the author meta of every page they render.
	vendorAuthor = regexp.MustCompile(`大汉网络|hanweb|TRS|admin(istrator)?|^网站|管理员|webmaster`)
	// "记者 张三 通讯员 李四", "本报记者：张三、李四".
	reporterLine = regexp.MustCompile(`(?:记者|通讯员|作者|撰文|文\s*/|文／)\s*[:：]?\s*((?:\p{Han}{2,4})(?:\s*[、,，\s]\s*\p{Han}{2,4})*)`)
	byPrefix     = regexp.MustCompile(`(?i)^\s*(by|author|作者|记者|文)\s*[:：/]?\s*`)
)

// cleanAuthor normalises a byline and rejects values that are not names.
func cleanAuthor(s string) string {
	s = collapseSpace(s)
	s = byPrefix.ReplaceAllString(s, "")
	s = strings.Trim(s, " ,;:|.-–—()（）[]【】")
	if s == "" || utf8.RuneCountInString(s) > 80 {
		return ""
	}
	if editorCode.MatchString(s) || vendorAuthor.MatchString(s) ||
		strings.Contains(s, "://") || strings.HasPrefix(s, "@") {
		return ""
	}
	return s
}

// reporters finds "记者 X 通讯员 Y" bylines in the opening lines of a
// Chinese article and returns the names joined by spaces.
func reporters(lines []string) string {
	for i, ln := range lines {
		if i >= 4 {
			break
		}
		if utf8.RuneCountInString(ln) > 200 {
			ln = string([]rune(ln)[:200])
		}
		var names []string
		for _, m := range reporterLine.FindAllStringSubmatchIndex(ln, -1) {
			if len(names) == 0 && !bylineStart(ln[:m[0]]) {
				// "…时节。记者近日走进河上镇": a reporter in the prose.
				break
			}
			for _, n := range strings.FieldsFunc(ln[m[2]:m[3]], func(r rune) bool { return r == '、' || r == ',' || r == '，' || isSpace(r) }) {
				if n != "通讯员" && n != "记者" {
					names = append(names, n)
				}
			}
		}
		if len(names) > 0 {
			return strings.Join(names, " ")
		}
	}
	return ""
}

// bylineStart reports whether the text before a "记者" mark leaves it a
// byline: at the start of the line after a short lead ("本报讯", "新华社
// 杭州1月1日电"), or opening a bracket ("（记者 张三）").
func bylineStart(lead string) bool {
	lead = strings.TrimRightFunc(lead, isSpace)
	if strings.HasSuffix(lead, "（") || strings.HasSuffix(lead, "(") || strings.HasSuffix(lead, "【") || strings.HasSuffix(lead, "[") {
		return true
	}
	return utf8.RuneCountInString(lead) <= 16 && !strings.ContainsAny(lead, "。，！？；,;")
}

// chineseNames reduces a labelled Chinese byline ("记者 王晓燕 通讯员
// 李明") to its names, space-separated, as reporters does.
func chineseNames(v string) string {
	if !strings.Contains(v, "记者") && !strings.Contains(v, "通讯员") {
		return v
	}
	if n := reporters([]string{"作者：" + v}); n != "" {
		return n
	}
	return v
}

// Class and id words of the elements that hold the byline.
var bylineWords = wordSet("byline", "by-line", "author", "authors", "author-name", "authorname", "article-author",
	"post-author", "entry-author", "writer", "reporter", "dateline-author", "contributor")

// isBylineName reports whether a lower-cased class/id string names the
// byline.
func isBylineName(name string) bool {
	if !strings.Contains(name, "by") && !strings.Contains(name, "author") && !strings.Contains(name, "writer") &&
		!strings.Contains(name, "reporter") && !strings.Contains(name, "contributor") {
		return false
	}
	for _, w := range strings.FieldsFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-')
	}) {
		if bylineWords[w] {
			return true
		}
	}
	return false
}

// bylineElement returns the author named by the first element that calls
// itself the byline (class/id "byline", "author", itemprop or rel
// "author"), outside comment threads. Templates often print it between the
// headline and the body, where the body choice does not reach.
func bylineElement(root *html.Node) string {
	var found string
	var walk func(n *html.Node) bool
	walk = func(n *html.Node) bool {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Head, atom.Noscript, atom.Template, atom.Form, atom.Footer:
				return false
			}
			name := classID(n)
			if strings.Contains(name, "comment") || strings.Contains(name, "related") || strings.Contains(name, "author-bio") {
				return false
			}
			if isBylineName(name) || strings.EqualFold(attr(n, "itemprop"), "author") || strings.EqualFold(attr(n, "rel"), "author") {
				t := textOf(n)
				if utf8.RuneCountInString(t) <= 100 {
					if v := cleanAuthor(bylineText(t)); v != "" {
						found = v
						return true
					}
				}
				return false
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if walk(c) {
				return true
			}
		}
		return false
	}
	walk(root)
	return found
}

// bylineText cuts a byline's decorations: "By Jane Roe | Updated: …",
// "Jane Roe, Reuters".
func bylineText(t string) string {
	if sm := bylineLine.FindStringSubmatch(t); sm != nil {
		return sm[1]
	}
	// "Текст: Лида Буслаева", "Written by: …": a short label.
	if i := strings.IndexAny(t, ":："); i > 0 && utf8.RuneCountInString(t[:i]) <= 16 {
		t = t[i+1:]
	}
	// The name ends before a bar or the first digit (a date, a time).
	if i := strings.IndexAny(t, "|｜0123456789"); i >= 0 {
		t = t[:i]
	}
	return strings.ReplaceAll(t, " ,", ",")
}

// nearTitleByline finds a "By …" line among the few lines after the
// headline.
func nearTitleByline(lines []string, title string) string {
	nt := normalizeTitle(title)
	if nt == "" {
		return ""
	}
	for i, ln := range lines {
		if !mayBeTitle(ln, nt) || normalizeTitle(ln) != nt {
			continue
		}
		for j := i + 1; j < len(lines) && j <= i+6; j++ {
			if utf8.RuneCountInString(lines[j]) > 100 {
				continue
			}
			if sm := bylineLine.FindStringSubmatch(lines[j]); sm != nil && !endsSentence(lines[j]) {
				if v := cleanAuthor(sm[1]); v != "" {
					return v
				}
			}
		}
		break
	}
	return ""
}
