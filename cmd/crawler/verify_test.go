package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"riverside/internal/capture"
)

func TestVerify(t *testing.T) {
	data := t.TempDir()
	dir := filepath.Join(data, "warc")
	w, err := capture.Open(dir, capture.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	c, err := w.Write(capture.Exchange{URL: "http://127.0.0.1:1/a", Status: 200, Body: []byte("page"), Fetched: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	// A crawler died writing another file: its open file ends in half an
	// exchange.
	whole, err := os.ReadFile(filepath.Join(dir, c.File))
	if err != nil {
		t.Fatal(err)
	}
	torn := append(bytes.Clone(whole), whole[c.Offset:c.Offset+40]...)
	dead := "riverside-20200101000000-999999-0001.warc.gz.open"
	if err := os.WriteFile(filepath.Join(dir, dead), torn, 0o644); err != nil {
		t.Fatal(err)
	}

	var out, errb bytes.Buffer
	err = run(context.Background(), []string{"verify", "-data", data}, nil, &out, &errb)
	var ee exitError
	if !errors.As(err, &ee) || ee.code != 1 || !strings.Contains(out.String(), "FAULT") || !strings.Contains(out.String(), "-recover") {
		t.Fatalf("a torn file: got %v\n%s%s", err, out.String(), errb.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"verify", "-data", data, "-recover"}, nil, &out, &errb); err != nil {
		t.Fatalf("after -recover: %v\n%s%s", err, out.String(), errb.String())
	}
	t.Logf("crawler verify -recover:\n%s", out.String())
	for _, want := range []string{"recovered riverside-20200101000000-999999-0001.warc.gz: 4 records kept, 40 bytes cut", "2 files", "0 with faults"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
