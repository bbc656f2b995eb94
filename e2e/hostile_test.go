package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// hostileRequests is how many hostile requests TestHostileRequests sends.
const hostileRequests = 10_400

// hostile is one generated request: through the HTTP client, or (raw)
// written byte for byte on a TCP connection, for what the client refuses
// to send.
type hostile struct {
	kind   string
	method string
	target string // path and query
	header http.Header
	body   []byte
	raw    []byte
}

// what is the request, for messages.
func (h hostile) what() string {
	if h.raw != nil {
		return string(h.raw)
	}
	return h.target
}

// TestHostileRequests sends more than ten thousand hostile requests to a
// real searchd over loopback, on a real index of the mirror: huge and
// deeply nested queries, invalid UTF-8, wildcard and regex bombs, absurd
// paging, dates out of range, junk bodies of every size, unknown methods,
// path tricks, huge headers and malformed HTTP. Every answer must be a
// 2xx, a redirect, or a 4xx with a message — never a 5xx, never a hang —
// while normal searches keep being answered; their latency is reported
// (not asserted).
func TestHostileRequests(t *testing.T) {
	dir := t.TempDir()
	_, sources := startMirror(t, dir)
	data := filepath.Join(dir, "data")
	crawlOnce(t, sources, data)
	// More search slots than clients: a shed search (503) would then be a
	// fault, not load shedding.
	sd := start(t, "searchd", "-addr", "127.0.0.1:0", "-data", data, "-index", filepath.Join(dir, "index"),
		"-max-searches", "64")
	addr := sd.listenAddr(t)
	base := "http://" + addr
	waitIndexed(t, base, 60)

	client := &http.Client{
		Timeout: 60 * time.Second, // a hang, not slowness: the test fails on it
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
		Transport: &http.Transport{MaxIdleConnsPerHost: 32},
	}
	normal := func() (time.Duration, error) {
		start := time.Now()
		resp, err := client.Get(base + "/api/search?q=" + url.QueryEscape("滨江 OR Binjiang") + "&size=10")
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return 0, fmt.Errorf("normal search: HTTP %d", resp.StatusCode)
		}
		return time.Since(start), nil
	}
	var idle []time.Duration
	for range 200 {
		d, err := normal()
		if err != nil {
			t.Fatal(err)
		}
		idle = append(idle, d)
	}

	reqs := hostileLoad(rand.New(rand.NewPCG(12, 2026)), hostileRequests)
	jobs := make(chan hostile)
	type outcome struct {
		h      hostile
		status int
		err    error
		took   time.Duration
	}
	results := make(chan outcome, 64)
	var wg sync.WaitGroup
	const workers = 16
	for range workers {
		wg.Go(func() {
			for h := range jobs {
				start := time.Now()
				status, err := send(client, addr, h)
				results <- outcome{h, status, err, time.Since(start)}
			}
		})
	}
	// Normal searches, one after another, for as long as the load lasts.
	stop := make(chan struct{})
	var loaded []time.Duration
	var normalErrs []error
	var normalDone sync.WaitGroup
	normalDone.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			d, err := normal()
			if err != nil {
				normalErrs = append(normalErrs, err)
				continue
			}
			loaded = append(loaded, d)
		}
	})
	go func() {
		for _, h := range reqs {
			jobs <- h
		}
		close(jobs)
		wg.Wait()
		close(results)
	}()
	start := time.Now()
	byStatus := map[int]int{}
	byKind := map[string]int{}
	failures := 0
	var slowest []outcome
	for o := range results {
		byKind[o.h.kind]++
		if len(slowest) < 5 || o.took > slowest[0].took {
			slowest = append(slowest, o)
			slices.SortFunc(slowest, func(a, b outcome) int { return int(a.took - b.took) })
			if len(slowest) > 5 {
				slowest = slowest[1:]
			}
		}
		if o.err != nil {
			failures++
			if failures <= 20 {
				t.Errorf("%s %s %.80q: %v", o.h.kind, o.h.method, o.h.what(), o.err)
			}
			continue
		}
		byStatus[o.status]++
	}
	elapsed := time.Since(start)
	close(stop)
	for _, o := range slices.Backward(slowest) {
		t.Logf("slow: %v %s %s %.100q → %d", o.took.Round(time.Millisecond), o.h.kind, o.h.method, o.h.what(), o.status)
	}
	normalDone.Wait()

	for _, err := range normalErrs {
		t.Errorf("a normal search failed under the load: %v", err)
	}
	if len(loaded) == 0 {
		t.Error("no normal search was answered during the load")
	}
	if sent := len(reqs); sent < 10_000 {
		t.Errorf("%d hostile requests, want at least 10000", sent)
	}
	codes := slices.Sorted(func(yield func(int) bool) {
		for c := range byStatus {
			if !yield(c) {
				return
			}
		}
	})
	var summary []string
	for _, c := range codes {
		summary = append(summary, fmt.Sprintf("%d×%d", c, byStatus[c]))
	}
	t.Logf("%d hostile requests in %v from %d clients: %s; kinds %v", len(reqs), elapsed.Round(time.Millisecond), workers,
		strings.Join(summary, " "), byKind)
	t.Logf("normal search (滨江 OR Binjiang, size 10): idle p50 %v p99 %v; under the load p50 %v p99 %v max %v (%d searches)",
		pct(idle, 50), pct(idle, 99), pct(loaded, 50), pct(loaded, 99), pct(loaded, 100), len(loaded))
	if t.Failed() {
		return
	}
	// searchd is still well after all that.
	if d, err := normal(); err != nil {
		t.Errorf("after the load: %v (%v)", err, d)
	}
}

