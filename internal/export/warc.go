package export

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"riverside/internal/news"
)

// The WARC export: a warcinfo record, then for each article version the
// records of its capture copied byte for byte (response, request and the
// crawler's metadata record, each recompressed as its own gzip member),
// followed by a metadata record carrying the extracted article as JSON
// (WARC-Refers-To the response), and last a resource record holding the
// manifest. WARC/1.1 (ISO 28500:2017).
//
// The CDXJ index of the response records must be sorted by SURT key, which
// the log's order is not: its lines (about 250 bytes an article) wait in a
// spool, in memory up to a few megabytes and in sorted temporary files
// beyond, merged at the end. Bodies are never buffered beyond one record.

// ManifestURI is the WARC-Target-URI of the manifest record.
const ManifestURI = "urn:riverside:export-manifest"

// warcWriter writes the WARC stream.
type warcWriter struct {
	out      *hashWriter // counts the offset of each record
	bw       *bufio.Writer
	gz       *gzip.Writer
	rec      bytes.Buffer
	caps     Captures
	t        *tally
	opts     Options
	name     string // file name CDXJ lines name
	cdxj     *spool // sorted
	pages    *spool // for WACZ: pages.jsonl lines
	keepPage bool
}

// page is one line of a WACZ's pages.jsonl.
type page struct {
	ID    string `json:"id"`
	URL   string `json:"url"`
	Title string `json:"title,omitempty"`
	TS    string `json:"ts"`
}

func newWARCWriter(out io.Writer, opts Options, t *tally) (*warcWriter, error) {
	name := opts.WarcName
	if name == "" {
		name = "riverside.warc.gz"
	}
	w := &warcWriter{bw: bufio.NewWriterSize(out, 64<<10), caps: opts.Captures, t: t, opts: opts, name: name,
		cdxj: newSpool(true, opts.TempDir), pages: newSpool(false, opts.TempDir)}
	w.out = newHashWriter(w.bw)
	w.gz, _ = gzip.NewWriterLevel(io.Discard, gzip.DefaultCompression)
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	software := opts.Software
	if software == "" {
		software = "Riverside"
	}
	info := "software: " + software + "\r\nformat: WARC File Format 1.1\r\n" +
		"conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n" +
		"description: Riverside export: captures with their extracted articles\r\n"
	if _, _, err := w.writeNew("warcinfo", "", now().UTC(), "application/warc-fields", nil, []byte(info), name); err != nil {
		return nil, err
	}
	return w, nil
}

// add writes one version: its capture, then the extracted article.
func (w *warcWriter) add(_ context.Context, a *news.Article, dups []string) error {
	var refersTo string
	var ex *Exchange
	if a.Capture.File != "" {
		var err error
		ex, err = w.caps.Exchange(a.Capture.File, a.Capture.Offset)
		if err != nil {
			// A capture that can't be read is no reason to lose the
			// article: the manifest counts it, its text still goes out.
			ex = nil
		}
	}
	date := a.Fetched.UTC()
	if ex != nil {
		resp := ex.Records[0]
		off := w.out.n
		if err := w.copyRecord(resp.Bytes); err != nil {
			return err
		}
		if err := w.index(resp, ex, off, w.out.n-off); err != nil {
			return err
		}
		for _, r := range ex.Records[1:] {
			if err := w.copyRecord(r.Bytes); err != nil {
				return err
			}
		}
		refersTo = resp.ID
		date = resp.Date.UTC()
		if w.keepPage {
			// A page id must be unique: versions of one article are
			// pages of their own.
			pl, err := jsonLine(page{ID: a.ID + "-" + strconv.Itoa(a.Version), URL: resp.TargetURI, Title: a.Title, TS: resp.Date.UTC().Format(time.RFC3339)})
			if err == nil {
				err = w.pages.add(pl)
			}
			if err != nil {
				return err
			}
		}
	} else {
		w.t.m.WithoutCapture++
	}
	body, err := json.Marshal(NewRecord(a, dups))
	if err != nil {
		return err
	}
	// The record's target is a URN of the version, not the page's URL:
	// replay tools that index a WARC themselves take any non-warc-fields
	// record at a URL for a capture of it, and would replay this JSON in
	// place of the page. WARC-Refers-To ties it to the response (WARC 1.1
	// allows WARC-Refers-To-Target-URI on revisit records only); the JSON
	// names the URL.
	var extra [][2]string
	if refersTo != "" {
		extra = append(extra, [2]string{"WARC-Refers-To", refersTo})
	}
	_, _, err = w.writeNew("metadata", ArticleURN(a), date, "application/json", extra, body, "")
	return err
}

// ArticleURN names an article version in a WARC export.
func ArticleURN(a *news.Article) string {
	return "urn:riverside:article:" + a.ID + ":" + strconv.Itoa(a.Version)
}

