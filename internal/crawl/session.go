// Package crawl fetches pages for Riverside: a per-source session over a
// colly collector (robots.txt, per-host pacing, retries with backoff, body
// limits, allowed hosts, an identifying user agent) and the discovery of
// article links on list pages, Hanweb datastores, feeds and sitemaps.
//
// It hands back the body bytes as the server sent them, only a content
// coding (gzip) undone — charset decoding and extraction belong to the
// caller — and, for the raw capture, the exchange as it crossed the wire
// (wire.go). colly is imported here and nowhere else.
package crawl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gocolly/colly/v2"
	"github.com/temoto/robotstxt"

	"riverside/internal/news"
)

// DefaultUserAgent identifies Riverside to the sites it crawls.
const DefaultUserAgent = "RiversideBot/0.1 (+https://github.com/riverside-news/riverside)"

// Defaults of Options.
const (
	DefaultMaxBodySize = 10 << 20
	DefaultTimeout     = 30 * time.Second
	DefaultRetries     = 3
	DefaultRetryBase   = time.Second
	DefaultMaxWait     = 2 * time.Minute
	// DefaultMaxRedirects bounds a redirect chain: 10 redirects followed,
	// 11 requests (net/http refuses the tenth redirect; Chromium allows 20).
	DefaultMaxRedirects = 10
	// maxHostDelay bounds the delay a host's 429s and 503s can push us to.
	maxHostDelay = time.Minute
)

// Errors a fetch may fail with, checked with errors.Is.
var (
	// ErrDisallowed: robots.txt forbids the URL to our user agent. The
	// URL was not fetched; it is skipped, not failed.
	ErrDisallowed = errors.New("crawl: disallowed by robots.txt")
	// ErrNotAllowed: the URL's host is outside the source (allowed hosts).
	ErrNotAllowed = errors.New("crawl: host not allowed for this source")
	// ErrTooLarge: the body is larger than Options.MaxBodySize; a page
	// cut at the limit is never handed back as if whole.
	ErrTooLarge = errors.New("crawl: body larger than the limit")
	// ErrRobotsUnavailable: robots.txt answered a server error or could
	// not be reached; RFC 9309 §2.3.1.4 says to assume a complete disallow.
	ErrRobotsUnavailable = errors.New("crawl: robots.txt unreachable: host treated as disallowed")
	// ErrEmptyBody: the server answered 2xx with nothing (or only spaces).
	ErrEmptyBody = errors.New("empty body")
)

// Skipped tells whether err means a URL was deliberately not fetched
// (robots.txt, allowed hosts) rather than that fetching it failed.
func Skipped(err error) bool {
	return errors.Is(err, ErrDisallowed) || errors.Is(err, ErrNotAllowed)
}

// Options configure a Session.
type Options struct {
	UserAgent string
	// Delay is the pause between two requests to one host; a random extra of
	// up to half of it is added so that requests do not form a beat. A
	// host's robots.txt Crawl-delay raises it.
	Delay time.Duration
	// MaxBodySize bounds a response body (default 10 MiB).
	MaxBodySize int
	// Timeout bounds one request (default 30 s).
	Timeout time.Duration
	// Record, when set, is given every response as it arrives (redirects
	// and robots.txt included) to keep a raw capture; what it returns is
	// kept in Response.Capture. A Record error fails the request: an
	// article must not be stored without its capture.
	Record func(*Response) (news.Capture, error)
	// IgnoreRobots skips robots.txt (tests; never for real sites).
	IgnoreRobots bool
	// Allow, when set, says whether a URL may be fetched; it is asked for
	// every request and every redirect (the source's allowed hosts).
	Allow func(*url.URL) bool
	// Retries bounds the retries of one request after a transient failure
	// (5xx, 429, timeouts, connection resets; default 3, negative: none).
	Retries int
	// RetryBase is the first backoff; each retry doubles it (default 1 s).
	RetryBase time.Duration
	// MaxWait bounds one wait before a retry: a Retry-After asking for
	// more gives up at once (default 2 min).
	MaxWait time.Duration
	// MaxRedirects bounds the redirects followed for one request, across
	// hosts (default 10; a longer chain fails as a StatusError 3xx).
	MaxRedirects int
	// Gate, when set, is shared by the sessions of a process so that each
	// host gets one request at a time whatever the number of sources on it.
	Gate *HostGate
	// Pacer, when set, is shared by the crawler processes of one crawl
	// (workers on one or more machines): each host gets one request at a
	// time across all of them, and the pause after a request (delay,
	// Crawl-delay, backoff) holds for all of them.
	Pacer Pacer
}

