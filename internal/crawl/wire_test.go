package crawl

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"riverside/internal/news"
)

func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.Bytes()
}

// rawServer answers every connection on 127.0.0.1 with the bytes that
// answer returns for the request it read, then closes it: header names,
// order and framing exactly as a test wants them on the wire.
func rawServer(t *testing.T, answer func(req *http.Request) []byte) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				req, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil {
					return
				}
				c.Write(answer(req))
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

func chunk(b []byte) []byte {
	out := fmt.Appendf(nil, "%x\r\n", len(b))
	return append(append(out, b...), "\r\n"...)
}

func TestWireKeepsTheExchangeAsSent(t *testing.T) {
	page := "<html><head><title>滨江</title></head><body><p>萧山区 news</p></body></html>"
	zipped := gzipped(t, page)
	head := "HTTP/1.1 200 Fine Thanks\r\n" +
		"x-Odd-CASE: kept\r\n" +
		"Content-Type: text/html; charset=utf-8\r\n" +
		"Set-Cookie: a=1\r\n" +
		"Content-Encoding: gzip\r\n" +
		"Transfer-Encoding: chunked\r\n" +
		"Set-Cookie: b=2\r\n" +
		"\r\n"
	var gotAccept atomic.Value
	base := rawServer(t, func(req *http.Request) []byte {
		gotAccept.Store(req.Header.Get("Accept-Encoding"))
		switch req.URL.Path {
		case "/chunked":
			out := []byte(head)
			out = append(out, chunk(zipped[:10])...)
			out = append(out, chunk(zipped[10:])...)
			return append(out, "0\r\nX-Trailer: t\r\n\r\n"...)
		case "/length":
			return append(fmt.Appendf(nil, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n", len(zipped)), zipped...)
		case "/close-delimited":
			return []byte("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end")
		case "/interim":
			return []byte("HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		case "/bomb":
			return append(fmt.Appendf(nil, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n", len(gzipped(t, strings.Repeat("x", 1<<20)))), gzipped(t, strings.Repeat("x", 1<<20))...)
		}
		return []byte("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
	})

	var recorded []*Response
	ctx := context.Background()
	s, err := NewSession(ctx, quick(Options{IgnoreRobots: true, MaxBodySize: 64 << 10, Record: func(r *Response) (news.Capture, error) {
		recorded = append(recorded, r)
		return news.Capture{File: "f", Offset: int64(len(recorded))}, nil
	}}))
	if err != nil {
		t.Fatal(err)
	}

	r, err := s.Get(ctx, base+"/chunked")
	if err != nil {
		t.Fatal(err)
	}
	if string(r.Body) != page {
		t.Errorf("body handed on: got %q, want the decoded page", r.Body)
	}
	if gotAccept.Load() != "gzip" {
		t.Errorf("Accept-Encoding sent: got %q, want gzip", gotAccept)
	}
	wantRaw := strings.Replace(head, "Transfer-Encoding: chunked\r\n", "", 1) + string(zipped)
	if string(r.RawResponse) != wantRaw {
		t.Errorf("raw response:\ngot  %q\nwant %q", r.RawResponse, wantRaw)
	}
	if r.Capture.Offset != 1 || len(recorded) != 1 || recorded[0] != r {
		t.Errorf("recorded %d responses, capture %+v", len(recorded), r.Capture)
	}
	for _, want := range [][2]string{{"transferEncoding", "chunked"}, {"httpTrailer", "X-Trailer: t"}} {
		found := false
		for _, n := range r.Notes {
			found = found || n == want
		}
		if !found {
			t.Errorf("notes %q lack %q", r.Notes, want)
		}
	}
	if r.RemoteIP != "127.0.0.1" {
		t.Errorf("remote IP: got %q", r.RemoteIP)
	}
	u, _ := url.Parse(base)
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(r.RawRequest)))
	if err != nil {
		t.Fatalf("raw request %q: %v", r.RawRequest, err)
	}
	if !bytes.HasPrefix(r.RawRequest, []byte("GET /chunked HTTP/1.1\r\nHost: "+u.Host+"\r\n")) || req.Header.Get("User-Agent") != DefaultUserAgent || !req.Close {
		t.Errorf("raw request: %q", r.RawRequest)
	}
	if r.Header.Get("Content-Encoding") != "" || r.Header.Get("X-Odd-Case") != "kept" {
		t.Errorf("header handed on: %v", r.Header)
	}

	r, err = s.Get(ctx, base+"/length")
	if err != nil {
		t.Fatal(err)
	}
	if string(r.Body) != page || !bytes.HasSuffix(r.RawResponse, zipped) || !bytes.Contains(r.RawResponse, []byte("Content-Encoding: gzip\r\n")) {
		t.Errorf("gzip with Content-Length: body %q raw %q", r.Body, r.RawResponse)
	}

	r, err = s.Get(ctx, base+"/close-delimited")
	if err != nil {
		t.Fatal(err)
	}
	if string(r.Body) != "until the end" || string(r.RawResponse) != "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end" {
		t.Errorf("close-delimited: body %q raw %q", r.Body, r.RawResponse)
	}

	r, err = s.Get(ctx, base+"/interim")
	if err != nil {
		t.Fatal(err)
	}
	if string(r.RawResponse) != "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" {
		t.Errorf("after a 103: raw %q", r.RawResponse)
	}

	if _, err := s.Get(ctx, base+"/bomb"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a body that inflates past the limit: got %v, want ErrTooLarge", err)
	}
}

// TestWireThroughGoServer fetches from net/http's own server, which
// chunks and gzips as real servers do, over plain HTTP and TLS.
func TestWireThroughGoServer(t *testing.T) {
	page := strings.Repeat("<p>滨江区 Binjiang district news paragraph.</p>\n", 400)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		for i := 0; i < len(page); i += 1000 {
			zw.Write([]byte(page[i:min(i+1000, len(page))]))
			zw.Flush()
			w.(http.Flusher).Flush()
		}
		zw.Close()
	})
	for _, srv := range []*httptest.Server{httptest.NewServer(h), httptest.NewTLSServer(h)} {
		t.Cleanup(srv.Close)
		ctx := context.Background()
		s, err := NewSession(ctx, quick(Options{IgnoreRobots: true}))
		if err != nil {
			t.Fatal(err)
		}
		if srv.TLS != nil {
			s.c.WithTransport(&rawTransport{s: s, wire: &wireTransport{dialer: &net.Dialer{}, maxBody: DefaultMaxBodySize,
				tls: srv.Client().Transport.(*http.Transport).TLSClientConfig}})
		}
		r, err := s.Get(ctx, srv.URL+"/page.html")
		if err != nil {
			t.Fatal(err)
		}
		if string(r.Body) != page {
			t.Errorf("%s: decoded body differs (%d bytes)", srv.URL, len(r.Body))
		}
		resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(r.RawResponse)), nil)
		if err != nil {
			t.Fatal(err)
		}
		stored, _ := io.ReadAll(resp.Body)
		if resp.Header.Get("Content-Encoding") != "gzip" || len(resp.TransferEncoding) != 0 || resp.Proto != "HTTP/1.1" {
			t.Errorf("%s: stored header %v %v %s", srv.URL, resp.Header, resp.TransferEncoding, resp.Proto)
		}
		zr, err := gzip.NewReader(bytes.NewReader(stored))
		if err != nil {
			t.Fatalf("%s: stored body is not the gzip sent: %v", srv.URL, err)
		}
		if got, _ := io.ReadAll(zr); string(got) != page {
			t.Errorf("%s: stored gzip inflates to %d bytes, want the page", srv.URL, len(got))
		}
	}
}
