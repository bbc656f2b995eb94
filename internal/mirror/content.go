package mirror

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"riverside/internal/news"
)

// An article file is a header of "key: value" lines, a line "---", then
// paragraphs separated by blank lines:
//
//	site: hhtz
//	column: 1487002
//	id: 59061501
//	title: 滨江区召开……
//	published: 2024-05-20 09:30:00
//	source: 区发改局
//	author: 张三
//	---
//	第一段……
//
//	第二段……
//
// Every key must occur exactly once and in this order (source and
// author may be empty);
// published is read in Asia/Shanghai. A paragraph may be wrapped over
// several lines; they are joined (with a space between Latin words).

// headerKeys are the keys an article file must give, in order.
func headerKeys() []string {
	return []string{"site", "column", "id", "title", "published", "source", "author"}
}

// publishedLayout is the layout of the published header.
const publishedLayout = "2006-01-02 15:04:05"

// errBadFile marks a malformed article file.
var errBadFile = errors.New("bad article file")

// parseArticle reads one article file. name is used in messages, which
// have the form "name:line: problem".
func parseArticle(name string, data []byte, sites []*site) (*Article, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%s:1: not UTF-8: %w", name, errBadFile)
	}
	bad := func(line int, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s: %w", name, line, fmt.Sprintf(format, args...), errBadFile)
	}

	keys := headerKeys()
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	header := map[string]string{}
	headerLine := map[string]int{}
	line := 0
	inBody := false
	var paras []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			paras = append(paras, joinLines(cur))
			cur = nil
		}
	}
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), " \t\r")
		if inBody {
			if strings.TrimSpace(text) == "" {
				flush()
				continue
			}
			cur = append(cur, strings.TrimSpace(text))
			continue
		}
		if text == "---" {
			inBody = true
			continue
		}
		if len(headerLine) == len(keys) {
			return nil, bad(line, "header has all its keys: want the line \"---\" here, have %q", text)
		}
		if strings.TrimSpace(text) == "" {
			return nil, bad(line, "blank line in the header (the header ends at a line \"---\")")
		}
		key, value, ok := strings.Cut(text, ":")
		if !ok {
			return nil, bad(line, "header line %q is not \"key: value\"", text)
		}
		key = strings.TrimSpace(key)
		if !slices.Contains(keys, key) {
			return nil, bad(line, "unknown header key %q (want one of %s)", key, strings.Join(keys, ", "))
		}
		if prev, dup := headerLine[key]; dup {
			return nil, bad(line, "header key %q repeated (first on line %d)", key, prev)
		}
		if want := keys[len(headerLine)]; key != want {
			return nil, bad(line, "header key %q out of order (want %q here; order: %s)", key, want, strings.Join(keys, ", "))
		}
		header[key] = strings.TrimSpace(value)
		headerLine[key] = line
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	flush()
	if !inBody {
		return nil, bad(line, "no line \"---\" ends the header")
	}
	for _, k := range keys {
		if _, ok := headerLine[k]; !ok {
			return nil, bad(1, "header key %q missing", k)
		}
	}
	if len(paras) == 0 {
		return nil, bad(line, "empty body")
	}

	a := &Article{File: name, Source: header["source"], Author: header["author"]}
	for _, p := range paras {
		a.Body = append(a.Body, Block{Text: p})
	}

	var s *site
	for _, cand := range sites {
		if cand.id == header["site"] {
			s = cand
		}
	}
	if s == nil {
		return nil, bad(headerLine["site"], "unknown site %q", header["site"])
	}
	a.Site = s.id
	c := s.column(header["column"])
	if c == nil {
		ids := make([]string, len(s.columns))
		for i, c := range s.columns {
			ids[i] = c.id
		}
		return nil, bad(headerLine["column"], "site %s has no column %q (want one of %s)", s.id, header["column"], strings.Join(ids, ", "))
	}
	a.Column = c.id
	a.Lang = c.lang

	a.ID = header["id"]
	if len(a.ID) != s.idDigits || strings.TrimLeft(a.ID, "0123456789") != "" {
		return nil, bad(headerLine["id"], "id %q: want %d digits for site %s", a.ID, s.idDigits, s.id)
	}
	a.Title = header["title"]
	if a.Title == "" {
		return nil, bad(headerLine["title"], "empty title")
	}
	t, err := time.ParseInLocation(publishedLayout, header["published"], news.Shanghai)
	if err != nil {
		return nil, bad(headerLine["published"], "published %q: want YYYY-MM-DD HH:MM:SS", header["published"])
	}
	a.Published, a.Listed = t, t
	return a, nil
}

// joinLines joins the lines of a wrapped paragraph: Chinese lines run
// on, Latin words get a space between them.
func joinLines(lines []string) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			prev, _ := utf8.DecodeLastRuneInString(b.String())
			next, _ := utf8.DecodeRuneInString(l)
			if !isWide(prev) && !isWide(next) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(l)
	}
	return b.String()
}

// isWide reports whether r belongs to a script written without spaces
// between words (Han, kana, full-width punctuation).
func isWide(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.In(r, unicode.Hiragana, unicode.Katakana) ||
		(r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}

// loadArticles reads every *.txt file at the root of fsys. Files are
// read in name order; an ID used twice on one site is an error naming
// both files.
func loadArticles(fsys fs.FS, dir string, sites []*site) ([]*Article, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read articles: %w", err)
	}
	var out []*Article
	seen := map[string]string{} // site/id → file
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".txt" {
			continue
		}
		name := path.Join(dir, e.Name())
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read article: %w", err)
		}
		a, err := parseArticle(name, data, sites)
		if err != nil {
			return nil, err
		}
		key := a.Site + "/" + a.ID
		if first, dup := seen[key]; dup {
			return nil, fmt.Errorf("%s:1: id %s already used on site %s by %s: %w", name, a.ID, a.Site, first, errBadFile)
		}
		seen[key] = name
		out = append(out, a)
	}
	return out, nil
}
