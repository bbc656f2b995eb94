package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"riverside/internal/news"
)

// CSVHeader names the columns of a CSV export.
var CSVHeader = []string{
	"seq", "id", "version", "url", "title", "published", "author", "publisher", "source_id",
	"districts", "lang", "fetched", "hash", "fields", "duplicates", "capture_file", "capture_offset", "text",
}

// csvWriter writes RFC 4180 CSV (CRLF line ends, quotes where needed),
// one row per version, text last so that a spreadsheet shows the short
// columns first.
type csvWriter struct {
	hw  *hashWriter
	bw  *bufio.Writer
	cw  *csv.Writer
	row []string
}

func newCSVWriter(out io.Writer, bom bool) (*csvWriter, error) {
	w := &csvWriter{bw: bufio.NewWriterSize(out, 64<<10), row: make([]string, len(CSVHeader))}
	w.hw = newHashWriter(w.bw)
	if bom {
		if _, err := w.hw.Write([]byte("\uFEFF")); err != nil {
			return nil, err
		}
	}
	w.cw = csv.NewWriter(w.hw)
	w.cw.UseCRLF = true
	if err := w.cw.Write(CSVHeader); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *csvWriter) add(_ context.Context, a *news.Article, dups []string) error {
	fields := ""
	if len(a.Fields) > 0 {
		b, err := json.Marshal(a.Fields)
		if err != nil {
			return err
		}
		fields = string(b)
	}
	offset := ""
	if a.Capture.File != "" {
		offset = strconv.FormatInt(a.Capture.Offset, 10)
	}
	cells := []string{
		strconv.FormatInt(a.Seq, 10), a.ID, strconv.Itoa(a.Version), a.URL, a.Title, formatTime(a.Published),
		a.Author, a.Publisher, a.SourceID, strings.Join(a.Districts, ";"), a.Lang, formatTime(a.Fetched),
		a.Hash, fields, strings.Join(dups, " "), a.Capture.File, offset, a.Text,
	}
	for i, c := range cells {
		w.row[i] = Neutralize(c)
	}
	return w.cw.Write(w.row)
}

func (w *csvWriter) finish(m *Manifest) error {
	w.cw.Flush()
	if err := w.cw.Error(); err != nil {
		return err
	}
	m.Bytes, m.SHA256 = w.hw.n, w.hw.sum()
	return w.bw.Flush()
}

// Neutralize defuses a cell that a spreadsheet would run as a formula
// (OWASP's CSV injection advice): a cell starting with =, +, -, @, a tab
// or a carriage return gets a leading apostrophe, which spreadsheets show
// as text and do not evaluate.
func Neutralize(cell string) string {
	if cell == "" {
		return cell
	}
	switch cell[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + cell
	}
	return cell
}
