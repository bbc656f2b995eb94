package capture

import (
	"bytes"
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

	"riverside/internal/news"
)

// strictRead reads every record of a WARC file with the library's strict
// reader (digests, lengths, record ends and gzip checksums checked) and
// returns how many there are.
func strictRead(t *testing.T, path string) int {
	t.Helper()
	r, err := gowarc.NewWarcFileReader(path, 0, gowarc.WithStrictValidation())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n := 0
	for {
		rec, _, val, err := r.Next()
		if errors.Is(err, io.EOF) {
			return n
		}
		if err != nil {
			t.Fatalf("%s: record %d: %v", filepath.Base(path), n+1, err)
		}
		if !val.Valid() {
			t.Errorf("%s: record %d: %v", filepath.Base(path), n+1, val)
		}
		rec.Close()
		n++
	}
}

// crashedFile writes n exchanges and then lets the writer "die": its
// file is closed without the rename, which drops its lock as a killed
// process's would. It returns the file's bytes and the references.
func crashedFile(t testing.TB, dir string, n int) (string, []byte, []news.Capture) {
	t.Helper()
	w, err := Open(dir, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	var refs []news.Capture
	for i := range n {
		c, err := w.Write(Exchange{
			URL:            fmt.Sprintf("http://127.0.0.1:1/a/%d.html", i),
			Status:         200,
			ResponseHeader: http.Header{"Content-Type": {"text/html"}},
			Body:           []byte(strings.Repeat(fmt.Sprintf("<p>第%d篇 %d</p>", i, i*i), 30+i)),
			Fetched:        time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		})
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, c)
	}
	w.mu.Lock()
	w.f.Close()
	w.f = nil
	w.closed = true
	w.mu.Unlock()
	path := filepath.Join(dir, refs[0].File+openSuffix)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, data, refs
}

