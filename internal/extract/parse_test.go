package extract

import (
	"fmt"
	"strings"
	"testing"

	"riverside/internal/news"
)

// TestDeepNesting: pages nested deeper than the HTML parser accepts (old
// templates leave hundreds of <div> and <font> tags open) still give
// their article, and hostile nesting gives an answer rather than an error.
func TestDeepNesting(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<html><head><title>旧式页面的文章</title></head><body><div class="nav"><a href="/">首页</a> <a href="/n">新闻</a></div>`)
	for i := 0; i < 600; i++ {
		fmt.Fprintf(&b, "<div><font size=3>这是第%d段正文，内容足够长，有逗号，也有句号。", i)
	}
	b.WriteString("</body></html>")
	p, err := Extract([]byte(b.String()), "", "", news.Selectors{})
	if err != nil {
		t.Fatalf("600 unclosed blocks: %v", err)
	}
	for _, want := range []string{"这是第0段正文", "这是第300段正文", "这是第599段正文"} {
		if !strings.Contains(p.Text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	for _, page := range []string{
		strings.Repeat("<div>", 100000) + "text, here." + strings.Repeat("</div>", 100000),
		strings.Repeat("<b><i><font><span>", 50000) + "text, here.",
		strings.Repeat("<table><tr><td>", 20000) + "text, here.",
	} {
		p, err := Extract([]byte("<html><body>"+page+"</body></html>"), "", "", news.Selectors{})
		if err != nil {
			t.Errorf("%.30q…: %v", page, err)
			continue
		}
		if !strings.Contains(p.Text, "text, here.") {
			t.Errorf("%.30q…: text %q", page, p.Text)
		}
	}
}

func TestCapDepth(t *testing.T) {
	got := capDepth("<div><div><div><p>x</p></div></div></div><br><div>y</div>", 2)
	want := "<div><div>x</div></div><br><div>y</div>"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
