package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"strings"

	"riverside/internal/news"
)

// Captures reads the archived exchanges (the WARC files).
type Captures interface {
	// Response returns the archived response at c, its body with any
	// content coding undone; an unknown file wraps fs.ErrNotExist.
	Response(ctx context.Context, c news.Capture) (*http.Response, error)
	// WARC returns the exchange at c (response, request and metadata
	// records) as a WARC file of gzip members.
	WARC(ctx context.Context, c news.Capture) ([]byte, error)
}

// errNoCapture: the article has no archived capture (or its file is gone).
var errNoCapture = errors.New("no archived capture of this article")

// captureCSP confines an archived page to itself. The sandbox directive
// (with no allow-scripts, no allow-same-origin) runs it in an opaque
// origin without scripts, so nothing it carries can act as Riverside or
// read its cookies; default-src 'none' keeps it from loading anything
// from the live web (which would tell the site who reads its archive)
// or from Riverside; inline styles and data: images still render.
const captureCSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; " +
	"form-action 'none'; base-uri 'none'; frame-ancestors 'self'"

// capturePath is where an article's archived page is served.
func capturePath(id string) string { return articlePath(id) + "/capture" }

// capturePage serves GET /articles/{id}/capture: the page as the crawler
// received it, under captureCSP. Only the captured Content-Type is
// passed on; the server's other headers (cookies above all) are not.
func (s *server) capturePage(w http.ResponseWriter, r *http.Request) error {
	a, err := s.capturedArticle(r)
	if err != nil {
		return err
	}
	resp, err := s.Captures.Response(r.Context(), a.Capture)
	if err != nil {
		return captureErr(a, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("capture of %s: %w", a.ID, err)
	}
	ct := resp.Header.Get("Content-Type")
	if ct == "" {
		ct = http.DetectContentType(body)
	}
	h := w.Header()
	h.Set("Content-Security-Policy", captureCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Type", ct)
	// A coding the reader could not undo (br, zstd) is left for the
	// browser to undo.
	if ce := resp.Header.Get("Content-Encoding"); ce != "" {
		h.Set("Content-Encoding", ce)
	}
	// Memento (RFC 7089) headers: what this is a capture of, and when.
	if !a.Fetched.IsZero() {
		h.Set("Memento-Datetime", a.Fetched.UTC().Format(http.TimeFormat))
	}
	h.Set("Link", "<"+linkURL(a.URL)+`>; rel="original"`)
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body) // a failed write means the client left
	}
	return nil
}

// captureWARC serves GET /articles/{id}/capture.warc.gz: the records of
// the exchange, as stored, to download.
func (s *server) captureWARC(w http.ResponseWriter, r *http.Request) error {
	a, err := s.capturedArticle(r)
	if err != nil {
		return err
	}
	b, err := s.Captures.WARC(r.Context(), a.Capture)
	if err != nil {
		return captureErr(a, err)
	}
	h := w.Header()
	h.Set("Content-Type", "application/gzip")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", `attachment; filename="`+safeName(a.ID)+`.warc.gz"`)
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b)
	}
	return nil
}

// capturedArticle loads the article named in the path, which must have
// a capture.
func (s *server) capturedArticle(r *http.Request) (*news.Article, error) {
	a, err := s.Articles.Article(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if s.Captures == nil || a.Capture.File == "" {
		return nil, errNoCapture
	}
	return a, nil
}

// captureErr maps a missing file to errNoCapture; any other failure (a
// damaged record) is a server fault and stays one.
func captureErr(a *news.Article, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("capture of %s: %w (%v)", a.ID, errNoCapture, err)
	}
	return fmt.Errorf("capture of %s: %w", a.ID, err)
}

// linkURL makes u safe inside the <…> of a Link header.
func linkURL(u string) string {
	if pu, err := url.Parse(u); err == nil {
		return pu.String()
	}
	return url.PathEscape(u)
}

// safeName keeps the characters of an id that are safe in a file name.
func safeName(id string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, id)
}
