package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"riverside/internal/index"
	"riverside/internal/news"
)

// Limits bound what the clients of a public instance may ask of it. The
// zero value keeps the defaults: bodies up to DefaultMaxBody, searches
// capped at DefaultMaxSearches at once, no per-client rate, writes allowed.
type Limits struct {
	// MaxBody bounds a request body in bytes (0: DefaultMaxBody).
	MaxBody int64
	// MaxSearches bounds the searches run at once, whatever the route
	// (0: DefaultMaxSearches). A search waits up to SearchWait for a
	// slot, then is answered 503 with Retry-After: a full server sheds
	// load rather than queueing without end.
	MaxSearches int
	// SearchWait is how long a search waits for a slot (0: 2 s).
	SearchWait time.Duration
	// SearchTimeout bounds one search (0: 15 s); past it the answer is a
	// 503, never a hang.
	SearchTimeout time.Duration
	// Rate is the sustained requests per second one client (IP address)
	// may make under /api/ and /feeds/; 0 means no limit. Burst is how
	// many it may make at once (0: twice Rate, at least 1).
	Rate  float64
	Burst int
	// ReadOnly refuses every write and every export with a 403: the
	// instance serves search, articles and feeds only.
	ReadOnly bool
}

// Defaults of Limits.
const (
	DefaultMaxBody       = 1 << 20
	DefaultMaxSearches   = 8
	defaultSearchWait    = 2 * time.Second
	defaultSearchTimeout = 15 * time.Second
)

func (l Limits) withDefaults() Limits {
	if l.MaxBody <= 0 {
		l.MaxBody = DefaultMaxBody
	}
	if l.MaxSearches <= 0 {
		l.MaxSearches = DefaultMaxSearches
	}
	if l.SearchWait <= 0 {
		l.SearchWait = defaultSearchWait
	}
	if l.SearchTimeout <= 0 {
		l.SearchTimeout = defaultSearchTimeout
	}
	if l.Rate > 0 && l.Burst <= 0 {
		l.Burst = max(1, int(math.Ceil(2*l.Rate)))
	}
	return l
}

// limitError is a request refused by a limit: its status, the message
// and, for a limit that passes, when to try again.
type limitError struct {
	status     int
	msg        string
	retryAfter time.Duration
}

func (e *limitError) Error() string { return e.msg }

// securityPolicy is the Content-Security-Policy of every response: the
// pages load their script and style from this origin only (no inline
// script, style or event handler runs, whatever a crawled page carried),
// nothing may frame them, and forms post only here.
const securityPolicy = "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; " +
	"frame-ancestors 'none'; form-action 'self'"

// secure sets the security headers on every response, before the handler
// runs, so that error pages and other helpers' routes carry them too.
func secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", securityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		// Searches are in our URLs: the sites an analyst follows a link to
		// need not learn what was searched.
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// limit applies the limits that come before routing: read-only mode, the
// per-client rate and the body size.
func (s *server) limit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.admit(r); err != nil {
			s.fail(w, r, err)
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, s.Limits.MaxBody)
		}
		next.ServeHTTP(w, r)
	})
}

// admit decides whether r may proceed at all.
func (s *server) admit(r *http.Request) error {
	if s.Limits.ReadOnly && closedWhenReadOnly(r) {
		return &limitError{status: http.StatusForbidden,
			msg: "this instance is read-only: search, articles and feeds only"}
	}
	if r.ContentLength > s.Limits.MaxBody {
		return &limitError{status: http.StatusRequestEntityTooLarge,
			msg: fmt.Sprintf("request body larger than %d bytes", s.Limits.MaxBody)}
	}
	if s.clients != nil && limited(r.URL.Path) {
		if wait := s.clients.wait(clientIP(r), time.Now()); wait > 0 {
			return &limitError{status: http.StatusTooManyRequests,
				msg: "too many requests from this address; slow down", retryAfter: wait}
		}
	}
	return nil
}

