package main

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"riverside/internal/export"
	"riverside/internal/index"
	"riverside/internal/news"
	"riverside/internal/store"
)

// runExport is `searchd export`: it reads the store (SQLite lets it run
// beside the daemon and the crawler) and never opens the index, which
// the daemon holds: a -q query is matched over the store's articles with
// the index's planner on an in-memory index, batch by batch.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("searchd export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data", "data", "data `directory` holding "+store.FileName+" and warc/")
	storeAt := storeFlag(fs)
	format := fs.String("format", "jsonl", "export `format`: jsonl, csv, warc or wacz")
	q := fs.String("q", "", "export only the articles this `query` finds (the search query language)")
	source := fs.String("source", "", "only this source `id`")
	district := fs.String("district", "", "only this `district`")
	lang := fs.String("lang", "", "only this `language` (zh, en)")
	from := fs.String("from", "", "published on or after this `date` (YYYY-MM-DD or RFC 3339)")
	to := fs.String("to", "", "published on or before this `date` (YYYY-MM-DD, the whole day, or RFC 3339)")
	since := fs.Int64("since", 0, "only versions after this store sequence `number` (the last_seq of a previous export's manifest)")
	out := fs.String("o", "", "output `file` (default stdout); FILE.gz gzips a jsonl or csv export")
	manifestFile := fs.String("manifest", "", "also write the manifest to this `file` (default for csv with -o: FILE.manifest.json)")
	cdxjFile := fs.String("cdxj", "", "warc: write the CDXJ index to this `file` (default with -o: the WARC's name with .cdxj)")
	bom := fs.Bool("bom", false, "csv: start with a UTF-8 byte order mark, for spreadsheet programs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("export: unexpected arguments %q", fs.Args())
	}
	f, err := export.ParseFormat(*format)
	if err != nil {
		return fmt.Errorf("export: -%w", err)
	}
	if *since < 0 {
		return fmt.Errorf("export: -since %d: want a sequence number ≥ 0", *since)
	}
	sel := news.Selection{AfterSeq: *since, Source: *source, District: *district, Lang: *lang}
	if sel.From, err = parseDate(*from, false); err != nil {
		return fmt.Errorf("export: -from: %w", err)
	}
	if sel.To, err = parseDate(*to, true); err != nil {
		return fmt.Errorf("export: -to: %w", err)
	}
	// Check the query before anything is created.
	var matcher *index.Matcher
	if *q != "" {
		if matcher, err = index.NewMatcher(news.Query{Q: *q}); err != nil {
			return fmt.Errorf("export: -q: %w", err)
		}
	}

	dbPath := store.Location(*dataDir, *storeAt)
	if _, err := os.Stat(dbPath); !store.IsURL(dbPath) && err != nil {
		return fmt.Errorf("export: no store at %s: %w", dbPath, err)
	}
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer st.Close()

	if matcher != nil {
		mp := newProgress(stderr, "articles searched:")
		ids, err := export.MatchIDs(ctx, st, sel, matcher, mp.update)
		mp.done()
		if err != nil {
			return fmt.Errorf("export: -q %q: %w", *q, err)
		}
		sel.IDs = ids
	}
	progress := newProgress(stderr, "versions exported:")

	opts := export.Options{
		Format:    f,
		BOM:       *bom,
		Captures:  exchanges{dir: filepath.Join(*dataDir, "warc")},
		Selection: selectionWords(*q, sel),
		Progress:  progress.update,
		Software:  "Riverside searchd export",
	}

	// The output is written under a temporary name and renamed when
	// complete, so that a file with the final name is never partial.
	var w io.Writer = stdout
	var file *os.File
	name := "stdout"
	if *out != "" {
		name = *out
		sweepParts(stderr, *out, time.Now())
		if file, err = os.CreateTemp(filepath.Dir(*out), "."+filepath.Base(*out)+".*.part"); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		defer func() {
			if file != nil {
				file.Close()
				os.Remove(file.Name())
			}
		}()
		w = file
	}
	var gz *gzip.Writer
	if strings.HasSuffix(*out, ".gz") && !f.Compressed() {
		gz = gzip.NewWriter(w)
		w = gz
	}
	var cdxj *os.File
	if f == export.WARC {
		path := *cdxjFile
		if path == "" && *out != "" {
			path = strings.TrimSuffix(strings.TrimSuffix(*out, ".gz"), ".warc") + ".cdxj"
		}
		if path != "" {
			if cdxj, err = os.Create(path); err != nil {
				return fmt.Errorf("export: %w", err)
			}
			defer func() {
				if cdxj != nil { // not completed: no index of a WARC that is not there
					cdxj.Close()
					os.Remove(path)
				}
			}()
			opts.CDXJ = cdxj
		}
		if *out != "" {
			opts.WarcName = filepath.Base(*out)
		}
	}

	m, err := export.Write(ctx, w, st, sel, opts)
	progress.done()
	if err != nil {
		return err
	}
	if gz != nil {
		if err := gz.Close(); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	if file != nil {
		if err := file.Sync(); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if err := file.Close(); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if err := os.Rename(file.Name(), *out); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		file = nil
	}
	if cdxj != nil {
		err := cdxj.Close()
		cdxj = nil
		if err != nil {
			return fmt.Errorf("export: cdxj: %w", err)
		}
	}
	mf := *manifestFile
	if mf == "" && f == export.CSV && *out != "" {
		mf = strings.TrimSuffix(*out, ".gz") + ".manifest.json"
	}
	if mf != "" {
		b, _ := json.MarshalIndent(m, "", "  ")
		if err := os.WriteFile(mf, append(b, '\n'), 0o644); err != nil {
			return fmt.Errorf("export: manifest: %w", err)
		}
	}
	fmt.Fprintf(stderr, "exported %d versions of %d articles from %d sources to %s (seq %d–%d, sha256 %s)\n",
		m.Versions, m.Articles, len(m.Sources), name, m.FirstSeq, m.LastSeq, m.SHA256)
	if m.WithoutCapture > 0 {
		fmt.Fprintf(stderr, "%d versions had no readable capture: only their extracted text is in the archive\n", m.WithoutCapture)
	}
	return nil
}

