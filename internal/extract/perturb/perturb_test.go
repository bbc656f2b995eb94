package perturb

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

const page = `<html><head><title>T</title></head><body>
<div class="layout"><div id="side" class="sidebar"><a href="/a">Other story</a></div>
<div class="col main"><div class="article-body">
<p class="para">First paragraph of the story, with a <b>bold</b> word.</p>
<p class="para">Second paragraph of the story.</p>
<p class="para">Third paragraph of the story.</p>
<p class="para">Fourth paragraph of the story.</p>
</div></div></div></body></html>`

// visible is the page's text with white space collapsed.
func visible(t *testing.T, s string) string {
	t.Helper()
	root, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data + " ")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return strings.Join(strings.Fields(b.String()), " ")
}

func TestRewrites(t *testing.T) {
	words := func(s string) map[string]int {
		m := map[string]int{}
		for _, w := range strings.Fields(visible(t, s)) {
			m[w]++
		}
		return m
	}
	orig := words(page)
	for _, k := range Kinds() {
		t.Run(string(k), func(t *testing.T) {
			out, err := Apply(page, k, 7)
			if err != nil {
				t.Fatal(err)
			}
			again, _ := Apply(page, k, 7)
			if out != again {
				t.Error("not deterministic for one seed")
			}
			got := words(out)
			for w, n := range orig {
				if got[w] != n {
					t.Errorf("word %q: %d times, want %d", w, got[w], n)
				}
			}
			if k != AddLinkBlocks && len(got) != len(orig) {
				t.Errorf("text changed: %s", visible(t, out))
			}
			if out == page && k != BodyLast { // the story column is already last here
				t.Error("nothing rewritten")
			}
		})
	}
}

func TestNamesGoneOrRenamed(t *testing.T) {
	out, _ := Apply(page, StripNames, 1)
	if n, _ := Names(out); len(n) != 0 {
		t.Errorf("names left: %v", n)
	}
	out, _ = Apply(page, RenameClasses, 1)
	n, _ := Names(out)
	orig, _ := Names(page)
	if len(n) != len(orig) {
		t.Errorf("renamed %v from %v: a name must map to one word", n, orig)
	}
	for _, w := range n {
		for _, o := range orig {
			if w == o {
				t.Errorf("name %q kept", w)
			}
		}
	}
	if strings.Count(out, `class="`+n[0]) == 0 && !strings.Contains(out, n[0]) {
		t.Errorf("renamed word %q missing", n[0])
	}
}

func TestStructure(t *testing.T) {
	// The story column first, the sidebar after it: BodyLast swaps them.
	first := strings.Replace(strings.Replace(page, `<div id="side" class="sidebar"><a href="/a">Other story</a></div>`, "", 1),
		`</div></div></div></body>`, `</div></div><div id="side" class="sidebar"><a href="/a">Other story</a></div></div></body>`, 1)
	if strings.Index(first, "Other story") < strings.Index(first, "First paragraph") {
		t.Fatal("test page: the sidebar should come last")
	}
	out, _ := Apply(first, BodyLast, 1)
	if strings.Index(out, "Other story") > strings.Index(out, "First paragraph") {
		t.Errorf("the story column is not last: %s", out)
	}
	out, _ = Apply(page, BreakRuns, 1)
	if strings.Contains(out, "<p") || strings.Count(out, "<br/><br/>") != 4 {
		t.Errorf("paragraphs not set as <br> runs: %s", out)
	}
	out, _ = Apply(page, WrapDivs, 1)
	if strings.Count(out, "<div><p") != 4 {
		t.Errorf("paragraphs not boxed: %s", out)
	}
	if _, err := ParseKind("nope"); err == nil {
		t.Error("unknown kind accepted")
	}
}
