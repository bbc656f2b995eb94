package capture

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nlnwa/gowarc/v2"
)

func TestReadExchange(t *testing.T) {
	dir := t.TempDir()
	w, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fetched := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	type written struct {
		url  string
		body []byte
		file string
		off  int64
	}
	var ws []written
	for i := range 5 {
		u := fmt.Sprintf("http://127.0.0.1:1/art/%d.html", i)
		body := []byte(strings.Repeat("<p>滨江 萧山</p>", i*40+1))
		c, err := w.Write(Exchange{
			URL:            u,
			RequestHeader:  http.Header{"User-Agent": {"test"}},
			Status:         200 + i,
			ResponseHeader: http.Header{"Content-Type": {"text/html; charset=utf-8"}},
			Body:           body,
			Fetched:        fetched,
		})
		if err != nil {
			t.Fatal(err)
		}
		ws = append(ws, written{u, body, c.File, c.Offset})
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	// Copy every exchange into a new file, member by member: it must read
	// back strictly, as export will write it.
	var out bytes.Buffer
	for i, x := range ws {
		ex, err := ReadExchange(dir, x.file, x.off)
		if err != nil {
			t.Fatalf("exchange %d: %v", i, err)
		}
		if ex.Status != 200+i || ex.MIME != "text/html; charset=utf-8" {
			t.Errorf("exchange %d: got status %d, MIME %q", i, ex.Status, ex.MIME)
		}
		for _, r := range []RawRecord{ex.Response, ex.Request, ex.Metadata} {
			if r.TargetURI != x.url || !r.Date.Equal(fetched) || !strings.HasPrefix(r.ID, "<urn:uuid:") {
				t.Errorf("exchange %d %s: got uri %q date %v id %q", i, r.Type, r.TargetURI, r.Date, r.ID)
			}
			if !bytes.HasPrefix(r.Bytes, []byte("WARC/1.1\r\n")) || !bytes.HasSuffix(r.Bytes, []byte("\r\n\r\n")) {
				t.Errorf("exchange %d %s: raw bytes are not a whole record: %q…", i, r.Type, r.Bytes[:min(40, len(r.Bytes))])
			}
			if !strings.HasPrefix(r.BlockDigest, "sha1:") {
				t.Errorf("exchange %d %s: no block digest", i, r.Type)
			}
			// The stored member, gunzipped, is exactly Bytes.
			f, err := os.Open(filepath.Join(dir, x.file))
			if err != nil {
				t.Fatal(err)
			}
			zr, err := gzip.NewReader(io.NewSectionReader(f, r.Offset, r.Length))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(zr)
			f.Close()
			if err != nil || !bytes.Equal(got, r.Bytes) {
				t.Errorf("exchange %d %s: file bytes at %d+%d differ from Bytes (%v)", i, r.Type, r.Offset, r.Length, err)
			}
			zw := gzip.NewWriter(&out)
			zw.Write(r.Bytes)
			zw.Close()
		}
		if ex.Response.Type != "response" || ex.Request.Type != "request" || ex.Metadata.Type != "metadata" {
			t.Errorf("exchange %d: types %s %s %s", i, ex.Response.Type, ex.Request.Type, ex.Metadata.Type)
		}
		if ex.Response.PayloadDigest == "" || ex.Response.Offset != x.off {
			t.Errorf("exchange %d: payload digest %q, offset %d want %d", i, ex.Response.PayloadDigest, ex.Response.Offset, x.off)
		}
		if ex.Request.Offset != ex.Response.Offset+ex.Response.Length || ex.Metadata.Offset != ex.Request.Offset+ex.Request.Length {
			t.Errorf("exchange %d: records not adjacent: %d+%d, %d+%d, %d", i,
				ex.Response.Offset, ex.Response.Length, ex.Request.Offset, ex.Request.Length, ex.Metadata.Offset)
		}
		// Pointing at the request instead is refused.
		if _, err := ReadExchange(dir, x.file, ex.Request.Offset); !errors.Is(err, ErrNotExchange) {
			t.Errorf("exchange %d: reading at the request record: got %v, want ErrNotExchange", i, err)
		}
	}
	r, err := gowarc.NewWarcFileReaderFromStream(&out, 0, gowarc.WithStrictValidation())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n := 0
	for {
		rec, _, _, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("copied record %d: %v", n, err)
		}
		rec.Close()
		n++
	}
	if n != 3*len(ws) {
		t.Errorf("copied file holds %d records, want %d", n, 3*len(ws))
	}

	for _, bad := range []string{"", ".", "..", "../x.warc.gz", `a\b`} {
		if _, err := ReadExchange(dir, bad, 0); err == nil {
			t.Errorf("file name %q was accepted", bad)
		}
	}
	if _, err := ReadExchange(dir, ws[0].file, ws[0].off+1); err == nil {
		t.Error("an offset inside a record was read as an exchange")
	}
}

// TestWriteOddMessages keeps what real servers send that is not textbook
// HTTP: every file still reads strictly.
func TestWriteOddMessages(t *testing.T) {
	for name, raw := range map[string]string{
		"bare LF":            "HTTP/1.1 200 OK\nContent-Type: text/html\n\n<p>lf</p>",
		"no reason phrase":   "HTTP/1.1 200\r\nContent-Length: 3\r\n\r\nabc",
		"empty body":         "HTTP/1.1 204 No Content\r\nServer: x\r\n\r\n",
		"not modified":       "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n",
		"HTTP/1.0 close":     "HTTP/1.0 200 OK\r\n\r\nuntil the end\r\n\r\n",
		"body of CRLFs":      "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n\r\n\r\n",
		"folded header line": "HTTP/1.1 200 OK\r\nX-Long: a\r\n b\r\nContent-Length: 1\r\n\r\nx",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			w, err := Open(dir, Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			c, err := w.Write(Exchange{URL: "http://127.0.0.1:1/odd", Status: 200, Fetched: time.Now(),
				RawRequest: []byte("GET /odd HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n"), RawResponse: []byte(raw)})
			if err != nil {
				t.Fatal(err)
			}
			w.Close()
			ex, err := ReadExchange(dir, c.File, c.Offset)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(ex.Response.Bytes, []byte(raw)) {
				t.Errorf("the stored response is not the message as given")
			}
			if n := strictRead(t, filepath.Join(dir, c.File)); n != 4 {
				t.Errorf("%d records", n)
			}
		})
	}
}

func TestNotesAreSafeFields(t *testing.T) {
	dir := t.TempDir()
	w, err := Open(dir, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	c, err := w.Write(Exchange{URL: "http://127.0.0.1:1/", Status: 200, Fetched: time.Now(), Body: []byte("x"),
		Notes: [][2]string{{"httpTrailer", "X-T: a\r\nInjected: yes \xff\x01"}, {"transferEncoding", "chunked"}}})
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	ex, err := ReadExchange(dir, c.File, c.Offset)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(ex.Metadata.Bytes, []byte("\r\nInjected")) || !bytes.Contains(ex.Metadata.Bytes, []byte("transferEncoding: chunked\r\n")) {
		t.Errorf("metadata record: %q", ex.Metadata.Bytes)
	}
}