// Pacer spaces the requests to a host across processes. Acquire waits
// until host is free and its last pause is over, and takes it; release
// frees it, asking the host be left alone for pause.
type Pacer interface {
	Acquire(ctx context.Context, host string) (release func(pause time.Duration), err error)
}

// Response is one fetched page: its body as the server sent it, once any
// content coding (gzip) is undone.
type Response struct {
	URL     string // final URL, after redirects
	Status  int
	Proto   string
	Header  http.Header
	Body    []byte
	Fetched time.Time
	// Elapsed is the time from sending the request to the end of the body.
	Elapsed time.Duration

	Method        string
	RequestHeader http.Header
	RequestBody   []byte

	// RawRequest and RawResponse are the exchange as it crossed the wire
	// (see wireTransport): the request as written; the response's status
	// line and header as read, less a Transfer-Encoding that was undone,
	// and its body in its content coding. Body is the decoded entity.
	RawRequest  []byte
	RawResponse []byte
	// RemoteIP is the address of the server that answered.
	RemoteIP string
	// Notes say what the raw response leaves out ("transferEncoding",
	// "httpTrailer"), as name/value pairs for the capture's metadata.
	Notes [][2]string

	// Capture is where Options.Record kept the raw exchange.
	Capture news.Capture
}

// ContentType returns the response's Content-Type header.
func (r *Response) ContentType() string { return r.Header.Get("Content-Type") }

// NotModified tells whether a conditional request found the page unchanged.
func (r *Response) NotModified() bool { return r.Status == http.StatusNotModified }

// StatusError is returned for an HTTP error status (and for a redirect
// that never ends).
type StatusError struct {
	URL    string
	Status int
	// RetryAfter is what the server's Retry-After header asked for
	// (0 when absent).
	RetryAfter time.Duration
}

func (e *StatusError) Error() string {
	if e.Status >= 300 && e.Status < 400 {
		return fmt.Sprintf("GET %s: HTTP %d: too many redirects", e.URL, e.Status)
	}
	return fmt.Sprintf("GET %s: HTTP %d", e.URL, e.Status)
}

// Validators are what a server said to recognise a page on the next
// visit (RFC 9110 §8.8): a conditional GET sends them back.
type Validators struct {
	ETag         string
	LastModified string
}

// Session fetches pages for one source through a colly collector.
type Session struct {
	c    *colly.Collector
	opts Options
	// mu serialises requests: colly runs synchronously here and the
	// per-request result is handed over through cur.
	mu    sync.Mutex
	cur   *result
	hosts map[string]*hostState
	// retries counts the retries made, for tests and logs.
	retries int
	// redirects counts the redirects followed so far for the request
	// under way (do), across hosts; the redirect policy reads it.
	redirects int
	// robotsFetch is set while robots.txt is read.
	robotsFetch bool
}

// hostState is what a session knows of one host.
type hostState struct {
	robots *robotstxt.Group // nil: no rules
	err    error            // robots.txt unreachable
	delay  time.Duration
	next   time.Time // earliest start of the next request
}

type result struct {
	resp *Response
	err  error
	// last is the last response the transport read: the final one,
	// after any redirects.
	last *Response
	// hop is where a redirect to another host points: colly does not
	// follow it, the session does (do), once that host's robots.txt has
	// been read and its turn has come.
	hop *url.URL
}

// rawTransport makes each request through the wire transport, which
// keeps the exchange as it crossed the wire for the capture, and hands
// colly the decoded body; it refuses bodies over the limit.
type rawTransport struct {
	s      *Session
	wire   *wireTransport
	record func(*Response) (news.Capture, error)
	allow  func(*url.URL) bool
}

