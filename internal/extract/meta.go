package extract

import (
	"encoding/json"
	"regexp"
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
}

// Head metas that may name the author.
var authorKeys = []string{"author", "article:author", "dc.creator", "byl", "sailthru.author", "parsely-author", "twitter:creator"}

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

// ldName reads a JSON-LD person or a list of them.
func ldName(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
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

var titleSep = regexp.MustCompile(`\s+[-|–—:·»]\s+|\s*[_｜|]\s*|\s*--\s*|-{1}`)

// chooseTitle picks the headline: the national-standard ArticleTitle meta,
// og:title, or the <title>, cut to the part that an <h1> repeats or
// otherwise to its first substantial part (dropping "_门户网站" and
// " - China Daily" suffixes).
func chooseTitle(root *html.Node, m headMeta, ld ldInfo) string {
	if v := m.first("articletitle"); v != "" {
		return collapseSpace(v)
	}
	var headings []string
	eachElement(root, func(n *html.Node) {
		if n.DataAtom == atom.H1 || n.DataAtom == atom.H2 ||
			((n.DataAtom == atom.Div || n.DataAtom == atom.P || n.DataAtom == atom.Td || n.DataAtom == atom.Span) &&
				strings.Contains(classID(n), "title")) {
			if t := textOf(n); t != "" && utf8.RuneCountInString(t) < 200 {
				headings = append(headings, t)
			}
		}
	})
	docTitle := ""
	if t := findFirst(root, func(n *html.Node) bool { return n.DataAtom == atom.Title }); t != nil {
		docTitle = textOf(t)
	}
	for _, cand := range []string{collapseSpace(m.first("og:title", "twitter:title")), ld.headline, docTitle} {
		if cand == "" {
			continue
		}
		if t := matchHeading(cand, headings); t != "" {
			return t
		}
	}
	if v := collapseSpace(m.first("og:title", "twitter:title")); v != "" {
		return stripSiteName(v)
	}
	if docTitle != "" {
		return stripSiteName(docTitle)
	}
	if len(headings) > 0 {
		return headings[0]
	}
	return ld.headline
}

// matchHeading returns the heading that equals title or one of its
// separator-delimited parts.
func matchHeading(title string, headings []string) string {
	nt := normalizeTitle(title)
	parts := titleSep.Split(title, -1)
	for _, h := range headings {
		nh := normalizeTitle(h)
		if nh == "" || utf8.RuneCountInString(nh) < 4 {
			continue
		}
		if nh == nt {
			return h
		}
		for _, p := range parts {
			if normalizeTitle(p) == nh {
				return h
			}
		}
		// A title with a site suffix starts with the heading.
		if strings.HasPrefix(nt, nh) && utf8.RuneCountInString(nh)*2 > utf8.RuneCountInString(nt) {
			return h
		}
	}
	return ""
}

// stripSiteName drops the site name that <title> usually carries.
func stripSiteName(t string) string {
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
		if sep == "-" && (l[0] == 0 || t[l[0]-1] != ' ') && !strings.ContainsRune(t[:l[0]], '　') && !hasHan(t) {
			continue
		}
		parts = append(parts, strings.TrimSpace(t[prev:l[0]]))
		prev = l[1]
	}
	parts = append(parts, strings.TrimSpace(t[prev:]))
	best := parts[0]
	for _, p := range parts[1:] {
		if utf8.RuneCountInString(best) < 6 && utf8.RuneCountInString(p) > utf8.RuneCountInString(best) {
			best = p
		}
	}
	if best == "" {
		return t
	}
	return best
}
