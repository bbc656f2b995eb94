package export

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Captures reads the raw WARC records of one capture: the response record
// an article's Capture points at, and the records of the same exchange
// (request, metadata) that follow it.
type Captures interface {
	Exchange(file string, offset int64) (*Exchange, error)
}

// Exchange is the records of one HTTP exchange as the crawler stored
// them, response first.
type Exchange struct {
	Records []RawRecord
	// Status and MIME are the response's HTTP status and Content-Type.
	Status int
	MIME   string
}

// RawRecord is one WARC record: Bytes is the uncompressed record exactly
// as stored (version line, header, block, closing CRLFCRLF), to be copied
// byte for byte; the other fields come from its header, for the indexes.
type RawRecord struct {
	ID            string // WARC-Record-ID, angle brackets included
	Type          string
	TargetURI     string
	Date          time.Time
	PayloadDigest string
	Bytes         []byte
}

// DirCaptures reads captures from the crawler's WARC directory, where
// every record is its own gzip member. It checks the record structure
// (version line, header, Content-Length) but not the digests; the crawler
// computed those when it wrote the records.
type DirCaptures struct {
	Dir string
}

// ErrNotExchange is returned when the record at an offset is not a
// response.
var ErrNotExchange = errors.New("export: capture is not a response record")

// Exchange reads the exchange whose response record starts at offset.
func (d DirCaptures) Exchange(file string, offset int64) (*Exchange, error) {
	if file == "" || strings.ContainsAny(file, `/\`) || file == ".." {
		return nil, fmt.Errorf("capture file %q: bad name", file)
	}
	f, err := os.Open(filepath.Join(d.Dir, file))
	if errors.Is(err, os.ErrNotExist) {
		// A file still being written carries an .open suffix.
		f, err = os.Open(filepath.Join(d.Dir, file+".open"))
	}
	if err != nil {
		return nil, fmt.Errorf("capture %s: %w", file, err)
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return nil, fmt.Errorf("capture %s@%d: %w", file, offset, err)
	}
	br := bufio.NewReaderSize(f, 64<<10)
	resp, err := readMember(br)
	if err != nil {
		return nil, fmt.Errorf("capture %s@%d: %w", file, offset, err)
	}
	if resp.Type != "response" {
		return nil, fmt.Errorf("capture %s@%d: a %s record: %w", file, offset, resp.Type, ErrNotExchange)
	}
	ex := &Exchange{Records: []RawRecord{*resp}}
	ex.Status, ex.MIME = httpStatus(resp.Bytes)
	// The request and metadata records of the exchange follow, each
	// naming the response as concurrent.
	for range 2 {
		rec, err := readMember(br)
		if err != nil {
			break
		}
		if !strings.Contains(string(headerValue(rec.Bytes, "WARC-Concurrent-To")), resp.ID) {
			break
		}
		ex.Records = append(ex.Records, *rec)
	}
	return ex, nil
}

// readMember reads one gzip member holding one record. br is a
// bufio.Reader, an io.ByteReader, so that the decompressor stops exactly
// at the member's end.
func readMember(br *bufio.Reader) (*RawRecord, error) {
	z, err := gzip.NewReader(br)
	if err != nil {
		return nil, err
	}
	z.Multistream(false)
	b, err := io.ReadAll(z)
	if err != nil {
		return nil, err
	}
	return parseRecord(b)
}

// parseRecord reads the header of an uncompressed record.
func parseRecord(b []byte) (*RawRecord, error) {
	if !bytes.HasPrefix(b, []byte("WARC/1.")) {
		return nil, errors.New("not a WARC record")
	}
	end := bytes.Index(b, []byte("\r\n\r\n"))
	if end < 0 {
		return nil, errors.New("WARC header without end")
	}
	n, err := strconv.Atoi(string(headerValue(b, "Content-Length")))
	if err != nil || end+4+n+4 != len(b) {
		return nil, fmt.Errorf("WARC record: Content-Length %q does not match the record", headerValue(b, "Content-Length"))
	}
	r := &RawRecord{
		ID:            string(headerValue(b, "WARC-Record-ID")),
		Type:          string(headerValue(b, "WARC-Type")),
		TargetURI:     string(headerValue(b, "WARC-Target-URI")),
		PayloadDigest: string(headerValue(b, "WARC-Payload-Digest")),
		Bytes:         b,
	}
	if r.Date, err = time.Parse(time.RFC3339Nano, string(headerValue(b, "WARC-Date"))); err != nil {
		return nil, fmt.Errorf("WARC-Date: %w", err)
	}
	return r, nil
}

// headerValue finds a WARC header field (case-insensitive name).
func headerValue(rec []byte, name string) []byte {
	end := bytes.Index(rec, []byte("\r\n\r\n"))
	if end < 0 {
		return nil
	}
	for _, line := range bytes.Split(rec[:end], []byte("\r\n"))[1:] {
		k, v, ok := bytes.Cut(line, []byte(":"))
		if ok && strings.EqualFold(string(bytes.TrimSpace(k)), name) {
			return bytes.TrimSpace(v)
		}
	}
	return nil
}

// httpStatus reads the status and Content-Type of a response record's
// HTTP message.
func httpStatus(rec []byte) (int, string) {
	end := bytes.Index(rec, []byte("\r\n\r\n"))
	if end < 0 {
		return 0, ""
	}
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(rec[end+4:])), nil)
	if err != nil {
		return 0, ""
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Content-Type")
}
