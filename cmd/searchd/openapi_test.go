package main

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// TestOpenAPIServed: the daemon as run serves its OpenAPI document, and
// every documented GET without path parameters answers on it (the
// thorough check, against every operation, is internal/web's).
func TestOpenAPIServed(t *testing.T) {
	base, _, _ := start(t, t.TempDir())
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if st := getJSON(t, base+"/api/openapi.json", &doc); st != http.StatusOK || !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Fatalf("HTTP %d, openapi %q", st, doc.OpenAPI)
	}
	n := 0
	for path, item := range doc.Paths {
		op, ok := item["get"]
		if !ok || strings.Contains(path, "{") {
			continue
		}
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		n++
		responses, _ := op["responses"].(map[string]any)
		if res.StatusCode >= 300 || responses[strconv.Itoa(res.StatusCode)] == nil {
			t.Errorf("GET %s: %s", path, res.Status)
		}
	}
	if n < 8 {
		t.Errorf("only %d GET paths without parameters checked", n)
	}
}
