package extract

import (
	"regexp"
	"strings"
	"unicode/utf8"
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
		for _, m := range reporterLine.FindAllStringSubmatch(ln, -1) {
			for _, n := range strings.FieldsFunc(m[1], func(r rune) bool { return r == '、' || r == ',' || r == '，' || isSpace(r) }) {
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
