// Package export writes the store's articles out for archivists — JSONL,
// CSV, WARC with a CDXJ index, and WACZ — and reads JSONL exports back
// for import. Every export is streamed with flat memory (the index lines a
// WARC or WACZ must sort go through temporary files) and ends in a
// manifest: counts per source and the sha256 of what was written.
//
// The package sees articles as news values: the caller hands it a
// VersionSource (the store) and, for WARC and WACZ, a Captures reader of
// the raw WARC records the crawler kept.
package export

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/fnv"
	"io"
	"slices"
	"time"

	"riverside/internal/news"
)

// Format is an export format.
type Format string

// The formats.
const (
	JSONL Format = "jsonl"
	CSV   Format = "csv"
	WARC  Format = "warc"
	WACZ  Format = "wacz"
)

// Formats lists every format, for messages.
var Formats = []Format{JSONL, CSV, WARC, WACZ}

// ParseFormat checks a format name.
func ParseFormat(s string) (Format, error) {
	f := Format(s)
	if slices.Contains(Formats, f) {
		return f, nil
	}
	return "", fmt.Errorf("format %q: want one of jsonl, csv, warc, wacz", s)
}

// Ext is the file name extension of an export in the format, as written
// (WARC is gzipped record by record, WACZ is a zip).
func (f Format) Ext() string {
	switch f {
	case WARC:
		return ".warc.gz"
	case WACZ:
		return ".wacz"
	}
	return "." + string(f)
}

// ContentType is the media type of an export in the format.
func (f Format) ContentType() string {
	switch f {
	case JSONL:
		return "application/x-ndjson; charset=utf-8"
	case CSV:
		return "text/csv; charset=utf-8; header=present"
	case WARC:
		// Gzipped record by record: the file is a gzip stream that WARC
		// tools read as is; the media type says what the bytes are.
		return "application/gzip"
	case WACZ:
		// A WACZ is a zip; no media type of its own is registered.
		return "application/zip"
	}
	return "application/octet-stream"
}

// Compressed reports whether the format is compressed already, so that
// transport compression would only cost time.
func (f Format) Compressed() bool { return f == WARC || f == WACZ }

// VersionSource yields article versions (the store).
type VersionSource interface {
	Versions(ctx context.Context, sel news.Selection, fn func(a *news.Article, duplicates []string) error) error
}

// Options tune an export.
type Options struct {
	Format Format
	// BOM starts a CSV export with a UTF-8 byte order mark, which
	// spreadsheet programs need to read UTF-8.
	BOM bool
	// Captures reads the raw WARC records (WARC and WACZ).
	Captures Captures
	// CDXJ, for WARC, receives the sorted CDXJ index of the response
	// records; WarcName is the WARC file name the index names.
	CDXJ     io.Writer
	WarcName string
	// Selection describes the selection in words (query, filters), for
	// the manifest.
	Selection map[string]string
	// Progress, when set, is called after each version written.
	Progress func(versions int)
	// TempDir holds the temporary files of WARC and WACZ index lines
	// (unlinked as soon as created); "" is the system's.
	TempDir string
	// Now stamps the export; time.Now when nil.
	Now func() time.Time
	// Software names the program in the manifest and WARC/WACZ metadata.
	Software string
}

// SourceCount is what an export holds of one source.
type SourceCount struct {
	Articles int `json:"articles"`
	Versions int `json:"versions"`
}

