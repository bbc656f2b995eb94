package export

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"

	"riverside/internal/capture"
)

// testCaptures reads captures as searchd does (cmd/searchd/captures.go).
type testCaptures struct{ dir string }

func (c testCaptures) Exchange(file string, offset int64) (*Exchange, error) {
	ex, err := capture.ReadExchange(c.dir, file, offset)
	if err != nil {
		return nil, err
	}
	conv := func(r capture.RawRecord) RawRecord {
		return RawRecord{ID: r.ID, Type: r.Type, TargetURI: r.TargetURI, Date: r.Date, PayloadDigest: r.PayloadDigest, Bytes: r.Bytes}
	}
	return &Exchange{Records: []RawRecord{conv(ex.Response), conv(ex.Request), conv(ex.Metadata)}, Status: ex.Status, MIME: ex.MIME}, nil
}

// members splits a .warc.gz into its uncompressed records. The reader is
// an io.ByteReader, so each gzip member is read to its end exactly.
func members(t *testing.T, b []byte) [][]byte {
	t.Helper()
	br := bufio.NewReader(bytes.NewReader(b))
	var out [][]byte
	for {
		if _, err := br.Peek(1); err != nil {
			return out
		}
		z, err := gzip.NewReader(br)
		if err != nil {
			t.Fatal(err)
		}
		z.Multistream(false)
		rec, err := io.ReadAll(z)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
}

// headerValue finds a WARC header field of a record.
func headerValue(rec []byte, name string) string {
	head, _, _ := bytes.Cut(rec, []byte("\r\n\r\n"))
	for _, line := range strings.Split(string(head), "\r\n")[1:] {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimSpace(k), name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
