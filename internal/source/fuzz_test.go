package source

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseConfig feeds any bytes to the sources.yaml reader: it must
// answer with sources or with faults that name the file and a line of
// it, never panic.
func FuzzParseConfig(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.yml"))
	files = append(files, filepath.Join("..", "..", "sources.yaml"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseConfig("s.yaml", data, Options{CheckSchedule: checkSchedule})
		if err == nil {
			if cfg == nil {
				t.Fatal("no config and no error")
			}
			seen := map[string]bool{}
			for _, s := range cfg.Sources {
				if !idRE.MatchString(s.ID) || seen[s.ID] {
					t.Fatalf("accepted source id %q (repeat: %v)", s.ID, seen[s.ID])
				}
				seen[s.ID] = true
			}
			return
		}
		var faults Faults
		if !errors.As(err, &faults) || len(faults) == 0 {
			t.Fatalf("error %T %v, want Faults", err, err)
		}
		lines := yamlLines(data)
		for _, fl := range faults {
			if fl.File != "s.yaml" || fl.Msg == "" || fl.Line < 0 || fl.Line > lines+1 {
				t.Fatalf("fault %+v: want the file, a message and a line in 0..%d", fl, lines+1)
			}
		}
	})
}

// yamlLines counts lines as the YAML reader does: a carriage return
// alone, NEL, LS and PS end a line as well as a line feed (CI's fuzzer
// found a fault on "line 3" of a file with no line feed at all).
func yamlLines(data []byte) int {
	s := string(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")))
	n := 1
	for _, r := range s {
		switch r {
		case '\n', '\r', '\u0085', '\u2028', '\u2029':
			n++
		}
	}
	return n
}
