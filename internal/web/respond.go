package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"riverside/internal/index"
)

// Errors of routing: no route serves the path, or not with that method.
var (
	errNoRoute = errors.New("no such page")
	errMethod  = errors.New("method not allowed")
)

// problem is an error as a response: status and JSON body.
type problem struct {
	status int
	Error  string `json:"error"`
	// Pos is the rune offset of the fault in q, for query errors.
	Pos *int `json:"pos,omitempty"`
	// Param names the bad parameter.
	Param string `json:"param,omitempty"`
	// retryAfter, when set, is sent as Retry-After (a limit that passes).
	retryAfter time.Duration
}

// classify maps an error to its response. It is the one place that
// decides status codes.
func classify(err error) problem {
	var qe *index.QueryError
	var pe *paramError
	var qf *queryFieldError
	var le *limitError
	var me *http.MaxBytesError
	var ce *index.CursorError
	var fe *index.FacetError
	switch {
	case errors.As(err, &le):
		return problem{status: le.status, Error: le.msg, retryAfter: le.retryAfter}
	case errors.As(err, &me):
		return problem{status: http.StatusRequestEntityTooLarge, Error: fmt.Sprintf("request body larger than %d bytes", me.Limit)}
	case errors.As(err, &qe):
		pos := qe.Pos
		return problem{status: http.StatusBadRequest, Error: qe.Error(), Pos: &pos, Param: "q"}
	case errors.As(err, &pe):
		return problem{status: http.StatusBadRequest, Error: pe.Error(), Param: pe.Param}
	case errors.As(err, &qf):
		pos := qf.Pos
		return problem{status: http.StatusBadRequest, Error: qf.Error(), Pos: &pos, Param: "query"}
	case errors.Is(err, ErrSubscriptionNotFound):
		return problem{status: http.StatusNotFound, Error: "subscription not found"}
	case errors.Is(err, errUnauthorized):
		return problem{status: http.StatusUnauthorized, Error: errUnauthorized.Error()}
	case errors.Is(err, errForbidden):
		return problem{status: http.StatusForbidden, Error: errForbidden.Error()}
	case errors.Is(err, errNoCapture):
		return problem{status: http.StatusNotFound, Error: errNoCapture.Error()}
	case errors.As(err, &ce):
		return problem{status: http.StatusBadRequest, Error: ce.Error(), Param: "after"}
	case errors.As(err, &fe):
		return problem{status: http.StatusBadRequest, Error: fe.Error(), Param: "facets"}
	case errors.Is(err, ErrNotFound):
		return problem{status: http.StatusNotFound, Error: "article not found"}
	case errors.Is(err, errNoRoute):
		return problem{status: http.StatusNotFound, Error: "no such page"}
	case errors.Is(err, errMethod):
		return problem{status: http.StatusMethodNotAllowed, Error: "method not allowed; use GET"}
	case errors.Is(err, ErrStorageFull):
		return problem{status: http.StatusServiceUnavailable, Error: "the server cannot save this right now: its disk is full; try again later", retryAfter: time.Minute}
	case errors.Is(err, index.ErrUnavailable):
		return problem{status: http.StatusServiceUnavailable, Error: "the index cannot serve searches right now (is its disk full?); try again shortly", retryAfter: 5 * time.Second}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return problem{status: http.StatusServiceUnavailable, Error: "request cancelled or timed out"}
	}
	return problem{status: http.StatusInternalServerError, Error: "internal error"}
}

// fail writes the response for err: an HTML page for the search page,
// JSON elsewhere. Server faults are logged here, once.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	p := classify(err)
	if p.retryAfter > 0 {
		w.Header().Set("Retry-After", retryAfterSeconds(p.retryAfter))
	}
	if p.status >= 500 && !errors.Is(err, errBusy) && r.Context().Err() == nil {
		s.Logger.LogAttrs(r.Context(), slog.LevelError, "request failed",
			slog.String("path", r.URL.Path), slog.Any("err", err))
	}
	if p.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="riverside"`)
	}
	if !strings.HasPrefix(r.URL.Path, "/api/") && !strings.HasPrefix(r.URL.Path, "/feeds/") && r.URL.Path != "/healthz" {
		s.renderError(w, r, p)
		return
	}
	_ = writeJSON(w, p.status, p) // a problem always encodes
}

// writeJSON writes v as the response. It encodes first, so that a value
// that can't be encoded is a clean 500 rather than half a body.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Snippets carry <mark>; escaping it as \u003c only obscures them.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes()) // a failed write means the client left
	return nil
}