func TestRecoverCutsThePartialTail(t *testing.T) {
	src := t.TempDir()
	_, data, refs := crashedFile(t, src, 4)
	ex, err := ReadExchange(src, refs[3].File, refs[3].Offset)
	if err != nil {
		t.Fatal(err)
	}
	infoEnd := refs[0].Offset
	last := refs[3].Offset
	mid := func(r RawRecord) int64 { return r.Offset + r.Length/2 }
	cases := []struct {
		name  string
		cut   int64
		whole int // exchanges left
	}{
		{"inside the warcinfo record", infoEnd / 2, -1},
		{"right after the warcinfo record", infoEnd, 0},
		{"inside a gzip member's header", last + 5, 3},
		{"inside the response's deflate stream", mid(ex.Response), 3},
		{"inside the gzip trailer", ex.Response.Offset + ex.Response.Length - 3, 3},
		{"between response and request", ex.Request.Offset, 3},
		{"inside the request", mid(ex.Request), 3},
		{"inside the metadata record", mid(ex.Metadata), 3},
		{"one byte short", int64(len(data)) - 1, 3},
		{"whole", int64(len(data)), 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			open := filepath.Join(dir, refs[0].File+openSuffix)
			if err := os.WriteFile(open, data[:c.cut], 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := Recover(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 {
				t.Fatalf("got %d recovered files, want 1", len(got))
			}
			if _, err := os.Stat(open); err == nil {
				t.Error("the open file is still there")
			}
			final := filepath.Join(dir, refs[0].File)
			if c.whole < 0 {
				if _, err := os.Stat(final); err == nil || got[0].File != "" {
					t.Errorf("a file without a whole record was kept: %+v", got[0])
				}
				return
			}
			if n := strictRead(t, final); n != 1+3*c.whole {
				t.Errorf("got %d records after recovery, want %d", n, 1+3*c.whole)
			}
			if got[0].Tail != "" {
				t.Errorf("a cut-short write was saved as damage: %+v", got[0])
			}
			if got[0].Kept+got[0].Cut != c.cut {
				t.Errorf("kept %d + cut %d, want %d bytes", got[0].Kept, got[0].Cut, c.cut)
			}
			for i, ref := range refs[:c.whole] {
				if _, err := ReadExchange(dir, ref.File, ref.Offset); err != nil {
					t.Errorf("exchange %d after recovery: %v", i, err)
				}
			}
			// A second recovery finds nothing to do.
			if again, err := Recover(dir); err != nil || len(again) != 0 {
				t.Errorf("second recovery: %v %v", again, err)
			}
		})
	}
}

func TestRecoverKeepsDamageAside(t *testing.T) {
	dir := t.TempDir()
	path, data, refs := crashedFile(t, dir, 4)
	ex, err := ReadExchange(dir, refs[2].File, refs[2].Offset)
	if err != nil {
		t.Fatal(err)
	}
	// A flipped byte inside exchange 2's request, whole exchanges after it.
	bad := bytes.Clone(data)
	bad[ex.Request.Offset+ex.Request.Length/2] ^= 0xff
	if err := os.WriteFile(path, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := Recover(dir)
	if err != nil || len(got) != 1 {
		t.Fatalf("got %v, %v", got, err)
	}
	final := strings.TrimSuffix(path, openSuffix)
	if n := strictRead(t, final); n != 1+3*2 {
		t.Errorf("got %d records, want the warcinfo and two exchanges", n)
	}
	tail, err := os.ReadFile(filepath.Join(dir, got[0].Tail))
	if err != nil || got[0].Tail == "" {
		t.Fatalf("the damaged tail was not kept: %+v %v", got[0], err)
	}
	if !bytes.Equal(tail, bad[refs[2].Offset:]) {
		t.Errorf("tail holds %d bytes, want the %d from the damaged exchange on", len(tail), len(bad)-int(refs[2].Offset))
	}
}

func TestRecoverLeavesLiveWritersAlone(t *testing.T) {
	dir := t.TempDir()
	w, err := Open(dir, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	c, err := w.Write(Exchange{URL: "http://127.0.0.1:1/", Status: 200, Body: []byte("x"), Fetched: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	open := filepath.Join(dir, c.File+openSuffix)
	before, _ := os.ReadFile(open)
	// A second writer in the same directory (another crawler) starts.
	w2, err := Open(dir, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Close()
	after, err := os.ReadFile(open)
	if err != nil || !bytes.Equal(before, after) {
		t.Fatalf("the live writer's file was touched: %v", err)
	}
	// The live file reads under the name the store knows.
	if _, err := ReadExchange(dir, c.File, c.Offset); err != nil {
		t.Errorf("reading a file being written: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if n := strictRead(t, filepath.Join(dir, c.File)); n != 4 {
		t.Errorf("got %d records, want 4", n)
	}
	if _, err := w.Write(Exchange{URL: "http://127.0.0.1:1/"}); !errors.Is(err, ErrClosed) {
		t.Errorf("write after close: got %v, want ErrClosed", err)
	}
}

func TestLockedInPlace(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.warc.gz.open")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// Another holder of the lock (a recovering process) wins.
	other, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if !lockedInPlace(other, path) {
		t.Fatal("the first locker did not get the lock")
	}
	if lockedInPlace(f, path) {
		t.Error("a file locked by another holder was taken")
	}
	other.Close() // unlocks
	// Removed by the recoverer before the writer locked it.
	os.Remove(path)
	if lockedInPlace(f, path) {
		t.Error("a removed file was taken for the one at its path")
	}
	g, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if !lockedInPlace(g, path) {
		t.Error("a file in place was refused")
	}
}

func TestReadResponseLeavesUnknownCodings(t *testing.T) {
	dir := t.TempDir()
	w, err := Open(dir, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	c, err := w.Write(Exchange{URL: "http://127.0.0.1:1/br", Status: 200, Fetched: time.Now(),
		RawResponse: []byte("HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 4\r\n\r\n\x8b\x01\x80x")})
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	rec, err := ReadResponse(dir, c.File, c.Offset)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Decoded || string(rec.Body) != "\x8b\x01\x80x" || rec.Header.Get("Content-Encoding") != "br" {
		t.Errorf("got decoded=%v body %q header %v", rec.Decoded, rec.Body, rec.Header)
	}
}
