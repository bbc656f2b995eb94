// Command extractbench scores the extractor on an extract-bench folder
// (pages NAME.html with ground truth NAME.json) with the benchmark's
// metric, printing one result line, and optionally a per-page report.
// When the truth labels author and date (the Chinese set), a second line
// scores the extracted metadata.
//
//	go run ./cmd/extractbench -dir ../shared/extract-bench/dev
//	go run ./cmd/extractbench -dir ../shared/extract-bench/zh-dev -cjk -report /tmp/zh.tsv
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"riverside/internal/extract"
	"riverside/internal/extract/benchscore"
	"riverside/internal/news"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "extractbench:", err)
		os.Exit(1)
	}
}

type scored struct {
	name string
	page benchscore.Page
	meta metaScore
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("extractbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "benchmark folder with NAME.html and NAME.json")
	cjk := fs.Bool("cjk", false, "count every Han, Hiragana and Katakana character as a token")
	report := fs.String("report", "", "write a per-page TSV (name, P, R, F1, author and date got/want), worst first, to this file")
	out := fs.String("out", "", "write each extracted body to DIR/NAME.txt")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		return errors.New("-dir is required")
	}
	files, err := filepath.Glob(filepath.Join(*dir, "*.html"))
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("no .html files in %s", *dir)
	}
	if *out != "" {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return err
		}
	}
	var results []scored
	var elapsed time.Duration
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".html")
		raw, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		js, err := os.ReadFile(strings.TrimSuffix(f, ".html") + ".json")
		if err != nil {
			return err
		}
		var truth struct {
			Body   string  `json:"body"`
			URL    string  `json:"url"`
			Author *string `json:"author"`
			Date   *string `json:"date"`
		}
		if err := json.Unmarshal(js, &truth); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		start := time.Now()
		page, err := extract.Extract(raw, "", truth.URL, news.Selectors{})
		elapsed += time.Since(start)
		pred, author := "", ""
		var published time.Time
		if err == nil {
			pred, author, published = page.Text, page.Author, page.Published
		}
		if *out != "" {
			if err := os.WriteFile(filepath.Join(*out, name+".txt"), []byte(pred), 0o644); err != nil {
				return err
			}
		}
		results = append(results, scored{name, benchscore.ScorePage(truth.Body, pred, *cjk),
			scoreMeta(truth.Author, truth.Date, author, published)})
	}
	pages := make([]benchscore.Page, len(results))
	for i, r := range results {
		pages[i] = r.page
	}
	res := benchscore.Summarize(pages)
	fmt.Fprintf(stdout, "F1 %.3f precision %.3f recall %.3f files %d\n", res.F1, res.Precision, res.Recall, res.Files)
	metas := make([]metaScore, len(results))
	for i, r := range results {
		metas[i] = r.meta
	}
	if ln := metaLine(metas); ln != "" {
		fmt.Fprintln(stdout, ln)
	}
	fmt.Fprintf(stderr, "accuracy %.3f, %.0f pages/s\n", res.Accuracy, float64(len(files))/elapsed.Seconds())
	if *report != "" {
		return writeReport(*report, results)
	}
	return nil
}

// writeReport writes name, precision, recall and F1 per page, worst F1
// first, then (for the Chinese set) the author and date extracted and
// labelled, each with "ok" or "MISS".
func writeReport(path string, results []scored) error {
	sort.SliceStable(results, func(i, j int) bool { return results[i].page.F1() < results[j].page.F1() })
	var b strings.Builder
	b.WriteString("name\tprecision\trecall\tf1\tauthor\tauthor_got\tauthor_want\tdate\tdate_got\tdate_want\n")
	verdict := func(has, ok bool) string {
		switch {
		case !has:
			return ""
		case ok:
			return "ok"
		}
		return "MISS"
	}
	for _, r := range results {
		m := r.meta
		fmt.Fprintf(&b, "%s\t%.3f\t%.3f\t%.3f\t%s\t%s\t%s\t%s\t%s\t%s\n", r.name, r.page.Precision, r.page.Recall, r.page.F1(),
			verdict(m.hasAuthor, m.authorOK), tsvField(m.gotAuthor), tsvField(m.wantAuthor),
			verdict(m.hasDate, m.dateOK), m.gotDate, tsvField(m.wantDate))
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// tsvField keeps a value on one TSV cell.
func tsvField(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
