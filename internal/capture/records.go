package capture

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// RawRecord is one WARC record exactly as it is stored: Bytes holds the
// uncompressed record (version line, WARC header, block and the closing
// CRLFCRLF), so that it can be copied into another WARC file byte for
// byte; the other fields are read from its header for indexes (CDXJ).
type RawRecord struct {
	// ID is the WARC-Record-ID as written, angle brackets included
	// ("<urn:uuid:…>"), ready for WARC-Concurrent-To or WARC-Refers-To.
	ID          string
	Type        string // WARC-Type: "response", "request", "metadata"
	TargetURI   string // WARC-Target-URI
	Date        time.Time
	ContentType string // the record's Content-Type (application/http;msgtype=response, …)
	// BlockDigest and PayloadDigest are the WARC-Block-Digest and
	// WARC-Payload-Digest as written ("sha1:BASE32"); PayloadDigest is
	// empty for records without one.
	BlockDigest   string
	PayloadDigest string
	// Offset is where the record (its gzip member, in a .warc.gz file)
	// starts in the file, Length how many bytes of the file it takes.
	Offset int64
	Length int64
	Bytes  []byte
}

// ExchangeRecords are the three records of one HTTP exchange.
type ExchangeRecords struct {
	Response RawRecord
	Request  RawRecord
	Metadata RawRecord
	// Status and MIME are the HTTP status code and Content-Type (as sent,
	// parameters included) of the response, for CDXJ lines.
	Status int
	MIME   string
}

// ErrNotExchange is returned when the records at an offset do not form a
// response followed by its request and metadata records.
var ErrNotExchange = errors.New("capture: not a response/request/metadata exchange")

// ReadExchange reads the exchange whose response record starts at offset
// in file (a name as Writer.Write returned it, inside dir): the response
// record, and the request and metadata records that follow it (see the
// package comment). Each record is read strictly: its block and payload
// digests are checked, and a record that fails is an error, never copied.
//
// A file still being written (NAME.open) is read under its open name.
func ReadExchange(dir, file string, offset int64) (*ExchangeRecords, error) {
	f, err := openCapture(dir, file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return nil, fmt.Errorf("capture: %s@%d: %w", file, offset, err)
	}
	rr := newRecordReader(f, offset)
	var recs [3]*parsedRecord
	for i := range recs {
		if recs[i], err = rr.next(); err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("capture: %s@%d: record %d of the exchange: %w", file, offset, i+1, err)
		}
		if want := [...]string{"response", "request", "metadata"}[i]; recs[i].Type != want {
			return nil, fmt.Errorf("%w: %s@%d: record %d is a %s record, want %s", ErrNotExchange, file, offset, i+1, recs[i].Type, want)
		}
	}
	resp, req, meta := recs[0], recs[1], recs[2]
	for _, r := range []*parsedRecord{req, meta} {
		if r.TargetURI != resp.TargetURI || !slices.Contains(r.concurrentTo, resp.ID) {
			return nil, fmt.Errorf("%w: %s@%d: the %s record after the response (%s, for %s) is not concurrent to it",
				ErrNotExchange, file, offset, r.Type, r.ID, r.TargetURI)
		}
	}
	ex := &ExchangeRecords{Response: resp.RawRecord, Request: req.RawRecord, Metadata: meta.RawRecord, Status: resp.status, MIME: resp.mime}
	return ex, nil
}

// openCapture opens a capture file by the name the store knows. Names are
// plain file names: anything that could step outside dir is refused.
func openCapture(dir, file string) (*os.File, error) {
	if file == "" || file == "." || file == ".." || strings.ContainsAny(file, `/\`) {
		return nil, fmt.Errorf("capture: bad file name %q", file)
	}
	name := filepath.Join(dir, file)
	f, err := os.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		// The writer may still have it open under NAME.open, or have just
		// renamed it: try both names once more.
		if f, err = os.Open(name + openSuffix); errors.Is(err, fs.ErrNotExist) {
			f, err = os.Open(name)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("capture: open %s: %w", file, err)
	}
	return f, nil
}

// openSuffix marks a WARC file still being written.
const openSuffix = ".open"
