package crawl

import (
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"riverside/internal/news"
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

// Trap bounds, for calendar pages: a list or pagination link whose path
// or query names a year outside [now-trapPastYears, now+1] leads into an
// endless calendar, not to news.
const (
	trapPastYears = 30
	// trapMaxSegments bounds the depth of a path; session-id and
	// relative-link loops grow paths without end.
	trapMaxSegments = 15
)

var (
	// trapDateRE finds dates in a URL: 2026-01, 2026/01/02, 20260102,
	// year=2026, date=2026-01-02 …
	trapDateRE = regexp.MustCompile(`(?:^|[^0-9])((?:1[0-9]|2[0-9]|3[0-9])[0-9]{2})(?:[-/_.]?(0[1-9]|1[0-2])(?:[-/_.]?([0-2][0-9]|3[01]))?)?(?:[^0-9]|$)`)
)

// Trap tells whether a list or pagination link looks like a crawler trap:
// a calendar that runs far into the future or the past, a path in which a
// segment repeats (relative links resolved against themselves, or loops
// of redirects into ever deeper paths), or an absurdly deep path. now is
// the time the crawl runs.
func Trap(raw string, now time.Time) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return true
	}
	segs := strings.FieldsFunc(u.Path, func(r rune) bool { return r == '/' })
	if len(segs) > trapMaxSegments {
		return true
	}
	count := map[string]int{}
	for i, s := range segs {
		count[s]++
		// Two equal segments in a row, or any segment three times,
		// except the numbers of a date (2020/02/02).
		if !isDigits(s) && (count[s] >= 3 || (i > 0 && segs[i-1] == s)) {
			return true
		}
	}
	// A sequence of segments repeated: /a/b/a/b.
	for n := 2; 2*n <= len(segs); n++ {
		for i := 0; i+2*n <= len(segs); i++ {
			if slices.Equal(segs[i:i+n], segs[i+n:i+2*n]) {
				return true
			}
		}
	}
	lo, hi := now.Year()-trapPastYears, now.Year()+1
	for _, part := range []string{u.Path, u.RawQuery} {
		part, _ = url.QueryUnescape(part)
		for _, m := range trapDateRE.FindAllStringSubmatch(part, -1) {
			y, _ := strconv.Atoi(m[1])
			// A bare 4-digit number is a year only with a month, or
			// when the query names it (year=, date=, month=).
			if m[2] == "" && !strings.Contains(strings.ToLower(part), "year") &&
				!strings.Contains(strings.ToLower(part), "date") && !strings.Contains(strings.ToLower(part), "month") {
				continue
			}
			if y < lo || y > hi {
				return true
			}
		}
	}
	return false
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// Hosts returns a source's allowed-hosts rule: the hosts of its discovery
// URLs, and any URL its article pattern matches (an article on a sister
// host the list links to).
func Hosts(src news.Source, article *regexp.Regexp) func(*url.URL) bool {
	hosts := map[string]bool{}
	for _, d := range src.Discovery {
		if u, err := url.Parse(d.URL); err == nil {
			hosts[strings.ToLower(u.Host)] = true
		}
	}
	return func(u *url.URL) bool {
		if hosts[strings.ToLower(u.Host)] {
			return true
		}
		if article == nil {
			return false
		}
		c, err := Canonical(u.String())
		return err == nil && article.MatchString(c)
	}
}
