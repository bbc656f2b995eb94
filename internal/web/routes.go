package web

import (
	_ "embed"
	"net/http"
)

// routeMux is the ServeMux that remembers the patterns registered on it,
// so that a test can hold every route against the OpenAPI document
// without a hand-kept list: a route added without documentation fails it.
type routeMux struct {
	*http.ServeMux
	patterns []string
}

// Handle registers h for pattern and records the pattern.
func (m *routeMux) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.Handle(pattern, h)
}

// HandleFunc registers f for pattern and records the pattern.
func (m *routeMux) HandleFunc(pattern string, f func(http.ResponseWriter, *http.Request)) {
	m.Handle(pattern, http.HandlerFunc(f))
}

// openAPI is the OpenAPI 3.1 document of the HTTP API, written by hand
// beside the handlers; openapi_test.go checks it against them.
//
//go:embed openapi.json
var openAPI []byte

// serveOpenAPI serves GET /api/openapi.json. It is open like search: no
// token, allowed on a read-only instance.
func serveOpenAPI(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(openAPI)
	}
	return nil
}
