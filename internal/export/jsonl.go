package export

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"riverside/internal/news"
)

// Record is one article version as a JSONL line: every field the store
// keeps. Unknown times are "" (not year 1); districts, fields and
// duplicates are never null.
type Record struct {
	Seq        int64             `json:"seq"`
	ID         string            `json:"id"`
	Version    int               `json:"version"`
	URL        string            `json:"url"`
	Title      string            `json:"title"`
	Published  string            `json:"published"`
	Author     string            `json:"author"`
	Publisher  string            `json:"publisher"`
	SourceID   string            `json:"source_id"`
	Districts  []string          `json:"districts"`
	Lang       string            `json:"lang"`
	Text       string            `json:"text"`
	Fields     map[string]string `json:"fields"`
	Fetched    string            `json:"fetched"`
	Hash       string            `json:"hash"`
	Duplicates []string          `json:"duplicates"`
	// DuplicateOf is the article this one is an edited copy of (a near
	// duplicate found at ingest), "" for none.
	DuplicateOf string `json:"duplicate_of"`
	// Capture locates the raw response in the crawler's WARC files
	// (data/warc); null when none was kept.
	Capture *news.Capture `json:"capture"`
}

// NewRecord converts a stored version.
func NewRecord(a *news.Article, duplicates []string) Record {
	r := Record{
		Seq: a.Seq, ID: a.ID, Version: a.Version, URL: a.URL, Title: a.Title,
		Published: formatTime(a.Published), Author: a.Author, Publisher: a.Publisher,
		SourceID: a.SourceID, Districts: a.Districts, Lang: a.Lang, Text: a.Text, Fields: a.Fields,
		Fetched: formatTime(a.Fetched), Hash: a.Hash, Duplicates: duplicates, DuplicateOf: a.DuplicateOf,
	}
	if r.Districts == nil {
		r.Districts = []string{}
	}
	if r.Fields == nil {
		r.Fields = map[string]string{}
	}
	if r.Duplicates == nil {
		r.Duplicates = []string{}
	}
	if a.Capture.File != "" {
		c := a.Capture
		r.Capture = &c
	}
	return r
}

// Article converts the record back.
func (r *Record) Article() (*news.Article, error) {
	a := &news.Article{
		Seq: r.Seq, ID: r.ID, Version: r.Version, URL: r.URL, Title: r.Title, Author: r.Author,
		Publisher: r.Publisher, SourceID: r.SourceID, Districts: r.Districts, Lang: r.Lang, Text: r.Text,
		Hash: r.Hash, DuplicateOf: r.DuplicateOf,
	}
	if len(r.Fields) > 0 {
		a.Fields = r.Fields
	}
	if len(a.Districts) == 0 {
		a.Districts = nil
	}
	var err error
	if a.Published, err = parseTime(r.Published); err != nil {
		return nil, fmt.Errorf("published: %w", err)
	}
	if a.Fetched, err = parseTime(r.Fetched); err != nil {
		return nil, fmt.Errorf("fetched: %w", err)
	}
	if r.Capture != nil {
		a.Capture = *r.Capture
	}
	return a, nil
}

// formatTime keeps the zone the time is in: a publication time stays in
// the zone the page gave (China Standard Time, mostly).
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, err
	}
	if _, off := t.Zone(); off == 8*3600 {
		t = t.In(news.Shanghai)
	}
	return t, nil
}

// jsonlWriter writes one record a line and the manifest as the last line.
type jsonlWriter struct {
	hw  *hashWriter
	bw  *bufio.Writer
	buf bytes.Buffer
	enc *json.Encoder
}

func newJSONLWriter(out io.Writer) *jsonlWriter {
	w := &jsonlWriter{bw: bufio.NewWriterSize(out, 64<<10)}
	w.hw = newHashWriter(w.bw)
	w.enc = json.NewEncoder(&w.buf)
	w.enc.SetEscapeHTML(false)
	return w
}

