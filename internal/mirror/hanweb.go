package mirror

import (
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"riverside/internal/news"
)

// Hanweb jcms column pages carry their list only inside a data island,
// <script type="text/xml"><datastore>…, holding the first group of
// records; the jpage script pages through the rest with dataproxy.jsp
// (sites-reference §2.2 and §2.3). An HTML parser that treats <script>
// as raw text sees no links on the page at all.

// recordStyle is the inner HTML of one datastore record; templates
// differ from site to site.
type recordStyle int

const (
	// recordHHTZ: hhtz.gov.cn 2019–2020, the date in square brackets.
	recordHHTZ recordStyle = iota
	// recordBtLink: hzxh.gov.cn, single quotes, truncated text, full
	// title in @title.
	recordBtLink
	// recordClearfix: li.clearfix with the date in <b>.
	recordClearfix
	// recordTable: the old table template, one <tr> per record.
	recordTable
)

// record renders one datastore record.
func record(a *Article, style recordStyle) string {
	var b strings.Builder
	if a.Malformed {
		// Seen on real sites: a fragment of a template attribute left
		// in front of the item.
		b.WriteString("<li style=<br/>\n")
	}
	title := html.EscapeString(a.Title)
	date := a.Listed.In(news.Shanghai).Format("2006-01-02")
	switch style {
	case recordBtLink:
		fmt.Fprintf(&b, "<li><a style='font:9pt;line-height: 22px;' href='%s' class='bt_link' title='%s' target='_blank'>%s</a><span class='bt_time'>%s</span><br></li>",
			a.Path, title, html.EscapeString(truncate(a.Title, 18)), date)
	case recordClearfix:
		fmt.Fprintf(&b, `<li class="clearfix"><a target="_blank" href="%s" title="%s">%s</a><b>%s</b></li>`,
			a.Path, title, html.EscapeString(truncate(a.Title, 60)), date)
	case recordTable:
		fmt.Fprintf(&b, "<tr><td height='32' class='list_td'><img src='/xiaoshan/images/dot.gif'>&nbsp;<a href='%s' title='%s' target='_blank' class='bt_link' style='line-height:35px;' >%s</a></td><td align='center' width='80'>%s</td></tr>",
			a.Path, title, html.EscapeString(truncate(a.Title, 26)), date)
	default:
		fmt.Fprintf(&b, `<li><a href="%s" class="news" target="_blank">%s</a><span class="time">[%s]</span></li>`,
			a.Path, title, date)
	}
	return b.String()
}

// cdata wraps s in a CDATA section, splitting any "]]>" inside it.
func cdata(s string) string {
	return "<![CDATA[" + strings.ReplaceAll(s, "]]>", "]]]]><![CDATA[>") + "]]>"
}

// proxyQuery is the query jpage sends with every dataproxy request.
func proxyQuery(c *column) url.Values {
	return url.Values{
		"appid":          {"1"},
		"webid":          {c.site.webID},
		"path":           {"/"},
		"columnid":       {c.id},
		"unitid":         {c.unit},
		"webname":        {c.site.name},
		"permissiontype": {"0"},
	}
}

// proxyLink is the nextgroup link to a page of the dataproxy. Hanweb
// writes its parameters in a fixed order, so this does too.
func proxyLink(c *column, page, size int) string {
	q := proxyQuery(c)
	var b strings.Builder
	fmt.Fprintf(&b, "/%s%s?page=%d", c.site.id, c.proxy, page)
	if size > 0 {
		fmt.Fprintf(&b, "&perpage=%d", size)
	}
	for _, k := range []string{"appid", "webid", "path", "columnid", "unitid", "webname", "permissiontype"} {
		v := q.Get(k)
		if k != "path" {
			v = url.QueryEscape(v)
		}
		b.WriteString("&" + k + "=" + v)
	}
	return `<a href="` + b.String() + `"></a>`
}

// dataWrap is what jpage puts around the records of a column.
func dataWrap(style recordStyle) (before, after string) {
	if style == recordTable {
		return `<table width="100%" border="0" cellspacing="0" cellpadding="0">`, `</table>`
	}
	return "<ul>", "</ul>"
}

