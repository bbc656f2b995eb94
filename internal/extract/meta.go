package extract

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// headMeta is the page's <meta> elements by lower-cased name, property,
// itemprop or http-equiv; the first occurrence of a key wins.
type headMeta map[string]string

func readMeta(root *html.Node) headMeta {
	m := headMeta{}
	eachElement(root, func(n *html.Node) {
		if n.DataAtom != atom.Meta {
			return
		}
		content := strings.TrimSpace(attr(n, "content"))
		if content == "" {
			return
		}
		for _, k := range []string{"name", "property", "itemprop", "http-equiv"} {
			if key := strings.ToLower(strings.TrimSpace(attr(n, k))); key != "" {
				if _, seen := m[key]; !seen {
					m[key] = content
				}
			}
		}
	})
	return m
}

// first returns the first non-empty value among keys.
func (m headMeta) first(keys ...string) string {
	for _, k := range keys {
		if v := m[k]; v != "" {
			return v
		}
	}
	return ""
}

// Head metas that carry the publication time, most trusted first.
// "Maketime" (Hanweb's page generation time) is left out on purpose.
var publishedKeys = []string{
	"article:published_time", "og:published_time", "article:published", "datepublished",
	"pubdate", "publishdate", "publish-date", "publish_date", "publishtime", "publish_time",
	"pub_date", "publication_date", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date",
	"dcterms.created", "sailthru.date", "parsely-pub-date", "date", "releasedate", "firstpublishedtime",
	"originalpublicationdate", "article_date_original", "bt:pubdate", "created",
	"og:release_date", "citation_publication_date", "citation_date", "prism.publicationdate", "uploaddate",
	// Chinese portals: ifeng's og:time, Tencent's apub:time, Sina's
	// weibo create time, release_date.
	"og:time", "apub:time", "weibo: article:create_at", "release_date",
}

// Head metas that may name the author.
var authorKeys = []string{"author", "article:author", "dc.creator", "byl", "sailthru.author", "parsely-author", "twitter:creator",
	"citation_author", "citation_authors"}

// publisher refuses a publisher value that is template markup rather
// than a name: an unfilled attribute (来源： size="20"), a pager ("第1页/共1页
// << 上一页").
func publisher(s string) string {
	if strings.ContainsAny(s, "=<>\"{}") {
		return ""
	}
	return s
}

// Head metas that name the publisher of the piece (Chinese national
// standard metas, people.com.cn's "source").
var sourceKeys = []string{"contentsource", "source", "dc.source", "来源"}

// ldInfo is what JSON-LD says about the article.
type ldInfo struct {
	published time.Time
	author    string
	headline  string
	body      string // articleBody: a fallback when the page shows none
}

// readJSONLD collects datePublished, author and headline from every
// application/ld+json script, walking @graph and nested objects.
func readJSONLD(root *html.Node) ldInfo {
	var info ldInfo
	eachElement(root, func(n *html.Node) {
		if n.DataAtom != atom.Script || !strings.Contains(strings.ToLower(attr(n, "type")), "ld+json") || n.FirstChild == nil {
			return
		}
		var v any
		if err := json.Unmarshal([]byte(n.FirstChild.Data), &v); err != nil {
			return
		}
		walkLD(v, &info, 0)
	})
	return info
}

func walkLD(v any, info *ldInfo, depth int) {
	if depth > 6 {
		return
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			walkLD(e, info, depth+1)
		}
	case map[string]any:
		for _, k := range []string{"datePublished", "uploadDate"} { // uploadDate: a VideoObject's
			if s, ok := x[k].(string); ok && info.published.IsZero() {
				if t, ok := parseDate(s); ok {
					info.published = t
				}
			}
		}
		if s, ok := x["articleBody"].(string); ok && info.body == "" {
			info.body = s
		}
		if s, ok := x["headline"].(string); ok && info.headline == "" {
			info.headline = strings.TrimSpace(s)
		}
		if a, ok := x["author"]; ok && info.author == "" {
			info.author = ldName(a)
		}
		for k, e := range x {
			if k == "@graph" || k == "mainEntity" || k == "mainEntityOfPage" {
				walkLD(e, info, depth+1)
			}
		}
	}
}

