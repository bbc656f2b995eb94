// Command trafilatura scores Riverside's extractor and go-trafilatura side by
// side on the same benchmark pages in the same run: F1 with the benchmark's
// metric, and throughput on one core. go-trafilatura is a benchmark-only
// dependency: this is a module of its own so that it never enters the
// product's dependency graph.
//
//	cd bench/trafilatura && go run . -dir ../../../shared/extract-bench
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	trafilatura "github.com/markusmobius/go-trafilatura"

	"riverside/internal/charset"
	"riverside/internal/extract"
	"riverside/internal/extract/benchscore"
	"riverside/internal/news"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "trafilatura bench:", err)
		os.Exit(1)
	}
}

type page struct {
	name, url, truth string
	raw              []byte
}

type extractor struct {
	name string
	fn   func(p page) string
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("trafilatura", flag.ContinueOnError)
	dir := fs.String("dir", "../../../shared/extract-bench", "extract-bench folder (with dev/ and zh-dev/)")
	rounds := fs.Int("rounds", 3, "timed passes over each set")
	if err := fs.Parse(args); err != nil {
		return err
	}
	// Throughput is per core: one P, so neither side gains from parallel GC.
	runtime.GOMAXPROCS(1)

	exs := []extractor{
		{"riverside", func(p page) string {
			pg, err := extract.Extract(p.raw, "", p.url, news.Selectors{})
			if err != nil {
				return ""
			}
			return pg.Text
		}},
		{"go-trafilatura v1.12.2", func(p page) string {
			// Same decoding as Riverside's, so that GBK pages are fair.
			text, _ := charset.Decode(p.raw, "")
			opts := trafilatura.Options{EnableFallback: true}
			if u, err := url.Parse(p.url); err == nil && p.url != "" {
				opts.OriginalURL = u
			}
			res, err := trafilatura.Extract(strings.NewReader(text), opts)
			if err != nil || res == nil {
				return ""
			}
			return res.ContentText
		}},
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "set\textractor\tF1\tprecision\trecall\tpages/s (1 core)")
	for _, set := range []struct {
		sub string
		cjk bool
	}{{"dev", false}, {"zh-dev", true}} {
		pages, err := load(filepath.Join(*dir, set.sub))
		if err != nil {
			return err
		}
		rates := make([]float64, len(exs))
		for i, ex := range exs {
			scores := make([]benchscore.Page, len(pages))
			for j, p := range pages {
				scores[j] = benchscore.ScorePage(p.truth, ex.fn(p), set.cjk)
			}
			start := time.Now()
			for range *rounds {
				for _, p := range pages {
					ex.fn(p)
				}
			}
			rates[i] = float64(len(pages)**rounds) / time.Since(start).Seconds()
			res := benchscore.Summarize(scores)
			fmt.Fprintf(tw, "%s\t%s\t%.3f\t%.3f\t%.3f\t%.1f\n", set.sub, ex.name, res.F1, res.Precision, res.Recall, rates[i])
		}
		fmt.Fprintf(tw, "%s\tspeed ratio riverside / go-trafilatura\t\t\t\t%.2f×\n", set.sub, rates[0]/rates[1])
	}
	return tw.Flush()
}

func load(dir string) ([]page, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.html"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no pages in %s: %v", dir, err)
	}
	var pages []page
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		js, err := os.ReadFile(strings.TrimSuffix(f, ".html") + ".json")
		if err != nil {
			return nil, err
		}
		var truth struct {
			Body string `json:"body"`
			URL  string `json:"url"`
		}
		if err := json.Unmarshal(js, &truth); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		pages = append(pages, page{name: filepath.Base(f), url: truth.URL, truth: truth.Body, raw: raw})
	}
	return pages, nil
}
