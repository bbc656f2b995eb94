package mirror

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"riverside/internal/news"
)

// Article is one item the mirror serves: from an article file, a seed,
// or POST /_mirror/publish.
type Article struct {
	Site   string
	Column string
	// ID is the item's number in its site's URLs (art_{col}_{ID}.html,
	// c_{ID}.htm, content_{ID}.htm …).
	ID    string
	Title string
	// Published is shown on the page; zero means the page shows no date.
	Published time.Time
	// Listed orders the item on list pages and dates its URL. It equals
	// Published unless the page is dateless.
	Listed time.Time
	Source string
	Author string
	Lang   string
	Body   []Block

	// Path is the URL path of the article's (first) page.
	Path string
	// File names where the item came from, for messages.
	File string
	// Live marks items published at run time; seq orders them.
	Live bool
	seq  int
	// Malformed makes the item's Hanweb record carry a stray fragment,
	// as real datastores occasionally do.
	Malformed bool
	// Extra holds the page furniture of seed pages.
	Extra Extra
}

// Block is one element of an article body.
type Block struct {
	// Text is a paragraph. For hard-wrapped releases it holds the
	// lines, separated by "\n".
	Text string
	// Image, Alt and Caption describe a figure instead of a paragraph.
	Image, Alt, Caption string
	// PageBreak starts a continuation page (multi-page articles).
	PageBreak bool
}

// Extra is furniture a seed page carries around its body.
type Extra struct {
	// Photo and Caption head the article (stdaily).
	Photo, Caption string
	// Dateline opens a press release; Tail closes it (prnews).
	Dateline string
	Tail     []string
	// Editor is the editor line under the body.
	Editor string
}

// Paragraphs returns the text blocks of the article's body.
func (a *Article) Paragraphs() []string {
	var out []string
	for _, b := range a.Body {
		if b.Text != "" {
			out = append(out, b.Text)
		}
	}
	return out
}

// pages splits the body at page breaks.
func (a *Article) pages() [][]Block {
	pages := [][]Block{nil}
	for _, b := range a.Body {
		if b.PageBreak {
			pages = append(pages, nil)
			continue
		}
		pages[len(pages)-1] = append(pages[len(pages)-1], b)
	}
	return pages
}

// site is one imitated source site, served under /{id}/.
type site struct {
	id   string
	name string // as the site names itself
	// nameEN names the site in its English columns, if it has any.
	nameEN   string
	lang     string
	district string
	// idDigits is the length of article IDs in the site's URLs.
	idDigits int
	// webID is the Hanweb site number (Hanweb sites only).
	webID   string
	columns []*column
}

// column is one list of a site: a Hanweb column, or a news list.
type column struct {
	site *site
	id   string // Hanweb column number, or a list name ("latest", "news")
	name string
	// slug names the column in source ids.
	slug string
	lang string
	// kind is the discovery kind a crawler uses on the column's list.
	kind string
	// unit, record and proxy describe a Hanweb datastore column.
	unit   string
	record recordStyle
	proxy  string
	// gbk serves the column's list and article pages in GBK.
	gbk bool
	// pageSize is the number of items per page of a plain paginated
	// list; 0 means a single page.
	pageSize int
	// items is newest first; guarded by Mirror.mu.
	items []*Article
}

// Site ids.
const (
	siteHHTZ       = "hhtz"
	siteXiaoshan   = "xiaoshan"
	siteEHangzhou  = "ehangzhou"
	siteSTDaily    = "stdaily"
	sitePRNews     = "prnews"
	siteAggregator = "aggregator"
	siteXSNet      = "xsnet"
)

// Hanweb column numbers the mirror uses.
const (
	colHHTZWork    = "1487002" // 工作动态
	colHHTZNotice  = "1485818" // 通知公告
	colHHTZEnglish = "1487272"
	colXSNews      = "1229292680" // UTF-8, datastore
	colXSTowns     = "1229292681" // 部门动态: GBK, plain list
)

// Datastore paging of every mirrored Hanweb column: the column page
// embeds one group of perPage × groupSize records, so that a crawler
// must page through dataproxy.jsp to see the rest.
const (
	perPage   = 5
	groupSize = 2
)

