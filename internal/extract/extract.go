// Package extract reads an HTML page and returns the article it carries:
// title, publication time, author, publisher, language and body text,
// with navigation, share bars, related links and other page furniture
// removed.
//
// The body is found by scoring containers by the paragraphs below them
// (text length, clause punctuation, link density), in the manner of the
// readability family, with a fast path for the Hanweb CMS of the Zhejiang
// government sites, whose templates mark the body with comments. When
// that finds no text, fallbacks take JSON-LD's articleBody, markup that
// the page ships in a <textarea> or a script string, the largest block of
// prose or the description; Page.Method says which path was used.
// Metadata comes from head metas, JSON-LD and the labelled lines that
// Chinese and English news templates print around the headline.
//
// The heuristics come in named families (rules.go) that ExtractWith can
// switch off, so that cmd/extractbench can measure which of them help
// pages of sites they were not written for.
//
//	page, err := extract.Extract(raw, resp.Header.Get("Content-Type"), url, news.Selectors{})
//	fmt.Println(page.Title, page.Published, page.Text)
package extract

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"riverside/internal/charset"
	"riverside/internal/news"
)

// Errors of Extract.
var (
	ErrNotHTML = errors.New("extract: not an HTML page")
	ErrNoText  = errors.New("extract: page has no text")
)

// Page is what one HTML page yields.
type Page struct {
	URL       string
	Title     string
	Published time.Time // zero when unknown; zone-less times are news.Shanghai
	Author    string
	Source    string // publisher: 来源/信息来源/ContentSource/"(Source: …)"
	Lang      string // "zh" or "en" (decided from the text)
	Text      string // body, paragraphs separated by "\n\n"
	// Fields holds further labelled metadata (索引号, 文号, 发布机构 …)
	// when the page has them.
	Fields map[string]string
	// Next lists the absolute URLs of this article's continuation pages,
	// in order; empty if none.
	Next    []string
	Charset string
	// Method says which path found the body: one of the Method
	// constants, "" when the page has no article text.
	Method string
}

// How the body was found, most specific first; the fallbacks run only
// when the main path yields no text.
const (
	MethodSelector     = "selector"      // the source's configured body selector
	MethodHanweb       = "hanweb"        // the Hanweb CMS content markers
	MethodStructured   = "structured"    // the element marked itemprop=articleBody
	MethodScored       = "scored"        // paragraph scoring over the pruned page
	MethodJSONLD       = "json-ld"       // fallback: JSON-LD articleBody
	MethodEmbedded     = "embedded"      // fallback: markup in a <textarea> or a script string
	MethodLargestBlock = "largest-block" // fallback: the largest text block of the unpruned page
	MethodDescription  = "description"   // last resort: the page's description meta
)

// Options tune one extraction.
type Options struct {
	// Selectors, when non-empty, replace the automatic choice of the
	// corresponding field.
	Selectors news.Selectors
	// Off switches rule families off; the zero value runs them all. Only
	// the extraction benchmark needs it.
	Off RuleSet
}

// Extract reads one HTML page. contentType is the HTTP Content-Type
// header (it may be empty); pageURL resolves relative links and gives a
// last-resort date. Non-empty selectors in sel replace the automatic
// choice of the corresponding field. It fails only when the input is not
// HTML or carries no text at all.
func Extract(raw []byte, contentType, pageURL string, sel news.Selectors) (*Page, error) {
	return ExtractWith(raw, contentType, pageURL, Options{Selectors: sel})
}

