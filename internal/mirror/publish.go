package mirror

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"riverside/internal/news"
)

// errUnknownSite is returned when a publish request names no known site.
var errUnknownSite = errors.New("unknown site")

// publishRequest is the body of POST /_mirror/publish; every field is
// optional.
type publishRequest struct {
	Site  string `json:"site"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

// handlePublish serves POST /_mirror/publish: it publishes an article
// and answers 201 {"url": …} with the article's absolute URL.
func (m *Mirror) handlePublish(w http.ResponseWriter, r *http.Request) {
	var req publishRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil && !errors.Is(err, io.EOF) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad JSON body: " + err.Error()})
		return
	}
	a, err := m.Publish(req.Site, req.Title, req.Text)
	if errors.Is(err, errUnknownSite) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	if err != nil {
		m.log.Error("publish", "site", req.Site, "err", err)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"url": baseURL(r) + a.Path})
}

// handlePublishGet answers a GET of the publish endpoint.
func handlePublishGet(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Allow", http.MethodPost)
	writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "POST a JSON object {\"site\", \"title\", \"text\"} (all optional)"})
}

// writeJSON writes v as a JSON response.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", typeJSON)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Publish adds an article to the first list of a site (hhtz when site is
// empty), dated now, so that it leads that list, its datastore and its
// feed. An empty title or text is generated in the site's language.
func (m *Mirror) Publish(siteID, title, text string) (*Article, error) {
	if siteID == "" {
		siteID = siteHHTZ
	}
	s := m.site(siteID)
	if s == nil {
		return nil, fmt.Errorf("%w %q (want one of %s)", errUnknownSite, siteID, strings.Join(m.Sites(), ", "))
	}
	c := s.columns[0]
	now := m.now().In(news.Shanghai).Truncate(time.Second)

	m.mu.Lock()
	defer m.mu.Unlock()
	m.published++
	n := m.published
	gen := generate(c, n, now)
	if strings.TrimSpace(title) == "" {
		title = gen.title
	}
	paras := splitParagraphs(text)
	if len(paras) == 0 {
		paras = gen.paras
	}
	a := &Article{
		Site: s.id, Column: c.id, ID: m.nextID(s),
		Title:     strings.Join(strings.Fields(title), " "),
		Published: now, Listed: now,
		Source: gen.source, Author: gen.author, Lang: c.lang,
		File: fmt.Sprintf("published #%d", n),
		Live: true, seq: n,
	}
	for _, p := range paras {
		a.Body = append(a.Body, Block{Text: p})
	}
	if err := m.add(a); err != nil {
		return nil, err
	}
	sortItems(c.items)
	m.changed = m.changed.Add(time.Second)
	if now.After(m.changed) {
		m.changed = now.UTC()
	}
	m.log.Info("published", "site", s.id, "column", c.id, "path", a.Path, "title", a.Title)
	return a, nil
}

// nextID returns the next article number on a site: one past the
// largest in use, or a number with the digits its URLs use when the site
// has none yet. The caller holds m.mu.
func (m *Mirror) nextID(s *site) string {
	if last := m.lastID[s.id]; last > 0 {
		return strconv.Itoa(last + 1)
	}
	return "5" + strings.Repeat("0", s.idDigits-1)
}

// splitParagraphs splits posted text into paragraphs: at blank lines,
// or at every line break when there is no blank line.
func splitParagraphs(text string) []string {
	text = strings.ReplaceAll(strings.TrimSpace(text), "\r\n", "\n")
	if text == "" {
		return nil
	}
	sep := "\n"
	if strings.Contains(text, "\n\n") {
		sep = "\n\n"
	}
	var out []string
	for _, p := range strings.Split(text, sep) {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			out = append(out, p)
		}
	}
	return out
}