// ldName reads a JSON-LD person or a list of them. An organisation
// ("BBC News", Wikipedia's "维基媒体项目贡献者") is the publisher, not a
// byline.
func ldName(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		if t, _ := x["@type"].(string); strings.Contains(t, "Organization") {
			return ""
		}
		if s, ok := x["name"].(string); ok {
			return s
		}
	case []any:
		var names []string
		for _, e := range x {
			if s := ldName(e); s != "" {
				names = append(names, s)
			}
		}
		return strings.Join(names, ", ")
	}
	return ""
}

// Separators between the parts of a <title>: "Headline - Site",
// "Headline – Site", "Site | Section | Headline", "标题_栏目_网站",
// "Headline :: Site", "Headline · Site", "标题<网站". A bare hyphen only
// counts where stripSiteName says so; an em dash only between spaces, for
// "——" introduces a Chinese subtitle.
var titleSep = regexp.MustCompile(`\s+[-|–—:·»/<>]\s+|\s*::\s*|\s*[_｜|<>«»]\s*|\s*--\s*|\s*–\s*|-{1}`)

var (
	// Tags that some CMSs leave inside <title>, which HTML reads as text:
	// "标题<div>——副标题</div>".
	titleTag = regexp.MustCompile(`</?[A-Za-z][^<>]*>`)
	// How the names of Chinese government and portal sites end:
	// "杭州高新区（滨江）政府门户网站", "滨江区人民政府".
	siteEnding = regexp.MustCompile(`(?:网站|门户网|人民政府|政府网|政府)$`)
)

// heading is a headline candidate in the page body.
type heading struct {
	text string
	h1   bool
}

// isSiteNameName reports whether a lower-cased class/id string names the
// element that prints the site's own name ("site-title", "logo",
// "navbar-brand").
func isSiteNameName(name string) bool {
	if !strings.Contains(name, "logo") && !strings.Contains(name, "brand") && !strings.Contains(name, "site") {
		return false
	}
	for _, w := range strings.FieldsFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	}) {
		switch w {
		case "site-title", "sitetitle", "site_title", "site-name", "sitename", "site_name", "logo", "brand", "site-logo", "site-branding":
			return true
		}
		if strings.HasSuffix(w, "-logo") || strings.HasSuffix(w, "-brand") || strings.HasSuffix(w, "_logo") {
			return true
		}
	}
	return false
}

