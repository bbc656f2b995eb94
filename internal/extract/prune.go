package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Class and id words that mark page furniture rather than the article.
// Distinctive words match anywhere in the name ("bdsharebuttonbox",
// "articleShare"); short ones only as whole words, since "nav" is in
// "canvas" and "ad" in "header". Plain substring and word-set lookups:
// these run on every element, and a regexp alternation is too slow.
var (
	boilerplateParts = []string{"share", "comment", "breadcrumb", "crumb", "sidebar", "side-bar", "copyright",
		"pagination", "pager", "caption", "pagenav", "page-nav", "paging", "footer", "related", "relevant", "recommend",
		"social", "sponsor", "advert", "newsletter", "subscri", "signup", "sign-up", "promo", "popular",
		"most-read", "mostread", "trending", "outbrain", "taboola", "disqus", "cookie", "consent", "gdpr",
		"toolbar", "tool-bar", "widget", "masthead", "navbar", "topbar", "banner", "modal", "popup", "login",
		"author-bio", "authorbio", "read-more", "readmore", "more-stories", "morestories", "next-prev",
		"prevnext", "prev-next", "jiucuo", "printer", "fontsize", "font-size", "visually-hidden", "sr-only",
		"screen-reader"}
	boilerplateWords = wordSet("nav", "navigation", "menu", "ad", "ads", "print", "tag", "tags", "tag-list",
		"keywords", "foot", "bottom", "header", "head-nav", "logo", "search", "skip", "rss", "meta-links",
		"caption", "credit", "photo-credit", "figcaption", "wp-caption-text", "location", "position")
	contentParts = []string{"article", "content", "entry", "story", "post-body", "postbody", "main", "body",
		"text", "zoom", "detail", "news_txt", "con_txt", "正文"}
)

func wordSet(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// isBoilerplateName reports whether a lower-cased class/id string names
// furniture.
func isBoilerplateName(name string) bool {
	if name == "" {
		return false
	}
	for _, p := range boilerplateParts {
		if strings.Contains(name, p) {
			return true
		}
	}
	for _, w := range strings.FieldsFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-')
	}) {
		if boilerplateWords[w] || strings.HasPrefix(w, "ad-") {
			return true
		}
	}
	return false
}

// isContentName reports whether a lower-cased class/id string names the
// article.
func isContentName(name string) bool {
	for _, p := range contentParts {
		if strings.Contains(name, p) {
			return true
		}
	}
	return false
}

// pruneTags are never part of an article body.
func pruneTag(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Noscript, atom.Iframe, atom.Nav, atom.Footer, atom.Aside,
		atom.Template, atom.Svg, atom.Math, atom.Button, atom.Select, atom.Input, atom.Textarea,
		atom.Object, atom.Embed, atom.Canvas, atom.Audio, atom.Video, atom.Map, atom.Link,
		atom.Meta, atom.Head, atom.Label, atom.Option, atom.Dialog, atom.Figcaption:
		return true
	}
	return false
}

// hardPrune tags hold no readable text whatever the page says.
func hardPrune(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Noscript, atom.Iframe, atom.Template, atom.Svg, atom.Math,
		atom.Button, atom.Select, atom.Input, atom.Textarea, atom.Object, atom.Embed, atom.Canvas,
		atom.Audio, atom.Video, atom.Link, atom.Meta, atom.Head, atom.Option:
		return true
	}
	return false
}

// protectedPath marks the best container of the unpruned page and its
// ancestors; the container itself only when its name says "content".
func protectedPath(st map[*html.Node]*stats) map[*html.Node]bool {
	var best *html.Node
	bestScore := 0.0
	for n, s := range st {
		if v := s.score * (1 - s.density()); v > bestScore {
			best, bestScore = n, v
		}
	}
	p := map[*html.Node]bool{}
	if best == nil {
		return p
	}
	if isContentName(classID(best)) {
		p[best] = true
	}
	for a := best.Parent; a != nil; a = a.Parent {
		p[a] = true
	}
	return p
}

// isHidden reports whether the page hides n from readers.
func isHidden(n *html.Node) bool {
	if hasAttr(n, "hidden") {
		return true
	}
	st := attr(n, "style")
	if st == "" {
		return false
	}
	st = strings.ReplaceAll(strings.ToLower(st), " ", "")
	return strings.Contains(st, "display:none") || strings.Contains(st, "visibility:hidden")
}

