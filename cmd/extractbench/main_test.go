package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"riverside/internal/extract"
	"riverside/internal/news"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	page := `<html><head><title>T</title></head><body><div class="story"><p>The first paragraph of the story, with words enough to count.</p><p>The second paragraph follows it, and it has words too.</p></div></body></html>`
	truth := `{"body":"The first paragraph of the story, with words enough to count.\n\nThe second paragraph follows it, and it has words too."}`
	if err := os.WriteFile(filepath.Join(dir, "a.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.json"), []byte(truth), 0o644); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "report.tsv")
	var out, errOut bytes.Buffer
	if err := run([]string{"-dir", dir, "-report", report}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "F1 1.000 precision 1.000 recall 1.000 files 1\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	rep, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(rep), "a\t1.000\t1.000\t1.000") {
		t.Errorf("report: got %q", rep)
	}
	if err := run(nil, &out, &errOut); err == nil {
		t.Error("want an error without -dir")
	}
}

func TestDateMatches(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04:05", s, news.Shanghai)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		want string
		got  time.Time
		ok   bool
	}{
		{"2005-07-31 12:30", at("2005-07-31 12:30:59"), true},
		{"2005-07-31 12:30", at("2005-07-31 12:31:00"), false},
		{"2005-07-31 12:30", at("2005-07-31 00:00:00"), false},
		{"2005-07-31", at("2005-07-31 12:30:00"), true},
		{"2005-7-3", at("2005-07-03 00:00:00"), true},
		{"2005-07-31", at("2005-07-30 00:00:00"), false},
		{"2004-09-17 5:54:13", at("2004-09-17 05:54:13"), true},
		{"2005年7月31日", at("2005-07-31 08:00:00"), true},
		{"1998-3", at("1998-03-20 00:00:00"), true},
		{"2018", at("2018-08-23 00:00:00"), true},
		{"2018", at("2019-01-01 00:00:00"), false},
		// The same instant read in UTC is still the Shanghai day.
		{"2022-02-13 07:48", at("2022-02-13 07:48:00").UTC(), true},
		{"2022-02-13 07:48", time.Time{}, false},
		{"UNKNOWN", time.Time{}, true},
		{"UNKNWON", time.Time{}, true},
		{"", time.Time{}, true},
		{"UNKNOWN", at("2022-02-13 07:48:00"), false},
		{"not a date 12", at("2022-02-13 07:48:00"), false},
	}
	for _, tt := range tests {
		if got := dateMatches(tt.want, tt.got); got != tt.ok {
			t.Errorf("dateMatches(%q, %v): got %v, want %v", tt.want, tt.got, got, tt.ok)
		}
	}
}

func TestAuthorMatches(t *testing.T) {
	tests := []struct {
		want, got    string
		exact, loose bool
	}{
		{"张三", "张三", true, true},
		{"王建宏 张文攀", "张文攀 王建宏", true, true},
		{"伊琳  李清芬", "伊琳、李清芬", true, true},
		{" 放飞&心情", "放飞&心情", true, true},
		{"刘国栋 周炜 王燕平", "王燕平", false, true},
		{"王燕平", "王燕平 刘国栋", false, true},
		{"赵培", "赵", false, true},
		{"张三", "李四", false, false},
		{"张三", "", false, false},
		{"UNKNOWN", "", true, true},
		{"UNKNOWN", "张三", false, false},
		{"", "", true, true},
	}
	for _, tt := range tests {
		exact, loose := authorMatches(tt.want, tt.got)
		if exact != tt.exact || loose != tt.loose {
			t.Errorf("authorMatches(%q, %q): got %v %v, want %v %v", tt.want, tt.got, exact, loose, tt.exact, tt.loose)
		}
	}
}

