package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	page := `<html><head><title>T</title></head><body><div class="story"><p>The first paragraph of the story, with words enough to count.</p><p>The second paragraph follows it, and it has words too.</p></div></body></html>`
	truth := `{"body":"The first paragraph of the story, with words enough to count.\n\nThe second paragraph follows it, and it has words too."}`
	if err := os.WriteFile(filepath.Join(dir, "a.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.json"), []byte(truth), 0o644); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "report.tsv")
	var out, errOut bytes.Buffer
	if err := run([]string{"-dir", dir, "-report", report}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "F1 1.000 precision 1.000 recall 1.000 files 1\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	rep, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(rep), "a\t1.000\t1.000\t1.000") {
		t.Errorf("report: got %q", rep)
	}
	if err := run(nil, &out, &errOut); err == nil {
		t.Error("want an error without -dir")
	}
}
