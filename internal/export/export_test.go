package export

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nlnwa/gowarc/v2"

	"riverside/internal/capture"
	"riverside/internal/news"
	"riverside/internal/store"
)

// corpus is a real store with real captures: n articles over two
// sources, the second version of one of them, an alias, one article
// without a capture, and titles that a spreadsheet would run.
type corpus struct {
	st   *store.Store
	warc string
	n    int // versions
	ids  int // articles
}

func newCorpus(t *testing.T, n int) *corpus {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	warcDir := filepath.Join(dir, "warc")
	cw, err := capture.Open(warcDir, capture.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := &corpus{st: st, warc: warcDir}
	put := func(i int, text string, withCapture bool) {
		u := fmt.Sprintf("https://www.hhtz.gov.cn/art/2025/3/%d/art_1_%d.html?b=2&a=1", i%28+1, i)
		title := fmt.Sprintf("滨江 article %d", i)
		switch i % 5 {
		case 1:
			title = "=HYPERLINK(\"http://evil\")"
		case 2:
			title = "-2+3"
		}
		a := &news.Article{
			ID: news.ArticleID(u), URL: u, SourceID: []string{"hhtz", "xiaoshan"}[i%2], Title: title,
			Text: text, Hash: news.TextHash(text), Lang: "zh", Districts: []string{news.Binjiang},
			Published: time.Date(2025, 3, i%28+1, 9, 30, 0, 0, news.Shanghai),
			Fetched:   time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).Add(time.Duration(i) * time.Second),
			Fields:    map[string]string{"索引号": fmt.Sprintf("0001-%d", i)},
		}
		if withCapture {
			body := "<html><head><title>" + title + "</title></head><body><p>" + text + "</p></body></html>"
			cp, err := cw.Write(capture.Exchange{
				URL: u, RequestHeader: http.Header{"User-Agent": {"test"}}, Status: 200,
				ResponseHeader: http.Header{"Content-Type": {"text/html; charset=utf-8"}},
				Body:           []byte(body), Fetched: a.Fetched,
			})
			if err != nil {
				t.Fatal(err)
			}
			a.Capture = cp
		}
		out, err := st.Put(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		if out == store.New {
			c.ids++
		}
		c.n++
	}
	for i := range n {
		put(i, fmt.Sprintf("正文 %d 杭州高新区（滨江）", i), i != 3)
	}
	// A second version of article 0, and a repost of article 4's text.
	put(0, "正文 0 更新", true)
	alias := &news.Article{ID: news.ArticleID("https://other/4"), URL: "https://other/4", SourceID: "other",
		Text: "正文 4 杭州高新区（滨江）", Hash: news.TextHash("正文 4 杭州高新区（滨江）"), Fetched: time.Now()}
	if out, err := st.Put(ctx, alias); err != nil || out != store.Duplicate {
		t.Fatalf("alias: %v %v", out, err)
	}
	if err := cw.Close(); err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *corpus) export(t *testing.T, f Format, sel news.Selection, opts Options) ([]byte, *Manifest) {
	t.Helper()
	var buf bytes.Buffer
	opts.Format = f
	if opts.Captures == nil {
		opts.Captures = testCaptures{dir: c.warc}
	}
	m, err := Write(context.Background(), &buf, c.st, sel, opts)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), m
}

