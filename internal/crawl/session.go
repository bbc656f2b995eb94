// Package crawl fetches pages for Riverside: a per-source session over a
// colly collector (politeness delays, body limits, user agent) and the
// discovery of article links on list pages, Hanweb datastores and feeds.
//
// It hands back raw bytes exactly as the server sent them; decoding and
// extraction belong to the caller. colly is imported here and nowhere else.
package crawl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gocolly/colly/v2"

	"riverside/internal/news"
)

// DefaultUserAgent identifies Riverside to the sites it crawls.
const DefaultUserAgent = "RiversideBot/0.1 (+https://github.com/riverside-news/riverside)"

// Options configure a Session.
type Options struct {
	UserAgent string
	// Delay is the pause between two requests to one host; a random extra of
	// up to half of it is added so that requests do not form a beat.
	Delay time.Duration
	// MaxBodySize bounds a response body (default 10 MiB).
	MaxBodySize int
	// Timeout bounds one request (default 30 s).
	Timeout time.Duration
	// Record, when set, is given every response as it arrives (redirects
	// included) to keep a raw capture; what it returns is kept in
	// Response.Capture. A Record error fails the request: an article must
	// not be stored without its capture.
	Record func(*Response) (news.Capture, error)
}

// Response is one fetched page, its body as the server sent it.
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

	// Capture is where Options.Record kept the raw exchange.
	Capture news.Capture
}

// ContentType returns the response's Content-Type header.
func (r *Response) ContentType() string { return r.Header.Get("Content-Type") }

// StatusError is returned for an HTTP error status.
type StatusError struct {
	URL    string
	Status int
}

func (e *StatusError) Error() string { return fmt.Sprintf("GET %s: HTTP %d", e.URL, e.Status) }

// Session fetches pages for one source through a colly collector.
type Session struct {
	c *colly.Collector
	// mu serialises requests: colly runs synchronously here and the
	// per-request result is handed over through cur.
	mu  sync.Mutex
	cur *result
}

type result struct {
	resp *Response
	err  error
	// last is the last response the transport read: the final one,
	// after any redirects.
	last *Response
}

// rawTransport keeps a copy of each body as the server sent it, before
// colly decodes it by its own rules.
type rawTransport struct {
	s       *Session
	next    http.RoundTripper
	maxBody int
	record  func(*Response) (news.Capture, error)
}

func (t *rawTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	var reqBody []byte
	if req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			reqBody, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, int64(t.maxBody)))
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	r := &Response{
		URL: req.URL.String(), Status: resp.StatusCode, Proto: resp.Proto, Header: resp.Header.Clone(),
		Body: body, Fetched: start, Elapsed: time.Since(start),
		Method: req.Method, RequestHeader: req.Header.Clone(), RequestBody: reqBody,
	}
	if t.record != nil {
		if r.Capture, err = t.record(r); err != nil {
			return nil, fmt.Errorf("capture: %w", err)
		}
	}
	if t.s.cur != nil {
		t.s.cur.last = r
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// NewSession makes a session; ctx bounds every request it makes.
func NewSession(ctx context.Context, opts Options) (*Session, error) {
	if opts.UserAgent == "" {
		opts.UserAgent = DefaultUserAgent
	}
	if opts.MaxBodySize == 0 {
		opts.MaxBodySize = 10 << 20
	}
	if opts.Timeout == 0 {
		opts.Timeout = 30 * time.Second
	}
	c := colly.NewCollector(colly.StdlibContext(ctx))
	// colly reads COLLY_* environment variables in NewCollector; set every
	// field it may have taken from there so the process environment cannot
	// change how we crawl.
	c.UserAgent = opts.UserAgent
	c.MaxBodySize = opts.MaxBodySize
	c.AllowURLRevisit = true // the store, not colly, remembers what was seen
	c.DetectCharset = false
	c.IgnoreRobotsTxt = true // robots.txt is handled by the ingest policy (issue #4)
	c.MaxDepth = 0
	c.AllowedDomains = nil
	c.ParseHTTPErrorResponse = false
	c.Async = false
	c.CacheDir = ""
	c.SetRequestTimeout(opts.Timeout)
	if opts.Delay > 0 {
		if err := c.Limit(&colly.LimitRule{DomainGlob: "*", Delay: opts.Delay, RandomDelay: opts.Delay / 2}); err != nil {
			return nil, fmt.Errorf("crawl: limit: %w", err)
		}
	}
	s := &Session{c: c}
	// colly re-encodes bodies from the Content-Type charset (lossily for
	// GBK served as "gbk"); the transport keeps the bytes as sent.
	c.WithTransport(&rawTransport{s: s, next: http.DefaultTransport.(*http.Transport).Clone(),
		maxBody: opts.MaxBodySize, record: opts.Record})
	c.OnResponse(func(r *colly.Response) {
		s.cur.resp = s.cur.last
	})
	c.OnError(func(r *colly.Response, err error) {
		if r != nil && r.StatusCode >= 400 {
			s.cur.err = &StatusError{URL: r.Request.URL.String(), Status: r.StatusCode}
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

// PostForm posts form to u.
func (s *Session) PostForm(ctx context.Context, u string, form url.Values) (*Response, error) {
	hdr := http.Header{"Content-Type": []string{"application/x-www-form-urlencoded"}}
	return s.do(ctx, http.MethodPost, u, strings.NewReader(form.Encode()), hdr)
}

func (s *Session) do(ctx context.Context, method, u string, body io.Reader, hdr http.Header) (*Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cur = &result{}
	err := s.c.Request(method, u, body, nil, hdr)
	res := s.cur
	s.cur = nil
	if res.err != nil {
		err = res.err // carries the status, where colly's own error does not
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
		return res.resp, fmt.Errorf("%s %s: empty body", method, u)
	}
	return res.resp, nil
}
