// Package capture keeps what the servers sent: every HTTP exchange is
// written as WARC request, response and metadata records (ISO 28500, WARC
// 1.1) to rotating gzip files, so that archivists get the raw pages and an
// extractor fix can re-read them without crawling again. It is the only
// package that imports the WARC library.
//
// Layout of the files, which readers (export among them) rely on:
//
//   - every record is a gzip member of its own;
//   - an exchange is three records written together, in this order and
//     in the same file: the response, its request, and a metadata record,
//     the last two with WARC-Concurrent-To naming the response's record id;
//   - a capture reference (news.Capture{File, Offset}) points at the first
//     byte of the response's gzip member, and ReadExchange reads all three
//     from there.
package capture

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nlnwa/gowarc/v2"

	"riverside/internal/news"
)

// Exchange is one request and its response, the body as the server sent
// it (after transfer and content decoding by the HTTP client).
type Exchange struct {
	Method         string
	URL            string
	RequestHeader  http.Header
	RequestBody    []byte
	Proto          string // "HTTP/1.1"
	Status         int
	ResponseHeader http.Header
	Body           []byte
	Fetched        time.Time
	Duration       time.Duration
}

// Options tune a Writer.
type Options struct {
	// MaxFileSize rotates to a new file past this size (default 1 GiB).
	MaxFileSize int64
	// Prefix starts every file name (default "riverside").
	Prefix string
}

// Writer appends exchanges to WARC files in one directory.
type Writer struct {
	dir string
	w   *gowarc.WarcFileWriter
	mu  sync.Mutex
}

// Open prepares dir for WARC files; files are created as records arrive.
func Open(dir string, opts Options) (*Writer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("capture: %w", err)
	}
	if err := recoverOpen(dir); err != nil {
		return nil, err
	}
	if opts.MaxFileSize == 0 {
		opts.MaxFileSize = 1 << 30
	}
	if opts.Prefix == "" {
		opts.Prefix = "riverside"
	}
	w := gowarc.NewWarcFileWriter(
		gowarc.WithFileNameGenerator(&names{dir: dir, prefix: opts.Prefix}),
		gowarc.WithMaxFileSize(opts.MaxFileSize),
		gowarc.WithCompression(true),
		// Each record reaches the disk before its offset goes into the
		// store, so a stored offset always points at a whole record.
		gowarc.WithFlush(true),
		gowarc.WithWarcInfoFunc(func(b gowarc.WarcRecordBuilder) error {
			_, err := b.WriteString("software: Riverside\r\nformat: WARC File Format 1.1\r\n" +
				"conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n")
			return err
		}),
	)
	return &Writer{dir: dir, w: w}, nil
}

// names makes file names that sort by creation time and never collide
// within a process: PREFIX-YYYYMMDDhhmmss-PID-NNNN.warc(.gz).
type names struct {
	dir    string
	prefix string
	serial atomic.Int32
}

func (n *names) NewWarcfileName() (string, string) {
	s := n.serial.Add(1)
	return n.dir, fmt.Sprintf("%s-%s-%d-%04d.warc", n.prefix, time.Now().UTC().Format("20060102150405"), os.Getpid(), s)
}

// Write appends the exchange and returns where its response record lies.
func (w *Writer) Write(ex Exchange) (news.Capture, error) {
	if ex.Proto == "" {
		ex.Proto = "HTTP/1.1"
	}
	if ex.Method == "" {
		ex.Method = http.MethodGet
	}
	date := ex.Fetched.UTC()
	resp, err := w.build(gowarc.Response, ex.URL, date, "application/http;msgtype=response", responseBlock(ex), "")
	if err != nil {
		return news.Capture{}, err
	}
	respID := resp.WarcHeader().Get(gowarc.WarcRecordID)
	req, err := w.build(gowarc.Request, ex.URL, date, "application/http;msgtype=request", requestBlock(ex), respID)
	if err != nil {
		return news.Capture{}, err
	}
	meta, err := w.build(gowarc.Metadata, ex.URL, date, "application/warc-fields", []byte(
		"fetchTimeMs: "+strconv.FormatInt(ex.Duration.Milliseconds(), 10)+"\r\n"), respID)
	if err != nil {
		return news.Capture{}, err
	}
	w.mu.Lock()
	res := w.w.Write(resp, req, meta)
	w.mu.Unlock()
	for _, r := range res {
		if r.Err != nil {
			return news.Capture{}, fmt.Errorf("capture %s: %w", ex.URL, r.Err)
		}
	}
	return news.Capture{File: filepath.Base(res[0].FileName), Offset: res[0].FileOffset}, nil
}

func (w *Writer) build(t gowarc.RecordType, uri string, date time.Time, contentType string, block []byte, concurrentTo string) (gowarc.WarcRecord, error) {
	b := gowarc.NewRecordBuilder(t, gowarc.WithStrictValidation())
	if _, err := b.Write(block); err != nil {
		return nil, fmt.Errorf("capture %s: %w", uri, err)
	}
	b.AddWarcHeader(gowarc.WarcTargetURI, uri)
	b.AddWarcHeaderTime(gowarc.WarcDate, date)
	b.AddWarcHeader(gowarc.ContentType, contentType)
	if concurrentTo != "" {
		b.AddWarcHeader(gowarc.WarcConcurrentTo, concurrentTo)
	}
	rec, _, err := b.Build()
	if err != nil {
		return nil, fmt.Errorf("capture %s: %s record: %w", uri, t, err)
	}
	return rec, nil
}

// Close flushes and closes the open file.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Close()
}

// responseBlock renders the response as HTTP/1.1 message bytes. Go's client
// has undone any chunked transfer and gzip encoding, so those headers are
// dropped and Content-Length states the body as stored.
func responseBlock(ex Exchange) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %d %s\r\n", ex.Proto, ex.Status, http.StatusText(ex.Status))
	h := ex.ResponseHeader.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Del("Transfer-Encoding")
	h.Del("Content-Encoding")
	h.Set("Content-Length", strconv.Itoa(len(ex.Body)))
	writeHeader(&b, h)
	b.Write(ex.Body)
	return b.Bytes()
}

func requestBlock(ex Exchange) []byte {
	var b bytes.Buffer
	path, host := ex.URL, ""
	if u, err := parseURL(ex.URL); err == nil {
		path, host = u.RequestURI(), u.Host
	}
	fmt.Fprintf(&b, "%s %s %s\r\n", ex.Method, path, ex.Proto)
	h := ex.RequestHeader.Clone()
	if h == nil {
		h = http.Header{}
	}
	if host != "" && h.Get("Host") == "" {
		h.Set("Host", host)
	}
	if len(ex.RequestBody) > 0 {
		h.Set("Content-Length", strconv.Itoa(len(ex.RequestBody)))
	}
	writeHeader(&b, h)
	b.Write(ex.RequestBody)
	return b.Bytes()
}

func writeHeader(b *bytes.Buffer, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			fmt.Fprintf(b, "%s: %s\r\n", k, v)
		}
	}
	b.WriteString("\r\n")
}