func TestJSONLRoundTrip(t *testing.T) {
	c := newCorpus(t, 12)
	b, m := c.export(t, JSONL, news.Selection{}, Options{})
	if m.Versions != c.n || m.Articles != c.ids || m.Sources["hhtz"].Versions+m.Sources["xiaoshan"].Versions != c.n {
		t.Fatalf("manifest %+v, want %d versions of %d articles", m, c.n, c.ids)
	}
	lines := bytes.SplitAfter(b, []byte("\n"))
	lines = lines[:len(lines)-1]
	if len(lines) != c.n+1 {
		t.Fatalf("%d lines, want %d and the manifest", len(lines), c.n)
	}
	body := bytes.Join(lines[:c.n], nil)
	if sum := sha256.Sum256(body); hex.EncodeToString(sum[:]) != m.SHA256 || int64(len(body)) != m.Bytes {
		t.Errorf("manifest sha256 %s over %d bytes, the lines give %x over %d", m.SHA256, m.Bytes, sum, len(body))
	}

	// Every field comes back, in seq order, with its duplicates.
	r := NewReader(bytes.NewReader(b))
	var got []*news.Article
	dupsOf := map[string][]string{}
	for {
		a, dups, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, a)
		dupsOf[a.ID] = dups
	}
	var want []*news.Article
	c.st.Versions(context.Background(), news.Selection{}, func(a *news.Article, _ []string) error {
		want = append(want, a)
		return nil
	})
	if len(got) != len(want) {
		t.Fatalf("read %d, want %d", len(got), len(want))
	}
	for i := range got {
		g, w := *got[i], *want[i]
		if !g.Published.Equal(w.Published) || !g.Fetched.Equal(w.Fetched) {
			t.Errorf("seq %d: times %v %v, want %v %v", w.Seq, g.Published, g.Fetched, w.Published, w.Fetched)
		}
		g.Published, g.Fetched, w.Published, w.Fetched = time.Time{}, time.Time{}, time.Time{}, time.Time{}
		gj, _ := json.Marshal(g)
		wj, _ := json.Marshal(w)
		if !bytes.Equal(gj, wj) {
			t.Errorf("seq %d:\n got %s\nwant %s", w.Seq, gj, wj)
		}
	}
	if d := dupsOf[news.ArticleID("https://www.hhtz.gov.cn/art/2025/3/5/art_1_4.html?b=2&a=1")]; !slices.Equal(d, []string{"https://other/4"}) {
		t.Errorf("duplicates of article 4: %v", d)
	}
	if r.Manifest() == nil || r.Manifest().LastSeq != want[len(want)-1].Seq {
		t.Errorf("manifest read back: %+v", r.Manifest())
	}

	// A file cut short, or changed, is refused.
	for name, bad := range map[string][]byte{
		"truncated":    bytes.Join(lines[:5], nil),
		"edited":       bytes.Replace(b, []byte("正文 1 "), []byte("正文 X "), 1),
		"line gone":    append(bytes.Join(lines[:3], nil), bytes.Join(lines[4:], nil)...),
		"manifest cut": b[:len(b)-20],
	} {
		r := NewReader(bytes.NewReader(bad))
		var err error
		for err == nil {
			_, _, err = r.Next()
		}
		if errors.Is(err, io.EOF) {
			t.Errorf("%s: read without error", name)
		}
	}
}

func TestSelection(t *testing.T) {
	c := newCorpus(t, 30)
	all, m := c.export(t, JSONL, news.Selection{}, Options{})
	_ = all
	since := m.LastSeq - 4
	_, inc := c.export(t, JSONL, news.Selection{AfterSeq: since}, Options{})
	if inc.Versions != 4 || inc.FirstSeq != since+1 || inc.LastSeq != m.LastSeq {
		t.Errorf("since %d: %+v, want the last 4 versions", since, inc)
	}
	_, src := c.export(t, JSONL, news.Selection{Source: "xiaoshan"}, Options{})
	if src.Versions != m.Sources["xiaoshan"].Versions || len(src.Sources) != 1 {
		t.Errorf("source filter: %+v, want %d", src, m.Sources["xiaoshan"].Versions)
	}
	from := time.Date(2025, 3, 10, 0, 0, 0, 0, news.Shanghai)
	to := time.Date(2025, 3, 12, 23, 59, 59, 0, news.Shanghai)
	b, dated := c.export(t, CSV, news.Selection{From: from, To: to}, Options{})
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows[1:] {
		p, _ := time.Parse(time.RFC3339Nano, row[5])
		if p.Before(from) || p.After(to) {
			t.Errorf("published %s outside the range", row[5])
		}
	}
	if dated.Versions == 0 || dated.Versions != len(rows)-1 {
		t.Errorf("date filter: %d rows, manifest %d", len(rows)-1, dated.Versions)
	}
	ids := map[string]struct{}{news.ArticleID("https://www.hhtz.gov.cn/art/2025/3/1/art_1_0.html?b=2&a=1"): {}}
	_, one := c.export(t, JSONL, news.Selection{IDs: ids}, Options{})
	if one.Versions != 2 || one.Articles != 1 {
		t.Errorf("ids: %+v, want both versions of article 0", one)
	}
}

