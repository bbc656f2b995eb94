package crawl

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// countingSite counts requests per path and answers with the handler given
// for the path (200 "ok page" otherwise).
type countingSite struct {
	mu    sync.Mutex
	hits  map[string]int
	times map[string][]time.Time
	srv   *httptest.Server
}

func newCountingSite(t *testing.T, handlers map[string]func(w http.ResponseWriter, r *http.Request, n int)) *countingSite {
	f := &countingSite{hits: map[string]int{}, times: map[string][]time.Time{}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.hits[r.URL.Path]++
		n := f.hits[r.URL.Path]
		f.times[r.URL.Path] = append(f.times[r.URL.Path], time.Now())
		f.mu.Unlock()
		if h := handlers[r.URL.Path]; h != nil {
			h(w, r, n)
			return
		}
		fmt.Fprint(w, "ok page")
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *countingSite) count(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[path]
}

func quick(opts Options) Options {
	opts.RetryBase = 5 * time.Millisecond
	if opts.Timeout == 0 {
		opts.Timeout = 2 * time.Second
	}
	return opts
}

func TestRobots(t *testing.T) {
	site := newCountingSite(t, map[string]func(http.ResponseWriter, *http.Request, int){
		"/robots.txt": func(w http.ResponseWriter, r *http.Request, n int) {
			fmt.Fprint(w, "User-agent: *\nDisallow: /\n\nUser-agent: RiversideBot\nDisallow: /private/\nCrawl-delay: 0.2\n")
		},
	})
	ctx := context.Background()
	s, err := NewSession(ctx, quick(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, site.srv.URL+"/private/a.html"); !errors.Is(err, ErrDisallowed) || !Skipped(err) {
		t.Errorf("disallowed page: got %v, want ErrDisallowed", err)
	}
	for _, p := range []string{"/a.html", "/b.html"} {
		if _, err := s.Get(ctx, site.srv.URL+p); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
	}
	if n := site.count("/private/a.html"); n != 0 {
		t.Errorf("disallowed page fetched %d times", n)
	}
	if n := site.count("/robots.txt"); n != 1 {
		t.Errorf("robots.txt fetched %d times, want 1", n)
	}
	gap := site.times["/b.html"][0].Sub(site.times["/a.html"][0])
	if gap < 200*time.Millisecond {
		t.Errorf("Crawl-delay 0.2 s: requests %v apart", gap)
	}
	if d := s.HostDelay(site.srv.URL); d != 200*time.Millisecond {
		t.Errorf("host delay: got %v, want the Crawl-delay", d)
	}
}

func TestRobotsUnavailable(t *testing.T) {
	site := newCountingSite(t, map[string]func(http.ResponseWriter, *http.Request, int){
		"/robots.txt": func(w http.ResponseWriter, r *http.Request, n int) { w.WriteHeader(http.StatusInternalServerError) },
	})
	ctx := context.Background()
	s, _ := NewSession(ctx, quick(Options{Retries: -1}))
	if _, err := s.Get(ctx, site.srv.URL+"/a.html"); !errors.Is(err, ErrRobotsUnavailable) || Skipped(err) {
		t.Errorf("got %v, want ErrRobotsUnavailable (a failure, not a skip)", err)
	}
	if n := site.count("/a.html"); n != 0 {
		t.Errorf("page fetched %d times under an unreadable robots.txt", n)
	}
}

func TestRetries(t *testing.T) {
	past := time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)
	site := newCountingSite(t, map[string]func(http.ResponseWriter, *http.Request, int){
		"/limited": func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			fmt.Fprint(w, "fine")
		},
		"/unavailable-date": func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				w.Header().Set("Retry-After", past)
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			fmt.Fprint(w, "fine")
		},
		"/burst": func(w http.ResponseWriter, r *http.Request, n int) {
			if n <= 2 {
				w.WriteHeader(http.StatusBadGateway)
				return
			}
			fmt.Fprint(w, "fine")
		},
		"/broken":   func(w http.ResponseWriter, r *http.Request, n int) { w.WriteHeader(http.StatusInternalServerError) },
		"/notfound": func(w http.ResponseWriter, r *http.Request, n int) { http.NotFound(w, r) },
		"/later": func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(http.StatusTooManyRequests)
		},
		"/truncated": func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Content-Length", "1000")
			fmt.Fprint(w, "only a part")
		},
		"/slow": func(w http.ResponseWriter, r *http.Request, n int) {
			select {
			case <-time.After(time.Second):
			case <-r.Context().Done():
			}
		},
		"/huge": func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Content-Length", "5000")
			w.Write([]byte(strings.Repeat("x", 5000)))
		},
		"/huge-chunked": func(w http.ResponseWriter, r *http.Request, n int) {
			for range 5 {
				w.Write([]byte(strings.Repeat("x", 1000)))
				w.(http.Flusher).Flush()
			}
		},
		"/loop-a": func(w http.ResponseWriter, r *http.Request, n int) { http.Redirect(w, r, "/loop-b", http.StatusFound) },
		"/loop-b": func(w http.ResponseWriter, r *http.Request, n int) { http.Redirect(w, r, "/loop-a", http.StatusFound) },
		"/etag": func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("ETag", `"v1"`)
			if r.Header.Get("If-None-Match") == `"v1"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			fmt.Fprint(w, "page v1")
		},
	})
	tests := []struct {
		path     string
		ok       bool
		requests int
		check    func(error) bool
	}{
		{"/limited", true, 2, nil},
		{"/unavailable-date", true, 2, nil},
		{"/burst", true, 3, nil},
		{"/broken", false, 4, func(err error) bool { var se *StatusError; return errors.As(err, &se) && se.Status == 500 }},
		{"/notfound", false, 1, nil},
		{"/later", false, 1, func(err error) bool { var se *StatusError; return errors.As(err, &se) && se.RetryAfter == time.Hour }},
		{"/truncated", false, 4, nil},
		{"/slow", false, 4, nil},
		{"/huge", false, 1, func(err error) bool { return errors.Is(err, ErrTooLarge) }},
		{"/huge-chunked", false, 1, func(err error) bool { return errors.Is(err, ErrTooLarge) }},
		{"/loop-a", false, 6, func(err error) bool { var se *StatusError; return errors.As(err, &se) && se.Status == 302 }},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			ctx := context.Background()
			// Only /slow needs a short timeout; the others get room
			// enough for a busy machine (the timeout spans a whole
			// redirect chain, one connection per request).
			timeout := 5 * time.Second
			if tt.path == "/slow" {
				timeout = 100 * time.Millisecond
			}
			s, _ := NewSession(ctx, quick(Options{MaxBodySize: 4000, Timeout: timeout, IgnoreRobots: true}))
			_, err := s.Get(ctx, site.srv.URL+tt.path)
			if (err == nil) != tt.ok {
				t.Fatalf("got error %v, want ok=%v", err, tt.ok)
			}
			if tt.check != nil && !tt.check(err) {
				t.Errorf("unexpected error %v", err)
			}
			if n := site.count(tt.path); n != tt.requests {
				t.Errorf("%d requests, want %d", n, tt.requests)
			}
			site.mu.Lock()
			site.hits = map[string]int{}
			site.mu.Unlock()
		})
	}
	t.Run("429 doubles the host delay", func(t *testing.T) {
		ctx := context.Background()
		s, _ := NewSession(ctx, quick(Options{IgnoreRobots: true, Delay: 10 * time.Millisecond}))
		if _, err := s.Get(ctx, site.srv.URL+"/limited"); err != nil {
			t.Fatal(err)
		}
		if d := s.HostDelay(site.srv.URL); d != 20*time.Millisecond {
			t.Errorf("host delay after a 429: got %v, want 20ms", d)
		}
	})
	t.Run("conditional GET", func(t *testing.T) {
		ctx := context.Background()
		s, _ := NewSession(ctx, quick(Options{IgnoreRobots: true}))
		r, err := s.GetIf(ctx, site.srv.URL+"/etag", Validators{ETag: `"v1"`})
		if err != nil || !r.NotModified() || len(r.Body) != 0 {
			t.Fatalf("got %v %+v, want a 304", err, r)
		}
		r, err = s.GetIf(ctx, site.srv.URL+"/etag", Validators{ETag: `"v0"`})
		if err != nil || r.Status != 200 || string(r.Body) != "page v1" {
			t.Fatalf("got %v %+v, want the page", err, r)
		}
	})
	t.Run("cancelled while waiting", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		s, _ := NewSession(ctx, Options{IgnoreRobots: true, RetryBase: time.Minute})
		start := time.Now()
		if _, err := s.Get(ctx, site.srv.URL+"/broken"); err == nil {
			t.Fatal("no error")
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("backoff ignored the context: %v", d)
		}
	})
}

func TestAllow(t *testing.T) {
	site := newCountingSite(t, map[string]func(http.ResponseWriter, *http.Request, int){
		"/away": func(w http.ResponseWriter, r *http.Request, n int) {
			http.Redirect(w, r, "http://other.invalid/x", http.StatusFound)
		},
	})
	ctx := context.Background()
	home, _ := url.Parse(site.srv.URL)
	s, _ := NewSession(ctx, quick(Options{IgnoreRobots: true, Allow: func(u *url.URL) bool { return u.Host == home.Host }}))
	if _, err := s.Get(ctx, "http://other.invalid/a"); !errors.Is(err, ErrNotAllowed) {
		t.Errorf("other host: got %v, want ErrNotAllowed", err)
	}
	if _, err := s.Get(ctx, site.srv.URL+"/away"); !errors.Is(err, ErrNotAllowed) {
		t.Errorf("redirect to another host: got %v, want ErrNotAllowed", err)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0}, {"7", 7 * time.Second}, {"-3", 0}, {"soon", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		if got := retryAfter(tt.in, now); got != tt.want {
			t.Errorf("retryAfter(%q): got %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestTrap(t *testing.T) {
	now := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		url  string
		want bool
	}{
		{"https://www.hhtz.gov.cn/art/2025/1/2/art_1487002_5012345.html", false},
		{"https://www.hhtz.gov.cn/col/col1487002/index_2.html", false},
		{"https://x.cn/news/2026-11/21/content_123.htm", false},
		{"https://x.cn/calendar/2027/12/index.html", false},
		{"https://x.cn/calendar/2029/01/index.html", true},
		{"https://x.cn/calendar?date=2150-01-01", true},
		{"https://x.cn/list?year=1850", true},
		{"https://x.cn/list?year=2020", false},
		{"https://x.cn/events/19000101.html", true},
		{"https://x.cn/a/b/a/b/index.html", true},
		{"https://x.cn/news/news/index.html", true},
		{"https://x.cn/2020/02/02/item.html", false},
		{"https://x.cn/p/p2/p/p3/p/index.html", true},
		{"https://x.cn/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p.html", true},
	}
	for _, tt := range tests {
		if got := Trap(tt.url, now); got != tt.want {
			t.Errorf("Trap(%s): got %v, want %v", tt.url, got, tt.want)
		}
	}
}

func TestHostGate(t *testing.T) {
	var mu sync.Mutex
	cur, peak := 0, 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		cur++
		peak = max(peak, cur)
		mu.Unlock()
		time.Sleep(20 * time.Millisecond)
		mu.Lock()
		cur--
		mu.Unlock()
		fmt.Fprint(w, "ok")
	}))
	defer srv.Close()
	gate := NewHostGate()
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, _ := NewSession(ctx, quick(Options{IgnoreRobots: true, Gate: gate}))
			s.Get(ctx, fmt.Sprintf("%s/%d", srv.URL, i))
		}()
	}
	wg.Wait()
	if peak != 1 {
		t.Errorf("%d requests at once to one host, want 1", peak)
	}
}
