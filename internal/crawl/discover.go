package crawl

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"

	"riverside/internal/charset"
	"riverside/internal/news"
)

// ErrUnsupported is returned for a discovery kind this build cannot walk.
var ErrUnsupported = errors.New("crawl: discovery kind not supported yet")

// Discoverer finds article links for one discovery entry of a source.
type Discoverer struct {
	Session *Session
	// ArticleURL selects article links among all the links found.
	ArticleURL *regexp.Regexp
	// MaxPages bounds list pages (or datastore groups) walked per entry.
	MaxPages int
	// Now is the time traps are judged against; nil means time.Now.
	Now func() time.Time
	// Traps counts the links left alone as crawler traps (Trap).
	Traps int
	// Lists, when set, keeps the last full answer of every list page
	// (html-list pages, feeds, sitemaps, datastore columns): a list is
	// then revisited with a conditional GET, and an unchanged one (304)
	// is read again from what Lists kept.
	Lists ListMemory
	// ListsUnchanged counts the list pages answered 304.
	ListsUnchanged int
}

// ListMemory keeps list pages between passes (see Discoverer.Lists).
type ListMemory interface {
	// Recall returns the last full answer kept for url (its URL the
	// final one, its Header holding Content-Type, ETag and
	// Last-Modified); ok is false when none was kept.
	Recall(ctx context.Context, url string) (resp *Response, ok bool, err error)
	// Remember keeps the full answer to url.
	Remember(ctx context.Context, url string, resp *Response) error
}

// getList fetches a list page, conditionally when Lists holds its last
// answer with validators. An unchanged page (304) is handed back as it
// was kept, so the pass goes on with its links: they are the articles
// already known, which the caller skips or revisits as due, and its next
// page, itself asked for conditionally.
func (dc *Discoverer) getList(ctx context.Context, u string) (*Response, error) {
	if dc.Lists == nil {
		return dc.Session.Get(ctx, u)
	}
	prev, ok, err := dc.Lists.Recall(ctx, u)
	if err != nil {
		return nil, err
	}
	var v Validators
	if ok {
		v = Validators{ETag: prev.Header.Get("ETag"), LastModified: prev.Header.Get("Last-Modified")}
	}
	resp, err := dc.Session.GetIf(ctx, u, v)
	if err != nil {
		return nil, err
	}
	if resp.NotModified() {
		if !ok {
			return nil, fmt.Errorf("GET %s: HTTP 304 to an unconditional request", u)
		}
		dc.ListsUnchanged++
		return prev, nil
	}
	if resp.Header.Get("ETag") != "" || resp.Header.Get("Last-Modified") != "" {
		if err := dc.Lists.Remember(ctx, u, resp); err != nil {
			return nil, err
		}
	}
	return resp, nil
}

func (dc *Discoverer) now() time.Time {
	if dc.Now != nil {
		return dc.Now()
	}
	return time.Now()
}

// Discover returns the article links of d, newest first as the site lists
// them, without repeats.
func (dc *Discoverer) Discover(ctx context.Context, d news.Discovery) ([]Link, error) {
	maxPages := max(dc.MaxPages, 1)
	var links []Link
	var err error
	switch d.Kind {
	case news.KindHTMLList:
		links, err = dc.htmlList(ctx, d, maxPages)
	case news.KindHanwebDatastore:
		links, err = dc.datastore(ctx, d, maxPages)
	case news.KindHanwebJPaaS:
		links, err = dc.jpaas(ctx, d, maxPages)
	case news.KindFeed:
		links, err = dc.feed(ctx, d)
	case news.KindSitemap:
		links, err = dc.sitemap(ctx, d, maxPages)
	default:
		return nil, fmt.Errorf("%s %s: %w", d.Kind, d.URL, ErrUnsupported)
	}
	return dc.keep(links), err
}

