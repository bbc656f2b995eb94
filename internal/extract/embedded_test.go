package extract

import (
	"strings"
	"testing"
)

// TestEmbeddedBody: a body shipped as markup for a script to write in, in
// a hidden <textarea> or in a script's string literal (escaped, split
// over "+"), is read when the page shows none; a script without
// paragraph markup is not.
func TestEmbeddedBody(t *testing.T) {
	const first, last = "清明前后，正是春茶采摘的好时节。", "让更多村民吃上“生态饭”。"
	escaped := strings.NewReplacer("<", "&lt;", ">", "&gt;").Replace(zhParas)
	js := strings.NewReplacer(`"`, `\"`, "/", `\/`, "\n", "").Replace(zhParas)
	cut := strings.Index(js, "。") // split the literal between characters
	tests := []struct {
		name, body, method string
	}{
		{"textarea", `<div id="c"></div><textarea style="display:none">` + escaped + `</textarea>`, MethodEmbedded},
		{"script string", `<div id="c"></div><script>var content = "` + js + `";document.getElementById("c").innerHTML = content;</script>`, MethodEmbedded},
		{"concatenated with a unicode escape", `<div id="c"></div><script>
// the editor's text
var html = '` + js[:cut] + `' +
  '` + strings.Replace(js[cut:], "春", `\u6625`, 1) + `';</script>`, MethodEmbedded},
		{"beside an unnamed breadcrumb", `<div>首页 &gt; 新闻动态</div><div id="c"></div><script>var content = "` + js + `";</script>`, MethodEmbedded},
		{"no markup in the script", `<div id="c"></div><script>var msg = "清明前后，正是春茶采摘的好时节。"; var n = 3;</script>`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := `<html><head><title>春茶开采忙</title></head><body><div class="nav"><a href="/">首页</a></div><h1>春茶开采忙</h1>` + tt.body + `</body></html>`
			p := extractPage(t, page, "http://example.gov.cn/a.html")
			if p.Method != tt.method {
				t.Fatalf("method %q, want %q; text %q", p.Method, tt.method, p.Text)
			}
			if tt.method == "" {
				return
			}
			paras := strings.Split(p.Text, "\n\n")
			if len(paras) != 3 || !strings.HasPrefix(paras[0], first) || !strings.HasSuffix(paras[2], last) {
				t.Errorf("text %q", p.Text)
			}
		})
	}
}

func TestJSStrings(t *testing.T) {
	got := jsStrings(`var a = "x\"y" + 'z'; // it's a comment
var b = "line\nnext\u4e2d\/";`)
	want := []string{`x"yz`, "line\nnext中/"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("jsStrings: %q, want %q", got, want)
	}
}
