package capture

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/nlnwa/gowarc/v2"

	"riverside/internal/contentcoding"
)

func parseURL(s string) (*url.URL, error) { return url.Parse(s) }

// Record is a response read back from a WARC file.
type Record struct {
	URL    string
	Status int
	// Header is the response header as stored (Content-Encoding included).
	Header http.Header
	// Body is the entity with its content coding undone when it is gzip
	// or deflate (Decoded is then true): the page as the extractor reads
	// it. Any other coding is left as stored.
	Body    []byte
	Decoded bool
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
	decoded := false
	if ce := resp.Header.Get("Content-Encoding"); ce != "" {
		if body, decoded, err = decode(ce, body, maxRecordSize); err != nil {
			return nil, fmt.Errorf("capture: body %s@%d: %w", file, offset, err)
		}
	}
	return &Record{URL: rec.WarcHeader().Get(gowarc.WarcTargetURI), Status: resp.StatusCode, Header: resp.Header, Body: body, Decoded: decoded}, nil
}

// decode undoes a Content-Encoding (gzip, x-gzip, deflate, identity; a
// list of them applied in order), refusing to inflate past limit bytes.
// ok is false, and body returned as it is, for an outermost coding it
// does not know.
func decode(encoding string, body []byte, limit int64) (_ []byte, ok bool, _ error) {
	out, err := contentcoding.Decode(encoding, body, limit)
	var unknown *contentcoding.UnknownError
	var failed *contentcoding.Error
	switch {
	case err == nil:
		return out, true, nil
	case errors.As(err, &unknown) && len(unknown.Under) == 0:
		return body, false, nil
	case errors.As(err, &failed) && errors.Is(err, contentcoding.ErrTooLarge):
		return nil, false, fmt.Errorf("%s: inflates past %d bytes", failed.Coding, limit)
	}
	return nil, false, err
}
