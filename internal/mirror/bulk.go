package mirror

import (
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"
	"time"

	"riverside/internal/news"
)

// The bulk site (/bulk/) holds Options.Generate made-up articles on a
// plain paginated list, for load: the crash tests kill a crawler in the
// middle of it, the benchmarks time a crawl of ten thousand pages.

// bulkPageSize is the number of items per list page.
const bulkPageSize = 100

func (m *Mirror) bulkPages() int { return (m.generate + bulkPageSize - 1) / bulkPageSize }

// bulkWait applies Options.GenerateDelay to a bulk request.
func (m *Mirror) bulkWait(r *http.Request) bool {
	if m.generateDelay <= 0 {
		return true
	}
	return sleepCtx(r, m.generateDelay)
}

// handleBulkList serves /bulk/list/index.html, index_1.html … newest first.
func (m *Mirror) handleBulkList(w http.ResponseWriter, r *http.Request) {
	page, ok := listPage(r.PathValue("page"), 1)
	if !ok || page > m.bulkPages() || !m.bulkWait(r) {
		m.handleNotFound(w, r)
		return
	}
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>批量新闻_镜像</title></head><body><div class="list"><ul>`)
	for i := 0; i < bulkPageSize; i++ {
		n := m.generate - (page-1)*bulkPageSize - i
		if n < 1 {
			break
		}
		fmt.Fprintf(&b, "<li><a href=\"/bulk/art/%d.html\">%s</a><span>2026-01-02</span></li>\n", n, html.EscapeString(bulkTitle(n)))
	}
	b.WriteString(`</ul></div><div class="page">`)
	if page < m.bulkPages() {
		fmt.Fprintf(&b, `<a class="next" href="/bulk/list/%s">下一页</a>`, listFile(page+1, 1))
	}
	b.WriteString(`</div></body></html>`)
	w.Header().Set("Content-Type", typeHTMLLower)
	_, _ = w.Write([]byte(b.String()))
}

func bulkTitle(n int) string {
	subjects := []string{"滨江区", "萧山区", "高新区（滨江）", "长河街道", "瓜沥镇", "西兴街道", "湘湖度假区"}
	topics := []string{"数字经济", "安全生产", "重大项目", "营商环境", "人才服务", "垃圾分类", "科技创新"}
	return fmt.Sprintf("%s推进%s工作（第%d期）", subjects[n%len(subjects)], topics[(n/7)%len(topics)], n)
}

// handleBulkArticle serves /bulk/art/{n}.html.
func (m *Mirror) handleBulkArticle(w http.ResponseWriter, r *http.Request) {
	num, ok := strings.CutSuffix(r.PathValue("file"), ".html")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n < 1 || n > m.generate || strconv.Itoa(n) != num || !m.bulkWait(r) {
		m.handleNotFound(w, r)
		return
	}
	title := bulkTitle(n)
	date := time.Date(2026, 1, 1, 8, 0, 0, 0, news.Shanghai).Add(time.Duration(n) * time.Hour)
	var b strings.Builder
	fmt.Fprintf(&b, `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>%s_批量新闻</title></head><body>
<div class="header"><a href="/bulk/list/index.html">批量新闻</a></div><div class="article"><h1>%s</h1>
<div class="info">发布时间：%s　来源：镜像批量稿件</div><div class="content">
`, html.EscapeString(title), html.EscapeString(title), date.Format("2006-01-02 15:04"))
	paras := []string{
		fmt.Sprintf("%s，%s召开会议，研究部署第%d项重点工作，总结前一阶段的成效，分析当前面临的形势。", date.Format("1月2日"), title, n),
		fmt.Sprintf("会议指出，要坚持问题导向和目标导向，加强统筹协调，健全工作机制，确保第%d项任务按期完成。", n),
		"会议要求，各部门、各街道要进一步提高思想认识，压紧压实工作责任，以更加务实的作风推动各项任务落地见效。",
	}
	for _, p := range paras {
		fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(p))
	}
	b.WriteString(`</div></div><div class="footer">版权所有 离线镜像</div></body></html>`)
	serveValidated(w, r, []byte(b.String()), date)
}
