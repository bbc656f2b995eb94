package export

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"riverside/internal/news"
)

func TestSpool(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var lines []string
	for i := range 5000 {
		// Keys that share prefixes, as SURT keys of one site do.
		lines = append(lines, fmt.Sprintf("cn,gov,hhtz)/art/%d/%d %d {\"n\":%d}", rng.IntN(50), rng.IntN(1000), 20260101000000+i, i))
	}
	lines = append(lines, "cn,gov,hhtz)/art/1", "cn,gov,hhtz)/art/1 x", "cn,gov,hhtz)/art/1")
	for _, limit := range []int{1 << 30, 4096, 100} {
		for _, sorted := range []bool{true, false} {
			dir := t.TempDir()
			sp := newSpool(sorted, dir)
			sp.limit = limit
			for _, l := range lines {
				if err := sp.add(l); err != nil {
					t.Fatal(err)
				}
			}
			spilled := len(sp.runs) > 0
			var out bytes.Buffer
			if err := sp.writeTo(&out); err != nil {
				t.Fatal(err)
			}
			want := slices.Clone(lines)
			if sorted {
				slices.Sort(want)
			}
			if got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n"); !slices.Equal(got, want) {
				t.Errorf("limit %d sorted %v: lines differ (%d, want %d)", limit, sorted, len(got), len(want))
			}
			if spilled != (limit < 1<<30) {
				t.Errorf("limit %d: spilled %v", limit, spilled)
			}
			if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
				t.Errorf("temporary files left: %v", left)
			}
		}
	}
}

// TestWACZSpilled makes a WACZ whose index and pages went through
// temporary files: the same package as from memory.
func TestWACZSpilled(t *testing.T) {
	c := newCorpus(t, 40)
	mem, _ := c.export(t, WACZ, news.Selection{}, Options{})
	defer func(l int) { spoolLimit = l }(spoolLimit)
	spoolLimit = 600 // a few lines a run
	tmp := t.TempDir()
	spilled, _ := c.export(t, WACZ, news.Selection{}, Options{TempDir: tmp})
	a, b := unzipAll(t, mem), unzipAll(t, spilled)
	for _, name := range []string{"indexes/index.cdxj", "pages/pages.jsonl"} {
		// Record IDs differ between two exports, hence offsets too: compare
		// what does not depend on them.
		if strip(a[name]) != strip(b[name]) || len(a[name]) == 0 {
			t.Errorf("%s differs when spilled", name)
		}
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func unzipAll(t *testing.T, b []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		out[f.Name] = string(data)
	}
	return out
}

var offsetsRE = regexp.MustCompile(`"length":"\d+","offset":"\d+"`)

// strip drops the offsets and lengths of CDXJ lines, which differ between
// two exports by the compressed size of their own records.
func strip(s string) string { return offsetsRE.ReplaceAllString(s, "") }
