package index

import (
	"fmt"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
)

// tokens renders the analysis of s as "term@position" pairs.
func tokens(t *testing.T, a analysis.Analyzer, s string) string {
	t.Helper()
	var out []string
	for _, tok := range a.Analyze([]byte(s)) {
		out = append(out, fmt.Sprintf("%s@%d", tok.Term, tok.Position))
	}
	return strings.Join(out, " ")
}

func TestAnalyzer(t *testing.T) {
	idx := openTemp(t)
	tests := []struct {
		in, want string
	}{
		// Bigrams, and the last character of each run alone.
		{"滨江", "滨江@1 江@2"},
		{"滨", "滨@1"},
		{"物联网小镇", "物联@1 联网@2 网小@3 小镇@4 镇@5"},
		// Every word stays as written, stop words too; stems are not
		// indexed (see stemTable).
		{"The innovations of Binjiang", "the@1 innovations@2 of@3 binjiang@4"},
		{"innovation", "innovation@1"},
		// Full-width Latin folds to ASCII.
		{"ＡＩ", "ai@1"},
		{"滨江AI", "滨江@1 江@2 ai@3"},
		{"滨江 物联网", "滨江@1 江@2 物联@3 联网@4 网@5"},
		{"city's parks", "city@1 parks@2"},
		{"to be or not to be", "to@1 be@2 or@3 not@4 to@5 be@6"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := tokens(t, idx.text, tt.in); got != tt.want {
				t.Errorf("analyze %q: got %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestQueryAnalyzers checks the two analyzers of queries: unquoted words
// lose stop words (leaving gaps) and are stemmed; phrases and prefixes
// keep every word as written.
func TestQueryAnalyzers(t *testing.T) {
	idx := openTemp(t)
	tests := []struct {
		in, query, exact string
	}{
		{"The innovations of Binjiang", "innov@2 binjiang@4", "the@1 innovations@2 of@3 binjiang@4"},
		{"they also have", "also@2", "they@1 also@2 have@3"},
		{"滨江", "滨@1 滨江@1 江@2", "滨@1 滨江@1 江@2"},
		{"Ｉｎｎｏｖａｔｉｏｎ", "innov@1", "innovation@1"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := tokens(t, idx.query, tt.in); got != tt.query {
				t.Errorf("query analyzer %q: got %q, want %q", tt.in, got, tt.query)
			}
			if got := tokens(t, idx.exact, tt.in); got != tt.exact {
				t.Errorf("exact analyzer %q: got %q, want %q", tt.in, got, tt.exact)
			}
		})
	}
}
