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
//
// A file is written under NAME.open, locked (flock) by its writer, and
// renamed to NAME when closed. Each exchange goes to the file in one write
// and is synced before Write returns, so a stored reference always points
// at a whole exchange. A writer that dies (SIGKILL, power cut) leaves its
// NAME.open unlocked, perhaps with a partial exchange at its end: the next
// Open cuts that tail off, after the last whole exchange, and gives the
// file its final name, so that a strict reader reads every record of every
// file. Readers find an open file under either name.
package capture

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/nlnwa/gowarc/v2"

	"riverside/internal/news"
)

// Exchange is one request and its response.
//
// RawRequest and RawResponse, when set, are the HTTP messages as they
// crossed the wire (see internal/crawl), and are written as they are. When
// they are not, the blocks are rebuilt from the parsed fields, the body
// then being taken as decoded (no transfer or content coding).
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

	RawRequest  []byte
	RawResponse []byte
	// IP is the address of the server that answered (WARC-IP-Address).
	IP string
	// Notes are extra "name: value" fields for the metadata record, such
	// as the transfer coding undone in RawResponse.
	Notes [][2]string
}

// Options tune a Writer.
type Options struct {
	// MaxFileSize closes a file once it has grown to this size, so that a
	// file may end up to one exchange past it (default 1 GiB).
	MaxFileSize int64
	// Prefix starts every file name (default "riverside").
	Prefix string
	// NoSync skips the fsync after each exchange (tests and benchmarks):
	// a power cut may then lose exchanges whose references are stored.
	NoSync bool
	// Logger reports the files recovered at Open.
	Logger *slog.Logger
}

// ErrClosed is returned by Write after Close.
var ErrClosed = errors.New("capture: writer closed")

// Writer appends exchanges to WARC files in one directory. It is safe
// for concurrent use; exchanges are written one at a time.
type Writer struct {
	dir  string
	opts Options

	mu     sync.Mutex
	f      *os.File // NAME.open, flocked while this writer has it
	name   string   // NAME
	size   int64
	infoID string // WARC-Record-ID of the file's warcinfo record
	serial int
	closed bool
	buf    bytes.Buffer
	gz     *gzip.Writer
}

// Open prepares dir for WARC files and recovers the files of writers
// that died; files are created as records arrive.
func Open(dir string, opts Options) (*Writer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("capture: %w", err)
	}
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = 1 << 30
	}
	if opts.Prefix == "" {
		opts.Prefix = "riverside"
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	recovered, err := Recover(dir)
	for _, r := range recovered {
		opts.Logger.Warn("recovered the WARC file of a writer that died", "file", r.File,
			"records", r.Records, "kept_bytes", r.Kept, "cut_bytes", r.Cut, "tail", r.Tail, "reason", r.Reason)
	}
	if err != nil {
		// A file that cannot be recovered stays as it is (its records
		// still read under the open name); new captures go to new files.
		opts.Logger.Error("WARC recovery failed", "dir", dir, "err", err)
	}
	return &Writer{dir: dir, opts: opts, gz: gzip.NewWriter(nil)}, nil
}

// Write appends the exchange, synced to disk, and returns where its
// response record starts.
func (w *Writer) Write(ex Exchange) (news.Capture, error) {
	if ex.Proto == "" {
		ex.Proto = "HTTP/1.1"
	}
	if ex.Method == "" {
		ex.Method = http.MethodGet
	}
	date := ex.Fetched.UTC()
	respBlock, reqBlock := ex.RawResponse, ex.RawRequest
	if respBlock == nil {
		respBlock = responseBlock(ex)
	}
	if reqBlock == nil {
		reqBlock = requestBlock(ex)
	}
	resp, err := build(gowarc.Response, ex.URL, date, "application/http;msgtype=response", respBlock, "", ex.IP)
	if err != nil {
		return news.Capture{}, err
	}
	defer resp.Close()
	respID := resp.WarcHeader().Get(gowarc.WarcRecordID)
	req, err := build(gowarc.Request, ex.URL, date, "application/http;msgtype=request", reqBlock, respID, ex.IP)
	if err != nil {
		return news.Capture{}, err
	}
	defer req.Close()
	var fields bytes.Buffer
	fields.WriteString("fetchTimeMs: " + strconv.FormatInt(ex.Duration.Milliseconds(), 10) + "\r\n")
	for _, n := range ex.Notes {
		fields.WriteString(fieldText(n[0]) + ": " + fieldText(n[1]) + "\r\n")
	}
	meta, err := build(gowarc.Metadata, ex.URL, date, gowarc.ApplicationWarcFields, fields.Bytes(), respID, "")
	if err != nil {
		return news.Capture{}, err
	}
	defer meta.Close()

	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return news.Capture{}, ErrClosed
	}
	if w.f != nil && w.size >= w.opts.MaxFileSize {
		if err := w.closeFile(); err != nil {
			return news.Capture{}, err
		}
	}
	if w.f == nil {
		if err := w.createFile(); err != nil {
			return news.Capture{}, err
		}
	}
	w.buf.Reset()
	for _, r := range []gowarc.WarcRecord{resp, req, meta} {
		r.WarcHeader().Set(gowarc.WarcWarcinfoID, w.infoID)
		if err := w.member(r); err != nil {
			return news.Capture{}, fmt.Errorf("capture %s: %w", ex.URL, err)
		}
	}
	at := w.size
	if err := w.append(); err != nil {
		return news.Capture{}, fmt.Errorf("capture %s: %w", ex.URL, err)
	}
	return news.Capture{File: w.name, Offset: at}, nil
}