// newSites builds the mirror's site table, in the order the index page
// and the sources file list them.
func newSites() []*site {
	hhtz := &site{id: siteHHTZ, name: "杭州高新区（滨江）门户网站", nameEN: "Hangzhou High-Tech Zone (Binjiang)", lang: "zh", district: news.Binjiang, idDigits: 8, webID: "2945"}
	hhtz.columns = []*column{
		{id: colHHTZWork, name: "工作动态", slug: "gzdt", unit: "5012352", record: recordHHTZ, proxy: "/module/web/jpage/dataproxy.jsp"},
		{id: colHHTZNotice, name: "通知公告", slug: "tzgg", unit: "4678776", record: recordBtLink, proxy: "/module/web/jpage/dataproxy.jsp"},
		{id: colHHTZEnglish, name: "Dynamic News", slug: "en", lang: "en", unit: "5010873", record: recordClearfix, proxy: "/module/web/jpage/dataproxy.jsp"},
	}
	xs := &site{id: siteXiaoshan, name: "萧山区人民政府", lang: "zh", district: news.Xiaoshan, idDigits: 8, webID: "2243"}
	xs.columns = []*column{
		{id: colXSNews, name: "萧山要闻", slug: "xsyw", unit: "4803421", record: recordTable, proxy: "/module/jpage/dataproxy.jsp"},
		{id: colXSTowns, name: "部门动态", slug: "bmdt", kind: news.KindHTMLList, gbk: true, pageSize: 6},
	}
	sites := []*site{
		hhtz,
		xs,
		{id: siteEHangzhou, name: "Hangzhou, China", lang: "en", idDigits: 6,
			columns: []*column{{id: "latest", name: "Latest", slug: "latest", kind: news.KindHTMLList}}},
		{id: siteSTDaily, name: "Science and Technology Daily", lang: "en", district: news.Binjiang, idDigits: 7,
			columns: []*column{{id: "news", name: "News", slug: "news", kind: news.KindFeed}}},
		{id: sitePRNews, name: "Asia Newswire", lang: "en", district: news.Binjiang, idDigits: 6,
			columns: []*column{{id: "releases", name: "Press Releases", slug: "releases", kind: news.KindHTMLList}}},
		{id: siteAggregator, name: "China Regions Digest", lang: "en", district: news.Xiaoshan, idDigits: 5,
			columns: []*column{{id: "news", name: "Regional News", slug: "news", kind: news.KindHTMLList}}},
		{id: siteXSNet, name: "萧山网", lang: "zh", district: news.Xiaoshan, idDigits: 8,
			columns: []*column{{id: "news", name: "萧山新闻", slug: "news", kind: news.KindHTMLList, pageSize: 8}}},
	}
	for _, s := range sites {
		for _, c := range s.columns {
			c.site = s
			if c.lang == "" {
				c.lang = s.lang
			}
			if c.kind == "" {
				c.kind = news.KindHanwebDatastore
			}
		}
	}
	return sites
}

// column returns the site's column with the given id, or nil.
func (s *site) column(id string) *column {
	for _, c := range s.columns {
		if c.id == id {
			return c
		}
	}
	return nil
}

// sortItems orders a list newest first: items published at run time
// before all others, then by date, then by ID, so that the order never
// depends on load order.
func sortItems(items []*Article) {
	slices.SortStableFunc(items, func(a, b *Article) int {
		if a.Live != b.Live {
			if a.Live {
				return -1
			}
			return 1
		}
		if a.Live {
			return cmp.Compare(b.seq, a.seq)
		}
		if c := b.Listed.Compare(a.Listed); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
}

// articlePath returns the URL path of an article's first page (page 1)
// or of a continuation page (page > 1), in its site's URL scheme.
func articlePath(a *Article, page int) string {
	t := a.Listed.In(news.Shanghai)
	switch a.Site {
	case siteHHTZ, siteXiaoshan:
		return fmt.Sprintf("/%s/art/%d/%d/%d/art_%s_%s.html", a.Site, t.Year(), int(t.Month()), t.Day(), a.Column, a.ID)
	case siteEHangzhou:
		if page > 1 {
			return fmt.Sprintf("/ehangzhou/%s/%s/c_%s_%d.htm", t.Format("2006-01"), t.Format("02"), a.ID, page)
		}
		return fmt.Sprintf("/ehangzhou/%s/%s/c_%s.htm", t.Format("2006-01"), t.Format("02"), a.ID)
	case siteSTDaily:
		return fmt.Sprintf("/stdaily/English/BusinessNews/content_%s.html", a.ID)
	case sitePRNews:
		return fmt.Sprintf("/prnews/releases/%s.html", a.ID)
	case siteAggregator:
		return fmt.Sprintf("/aggregator/%s/%s/", t.Format("2006/01/02"), slug(a.Title, a.ID))
	case siteXSNet:
		return fmt.Sprintf("/xsnet/%s/%s/content_%s.htm", t.Format("2006-01"), t.Format("02"), a.ID)
	}
	return "/" + a.Site + "/" + a.ID
}

// slug makes a WordPress-style path segment from an English title; the
// id keeps it unique and stands in when the title has no ASCII words.
func slug(title, id string) string {
	var b []byte
	dash := false
	for _, r := range title {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b = append(b, byte(r))
			dash = false
		case r >= 'A' && r <= 'Z':
			b = append(b, byte(r-'A'+'a'))
			dash = false
		default:
			if len(b) > 0 && !dash {
				b = append(b, '-')
				dash = true
			}
		}
		if len(b) >= 80 {
			break
		}
	}
	s := string(b)
	for len(s) > 0 && s[len(s)-1] == '-' {
		s = s[:len(s)-1]
	}
	if s == "" {
		return "post-" + id
	}
	return s + "-" + id
}