// index keeps the CDXJ line of a response record, in the form warcio and
// pywb write: SURT key, 14-digit timestamp, JSON with url, mime, status,
// digest (base32 SHA-1 without its label), length, offset and filename.
func (w *warcWriter) index(resp RawRecord, ex *Exchange, offset, length int64) error {
	type cdxj struct {
		URL      string `json:"url"`
		MIME     string `json:"mime,omitempty"`
		Status   string `json:"status,omitempty"`
		Digest   string `json:"digest,omitempty"`
		Length   string `json:"length"`
		Offset   string `json:"offset"`
		Filename string `json:"filename"`
	}
	c := cdxj{URL: resp.TargetURI, Length: strconv.FormatInt(length, 10), Offset: strconv.FormatInt(offset, 10), Filename: w.name}
	if mime, _, _ := strings.Cut(ex.MIME, ";"); mime != "" {
		c.MIME = strings.TrimSpace(mime)
	}
	if ex.Status > 0 {
		c.Status = strconv.Itoa(ex.Status)
	}
	if _, d, ok := strings.Cut(resp.PayloadDigest, ":"); ok {
		c.Digest = d
	}
	j, err := jsonLine(c)
	if err != nil {
		return err
	}
	return w.cdxj.add(SURT(resp.TargetURI) + " " + resp.Date.UTC().Format("20060102150405") + " " + j)
}

// jsonLine encodes v as JSON tools write it: without escaping <, > and &
// (URLs are full of &), without the newline.
func jsonLine(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// finish writes the manifest record, then the CDXJ index when asked.
func (w *warcWriter) finish(m *Manifest) error {
	if err := w.writeManifest(m); err != nil {
		return err
	}
	if err := w.bw.Flush(); err != nil {
		return err
	}
	if w.opts.CDXJ != nil {
		return w.cdxj.writeTo(w.opts.CDXJ)
	}
	return nil
}

func (w *warcWriter) writeManifest(m *Manifest) error {
	m.Bytes, m.SHA256 = w.out.n, w.out.sum()
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	now := time.Now
	if w.opts.Now != nil {
		now = w.opts.Now
	}
	_, _, err = w.writeNew("resource", ManifestURI, now().UTC(), "application/json", nil, append(body, '\n'), "")
	return err
}

// copyRecord writes a stored record as its own gzip member.
func (w *warcWriter) copyRecord(rec []byte) error {
	w.gz.Reset(w.out)
	if _, err := w.gz.Write(rec); err != nil {
		return err
	}
	return w.gz.Close()
}

// writeNew builds a record of our own and writes it; it returns the
// record's ID and its length in the file.
func (w *warcWriter) writeNew(typ, target string, date time.Time, contentType string, extra [][2]string, block []byte, filename string) (string, int64, error) {
	id := "<urn:uuid:" + newUUID() + ">"
	sum := sha1.Sum(block)
	w.rec.Reset()
	w.rec.WriteString("WARC/1.1\r\n")
	hdr := func(k, v string) { w.rec.WriteString(k + ": " + v + "\r\n") }
	hdr("WARC-Type", typ)
	hdr("WARC-Record-ID", id)
	hdr("WARC-Date", date.Format(time.RFC3339))
	if filename != "" {
		hdr("WARC-Filename", filename)
	}
	if target != "" {
		hdr("WARC-Target-URI", target)
	}
	for _, kv := range extra {
		hdr(kv[0], kv[1])
	}
	hdr("Content-Type", contentType)
	hdr("WARC-Block-Digest", "sha1:"+base32.StdEncoding.EncodeToString(sum[:]))
	hdr("Content-Length", strconv.Itoa(len(block)))
	w.rec.WriteString("\r\n")
	w.rec.Write(block)
	w.rec.WriteString("\r\n\r\n")
	off := w.out.n
	if err := w.copyRecord(w.rec.Bytes()); err != nil {
		return "", 0, err
	}
	return id, w.out.n - off, nil
}

// newUUID makes a random (version 4) UUID for a WARC-Record-ID.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// SURT is the sort-friendly URI form CDXJ indexes use, as warcio and pywb
// compute it: scheme and a leading "www" dropped, lower case, host labels
// reversed and joined by commas, ")" then the path, query arguments sorted.
func SURT(raw string) string {
	if !strings.HasPrefix(raw, "http:") && !strings.HasPrefix(raw, "https:") {
		return raw
	}
	s := strings.ToLower(raw)
	if i := strings.Index(s, "://"); i >= 0 {
		rest := s[i+3:]
		if strings.HasPrefix(rest, "www") {
			j := 3
			for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
				j++
			}
			if j < len(rest) && rest[j] == '.' {
				s = s[:i+3] + rest[j+1:]
			}
		}
	}
	u, err := url.Parse(s)
	if err != nil {
		return raw
	}
	host := u.Hostname()
	labels := strings.Split(host, ".")
	slices.Reverse(labels)
	out := strings.Join(labels, ",")
	port := u.Port()
	if port != "" && !(u.Scheme == "http" && port == "80") && !(u.Scheme == "https" && port == "443") {
		out += ":" + port
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	out += ")" + path
	if u.RawQuery != "" {
		args := strings.Split(u.RawQuery, "&")
		slices.Sort(args)
		out += "?" + strings.Join(args, "&")
	}
	return out
}
