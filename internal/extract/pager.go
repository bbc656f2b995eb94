package extract

import (
	"net/url"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Continuation pages repeat the article's file name with a page number:
// c_1125327450_2.htm, content_7712345_3.htm, art-12-2.html.
var pageSuffix = regexp.MustCompile(`^(.*?)[_-](\d{1,3})$`)

// pagerLinks returns the article's own continuation pages, in page order:
// links whose file name is this page's stem plus "_N" (N ≥ 2, beyond the
// current page), or the same path with a page query parameter. Links to
// other stems ("1 2 3 4" list widgets, the next article) are not pages of
// this one.
func pagerLinks(root *html.Node, base *url.URL) []string {
	if base == nil || base.Path == "" {
		return nil
	}
	dir, file := path.Split(base.Path)
	ext := path.Ext(file)
	stem := strings.TrimSuffix(file, ext)
	current := 1
	if m := pageSuffix.FindStringSubmatch(stem); m != nil {
		stem = m[1]
		current, _ = strconv.Atoi(m[2])
	}
	pages := map[int]string{}
	eachElement(root, func(n *html.Node) {
		if n.DataAtom != atom.A {
			return
		}
		href := strings.TrimSpace(attr(n, "href"))
		if href == "" || strings.HasPrefix(href, "#") ||
			(len(href) >= 11 && strings.EqualFold(href[:11], "javascript:")) {
			return
		}
		// Only a link that names this file's stem or carries a query can
		// be a page of it; spare the URL parsing for all others.
		if (stem == "" || !strings.Contains(href, stem)) && strings.IndexByte(href, '?') < 0 {
			return
		}
		u, err := base.Parse(href)
		if err != nil || u.Host != base.Host {
			return
		}
		u.Fragment = ""
		d, f := path.Split(u.Path)
		num := 0
		switch {
		case d == dir && path.Ext(f) == ext:
			m := pageSuffix.FindStringSubmatch(strings.TrimSuffix(f, ext))
			if m == nil || m[1] != stem {
				return
			}
			num, _ = strconv.Atoi(m[2])
		case u.Path == base.Path && u.RawQuery != "":
			q := u.Query()
			for _, k := range []string{"page", "p", "pg", "pageno", "pagenum"} {
				if v := q.Get(k); v != "" {
					num, _ = strconv.Atoi(v)
					break
				}
			}
		default:
			return
		}
		if num <= current || num > 200 {
			return
		}
		if _, seen := pages[num]; !seen {
			pages[num] = u.String()
		}
	})
	nums := make([]int, 0, len(pages))
	for k := range pages {
		nums = append(nums, k)
	}
	sort.Ints(nums)
	out := make([]string, 0, len(nums))
	for _, k := range nums {
		out = append(out, pages[k])
	}
	return out
}
