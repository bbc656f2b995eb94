package web

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"riverside/internal/export"
	"riverside/internal/news"
)

// IDFinder finds every article a search matches (the index).
type IDFinder interface {
	IDs(ctx context.Context, q news.Query) (map[string]struct{}, error)
}

// Exports are what /api/export reads: the store's versions, the raw
// captures (for WARC and WACZ) and the index (for an export of a search).
type Exports struct {
	Versions export.VersionSource
	Captures export.Captures
	IDs      IDFinder
}

// maxSince bounds the since parameter.
const maxSince = 1 << 62

// exportFile serves GET /api/export: the whole corpus or a search, as
// JSONL, CSV, WARC or WACZ, streamed. Everything that can be wrong with
// the request (format, since, the query) is a 400 before the first byte;
// the search runs before streaming too, since its IDs select what is
// written. The export follows the client's context: a client that goes
// away stops the work.
func (s *server) exportFile(w http.ResponseWriter, r *http.Request) error {
	if s.Exports == nil {
		return errNoRoute
	}
	v := r.URL.Query()
	f, err := export.ParseFormat(strings.TrimSpace(firstNonEmpty(v.Get("format"), "jsonl")))
	if err != nil {
		return &paramError{"format", err.Error()}
	}
	q, err := parseQuery(v)
	if err != nil {
		return err
	}
	var since int64
	if s := strings.TrimSpace(v.Get("since")); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 || n > maxSince {
			return &paramError{"since", fmt.Sprintf("%q is not a store sequence number (an integer ≥ 0)", s)}
		}
		since = n
	}
	sel := news.Selection{AfterSeq: since, Source: q.Source, District: q.District, Lang: q.Lang, From: q.From, To: q.To}
	words := map[string]string{}
	for _, k := range []string{"q", "source", "district", "lang", "from", "to", "since"} {
		if x := strings.TrimSpace(v.Get(k)); x != "" {
			words[k] = x
		}
	}
	if strings.TrimSpace(q.Q) != "" {
		if s.Exports.IDs == nil {
			return errNoRoute
		}
		// The parsed query goes as it is, so that every search option
		// (filters, and whatever else parseQuery reads) selects as in
		// /api/search; IDs ignores paging and sorting.
		ids, err := s.Exports.IDs.IDs(r.Context(), q)
		if err != nil {
			return err
		}
		sel.IDs = ids
	}

	// An export takes as long as it takes: the server's write timeout is
	// for ordinary responses.
	// (Every wrapper of the ResponseWriter must Unwrap for this to reach
	// the connection; one that does not would cut exports at the server's
	// WriteTimeout, hence the warning.)
	if err := http.NewResponseController(w).SetWriteDeadline(time.Time{}); err != nil {
		s.Logger.LogAttrs(r.Context(), slog.LevelWarn, "export: cannot lift the write timeout; long exports will be cut", slog.Any("err", err))
	}

	now := time.Now()
	name := "riverside-" + now.In(news.Shanghai).Format("20060102-150405")
	if since > 0 {
		name += "-since-" + strconv.FormatInt(since, 10)
	}
	if sel.IDs != nil {
		name += "-search"
	}
	name += f.Ext()
	h := w.Header()
	h.Set("Content-Type", f.ContentType())
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	// The manifest's figures follow the body as HTTP trailers too (a CSV
	// has no place for them inside).
	h.Set("Trailer", "X-Export-Versions, X-Export-Articles, X-Export-Last-Seq, X-Export-Sha256")
	sent := &countingWriter{w: w}
	var out io.Writer = sent
	var gz *gzip.Writer
	if !f.Compressed() && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		h.Add("Vary", "Accept-Encoding")
		gz = gzip.NewWriter(sent)
		out = gz
	}
	w.WriteHeader(http.StatusOK)

	m, err := export.Write(r.Context(), out, s.Exports.Versions, sel, export.Options{
		Format: f, BOM: v.Get("bom") == "1" || v.Get("bom") == "true", Captures: s.Exports.Captures,
		WarcName: strings.TrimSuffix(name, ".wacz"), Selection: words, Software: "Riverside searchd",
	})
	if err == nil && gz != nil {
		err = gz.Close()
	}
	if eo, ok := s.Observer.(ExportObserver); ok {
		eo.ObserveExport(string(f), sent.n, err == nil)
	}
	if err != nil {
		if r.Context().Err() == nil && !errors.Is(err, context.Canceled) {
			s.Logger.LogAttrs(r.Context(), slog.LevelError, "export failed", slog.String("format", string(f)), slog.Any("err", err))
		}
		// Headers are gone: break the connection, so that the client
		// sees an incomplete response rather than a short file.
		panic(http.ErrAbortHandler)
	}
	h.Set("X-Export-Versions", strconv.Itoa(m.Versions))
	h.Set("X-Export-Articles", strconv.Itoa(m.Articles))
	h.Set("X-Export-Last-Seq", strconv.FormatInt(m.LastSeq, 10))
	h.Set("X-Export-Sha256", m.SHA256)
	return nil
}

// acceptsGzip reads Accept-Encoding (RFC 9110 §12.5.3): gzip listed
// without q=0.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		if _, qv, ok := strings.Cut(strings.ReplaceAll(params, " ", ""), "q="); ok {
			if q, err := strconv.ParseFloat(qv, 64); err == nil && q == 0 {
				return false
			}
		}
		return true
	}
	return false
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