// chooseTitle picks the headline: the national-standard ArticleTitle meta,
// or the part of og:title, the JSON-LD headline or <title> that a heading
// of the page repeats, never the part that names the site; failing that,
// <title> without its site name, unless the page never prints it (a
// template's fixed "显示"), when the first bold line standing alone is
// the headline of an old table layout.
func chooseTitle(root *html.Node, m headMeta, ld ldInfo) string {
	if v := m.first("articletitle"); v != "" {
		return collapseSpace(titleTag.ReplaceAllString(v, ""))
	}
	var headings []heading
	sites := map[string]bool{}
	// Hanweb and TRS pages name their site and column in metas.
	for _, v := range []string{m["og:site_name"], m["application-name"], m["sitename"], m["columnname"]} {
		if n := normalizeTitle(v); n != "" {
			sites[n] = true
		}
	}
	docTitle, emph, emphMarked := "", "", ""
	var body *html.Node
	var walk func(n *html.Node, inLink bool)
	walk = func(n *html.Node, inLink bool) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg:
				return
			case atom.Title:
				if docTitle == "" {
					docTitle = textOf(n)
				}
				return
			case atom.Body:
				body = n
			case atom.A:
				inLink = true
			case atom.B, atom.Strong:
				if emphMarked == "" && !inLink {
					if t := standaloneBold(n); t != "" {
						if emph == "" {
							emph = t
						}
						if headlineMarks(n) {
							emphMarked = t
						}
					}
				}
			}
			name := classID(n)
			if isSiteNameName(name) || attr(n, "rel") == "home" {
				// The site's name, printed in the masthead: it tells
				// which part of <title> is not the headline.
				if t := textOf(n); t != "" && utf8.RuneCountInString(t) < 80 {
					sites[normalizeTitle(t)] = true
				}
				return
			}
			if n.DataAtom == atom.H1 || n.DataAtom == atom.H2 ||
				((n.DataAtom == atom.Div || n.DataAtom == atom.P || n.DataAtom == atom.Td || n.DataAtom == atom.Span) &&
					strings.Contains(name, "title")) {
				if t := textOf(n); t != "" && utf8.RuneCountInString(t) < 200 {
					if homeLink(n) || blogName.MatchString(t) {
						// "<h1><a href="index.html">张三的博客</a></h1>": the
						// site's name in a heading, not the headline.
						sites[normalizeTitle(t)] = true
						return
					}
					headings = append(headings, heading{strings.TrimRight(t, " -–—_|"), n.DataAtom == atom.H1})
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inLink)
		}
	}
	walk(root, false)
	if emphMarked != "" {
		// A sidebar's heading ("热门文章") may be bold too: the bold line
		// set as a headline (centred, in a large font) is the one.
		emph = emphMarked
	}
	docTitle = collapseSpace(titleTag.ReplaceAllString(docTitle, ""))
	og := collapseSpace(m.first("og:title", "twitter:title"))
	for _, cand := range []string{og, ld.headline, docTitle} {
		if cand == "" {
			continue
		}
		if t := matchHeading(cand, headings, sites); t != "" {
			return t
		}
	}
	if og != "" {
		return stripSiteName(og, sites)
	}
	if docTitle != "" {
		t := stripSiteName(docTitle, sites)
		if body != nil && (utf8.RuneCountInString(t) < 3 || !strings.Contains(visibleText(body), normalizeTitle(t))) {
			// The page never prints its <title> ("显示文章", "萧山日报
			// 数字报"): a template's or a site's, not the headline.
			if emph != "" {
				return emph
			}
			if h := soleH1(headings, sites); h != "" {
				return h
			}
		}
		if siteLike(t) {
			// "杭州日报", "某某区人民政府": the <title> names only the
			// site; a heading of the page is the headline.
			for _, h := range headings {
				if nh := normalizeTitle(h.text); !sites[nh] && !siteLike(h.text) && utf8.RuneCountInString(nh) > utf8.RuneCountInString(normalizeTitle(t)) {
					return h.text
				}
			}
		}
		return t
	}
	for _, h := range headings {
		if !sites[normalizeTitle(h.text)] {
			return h.text
		}
	}
	if emph != "" {
		return emph
	}
	return ld.headline
}

// blogName matches a blog's own name: "张三的博客", "bjreader的博客".
var blogName = regexp.MustCompile(`^\S{1,20}的(?:博客|BLOG|blog|Blog|个人空间|空间|专栏)$`)

// homeLink reports whether all of n's text is one link to the site's
// front page ("/", "index.html", "http://host/"): templates set the
// site's name that way.
func homeLink(n *html.Node) bool {
	a := findFirst(n, func(c *html.Node) bool { return c.DataAtom == atom.A })
	if a == nil || textOf(a) != textOf(n) {
		return false
	}
	href := strings.TrimSpace(attr(a, "href"))
	if href == "" || href[0] == '#' || strings.HasPrefix(strings.ToLower(href), "javascript") {
		return false
	}
	if i := strings.Index(href, "://"); i >= 0 {
		href = href[i+3:]
		if j := strings.IndexByte(href, '/'); j >= 0 {
			href = href[j:]
		} else {
			href = "/"
		}
	}
	href = strings.TrimPrefix(strings.TrimPrefix(href, "."), "/")
	switch href {
	case "", "index.html", "index.htm", "index.shtml", "index.php", "index.asp", "index.jsp", "default.aspx", "default.asp":
		return true
	}
	return false
}