// ExtractWith is Extract with options.
func ExtractWith(raw []byte, contentType, pageURL string, opt Options) (*Page, error) {
	sel, off := opt.Selectors, opt.Off
	text, cs := charset.Decode(raw, contentType)
	if !looksHTML(text) {
		return nil, fmt.Errorf("extract %s: %w", pageURL, ErrNotHTML)
	}
	root, err := parseHTML(text)
	if err != nil {
		return nil, fmt.Errorf("extract %s: %w", pageURL, err)
	}
	p := &Page{URL: pageURL, Charset: cs}
	base, _ := url.Parse(pageURL)
	if b := findFirst(root, func(n *html.Node) bool { return n.DataAtom == atom.Base }); b != nil && base != nil {
		if u, err := base.Parse(attr(b, "href")); err == nil && attr(b, "href") != "" {
			base = u
		}
	}
	doc := goquery.NewDocumentFromNode(root)

	meta := readMeta(root)
	ld := readJSONLD(root)
	p.Title = chooseTitle(root, meta, ld)
	if v := selText(doc, sel.Title); v != "" {
		p.Title = v
	}
	// The whole page as lines, before any pruning: labelled metadata
	// (发布日期, 来源, 索引号) sits in blocks the body choice throws away.
	full := pageLines(root)
	byline := bylineElement(root)
	// The <title> as it stands, read before pruning removes <head>: it
	// names a blog's owner.
	pageTitle := docTitle(root)
	p.Next = pagerLinks(root, base)

	var content []*html.Node
	if sel.Body != "" {
		doc.Find(sel.Body).Each(func(_ int, s *goquery.Selection) {
			content = append(content, s.Nodes...)
		})
		if content != nil {
			p.Method = MethodSelector
		}
	}
	if content == nil && off.on(RuleHanweb) {
		if content = hanwebContent(root); content != nil {
			p.Method = MethodHanweb
		}
	}
	// One measure of the unpruned page serves the text shares that guard
	// pruning and the path to its strongest paragraph cluster.
	st0 := measure(root)
	total := 0
	for c := root.FirstChild; c != nil; c = c.NextSibling {
		if s := st0[c]; s != nil {
			total += s.text
		}
	}
	if total == 0 && textOf(root) == "" {
		// Nothing visible: a page rendered by scripts may still carry
		// its article in JSON-LD or its description.
		lm := lineMeta{off: off}
		if paras, method := fallbackBody(text, ld, meta, p.Title, &lm); len(paras) > 0 && method != MethodLargestBlock {
			p.Text, p.Method = strings.Join(paras, "\n\n"), method
			p.Published = publishedTime(doc, sel, meta, ld, nil, nil, &lm, paras, pageURL, hasHan(p.Title))
			p.Author = articleAuthor(doc, sel, meta, ld, nil, nil, nil, &lm, paras, p.Title, pageTitle, byline)
			p.Lang = detectLang(p.Text)
			return p, nil
		}
		return nil, fmt.Errorf("extract %s: %w", pageURL, ErrNoText)
	}
	prune(root, st0, total, protectedPath(st0), off)
	st := measure(root)
	if content == nil && off.on(RuleStructured) {
		if content = structuredContent(root, st); content != nil {
			p.Method = MethodStructured
		}
	}
	if content == nil {
		content = chooseContent(root, st, off)
		p.Method = MethodScored
	}
	if p.Method != MethodSelector && off.on(RuleStandfirst) {
		if sf := standfirst(content, st, p.Title); sf != nil {
			content = append(sf, content...)
		}
	}
	lm := lineMeta{off: off}
	paras := renderBody(content, st, p.Title, &lm)
	if len(paras) == 0 {
		// The main path found no body: the page may still carry its
		// article in JSON-LD, in one large block that the pruning took
		// for furniture, or, last, in its description.
		paras, p.Method = fallbackBody(text, ld, meta, p.Title, &lm)
	} else if n := effectiveLen(paras); p.Method == MethodScored && n < minFallbackText && !hasClauseMark(paras) {
		// What the scoring found is a scrap without a clause mark (a
		// breadcrumb, a menu line): a fallback that finds prose wins.
		fbm := lineMeta{off: off}
		if fb, method := fallbackBody(text, ld, meta, p.Title, &fbm); effectiveLen(fb) >= 2*n && hasClauseMark(fb) {
			paras, p.Method, lm = fb, method, fbm
		}
	} else if p.Method == MethodScored && ld.body != "" {
		// The scoring found part of the story (one box of several, the
		// part above a "Read more" fold) while the page's JSON-LD
		// carries all of it: the longer text of the same story wins.
		ldm := lineMeta{off: off}
		if lp := cleanParas(splitParas(ld.body), p.Title, &ldm); 2*effectiveLen(lp) >= 3*n && sameStory(paras, lp) {
			paras, p.Method, lm = lp, MethodJSONLD, ldm
		}
	}
	p.Text = strings.Join(paras, "\n\n")

	heads := headlines(full, p.Title)
	p.Published = publishedTime(doc, sel, meta, ld, full, heads, &lm, paras, pageURL, hasHan(p.Title))
	labelled := colonLines(full)
	p.Author = articleAuthor(doc, sel, meta, ld, full, heads, labelled, &lm, paras, p.Title, pageTitle, byline)
	p.Source = publisher(chooseSource(doc, sel, meta, full, labelled, &lm, p.Text))
	p.Fields = readFields(labelled)
	if p.Text != "" {
		p.Lang = detectLang(p.Text)
	} else {
		p.Lang = detectLang(p.Title)
	}
	return p, nil
}