// Manifest describes an export. It ends every export: the last line of a
// JSONL file, the last record of a WARC file, part of datapackage.json in
// a WACZ; for CSV it goes beside the file (or into HTTP trailers).
type Manifest struct {
	Manifest  string            `json:"manifest"` // always "riverside-export"
	Format    Format            `json:"format"`
	Software  string            `json:"software,omitempty"`
	Created   string            `json:"created"`
	Selection map[string]string `json:"selection,omitempty"`
	// Articles counts distinct articles, Versions the versions written.
	Articles int `json:"articles"`
	Versions int `json:"versions"`
	// FirstSeq and LastSeq bound the sequence numbers written; LastSeq is
	// what the next incremental export passes as since.
	FirstSeq int64                  `json:"first_seq"`
	LastSeq  int64                  `json:"last_seq"`
	Sources  map[string]SourceCount `json:"sources"`
	// WithoutCapture counts versions whose raw capture was missing (WARC
	// and WACZ carry only their extracted text).
	WithoutCapture int `json:"without_capture,omitempty"`
	// Bytes and SHA256 cover every byte written before the manifest
	// (uncompressed, for a JSONL or CSV export written gzipped).
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// ManifestTag marks a manifest.
const ManifestTag = "riverside-export"

// tally counts what is written for the manifest. Distinct articles are
// counted in a set of 64-bit keys (8 bytes an article), the one thing
// that grows with the export.
type tally struct {
	m   Manifest
	ids map[uint64]struct{}
}

func newTally(f Format, opts Options) *tally {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	return &tally{
		m: Manifest{Manifest: ManifestTag, Format: f, Software: opts.Software,
			Created: now().UTC().Format(time.RFC3339), Selection: opts.Selection, Sources: map[string]SourceCount{}},
		ids: map[uint64]struct{}{},
	}
}

func idKey(id string) uint64 {
	if b, err := hex.DecodeString(id); err == nil && len(b) == 8 {
		return binary.BigEndian.Uint64(b)
	}
	h := fnv.New64a()
	h.Write([]byte(id))
	return h.Sum64()
}

func (t *tally) add(a *news.Article) {
	k := idKey(a.ID)
	c := t.m.Sources[a.SourceID]
	c.Versions++
	// An article counts for the source of its first version exported
	// (its URL, hence its source, does not change between versions).
	if _, seen := t.ids[k]; !seen {
		t.ids[k] = struct{}{}
		c.Articles++
	}
	t.m.Sources[a.SourceID] = c
	t.m.Versions++
	t.m.Articles = len(t.ids)
	if t.m.FirstSeq == 0 {
		t.m.FirstSeq = a.Seq
	}
	t.m.LastSeq = a.Seq
}

// hashWriter counts and hashes what passes through it.
type hashWriter struct {
	w io.Writer
	h hash.Hash
	n int64
}

func newHashWriter(w io.Writer) *hashWriter { return &hashWriter{w: w, h: sha256.New()} }

func (hw *hashWriter) Write(p []byte) (int, error) {
	n, err := hw.w.Write(p)
	hw.h.Write(p[:n])
	hw.n += int64(n)
	return n, err
}

func (hw *hashWriter) sum() string { return hex.EncodeToString(hw.h.Sum(nil)) }

// formatWriter writes one format.
type formatWriter interface {
	add(ctx context.Context, a *news.Article, duplicates []string) error
	// finish completes the export with its manifest.
	finish(m *Manifest) error
}

// ErrNoCaptures is returned for a WARC or WACZ export without a Captures
// reader.
var ErrNoCaptures = errors.New("export: WARC and WACZ need the captures")

// Write exports the versions sel selects from src to out, in sequence
// order, and returns the manifest it ended with. It stops with ctx's error
// when ctx is done (a client that went away).
func Write(ctx context.Context, out io.Writer, src VersionSource, sel news.Selection, opts Options) (*Manifest, error) {
	t := newTally(opts.Format, opts)
	var fw formatWriter
	switch opts.Format {
	case JSONL:
		fw = newJSONLWriter(out)
	case CSV:
		w, err := newCSVWriter(out, opts.BOM)
		if err != nil {
			return nil, err
		}
		fw = w
	case WARC, WACZ:
		if opts.Captures == nil {
			return nil, ErrNoCaptures
		}
		if opts.Format == WARC {
			w, err := newWARCWriter(out, opts, t)
			if err != nil {
				return nil, err
			}
			fw = w
		} else {
			w, err := newWACZWriter(out, opts, t)
			if err != nil {
				return nil, err
			}
			fw = w
		}
	default:
		return nil, fmt.Errorf("export: unknown format %q", opts.Format)
	}
	// A spreadsheet wants one row per article: CSV takes the newest
	// version of each (within the selection) where the source can give
	// it; the other formats carry every version.
	each := src.Versions
	if ls, ok := src.(LatestSource); ok && opts.Format == CSV {
		each = ls.Latest
	}
	err := each(ctx, sel, func(a *news.Article, dups []string) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fw.add(ctx, a, dups); err != nil {
			return err
		}
		t.add(a)
		if opts.Progress != nil {
			opts.Progress(t.m.Versions)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", opts.Format, err)
	}
	if err := fw.finish(&t.m); err != nil {
		return nil, fmt.Errorf("export %s: %w", opts.Format, err)
	}
	return &t.m, nil
}