// pct is the p-th percentile of ds.
func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[min(max(i-1, 0), len(s)-1)].Round(10 * time.Microsecond)
}

// send sends h and checks its answer: an error for a 5xx, a 4xx without a
// message, a redirect off the server, or no answer at all.
func send(client *http.Client, addr string, h hostile) (int, error) {
	if h.raw != nil {
		return sendRaw(addr, h.raw)
	}
	var body io.Reader
	if h.body != nil {
		body = bytes.NewReader(h.body)
	}
	req, err := http.NewRequest(h.method, "http://"+addr+h.target, body)
	if err != nil {
		return 0, fmt.Errorf("building the request: %w", err)
	}
	for k, v := range h.header {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, fmt.Errorf("reading the answer: %w", err)
	}
	return resp.StatusCode, judge(h.method, resp.StatusCode, resp.Header, b)
}

func judge(method string, status int, hdr http.Header, body []byte) error {
	switch {
	case status >= 500:
		return fmt.Errorf("HTTP %d: %.200s", status, body)
	case status >= 400:
		if method != http.MethodHead && len(bytes.TrimSpace(body)) == 0 {
			return fmt.Errorf("HTTP %d without a message", status)
		}
	case status >= 300:
		// The mux sends unclean paths to their clean form, on this server.
		loc := hdr.Get("Location")
		if u, err := url.Parse(loc); err != nil || u.Host != "" || !strings.HasPrefix(loc, "/") {
			return fmt.Errorf("HTTP %d to %q", status, loc)
		}
	case status < 200:
		return fmt.Errorf("HTTP %d", status)
	}
	return nil
}

// sendRaw writes raw on a new connection and reads one answer. A server
// may close the connection on garbage rather than answer; it may not
// hang or answer 5xx.
func sendRaw(addr string, raw []byte) (int, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(60 * time.Second))
	if _, err := conn.Write(raw); err != nil {
		return 0, nil // closed on us mid-write: refused, not a fault
	}
	if !bytes.HasSuffix(raw, []byte("\r\n\r\n")) || bytes.Contains(raw, []byte("Expect:")) {
		// An unfinished request (or a body promised and never sent): say
		// so, rather than hold a worker for the server's read timeout.
		conn.(*net.TCPConn).CloseWrite()
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			return 0, fmt.Errorf("no answer: %w", err)
		}
		return 0, nil // closed without an answer
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	// net/http itself refuses what is not HTTP/1.x before any handler
	// runs: "HTTP/9.9" with 505 (the status RFC 9110 §15.6.6 prescribes),
	// an HTTP/2 preface with a bare 400. Those are the protocol's answers,
	// not faults.
	if resp.StatusCode == http.StatusHTTPVersionNotSupported ||
		resp.StatusCode == http.StatusBadRequest && (bytes.HasPrefix(raw, []byte("PRI ")) || bytes.Contains(raw, []byte(" HTTP/9"))) {
		return resp.StatusCode, nil
	}
	return resp.StatusCode, judge("", resp.StatusCode, resp.Header, b)
}