// prune removes page furniture from the tree: tags that never carry
// article text, hidden elements, and elements whose class or id name them
// as navigation, sharing, comments and the like. An element that holds
// most of the page's text is kept whatever its name, since some templates
// name their whole layout "main-nav-wrapper" or "page-footer-sticky".
//
// Names mislead in the other direction too ("container penci_sidebar"
// for a layout with a sidebar, "entry-content-read-more"), so the
// elements on the way down to the strongest paragraph cluster of the
// unpruned page are protected: only tags that never hold text go.
func prune(root *html.Node, st map[*html.Node]*stats, total int, protect map[*html.Node]bool, off RuleSet) {
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			switch c.Type {
			case html.CommentNode, html.DoctypeNode:
				// Comments are kept: the Hanweb content markers are comments.
			case html.ElementNode:
				if hardPrune(c.DataAtom) || (off.on(RuleFurnitureHeading) && headedByFurniture(c)) ||
					(!protect[c] && shouldPrune(c, st, total, off)) {
					removeNode(c)
				} else {
					walk(c)
				}
			}
			c = next
		}
	}
	walk(root)
}

func shouldPrune(n *html.Node, st map[*html.Node]*stats, total int, off RuleSet) bool {
	if pruneTag(n.DataAtom) {
		return true
	}
	switch n.DataAtom {
	case atom.Html, atom.Body, atom.Article, atom.Main:
		return false
	}
	share := 0.0
	if s := st[n]; s != nil && total > 0 {
		share = float64(s.text) / float64(total)
	}
	if isHidden(n) {
		return share < 0.5
	}
	if n.DataAtom == atom.Header || n.DataAtom == atom.Form {
		return share < 0.4
	}
	if attr(n, "role") == "navigation" || attr(n, "role") == "complementary" {
		return share < 0.4
	}
	name := classID(n)
	if name == "" || !off.on(RuleNamePrune) {
		return false
	}
	if !isBoilerplateName(name) {
		return false
	}
	if share >= 0.6 || embedsPost(n) {
		return false
	}
	// "article-share" is furniture; "article-content related-wrapper"
	// holding a good share of the page probably is the article.
	if isContentName(name) && share >= 0.3 {
		return false
	}
	return true
}

// headedByFurniture reports whether an element opens with a heading that
// announces a section of other stories ("Related posts", "You may also
// like", a heading of class "relatedpoststitle"): the section is the
// heading's parent, whatever that is called and however long, so it goes
// even when it holds most of the page's text.
func headedByFurniture(n *html.Node) bool {
	h := n.FirstChild
	for h != nil && (h.Type != html.ElementNode || h.DataAtom == atom.A && textOf(h) == "") {
		if h.Type == html.TextNode && strings.TrimFunc(h.Data, isSpace) != "" {
			return false
		}
		h = h.NextSibling
	}
	if h == nil {
		return false
	}
	switch h.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
	default:
		return false
	}
	if name := classID(h); name != "" && isOtherStoriesName(name) {
		return true
	}
	t := textOf(h)
	return len(t) < 80 && tailStart.MatchString(t)
}

// otherStoriesParts name the sections that list other articles.
var otherStoriesParts = []string{"related", "relevant", "recommend", "popular", "trending", "most-read",
	"mostread", "more-stories", "morestories", "read-more", "readmore", "also-like", "you-may", "youmay"}

func isOtherStoriesName(name string) bool {
	for _, p := range otherStoriesParts {
		if strings.Contains(name, p) {
			return true
		}
	}
	return false
}

// embedsPost reports whether an element holds a post embedded in the
// story (a tweet, an Instagram or TikTok post): its wrapper is often
// named "social-media-embed", yet the quoted post is part of what the
// story reports.
func embedsPost(n *html.Node) bool {
	return postQuote(n) != nil
}

// postQuote returns the first embedded post's blockquote in n's subtree.
func postQuote(n *html.Node) *html.Node {
	return findFirst(n, func(b *html.Node) bool {
		if b.DataAtom != atom.Blockquote {
			return false
		}
		c := strings.ToLower(attr(b, "class"))
		return strings.Contains(c, "tweet") || strings.Contains(c, "instagram") || strings.Contains(c, "tiktok")
	})
}
