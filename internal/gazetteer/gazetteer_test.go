package gazetteer

import (
	"slices"
	"strings"
	"testing"
)

func TestDefault(t *testing.T) {
	g := Default()
	if n := len(g.Places()); n < 50 {
		t.Errorf("got %d places, want the districts' subdistricts, towns, zones and bodies (≥ 50)", n)
	}
	for _, d := range []string{"binjiang", "xiaoshan"} {
		subs := 0
		for _, p := range g.Places() {
			if p.District == d && (p.Kind == KindSubdistrict || p.Kind == KindTown) {
				subs++
			}
		}
		if subs < 3 {
			t.Errorf("%s: %d subdistricts and towns, want ≥ 3", d, subs)
		}
	}
}

func TestAlternatives(t *testing.T) {
	g := Default()
	tests := []struct {
		name    string
		want    []string // among the alternatives
		notWant []string
	}{
		{"Binjiang", []string{"滨江", "高新区", "Hangzhou Hi-tech Zone"}, []string{"Binjiang", "Binjiang District", "滨江区", "高新区（滨江）"}},
		{"binjiang", []string{"滨江"}, nil},
		{"滨江", []string{"Binjiang", "高新区"}, []string{"滨江区", "滨江"}},
		{"Xiaoshan", []string{"萧山"}, []string{"萧山区", "Xiaoshan District"}},
		{"萧山", []string{"Xiaoshan"}, nil},
		{"Wenyan", []string{"闻堰"}, []string{"闻堰街道"}},
		{"闻堰", []string{"Wenyan"}, []string{"Wenyan Subdistrict"}},
		{"闻堰街道", []string{"闻堰", "Wenyan"}, nil},
		{"ＷＥＮＹＡＮ", []string{"闻堰"}, nil},
		{"xixing   street", []string{"西兴", "Xixing"}, nil},
		{"高新区(滨江)", []string{"Binjiang", "滨江"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := g.Alternatives(tt.name)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("Alternatives(%q) = %q, lacks %q", tt.name, got, w)
				}
			}
			for _, w := range tt.notWant {
				if slices.Contains(got, w) {
					t.Errorf("Alternatives(%q) = %q, has %q", tt.name, got, w)
				}
			}
		})
	}
	// Ambiguous short forms are no triggers.
	for _, s := range []string{"长河", "进化", "Jinhua", "南阳", "Nanyang", "河上", "digital"} {
		if alts := g.Alternatives(s); alts != nil {
			t.Errorf("Alternatives(%q) = %q, want none", s, alts)
		}
	}
}

func TestTagTerms(t *testing.T) {
	terms := Default().TagTerms()
	for d, want := range map[string][]string{
		"binjiang": {"滨江", "binjiang", "西兴街道", "hangzhou hi-tech zone"},
		"xiaoshan": {"萧山", "xiaoshan", "瓜沥", "湘湖"},
	} {
		for _, w := range want {
			if !slices.Contains(terms[d], w) {
				t.Errorf("TagTerms()[%s] lacks %q", d, w)
			}
		}
	}
	for _, d := range []string{"binjiang", "xiaoshan"} {
		if slices.Contains(terms[d], "hikvision") || slices.Contains(terms[d], "钱塘江") {
			t.Errorf("TagTerms()[%s] has a company or a shared place", d)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ data, want string }{
		{"binjiang\tdistrict\t滨江\n", "line 1: 3 columns"},
		{"# c\nhangzhou\tdistrict\t杭州\tHangzhou\tHangzhou\n", "line 2: district \"hangzhou\""},
		{"binjiang\tstreet\t滨江\tBinjiang\tBinjiang\n", "unknown kind"},
		{"binjiang\tdistrict\t\tBinjiang\tBinjiang\n", "needs a Chinese and an English name"},
		{"binjiang\tdistrict\t滨江\tBinjiang\tx\nxiaoshan\tzone\t滨江\tBinjiang Park\tx\n", `line 2: name "滨江" already on line 1`},
	}
	for _, tt := range tests {
		_, err := Parse(tt.data)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q): got %v, want an error with %q", tt.data, err, tt.want)
		}
	}
}