func TestRunMeta(t *testing.T) {
	dir := t.TempDir()
	page := `<html><head><title>标题</title></head><body><h1>标题</h1><p>发布时间：2005-07-31 12:30 作者：张三</p>
<div class="content"><p>正文第一段，文字足够长，可以算作正文内容。这里还有更多的文字。</p><p>正文第二段，也有足够的文字，用来计算分数。</p></div></body></html>`
	files := map[string]string{
		"a.html": page,
		"a.json": `{"body":"正文第一段，文字足够长，可以算作正文内容。这里还有更多的文字。\n\n正文第二段，也有足够的文字，用来计算分数。","author":"张三","date":"2005-07-31 12:30"}`,
		"b.html": page,
		"b.json": `{"body":"正文","author":"UNKNOWN","date":"UNKNOWN"}`,
	}
	for name, s := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	report := filepath.Join(dir, "report.tsv")
	var out, errOut bytes.Buffer
	if err := run([]string{"-dir", dir, "-cjk", "-report", report}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "F1 ") {
		t.Fatalf("got %q, want an F1 line and a metadata line", out.String())
	}
	if want := "author 1/2 overlap 1 date 1/2 (UNKNOWN right: author 0/1, date 0/1)"; lines[1] != want {
		t.Errorf("got %q, want %q", lines[1], want)
	}
	rep, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(rep), "\tok\t张三\t张三\tok\t2005-07-31 12:30:00\t2005-07-31 12:30\n") {
		t.Errorf("report: got %q", rep)
	}
	// -misses lists the wrong fields, one line each, and only those.
	out.Reset()
	errOut.Reset()
	if err := run([]string{"-dir", dir, "-cjk", "-misses"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	var missLines []string
	for _, ln := range strings.Split(errOut.String(), "\n") {
		if strings.HasPrefix(ln, "author\t") || strings.HasPrefix(ln, "date\t") {
			missLines = append(missLines, ln)
		}
	}
	if len(missLines) != 2 || strings.Contains(errOut.String(), "\ta\t") {
		t.Errorf("misses: got %q", errOut.String())
	}
}

// TestHeldOut: with two sites, each held out in turn, a page whose body
// needs no rule scores the same held out; the ablation table lists every
// rule family.
func TestHeldOut(t *testing.T) {
	dir := t.TempDir()
	body := `<div class="story"><p>The first paragraph of the story, with words enough to count.</p><p>The second paragraph follows it, and it has words too.</p></div>`
	truth := `"body":"The first paragraph of the story, with words enough to count.\n\nThe second paragraph follows it, and it has words too."`
	for name, host := range map[string]string{"a": "a.example", "b": "b.example", "c": "www.b.example"} {
		page := `<html><head><title>T</title></head><body>` + body + `</body></html>`
		if err := os.WriteFile(filepath.Join(dir, name+".html"), []byte(page), 0o644); err != nil {
			t.Fatal(err)
		}
		js := `{"host":"` + host + `",` + truth + `}`
		if err := os.WriteFile(filepath.Join(dir, name+".json"), []byte(js), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ablation := filepath.Join(dir, "ablation.tsv")
	var out, errOut bytes.Buffer
	if err := run([]string{"-dir", dir, "-heldout", "-ablate", ablation}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	want := "F1 1.000 precision 1.000 recall 1.000 files 3\n" +
		"held-out (leave one site out of 2, rules chosen on the others): F1 1.000 precision 1.000 recall 1.000 files 3\n"
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
	tab, err := os.ReadFile(ablation)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(string(tab), "\n"); lines != 1+len(extract.Rules()) {
		t.Errorf("ablation table: %d lines, want a header and one per rule:\n%s", lines, tab)
	}
}

func TestSiteOf(t *testing.T) {
	tests := []struct {
		p    benchPage
		want string
	}{
		{benchPage{name: "x", raw: []byte(`<text id="http://cn.news.yahoo.com/a.html" title="t"><html>`)}, "yahoo.com"},
		{benchPage{name: "x", raw: []byte(`<a href="http://www.gov.cn/a">a</a><a href="https://news.hz.gov.cn/b">b</a><a href='http://www.hz.gov.cn/c'>c</a>`)}, "hz.gov.cn"},
		{benchPage{name: "x", raw: []byte(`<p>no links</p>`)}, "page:x"},
	}
	tests[0].p.truth.Host = ""
	for _, tt := range tests {
		if got := siteOf(&tt.p); got != tt.want {
			t.Errorf("siteOf(%.40q) = %q, want %q", tt.p.raw, got, tt.want)
		}
	}
	var p benchPage
	p.truth.Host = "www.edition.cnn.com"
	if got := siteOf(&p); got != "cnn.com" {
		t.Errorf("host: got %q", got)
	}
}

// TestHeldOutExposesOneSiteRule: a rule family that only one site needs
// is switched off when that site is held out, so the held-out line is
// lower than the dev line; the ablation table names the site it helps.
func TestHeldOutExposesOneSiteRule(t *testing.T) {
	dir := t.TempDir()
	story := `<p>The first paragraph of the story, with words enough to count, and a comma.</p><p>The second paragraph follows it, and it has words too, many of them.</p>`
	truth := `"body":"The first paragraph of the story, with words enough to count, and a comma.\n\nThe second paragraph follows it, and it has words too, many of them."`
	pages := map[string]struct{ host, extra string }{
		"a": {"a.example", `<p>(Reporting by John Smith; editing by Jane Doe)</p>`}, // only furniture-en drops it
		"b": {"b.example", ``},
		"c": {"c.example", ``},
	}
	for name, pg := range pages {
		page := `<html><head><title>T</title></head><body><div class="story">` + story + pg.extra + `</div></body></html>`
		if err := os.WriteFile(filepath.Join(dir, name+".html"), []byte(page), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".json"), []byte(`{"host":"`+pg.host+`",`+truth+`}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ablation := filepath.Join(dir, "ablation.tsv")
	var out, errOut bytes.Buffer
	if err := run([]string{"-dir", dir, "-heldout", "-ablate", ablation}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "F1 1.000 ") || strings.Contains(lines[1], "F1 1.000 ") {
		t.Errorf("want a perfect dev line and a lower held-out line, got:\n%s", out.String())
	}
	if !strings.Contains(errOut.String(), "held out a (a.example)") {
		t.Errorf("stderr does not name the page that changed:\n%s", errOut.String())
	}
	tab, err := os.ReadFile(ablation)
	if err != nil {
		t.Fatal(err)
	}
	var row string
	for _, ln := range strings.Split(string(tab), "\n") {
		if strings.HasPrefix(ln, "furniture-en\t") {
			row = ln
		}
	}
	if f := strings.Split(row, "\t"); len(f) < 9 || f[5] != "1" || f[7] != "a.example" || f[8] != "1/3" {
		t.Errorf("furniture-en row: %q", row)
	}
}