func (w *jsonlWriter) add(_ context.Context, a *news.Article, dups []string) error {
	w.buf.Reset()
	if err := w.enc.Encode(NewRecord(a, dups)); err != nil {
		return fmt.Errorf("seq %d: %w", a.Seq, err)
	}
	_, err := w.hw.Write(w.buf.Bytes())
	return err
}

func (w *jsonlWriter) finish(m *Manifest) error {
	m.Bytes, m.SHA256 = w.hw.n, w.hw.sum()
	w.buf.Reset()
	if err := w.enc.Encode(m); err != nil {
		return err
	}
	if _, err := w.bw.Write(w.buf.Bytes()); err != nil {
		return err
	}
	return w.bw.Flush()
}

// Reader reads a JSONL export back, checking it against its manifest:
// the file must end in a manifest whose count and sha256 match the lines
// before it, so that a truncated or edited file is an error, never a
// silently partial import.
type Reader struct {
	br       *bufio.Reader
	h        *hashWriter
	line     int
	n        int
	manifest *Manifest
}

// ErrNoManifest reports a JSONL file that does not end in a manifest (cut
// short, or not an export).
var ErrNoManifest = errors.New("export: no manifest at the end (the file is incomplete or not a Riverside export)")

// NewReader reads a JSONL export (uncompressed) from r.
func NewReader(r io.Reader) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 1<<20), h: newHashWriter(io.Discard)}
}

// Next returns the next version and its duplicate URLs. After the last one
// it checks the manifest and returns io.EOF.
func (r *Reader) Next() (*news.Article, []string, error) {
	for {
		line, err := r.br.ReadBytes('\n')
		if len(line) == 0 && errors.Is(err, io.EOF) {
			if r.manifest == nil {
				return nil, nil, fmt.Errorf("after line %d: %w", r.line, ErrNoManifest)
			}
			return nil, nil, io.EOF
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, nil, fmt.Errorf("line %d: %w", r.line+1, err)
		}
		r.line++
		if r.manifest != nil {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			return nil, nil, fmt.Errorf("line %d: data after the manifest", r.line)
		}
		if bytes.HasPrefix(line, []byte(`{"manifest":`)) {
			var m Manifest
			if err := json.Unmarshal(line, &m); err != nil {
				return nil, nil, fmt.Errorf("line %d: manifest: %w", r.line, err)
			}
			if m.Manifest != ManifestTag {
				return nil, nil, fmt.Errorf("line %d: manifest %q is not a %s manifest", r.line, m.Manifest, ManifestTag)
			}
			if m.Versions != r.n {
				return nil, nil, fmt.Errorf("line %d: the manifest counts %d versions, the file holds %d", r.line, m.Versions, r.n)
			}
			if sum := r.h.sum(); m.SHA256 != sum || m.Bytes != r.h.n {
				return nil, nil, fmt.Errorf("line %d: the manifest's sha256 %s (%d bytes) does not match the file's %s (%d bytes)", r.line, m.SHA256, m.Bytes, sum, r.h.n)
			}
			r.manifest = &m
			continue
		}
		r.h.Write(line)
		if len(bytes.TrimSpace(line)) == 0 {
			return nil, nil, fmt.Errorf("line %d: empty line before the manifest", r.line)
		}
		var rec Record
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rec); err != nil {
			// %v, not %w: a decoder's io.EOF must not read as the end.
			return nil, nil, fmt.Errorf("line %d: %v", r.line, err)
		}
		a, err := rec.Article()
		if err != nil {
			return nil, nil, fmt.Errorf("line %d: %w", r.line, err)
		}
		r.n++
		return a, rec.Duplicates, nil
	}
}

// Manifest is the manifest read, once Next has returned io.EOF.
func (r *Reader) Manifest() *Manifest { return r.manifest }

// Line is the number of the last line read, for messages.
func (r *Reader) Line() int { return r.line }

// sha256Hex is the hex sha256 of b.
func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
