package mirror

import (
	"strings"
	"testing"
)

// seedPages returns the text of the page(s) carrying a seed: the
// article and, for a multi-page article, its continuation pages.
func seedPages(t *testing.T, m *Mirror, base string, seed string) []string {
	t.Helper()
	num, _, _ := strings.Cut(seed, "_")
	p := seedPlaces()[num]
	c := m.site(p.site).column(p.column)
	for _, a := range c.items {
		if a.ID != p.id {
			continue
		}
		var texts []string
		for i := range a.pages() {
			texts = append(texts, pageText(mustGet(t, base+articlePath(a, i+1))))
		}
		return texts
	}
	t.Fatalf("seed %s: no article %s on %s/%s", seed, p.id, p.site, p.column)
	return nil
}

func TestSeedPages(t *testing.T) {
	truth, err := loadTruth(content)
	if err != nil {
		t.Fatal(err)
	}
	if len(truth) != 5 {
		t.Fatalf("truth has %d seeds, want 5", len(truth))
	}
	m, srv := testMirror(t, nil)
	for _, tr := range truth {
		t.Run(tr.Seed, func(t *testing.T) {
			pages := seedPages(t, m, srv.URL, tr.Seed)
			whole := strings.Join(pages, " ")
			for i, p := range tr.Body {
				if !strings.Contains(whole, norm(p)) {
					t.Errorf("body paragraph %d missing: %q", i, p)
				}
			}
			// The boilerplate must surround the body on the first page,
			// where the extractor meets it.
			for _, b := range tr.Boilerplate {
				if !strings.Contains(pages[0], norm(b)) {
					t.Errorf("boilerplate %q missing", b)
				}
			}
			if !strings.Contains(pages[0], norm(tr.Title)) {
				t.Errorf("title %q missing", tr.Title)
			}
			if tr.Author != "" && !strings.Contains(pages[0], tr.Author) {
				t.Errorf("author %q missing", tr.Author)
			}
			if tr.Source != "" && !strings.Contains(whole, tr.Source) {
				t.Errorf("source %q missing", tr.Source)
			}
			// Paragraphs come in order.
			at := 0
			for i, p := range tr.Body {
				k := strings.Index(whole[at:], norm(p))
				if k < 0 {
					t.Errorf("body paragraph %d out of order", i)
					break
				}
				at += k
			}
		})
	}
}

// The seed on ehangzhou is one article over three pages, its own pager
// linking them, as the seed's "1 2 3 >" shows.
func TestSeedMultiPage(t *testing.T) {
	m, srv := testMirror(t, nil)
	pages := seedPages(t, m, srv.URL, "002_")
	if len(pages) != 3 {
		t.Fatalf("%d pages, want 3", len(pages))
	}
	for i, want := range []string{"1 2 3 >", "< 1 2 3 >", "< 1 2 3"} {
		if !strings.Contains(pages[i], want) {
			t.Errorf("page %d: pager %q missing", i+1, want)
		}
		if !strings.Contains(pages[i], "1 2 3 4") {
			t.Errorf("page %d: the second pager widget is missing", i+1)
		}
	}
}

// The release's lines are exactly the truth's body lines, hard-wrapped
// as the wire sent them.
func TestSeedReleaseLines(t *testing.T) {
	truth, err := loadTruth(content)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := testMirror(t, nil)
	var lines []string
	for _, a := range m.site(sitePRNews).columns[0].items {
		if a.ID == seedPlaces()["003"].id {
			for _, p := range a.Paragraphs() {
				lines = append(lines, strings.Split(p, "\n")...)
			}
		}
	}
	want := truth[3].Body
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d", len(lines), len(want))
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d: got %q, want %q", i, lines[i], want[i])
		}
	}
}

// The dateless seed stays dateless in the feed.
func TestFeedDatelessSeed(t *testing.T) {
	_, srv := testMirror(t, nil)
	feed := string(mustGet(t, srv.URL+"/stdaily/rss.xml"))
	i := strings.Index(feed, "Digital Economy, HHZ&#39;s Darling Industry")
	if i < 0 {
		t.Fatalf("seed 001 missing from the feed:\n%s", feed)
	}
	item := feed[i:]
	item = item[:strings.Index(item, "</item>")]
	if strings.Contains(item, "<pubDate>") {
		t.Errorf("seed 001's feed item has a pubDate:\n%s", item)
	}
	if n := strings.Count(feed, "<pubDate>"); n != strings.Count(feed, "<item>")-1 {
		t.Errorf("%d pubDates for %d items, want all but the seed dated", n, strings.Count(feed, "<item>"))
	}
}
