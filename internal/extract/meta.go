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
	"og:release_date", "citation_publication_date", "citation_date", "prism.publicationdate",
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
		if s, ok := x["datePublished"].(string); ok && info.published.IsZero() {
			if t, ok := parseDate(s); ok {
				info.published = t
			}
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
// "Headline :: Site", "Headline · Site". A bare hyphen only counts where
// stripSiteName says so.
var titleSep = regexp.MustCompile(`\s+[-|–—:·»/]\s+|\s*::\s*|\s*[_｜|]\s*|\s*--\s*|\s*[–—]\s*|-{1}`)

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
// <title> without its site name.
func chooseTitle(root *html.Node, m headMeta, ld ldInfo) string {
	if v := m.first("articletitle"); v != "" {
		return collapseSpace(v)
	}
	var headings []heading
	sites := map[string]bool{}
	for _, v := range []string{m["og:site_name"], m["application-name"]} {
		if n := normalizeTitle(v); n != "" {
			sites[n] = true
		}
	}
	docTitle := ""
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg:
				return
			case atom.Title:
				if docTitle == "" {
					docTitle = textOf(n)
				}
				return
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
					headings = append(headings, heading{t, n.DataAtom == atom.H1})
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
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
		return stripSiteName(docTitle, sites)
	}
	for _, h := range headings {
		if !sites[normalizeTitle(h.text)] {
			return h.text
		}
	}
	return ld.headline
}

// matchHeading returns the heading that equals title or the longest of
// its separator-delimited parts that is not the site's name; among equal
// matches an <h1>, then the first.
func matchHeading(title string, headings []heading, sites map[string]bool) string {
	nt := normalizeTitle(title)
	var parts []string
	for _, p := range titleSep.Split(title, -1) {
		if np := normalizeTitle(p); np != "" && !sites[np] {
			parts = append(parts, np)
		}
	}
	best, bestLen, bestH1 := "", 0, false
	for _, h := range headings {
		nh := normalizeTitle(h.text)
		if nh == "" || utf8.RuneCountInString(nh) < 4 || sites[nh] {
			continue
		}
		n := 0
		switch {
		case nh == nt:
			n = 1 << 20 // the whole title
		case slices.Contains(parts, nh):
			n = utf8.RuneCountInString(nh)
		case strings.HasPrefix(nt, nh) && utf8.RuneCountInString(nh)*2 > utf8.RuneCountInString(nt):
			// A title with a site suffix starts with the heading.
			n = utf8.RuneCountInString(nh)
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
	locs := titleSep.FindAllStringIndex(t, -1)
	if len(locs) == 0 {
		return t
	}
	// Hyphens inside words ("Hi-Tech") are not separators: only cut at a
	// bare hyphen when the spaced separators are absent.
	var parts []string
	prev := 0
	for _, l := range locs {
		sep := t[l[0]:l[1]]
		if (sep == "-" || sep == "–" || sep == "—") && (l[0] == 0 || t[l[0]-1] != ' ') && !strings.ContainsRune(t[:l[0]], '　') && !hasHan(t) {
			continue
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
		if !sites[normalizeTitle(p)] {
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
