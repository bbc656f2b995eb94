// Command extractbench scores the extractor on an extract-bench folder
// (pages NAME.html with ground truth NAME.json) with the benchmark's
// metric, printing one result line, and optionally a per-page report.
// When the truth labels author and date (the Chinese set), a second line
// scores the extracted metadata. With -heldout it also prints held-out
// scores: each site's pages are extracted with only the rule families
// that helped the other sites (see heldOutScores).
//
//	go run ./cmd/extractbench -dir ../shared/extract-bench/dev -heldout
//	go run ./cmd/extractbench -dir ../shared/extract-bench/zh-dev -cjk -report /tmp/zh.tsv
//	go run ./cmd/extractbench -dir ../shared/extract-bench/zh-dev -cjk -misses
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"riverside/internal/extract"
	"riverside/internal/extract/benchscore"
	"riverside/internal/extract/perturb"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "extractbench:", err)
		os.Exit(1)
	}
}

type scored struct {
	name   string
	page   benchscore.Page
	meta   metaScore
	method string // which path found the body (extract.Page.Method)
}

// benchPage is one page of the folder with its truth labels and the site
// it comes from (folds never split a site).
type benchPage struct {
	name, site string
	raw        []byte
	ctype      string // Content-Type to extract raw with ("" for the captured bytes)
	truth      struct {
		Body   string  `json:"body"`
		URL    string  `json:"url"`
		Host   string  `json:"host"`
		Author *string `json:"author"`
		Date   *string `json:"date"`
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("extractbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "benchmark folder with NAME.html and NAME.json")
	cjk := fs.Bool("cjk", false, "count every Han, Hiragana and Katakana character as a token")
	report := fs.String("report", "", "write a per-page TSV (name, P, R, F1, author and date got/want), worst first, to this file")
	out := fs.String("out", "", "write each extracted body to DIR/NAME.txt")
	heldOut := fs.Bool("heldout", false, "also score each site held out, with the rule families chosen on the other sites")
	ablate := fs.String("ablate", "", "write the per-rule ablation table (TSV: each rule switched off alone) to this file; needs -heldout")
	offList := fs.String("off", "", "comma-separated rule families to switch off (see -rules)")
	listRules := fs.Bool("rules", false, "list the rule families and exit")
	misses := fs.Bool("misses", false, "list on stderr every page whose author or date differs from its label, with both")
	perturbKind := fs.String("perturb", "", "rewrite every page's markup before extracting it (see internal/extract/perturb: "+perturbNames()+")")
	seed := fs.Int64("seed", 1, "seed of -perturb")
	lines := fs.Float64("lines", 0, "list on stderr, for every page scoring below this F1, the truth lines lost (-) and the extracted lines not in the truth (+)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *listRules {
		for _, r := range extract.Rules() {
			fmt.Fprintln(stdout, r)
		}
		return nil
	}
	if *dir == "" {
		return errors.New("-dir is required")
	}
	var off extract.RuleSet
	if *offList != "" {
		for _, name := range strings.Split(*offList, ",") {
			r, err := extract.ParseRule(name)
			if err != nil {
				return err
			}
			off = off.Add(r)
		}
	}
	pages, err := loadPages(*dir)
	if err != nil {
		return err
	}
	if *perturbKind != "" {
		k, err := perturb.ParseKind(*perturbKind)
		if err != nil {
			return err
		}
		if err := perturbPages(pages, k, *seed); err != nil {
			return err
		}
	}
	if *out != "" {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return err
		}
	}
	start := time.Now()
	results, texts := evaluate(pages, allIndexes(len(pages)), off, *cjk)
	elapsed := time.Since(start)
	if *out != "" {
		for i, p := range pages {
			if err := os.WriteFile(filepath.Join(*out, p.name+".txt"), []byte(texts[i]), 0o644); err != nil {
				return err
			}
		}
	}
	res := summarize(results)
	fmt.Fprintf(stdout, "F1 %.3f precision %.3f recall %.3f files %d\n", res.F1, res.Precision, res.Recall, res.Files)
	if ln := metaLine(metas(results)); ln != "" {
		fmt.Fprintln(stdout, ln)
	}
	fmt.Fprintf(stderr, "accuracy %.3f, %.0f pages/s, body found by %s\n", res.Accuracy, float64(len(pages))/elapsed.Seconds(), methodCounts(results))
	if *misses {
		writeMisses(stderr, results)
	}
	if *lines > 0 {
		writeLineDiffs(stderr, pages, results, texts, *lines)
	}
	if *heldOut {
		if err := heldOutScores(stdout, stderr, pages, results, off, *cjk, *ablate); err != nil {
			return err
		}
	}
	if *report != "" {
		return writeReport(*report, results)
	}
	return nil
}

// loadPages reads every NAME.html of dir with its NAME.json.
func loadPages(dir string) ([]benchPage, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.html"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no .html files in %s", dir)
	}
	pages := make([]benchPage, len(files))
	for i, f := range files {
		p := &pages[i]
		p.name = strings.TrimSuffix(filepath.Base(f), ".html")
		if p.raw, err = os.ReadFile(f); err != nil {
			return nil, err
		}
		js, err := os.ReadFile(strings.TrimSuffix(f, ".html") + ".json")
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(js, &p.truth); err != nil {
			return nil, fmt.Errorf("%s: %w", p.name, err)
		}
		p.site = siteOf(p)
	}
	return pages, nil
}

