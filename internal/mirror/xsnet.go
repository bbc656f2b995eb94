package mirror

import (
	"hash/fnv"
	"net/http"
)

// handleXSNetList serves /xsnet/news/index.html, index_1.html … (the
// second page is index_1.html, as on the Chinese news-site CMSes).
func (m *Mirror) handleXSNetList(w http.ResponseWriter, r *http.Request) {
	m.serveList(w, r, siteXSNet, 1, "xsnet-list")
}

// xsnetEditor picks an article's editor from its ID, so that the page
// is the same on every request.
func xsnetEditor(id string) string {
	editors := [...]string{"沈佳", "王丽萍", "陈晓燕", "俞婷", "来佳丽", "汪洁"}
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return editors[h.Sum32()%uint32(len(editors))]
}
