package crawl

import (
	"net/url"
	"path"
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Link is an article link found by discovery, with what the list said of it.
type Link struct {
	URL   string
	Title string
	// Date is the list's date text for the item, unparsed ("[2020-03-23]").
	Date string
}

// anchors returns the links of an HTML fragment or page, resolved against
// base. A link's title is its title attribute when the text is truncated.
func anchors(root *html.Node, base *url.URL) []Link {
	var out []Link
	for n := range root.Descendants() {
		if n.Type != html.ElementNode || n.DataAtom != atom.A {
			continue
		}
		href := strings.TrimSpace(attr(n, "href"))
		if href == "" || strings.HasPrefix(href, "#") || strings.HasPrefix(strings.ToLower(href), "javascript:") {
			continue
		}
		u, err := base.Parse(href)
		if err != nil {
			continue
		}
		title := strings.Join(strings.Fields(textOf(n)), " ")
		if t := strings.TrimSpace(attr(n, "title")); t != "" && (title == "" || strings.HasSuffix(title, "...") || strings.HasSuffix(title, "…") || len(t) > len(title)) {
			title = t
		}
		out = append(out, Link{URL: u.String(), Title: title, Date: siblingDate(n)})
	}
	return out
}

// siblingDate returns the text that follows a list item's link: the date
// column of nearly every Chinese CMS list.
func siblingDate(a *html.Node) string {
	for s := a.NextSibling; s != nil; s = s.NextSibling {
		t := strings.TrimSpace(textOf(s))
		if t != "" && strings.ContainsAny(t, "0123456789") {
			return t
		}
	}
	return ""
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

// selectHrefs returns the resolved hrefs of the elements matching a CSS
// selector (for the "next page" link of a list).
func selectHrefs(root *html.Node, base *url.URL, selector string) ([]string, error) {
	sel, err := cascadia.Compile(selector)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range cascadia.QueryAll(root, sel) {
		href := attr(n, "href")
		if href == "" {
			continue
		}
		if u, err := base.Parse(href); err == nil {
			out = append(out, u.String())
		}
	}
	return out, nil
}

// trackingParams are query parameters that name a campaign or a session,
// never a different page.
var trackingParams = []string{"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
	"spm", "from", "share", "share_token", "fbclid", "gclid", "jsessionid", "phpsessid", "sid"}

// Canonical normalises an article URL so that one article has one URL:
// lower-case scheme and host, no default port, no fragment, no tracking or
// session parameters, no ";jsessionid=" path parameter, cleaned path.
func Canonical(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", err
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	if (u.Scheme == "http" && strings.HasSuffix(u.Host, ":80")) || (u.Scheme == "https" && strings.HasSuffix(u.Host, ":443")) {
		u.Host = u.Host[:strings.LastIndexByte(u.Host, ':')]
	}
	u.Fragment = ""
	u.RawFragment = ""
	if i := strings.Index(strings.ToLower(u.Path), ";jsessionid="); i >= 0 {
		u.Path = u.Path[:i]
		u.RawPath = ""
	}
	if u.Path != "" {
		clean := path.Clean(u.Path)
		if strings.HasSuffix(u.Path, "/") && clean != "/" {
			clean += "/"
		}
		u.Path = clean
		u.RawPath = ""
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			for _, p := range trackingParams {
				if strings.EqualFold(k, p) {
					q.Del(k)
				}
			}
		}
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}
