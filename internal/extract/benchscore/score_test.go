package benchscore

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const bench = "../../../../shared/extract-bench"

func TestTokens(t *testing.T) {
	tests := []struct {
		in   string
		cjk  bool
		want []string
	}{
		{"Hello, world_1 x", false, []string{"Hello", "world_1", "x"}},
		{"café naïve", false, []string{"café", "naïve"}},
		{"人生如戏。一夜之间", false, []string{"人生如戏", "一夜之间"}},
		{"人生如戏。AB12之间", true, []string{"人", "生", "如", "戏", "AB12", "之", "间"}},
		{"", false, nil},
	}
	for _, tt := range tests {
		if got := Tokens(tt.in, tt.cjk); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Tokens(%q, %v): got %q, want %q", tt.in, tt.cjk, got, tt.want)
		}
	}
}

func TestScorePage(t *testing.T) {
	p := ScorePage("a b c d e", "a b c d e", false)
	if p.Precision != 1 || p.Recall != 1 || !p.Exact {
		t.Errorf("identical: got %+v", p)
	}
	p = ScorePage("a b c d e", "", false)
	if p.HasPred || p.Recall != 0 {
		t.Errorf("empty prediction: got %+v", p)
	}
	p = ScorePage("a b", "a b", false)
	if p.Precision != 1 || p.Recall != 1 {
		t.Errorf("short texts: got %+v", p)
	}
	// truth shingles: abcd, bcde; prediction: abcd, bcdx.
	p = ScorePage("a b c d e", "a b c d x", false)
	if p.Precision != 0.5 || p.Recall != 0.5 {
		t.Errorf("half: got %+v", p)
	}
}

// TestBaselines scores the stored outputs of other extractors and checks
// them against the table in extract-bench/README.md.
func TestBaselines(t *testing.T) {
	tests := []struct {
		dir, base string
		cjk       bool
		want      Result
	}{
		{"dev", "dev-baselines/trafilatura", false, Result{F1: 0.954, Precision: 0.928, Recall: 0.981}},
		{"dev", "dev-baselines/go_trafilatura", false, Result{F1: 0.957, Precision: 0.934, Recall: 0.982}},
		{"dev", "dev-baselines/readability_js", false, Result{F1: 0.937, Precision: 0.901, Recall: 0.976}},
		{"zh-dev", "zh-dev-baselines/trafilatura_2022", false, Result{F1: 0.854, Precision: 0.866, Recall: 0.842}},
		{"zh-dev", "zh-dev-baselines/trafilatura_2022", true, Result{F1: 0.885, Precision: 0.897, Recall: 0.874}},
	}
	for _, tt := range tests {
		t.Run(tt.base, func(t *testing.T) {
			files, _ := filepath.Glob(filepath.Join(bench, tt.dir, "*.json"))
			if len(files) == 0 {
				t.Skip("extract-bench not available")
			}
			var pages []Page
			for _, f := range files {
				name := strings.TrimSuffix(filepath.Base(f), ".json")
				js, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				var truth struct{ Body string }
				if err := json.Unmarshal(js, &truth); err != nil {
					t.Fatal(err)
				}
				pred, _ := os.ReadFile(filepath.Join(bench, tt.base, name+".txt"))
				pages = append(pages, ScorePage(truth.Body, string(pred), tt.cjk))
			}
			got := Summarize(pages)
			if Round3(got.F1) != tt.want.F1 || Round3(got.Precision) != tt.want.Precision || Round3(got.Recall) != tt.want.Recall {
				t.Errorf("got F1 %.3f P %.3f R %.3f, want F1 %.3f P %.3f R %.3f",
					got.F1, got.Precision, got.Recall, tt.want.F1, tt.want.Precision, tt.want.Recall)
			}
		})
	}
}