// keep filters links to article URLs, canonical and without repeats.
func (dc *Discoverer) keep(links []Link) []Link {
	seen := map[string]bool{}
	var out []Link
	for _, l := range links {
		c, err := Canonical(l.URL)
		if err != nil || seen[c] || (dc.ArticleURL != nil && !dc.ArticleURL.MatchString(c)) {
			continue
		}
		if Trap(c, dc.now()) {
			dc.Traps++
			continue
		}
		seen[c] = true
		l.URL = c
		out = append(out, l)
	}
	return out
}

// decoded returns a response's text in UTF-8 and its URL, the base for
// the links it holds.
func decoded(resp *Response) (string, *url.URL, error) {
	text, _ := charset.Decode(resp.Body, resp.ContentType())
	base, err := url.Parse(resp.URL)
	if err != nil {
		return "", nil, fmt.Errorf("parse %s: %w", resp.URL, err)
	}
	return text, base, nil
}

// fetchText gets u and returns its decoded text and final URL.
func (dc *Discoverer) fetchText(ctx context.Context, u string) (string, *url.URL, error) {
	resp, err := dc.getList(ctx, u)
	if err != nil {
		return "", nil, err
	}
	return decoded(resp)
}

func parsePage(resp *Response) (*html.Node, *url.URL, string, error) {
	text, base, err := decoded(resp)
	if err != nil {
		return nil, nil, "", err
	}
	doc, err := html.Parse(strings.NewReader(text))
	if err != nil {
		return nil, nil, "", fmt.Errorf("parse %s: %w", resp.URL, err)
	}
	return doc, base, text, nil
}

// htmlList walks a plain list page and its following pages: the `next`
// selector when the entry gives one, else the first link whose text says
// "next page".
func (dc *Discoverer) htmlList(ctx context.Context, d news.Discovery, maxPages int) ([]Link, error) {
	var links []Link
	visited := map[string]bool{}
	next := d.URL
	for page := 0; page < maxPages && next != "" && !visited[next]; page++ {
		visited[next] = true
		all, following, err := dc.listPage(ctx, d, next)
		links = append(links, all...)
		if err != nil {
			if len(links) == 0 {
				return nil, err
			}
			return links, err
		}
		next = following
	}
	return links, nil
}

// ListPage reads one page of an html-list entry (its first page is d.URL)
// and returns the article links on it, canonical and filtered as Discover
// returns them, and the URL of the following page ("" on the last one, or
// where the list turns into a crawler trap). Workers sharing a pass walk
// a list page by page with it; a caller bounds the pages (MaxPages).
func (dc *Discoverer) ListPage(ctx context.Context, d news.Discovery, u string) ([]Link, string, error) {
	all, next, err := dc.listPage(ctx, d, u)
	return dc.keep(all), next, err
}

// listPage reads one list page: all its links, unfiltered, and the next
// page's URL.
func (dc *Discoverer) listPage(ctx context.Context, d news.Discovery, u string) ([]Link, string, error) {
	resp, err := dc.getList(ctx, u)
	if err != nil {
		return nil, "", err
	}
	doc, base, _, err := parsePage(resp)
	if err != nil {
		return nil, "", err
	}
	all := anchors(doc, base)
	next := ""
	if d.Next != "" {
		hrefs, err := selectHrefs(doc, base, d.Next)
		if err != nil {
			return all, "", fmt.Errorf("next selector %q: %w", d.Next, err)
		}
		if len(hrefs) > 0 {
			next = hrefs[0]
		}
	} else {
		next = nextByText(all)
	}
	if next != "" && Trap(next, dc.now()) {
		// A calendar that pages on forever: stop here.
		dc.Traps++
		next = ""
	}
	return all, next, nil
}

var nextWords = []string{"下一页", "下页", "next", "next page", "›", "»", ">"}

func nextByText(links []Link) string {
	for _, l := range links {
		t := strings.ToLower(strings.TrimSpace(l.Title))
		for _, w := range nextWords {
			if t == w {
				return l.URL
			}
		}
	}
	return ""
}