func (t *rawTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.allow != nil && !t.allow(req.URL) {
		return nil, fmt.Errorf("%s: %w", req.URL.Host, ErrNotAllowed)
	}
	start := time.Now()
	var reqBody []byte
	if req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			reqBody, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	ex, err := t.wire.exchange(req)
	if err != nil {
		return nil, err
	}
	resp := ex.resp
	r := &Response{
		URL: req.URL.String(), Status: resp.StatusCode, Proto: resp.Proto, Header: resp.Header.Clone(),
		Body: ex.body, Fetched: start, Elapsed: time.Since(start),
		Method: req.Method, RequestHeader: req.Header.Clone(), RequestBody: reqBody,
		RawRequest: ex.rawRequest, RawResponse: ex.rawResponse, RemoteIP: ex.remoteIP, Notes: ex.notes,
	}
	if t.record != nil {
		if r.Capture, err = t.record(r); err != nil {
			return nil, fmt.Errorf("capture: %w", err)
		}
	}
	if t.s.cur != nil {
		t.s.cur.last = r
	}
	return resp, nil
}

// NewSession makes a session; ctx bounds every request it makes.
func NewSession(ctx context.Context, opts Options) (*Session, error) {
	if opts.UserAgent == "" {
		opts.UserAgent = DefaultUserAgent
	}
	if opts.MaxBodySize <= 0 {
		opts.MaxBodySize = DefaultMaxBodySize
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Retries == 0 {
		opts.Retries = DefaultRetries
	}
	if opts.RetryBase <= 0 {
		opts.RetryBase = DefaultRetryBase
	}
	if opts.MaxWait <= 0 {
		opts.MaxWait = DefaultMaxWait
	}
	if opts.MaxRedirects <= 0 {
		opts.MaxRedirects = DefaultMaxRedirects
	}
	c := colly.NewCollector(colly.StdlibContext(ctx))
	// colly reads COLLY_* environment variables in NewCollector; set every
	// field it may have taken from there so the process environment cannot
	// change how we crawl.
	c.UserAgent = opts.UserAgent
	c.MaxBodySize = 0        // the transport enforces the limit, as an error
	c.AllowURLRevisit = true // the store, not colly, remembers what was seen
	c.DetectCharset = false
	// colly would fetch robots.txt but not honour Crawl-delay, and cache it
	// for the collector's life; the session does both itself (do, host).
	c.IgnoreRobotsTxt = true
	c.MaxDepth = 0
	c.AllowedDomains = nil
	c.ParseHTTPErrorResponse = false
	c.Async = false
	c.CacheDir = ""
	c.SetRequestTimeout(opts.Timeout)
	// One request at a time per host. The pause between requests is kept
	// by the session (hostState), since Crawl-delay and backoff change it
	// while a LimitRule's delay is fixed.
	if err := c.Limit(&colly.LimitRule{DomainGlob: "*", Parallelism: 1}); err != nil {
		return nil, fmt.Errorf("crawl: limit: %w", err)
	}
	s := &Session{c: c, opts: opts, hosts: map[string]*hostState{}}
	// colly re-encodes bodies from the Content-Type charset (lossily for
	// GBK served as "gbk"); the transport keeps the bytes as sent.
	c.WithTransport(&rawTransport{s: s, record: opts.Record, allow: opts.Allow, wire: &wireTransport{
		dialer: &net.Dialer{Timeout: opts.Timeout, KeepAlive: -1}, maxBody: opts.MaxBodySize}})
	c.SetRedirectHandler(s.redirectPolicy)
	c.OnResponse(func(r *colly.Response) {
		s.cur.resp = s.cur.last
	})
	c.OnError(func(r *colly.Response, err error) {
		if r != nil && r.StatusCode == http.StatusNotModified && s.cur.last != nil {
			s.cur.resp = s.cur.last // an answer to a conditional GET, not an error
			return
		}
		if r != nil && r.StatusCode >= 300 {
			se := &StatusError{URL: r.Request.URL.String(), Status: r.StatusCode}
			if r.Headers != nil {
				se.RetryAfter = retryAfter(r.Headers.Get("Retry-After"), time.Now())
			}
			s.cur.err = se
			return
		}
		s.cur.err = err
	})
	return s, nil
}

// Get fetches u.
func (s *Session) Get(ctx context.Context, u string) (*Response, error) {
	return s.do(ctx, http.MethodGet, u, nil, nil)
}

// GetIf fetches u conditionally: when v holds validators and the page did
// not change, the response is a 304 with no body (Response.NotModified).
func (s *Session) GetIf(ctx context.Context, u string, v Validators) (*Response, error) {
	hdr := http.Header{}
	if v.ETag != "" {
		hdr.Set("If-None-Match", v.ETag)
	}
	if v.LastModified != "" {
		hdr.Set("If-Modified-Since", v.LastModified)
	}
	return s.do(ctx, http.MethodGet, u, nil, hdr)
}

// PostForm posts form to u.
func (s *Session) PostForm(ctx context.Context, u string, form url.Values) (*Response, error) {
	hdr := http.Header{"Content-Type": []string{"application/x-www-form-urlencoded"}}
	return s.do(ctx, http.MethodPost, u, []byte(form.Encode()), hdr)
}

// Retries returns how many retries the session made so far.
func (s *Session) Retries() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.retries
}

