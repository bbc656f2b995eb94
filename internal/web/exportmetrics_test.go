package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// exportCounts is an Observer that keeps what it is told of exports.
type exportCounts struct {
	mu       sync.Mutex
	bytes    map[string]int64
	complete map[string]int
	broken   map[string]int
}

func (e *exportCounts) ObserveRequest(string, int, time.Duration) {}

func (e *exportCounts) ObserveExport(format string, n int64, complete bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.bytes[format] += n
	if complete {
		e.complete[format]++
	} else {
		e.broken[format]++
	}
}

// TestExportObserved: every export is reported with the bytes that went
// out (compressed when gzip was asked for) and whether it finished.
func TestExportObserved(t *testing.T) {
	st := bigStore(t, 50)
	obs := &exportCounts{bytes: map[string]int64{}, complete: map[string]int{}, broken: map[string]int{}}
	srv := httptest.NewServer(New(Deps{Searcher: &fakeIndex{}, Indexed: &fakeIndex{}, Articles: fakeStore{}, Exports: &Exports{Versions: st}, Observer: obs}))
	defer srv.Close()

	get := func(format string, gzip bool) int64 {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/export?format="+format, nil)
		if gzip {
			req.Header.Set("Accept-Encoding", "gzip") // set by hand: the body stays compressed
		}
		// Without DisableCompression, Go would ask for gzip itself and
		// hand back the body decompressed.
		client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		n, err := io.Copy(io.Discard, resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: HTTP %d, %v", format, resp.StatusCode, err)
		}
		return n
	}
	plain := get("jsonl", false)
	zipped := get("jsonl", true)
	csv := get("csv", false)
	if zipped >= plain {
		t.Fatalf("gzip export %d bytes, plain %d: want it smaller", zipped, plain)
	}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	if obs.bytes["jsonl"] != plain+zipped || obs.bytes["csv"] != csv {
		t.Errorf("bytes observed: %v, want jsonl %d and csv %d (as sent)", obs.bytes, plain+zipped, csv)
	}
	if obs.complete["jsonl"] != 2 || obs.complete["csv"] != 1 || len(obs.broken) != 0 {
		t.Errorf("exports observed: complete %v, broken %v; want 2 jsonl and 1 csv complete", obs.complete, obs.broken)
	}
}