// feed reads an RSS or Atom feed.
func (dc *Discoverer) feed(ctx context.Context, d news.Discovery) ([]Link, error) {
	text, base, err := dc.fetchText(ctx, d.URL)
	if err != nil {
		return nil, err
	}
	f, err := gofeed.NewParser().ParseString(text)
	if err != nil {
		return nil, fmt.Errorf("feed %s: %w", d.URL, err)
	}
	var links []Link
	for _, it := range f.Items {
		u, err := base.Parse(strings.TrimSpace(it.Link))
		if err != nil || it.Link == "" {
			continue
		}
		links = append(links, Link{URL: u.String(), Title: it.Title, Date: it.Published})
	}
	return links, nil
}

// sitemap reads a sitemap, or a sitemap index and at most maxPages of the
// sitemaps it names, one level deep: an index may name itself, or
// thousands of sitemaps, and a crawler must not follow it forever.
func (dc *Discoverer) sitemap(ctx context.Context, d news.Discovery, maxPages int) ([]Link, error) {
	links, subs, err := dc.readSitemap(ctx, d.URL)
	if err != nil {
		return nil, err
	}
	for i, sub := range subs {
		if i >= maxPages {
			break
		}
		more, _, err := dc.readSitemap(ctx, sub)
		if err != nil {
			return links, err
		}
		links = append(links, more...)
	}
	return links, nil
}

// readSitemap fetches one sitemap: its URLs, and the sitemaps it names
// when it is an index.
func (dc *Discoverer) readSitemap(ctx context.Context, u string) ([]Link, []string, error) {
	type loc struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	}
	var doc struct {
		URLs     []loc `xml:"url"`
		Sitemaps []loc `xml:"sitemap"`
	}
	resp, err := dc.getList(ctx, u)
	if err != nil {
		return nil, nil, err
	}
	if err := xml.Unmarshal(resp.Body, &doc); err != nil {
		return nil, nil, fmt.Errorf("sitemap %s: %w", u, err)
	}
	base, err := url.Parse(resp.URL)
	if err != nil {
		return nil, nil, fmt.Errorf("sitemap %s: %w", u, err)
	}
	// The protocol wants absolute URLs; a relative one is read against
	// the sitemap's own, as a browser would, rather than passed on as a
	// URL nobody can fetch.
	var links []Link
	for _, l := range doc.URLs {
		if abs, err := base.Parse(strings.TrimSpace(l.Loc)); err == nil {
			links = append(links, Link{URL: abs.String(), Date: l.LastMod})
		}
	}
	var subs []string
	for _, sm := range doc.Sitemaps {
		if abs, err := base.Parse(strings.TrimSpace(sm.Loc)); err == nil {
			subs = append(subs, abs.String())
		}
	}
	return links, subs, nil
}

// The Hanweb jcms column page carries its list as an XML "data island"
// inside <script type="text/xml">, and a jpage() call whose options say how
// to fetch the following groups from dataproxy.jsp.
var (
	recordRE      = regexp.MustCompile(`(?s)<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>`)
	nextGroupRE   = regexp.MustCompile(`(?s)<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>`)
	totalRecordRE = regexp.MustCompile(`(?i)totalRecord\s*:\s*'?(\d+)`)
	totalTagRE    = regexp.MustCompile(`<totalrecord>\s*(\d+)\s*</totalrecord>`)
	perPageRE     = regexp.MustCompile(`(?i)perPage\s*:\s*'?(\d+)`)
	groupSizeRE   = regexp.MustCompile(`(?i)groupSize\s*:\s*'?(\d+)`)
	proxyURLRE    = regexp.MustCompile(`(?i)proxyUrl\s*:\s*'([^']+)'`)
	paramRE       = regexp.MustCompile(`(?s)var\s+param_\w+\s*=\s*\{(.*?)\}`)
	paramPairRE   = regexp.MustCompile(`(\w+)\s*:\s*('[^']*'|"[^"]*"|[^,}]*)`)
)