// selectionWords describes the selection for the manifest.
func selectionWords(q string, sel news.Selection) map[string]string {
	out := map[string]string{}
	add := func(k, v string) {
		if v != "" {
			out[k] = v
		}
	}
	add("q", q)
	add("source", sel.Source)
	add("district", sel.District)
	add("lang", sel.Lang)
	if !sel.From.IsZero() {
		out["from"] = sel.From.Format(time.RFC3339)
	}
	if !sel.To.IsZero() {
		out["to"] = sel.To.Format(time.RFC3339)
	}
	if sel.AfterSeq > 0 {
		out["since"] = fmt.Sprint(sel.AfterSeq)
	}
	return out
}

// parseDate reads a date (YYYY-MM-DD, a day in China Standard Time) or an
// RFC 3339 time, as the search API does; a date as the end of a range
// takes the whole day.
func parseDate(s string, end bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, s, news.Shanghai)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date (want YYYY-MM-DD or RFC 3339)", s)
	}
	if end {
		d = d.AddDate(0, 0, 1).Add(-time.Nanosecond)
	}
	return d, nil
}

// progress shows a running count on a terminal (and nothing elsewhere:
// logs and pipes get the final line only).
type progress struct {
	w     io.Writer
	verb  string
	tty   bool
	last  time.Time
	n     int
	shown bool
}

func newProgress(w io.Writer, verb string) *progress {
	p := &progress{w: w, verb: verb}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

func (p *progress) update(n int) {
	p.n = n
	if !p.tty || time.Since(p.last) < 200*time.Millisecond {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "\r%s %d…", p.verb, n)
	p.shown = true
}

func (p *progress) done() {
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// sweepParts removes the temporary files that earlier exports to out left
// behind when they were killed (a SIGKILL runs no deferred cleanup). A
// part file still being written by a running export is recent: only those
// untouched for partAge are removed.
func sweepParts(stderr io.Writer, out string, now time.Time) {
	parts, _ := filepath.Glob(filepath.Join(filepath.Dir(out), "."+globEscape(filepath.Base(out))+".*.part"))
	for _, p := range parts {
		fi, err := os.Stat(p)
		if err != nil || now.Sub(fi.ModTime()) < partAge {
			continue
		}
		if err := os.Remove(p); err == nil {
			fmt.Fprintf(stderr, "export: removed %s, left by an interrupted export\n", p)
		}
	}
}

// partAge is how long a part file must have been left untouched before an
// export to the same name removes it.
const partAge = 10 * time.Minute

// globEscape quotes the glob metacharacters of a file name.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '*', '?', '[', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
