package e2e

import (
	"context"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"riverside/internal/export"
	"riverside/internal/store"
	"riverside/internal/store/pgtest"
)

// TestPostgresStore runs the programs on a PostgreSQL store (-store
// postgres://…) against a real server: the crawler fills it, searchd
// follows it and finds the articles, and its export holds what the
// SQLite store of the same crawl holds. import and reindex work on it
// too.
func TestPostgresStore(t *testing.T) {
	dir := t.TempDir()
	_, sources := startMirror(t, dir)
	pg := pgtest.URL(t)
	pgData, liteData := filepath.Join(dir, "pg-data"), filepath.Join(dir, "lite-data")

	crawl := func(data string, args ...string) {
		t.Helper()
		cmd := exec.Command(filepath.Join(binDir, "crawler"), append([]string{"once", "-config", sources, "-data", data}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("crawler once %v: %v\n%s", args, err, out)
		}
	}
	crawl(pgData, "-store", pg)
	crawl(liteData)
	if _, err := os.Stat(filepath.Join(pgData, store.FileName)); err == nil {
		t.Errorf("crawler once -store postgres://… made a SQLite file in %s too", pgData)
	}
	stats := pgStats(t, pg)
	if stats.Articles == 0 {
		t.Fatal("the crawl stored nothing in PostgreSQL")
	}

	sd := start(t, "searchd", "-addr", "127.0.0.1:0", "-data", pgData, "-store", pg, "-index", filepath.Join(dir, "pg-index"))
	base := "http://" + sd.listenAddr(t)
	waitIndexed(t, base, stats.Articles)
	r := search(t, base, url.Values{"q": {"滨江"}})
	if r.Total == 0 || len(r.Hits) == 0 {
		t.Fatal("/api/search?q=滨江 finds nothing in the PostgreSQL store")
	}
	var art struct {
		ID   string `json:"id"`
		Text string `json:"text"`
	}
	if code := getJSON(t, base+"/api/articles/"+r.Hits[0].ID, &art); code != 200 || art.ID != r.Hits[0].ID || art.Text == "" {
		t.Errorf("/api/articles/%s: HTTP %d, %+v", r.Hits[0].ID, code, art)
	}

	// The export of the PostgreSQL store (beside the running daemon)
	// against the export of the SQLite store of the same crawl.
	exportOf := func(args ...string) *exported {
		t.Helper()
		out := filepath.Join(dir, "export.jsonl")
		if msg, err := runSearchd(t, append([]string{"export", "-format", "jsonl", "-o", out}, args...)...); err != nil {
			t.Fatalf("searchd export %v: %v\n%s", args, err, msg)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return readExport(t, export.JSONL, b)
	}
	fromPG := exportOf("-data", pgData, "-store", pg)
	fromLite := exportOf("-data", liteData)
	t.Logf("PostgreSQL store: %d versions of %d articles; exports: %d versions (PostgreSQL), %d (SQLite)",
		stats.Versions, stats.Articles, fromPG.versions, fromLite.versions)
	if len(fromPG.articles) != stats.Articles || fromPG.versions != stats.Versions {
		t.Errorf("export from PostgreSQL: %d versions of %d articles, the store holds %d of %d",
			fromPG.versions, len(fromPG.articles), stats.Versions, stats.Articles)
	}
	if !slices.Equal(ids(fromPG), ids(fromLite)) || fromPG.versions != fromLite.versions {
		t.Errorf("export from PostgreSQL: %d versions of %d articles; from SQLite: %d of %d; the ids differ: %v",
			fromPG.versions, len(fromPG.articles), fromLite.versions, len(fromLite.articles), !slices.Equal(ids(fromPG), ids(fromLite)))
	}

	// import the SQLite export into another PostgreSQL database; it
	// exports the same log, sequence numbers included.
	other := pgtest.URL(t)
	lite := filepath.Join(dir, "lite.jsonl")
	if msg, err := runSearchd(t, "export", "-format", "jsonl", "-o", lite, "-data", liteData); err != nil {
		t.Fatalf("export: %v\n%s", err, msg)
	}
	if msg, err := runSearchd(t, "import", "-data", filepath.Join(dir, "imported"), "-store", other, lite); err != nil {
		t.Fatalf("searchd import -store postgres://…: %v\n%s", err, msg)
	}
	imported := exportOf("-data", filepath.Join(dir, "imported"), "-store", other)
	if !slices.Equal(imported.seqs, fromLite.seqs) || !slices.Equal(ids(imported), ids(fromLite)) {
		t.Errorf("imported into PostgreSQL: %d versions, seqs equal %v; exported from SQLite: %d versions",
			imported.versions, slices.Equal(imported.seqs, fromLite.seqs), fromLite.versions)
	}

	// reindex from the PostgreSQL store into a new index directory.
	if msg, err := runSearchd(t, "reindex", "-data", pgData, "-store", pg, "-index", filepath.Join(dir, "re-index")); err != nil {
		t.Fatalf("searchd reindex -store postgres://…: %v\n%s", err, msg)
	}
	// A second searchd on the same store, with the rebuilt index.
	re := start(t, "searchd", "-addr", "127.0.0.1:0", "-data", pgData, "-store", pg, "-index", filepath.Join(dir, "re-index"))
	if got := search(t, "http://"+re.listenAddr(t), url.Values{"size": {"1"}}).Total; got < stats.Articles {
		t.Errorf("the reindexed index holds %d articles, want %d", got, stats.Articles)
	}
}

func pgStats(t *testing.T, where string) store.Stats {
	t.Helper()
	st, err := store.Open(context.Background(), where)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stats, err := st.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return stats
}

func ids(ex *exported) []string {
	return slices.Sorted(maps.Keys(ex.articles))
}
