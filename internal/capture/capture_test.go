package capture

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nlnwa/gowarc/v2"
)

func TestWriteReadBack(t *testing.T) {
	dir := t.TempDir()
	w, err := Open(dir, Options{MaxFileSize: 4 << 10})
	if err != nil {
		t.Fatal(err)
	}
	gbk := []byte{0xcf, 0xf4, 0xc9, 0xbd, '<', 'p', '>'} // 萧山 in GBK, then markup
	type written struct {
		body []byte
		file string
		off  int64
	}
	var ws []written
	for i := range 12 {
		body := append(bytes.Repeat(gbk, i*50), fmt.Sprintf("page %d", i)...)
		c, err := w.Write(Exchange{
			URL:            fmt.Sprintf("http://127.0.0.1:1/art/%d.html?q=%d", i, i),
			RequestHeader:  http.Header{"User-Agent": {"test"}},
			Status:         200,
			ResponseHeader: http.Header{"Content-Type": {"text/html"}, "Content-Encoding": {"gzip"}},
			Body:           body,
			Fetched:        time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
			Duration:       120 * time.Millisecond,
		})
		if err != nil {
			t.Fatal(err)
		}
		ws = append(ws, written{body, c.File, c.Offset})
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.warc.gz"))
	if len(files) < 2 {
		t.Errorf("got %d files, want rotation into several", len(files))
	}
	for i, x := range ws {
		rec, err := ReadResponse(dir, x.file, x.off)
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		if !bytes.Equal(rec.Body, x.body) || rec.Status != 200 || rec.URL != fmt.Sprintf("http://127.0.0.1:1/art/%d.html?q=%d", i, i) {
			t.Errorf("record %d: got %q %d %q", i, rec.Body, rec.Status, rec.URL)
		}
		// Rotation never splits an exchange across files.
		if _, err := ReadExchange(dir, x.file, x.off); err != nil {
			t.Errorf("record %d: %v", i, err)
		}
		if rec.Header.Get("Content-Encoding") != "" {
			t.Errorf("record %d keeps a Content-Encoding the body no longer has", i)
		}
	}

	// Every record of every file reads back with the library's strict
	// reader: digests and lengths correct, three records per exchange.
	counts := map[gowarc.RecordType]int{}
	for _, f := range files {
		r, err := gowarc.NewWarcFileReader(f, 0, gowarc.WithStrictValidation())
		if err != nil {
			t.Fatal(err)
		}
		for {
			rec, _, val, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if !val.Valid() {
				t.Errorf("%s: %s record invalid: %v", f, rec.Type(), val)
			}
			if rec.Type() != gowarc.Warcinfo && rec.WarcHeader().Get(gowarc.WarcBlockDigest) == "" {
				t.Errorf("%s: %s record has no block digest", f, rec.Type())
			}
			if rec.Type() == gowarc.Response && rec.WarcHeader().Get(gowarc.WarcPayloadDigest) == "" {
				t.Errorf("%s: response has no payload digest", f)
			}
			counts[rec.Type()]++
			rec.Close()
		}
		r.Close()
	}
	if counts[gowarc.Response] != 12 || counts[gowarc.Request] != 12 || counts[gowarc.Metadata] != 12 || counts[gowarc.Warcinfo] != len(files) {
		t.Errorf("record counts %v", counts)
	}
	if _, err := ReadResponse(dir, "../etc/passwd", 0); err == nil {
		t.Error("a path outside the directory was read")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != len(files) {
		t.Errorf("left files other than .warc.gz: %v", ents)
	}
}