// sameStory reports whether a fuller text holds the opening of the
// paragraphs found: the same story, not another article's body.
func sameStory(found, fuller []string) bool {
	open := normalizeTitle(firstRunes(strings.Join(found, " "), 80))
	return len(open) >= 20 && strings.Contains(normalizeTitle(strings.Join(fuller, " ")), open)
}

// docTitle is the text of the page's <title>, as it stands.
func docTitle(root *html.Node) string {
	if t := findFirst(root, func(n *html.Node) bool { return n.DataAtom == atom.Title }); t != nil {
		return textOf(t)
	}
	return ""
}

// looksHTML rejects input that is plainly something else (JSON, images,
// plain text without a single tag).
func looksHTML(s string) bool {
	head := strings.TrimSpace(s)
	if len(head) > 4096 {
		head = head[:4096]
	}
	if head == "" || strings.HasPrefix(head, "{") || strings.HasPrefix(head, "%PDF") {
		return false
	}
	return strings.Contains(head, "<")
}

// selText returns the text of the first element a selector matches.
func selText(doc *goquery.Document, selector string) string {
	if selector == "" {
		return ""
	}
	s := doc.Find(selector).First()
	if s.Length() == 0 {
		return ""
	}
	if c, ok := s.Attr("content"); ok && c != "" {
		return collapseSpace(c)
	}
	if c, ok := s.Attr("datetime"); ok && c != "" {
		return collapseSpace(c)
	}
	return textOf(s.Nodes[0])
}

// hanwebContent finds the body of a Hanweb (大汉) jcms page: the nodes
// between the <!--ZJEG_RSS.content.begin--> and ...end--> comments, or the
// #zoom container that the Zhejiang templates use.
func hanwebContent(root *html.Node) []*html.Node {
	begin := findComment(root, "ZJEG_RSS.content.begin")
	if begin != nil {
		var nodes []*html.Node
		for n := begin.NextSibling; n != nil; n = n.NextSibling {
			if n.Type == html.CommentNode && strings.Contains(n.Data, "ZJEG_RSS.content.end") {
				if hasText(nodes) {
					return nodes
				}
				break
			}
			nodes = append(nodes, n)
		}
		if begin.Parent != nil && begin.Parent.Type == html.ElementNode && textOf(begin.Parent) != "" {
			return []*html.Node{begin.Parent}
		}
	}
	zoom := findFirst(root, func(n *html.Node) bool { return strings.EqualFold(attr(n, "id"), "zoom") })
	if zoom != nil && len([]rune(textOf(zoom))) >= 20 {
		return []*html.Node{zoom}
	}
	return nil
}

func hasText(nodes []*html.Node) bool {
	for _, n := range nodes {
		if n.Type == html.TextNode && strings.TrimFunc(n.Data, isSpace) != "" {
			return true
		}
		if n.Type == html.ElementNode && textOf(n) != "" {
			return true
		}
	}
	return false
}

func findComment(n *html.Node, marker string) *html.Node {
	if n.Type == html.CommentNode && strings.Contains(n.Data, marker) {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := findComment(c, marker); f != nil {
			return f
		}
	}
	return nil
}

// pageLines renders the whole visible page as lines of text.
func pageLines(root *html.Node) []string {
	r := renderer{}
	r.render(root, false)
	r.flush()
	var lines []string
	for _, p := range r.paras {
		for _, ln := range strings.Split(p, "\n") {
			if ln = strings.TrimFunc(ln, isSpace); ln != "" {
				lines = append(lines, ln)
			}
		}
	}
	return lines
}

// jsonPage is the `crawler extract` contract object.
type jsonPage struct {
	URL       string `json:"url"`
	Title     string `json:"title"`
	Published string `json:"published"`
	Author    string `json:"author"`
	Source    string `json:"source"`
	Lang      string `json:"lang"`
	Text      string `json:"text"`
	// Method is additive to the contract: which path found the body.
	Method string `json:"method,omitempty"`
}

// JSON returns the `crawler extract` contract object:
// {"url","title","published","author","source","lang","text"}; published
// is RFC 3339 (+08:00 when the page gave no zone), "" when unknown; an
// extra "method" field says which path found the body.
func (p *Page) JSON() ([]byte, error) {
	j := jsonPage{URL: p.URL, Title: p.Title, Author: p.Author, Source: p.Source, Lang: p.Lang, Text: p.Text, Method: p.Method}
	if !p.Published.IsZero() {
		j.Published = p.Published.Format(time.RFC3339)
	}
	return json.Marshal(j)
}
