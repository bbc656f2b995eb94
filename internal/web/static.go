package web

import (
	_ "embed"
	"net/http"
)

// style is the pages' style sheet. It is served as a file because the
// Content-Security-Policy allows no inline style.
//
//go:embed static/style.css
var style []byte

func serveStyle(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(style) // a failed write means the client left
}
