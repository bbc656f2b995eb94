package capture

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/nlnwa/gowarc/v2"
)

func parseURL(s string) (*url.URL, error) { return url.Parse(s) }

// Record is a response read back from a WARC file.
type Record struct {
	URL    string
	Status int
	Header http.Header
	Body   []byte
}

// ReadResponse reads the response record at offset in file (a name as
// Write returned it, inside the Writer's directory).
func ReadResponse(dir, file string, offset int64) (*Record, error) {
	if file == "" || strings.ContainsAny(file, `/\`) {
		return nil, fmt.Errorf("capture: bad file name %q", file)
	}
	r, err := gowarc.NewWarcFileReader(filepath.Join(dir, file), offset, gowarc.WithStrictValidation())
	if err != nil {
		return nil, fmt.Errorf("capture: open %s: %w", file, err)
	}
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
	return &Record{URL: rec.WarcHeader().Get(gowarc.WarcTargetURI), Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}
