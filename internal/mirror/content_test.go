package mirror

import (
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"riverside/internal/news"
)

const goodFile = `site: hhtz
column: 1487002
id: 60010001
title: 滨江区召开测试会议
published: 2024-06-03 09:30:00
source: 区发改局
author: 李明
---
第一段第一行，
第一段第二行。

Second paragraph, wrapped
over two lines.
`

func TestParseArticle(t *testing.T) {
	a, err := parseArticle("good.txt", []byte(goodFile), newSites())
	if err != nil {
		t.Fatal(err)
	}
	if a.Site != "hhtz" || a.Column != "1487002" || a.ID != "60010001" || a.Title != "滨江区召开测试会议" || a.Source != "区发改局" || a.Author != "李明" || a.Lang != "zh" {
		t.Errorf("got %+v", a)
	}
	if want := time.Date(2024, 6, 3, 9, 30, 0, 0, news.Shanghai); !a.Published.Equal(want) || !a.Listed.Equal(want) {
		t.Errorf("published %v, want %v", a.Published, want)
	}
	want := []string{"第一段第一行，第一段第二行。", "Second paragraph, wrapped over two lines."}
	got := a.Paragraphs()
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("paragraphs %q, want %q", got, want)
	}
}

func TestParseArticleErrors(t *testing.T) {
	replace := func(old, new string) string { return strings.Replace(goodFile, old, new, 1) }
	tests := []struct {
		name, file, want string
	}{
		{"unknown key", replace("author: 李明\n", "author: 李明\neditor: 王\n"), "bad.txt:8: header has all its keys"},
		{"bad key", replace("source:", "origin:"), `bad.txt:6: unknown header key "origin"`},
		{"repeated key", replace("id: 60010001\n", "id: 60010001\nid: 60010002\n"), `bad.txt:4: header key "id" repeated (first on line 3)`},
		{"order", replace("site: hhtz\ncolumn: 1487002\n", "column: 1487002\nsite: hhtz\n"), `bad.txt:1: header key "column" out of order`},
		{"missing key", replace("author: 李明\n", ""), `bad.txt:1: header key "author" missing`},
		{"no separator", replace("---\n", ""), `bad.txt:8: header has all its keys: want the line "---" here`},
		{"header only", replace("---\n", "")[:strings.Index(goodFile, "---")], `bad.txt:7: no line "---"`},
		{"not key value", replace("source: 区发改局", "区发改局"), `bad.txt:6: header line "区发改局" is not`},
		{"blank in header", replace("title:", "\ntitle:"), "bad.txt:4: blank line in the header"},
		{"unknown site", replace("site: hhtz", "site: nowhere"), `bad.txt:1: unknown site "nowhere"`},
		{"unknown column", replace("column: 1487002", "column: 42"), `bad.txt:2: site hhtz has no column "42"`},
		{"short id", replace("id: 60010001", "id: 6001"), `bad.txt:3: id "6001": want 8 digits`},
		{"non-digit id", replace("id: 60010001", "id: 6001000x"), `bad.txt:3: id "6001000x"`},
		{"empty title", replace("title: 滨江区召开测试会议", "title:"), "bad.txt:4: empty title"},
		{"bad date", replace("2024-06-03 09:30:00", "2024/06/03"), `bad.txt:5: published "2024/06/03"`},
		{"empty body", goodFile[:strings.Index(goodFile, "---")+4], "empty body"},
		{"not utf-8", replace("第一段", "\xb5\xda"), "bad.txt:1: not UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseArticle("bad.txt", []byte(tt.file), newSites())
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) || !errors.Is(err, errBadFile) {
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestLoadArticlesDuplicateID(t *testing.T) {
	fsys := fstest.MapFS{
		"a.txt": {Data: []byte(goodFile)},
		"b.txt": {Data: []byte(strings.Replace(goodFile, "测试会议", "另一个会议", 1))},
	}
	_, err := New(Options{Articles: fsys})
	if err == nil || !strings.Contains(err.Error(), "b.txt:1: id 60010001 already used on site hhtz by a.txt") {
		t.Errorf("got %v, want a duplicate id error naming both files", err)
	}
}

// Options.Articles replaces the embedded article files.
func TestTestdataArticles(t *testing.T) {
	m, srv := testMirror(t, os.DirFS("testdata/articles"))
	n := 0
	for _, s := range m.sites {
		for _, c := range s.columns {
			for _, a := range c.items {
				if strings.HasPrefix(a.File, "content/") {
					continue
				}
				n++
				body := mustGet(t, srv.URL+a.Path)
				if c.gbk {
					var err error
					if body, err = simplifiedchinese.GBK.NewDecoder().Bytes(body); err != nil {
						t.Fatal(err)
					}
				}
				text := pageText(body)
				if !strings.Contains(text, a.Title) || !strings.Contains(text, a.Paragraphs()[0]) {
					t.Errorf("%s: title or body missing from %s", a.File, a.Path)
				}
			}
		}
	}
	if n != 3 {
		t.Errorf("%d testdata articles served, want 3", n)
	}
}

func TestWrap(t *testing.T) {
	text := strings.Repeat("word ", 50)
	for _, line := range strings.Split(wrap(text, 80), "\n") {
		if len(line) > 80 || line == "" {
			t.Errorf("line %q", line)
		}
	}
}

func TestListPage(t *testing.T) {
	tests := []struct {
		name   string
		offset int
		page   int
		ok     bool
	}{
		{"index.html", 0, 1, true},
		{"index_2.html", 0, 2, true},
		{"index_1.html", 0, 0, false},
		{"index_1.html", 1, 2, true},
		{"index_02.html", 0, 0, false},
		{"index_x.html", 0, 0, false},
		{"list.html", 0, 0, false},
	}
	for _, tt := range tests {
		page, ok := listPage(tt.name, tt.offset)
		if page != tt.page || ok != tt.ok {
			t.Errorf("listPage(%q, %d) = %d, %v; want %d, %v", tt.name, tt.offset, page, ok, tt.page, tt.ok)
		}
		if ok && listFile(page, tt.offset) != tt.name {
			t.Errorf("listFile(%d, %d) = %q, want %q", page, tt.offset, listFile(page, tt.offset), tt.name)
		}
	}
}
