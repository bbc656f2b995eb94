package index

import (
	"fmt"
	"strings"
	"testing"
)

// tokens renders the analysis of s as "term@position" pairs.
func tokens(t *testing.T, idx *Index, s string) string {
	t.Helper()
	var out []string
	for _, tok := range idx.text.Analyze([]byte(s)) {
		out = append(out, fmt.Sprintf("%s@%d", tok.Term, tok.Position))
	}
	return strings.Join(out, " ")
}

func TestAnalyzer(t *testing.T) {
	idx := openTemp(t)
	tests := []struct {
		in, want string
	}{
		{"滨江", "滨@1 滨江@1 江@2"},
		{"滨", "滨@1"},
		{"物联网小镇", "物@1 物联@1 联@2 联网@2 网@3 网小@3 小@4 小镇@4 镇@5"},
		// Stop words leave gaps; stems join inflections.
		{"The innovations of Binjiang", "innov@2 binjiang@4"},
		{"innovation", "innov@1"},
		// Full-width Latin folds to ASCII.
		{"ＡＩ", "ai@1"},
		{"滨江AI", "滨@1 滨江@1 江@2 ai@3"},
		{"滨江 物联网", "滨@1 滨江@1 江@2 物@3 物联@3 联@4 联网@4 网@5"},
		{"city's parks", "citi@1 park@2"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := tokens(t, idx, tt.in); got != tt.want {
				t.Errorf("analyze %q: got %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
