package source

import (
	"strings"
	"testing"
)

// TestMaxArticles: max_articles defaults to DefaultMaxArticles, keeps a
// value given, and a negative one is a fault naming the entry's line.
func TestMaxArticles(t *testing.T) {
	const good = `sources:
  - id: a
    discovery: [{kind: feed, url: "https://a.example/rss.xml"}]
    article_url: '^https://a\.example/'
  - id: b
    max_articles: 25
    discovery: [{kind: feed, url: "https://b.example/rss.xml"}]
    article_url: '^https://b\.example/'
`
	srcs, err := Parse("s.yaml", []byte(good), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if srcs[0].MaxArticles != DefaultMaxArticles || srcs[1].MaxArticles != 25 {
		t.Errorf("max_articles: got %d and %d, want %d and 25", srcs[0].MaxArticles, srcs[1].MaxArticles, DefaultMaxArticles)
	}
	bad := strings.Replace(good, "max_articles: 25", "max_articles: -1", 1)
	_, err = Parse("s.yaml", []byte(bad), Options{})
	if err == nil || !strings.Contains(err.Error(), `s.yaml:5: source "b": max_articles must not be negative`) {
		t.Errorf("negative max_articles: got %v, want a fault at line 5", err)
	}
}