// siteLike reports whether a short Chinese title is only the name of a
// site, paper or office: "杭州日报", "萧山网", "某某区人民政府".
func siteLike(t string) bool {
	t = strings.TrimSpace(t)
	return allHan(t) && utf8.RuneCountInString(t) <= 12 && (mediaName(t) || orgName(t) || siteEnding.MatchString(t))
}

// soleH1 returns the text of the page's one <h1> that does not name the
// site, or "" when there is none or several.
func soleH1(headings []heading, sites map[string]bool) string {
	found := ""
	for _, h := range headings {
		if !h.h1 || sites[normalizeTitle(h.text)] {
			continue
		}
		if found != "" {
			return ""
		}
		found = h.text
	}
	return found
}

// headlineMarks reports whether a bold line is set as a headline: centred
// (<center>, align=center, text-align:center) or in a large font (<font
// size=4> and up, a font-size style), within its four nearest ancestors.
func headlineMarks(n *html.Node) bool {
	for a, i := n, 0; a != nil && a.Type == html.ElementNode && i < 5; a, i = a.Parent, i+1 {
		if a.DataAtom == atom.Center || strings.EqualFold(attr(a, "align"), "center") {
			return true
		}
		style := strings.ToLower(strings.ReplaceAll(attr(a, "style"), " ", ""))
		if strings.Contains(style, "text-align:center") || strings.Contains(style, "font-size") {
			return true
		}
		if a.DataAtom == atom.Font {
			if sz := strings.TrimSpace(attr(a, "size")); sz != "" && (sz[0] == '+' || sz >= "4" && len(sz) == 1) {
				return true
			}
		}
	}
	return false
}

