package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A -queue that is not a Redis URL, or a Redis that does not answer, is a
// clear error before anything is crawled.
func TestQueueFlagRefused(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "sources.yaml")
	os.WriteFile(cfg, []byte("sources:\n  - id: a\n    schedule: \"* * * * *\"\n    discovery:\n      - kind: html-list\n        url: http://127.0.0.1:1/\n    article_url: '.'\n"), 0o644)
	for _, tt := range []struct{ queue, want string }{
		{"http://127.0.0.1:6379/0", "want redis://"},
		{"redis://127.0.0.1:6379/0?lease=forever", "lease="},
		{"redis://127.0.0.1:1/0?dial_timeout=1s", "127.0.0.1:1"},
	} {
		for _, cmd := range []string{"once", "run"} {
			var out, errb bytes.Buffer
			err := run(context.Background(), []string{cmd, "-config", cfg, "-data", filepath.Join(dir, "data"), "-queue", tt.queue}, nil, &out, &errb)
			var ee exitError
			if !errors.As(err, &ee) || ee.code != 1 || !strings.Contains(ee.msg, tt.want) {
				t.Errorf("%s -queue %s: got %v, want exit 1 naming %q", cmd, tt.queue, err, tt.want)
			}
		}
	}
}
