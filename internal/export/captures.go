package export

import "time"

// Captures reads the raw WARC records of one capture: the response record
// an article's Capture points at, and the records of the same exchange
// (request, metadata) that follow it. searchd wires capture.ReadExchange,
// which checks every digest: a damaged capture is never copied.
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
