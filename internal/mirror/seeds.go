package mirror

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"riverside/internal/news"
)

// The seeds are five real English articles (text as a reader sees it,
// content/seeds/*.txt) with their ground truth (content/seeds/truth.json).
// Each is served whole inside a page of the site it imitates, with the
// boilerplate the truth lists around its body, so that the extractor is
// tested on them end to end.

// Truth is the ground truth of one seed, as truth.json gives it.
type Truth struct {
	Seed        string   `json:"seed"`
	Title       string   `json:"title"`
	Published   string   `json:"published"`
	Author      string   `json:"author"`
	Source      string   `json:"source"`
	Lang        string   `json:"lang"`
	Body        []string `json:"body"`
	Boilerplate []string `json:"boilerplate"`
}

// seedPlace says where a seed lives in the mirror.
type seedPlace struct {
	site, column, id string
	// listed dates a dateless seed on its list.
	listed string
}

// seedPlaces maps a seed's number (the file name's prefix) to its page.
func seedPlaces() map[string]seedPlace {
	return map[string]seedPlace{
		"000": {site: siteHHTZ, column: colHHTZEnglish, id: "59061483"},
		"001": {site: siteSTDaily, column: "news", id: "1362845", listed: "2022-06-28T10:00:00+08:00"},
		"002": {site: siteEHangzhou, column: "latest", id: "726519"},
		"003": {site: sitePRNews, column: "releases", id: "114523"},
		"004": {site: siteAggregator, column: "news", id: "10452"},
	}
}

// loadTruth reads truth.json from the seeds directory.
func loadTruth(fsys fs.FS) ([]Truth, error) {
	data, err := fs.ReadFile(fsys, "content/seeds/truth.json")
	if err != nil {
		return nil, fmt.Errorf("read seeds: %w", err)
	}
	var truth []Truth
	if err := json.Unmarshal(data, &truth); err != nil {
		return nil, fmt.Errorf("read seeds: truth.json: %w", err)
	}
	return truth, nil
}

// loadSeeds turns every seed into an article of its site.
func loadSeeds(fsys fs.FS) ([]*Article, error) {
	truth, err := loadTruth(fsys)
	if err != nil {
		return nil, err
	}
	places := seedPlaces()
	var out []*Article
	for _, t := range truth {
		num, _, _ := strings.Cut(t.Seed, "_")
		p, ok := places[num]
		if !ok {
			return nil, fmt.Errorf("seed %s: no page for it in the mirror", t.Seed)
		}
		raw, err := fs.ReadFile(fsys, "content/seeds/"+t.Seed)
		if err != nil {
			return nil, fmt.Errorf("seed %s: %w", t.Seed, err)
		}
		a, err := seedArticle(num, t, string(raw), p)
		if err != nil {
			return nil, fmt.Errorf("seed %s: %w", t.Seed, err)
		}
		a.File = "content/seeds/" + t.Seed
		out = append(out, a)
	}
	return out, nil
}

// seedArticle builds the article of one seed: the truth's fields, and
// the furniture of its page as the seed's text shows it.
func seedArticle(num string, t Truth, raw string, p seedPlace) (*Article, error) {
	a := &Article{
		Site: p.site, Column: p.column, ID: p.id,
		Title: t.Title, Author: t.Author, Source: t.Source, Lang: t.Lang,
	}
	if t.Published != "" {
		pub, err := time.Parse(time.RFC3339, t.Published)
		if err != nil {
			return nil, fmt.Errorf("published: %w", err)
		}
		a.Published = pub.In(news.Shanghai)
		a.Listed = a.Published
	}
	if p.listed != "" {
		listed, err := time.Parse(time.RFC3339, p.listed)
		if err != nil {
			return nil, fmt.Errorf("listed: %w", err)
		}
		a.Listed = listed.In(news.Shanghai)
	}
	paras := func(ps []string) []Block {
		out := make([]Block, len(ps))
		for i, p := range ps {
			out[i] = Block{Text: p}
		}
		return out
	}

	switch num {
	case "001":
		a.Extra.Photo = "/stdaily/images/2022-06/28/W020220628354017621735.jpg"
		a.Extra.Caption = "A panoramic view of Hangzhou High-tech Zone. (PHOTO: VCG)"
		a.Extra.Editor = "Editor: WANG Xiaoxia"
		a.Body = paras(t.Body)
	case "002":
		if len(t.Body) != 8 {
			return nil, fmt.Errorf("want 8 body paragraphs to spread over 3 pages, have %d", len(t.Body))
		}
		// The seed is one article over three pages. Its photo closes
		// the first page, before the first group of towns, as in the
		// seed's text.
		a.Body = append(a.Body, paras(t.Body[:4])...)
		a.Body = append(a.Body, Block{
			Image:   "/ehangzhou/img/attachement/jpg/site48/20210512/f44d30758e7d2247c10b0f.jpg",
			Alt:     "Binjiang IoT town.png",
			Caption: "The Binjiang Internet of Things Town. [Photo/zjol.com.cn]",
		})
		a.Body = append(a.Body, Block{PageBreak: true})
		a.Body = append(a.Body, paras(t.Body[4:6])...)
		a.Body = append(a.Body, Block{PageBreak: true})
		a.Body = append(a.Body, paras(t.Body[6:])...)
	case "003":
		if err := releaseFromSeed(a, raw); err != nil {
			return nil, err
		}
	default:
		a.Body = paras(t.Body)
	}
	return a, nil
}

// releaseFromSeed reads a hard-wrapped wire release: the dateline, the
// body's lines (a paragraph ends at two or more blank lines), and the
// tail from "Source:" on.
func releaseFromSeed(a *Article, raw string) error {
	lines := strings.Split(strings.ReplaceAll(raw, "\r\n", "\n"), "\n")
	start := -1
	for i, l := range lines {
		if strings.Contains(l, "KYODO JBN/--") {
			a.Extra.Dateline = strings.TrimSpace(l)
			start = i + 1
			break
		}
	}
	if start < 0 {
		return fmt.Errorf("no dateline")
	}
	var para []string
	blank := 0
	flush := func() {
		if len(para) > 0 {
			a.Body = append(a.Body, Block{Text: strings.Join(para, "\n")})
			para = nil
		}
	}
	i := start
	for ; i < len(lines); i++ {
		l := strings.TrimRight(lines[i], " \t\r")
		if strings.HasPrefix(l, "Source:") {
			break
		}
		if strings.TrimSpace(l) == "" {
			blank++
			continue
		}
		if blank >= 2 {
			flush()
		}
		blank = 0
		para = append(para, l)
	}
	flush()
	for ; i < len(lines); i++ {
		if l := strings.TrimRight(lines[i], " \t\r"); strings.TrimSpace(l) != "" {
			a.Extra.Tail = append(a.Extra.Tail, l)
		}
	}
	if len(a.Body) == 0 || len(a.Extra.Tail) == 0 {
		return fmt.Errorf("release has no body or no tail")
	}
	// The seed's text lost the short last line of the hard-wrapped
	// source line; the page carries it, as the wire did.
	for i, l := range a.Extra.Tail {
		rest, ok := strings.CutPrefix(l, "Source: ")
		if ok && rest != a.Source && strings.HasPrefix(a.Source, rest) {
			a.Extra.Tail = slices.Insert(a.Extra.Tail, i+1, strings.TrimSpace(a.Source[len(rest):]))
			break
		}
	}
	return nil
}