// hostileLoad generates n requests, deterministically from r.
func hostileLoad(r *rand.Rand, n int) []hostile {
	gens := []struct {
		kind string
		gen  func(*rand.Rand) hostile
	}{
		{"huge-query", hugeQuery},
		{"nested-query", nestedQuery},
		{"bomb-query", bombQuery},
		{"bad-utf8", badUTF8},
		{"paging", paging},
		{"dates", dates},
		{"junk-params", junkParams},
		{"junk-body", junkBody},
		{"method", oddMethod},
		{"path", pathTrick},
		{"header", hugeHeader},
		{"raw", rawRequest},
	}
	out := make([]hostile, 0, n)
	for i := range n {
		g := gens[i%len(gens)]
		h := g.gen(r)
		h.kind = g.kind
		if h.method == "" {
			h.method = http.MethodGet
		}
		out = append(out, h)
	}
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

var hostileWords = []string{"滨江", "萧山", "Binjiang", "economy", "AI", "物联网", "a", "OR", "AND", "NOT", "-", "+", "title:", "source:",
	"lang:", "*", `"`, "“", "(", ")", ":", "\\", "\x00", "\u202e", "🙂", "\ufeff", "\t", "政府", "x*", "滨*", "NOT(", "))"}

// searchTarget puts q (and extra parameters) on the API or the page.
func searchTarget(r *rand.Rand, q string, extra string) string {
	path := "/api/search"
	switch r.IntN(4) {
	case 0:
		path = "/"
	case 1:
		path = "/feeds/search.atom"
	}
	return path + "?q=" + url.QueryEscape(q) + extra
}

func hugeQuery(r *rand.Rand) hostile {
	n := []int{1999, 2000, 2001, 5000, 20_000, 60_000}[r.IntN(6)]
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(hostileWords[r.IntN(len(hostileWords))])
		b.WriteByte(' ')
	}
	return hostile{target: searchTarget(r, b.String(), "")}
}

func nestedQuery(r *rand.Rand) hostile {
	d := []int{5, 31, 32, 33, 64, 500, 999, 5000}[r.IntN(8)]
	open := []string{"(", "NOT ", "-(", "title:(", "(a OR ", "+(", "NOT -"}[r.IntN(7)]
	q := strings.Repeat(open, d) + "滨江"
	if r.IntN(3) > 0 {
		q += strings.Repeat(")", d-r.IntN(2))
	}
	return hostile{target: searchTarget(r, q, "")}
}

func bombQuery(r *rand.Rand) hostile {
	bombs := []string{
		"*", "**", "***", "a*", "*a", "*a*", "a*b*c*d*", "?", "a?b", "滨*", "title:*", "source:*", "lang:*", "x* y* z* w*",
		strings.Repeat("a* ", 500), strings.Repeat("a* OR ", 300) + "b", strings.Repeat("*", 1500),
		"/(a+)+$/", "(a|aa)*", "[[[[[[", "^$.*+?{}[]|", strings.Repeat(".*", 700), "~", "a~2", "a^100", "\"*\"", `"a* b*"`,
		strings.Repeat(`"`, 999), strings.Repeat("滨", 1999), strings.Repeat("滨江 ", 399), strings.Repeat("a OR ", 399) + "a",
		"title:title:title:x", "unknown:field", "title:", ":::", "-", "+", "NOT", "AND", "OR", "()", "(((", ")))",
	}
	return hostile{target: searchTarget(r, bombs[r.IntN(len(bombs))], "")}
}

