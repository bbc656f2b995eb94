package charset

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

const benchDir = "../../../shared/extract-bench/zh-dev"

func gbk(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecode(t *testing.T) {
	zh := "杭州高新区（滨江）门户网站，发布日期：2024年1月10日。滨江区人民政府信息公开。"
	tests := []struct {
		name        string
		raw         []byte
		contentType string
		want        string // substring of the text
		wantName    string
	}{
		{"utf-8 bom", append([]byte{0xEF, 0xBB, 0xBF}, "<p>"+zh...), "text/html; charset=gbk", zh, UTF8},
		{"utf-16le bom", []byte{0xFF, 0xFE, '<', 0, 'p', 0, '>', 0, 0x6D, 0x51}, "", "<p>六", "utf-16le"},
		{"utf-16be bom", []byte{0xFE, 0xFF, 0, '<', 0, 'p', 0, '>', 0x51, 0x6D}, "", "<p>六", "utf-16be"},
		{"header gbk", gbk(t, "<p>"+zh), "text/html; charset=GBK", zh, GB18030},
		{"header wins over meta", gbk(t, `<meta charset="windows-1252"><p>`+zh), "text/html;charset=gb2312", zh, GB18030},
		{"header GB-18030 spelling", gbk(t, "<p>"+zh), "text/html; charset=GB-18030", zh, GB18030},
		{"meta charset", gbk(t, `<html><head><meta charset="gb2312"></head><p>`+zh), "text/html", zh, GB18030},
		{"meta http-equiv", gbk(t, `<meta http-equiv="Content-Type" content="text/html; charset=x-gbk"><p>`+zh), "", zh, GB18030},
		{"meta gb_2312-80", gbk(t, `<meta http-equiv="Content-Type" content="text/html; charset=gb_2312-80"><p>`+zh), "", zh, GB18030},
		{"meta after comment", gbk(t, `<!-- <meta charset="utf-8"> --><meta charset="gbk"><p>`+zh), "", zh, GB18030},
		{"meta lies utf-8", gbk(t, `<meta charset="utf-8"><p>`+zh+zh+zh), "", zh, GB18030},
		{"header utf-8 lies", gbk(t, `<p>`+zh+zh+zh), "text/html; charset=utf-8", zh, GB18030},
		{"legacy header over utf-8 bytes", []byte("<p>" + zh), "text/html; charset=ISO-8859-1", zh, UTF8},
		{"sniff utf-8", []byte("<p>" + zh), "", zh, UTF8},
		{"sniff gbk", gbk(t, "<p>"+zh), "", zh, GB18030},
		{"sniff latin-1", []byte("<p>caf\xe9 na\xefve \xe9l\xe8ve r\xe9sum\xe9</p>"), "", "café naïve élève résumé", Windows1252},
		{"ascii", []byte("<p>hello</p>"), "", "hello", UTF8},
		{"empty", nil, "", "", UTF8},
		{"unknown label", []byte("<p>hello</p>"), "text/html; charset=bogus", "hello", UTF8},
		{"invalid gb bytes tolerated", append(gbk(t, "<p>"+zh), 0x80, 0xFF, 0xA1), "text/html; charset=gbk", zh, GB18030},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, name := Decode(tt.raw, tt.contentType)
			if !utf8.ValidString(text) {
				t.Fatalf("text is not valid UTF-8: %q", text)
			}
			if name != tt.wantName {
				t.Errorf("name: got %q, want %q", name, tt.wantName)
			}
			if !strings.Contains(text, tt.want) {
				t.Errorf("text: got %q, want it to contain %q", text, tt.want)
			}
		})
	}
}

// TestBench decodes every page of the Chinese extraction benchmark and
// checks that the labelled body is in the text: 24 of the 35 pages are
// GB2312/GBK and 7 of those declare nothing.
func TestBench(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(benchDir, "*.html"))
	if len(files) == 0 {
		t.Skip("extract-bench not available")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".html")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			js, err := os.ReadFile(strings.TrimSuffix(f, ".html") + ".json")
			if err != nil {
				t.Fatal(err)
			}
			var truth struct{ Body string }
			if err := json.Unmarshal(js, &truth); err != nil {
				t.Fatal(err)
			}
			text, enc := Decode(raw, "")
			want := firstHanRun(truth.Body, 4, 20)
			if want == "" {
				t.Fatal("no Han run in the body")
			}
			if !strings.Contains(text, want) {
				t.Errorf("decoded as %s; first Han characters of the body %q not found", enc, want)
			}
		})
	}
}

// firstHanRun returns the first run of at least min Han characters in s,
// cut to max: markup (font names, spans) may separate runs in the page.
func firstHanRun(s string, min, max int) string {
	var run []rune
	for _, r := range s + "\n" {
		if unicode.Is(unicode.Han, r) {
			run = append(run, r)
			if len(run) == max {
				return string(run)
			}
			continue
		}
		if len(run) >= min {
			return string(run)
		}
		run = run[:0]
	}
	return ""
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`<meta charset="gbk"><p>\xc4\xe3\xba\xc3`), "")
	f.Add([]byte{0xFF, 0xFE, 'a'}, "text/html; charset=utf-8")
	f.Fuzz(func(t *testing.T, raw []byte, ct string) {
		text, _ := Decode(raw, ct)
		if !utf8.ValidString(text) {
			t.Fatalf("invalid UTF-8 from %q", raw)
		}
	})
}