// datastore renders a column's list unit: the data island with the
// first group of records, and the jpage call that pages the rest.
func datastore(c *column, items []*Article) template.HTML {
	group := perPage * groupSize
	var b strings.Builder
	fmt.Fprintf(&b, "<div id=\"%s\"><script type=\"text/xml\"><datastore>\n", c.unit)
	fmt.Fprintf(&b, "<nextgroup>%s</nextgroup>\n", cdata(proxyLink(c, 2, 0)))
	b.WriteString("<recordset>\n")
	for _, a := range items[:min(group, len(items))] {
		fmt.Fprintf(&b, "<record>%s</record>\n", cdata("\n"+record(a, c.record)))
	}
	b.WriteString("</recordset>\n</datastore>\n</script></div>")
	before, after := dataWrap(c.record)
	fmt.Fprintf(&b, "<script type=\"text/javascript\">\n"+
		"var param_%[1]s={col:1,appid:1,webid:%[2]s,path:'/',columnid:%[3]s,sourceContentType:1,unitid:'%[1]s',webname:'%[4]s',permissiontype:0};\n"+
		"$('#%[1]s').jpage({themeName:'default',showMode:'full',totalRecord:%[5]d,openCookies:false,dataBefore:'%[6]s',dataStore:$('#%[1]s script[type=\"text/xml\"]').text(),dataAfter:'%[7]s',groupSize:%[8]d,proxyUrl:'/%[9]s%[10]s',perPage:%[11]d,barPosition:'bottom',ajaxParam:param_%[1]s});\n"+
		"</script>",
		c.unit, c.site.webID, c.id, c.site.name, len(items), before, after, groupSize, c.site.id, c.proxy, perPage)
	return template.HTML(b.String())
}

// hanwebColumn finds the column of a /{site}/col/col{ID}/… request.
func (m *Mirror) hanwebColumn(r *http.Request) *column {
	s := m.site(strings.Split(r.URL.Path, "/")[1])
	id, ok := strings.CutPrefix(r.PathValue("col"), "col")
	if s == nil || !ok {
		return nil
	}
	return s.column(id)
}

// handleHanwebColumn serves /{site}/col/col{ID}/index.html: a datastore
// column, or the plain paginated list of the GBK column.
func (m *Mirror) handleHanwebColumn(w http.ResponseWriter, r *http.Request) {
	c := m.hanwebColumn(r)
	if c == nil {
		m.handleNotFound(w, r)
		return
	}
	if c.gbk {
		m.handleGBKList(w, r, c)
		return
	}
	if r.PathValue("page") != "index.html" {
		m.handleNotFound(w, r)
		return
	}
	items := m.items(c)
	d := m.newPage(r, c.site, c)
	d.Total = len(items)
	d.Datastore = datastore(c, items)
	if c.site.id == siteHHTZ {
		m.render(w, r, http.StatusOK, "hhtz-column", typeHTMLUTF8, false, d)
		return
	}
	m.render(w, r, http.StatusOK, "xiaoshan-column", typeHTMLBare, false, d)
}

// maxProxyRecords is where real dataproxy.jsp truncates a request.
const maxProxyRecords = 300

// handleDataproxy answers jpage's list requests, in both forms seen in
// the wild: POST with ?startrecord=&endrecord=&perpage= and the column
// in the form body, and GET with ?page=N&columnid=… (perpage optional).
func (m *Mirror) handleDataproxy(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	s := m.site(strings.Split(r.URL.Path, "/")[1])
	c := s.column(r.Form.Get("columnid"))
	var items []*Article
	if c != nil && c.kind == news.KindHanwebDatastore {
		items = m.items(c)
	}
	total := len(items)
	num := func(key string) (int, bool) {
		n, err := strconv.Atoi(strings.TrimSpace(r.Form.Get(key)))
		return n, err == nil && n > 0
	}

	var lo, hi, size, pages, nextPage int // records lo..hi-1 (0-based)
	start, okStart := num("startrecord")
	end, okEnd := num("endrecord")
	if okStart && okEnd && end >= start {
		perpage, ok := num("perpage")
		if !ok {
			perpage = perPage
		}
		lo, hi = start-1, min(end, start-1+maxProxyRecords)
		size = hi - lo
		pages = (total + perpage - 1) / perpage
		if hi < total && lo%size == 0 {
			nextPage = hi/size + 1
		}
	} else {
		page, ok := num("page")
		if !ok {
			page = 1
		}
		size, ok = num("perpage")
		if !ok {
			size = perPage * groupSize
		}
		size = min(size, maxProxyRecords)
		lo, hi = (page-1)*size, page*size
		pages = (total + size - 1) / size
		if hi < total {
			nextPage = page + 1
		}
	}
	lo, hi = min(lo, total), min(hi, total)

	var b strings.Builder
	b.WriteString("<datastore>\n")
	if nextPage > 0 && c != nil {
		fmt.Fprintf(&b, "<nextgroup>%s</nextgroup>\n", cdata(proxyLink(c, nextPage, size)))
	}
	fmt.Fprintf(&b, "<totalrecord>%d</totalrecord>\n<totalpage>%d</totalpage>\n<recordset>\n", total, pages)
	for _, a := range items[lo:hi] {
		fmt.Fprintf(&b, "<record>%s</record>\n", cdata("\n"+record(a, c.record)))
	}
	b.WriteString("</recordset>\n</datastore>\n")
	w.Header().Set("Content-Type", typeXMLUTF8)
	_, _ = w.Write([]byte(b.String()))
}
