package mirror

import (
	"net/http"
	"strings"
)

// handleIndex serves / : the list of mirrored sites.
func (m *Mirror) handleIndex(w http.ResponseWriter, r *http.Request) {
	d := m.newPage(r, nil, nil)
	for _, s := range m.sites {
		d.Sites = append(d.Sites, viewSite(s))
	}
	m.render(w, r, http.StatusOK, "mirror-index", typeHTMLLower, false, d)
}

// handleSiteHome serves /{site}/ : links to the site's lists.
func (m *Mirror) handleSiteHome(w http.ResponseWriter, r *http.Request) {
	s := m.site(strings.Trim(r.URL.Path, "/"))
	if s == nil {
		m.handleNotFound(w, r)
		return
	}
	m.render(w, r, http.StatusOK, "mirror-site", typeHTMLLower, false, m.newPage(r, s, nil))
}

// handleNotFound answers any unknown path with the 404 page the
// Chinese government sites show.
func (m *Mirror) handleNotFound(w http.ResponseWriter, r *http.Request) {
	m.render(w, r, http.StatusNotFound, "mirror-404", typeHTMLLower, false, m.newPage(r, nil, nil))
}