func badUTF8(r *rand.Rand) hostile {
	bad := []string{"%ff", "%fe%ff", "%c0%af", "%ed%a0%80", "%f4%90%80%80", "%e6%bb", "%80", "%00", "%e6%bb%a8%ff", "%C3%28", "%f8%88%80%80%80"}
	v := bad[r.IntN(len(bad))]
	param := []string{"q", "source", "district", "lang", "from", "to", "sort", "page", "size"}[r.IntN(9)]
	switch r.IntN(4) {
	case 0:
		return hostile{target: "/api/articles/" + v + "abc"}
	case 1:
		return hostile{target: "/articles/" + v}
	}
	return hostile{target: searchTarget(r, "滨江", "&"+param+"="+v+"x")}
}

func paging(r *rand.Rand) hostile {
	pages := []string{"1e9", "1000000000", "500", "501", "-1", "0", "NaN", "１", "0x10", "99999999999999999999", " 3", "2.5", "", "+1"}
	sizes := []string{"1e8", "100000000", "100", "101", "0", "-5", "abc", "9223372036854775808", "1 ", "%00"}
	return hostile{target: searchTarget(r, "滨江", "&page="+url.QueryEscape(pages[r.IntN(len(pages))])+"&size="+url.QueryEscape(sizes[r.IntN(len(sizes))]))}
}

func dates(r *rand.Rand) hostile {
	ds := []string{"9999-12-31", "0000-01-01", "0001-01-01", "1677-09-21", "2262-04-12", "1899-12-31", "2200-01-01", "2025-02-30",
		"2025-13-01", "-2025-01-01", "99999-01-01", "2025-01-01T00:00:00+99:00", "2025-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
		"0001-01-01T00:00:00-23:59", "2025-1-1", "today", "1e9", fmt.Sprintf("%04d-%02d-%02d", r.IntN(10000), r.IntN(14), r.IntN(33))}
	q := ""
	if r.IntN(2) == 0 {
		q += "&from=" + url.QueryEscape(ds[r.IntN(len(ds))])
	}
	q += "&to=" + url.QueryEscape(ds[r.IntN(len(ds))])
	return hostile{target: searchTarget(r, []string{"", "滨江", "*"}[r.IntN(3)], q)}
}

func junkParams(r *rand.Rand) hostile {
	long := strings.Repeat("滨", 201)
	extras := []string{"&sort=" + url.QueryEscape("size;DROP TABLE"), "&sort=relevance&sort=date", "&source=" + long, "&district=" + long,
		"&lang=" + long, "&q=a&q=b", "&source=%27%22%3E%3Cscript%3E", "&lang=../../etc", "&district=binjiang%00", "&&&&=&=&",
		"&" + strings.Repeat("x=1&", 1000), "&q", "&size", "&%zz=1", "&q=%zz"}
	return hostile{target: searchTarget(r, "Binjiang", extras[r.IntN(len(extras))])}
}

