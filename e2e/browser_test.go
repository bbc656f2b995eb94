package e2e

import (
	"bytes"
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// chromiumPath is where Debian's chromium package puts the browser; CI
// installs it (with fonts-noto-cjk, without which Chinese renders as
// boxes in screenshots).
const chromiumPath = "/usr/bin/chromium"

// browser runs headless Chromium, one fresh profile per run.
type browser struct {
	path string
}

// newBrowser finds Chromium. Without it the browser tests are skipped on
// a workstation but fail in CI, which installs it.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("no browser: %v (set CI=true to make this a failure)", err)
		}
		t.Fatalf("no browser in CI: %v", err)
	}
	return &browser{path: chromiumPath}
}

// run runs Chromium on u with extra arguments and returns its stdout.
func (b *browser) run(t *testing.T, u string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	all := append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--no-first-run", "--disable-sync", "--hide-scrollbars",
		"--user-data-dir=" + t.TempDir(),
	}, args...)
	cmd := exec.CommandContext(ctx, b.path, append(all, u)...)
	// Chromium starts helper processes: on timeout, end the whole group.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", u, err, tail(errb.String(), 2000))
	}
	return out.String()
}

// dom loads u and returns the document as the browser built it.
func (b *browser) dom(t *testing.T, u string) string {
	t.Helper()
	d := b.run(t, u, "--dump-dom")
	if !strings.Contains(d, "</html>") {
		t.Fatalf("%s: no document:\n%s", u, tail(d, 2000))
	}
	return d
}

// screenshot saves a PNG of u as the browser shows it in a window of
// size "W,H" and returns its path.
func (b *browser) screenshot(t *testing.T, u, name, size string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), name)
	b.run(t, u, "--screenshot="+file, "--window-size="+size)
	png, err := os.ReadFile(file)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) || len(png) < 10_000 {
		t.Fatalf("screenshot of %s: %d bytes, %v", u, len(png), err)
	}
	// For a person to look at, RIVERSIDE_SCREENSHOTS=DIR keeps a copy
	// after the test's temporary directory is gone.
	if keep := os.Getenv("RIVERSIDE_SCREENSHOTS"); keep != "" {
		file = filepath.Join(keep, name)
		if err := os.WriteFile(file, png, 0o644); err != nil {
			t.Error(err)
		}
	}
	t.Logf("screenshot of %s: %s", u, file)
	return file
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// What the pages are made of, as Chromium serialises them.
var (
	hitRE     = regexp.MustCompile(`(?s)<article class="hit">(.*?)</article>`)
	metaRE    = regexp.MustCompile(`<p class="meta">(\d{4}-\d{2}-\d{2} \d{2}:\d{2}|undated) · `)
	detailsRE = regexp.MustCompile(`<a href="(/articles/[^"]+)">details</a>`)
	titleRE   = regexp.MustCompile(`(?s)<h3><a href="([^"]+)"[^>]*>(.*?)</a></h3>`)
	barRE     = regexp.MustCompile(`<a href="(/\?[^"]*)"[^>]*><title>(\d{4}-\d{2}): (\d+) articles?</title>`)
	summaryRE = regexp.MustCompile(`<p class="summary">(\d+) results?`)
	undatedRE = regexp.MustCompile(` · (\d+) undated`)
)