// member adds r to w.buf as a gzip member of its own.
func (w *Writer) member(r gowarc.WarcRecord) error {
	w.gz.Reset(&w.buf)
	if _, _, err := gowarc.NewMarshaler().Marshal(w.gz, r, 0); err != nil {
		return err
	}
	return w.gz.Close()
}

// append writes w.buf at the end of the open file in one write and syncs
// it. On failure the file is cut back to where it was, so that it never
// holds part of an exchange; if even that fails, the file is abandoned
// unlocked under its open name, for the next Open to recover.
func (w *Writer) append() error {
	n, err := w.f.Write(w.buf.Bytes())
	if err == nil && !w.opts.NoSync {
		err = w.f.Sync()
	}
	if err == nil {
		w.size += int64(n)
		return nil
	}
	if terr := w.f.Truncate(w.size); terr != nil {
		w.f.Close()
		w.f = nil
		return errors.Join(err, terr)
	}
	if _, serr := w.f.Seek(w.size, 0); serr != nil {
		w.f.Close()
		w.f = nil
		return errors.Join(err, serr)
	}
	return err
}

// createFile starts a new file, locked, with its warcinfo record. Names
// sort by creation time and never collide: PREFIX-YYYYMMDDhhmmss-PID-NNNN.warc.gz.
func (w *Writer) createFile() error {
	// Each try takes a new name; a few are plenty for the races they
	// resolve, so running out means locks do not work here at all.
	for range 20 {
		w.serial++
		name := fmt.Sprintf("%s-%s-%d-%04d.warc.gz", w.opts.Prefix, time.Now().UTC().Format("20060102150405"), os.Getpid(), w.serial)
		path := filepath.Join(w.dir, name)
		if _, err := os.Stat(path); err == nil {
			continue // a file of an earlier process with our PID
		}
		f, err := os.OpenFile(path+openSuffix, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("capture: %w", err)
		}
		// Another process's Recover may take the new, empty file for a
		// dead writer's between its creation and this lock, and remove
		// it: then start another file rather than write to a lost one.
		if !lockedInPlace(f, path+openSuffix) {
			removeIfSame(f, path+openSuffix) // empty: nothing is lost
			f.Close()
			continue
		}
		info, err := build(gowarc.Warcinfo, "", time.Now().UTC(), gowarc.ApplicationWarcFields, []byte(
			"software: Riverside\r\nformat: WARC File Format 1.1\r\n"+
				"conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n"), "", "")
		if err == nil {
			info.WarcHeader().Set(gowarc.WarcFilename, name)
			w.buf.Reset()
			err = w.member(info)
			info.Close()
		}
		w.f, w.name, w.size = f, name, 0
		if err == nil {
			err = w.append()
		}
		if err == nil {
			err = syncDir(w.dir)
		}
		if err != nil {
			if w.f != nil {
				w.f.Close()
				w.f = nil
			}
			os.Remove(path + openSuffix)
			return fmt.Errorf("capture: start %s: %w", name, err)
		}
		w.infoID = info.WarcHeader().Get(gowarc.WarcRecordID)
		return nil
	}
	return fmt.Errorf("capture: cannot start a WARC file in %s: its lock cannot be taken", w.dir)
}

// lockedInPlace locks f and tells whether it is still the file at path.
func lockedInPlace(f *os.File, path string) bool {
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return false
	}
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	pi, err := os.Stat(path)
	return err == nil && os.SameFile(fi, pi)
}

// removeIfSame removes path if it is still the file f.
func removeIfSame(f *os.File, path string) {
	fi, err := f.Stat()
	if err != nil {
		return
	}
	if pi, err := os.Stat(path); err == nil && os.SameFile(fi, pi) {
		os.Remove(path)
	}
}

// closeFile closes the open file and gives it its final name.
func (w *Writer) closeFile() error {
	if w.f == nil {
		return nil
	}
	f, name := w.f, w.name
	w.f = nil
	path := filepath.Join(w.dir, name)
	err := f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(path+openSuffix, path)
	}
	if err == nil {
		err = syncDir(w.dir)
	}
	if err != nil {
		return fmt.Errorf("capture: close %s: %w", name, err)
	}
	return nil
}

// Close closes the open file under its final name. Write fails after it.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	return w.closeFile()
}

// fieldText makes a server-given string safe as a warc-fields name or
// value: valid UTF-8, no control characters (no line breaks).
func fieldText(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// syncDir makes a file creation or rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// build makes one record; the library computes its block digest (and
// its payload digest for HTTP messages) and checks it strictly.
func build(t gowarc.RecordType, uri string, date time.Time, contentType string, block []byte, concurrentTo, ip string) (gowarc.WarcRecord, error) {
	// Bodies are bounded when fetched (10 MiB by default): keep them in
	// memory rather than let the library spill them to temporary files.
	b := gowarc.NewRecordBuilder(t, gowarc.WithStrictValidation(), gowarc.WithBufferMaxMemBytes(32<<20))
	if _, err := b.Write(block); err != nil {
		return nil, fmt.Errorf("capture %s: %w", uri, err)
	}
	if uri != "" {
		b.AddWarcHeader(gowarc.WarcTargetURI, uri)
	}
	b.AddWarcHeaderTime(gowarc.WarcDate, date)
	b.AddWarcHeader(gowarc.ContentType, contentType)
	if concurrentTo != "" {
		b.AddWarcHeader(gowarc.WarcConcurrentTo, concurrentTo)
	}
	if ip != "" {
		b.AddWarcHeader(gowarc.WarcIPAddress, ip)
	}
	rec, _, err := b.Build()
	if err != nil {
		if rec != nil {
			rec.Close()
		}
		return nil, fmt.Errorf("capture %s: %s record: %w", uri, t, err)
	}
	return rec, nil
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