func TestCSV(t *testing.T) {
	c := newCorpus(t, 12)
	b, m := c.export(t, CSV, news.Selection{}, Options{BOM: true})
	if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBFseq,id,")) {
		t.Fatalf("no BOM and header: %q", b[:20])
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != m.SHA256 {
		t.Error("manifest sha256 is not the file's")
	}
	rows, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// One row per article, its newest version: article 0 has two.
	if len(rows) != 12+1 || m.Articles != 12 || m.Versions != 12 {
		t.Fatalf("%d rows (manifest %+v), want header + 12 articles", len(rows), m)
	}
	seen := false
	for _, row := range rows[1:] {
		if row[1] == news.ArticleID("https://www.hhtz.gov.cn/art/2025/3/1/art_1_0.html?b=2&a=1") {
			seen = true
			if row[2] != "2" {
				t.Errorf("article 0 exported as version %s, want its newest, 2", row[2])
			}
		}
	}
	if !seen {
		t.Error("article 0 missing")
	}
	titles := 0
	for _, row := range rows[1:] {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %q would run as a formula", cell)
			}
		}
		switch row[4] {
		case `'=HYPERLINK("http://evil")`, "'-2+3":
			titles++
		}
		if !strings.HasPrefix(row[17], "正文") {
			t.Errorf("text column: %q", row[17])
		}
	}
	if titles == 0 {
		t.Error("no neutralised title found")
	}
	if !bytes.Contains(b, []byte("\r\n")) {
		t.Error("RFC 4180 wants CRLF line ends")
	}
}

// readWARC reads every record of a WARC file with gowarc's strict reader.
func readWARC(t *testing.T, b []byte) (types []string, byOffset map[int64]gowarc.WarcRecord) {
	t.Helper()
	f := filepath.Join(t.TempDir(), "x.warc.gz")
	os.WriteFile(f, b, 0o644)
	r, err := gowarc.NewWarcFileReader(f, 0, gowarc.WithStrictValidation())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	byOffset = map[int64]gowarc.WarcRecord{}
	for {
		rec, off, val, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("record at %d: %v", off, err)
		}
		if !val.Valid() {
			t.Errorf("%s record at %d: %v", rec.Type(), off, val)
		}
		// Reading the block checks its digest.
		if err := rec.ValidateDigest(val); err != nil || !val.Valid() {
			t.Errorf("%s record at %d: digest: %v %v", rec.Type(), off, err, val)
		}
		types = append(types, rec.Type().String())
		byOffset[off] = rec
	}
	return types, byOffset
}

func TestWARC(t *testing.T) {
	c := newCorpus(t, 12)
	var cdxj bytes.Buffer
	b, m := c.export(t, WARC, news.Selection{}, Options{CDXJ: &cdxj, WarcName: "x.warc.gz"})
	if m.WithoutCapture != 1 {
		t.Errorf("without capture: %d, want 1", m.WithoutCapture)
	}
	types, byOffset := readWARC(t, b)
	count := map[string]int{}
	for _, ty := range types {
		count[ty]++
	}
	captured := c.n - 1
	if count["warcinfo"] != 1 || count["response"] != captured || count["request"] != captured ||
		count["metadata"] != captured+c.n || count["resource"] != 1 || types[0] != "warcinfo" || types[len(types)-1] != "resource" {
		t.Errorf("record types %v", count)
	}

	// The records of the captures are those the crawler stored, byte for
	// byte.
	stored := map[string][]byte{}
	files, _ := filepath.Glob(filepath.Join(c.warc, "*.warc.gz"))
	for _, f := range files {
		for _, rec := range members(t, readFile(t, f)) {
			stored[headerValue(rec, "WARC-Record-ID")] = rec
		}
	}
	copied := 0
	for _, rec := range members(t, b) {
		if s, ok := stored[headerValue(rec, "WARC-Record-ID")]; ok {
			if !bytes.Equal(s, rec) {
				t.Errorf("record %s differs from the stored one", headerValue(rec, "WARC-Record-ID"))
			}
			copied++
		}
	}
	if copied != 3*captured {
		t.Errorf("%d records copied, want %d", copied, 3*captured)
	}

	// The CDXJ lines are sorted and point at the response records.
	lines := strings.Split(strings.TrimSpace(cdxj.String()), "\n")
	if len(lines) != captured || !slices.IsSorted(lines) {
		t.Fatalf("%d CDXJ lines (sorted: %v), want %d", len(lines), slices.IsSorted(lines), captured)
	}
	for _, l := range lines {
		parts := strings.SplitN(l, " ", 3)
		var j map[string]string
		if err := json.Unmarshal([]byte(parts[2]), &j); err != nil {
			t.Fatal(err)
		}
		off, _ := strconv.ParseInt(j["offset"], 10, 64)
		rec := byOffset[off]
		if rec == nil || rec.Type() != gowarc.Response || rec.WarcHeader().Get(gowarc.WarcTargetURI) != j["url"] {
			t.Errorf("CDXJ %s: no response record at offset %d", l, off)
			continue
		}
		if parts[0] != SURT(j["url"]) || !strings.HasPrefix(parts[0], "cn,gov,hhtz)/art/2025/3/") || !strings.HasSuffix(parts[0], "?a=1&b=2") {
			t.Errorf("CDXJ key %s", parts[0])
		}
		if j["status"] != "200" || j["mime"] != "text/html" || j["filename"] != "x.warc.gz" ||
			"sha1:"+j["digest"] != rec.WarcHeader().Get(gowarc.WarcPayloadDigest) {
			t.Errorf("CDXJ fields %v", j)
		}
	}
}

