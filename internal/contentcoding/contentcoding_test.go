package contentcoding

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"testing"
)

func gz(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

func zl(b []byte) []byte {
	var out bytes.Buffer
	w := zlib.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

func raw(b []byte) []byte {
	var out bytes.Buffer
	w, _ := flate.NewWriter(&out, flate.DefaultCompression)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

func TestDecode(t *testing.T) {
	page := []byte("<p>滨江区 news</p>")
	for _, tt := range []struct {
		name, encoding string
		body           []byte
	}{
		{"none", "", page},
		{"identity", "identity", page},
		{"gzip", "gzip", gz(page)},
		{"x-gzip, spaced and cased", " X-Gzip ", gz(page)},
		{"deflate as zlib", "deflate", zl(page)},
		{"deflate raw", "deflate", raw(page)},
		{"gzip then deflate", "gzip, deflate", zl(gz(page))},
	} {
		got, err := Decode(tt.encoding, tt.body, 1<<20)
		if err != nil || !bytes.Equal(got, page) {
			t.Errorf("%s: got %q, %v; want the page", tt.name, got, err)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	page := bytes.Repeat([]byte("a"), 1000)
	var unknown *UnknownError
	if _, err := Decode("br", page, 1<<20); !errors.As(err, &unknown) || unknown.Coding != "br" || len(unknown.Under) != 0 {
		t.Errorf("outermost unknown coding: got %v", err)
	}
	if _, err := Decode("br, gzip", gz(page), 1<<20); !errors.As(err, &unknown) || unknown.Coding != "br" || len(unknown.Under) != 1 {
		t.Errorf("unknown coding under gzip: got %v", err)
	}
	var failed *Error
	if _, err := Decode("gzip", gz(page), 999); !errors.As(err, &failed) || !errors.Is(err, ErrTooLarge) || failed.Coding != "gzip" {
		t.Errorf("past the limit: got %v", err)
	}
	if _, err := Decode("gzip", gz(page), 1000); err != nil {
		t.Errorf("at the limit: %v", err)
	}
	if _, err := Decode("gzip", page, 1<<20); !errors.As(err, &failed) || errors.Is(err, ErrTooLarge) {
		t.Errorf("not gzip: got %v", err)
	}
}