func junkBody(r *rand.Rand) hostile {
	// Sizes from nothing to 4 MiB, most small.
	size := []int{0, 1, 2, 10, 100, 1000, 10_000, 100_000}[r.IntN(8)]
	if r.IntN(40) == 0 {
		size = []int{1 << 20, (1 << 20) + 1, 4 << 20}[r.IntN(3)]
	}
	var body []byte
	switch r.IntN(6) {
	case 0:
		body = make([]byte, size)
		for i := range body {
			body[i] = byte(r.UintN(256))
		}
	case 1:
		d := max(size/2, 1)
		body = []byte(strings.Repeat("[", d) + strings.Repeat("]", d))
	case 2:
		body = []byte(`{"name":"` + strings.Repeat("x", size) + `","query":"滨江"}`)
	case 3:
		body = []byte(`{"name":1,"query":["a"],"webhook":{"x":null},"updates":"yes","` + strings.Repeat("k", size) + `":1}`)
	case 4:
		body = []byte(strings.Repeat(`{"a":`, max(size/5, 1)))
	default:
		body = []byte(`{"format":"jsonl","q":"` + strings.Repeat(`\u0000`, size/6) + `"}`)
	}
	paths := []string{"/api/search", "/api/subscriptions", "/api/subscriptions/abc", "/api/export", "/api/import", "/api/articles/x", "/",
		"/feeds/x.atom", "/healthz", "/metrics", "/static/style.css", "/nowhere"}
	method := []string{"POST", "PUT", "PATCH", "DELETE", "POST", "POST"}[r.IntN(6)]
	ct := []string{"application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "", "application/json; charset=gbk"}[r.IntN(6)]
	h := http.Header{}
	if ct != "" {
		h.Set("Content-Type", ct)
	}
	return hostile{method: method, target: paths[r.IntN(len(paths))], header: h, body: body}
}

func oddMethod(r *rand.Rand) hostile {
	methods := []string{"HEAD", "OPTIONS", "TRACE", "PROPFIND", "MKCOL", "COPY", "MOVE", "LOCK", "FOO", "get", "Get", "PURGE", "QUERY", "DELETE", "PUT"}
	paths := []string{"/", "/api/search?q=x", "/api/articles/x", "/articles/x", "/api/sources", "/healthz", "/metrics", "/api/subscriptions", "/api/export", "/*"}
	return hostile{method: methods[r.IntN(len(methods))], target: paths[r.IntN(len(paths))]}
}

func pathTrick(r *rand.Rand) hostile {
	paths := []string{"/../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "//api//search?q=x", "/api/search/", "/api/search/../sources",
		"/./api/./search", "/api/articles/..%2f..%2fetc%2fpasswd", "/api/articles/%2e%2e", "/api/articles/", "/api/articles/" + strings.Repeat("a", 5000),
		"/articles/%00", "/articles/x%00.html", "/static/../web.go", "/static/", "/static/style.css/..", "/static/%2e%2e/web.go", "/%5c..%5cweb.go",
		"/api%2fsearch?q=x", "/API/SEARCH", "/index.php", "/.git/config", "/api/search;jsessionid=x?q=x", "/api/search%3Fq=x", "/?q=x#frag",
		"/articles/" + strings.Repeat("%ff", 300), "/feeds/../../x.atom", "/feeds/%00.atom", "/healthz/..", "/metrics?name[]=x",
		"/" + strings.Repeat("a/", 2000), "/api/search?" + strings.Repeat("q=滨江&", 500)}
	return hostile{target: paths[r.IntN(len(paths))]}
}

func hugeHeader(r *rand.Rand) hostile {
	h := http.Header{}
	switch r.IntN(5) {
	case 0:
		h.Set("Cookie", strings.Repeat("a=b; ", 20_000))
	case 1:
		for i := range 2000 {
			h.Set(fmt.Sprintf("X-H%d", i), "v")
		}
	case 2:
		h.Set("X-Forwarded-For", strings.Repeat("1.2.3.4, ", 5000))
	case 3:
		h.Set("Accept", strings.Repeat("text/html;q=0.9,", 100))
		h.Set("Authorization", "Bearer "+strings.Repeat("x", 8000))
	default:
		h.Set("Referer", "javascript:alert(1)")
		h.Set("User-Agent", strings.Repeat("滨", 1000))
		h.Set("Range", "bytes=0-1,"+strings.Repeat("1-2,", 1000))
	}
	return hostile{target: searchTarget(r, "滨江", ""), header: h}
}

func rawRequest(r *rand.Rand) hostile {
	raws := []string{
		"GET / HTTP/1.1\r\n\r\n", // no Host
		"GET / HTTP/1.0\r\n\r\n",
		"GET /\r\n\r\n",
		"GET http://evil.example/api/search?q=x HTTP/1.1\r\nHost: evil.example\r\n\r\n",
		"GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n  folded\r\n\r\n",
		"POST /api/subscriptions HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		"POST /api/subscriptions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
		"POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
		"POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n",
		"POST /api/export HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
		"BREW /coffee HTCPCP/1.0\r\nHost: x\r\n\r\n",
		"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
		"CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n",
		"GET /api/search?q=%ZZ HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /api/search?q=\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET " + strings.Repeat("/a", 40_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
		"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", // a TLS hello
		"GET / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n",
		"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /api/search?q=x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
	}
	return hostile{raw: []byte(raws[r.IntN(len(raws))])}
}