// visibleText is the normalised text (normalizeTitle) of n's subtree
// outside scripts, styles and a misplaced <title>.
func visibleText(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(normalizeTitle(n.Data))
		case n.Type == html.ElementNode && (n.DataAtom == atom.Script || n.DataAtom == atom.Style ||
			n.DataAtom == atom.Title || n.DataAtom == atom.Noscript || n.DataAtom == atom.Template):
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// standaloneBold returns the text of a <b> or <strong> that fills its
// block on its own ("<p align=center><strong>犬儒病(上)</strong></p>"),
// the way table layouts print a headline, or "".
func standaloneBold(n *html.Node) string {
	t := textOf(n)
	if c := utf8.RuneCountInString(t); c < 4 || c > 80 || endsSentence(t) ||
		findFirst(n, func(c *html.Node) bool { return c.DataAtom == atom.A }) != nil {
		return ""
	}
	// Up to the enclosing block, nothing beside it may hold text. The test
	// stops at the first text found, so that a long table cell with many
	// bold words is not read again for each of them.
	for x := n; x.Parent != nil && x.Parent.Type == html.ElementNode; x = x.Parent {
		for s := x.Parent.FirstChild; s != nil; s = s.NextSibling {
			if s != x && anyText(s) {
				return ""
			}
		}
		if p := x.Parent.DataAtom; isBlock(p) || p == atom.Td || p == atom.Center {
			return t
		}
	}
	return ""
}

// anyText reports whether n's subtree holds any visible text.
func anyText(n *html.Node) bool {
	switch n.Type {
	case html.TextNode:
		return strings.TrimFunc(n.Data, isSpace) != ""
	case html.ElementNode:
		switch n.DataAtom {
		case atom.Script, atom.Style, atom.Noscript, atom.Template:
			return false
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if anyText(c) {
			return true
		}
	}
	return false
}

// matchHeading returns the heading that equals title or the longest of
// its separator-delimited parts that is not the site's name (the last
// part may also follow a space, as in Hanweb's "站点名 栏目名 标题"); among
// equal matches an <h1>, then the first.
func matchHeading(title string, headings []heading, sites map[string]bool) string {
	nt := normalizeTitle(title)
	spaced := " " + collapseSpace(title) + " "
	var parts []string
	for _, p := range titleSep.Split(title, -1) {
		if np := normalizeTitle(p); np != "" && !sites[np] {
			parts = append(parts, np)
		}
	}
	best, bestLen, bestH1 := "", 0, false
	for _, h := range headings {
		nh := normalizeTitle(h.text)
		c := utf8.RuneCountInString(nh)
		if nh == "" || sites[nh] || c < 2 || c < 4 && !hasHan(nh) {
			continue
		}
		n := 0
		switch {
		case nh == nt:
			n = 1 << 20 // the whole title
		case slices.Contains(parts, nh):
			n = c
		case strings.HasPrefix(nt, nh) && c*2 > utf8.RuneCountInString(nt):
			// A title with a site suffix starts with the heading.
			n = c
		case c >= 4 && hasHan(nh) && strings.HasSuffix(spaced, " "+collapseSpace(h.text)+" "):
			// "杭州高新区（滨江）政府门户网站 部门动态 标题".
			n = c
		default:
			continue
		}
		if n > bestLen || (n == bestLen && h.h1 && !bestH1) {
			best, bestLen, bestH1 = h.text, n, h.h1
		}
	}
	return best
}

// stripSiteName drops the site name that <title> usually carries: the
// parts that name the site when the page says so, else the parts after
// the first substantial one.
func stripSiteName(t string, sites map[string]bool) string {
	t = trimSitePrefix(t, sites)
	locs := titleSep.FindAllStringIndex(t, -1)
	if len(locs) == 0 {
		return t
	}
	var parts []string
	prev := 0
	for _, l := range locs {
		sep := t[l[0]:l[1]]
		if (sep == "-" || sep == "–" || sep == "—") && (l[0] == 0 || t[l[0]-1] != ' ') && !strings.ContainsRune(t[:l[0]], '　') && !hasHan(t) {
			// Hyphens inside words ("Hi-Tech") are not separators: only
			// cut at a bare hyphen when the spaced separators are absent.
			continue
		}
		if sep == "-" && l[0] > 0 && l[1] < len(t) && isASCIIAlnum(t[l[0]-1]) && isASCIIAlnum(t[l[1]]) {
			continue // "China-Pub", "COVID-19"
		}
		if p := strings.TrimSpace(t[prev:l[0]]); p != "" {
			parts = append(parts, p)
		}
		prev = l[1]
	}
	if p := strings.TrimSpace(t[prev:]); p != "" {
		parts = append(parts, p)
	}
	var kept []string
	for _, p := range parts {
		if !sites[normalizeTitle(p)] && !hostName.MatchString(p) {
			kept = append(kept, p)
		}
	}
	if len(kept) == 0 {
		return t
	}
	best := kept[0]
	for _, p := range kept[1:] {
		if utf8.RuneCountInString(best) < 6 && utf8.RuneCountInString(p) > utf8.RuneCountInString(best) {
			best = p
		}
	}
	return best
}

// hostName matches a title part that is the site's address
// ("blog.wenxuecity.com", "www.ehangzhou.gov.cn").
var hostName = regexp.MustCompile(`^(?i:[a-z0-9-]+\.)+(?i:com|cn|net|org|gov|edu|info|tv|cc)(?:\.cn)?$`)

// trimSitePrefix drops the site and column names that Hanweb titles put
// before the headline with spaces only: "杭州高新区（滨江）政府门户网站 部门动态
// 标题". A leading word is a site name when a meta says so, or when it
// ends like a portal's name (政府门户网站, 人民政府) and a short column name
// follows.
func trimSitePrefix(t string, sites map[string]bool) string {
	words := strings.Fields(t)
	if len(words) < 2 || !hasHan(t) {
		return t
	}
	i := 0
	for i < len(words)-1 && sites[normalizeTitle(words[i])] {
		i++
	}
	if i == 0 && len(words) >= 3 && utf8.RuneCountInString(words[0]) >= 5 && siteEnding.MatchString(words[0]) &&
		utf8.RuneCountInString(words[1]) <= 8 && hasHan(words[1]) {
		i = 2
	}
	if i == 0 {
		return t
	}
	return strings.Join(words[i:], " ")
}

func isASCIIAlnum(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}
