package mirror

import (
	"net/http"
	"path"
	"slices"
	"strconv"
)

// relatedCount is the number of related links an article page shows.
const relatedCount = 4

// handleArticle serves every article page of every site: the path is
// looked up, and the page drawn with its site's template.
func (m *Mirror) handleArticle(w http.ResponseWriter, r *http.Request) {
	m.mu.RLock()
	ref, ok := m.pages[r.URL.Path]
	m.mu.RUnlock()
	if !ok {
		m.handleNotFound(w, r)
		return
	}
	a := ref.a
	s := m.site(a.Site)
	c := s.column(a.Column)
	items := m.items(c)

	d := m.newPage(r, s, c)
	d.A = a
	d.Page = ref.page
	pages := a.pages()
	d.Blocks = pages[ref.page-1]
	if len(pages) > 1 {
		d.Pages = pager(len(pages), ref.page, func(n int) string { return articlePath(a, n) })
	}
	if i := slices.Index(items, a); i >= 0 {
		if i > 0 {
			d.Prev = items[i-1]
		}
		if i+1 < len(items) {
			d.Next = items[i+1]
		}
		for k := 1; k < len(items) && len(d.Related) < relatedCount; k++ {
			d.Related = append(d.Related, items[(i+k)%len(items)])
		}
	}

	switch a.Site {
	case siteHHTZ:
		name := "hhtz-article"
		if c.lang == "en" {
			name = "hhtz-article-en"
		}
		m.render(w, r, http.StatusOK, name, typeHTMLUTF8, false, d)
	case siteXiaoshan:
		d.GBK = c.gbk
		// Some items were pasted from TRS and keep its wrapper.
		n, _ := strconv.Atoi(a.ID)
		d.TRS = n%2 == 1
		m.render(w, r, http.StatusOK, "xiaoshan-article", typeHTMLBare, c.gbk, d)
	case siteEHangzhou:
		m.render(w, r, http.StatusOK, "ehangzhou-article", typeHTMLLower, false, d)
	case siteSTDaily:
		m.render(w, r, http.StatusOK, "stdaily-article", typeHTMLLower, false, d)
	case sitePRNews:
		m.render(w, r, http.StatusOK, "prnews-article", typeHTMLLower, false, d)
	case siteAggregator:
		m.render(w, r, http.StatusOK, "aggregator-article", typeHTMLLower, false, d)
	case siteXSNet:
		m.render(w, r, http.StatusOK, "xsnet-article", typeHTMLLower, false, d)
	default:
		m.handleNotFound(w, r)
	}
}

// listData fills the list fields of a page from page p of a column whose
// list file names count their second page as 1+offset.
func (m *Mirror) listData(r *http.Request, c *column, offset int) (*pageData, bool) {
	name := r.PathValue("page")
	if name == "" {
		name = path.Base(r.URL.Path)
	}
	page, ok := listPage(name, offset)
	if !ok {
		return nil, false
	}
	items := m.items(c)
	cut, pages := pageOf(items, c.pageSize, page)
	if page > pages {
		return nil, false
	}
	dir := listURL(c)
	dir = dir[:len(dir)-len("index.html")]
	url := func(n int) string { return dir + listFile(n, offset) }

	d := m.newPage(r, c.site, c)
	d.Items = cut
	d.Total = len(items)
	d.ListPage = page
	d.ListPages = pager(pages, page, url)
	d.LastURL = url(pages)
	if page > 1 {
		d.PrevURL = url(page - 1)
	}
	if page < pages {
		d.NextURL = url(page + 1)
	}
	return d, true
}

// handleGBKList serves the GBK column's plain list, index.html,
// index_2.html …, as text/html without a charset: the page declares
// none either, so clients must sniff GBK from the bytes.
func (m *Mirror) handleGBKList(w http.ResponseWriter, r *http.Request, c *column) {
	d, ok := m.listData(r, c, 0)
	if !ok {
		m.handleNotFound(w, r)
		return
	}
	d.GBK = true
	m.render(w, r, http.StatusOK, "xiaoshan-list", typeHTMLBare, true, d)
}