func TestWACZ(t *testing.T) {
	c := newCorpus(t, 12)
	b, m := c.export(t, WACZ, news.Selection{}, Options{})
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	var names []string
	for _, f := range zr.File {
		if f.Method != zip.Store {
			t.Errorf("%s is compressed; WACZ entries are stored", f.Name)
		}
		rc, _ := f.Open()
		data, err := io.ReadAll(rc)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		files[f.Name] = data
		names = append(names, f.Name)
	}
	want := []string{"archive/data.warc.gz", "indexes/index.cdxj", "pages/pages.jsonl", "datapackage.json", "datapackage-digest.json"}
	if !slices.Equal(names, want) {
		t.Fatalf("entries %v, want %v", names, want)
	}
	var dp DataPackage
	if err := json.Unmarshal(files["datapackage.json"], &dp); err != nil {
		t.Fatal(err)
	}
	if dp.Profile != "data-package" || dp.WACZVersion != "1.1.1" || len(dp.Resources) != 3 {
		t.Errorf("datapackage %+v", dp)
	}
	for _, r := range dp.Resources {
		sum := sha256.Sum256(files[r.Path])
		if r.Hash != "sha256:"+hex.EncodeToString(sum[:]) || r.Bytes != int64(len(files[r.Path])) || r.Name != filepath.Base(r.Path) {
			t.Errorf("resource %+v: file has sha256 %x, %d bytes", r, sum, len(files[r.Path]))
		}
	}
	var dg DataPackageDigest
	json.Unmarshal(files["datapackage-digest.json"], &dg)
	if sum := sha256.Sum256(files["datapackage.json"]); dg.Path != "datapackage.json" || dg.Hash != "sha256:"+hex.EncodeToString(sum[:]) {
		t.Errorf("digest %+v", dg)
	}
	readWARC(t, files["archive/data.warc.gz"])
	pages := strings.Split(strings.TrimSpace(string(files["pages/pages.jsonl"])), "\n")
	if len(pages) != c.n-1+1 || !strings.Contains(pages[0], `"format": "json-pages-1.0"`) {
		t.Errorf("%d page lines (want header + %d): %s", len(pages), c.n-1, pages[0])
	}
	if dp.Riverside == nil || dp.Riverside.Versions != m.Versions || m.Versions != c.n {
		t.Errorf("manifest in the datapackage: %+v", dp.Riverside)
	}
	idx := strings.Split(strings.TrimSpace(string(files["indexes/index.cdxj"])), "\n")
	if len(idx) != c.n-1 || !strings.Contains(idx[0], `"filename":"data.warc.gz"`) {
		t.Errorf("index: %d lines: %s", len(idx), idx[0])
	}
}

func TestContextStopsExport(t *testing.T) {
	c := newCorpus(t, 30)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_, err := Write(ctx, io.Discard, c.st, news.Selection{}, Options{Format: JSONL, Progress: func(v int) {
		n = v
		if v == 3 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || n != 3 {
		t.Errorf("got %v after %d versions, want context.Canceled after 3", err, n)
	}
}

func TestSURT(t *testing.T) {
	for in, want := range map[string]string{
		"https://www.hhtz.gov.cn/art/2024/1/10/art_1.html": "cn,gov,hhtz)/art/2024/1/10/art_1.html",
		"http://WWW2.Example.com:8080/A/b?z=1&a=2#frag":    "com,example:8080)/a/b?a=2&z=1",
		"http://127.0.0.1:8081/hhtz/":                      "1,0,0,127:8081)/hhtz/",
		"http://example.com":                               "com,example)/",
		"http://example.com:80/x":                          "com,example)/x",
		"urn:riverside:article:1:1":                        "urn:riverside:article:1:1",
	} {
		if got := SURT(in); got != want {
			t.Errorf("SURT(%s) = %s, want %s", in, got, want)
		}
	}
}

func readFile(t *testing.T, f string) []byte {
	b, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
