package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"riverside/internal/index"
)

// TestIndexUnavailable: a search the index cannot serve (its disk is
// full) is a 503 with Retry-After and a message, on the API and the page.
func TestIndexUnavailable(t *testing.T) {
	idx := &fakeIndex{err: fmt.Errorf("search: %w: assignment to entry in nil map", index.ErrUnavailable)}
	for _, path := range []string{"/api/search?q=x", "/?q=x"} {
		res, body := get(t, newServer(idx), path)
		if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
			t.Errorf("%s: status %d, Retry-After %q, want 503 with Retry-After", path, res.StatusCode, res.Header.Get("Retry-After"))
		}
		if !strings.Contains(body, "cannot serve searches") || strings.Contains(body, "nil map") {
			t.Errorf("%s: body %.300s", path, body)
		}
	}
}
