package web

import (
	"errors"
	"net/url"
	"testing"
)

// FuzzParseQuery feeds any query string to the search parameters: each
// is either read within its bounds or refused as a *paramError naming
// it — which the API turns into a 400, never a 500.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		"q=滨江&source=hhtz&district=binjiang&lang=zh&from=2025-03-01&to=2025-03-31&sort=-date&page=2&size=5",
		"page=1e9&size=1e8", "to=9999-12-31", "from=0001-01-01T00:00:00-23:59", "from=2025-01-01T00:00:00%2B14:00&to=2025-01-01",
		"sort=size", "page=%ff", "q=%ZZ", "size=-0", "page=0x10", "from=2199-12-31&to=1900-01-01",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return // the server answers 400 before parseQuery (see hostile_test)
		}
		q, err := parseQuery(v)
		if err != nil {
			var pe *paramError
			if !errors.As(err, &pe) || pe.Param == "" {
				t.Fatalf("parseQuery(%q): %v, want a *paramError naming the parameter", raw, err)
			}
			return
		}
		if q.Page < 1 || q.Page > maxPage || q.Size < 1 || q.Size > maxSize {
			t.Fatalf("parseQuery(%q): page %d size %d out of bounds", raw, q.Page, q.Size)
		}
	})
}
