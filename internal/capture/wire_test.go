package capture_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha1"
	"encoding/base32"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"riverside/internal/capture"
	"riverside/internal/crawl"
	"riverside/internal/news"
)

func sha1Digest(b []byte) string {
	sum := sha1.Sum(b)
	return "sha1:" + base32.StdEncoding.EncodeToString(sum[:])
}

// TestCaptureFromTheWire crawls a server that gzips and chunks its pages
// and checks the WARC records hold what it sent: the gzip bytes under
// their Content-Encoding, digests over exactly those bytes, and a strict
// read of the whole file.
func TestCaptureFromTheWire(t *testing.T) {
	page := strings.Repeat("<p>萧山区人民政府 Xiaoshan district government.</p>\n", 300)
	var sent bytes.Buffer // the gzip stream as the handler wrote it
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			w.Write([]byte(page))
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		sent.Reset()
		zw := gzip.NewWriter(&sent)
		zw.Write([]byte(page))
		zw.Close()
		b := sent.Bytes()
		for i := 0; i < len(b); i += 512 { // several chunks
			w.Write(b[i:min(i+512, len(b))])
			w.(http.Flusher).Flush()
		}
	}))
	defer srv.Close()

	dir := t.TempDir()
	w, err := capture.Open(dir, capture.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := crawl.NewSession(ctx, crawl.Options{IgnoreRobots: true, Record: func(r *crawl.Response) (news.Capture, error) {
		return w.Write(capture.Exchange{
			Method: r.Method, URL: r.URL, Status: r.Status, Fetched: r.Fetched, Duration: r.Elapsed,
			RawRequest: r.RawRequest, RawResponse: r.RawResponse, IP: r.RemoteIP, Notes: r.Notes,
		})
	}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Get(ctx, srv.URL+"/art/1.html")
	if err != nil {
		t.Fatal(err)
	}
	if string(r.Body) != page {
		t.Fatalf("the extractor would get %d bytes, not the decoded page", len(r.Body))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	ex, err := capture.ReadExchange(dir, r.Capture.File, r.Capture.Offset)
	if err != nil {
		t.Fatal(err)
	}
	raw := ex.Response.Bytes
	_, block, _ := bytes.Cut(raw, []byte("\r\n\r\n")) // after the WARC header
	block = bytes.TrimSuffix(block, []byte("\r\n\r\n"))
	httpHead, body, _ := bytes.Cut(block, []byte("\r\n\r\n"))
	if !bytes.Equal(body, sent.Bytes()) {
		t.Errorf("stored body: %d bytes, want the %d gzip bytes sent", len(body), sent.Len())
	}
	for _, want := range []string{"HTTP/1.1 200 OK\r\n", "Content-Encoding: gzip\r\n", "Content-Type: text/html; charset=utf-8\r\n"} {
		if !bytes.Contains(httpHead, []byte(want)) {
			t.Errorf("stored header lacks %q:\n%s", want, httpHead)
		}
	}
	if bytes.Contains(httpHead, []byte("Transfer-Encoding")) {
		t.Errorf("stored header keeps a Transfer-Encoding its body no longer has:\n%s", httpHead)
	}
	if ex.Response.BlockDigest != sha1Digest(block) || ex.Response.PayloadDigest != sha1Digest(body) {
		t.Errorf("digests %s %s, want %s %s", ex.Response.BlockDigest, ex.Response.PayloadDigest, sha1Digest(block), sha1Digest(body))
	}
	for _, want := range []string{"WARC-IP-Address: 127.0.0.1\r\n", "WARC-Warcinfo-ID: <urn:uuid:"} {
		if !bytes.Contains(raw, []byte(want)) {
			t.Errorf("response record lacks %q", want)
		}
	}
	if !bytes.Contains(ex.Request.Bytes, []byte("Accept-Encoding: gzip\r\n")) || !bytes.Contains(ex.Request.Bytes, []byte("GET /art/1.html HTTP/1.1\r\n")) {
		t.Errorf("request record: %q", ex.Request.Bytes)
	}
	if !bytes.Contains(ex.Metadata.Bytes, []byte("transferEncoding: chunked\r\n")) {
		t.Errorf("metadata record does not note the chunked transfer: %q", ex.Metadata.Bytes)
	}
	if ex.Status != 200 || ex.MIME != "text/html; charset=utf-8" {
		t.Errorf("status %d MIME %q", ex.Status, ex.MIME)
	}
	rec, err := capture.ReadResponse(dir, r.Capture.File, r.Capture.Offset)
	if err != nil {
		t.Fatal(err)
	}
	if string(rec.Body) != page || rec.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("ReadResponse: %d bytes, Content-Encoding %q", len(rec.Body), rec.Header.Get("Content-Encoding"))
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) != 1 {
		t.Fatalf("files: %v", files)
	}
}
