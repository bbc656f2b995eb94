package export

import (
	"archive/zip"
	"context"
	"encoding/json"
	"io"
	"time"

	"riverside/internal/news"
)

// The WACZ export follows WACZ 1.1.1 (Webrecorder): a zip holding
// archive/data.warc.gz (the WARC export), indexes/index.cdxj,
// pages/pages.jsonl, datapackage.json (every file with its sha256 and
// size) and datapackage-digest.json (the sha256 of datapackage.json).
// Every entry is stored, not deflated, so that replay tools can read
// records at their CDXJ offsets with range requests. The zip is streamed:
// the WARC goes out as it is made (its size and CRC in a data descriptor
// and in the central directory); the index and page lines wait in spools
// (memory, then temporary files) for the end.

// WACZVersion is the version of the WACZ spec written.
const WACZVersion = "1.1.1"

// waczWriter wraps the WARC writer in the zip.
type waczWriter struct {
	zw        *zip.Writer
	entry     *hashWriter
	warc      *warcWriter
	opts      Options
	t         *tally
	resources []waczResource
	now       time.Time
}

// waczResource is one entry of datapackage.json's resources.
type waczResource struct {
	Name  string `json:"name"`
	Path  string `json:"path"`
	Hash  string `json:"hash"`
	Bytes int64  `json:"bytes"`
}

// DataPackage is datapackage.json.
type DataPackage struct {
	Profile     string         `json:"profile"`
	WACZVersion string         `json:"wacz_version"`
	Title       string         `json:"title"`
	Description string         `json:"description,omitempty"`
	Created     string         `json:"created"`
	Software    string         `json:"software"`
	Resources   []waczResource `json:"resources"`
	// Riverside is the export's manifest: counts per source (the bytes
	// and sha256 in it are those of the WARC).
	Riverside *Manifest `json:"riverside,omitempty"`
}

// DataPackageDigest is datapackage-digest.json.
type DataPackageDigest struct {
	Path string `json:"path"`
	Hash string `json:"hash"`
}

const waczWARC = "data.warc.gz"

func newWACZWriter(out io.Writer, opts Options, t *tally) (*waczWriter, error) {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	w := &waczWriter{zw: zip.NewWriter(out), opts: opts, t: t, now: now().UTC()}
	ew, err := w.create("archive/" + waczWARC)
	if err != nil {
		return nil, err
	}
	w.entry = newHashWriter(ew)
	wopts := opts
	wopts.WarcName, wopts.CDXJ = waczWARC, nil
	if w.warc, err = newWARCWriter(w.entry, wopts, t); err != nil {
		return nil, err
	}
	w.warc.keepPage = true
	return w, nil
}

func (w *waczWriter) create(name string) (io.Writer, error) {
	return w.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: w.now})
}

func (w *waczWriter) add(ctx context.Context, a *news.Article, dups []string) error {
	return w.warc.add(ctx, a, dups)
}

// file writes a whole entry and records it as a resource.
func (w *waczWriter) file(path string, data []byte, resource bool) error {
	fw, err := w.create(path)
	if err != nil {
		return err
	}
	if _, err := fw.Write(data); err != nil {
		return err
	}
	if resource {
		w.resources = append(w.resources, waczResource{Name: baseName(path), Path: path, Hash: "sha256:" + sha256Hex(data), Bytes: int64(len(data))})
	}
	return nil
}

// stream writes an entry from a spool, after a header, and records it as
// a resource.
func (w *waczWriter) stream(path, header string, sp *spool) error {
	fw, err := w.create(path)
	if err != nil {
		return err
	}
	hw := newHashWriter(fw)
	if _, err := io.WriteString(hw, header); err != nil {
		return err
	}
	if err := sp.writeTo(hw); err != nil {
		return err
	}
	w.resources = append(w.resources, waczResource{Name: baseName(path), Path: path, Hash: "sha256:" + hw.sum(), Bytes: hw.n})
	return nil
}

func baseName(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[i+1:]
		}
	}
	return p
}

func (w *waczWriter) finish(m *Manifest) error {
	if err := w.warc.finish(m); err != nil {
		return err
	}
	w.resources = append(w.resources, waczResource{Name: waczWARC, Path: "archive/" + waczWARC,
		Hash: "sha256:" + w.entry.sum(), Bytes: w.entry.n})

	if err := w.stream("indexes/index.cdxj", "", w.warc.cdxj); err != nil {
		return err
	}
	if err := w.stream("pages/pages.jsonl", `{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}`+"\n", w.warc.pages); err != nil {
		return err
	}

	software := w.opts.Software
	if software == "" {
		software = "Riverside"
	}
	dp := DataPackage{
		Profile: "data-package", WACZVersion: WACZVersion, Title: "Riverside export",
		Description: "Articles about Binjiang and Xiaoshan with the captures they were extracted from",
		Created:     w.now.Format(time.RFC3339), Software: software, Resources: w.resources, Riverside: m,
	}
	dpb, err := json.MarshalIndent(dp, "", "  ")
	if err != nil {
		return err
	}
	if err := w.file("datapackage.json", dpb, false); err != nil {
		return err
	}
	dg, err := json.MarshalIndent(DataPackageDigest{Path: "datapackage.json", Hash: "sha256:" + sha256Hex(dpb)}, "", "  ")
	if err != nil {
		return err
	}
	if err := w.file("datapackage-digest.json", dg, false); err != nil {
		return err
	}
	return w.zw.Close()
}
