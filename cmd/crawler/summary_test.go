package main

import (
	"bytes"
	"regexp"
	"testing"

	"riverside/internal/ingest"
)

// TestSummaryLimits: the pass summary shows the limits a pass ran into:
// crawler traps, list pages unchanged (304) and links capped by
// max_articles, per source and in total.
func TestSummaryLimits(t *testing.T) {
	var out bytes.Buffer
	printSummary(&out, []ingest.Stats{
		{Source: "a", Discovered: 9, Traps: 3, ListsUnchanged: 2, Capped: 5},
		{Source: "b", Discovered: 1, Traps: 1},
	})
	for _, re := range []string{
		`(?m)^\s*source\s.*\sskipped\s+traps\s+lists304\s+capped\s+time\s*$`,
		`(?m)^\s*a\s+9(\s+0){9}\s+3\s+2\s+5\s`,
		`(?m)^\s*total\s+10(\s+0){9}\s+4\s+2\s+5\s*$`,
	} {
		if !regexp.MustCompile(re).MatchString(out.String()) {
			t.Errorf("summary does not match %s:\n%s", re, out.String())
		}
	}
}