// status is the HTTP status of GET u (Chromium does not tell it).
func status(t *testing.T, u string) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestBrowser looks at the web UI through a real browser: the search page
// with its timeline, a month chosen on it, English results, a malformed
// query and an article's page.
func TestBrowser(t *testing.T) {
	b := newBrowser(t)
	dir := t.TempDir()
	mirrorURL, sources := startMirror(t, dir)
	data := filepath.Join(dir, "data")
	crawlOnce(t, sources, data)
	sd := start(t, "searchd", "-addr", "127.0.0.1:0", "-data", data, "-index", filepath.Join(dir, "index"))
	base := "http://" + sd.listenAddr(t)
	waitIndexed(t, base, 60)

	searchURL := base + "/?q=" + url.QueryEscape("滨江")
	page := b.dom(t, searchURL)

	t.Run("search", func(t *testing.T) {
		hits := hitRE.FindAllStringSubmatch(page, -1)
		marked := 0
		for _, h := range hits {
			if strings.Contains(h[1], "<mark>滨江</mark>") {
				marked++
			}
		}
		if len(hits) < 5 || marked < 5 {
			t.Errorf("%d results, %d with 滨江 in <mark>; want at least 5", len(hits), marked)
		}
		if !strings.Contains(page, `<figure class="timeline"`) || !strings.Contains(page, "<svg") {
			t.Error("no timeline chart")
		}
		bars := barRE.FindAllStringSubmatch(page, -1)
		if len(bars) < 1 {
			t.Fatalf("no month links in the timeline")
		}
		sum := 0
		for _, bar := range bars {
			n, _ := strconv.Atoi(bar[3])
			sum += n
		}
		t.Logf("%d results, %d with <mark>, %d months linked counting %d articles", len(hits), marked, len(bars), sum)
		if m := undatedRE.FindStringSubmatch(page); m != nil {
			sum += atoi(m[1])
		}
		total := summaryRE.FindStringSubmatch(page)
		if total == nil || strconv.Itoa(sum) != total[1] {
			t.Errorf("the bars and the undated count %d articles, the page %v", sum, total)
		}
		b.screenshot(t, searchURL, "search.png", "1280,2000")
		b.screenshot(t, searchURL, "search-narrow.png", "390,1600")
	})

	t.Run("month from the timeline", func(t *testing.T) {
		bars := barRE.FindAllStringSubmatch(page, -1)
		if len(bars) == 0 {
			t.Skip("no timeline")
		}
		// The busiest month.
		bar := bars[0]
		for _, x := range bars {
			if atoi(x[3]) > atoi(bar[3]) {
				bar = x
			}
		}
		u := base + html.UnescapeString(bar[1])
		got := b.dom(t, u)
		total := summaryRE.FindStringSubmatch(got)
		if total == nil || total[1] != bar[3] {
			t.Errorf("%s: %v results, the bar said %s", u, total, bar[3])
		}
		dates := metaRE.FindAllStringSubmatch(got, -1)
		if len(dates) == 0 || len(dates) != len(hitRE.FindAllString(got, -1)) {
			t.Fatalf("%d dates for %d results", len(dates), len(hitRE.FindAllString(got, -1)))
		}
		t.Logf("%s: %d results", bar[2], len(dates))
		for _, d := range dates {
			if !strings.HasPrefix(d[1], bar[2]+"-") {
				t.Errorf("result of %s in the results of %s", d[1], bar[2])
			}
		}
		// The month chosen is marked on the chart, and the query kept.
		if !strings.Contains(got, `class="active" aria-current="true"><title>`+bar[2]) {
			t.Errorf("the chosen month %s is not marked", bar[2])
		}
		if !strings.Contains(got, `value="滨江"`) {
			t.Error("the query was lost")
		}
	})

	t.Run("English", func(t *testing.T) {
		u := base + "/?q=Binjiang&lang=en"
		got := b.dom(t, u)
		hits := hitRE.FindAllStringSubmatch(got, -1)
		if len(hits) < 1 {
			t.Fatalf("no English results for Binjiang")
		}
		marked := 0
		for _, h := range hits {
			if !strings.Contains(h[1], " · en · ") {
				t.Errorf("result is not English:\n%s", h[1])
			}
			if strings.Contains(strings.ToLower(h[1]), "<mark>binjiang</mark>") {
				marked++
			}
		}
		if marked == 0 {
			t.Error("no result has Binjiang marked")
		}
		if !strings.Contains(got, `<option value="en" selected="">`) {
			t.Error("the language filter is not shown as chosen")
		}
		b.screenshot(t, u, "english.png", "1280,2000")
	})

	t.Run("malformed query", func(t *testing.T) {
		u := base + "/?q=%22unclosed"
		if code := status(t, u); code != http.StatusBadRequest {
			t.Errorf("HTTP %d, want 400", code)
		}
		got := b.dom(t, u)
		for _, want := range []string{`role="alert"`, "That query can't be read", "at position ", `<span class="at">`} {
			if !strings.Contains(got, want) {
				t.Errorf("error page lacks %s", want)
			}
		}
		if hitRE.MatchString(got) {
			t.Error("the error page shows results")
		}
		b.screenshot(t, u, "bad-query.png", "1280,900")
	})

	t.Run("article", func(t *testing.T) {
		d := detailsRE.FindStringSubmatch(page)
		tm := titleRE.FindStringSubmatch(page)
		if d == nil || tm == nil {
			t.Fatalf("no details link or title in the results")
		}
		u := base + html.UnescapeString(d[1])
		got := b.dom(t, u)
		for _, want := range []string{
			`<h2 class="title">` + tm[2] + `</h2>`,
			`<a href="` + tm[1] + `" rel="noopener noreferrer" class="url">`,
			"<dt>Published</dt>", "<dt>Source</dt>", "<dt>Language</dt><dd>中文 (zh)</dd>",
			`<a href="/">‹ Back to the search</a>`,
		} {
			if !strings.Contains(got, want) {
				t.Errorf("article page lacks %s", want)
			}
		}
		if !strings.HasPrefix(html.UnescapeString(tm[1]), mirrorURL) {
			t.Errorf("original %s is not on the mirror", tm[1])
		}
		if n := strings.Count(got, "<p>"); n < 2 {
			t.Errorf("%d paragraphs of text, want several", n)
		}
		b.screenshot(t, u, "article.png", "1280,2000")
		if code := status(t, base+"/articles/nope"); code != http.StatusNotFound {
			t.Errorf("unknown article: HTTP %d, want 404", code)
		}
	})
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
