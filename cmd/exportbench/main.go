// Command exportbench measures searchd's archive commands on a generated
// corpus: `searchd import` of a JSONL export, `searchd export` to JSONL and
// to WACZ, each run as its own process so that its peak resident memory
// (getrusage) is its own. It prints one table row per corpus size.
//
//	go run ./cmd/exportbench [-n 10000,100000] [-captures 10000] [-dir DIR] [-searchd bin/searchd]
//
// Articles are generated like the district portals' releases (a Chinese
// title, about 1,200 characters of text, 索引号 and 文号 fields); with
// -captures, the first articles also get a WARC capture of a rendered page,
// which the WACZ export copies.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"riverside/internal/capture"
	"riverside/internal/export"
	"riverside/internal/news"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "exportbench:", err)
		}
		stop()
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("exportbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sizes := fs.String("n", "10000,100000", "corpus `sizes`, comma-separated")
	captures := fs.Int("captures", 10000, "give WARC captures to corpora of at most this many articles (WACZ export measured on those)")
	dir := fs.String("dir", "", "work `directory` (default: a temporary one, removed at the end)")
	searchd := fs.String("searchd", "", "searchd `binary` (default: built into the work directory)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	work := *dir
	if work == "" {
		d, err := os.MkdirTemp("", "exportbench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		work = d
	}
	bin := *searchd
	if bin == "" {
		bin = filepath.Join(work, "searchd")
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/searchd")
		build.Stderr = stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build searchd: %w", err)
		}
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "articles\tjsonl MB\timport s\timport art/min\timport RSS MB\texport jsonl s\tjsonl MB/s\tjsonl RSS MB\twacz MB\twacz s\twacz art/s\twacz RSS MB\t")
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			return fmt.Errorf("-n: bad size %q", s)
		}
		row, err := measure(ctx, bin, filepath.Join(work, strconv.Itoa(n)), n, n <= *captures, stderr)
		if err != nil {
			return err
		}
		fmt.Fprintln(tw, row)
		tw.Flush()
	}
	return nil
}

// measure generates a corpus of n articles and times the commands on it.
func measure(ctx context.Context, bin, dir string, n int, withCaptures bool, stderr io.Writer) (string, error) {
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	src := filepath.Join(dir, "src")
	fmt.Fprintf(stderr, "generating %d articles…\n", n)
	input := filepath.Join(dir, "input.jsonl")
	if err := generate(ctx, input, filepath.Join(src, "warc"), n, withCaptures); err != nil {
		return "", err
	}
	data := filepath.Join(dir, "data")
	// The captures move with the corpus, as an archivist would copy them.
	if withCaptures {
		if err := os.MkdirAll(data, 0o755); err != nil {
			return "", err
		}
		if err := os.Rename(filepath.Join(src, "warc"), filepath.Join(data, "warc")); err != nil {
			return "", err
		}
	}
	in, _ := os.Stat(input)
	mb := func(b int64) float64 { return float64(b) / 1e6 }

	imp, err := timed(ctx, bin, "import", "-data", data, input)
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, "out.jsonl")
	exp, err := timed(ctx, bin, "export", "-data", data, "-format", "jsonl", "-o", out)
	if err != nil {
		return "", err
	}
	ob, _ := os.Stat(out)
	row := fmt.Sprintf("%d\t%.0f\t%.1f\t%.0f\t%.0f\t%.1f\t%.0f\t%.0f\t", n, mb(in.Size()),
		imp.wall.Seconds(), float64(n)/imp.wall.Minutes(), imp.rssMB,
		exp.wall.Seconds(), mb(ob.Size())/exp.wall.Seconds(), exp.rssMB)
	if !withCaptures {
		return row + "–\t–\t–\t–\t", nil
	}
	wout := filepath.Join(dir, "out.wacz")
	wz, err := timed(ctx, bin, "export", "-data", data, "-format", "wacz", "-o", wout)
	if err != nil {
		return "", err
	}
	wb, _ := os.Stat(wout)
	return row + fmt.Sprintf("%.0f\t%.1f\t%.0f\t%.0f\t", mb(wb.Size()), wz.wall.Seconds(), float64(n)/wz.wall.Seconds(), wz.rssMB), nil
}

