package capture

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/nlnwa/gowarc/v2"
)

func parseURL(s string) (*url.URL, error) { return url.Parse(s) }

// Record is a response read back from a WARC file.
type Record struct {
	URL    string
	Status int
	// Header is the response header as stored (Content-Encoding included).
	Header http.Header
	// Body is the entity with its content coding (gzip, deflate) undone:
	// the page as the extractor reads it.
	Body []byte
}

// ReadResponse reads the response record at offset in file (a name as
// Write returned it, inside the Writer's directory).
func ReadResponse(dir, file string, offset int64) (*Record, error) {
	f, err := openCapture(dir, file)
	if err != nil {
		return nil, err
	}
	r, err := gowarc.NewWarcFileReaderFromStream(f, offset, gowarc.WithStrictValidation())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("capture: open %s: %w", file, err)
	}
	defer f.Close()
	defer r.Close()
	rec, _, _, err := r.Next()
	if err != nil {
		return nil, fmt.Errorf("capture: read %s@%d: %w", file, offset, err)
	}
	defer rec.Close()
	if rec.Type() != gowarc.Response {
		return nil, fmt.Errorf("capture: %s@%d is a %s record, not a response", file, offset, rec.Type())
	}
	rr, err := rec.Block().RawBytes()
	if err != nil {
		return nil, fmt.Errorf("capture: read %s@%d: %w", file, offset, err)
	}
	raw, err := io.ReadAll(rr)
	if err != nil {
		return nil, fmt.Errorf("capture: read %s@%d: %w", file, offset, err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), nil)
	if err != nil {
		return nil, fmt.Errorf("capture: parse %s@%d: %w", file, offset, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("capture: body %s@%d: %w", file, offset, err)
	}
	if body, err = decode(resp.Header.Get("Content-Encoding"), body, maxRecordSize); err != nil {
		return nil, fmt.Errorf("capture: body %s@%d: %w", file, offset, err)
	}
	return &Record{URL: rec.WarcHeader().Get(gowarc.WarcTargetURI), Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// decode undoes a Content-Encoding (gzip, x-gzip, deflate, identity; a
// list of them applied in order), refusing to inflate past limit bytes.
func decode(encoding string, body []byte, limit int64) ([]byte, error) {
	codings := strings.Split(encoding, ",")
	for i := len(codings) - 1; i >= 0; i-- {
		var zr io.Reader
		var err error
		switch c := strings.ToLower(strings.TrimSpace(codings[i])); c {
		case "", "identity":
			continue
		case "gzip", "x-gzip":
			zr, err = gzip.NewReader(bytes.NewReader(body))
		case "deflate":
			// RFC 9110 says zlib; some servers send raw deflate.
			if zr, err = zlib.NewReader(bytes.NewReader(body)); err != nil {
				zr, err = flate.NewReader(bytes.NewReader(body)), nil
			}
		default:
			return nil, fmt.Errorf("content coding %q not supported", c)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", codings[i], err)
		}
		out, err := io.ReadAll(io.LimitReader(zr, limit+1))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", strings.TrimSpace(codings[i]), err)
		}
		if int64(len(out)) > limit {
			return nil, fmt.Errorf("%s: inflates past %d bytes", strings.TrimSpace(codings[i]), limit)
		}
		body = out
	}
	return body, nil
}
