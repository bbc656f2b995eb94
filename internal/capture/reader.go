package capture

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"riverside/internal/news"
)

// Reader reads archived exchanges out of one directory of WARC files,
// for the web UI. Its zero value is not usable; set Dir.
type Reader struct {
	Dir string
}

// Response returns the archived response at c as Go's client would have
// given it: status and header as stored, the body with a gzip or deflate
// content coding undone (and Content-Encoding dropped from the header,
// Uncompressed set; another coding stays, named in the header). An unknown file is an error wrapping fs.ErrNotExist.
func (r Reader) Response(ctx context.Context, c news.Capture) (*http.Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rec, err := ReadResponse(r.Dir, c.File, c.Offset)
	if err != nil {
		return nil, err
	}
	resp := &http.Response{
		Status: strconv.Itoa(rec.Status) + " " + http.StatusText(rec.Status), StatusCode: rec.Status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: rec.Header, Body: io.NopCloser(bytes.NewReader(rec.Body)), ContentLength: int64(len(rec.Body)),
	}
	if rec.Decoded {
		resp.Header.Del("Content-Encoding")
		resp.Uncompressed = true
	}
	resp.Header.Del("Content-Length")
	return resp, nil
}

// WARC returns the exchange at c as a small WARC file: its response,
// request and metadata records, the gzip members copied byte for byte.
func (r Reader) WARC(ctx context.Context, c news.Capture) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ex, err := ReadExchange(r.Dir, c.File, c.Offset)
	if err != nil {
		return nil, err
	}
	f, err := openCapture(r.Dir, c.File)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	end := ex.Metadata.Offset + ex.Metadata.Length
	out := make([]byte, end-c.Offset)
	if _, err := f.ReadAt(out, c.Offset); err != nil {
		return nil, fmt.Errorf("capture: %s@%d: %w", c.File, c.Offset, err)
	}
	return out, nil
}