// closedWhenReadOnly tells whether r writes or exports. It goes by method
// and path rather than by route, so that routes added later are covered:
// any method but GET, HEAD and OPTIONS writes, and exports and
// subscriptions (API and pages: they hold webhook targets and secrets) are
// closed even to GET. Feeds stay open.
func closedWhenReadOnly(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
	default:
		return true
	}
	p := strings.ToLower(r.URL.Path)
	for _, prefix := range []string{"/api/export", "/api/subscriptions", "/api/import", "/subscriptions"} {
		if p == prefix || strings.HasPrefix(p, prefix+"/") {
			return true
		}
	}
	return false
}

// limited tells whether path falls under the per-client rate: the API and
// the feeds, which scripts call; pages are for people.
func limited(path string) bool {
	return strings.HasPrefix(path, "/api/") || strings.HasPrefix(path, "/feeds/")
}

// clientIP is the address a request came from. X-Forwarded-For is not
// trusted: anyone can write it.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// clients keeps a token bucket per client address.
type clients struct {
	rate  rate.Limit
	burst int

	mu   sync.Mutex
	seen map[string]*client
}

type client struct {
	lim  *rate.Limiter
	last time.Time
}

// maxClients bounds the buckets kept; past it, buckets idle for longer
// than it takes to refill are dropped (they would be full again anyway).
const maxClients = 10_000

func newClients(perSecond float64, burst int) *clients {
	return &clients{rate: rate.Limit(perSecond), burst: burst, seen: map[string]*client{}}
}

// wait takes a token for ip and returns 0, or, when ip has none left, how
// long until it will have one.
func (c *clients) wait(ip string, now time.Time) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	cl, ok := c.seen[ip]
	if !ok {
		if len(c.seen) >= maxClients {
			c.sweep(now)
		}
		cl = &client{lim: rate.NewLimiter(c.rate, c.burst)}
		c.seen[ip] = cl
	}
	cl.last = now
	res := cl.lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now) // a refused request costs nothing
		return d
	}
	return 0
}

// sweep drops the buckets that have refilled; if every client is active
// (a flood of addresses) it drops them all rather than grow without bound.
func (c *clients) sweep(now time.Time) {
	refill := time.Duration(float64(c.burst) / float64(c.rate) * float64(time.Second))
	for ip, cl := range c.seen {
		if now.Sub(cl.last) > refill {
			delete(c.seen, ip)
		}
	}
	if len(c.seen) >= maxClients {
		clear(c.seen)
	}
}

// errBusy is a search refused because the server runs as many as it may.
var errBusy = &limitError{status: http.StatusServiceUnavailable,
	msg: "the server is busy with other searches; try again shortly", retryAfter: time.Second}

// boundedSearcher lets a fixed number of searches run at once, each for a
// bounded time. It wraps the Searcher itself, so every route that
// searches (the API, the page, feeds of searches) shares the same slots.
type boundedSearcher struct {
	next    Searcher
	slots   chan struct{}
	wait    time.Duration
	timeout time.Duration
	// observe, when set, is told of every search (metrics).
	observe func(outcome string, d time.Duration)
}

// SearchObserver is what an Observer may also implement to be told of
// every search: its outcome (ok, bad_query, busy, timeout, cancelled,
// error) and its time, waiting for a slot included.
type SearchObserver interface {
	ObserveSearch(outcome string, d time.Duration)
}

func (b *boundedSearcher) Search(ctx context.Context, q news.Query) (res *news.Result, err error) {
	if b.observe != nil {
		start := time.Now()
		defer func() { b.observe(searchOutcome(err), time.Since(start)) }()
	}
	t := time.NewTimer(b.wait)
	defer t.Stop()
	select {
	case b.slots <- struct{}{}:
	case <-t.C:
		return nil, errBusy
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-b.slots }()
	ctx, cancel := context.WithTimeout(ctx, b.timeout)
	defer cancel()
	return b.next.Search(ctx, q)
}

func searchOutcome(err error) string {
	var qe *index.QueryError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &qe):
		return "bad_query"
	case errors.Is(err, errBusy):
		return "busy"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	}
	return "error"
}

// retryAfterSeconds renders d for a Retry-After header: whole seconds,
// rounded up, at least 1.
func retryAfterSeconds(d time.Duration) string {
	return strconv.Itoa(max(1, int(math.Ceil(d.Seconds()))))
}
