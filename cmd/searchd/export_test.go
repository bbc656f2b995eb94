package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"riverside/internal/index"
	"riverside/internal/news"
	"riverside/internal/store"
)

// fillStore puts n articles into a new store under dir/data.
func fillStore(t *testing.T, dir string, n int) string {
	t.Helper()
	ctx := context.Background()
	data := filepath.Join(dir, "data")
	st, err := store.Open(ctx, filepath.Join(data, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for i := range n {
		u := fmt.Sprintf("https://www.hhtz.gov.cn/art/%d.html", i)
		text := fmt.Sprintf("滨江 article %d", i)
		if i%2 == 1 {
			text = fmt.Sprintf("萧山 article %d", i)
		}
		a := &news.Article{ID: news.ArticleID(u), URL: u, SourceID: "hhtz", Title: text, Text: text, Lang: "zh",
			Hash: news.TextHash(text), Fetched: time.Now(), Published: time.Date(2025, 3, 1+i%20, 9, 0, 0, 0, news.Shanghai)}
		if _, err := st.Put(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	return data
}

func runCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, &stdout, &stderr)
	return stdout.String() + stderr.String(), err
}

func TestExportImportReindexCommands(t *testing.T) {
	dir := t.TempDir()
	data := fillStore(t, dir, 10)
	out := filepath.Join(dir, "x.jsonl")
	msg, err := runCmd(t, "export", "-data", data, "-o", out, "-q", "滨江", "-from", "2025-03-01", "-to", "2025-03-20")
	if err != nil || !strings.Contains(msg, "exported 5 versions of 5 articles") {
		t.Fatalf("export -q: %v: %s", err, msg)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*part"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	all := filepath.Join(dir, "all.jsonl.gz")
	if msg, err := runCmd(t, "export", "-data", data, "-o", all); err != nil || !strings.Contains(msg, "exported 10 versions") {
		t.Fatalf("export: %v: %s", err, msg)
	}
	for _, bad := range [][]string{
		{"export", "-data", data, "-format", "pdf"},
		{"export", "-data", data, "-since", "-1"},
		{"export", "-data", data, "-from", "March"},
		{"export", "-data", data, "-q", `"open`},
		{"export", "-data", filepath.Join(dir, "nothing")},
		{"import", "-data", filepath.Join(dir, "d2")},
		{"import", "-data", data, all},
		{"reindex", "-data", filepath.Join(dir, "nothing")},
	} {
		if msg, err := runCmd(t, bad...); err == nil {
			t.Errorf("%v: no error: %s", bad, msg)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "nothing")); err == nil {
		t.Error("an export of a missing store created it")
	}

	data2, idx2 := filepath.Join(dir, "d2"), filepath.Join(dir, "i2")
	if msg, err := runCmd(t, "import", "-data", data2, all); err != nil || !strings.Contains(msg, "imported 10 versions of 10 articles") {
		t.Fatalf("import: %v: %s", err, msg)
	}
	if msg, err := runCmd(t, "reindex", "-data", data2, "-index", idx2); err != nil || !strings.Contains(msg, "reindexed 10 versions (10 articles") {
		t.Fatalf("reindex: %v: %s", err, msg)
	}
	// Again, over the index just built: the new one replaces it.
	if msg, err := runCmd(t, "reindex", "-data", data2, "-index", idx2); err != nil {
		t.Fatalf("reindex again: %v: %s", err, msg)
	}
	x, err := index.Open(idx2)
	if err != nil {
		t.Fatal(err)
	}
	res, err := x.Search(context.Background(), news.Query{Q: "萧山"})
	if err != nil || res.Total != 5 {
		t.Errorf("search of the reindexed store: %v %v", res, err)
	}
	// While the index is held, reindex says so and changes nothing.
	msg, err = runCmd(t, "reindex", "-data", data2, "-index", idx2)
	if err == nil || !strings.Contains(msg+err.Error(), "held by a running searchd") {
		t.Errorf("reindex of a held index: %v %s", err, msg)
	}
	x.Close()
	if ents, _ := filepath.Glob(filepath.Join(dir, "i2.*")); len(ents) != 0 {
		t.Errorf("left beside the index: %v", ents)
	}
}

func TestSweepParts(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "corpus[1].jsonl")
	old := filepath.Join(dir, ".corpus[1].jsonl.123.part")
	fresh := filepath.Join(dir, ".corpus[1].jsonl.456.part")
	other := filepath.Join(dir, ".other.jsonl.789.part")
	for _, p := range []string{old, fresh, other} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	for _, p := range []string{old, other} {
		if err := os.Chtimes(p, now.Add(-time.Hour), now.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	var msg strings.Builder
	sweepParts(&msg, out, now)
	for p, want := range map[string]bool{old: false, fresh: true, other: true} {
		if _, err := os.Stat(p); (err == nil) != want {
			t.Errorf("%s: exists = %v, want %v", filepath.Base(p), err == nil, want)
		}
	}
	if !strings.Contains(msg.String(), filepath.Base(old)) {
		t.Errorf("message %q does not name the removed file", msg.String())
	}
}