// evaluate extracts and scores the pages at idx with the rules in off
// switched off, on all cores; results and texts follow idx.
func evaluate(pages []benchPage, idx []int, off extract.RuleSet, cjk bool) ([]scored, []string) {
	results := make([]scored, len(idx))
	texts := make([]string, len(idx))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				p := &pages[idx[k]]
				page, err := extract.ExtractWith(p.raw, p.ctype, p.truth.URL, extract.Options{Off: off})
				pred, author, method := "", "", ""
				var published time.Time
				if err == nil {
					pred, author, published, method = page.Text, page.Author, page.Published, page.Method
				}
				texts[k] = pred
				results[k] = scored{p.name, benchscore.ScorePage(p.truth.Body, pred, cjk),
					scoreMeta(p.truth.Author, p.truth.Date, author, published), method}
			}
		}()
	}
	for k := range idx {
		next <- k
	}
	close(next)
	wg.Wait()
	return results, texts
}

// methodCounts says how many bodies each path found: "scored 88,
// structured 2, none 1".
func methodCounts(results []scored) string {
	n := map[string]int{}
	for _, r := range results {
		m := r.method
		if m == "" {
			m = "none"
		}
		n[m]++
	}
	keys := make([]string, 0, len(n))
	for k := range n {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, n[k])
	}
	return strings.Join(parts, ", ")
}

func allIndexes(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

func summarize(results []scored) benchscore.Result {
	pages := make([]benchscore.Page, len(results))
	for i, r := range results {
		pages[i] = r.page
	}
	return benchscore.Summarize(pages)
}

func metas(results []scored) []metaScore {
	m := make([]metaScore, len(results))
	for i, r := range results {
		m[i] = r.meta
	}
	return m
}

// writeMisses lists the pages whose extracted author or date differs
// from the label, one line per field:
//
//	date   NAME  got "2005-07-05 21:23:57"  want "2005-5-7 21:23:57"
func writeMisses(w io.Writer, results []scored) {
	for _, r := range results {
		m := r.meta
		if m.hasAuthor && !m.authorOK {
			fmt.Fprintf(w, "author\t%s\tgot %q\twant %q\n", r.name, m.gotAuthor, m.wantAuthor)
		}
		if m.hasDate && !m.dateOK {
			fmt.Fprintf(w, "date\t%s\tgot %q\twant %q\n", r.name, m.gotDate, m.wantDate)
		}
	}
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
