package neardup

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// pair is one labelled pair of testdata/pairs.json.
type pair struct {
	A, B         string
	AText, BText string `json:"-"`
	Edits        edits
	Dup          bool
	Note         string
}

func (p *pair) UnmarshalJSON(b []byte) error {
	type plain pair
	var v struct {
		plain
		AText string `json:"a_text"`
		BText string `json:"b_text"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*p = pair(v.plain)
	p.AText, p.BText = v.AText, v.BText
	return nil
}

// edits change a text as a republishing site would.
type edits struct {
	Prepend, Append     string
	DropFirst, DropLast int `json:"-"`
	DropSentence        *int
	Replace             [][2]string
}

func (e *edits) UnmarshalJSON(b []byte) error {
	type plain edits
	var v struct {
		plain
		DropFirst    int  `json:"drop_first"`
		DropLast     int  `json:"drop_last"`
		DropSentence *int `json:"drop_sentence"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*e = edits(v.plain)
	e.DropFirst, e.DropLast, e.DropSentence = v.DropFirst, v.DropLast, v.DropSentence
	return nil
}

// mirrorText reads the body of a mirror content file.
func mirrorText(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "mirror", "content", name+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	_, body, ok := strings.Cut(string(b), "\n---\n")
	if !ok {
		t.Fatalf("%s: no --- line", name)
	}
	return body
}

func (e edits) apply(t *testing.T, text string) string {
	t.Helper()
	for _, r := range e.Replace {
		if !strings.Contains(text, r[0]) {
			t.Fatalf("edit: %q not in the text", r[0])
		}
		text = strings.ReplaceAll(text, r[0], r[1])
	}
	paras := strings.Split(strings.TrimSpace(text), "\n\n")
	paras = paras[min(e.DropFirst, len(paras)):]
	paras = paras[:max(0, len(paras)-e.DropLast)]
	text = strings.Join(paras, "\n\n")
	if e.DropSentence != nil {
		var sentences []string
		for s := range strings.SplitAfterSeq(text, "。") {
			sentences = append(sentences, s)
		}
		if len(sentences) < 3 { // English
			sentences = strings.SplitAfter(text, ". ")
		}
		k := *e.DropSentence
		if k >= len(sentences) {
			t.Fatalf("edit: no sentence %d", k)
		}
		text = strings.Join(slices.Delete(sentences, k, k+1), "")
	}
	if e.Prepend != "" {
		text = e.Prepend + "\n\n" + text
	}
	if e.Append != "" {
		text += "\n\n" + e.Append
	}
	return text
}

func loadPairs(t *testing.T) []pair {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "pairs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Pairs []pair }
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	for i := range f.Pairs {
		p := &f.Pairs[i]
		if p.AText == "" {
			p.AText = mirrorText(t, p.A)
		}
		if p.BText == "" {
			p.BText = mirrorText(t, p.B)
		}
		p.BText = p.Edits.apply(t, p.BText)
		if p.AText == p.BText {
			t.Fatalf("pair %d (%s): the texts are equal", i, p.Note)
		}
	}
	return f.Pairs
}

// TestThreshold measures the fingerprint distances of the labelled pairs
// and checks what Threshold makes of them: no different release taken for
// a copy, and at least 90% of the copies found. Run with -v for the
// figures.
func TestThreshold(t *testing.T) {
	pairs := loadPairs(t)
	maxDup, minDiff := -1, 65
	var lines []string
	var dups, found, merged int
	for _, p := range pairs {
		a, okA := Fingerprint(p.AText)
		b, okB := Fingerprint(p.BText)
		if !okA || !okB {
			t.Fatalf("%s: too short to compare", p.Note)
		}
		d := Distance(a, b)
		if p.Dup {
			maxDup = max(maxDup, d)
			dups++
			if Near(a, b) {
				found++
			}
		} else {
			minDiff = min(minDiff, d)
			if Near(a, b) {
				merged++
				t.Errorf("%s: distance %d, a different release taken for a copy", p.Note, d)
			}
		}
		lines = append(lines, fmt.Sprintf("%2d  dup=%-5v  %s", d, p.Dup, p.Note))
	}
	slices.Sort(lines)
	t.Logf("distances of %d labelled pairs:\n%s", len(pairs), strings.Join(lines, "\n"))
	t.Logf("copies 0–%d bits apart, different releases from %d; Threshold %d finds %d of %d copies, merges %d different pairs",
		maxDup, minDiff, Threshold, found, dups, merged)
	if found*10 < dups*9 {
		t.Errorf("Threshold %d finds %d of %d copies, want at least 90%%", Threshold, found, dups)
	}
}

func TestFingerprintIgnoresForm(t *testing.T) {
	text := strings.Repeat("滨江区召开经济工作会议，部署全年重点任务。Binjiang holds its economic work conference. ", 5)
	a, _ := Fingerprint(text)
	b, _ := Fingerprint(strings.ToUpper(strings.ReplaceAll(text, "，", " ")))
	if a != b {
		t.Errorf("case and punctuation change the fingerprint: %x vs %x", a, b)
	}
	if _, ok := Fingerprint("滨江区通知。"); ok {
		t.Error("a one-line text has a fingerprint, want none")
	}
}

func TestSameTitle(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"滨江区召开2024年经济工作会议", "滨江区召开2024年经济工作会议", true},
		{"滨江区召开2024年经济工作会议", "转载：滨江区召开 2024 年经济工作会议（图）", true},
		{"Binjiang Opens Service Center", "binjiang opens service center - Hangzhou News", true},
		{"西兴街道召开安全生产推进会", "长河街道召开垃圾分类推进会", false},
		{"Binjiang District steps up support for the digital economy", "Binjiang District steps up support for smart manufacturing", false},
		{"", "任何标题", true},
	}
	for _, tt := range tests {
		if got := SameTitle(TitleKey(tt.a), TitleKey(tt.b)); got != tt.want {
			t.Errorf("SameTitle(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
