package index

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"riverside/internal/gazetteer"
	"riverside/internal/news"
)

// The relevance suite: queries over the real texts of the offline mirror
// (internal/mirror/content) and what each must find, must not find, and
// must rank first (testdata/relevance.json). Where searches.json pins the
// exact results on a tiny corpus, this one asks what an analyst would on
// a corpus of real releases.

// relevanceCase is one case of testdata/relevance.json.
type relevanceCase struct {
	Name     string   `json:"name"`
	Q        string   `json:"q"`
	District string   `json:"district"`
	Lang     string   `json:"lang"`
	Source   string   `json:"source"`
	From     string   `json:"from"`
	To       string   `json:"to"`
	Sort     string   `json:"sort"`
	NoExpand bool     `json:"noexpand"`
	Found    []string `json:"found"` // must be among the hits
	First    string   `json:"first"` // must be the first hit
	Not      []string `json:"not"`   // must not be among the hits
	Total    *int     `json:"total"` // when given, the exact number of hits
	// TopLang is the language of the first Top hits: what was typed
	// ranks above the other names of a place.
	TopLang string `json:"top_lang"`
	Top     int    `json:"top"`
}

// mirrorCorpus reads the mirror's article files: each becomes an article
// whose ID is its file name (hhtz-1487002-002, en/… without the folder).
func mirrorCorpus(t testing.TB) []news.Article {
	t.Helper()
	root := filepath.Join("..", "mirror", "content")
	tags := gazetteer.Default().TagTerms()
	var arts []news.Article
	for _, dir := range []string{"articles", "en"} {
		files, err := filepath.Glob(filepath.Join(root, dir, "*.txt"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			head, body, ok := strings.Cut(string(b), "\n---\n")
			if !ok {
				continue // README
			}
			h := map[string]string{}
			sc := bufio.NewScanner(strings.NewReader(head))
			for sc.Scan() {
				if k, v, ok := strings.Cut(sc.Text(), ": "); ok {
					h[k] = strings.TrimSpace(v)
				}
			}
			id := strings.TrimSuffix(filepath.Base(f), ".txt")
			a := news.Article{
				ID: id, Seq: int64(len(arts) + 1), URL: "https://mirror.example/" + id, SourceID: h["site"],
				Title: h["title"], Text: strings.TrimSpace(body), Publisher: h["source"], Author: h["author"], Lang: "zh",
			}
			if dir == "en" {
				a.Lang = "en"
			}
			if p, err := time.ParseInLocation(time.DateTime, h["published"], news.Shanghai); err == nil {
				a.Published = p
			}
			switch h["site"] {
			case "hhtz":
				a.Districts = []string{news.Binjiang}
			case "xiaoshan", "xsnet":
				a.Districts = []string{news.Xiaoshan}
			default:
				norm := gazetteer.Normalize(a.Title + " " + a.Text)
				for _, d := range []string{news.Binjiang, news.Xiaoshan} {
					for _, term := range tags[d] {
						if strings.Contains(norm, term) {
							a.Districts = append(a.Districts, d)
							break
						}
					}
				}
			}
			arts = append(arts, a)
		}
	}
	if len(arts) < 60 {
		t.Fatalf("mirror corpus: %d articles, want the mirror's 63", len(arts))
	}
	return arts
}

func TestRelevance(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "relevance.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []relevanceCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatalf("relevance.json: %v", err)
	}
	idx := openTemp(t)
	corpus := mirrorCorpus(t)
	if err := idx.Apply(context.Background(), corpus); err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, a := range corpus {
		known[a.ID] = true
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			for _, id := range append(append(slices.Clone(c.Found), c.Not...), c.First) {
				if id != "" && !known[id] {
					t.Fatalf("case names %s, which is not in the mirror corpus", id)
				}
			}
			q := news.Query{Q: c.Q, District: c.District, Lang: c.Lang, Source: c.Source, Sort: c.Sort, NoExpand: c.NoExpand, Size: MaxSize}
			for _, tm := range []struct {
				s   string
				dst *time.Time
				end bool
			}{{c.From, &q.From, false}, {c.To, &q.To, true}} {
				if tm.s == "" {
					continue
				}
				d, err := time.ParseInLocation(time.DateOnly, tm.s, news.Shanghai)
				if err != nil {
					t.Fatal(err)
				}
				if tm.end {
					d = d.AddDate(0, 0, 1).Add(-time.Nanosecond)
				}
				*tm.dst = d
			}
			res, err := idx.Search(context.Background(), q)
			if err != nil {
				t.Fatalf("Search(%q): %v", c.Q, err)
			}
			got := ids(res)
			for _, id := range c.Found {
				if !slices.Contains(got, id) {
					t.Errorf("Search(%q) misses %s; got %v", c.Q, id, got)
				}
			}
			for _, id := range c.Not {
				if slices.Contains(got, id) {
					t.Errorf("Search(%q) finds %s, which it must not", c.Q, id)
				}
			}
			if c.First != "" && (len(got) == 0 || got[0] != c.First) {
				t.Errorf("Search(%q): first %v, want %s", c.Q, got, c.First)
			}
			for i := 0; i < c.Top && i < len(res.Hits); i++ {
				if res.Hits[i].Lang != c.TopLang {
					t.Errorf("Search(%q): hit %d (%s) is %s, want the first %d in %s", c.Q, i+1, res.Hits[i].ID, res.Hits[i].Lang, c.Top, c.TopLang)
				}
			}
			if c.Total != nil && res.Total != uint64(*c.Total) {
				t.Errorf("Search(%q): %d hits %v, want %d", c.Q, res.Total, got, *c.Total)
			}
		})
	}
}
