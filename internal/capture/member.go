package capture

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/nlnwa/gowarc/v2"
)

// maxRecordSize bounds one uncompressed record read back: bodies are
// limited to a few MiB when fetched, so anything far larger is a corrupt
// or hostile gzip member, not a capture.
const maxRecordSize = 256 << 20

// countingReader counts the bytes consumed from a buffered reader. It is
// an io.ByteReader, so that compress/flate reads a gzip member without
// reading ahead of it: the count then says exactly where a member ends.
type countingReader struct {
	br *bufio.Reader
	n  int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.br.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.br.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}

// recordReader reads the records of a WARC file one after another, each
// a gzip member of its own (.warc.gz) or plain (.warc), and tells exactly
// which bytes of the file each one took.
type recordReader struct {
	cr *countingReader
	gz *gzip.Reader
	u  gowarc.Unmarshaler
}

// parsedRecord is a RawRecord plus what the reader learnt on the way.
type parsedRecord struct {
	RawRecord
	concurrentTo []string
	status       int    // response records: HTTP status
	mime         string // response records: HTTP Content-Type
}

// newRecordReader reads from r, whose first byte is at offset in the file.
func newRecordReader(r io.Reader, offset int64) *recordReader {
	return &recordReader{
		cr: &countingReader{br: bufio.NewReaderSize(r, 64<<10), n: offset},
		u:  gowarc.NewUnmarshaler(gowarc.WithStrictValidation()),
	}
}

// next reads the next record. It returns io.EOF at a clean end of the
// file, and an error for anything else that is not one whole, valid
// record: a cut gzip member, a bad checksum, a short block, a wrong digest.
func (rr *recordReader) next() (*parsedRecord, error) {
	start := rr.cr.n
	magic, err := rr.cr.br.Peek(2)
	if len(magic) == 0 && errors.Is(err, io.EOF) {
		return nil, io.EOF
	}
	var raw []byte
	switch {
	case len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		raw, err = rr.member()
	case bytes.HasPrefix([]byte("WARC/"), magic):
		raw, err = rr.plain()
	default:
		err = fmt.Errorf("no WARC record starts at offset %d", start)
	}
	if err != nil {
		return nil, err
	}
	rec, err := rr.parse(raw)
	if err != nil {
		return nil, fmt.Errorf("record at offset %d: %w", start, err)
	}
	rec.Offset, rec.Length, rec.Bytes = start, rr.cr.n-start, raw
	return rec, nil
}

// member reads one gzip member whole, its CRC and length checked.
func (rr *recordReader) member() ([]byte, error) {
	var err error
	if rr.gz == nil {
		rr.gz, err = gzip.NewReader(rr.cr)
	} else {
		err = rr.gz.Reset(rr.cr)
	}
	if err != nil {
		return nil, fmt.Errorf("gzip member: %w", eofIsUnexpected(err))
	}
	rr.gz.Multistream(false)
	raw, err := io.ReadAll(io.LimitReader(rr.gz, maxRecordSize+1))
	if err != nil {
		return nil, fmt.Errorf("gzip member: %w", eofIsUnexpected(err))
	}
	if len(raw) > maxRecordSize {
		return nil, fmt.Errorf("gzip member inflates past %d bytes", maxRecordSize)
	}
	return raw, nil
}

// plain reads one uncompressed record: header up to the blank line, then
// Content-Length bytes of block and the CRLFCRLF that ends every record.
func (rr *recordReader) plain() ([]byte, error) {
	var raw []byte
	length := int64(-1)
	for {
		line, err := rr.cr.br.ReadSlice('\n')
		rr.cr.n += int64(len(line))
		raw = append(raw, line...)
		if err != nil {
			return nil, fmt.Errorf("WARC header: %w", eofIsUnexpected(err))
		}
		if len(raw) > 1<<20 {
			return nil, errors.New("WARC header longer than 1 MiB")
		}
		if string(line) == "\r\n" {
			break
		}
		if k, v, ok := strings.Cut(string(line), ":"); ok && strings.EqualFold(strings.TrimSpace(k), gowarc.ContentLength) {
			length, err = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil || length < 0 || length > maxRecordSize {
				return nil, fmt.Errorf("bad Content-Length %q", strings.TrimSpace(v))
			}
		}
	}
	if length < 0 {
		return nil, errors.New("WARC header has no Content-Length")
	}
	// Copied rather than read into a buffer of the declared size: a
	// damaged length must not allocate more than the file holds.
	buf := bytes.NewBuffer(raw)
	n, err := io.CopyN(buf, rr.cr, length+4)
	if err != nil {
		return nil, fmt.Errorf("block: %d of %d bytes: %w", n, length+4, eofIsUnexpected(err))
	}
	return buf.Bytes(), nil
}

// parse reads the fields of one uncompressed record with the WARC
// library's strict reader, which checks the digests and the closing
// CRLFCRLF; the record must take all of raw.
func (rr *recordReader) parse(raw []byte) (*parsedRecord, error) {
	br := bytes.NewReader(raw)
	buf := bufio.NewReader(br)
	rec, _, _, err := rr.u.Unmarshal(buf)
	if err != nil {
		if rec != nil {
			rec.Close()
		}
		return nil, err
	}
	defer rec.Close()
	if left := buf.Buffered() + br.Len(); left != 0 {
		return nil, fmt.Errorf("%d bytes after the record's end", left)
	}
	h := rec.WarcHeader()
	p := &parsedRecord{RawRecord: RawRecord{
		ID:            h.Get(gowarc.WarcRecordID),
		Type:          rec.Type().String(),
		TargetURI:     h.Get(gowarc.WarcTargetURI),
		ContentType:   h.Get(gowarc.ContentType),
		BlockDigest:   h.Get(gowarc.WarcBlockDigest),
		PayloadDigest: h.Get(gowarc.WarcPayloadDigest),
	}, concurrentTo: h.GetAll(gowarc.WarcConcurrentTo)}
	if p.Date, err = h.GetTime(gowarc.WarcDate); err != nil {
		return nil, fmt.Errorf("WARC-Date: %w", err)
	}
	if hb, ok := rec.Block().(gowarc.HttpResponseBlock); ok {
		p.status = hb.HttpStatusCode()
		if hh := hb.HttpHeader(); hh != nil {
			p.mime = hh.Get("Content-Type")
		}
	}
	return p, nil
}

func eofIsUnexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
