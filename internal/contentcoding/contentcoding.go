// Package contentcoding undoes HTTP content codings (RFC 9110 §8.4):
// gzip, x-gzip, deflate and identity, a list of them applied in order. The
// crawler decodes what it hands the extractor with it, and the capture
// reader what it reads back from a WARC record; both keep the coded bytes
// themselves.
package contentcoding

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrTooLarge is the cause in an *Error for a body that inflates past the
// limit Decode was given.
var ErrTooLarge = errors.New("inflates past the limit")

// UnknownError reports a coding Decode does not know. Under lists the
// codings applied after it (already undone), empty when it was the
// outermost one and nothing was decoded.
type UnknownError struct {
	Coding string
	Under  []string
}

func (e *UnknownError) Error() string {
	return fmt.Sprintf("content coding %q under %q", e.Coding, e.Under)
}

// Error reports a coding whose bytes could not be undone.
type Error struct {
	Coding string
	Err    error
}

func (e *Error) Error() string { return e.Coding + ": " + e.Err.Error() }

func (e *Error) Unwrap() error { return e.Err }

// Decode undoes the Content-Encoding list encoding on body, the last
// coding first, refusing to inflate past limit bytes. Its errors are an
// *UnknownError or an *Error.
func Decode(encoding string, body []byte, limit int64) ([]byte, error) {
	codings := strings.Split(encoding, ",")
	for i := len(codings) - 1; i >= 0; i-- {
		var zr io.Reader
		var err error
		c := strings.ToLower(strings.TrimSpace(codings[i]))
		switch c {
		case "", "identity":
			continue
		case "gzip", "x-gzip":
			zr, err = gzip.NewReader(bytes.NewReader(body))
		case "deflate":
			// RFC 9110 §8.4.1.2 says zlib; some servers send raw deflate.
			if zr, err = zlib.NewReader(bytes.NewReader(body)); err != nil {
				zr, err = flate.NewReader(bytes.NewReader(body)), nil
			}
		default:
			return nil, &UnknownError{Coding: c, Under: codings[i+1:]}
		}
		if err != nil {
			return nil, &Error{Coding: c, Err: err}
		}
		out, err := io.ReadAll(io.LimitReader(zr, limit+1))
		if err != nil {
			return nil, &Error{Coding: c, Err: err}
		}
		if int64(len(out)) > limit {
			return nil, &Error{Coding: c, Err: ErrTooLarge}
		}
		body = out
	}
	return body, nil
}