// HostDelay returns the pause the session now keeps between requests to
// the host of u (0 before its first request there).
func (s *Session) HostDelay(u string) time.Duration {
	pu, err := url.Parse(u)
	if err != nil {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if h := s.hosts[pu.Host]; h != nil {
		return h.delay
	}
	return 0
}

func (s *Session) do(ctx context.Context, method, u string, body []byte, hdr http.Header) (*Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	pu, err := url.Parse(u)
	if err != nil || pu.Host == "" {
		return nil, fmt.Errorf("%s %s: bad URL", method, u)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.redirects = 0
	for {
		if s.opts.Allow != nil && !s.opts.Allow(pu) {
			return nil, fmt.Errorf("%s %s: %w", method, u, ErrNotAllowed)
		}
		h := s.host(ctx, pu)
		if h.err != nil {
			return nil, fmt.Errorf("%s %s: %w", method, u, h.err)
		}
		if h.robots != nil && !h.robots.Test(pu.RequestURI()) {
			return nil, fmt.Errorf("%s %s: %w", method, u, ErrDisallowed)
		}
		resp, err := s.retry(ctx, h, method, u, body, hdr)
		var hop *hopError
		if !errors.As(err, &hop) {
			return resp, err
		}
		// A redirect to another host: that host is asked for its
		// robots.txt and paced as itself before the redirect is followed
		// (RFC 9309 §2.3: the rules of the host the URL is on).
		s.redirects++
		if s.redirects > s.opts.MaxRedirects {
			return nil, &StatusError{URL: hop.from.URL, Status: hop.from.Status}
		}
		method, body, hdr = redirectMethod(method, hop.from.Status, body, hdr)
		pu = hop.to
		u = pu.String()
	}
}

// hopError stops a redirect chain where it leaves the host (see
// redirectPolicy): do follows it.
type hopError struct {
	from *Response // the redirect
	to   *url.URL
}

func (e *hopError) Error() string {
	return fmt.Sprintf("GET %s: HTTP %d: redirect to %s", e.from.URL, e.from.Status, e.to)
}

// redirectPolicy is colly's redirect handler. It bounds the chain
// (Options.MaxRedirects), holds a redirect on the same host to that
// host's robots.txt, and stops one to another host, which do follows
// once that host's robots.txt has been read. It runs inside a request,
// with s.mu held.
func (s *Session) redirectPolicy(req *http.Request, via []*http.Request) error {
	if s.redirects+len(via) > s.opts.MaxRedirects {
		return http.ErrUseLastResponse // reported as "too many redirects"
	}
	if prev := via[len(via)-1]; req.URL.Host != prev.URL.Host && !s.robotsFetch {
		if s.cur != nil {
			s.cur.hop = req.URL
		}
		return http.ErrUseLastResponse
	}
	if h := s.hosts[req.URL.Host]; h != nil && h.robots != nil && !h.robots.Test(req.URL.RequestURI()) {
		return fmt.Errorf("redirect to %s: %w", req.URL, ErrDisallowed)
	}
	return nil
}

// redirectMethod is the request a redirect asks for (RFC 9110 §15.4):
// 307 and 308 repeat it; the others turn a POST into a GET without body,
// as browsers do.
func redirectMethod(method string, status int, body []byte, hdr http.Header) (string, []byte, http.Header) {
	if status == http.StatusTemporaryRedirect || status == http.StatusPermanentRedirect || method == http.MethodGet || method == http.MethodHead {
		return method, body, hdr
	}
	hdr = hdr.Clone()
	hdr.Del("Content-Type")
	return http.MethodGet, nil, hdr
}

// host returns the session's state for the host of u, reading its
// robots.txt on first use. The caller holds s.mu.
func (s *Session) host(ctx context.Context, u *url.URL) *hostState {
	if h := s.hosts[u.Host]; h != nil {
		return h
	}
	h := &hostState{delay: s.opts.Delay}
	s.hosts[u.Host] = h
	if s.opts.IgnoreRobots {
		return h
	}
	robotsURL := u.Scheme + "://" + u.Host + "/robots.txt"
	// robots.txt itself follows its redirects to other hosts at once
	// (RFC 9309 §2.3.1.2), in a chain of its own.
	saved := s.redirects
	s.redirects, s.robotsFetch = 0, true
	resp, err := s.retry(ctx, h, http.MethodGet, robotsURL, nil, nil)
	s.redirects, s.robotsFetch = saved, false
	status := 0
	var text []byte
	var se *StatusError
	switch {
	case err == nil:
		status, text = resp.Status, resp.Body
	case errors.As(err, &se):
		status = se.Status
	case errors.Is(err, ErrEmptyBody):
		status = http.StatusOK
	default:
		// Unreachable (RFC 9309 §2.3.1.4): assume a complete disallow.
		h.err = fmt.Errorf("%w: %v", ErrRobotsUnavailable, err)
		return h
	}
	if status == http.StatusTooManyRequests || status >= 500 {
		h.err = fmt.Errorf("%w: HTTP %d", ErrRobotsUnavailable, status)
		return h
	}
	data, err := robotstxt.FromStatusAndBytes(status, text)
	if err != nil {
		// An unparsable file is no file (RFC 9309 §2.2.2: parse what
		// can be parsed; temoto gives up on the whole).
		return h
	}
	h.robots = data.FindGroup(s.userAgentToken())
	if h.robots.CrawlDelay > h.delay {
		h.delay = h.robots.CrawlDelay
	}
	return h
}

// userAgentToken is the product token robots.txt groups name
// ("RiversideBot" of "RiversideBot/0.1 (+…)").
func (s *Session) userAgentToken() string {
	tok, _, _ := strings.Cut(s.opts.UserAgent, "/")
	tok, _, _ = strings.Cut(tok, " ")
	return tok
}

// retry makes a request, waiting for the host's turn, and retries it
// after transient failures with exponential backoff (or what Retry-After
// asks). The caller holds s.mu.
func (s *Session) retry(ctx context.Context, h *hostState, method, u string, body []byte, hdr http.Header) (*Response, error) {
	for attempt := 0; ; attempt++ {
		if err := sleepUntil(ctx, h.next); err != nil {
			return nil, err
		}
		resp, err := s.paced(ctx, h, method, u, body, hdr)
		if err == nil {
			return resp, nil
		}
		wait, ok := s.backoff(err, attempt, h)
		if !ok || ctx.Err() != nil {
			return nil, err
		}
		s.retries++
		if err := sleepUntil(ctx, time.Now().Add(wait)); err != nil {
			return nil, err
		}
	}
}

// backoff says whether err is worth another attempt and how long to
// wait first. 429 and 503 double the host's delay for the rest of the
// session: the server said we were too fast.
func (s *Session) backoff(err error, attempt int, h *hostState) (time.Duration, bool) {
	if attempt >= s.opts.Retries || s.opts.Retries < 0 {
		return 0, false
	}
	wait := s.opts.RetryBase<<attempt + jitter(s.opts.RetryBase/2)
	var se *StatusError
	switch {
	case errors.As(err, &se):
		switch se.Status {
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
			h.delay = min(max(2*h.delay, s.opts.RetryBase), maxHostDelay)
			if se.RetryAfter > s.opts.MaxWait {
				return 0, false // the server asks for longer than we wait
			}
			if se.RetryAfter > 0 {
				wait = se.RetryAfter
			}
		case http.StatusRequestTimeout, http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		default:
			return 0, false
		}
	case !transient(err):
		return 0, false
	}
	return min(wait, s.opts.MaxWait), true
}

// transient tells network failures that may well not happen again. A
// refused connection is not one: the server is down, not busy, and the
// next pass will try again.
func transient(err error) bool {
	if errors.Is(err, ErrTooLarge) || errors.Is(err, ErrNotAllowed) || errors.Is(err, context.Canceled) {
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, context.DeadlineExceeded)
}

// paced makes one request when the host's turn comes: in this process
// (Gate) and across processes (Pacer); then the host's pause starts.
func (s *Session) paced(ctx context.Context, h *hostState, method, u string, body []byte, hdr http.Header) (*Response, error) {
	host := hostOf(u)
	if s.opts.Gate != nil {
		release, err := s.opts.Gate.acquire(ctx, host)
		if err != nil {
			return nil, err
		}
		defer release()
	}
	release := func(time.Duration) {}
	if s.opts.Pacer != nil {
		var err error
		if release, err = s.opts.Pacer.Acquire(ctx, host); err != nil {
			return nil, err
		}
	}
	resp, err := s.once(ctx, method, u, body, hdr)
	if err == nil && resp.Status == http.StatusOK && strings.HasSuffix(u, "/robots.txt") && !s.opts.IgnoreRobots {
		// The pause after robots.txt itself already keeps its
		// Crawl-delay, for the other workers that wait on the host.
		if data, perr := robotstxt.FromStatusAndBytes(resp.Status, resp.Body); perr == nil {
			if g := data.FindGroup(s.userAgentToken()); g.CrawlDelay > h.delay {
				h.delay = g.CrawlDelay
			}
		}
	}
	pause := h.delay + jitter(h.delay/2)
	var se *StatusError
	if errors.As(err, &se) && (se.Status == http.StatusTooManyRequests || se.Status == http.StatusServiceUnavailable) {
		// The server said we were too fast: every worker slows down (to
		// the doubled delay backoff will keep, or what Retry-After asks),
		// not only this one.
		pause = max(pause, min(se.RetryAfter, s.opts.MaxWait), min(max(2*h.delay, s.opts.RetryBase), maxHostDelay))
	}
	h.next = time.Now().Add(pause)
	release(pause)
	return resp, err
}

// once makes one request through colly.
func (s *Session) once(ctx context.Context, method, u string, body []byte, hdr http.Header) (*Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	s.cur = &result{}
	err := s.c.Request(method, u, rd, nil, hdr.Clone())
	res := s.cur
	s.cur = nil
	if res.err != nil {
		err = res.err // carries the status, where colly's own error does not
	}
	if res.resp != nil && res.resp.NotModified() {
		return res.resp, nil
	}
	if res.hop != nil && res.last != nil {
		return nil, &hopError{from: res.last, to: res.hop}
	}
	if err != nil {
		var se *StatusError
		if errors.As(err, &se) {
			return nil, err
		}
		return nil, fmt.Errorf("%s %s: %w", method, u, err)
	}
	if res.resp == nil {
		return nil, fmt.Errorf("%s %s: no response", method, u)
	}
	if len(bytes.TrimSpace(res.resp.Body)) == 0 {
		return res.resp, fmt.Errorf("%s %s: %w", method, u, ErrEmptyBody)
	}
	return res.resp, nil
}

// retryAfter reads a Retry-After header: seconds or an HTTP date
// (RFC 9110 §10.2.3). A date in the past means now.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			return 0
		}
		return time.Duration(min(n, 1<<20)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d)
}

func sleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func hostOf(u string) string {
	if pu, err := url.Parse(u); err == nil {
		return pu.Host
	}
	return u
}

// HostGate lets one request at a time reach each host, across all the
// sessions that share it.
type HostGate struct {
	mu    sync.Mutex
	hosts map[string]chan struct{}
}

// NewHostGate returns an empty gate.
func NewHostGate() *HostGate { return &HostGate{hosts: map[string]chan struct{}{}} }

func (g *HostGate) acquire(ctx context.Context, host string) (func(), error) {
	g.mu.Lock()
	ch := g.hosts[host]
	if ch == nil {
		ch = make(chan struct{}, 1)
		g.hosts[host] = ch
	}
	g.mu.Unlock()
	select {
	case ch <- struct{}{}:
		return func() { <-ch }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