type result struct {
	wall  time.Duration
	rssMB float64
}

// timed runs searchd with args and returns its wall time and peak RSS.
func timed(ctx context.Context, bin string, args ...string) (result, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	var errb strings.Builder
	cmd.Stderr = &errb
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return result{}, fmt.Errorf("searchd %s: %w\n%s", strings.Join(args, " "), err, errb.String())
	}
	r := result{wall: time.Since(start)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.rssMB = float64(ru.Maxrss) / 1024 // KiB on Linux
	}
	return r, nil
}

// generated yields synthetic articles without a store.
type generated struct {
	n        int
	captures *capture.Writer
}

var phrases = []string{
	"杭州高新区（滨江）", "萧山区人民政府", "数字经济", "物联网小镇", "生物医药产业", "高质量发展", "招商引资",
	"亚运会场馆", "钱塘江两岸", "科技创新", "营商环境", "人才引进", "城市更新", "共同富裕示范区",
	"区委区政府", "专项资金", "重点项目", "产业园区", "民生实事", "数字化改革",
}

func (g *generated) Versions(ctx context.Context, sel news.Selection, fn func(*news.Article, []string) error) error {
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2024, 1, 1, 9, 0, 0, 0, news.Shanghai)
	var sb strings.Builder
	for i := range g.n {
		if err := ctx.Err(); err != nil {
			return err
		}
		sb.Reset()
		for sb.Len() < 3600 { // about 1,200 Chinese characters
			sb.WriteString(phrases[rng.IntN(len(phrases))])
			if rng.IntN(6) == 0 {
				sb.WriteString("。\n\n")
			} else {
				sb.WriteString("，")
			}
		}
		text := sb.String()
		src := []string{"binjiang-news", "xiaoshan-news", "hhtz-tzgg", "xiaoshan-bmdt"}[i%4]
		u := fmt.Sprintf("https://www.example.gov.cn/%s/art/%d.html", src, i)
		a := &news.Article{
			Seq: int64(i + 1), ID: news.ArticleID(u), Version: 1, URL: u, SourceID: src,
			Districts: []string{[]string{news.Binjiang, news.Xiaoshan}[i%2]},
			Title:     fmt.Sprintf("%s%s工作推进会召开（第%d期）", phrases[rng.IntN(len(phrases))], phrases[rng.IntN(len(phrases))], i),
			Published: base.Add(time.Duration(i) * 37 * time.Minute), Author: "区融媒体中心", Publisher: "杭州高新区（滨江）",
			Lang: "zh", Text: text, Fetched: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second),
			Hash: news.TextHash(text), Fields: map[string]string{"索引号": fmt.Sprintf("002489%05d/2024-%05d", i%100000, i), "文号": fmt.Sprintf("区政发〔2024〕%d号", i%200)},
		}
		if g.captures != nil {
			page := "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + a.Title + "</title></head><body><h1>" + a.Title +
				"</h1><div class=\"article\"><p>" + strings.ReplaceAll(text, "\n\n", "</p><p>") + "</p></div></body></html>"
			c, err := g.captures.Write(capture.Exchange{
				URL: u, RequestHeader: http.Header{"User-Agent": {"Riverside bench"}}, Status: 200,
				ResponseHeader: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: []byte(page), Fetched: a.Fetched,
			})
			if err != nil {
				return err
			}
			a.Capture = c
		}
		if err := fn(a, nil); err != nil {
			return err
		}
	}
	return nil
}

// generate writes a JSONL export of n generated articles.
func generate(ctx context.Context, file, warcDir string, n int, withCaptures bool) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	g := &generated{n: n}
	if withCaptures {
		w, err := capture.Open(warcDir, capture.Options{})
		if err != nil {
			return err
		}
		defer w.Close()
		g.captures = w
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := export.Write(ctx, f, g, news.Selection{}, export.Options{Format: export.JSONL}); err != nil {
		return err
	}
	if g.captures != nil {
		if err := g.captures.Close(); err != nil {
			return err
		}
	}
	return f.Close()
}
