package capture

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestVerify(t *testing.T) {
	dir := t.TempDir()
	// A finished file, a live writer's file, and a dead writer's torn one.
	w, err := Open(dir, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := w.Write(Exchange{URL: "http://127.0.0.1:1/a", Status: 200, Body: []byte("a"), Fetched: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	live, err := Open(dir, Options{NoSync: true, Prefix: "live"})
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	if _, err := live.Write(Exchange{URL: "http://127.0.0.1:1/b", Status: 200, Body: []byte("b"), Fetched: time.Now()}); err != nil {
		t.Fatal(err)
	}
	_, data, refs := crashedFile(t, t.TempDir(), 2)
	dead := "dead" + strings.TrimPrefix(refs[0].File, "riverside") + openSuffix
	if err := os.WriteFile(filepath.Join(dir, dead), data[:len(data)-9], 0o644); err != nil {
		t.Fatal(err)
	}

	got, err := Verify(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("got %d files: %+v", len(got), got)
	}
	for _, fc := range got {
		switch {
		case strings.HasPrefix(fc.File, "dead"):
			if !fc.Abandoned || fc.Open || fc.Err == nil || fc.Exchanges != 1 {
				t.Errorf("dead writer's file: %+v", fc)
			}
		case strings.HasPrefix(fc.File, "live"):
			if !fc.Open || fc.Abandoned || fc.Err != nil || fc.Exchanges != 1 {
				t.Errorf("live writer's file: %+v", fc)
			}
		default:
			if fc.Open || fc.Err != nil || fc.Exchanges != 3 || fc.Records != 10 {
				t.Errorf("finished file: %+v", fc)
			}
		}
	}

	// After recovery everything verifies.
	if _, err := Recover(dir); err != nil {
		t.Fatal(err)
	}
	got, _ = Verify(context.Background(), dir)
	for _, fc := range got {
		if fc.Err != nil || fc.Abandoned {
			t.Errorf("after recovery: %+v", fc)
		}
	}

	// A finished file that ends inside an exchange is a fault.
	d2 := t.TempDir()
	_, data2, refs2 := crashedFile(t, d2, 2)
	ex, err := ReadExchange(d2, refs2[1].File, refs2[1].Offset)
	if err != nil {
		t.Fatal(err)
	}
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "x.warc.gz"), data2[:ex.Metadata.Offset], 0o644); err != nil {
		t.Fatal(err)
	}
	got, _ = Verify(context.Background(), bad)
	if len(got) != 1 || got[0].Err == nil || got[0].Exchanges != 1 {
		t.Errorf("a file ending mid-exchange: %+v", got)
	}
}
