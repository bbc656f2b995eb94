// Package web is searchd's HTTP face: the JSON API for analysts' tools and
// a server-rendered search page that works without JavaScript.
//
// All routes are declared in New. Handlers return errors; respond maps
// them to status codes in one place, so that user input never ends in a
// 500.
package web

import (
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"riverside/internal/news"
)

// ErrNotFound is what Articles returns (wrapped) for an unknown ID.
var ErrNotFound = errors.New("not found")

// Searcher runs searches (the index).
type Searcher interface {
	Search(ctx context.Context, q news.Query) (*news.Result, error)
}

// Checkpointer tells how far indexing got (the index).
type Checkpointer interface {
	Checkpoint() (int64, error)
}

// Articles reads articles (the store). Article returns an error wrapping
// ErrNotFound for an unknown ID.
type Articles interface {
	Article(ctx context.Context, id string) (*news.Article, error)
	Duplicates(ctx context.Context, id string) ([]string, error)
}

// Sources reads the health of the sources (the store).
type Sources interface {
	Sources(ctx context.Context, now time.Time) ([]news.SourceHealth, error)
}

// Observer counts served requests (metrics).
type Observer interface {
	ObserveRequest(route string, status int, d time.Duration)
}

// Deps are the collaborators of the handlers. Searcher, Indexed and
// Articles are required; without Sources, /api/sources is an empty list;
// without Metrics, /metrics is a 404; Logger defaults to discarding.
type Deps struct {
	Searcher Searcher
	Indexed  Checkpointer
	Articles Articles
	Sources  Sources
	// Metrics serves /metrics; Observer, when set, is told of every request.
	Metrics  http.Handler
	Observer Observer
	Logger   *slog.Logger
	// Alerts, when set, serves subscriptions, feeds and live streams
	// (subscriptions.go); /feeds/search.atom needs only the Searcher.
	Alerts Alerts
	// Token, when set, is needed by every write and export (auth.go).
	Token string
	// Captures, when set, serves each article's archived capture.
	Captures Captures
	// Limits bound requests (limits.go); the zero value is the defaults.
	Limits Limits
	// Exports, when set, serves /api/export.
	Exports *Exports
	// Replica, when set, adds the replica's lag and role to /healthz
	// (health.go).
	Replica Replica
}

// server holds the dependencies and the parsed templates.
type server struct {
	Deps
	searchHTML, articleHTML *template.Template
	clients                 *clients // nil: no per-client rate

	// The monitors' pages and the access rules (auth.go).
	subscriptionsHTML, subscriptionHTML, loginHTML *template.Template
	access                                         *access
}

// New returns the handler of every route.
func New(deps Deps) http.Handler {
	h, _ := build(deps)
	return h
}

// build returns the handler of every route and the patterns registered
// (routes.go), which the OpenAPI test holds against the document.
func build(deps Deps) (http.Handler, []string) {
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	deps.Limits = deps.Limits.withDefaults()
	s := &server{Deps: deps, searchHTML: parse("page.html"), articleHTML: parse("article.html")}
	bounded := &boundedSearcher{next: deps.Searcher, slots: make(chan struct{}, deps.Limits.MaxSearches),
		wait: deps.Limits.SearchWait, timeout: deps.Limits.SearchTimeout}
	if so, ok := deps.Observer.(SearchObserver); ok {
		bounded.observe = so.ObserveSearch
	}
	s.Searcher = bounded
	if deps.Limits.Rate > 0 {
		s.clients = newClients(deps.Limits.Rate, deps.Limits.Burst)
	}
	mux := &routeMux{ServeMux: http.NewServeMux()}
	mux.HandleFunc("GET /static/style.css", serveStyle)
	mux.Handle("GET /api/openapi.json", s.handle(serveOpenAPI))
	mux.Handle("GET /api/search", s.handle(s.search))
	mux.Handle("GET /api/articles/{id}", s.handle(s.article))
	mux.Handle("GET /healthz", s.handle(s.health))
	mux.Handle("GET /api/sources", s.handle(s.sources))
	mux.Handle("GET /api/export", s.handle(s.exportFile))
	if deps.Metrics != nil {
		mux.Handle("GET /metrics", deps.Metrics)
	}
	mux.Handle("GET /{$}", s.handle(s.searchPage))
	mux.Handle("GET /articles/{id}", s.handle(s.articlePage))
	mux.Handle("GET /articles/{id}/capture", s.handle(s.capturePage))
	mux.Handle("GET /articles/{id}/capture.warc.gz", s.handle(s.captureWARC))
	s.alertRoutes(mux) // alert_routes.go
	// Anything else gets an answer in the shape of its neighbours (JSON
	// under /api/, a page elsewhere) rather than the mux's plain text.
	mux.Handle("/", s.handle(func(w http.ResponseWriter, r *http.Request) error {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			return errMethod
		}
		return errNoRoute
	}))
	return s.logRequests(secure(s.limit(s.guard(mux)))), mux.patterns
}

// handlerFunc is a handler that reports failure by returning an error,
// which respond turns into a response.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (s *server) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

// statusWriter remembers the status code for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection (flushes,
// write deadlines of long streams).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (s *server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if s.Observer != nil {
			// The mux has set r.Pattern: a route, never a raw path, so the
			// label set stays small.
			s.Observer.ObserveRequest(r.Pattern, sw.status, time.Since(start))
		}
		s.Logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", sw.status),
			slog.Int64("duration_ms", time.Since(start).Milliseconds()))
	})
}