// datastore walks a Hanweb column: the records embedded in the page, then
// the following groups from dataproxy.jsp, by POST with the page's own
// parameters (what the site's script does), or by GET on the nextgroup link
// when the page has no parameters.
func (dc *Discoverer) datastore(ctx context.Context, d news.Discovery, maxGroups int) ([]Link, error) {
	text, base, err := dc.fetchText(ctx, d.URL)
	if err != nil {
		return nil, err
	}
	links, records := recordLinks(text, base)
	if records == 0 {
		// Not a datastore page after all (the site changed template): read
		// it as a plain list rather than find nothing.
		doc, err := html.Parse(strings.NewReader(text))
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", d.URL, err)
		}
		return anchors(doc, base), nil
	}
	total := atoiMatch(totalRecordRE, text)
	perPage := atoiMatch(perPageRE, text)
	groupSize := max(atoiMatch(groupSizeRE, text), 1)
	proxy := ""
	if m := proxyURLRE.FindStringSubmatch(text); m != nil {
		proxy = m[1]
	}
	params := jpageParams(text)
	if proxy != "" && perPage > 0 && len(params) > 0 {
		proxyURL, err := base.Parse(proxy)
		if err != nil {
			return links, fmt.Errorf("datastore %s: proxy url: %w", d.URL, err)
		}
		per := perPage * groupSize
		for g := 1; g < maxGroups; g++ {
			start := records + (g-1)*per + 1
			if total > 0 && start > total {
				break
			}
			q := proxyURL.Query()
			q.Set("startrecord", strconv.Itoa(start))
			q.Set("endrecord", strconv.Itoa(start+per-1))
			q.Set("perpage", strconv.Itoa(perPage))
			u := *proxyURL
			u.RawQuery = q.Encode()
			r, err := dc.Session.PostForm(ctx, u.String(), params)
			if err != nil {
				return links, fmt.Errorf("datastore %s: %w", d.URL, err)
			}
			body, _ := charset.Decode(r.Body, r.ContentType())
			more, n := recordLinks(body, base)
			if total == 0 {
				total = atoiMatch(totalTagRE, body)
			}
			if n == 0 {
				break
			}
			links = append(links, more...)
		}
		return links, nil
	}
	// No jpage parameters: follow nextgroup links.
	next := nextGroup(text, base)
	for g := 1; g < maxGroups && next != ""; g++ {
		r, err := dc.Session.Get(ctx, next)
		if err != nil {
			return links, fmt.Errorf("datastore %s: %w", d.URL, err)
		}
		body, _ := charset.Decode(r.Body, r.ContentType())
		more, n := recordLinks(body, base)
		if n == 0 {
			break
		}
		links = append(links, more...)
		if nn := nextGroup(body, base); nn != next {
			next = nn
		} else {
			break
		}
	}
	return links, nil
}

// recordLinks parses the <record> CDATA sections of a datastore.
func recordLinks(text string, base *url.URL) ([]Link, int) {
	var links []Link
	ms := recordRE.FindAllStringSubmatch(text, -1)
	for _, m := range ms {
		// Records are fragments, sometimes malformed; the HTML parser copes.
		frag, err := html.Parse(strings.NewReader(m[1]))
		if err != nil {
			continue
		}
		links = append(links, anchors(frag, base)...)
	}
	return links, len(ms)
}

func nextGroup(text string, base *url.URL) string {
	m := nextGroupRE.FindStringSubmatch(text)
	if m == nil {
		return ""
	}
	frag, err := html.Parse(strings.NewReader(m[1]))
	if err != nil {
		return ""
	}
	for n := range frag.Descendants() {
		if n.Type == html.ElementNode && n.Data == "a" {
			if u, err := base.Parse(html.UnescapeString(attr(n, "href"))); err == nil {
				return u.String()
			}
		}
	}
	return ""
}

// jpageParams reads `var param_UNIT={col:1,appid:1,webid:2945,…}` into
// the form that dataproxy.jsp expects.
func jpageParams(text string) url.Values {
	m := paramRE.FindStringSubmatch(text)
	if m == nil {
		return nil
	}
	form := url.Values{}
	for _, p := range paramPairRE.FindAllStringSubmatch(m[1], -1) {
		v := strings.TrimSpace(p[2])
		v = strings.Trim(v, `'"`)
		form.Set(p[1], v)
	}
	return form
}

func atoiMatch(re *regexp.Regexp, s string) int {
	m := re.FindStringSubmatch(s)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}
