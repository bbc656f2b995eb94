// Package ingest runs one crawl pass over a source: discover article links,
// fetch the pages not yet stored, extract them, tag their districts and
// commit them to the store. It is the crawler's orchestration layer, between
// crawl (fetching), extract (reading pages) and store (keeping them).
package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"riverside/internal/crawl"
	"riverside/internal/extract"
	"riverside/internal/news"
	"riverside/internal/store"
)

// Store is what a pass needs of the store.
type Store interface {
	Known(ctx context.Context, id, url string) (bool, error)
	Put(ctx context.Context, a *news.Article) (store.Outcome, error)
	RecordPass(ctx context.Context, p store.Pass) error
	Page(ctx context.Context, url string) (store.Page, bool, error)
	PutPage(ctx context.Context, p store.Page) error
}

// Stats summarise one pass over one source.
type Stats struct {
	Source     string
	Discovered int // article links found
	Known      int // already seen and not due for a revisit: not asked for
	Fetched    int // article bodies fetched (a 304 is not one)
	New        int
	Updated    int // the text at a known URL changed: a new version
	Unchanged  int // revisited: 304, or the same text again
	Duplicate  int
	Filtered   int // outside the districts (require terms)
	Skipped    int // not fetched: robots.txt or allowed hosts forbid it
	Traps      int // list links left alone as crawler traps
	// Capped counts the article links left for a later pass once the
	// source's max_articles requests were made.
	Capped int
	// requested counts the article requests made, against max_articles.
	requested int
	// ListsUnchanged counts the list pages answered 304 to a conditional
	// GET (read again from the store).
	ListsUnchanged int
	Failed         int
	// Errors counts the failures by kind (errorKind: extract, http_5xx,
	// timeout, …).
	Errors  map[string]int
	Elapsed time.Duration
	// Err is the first error met, if any; a pass goes on after errors.
	Err error
	// Shared: the pass was shared with other workers through the
	// frontier, and these counters are this worker's share of it.
	Shared bool
}

// Progress receives a line per article handled, for a terminal display.
type Progress func(source string, done, total int, url string)

// Ingester runs crawl passes.
type Ingester struct {
	Store     Store
	Logger    *slog.Logger
	UserAgent string
	// Progress, when set, is told of every article link handled.
	Progress Progress
	// Now gives the time of a fetch; nil means time.Now.
	Now func() time.Time
	// Record, when set, keeps the raw capture of every response (WARC).
	Record func(*crawl.Response) (news.Capture, error)
	// Fetch are the session options common to every source (timeout,
	// body limit, retries, host gate); UserAgent and Record above, and
	// the source's delay and allowed hosts, are filled in per pass.
	Fetch crawl.Options
	// Frontier, when set, shares each pass with the other crawler
	// workers on it (see shared.go); nil crawls alone, in process.
	Frontier Frontier
	// Round, with a Frontier, names the round a pass belongs to, so that a
	// worker late for a round finds it done instead of crawling again
	// (the daemon gives the scheduled minute); nil or "": no round.
	Round func() string
}

// maxContinuation bounds the pages of one multi-page article.
const maxContinuation = 20

// Pass crawls src once.
func (in *Ingester) Pass(ctx context.Context, src news.Source) (st Stats) {
	start := time.Now()
	st.Source = src.ID
	fail := func(err error) {
		st.Failed++
		if st.Errors == nil {
			st.Errors = map[string]int{}
		}
		st.Errors[errorKind(err)]++
		if st.Err == nil {
			st.Err = err
		}
	}
	defer func() {
		st.Elapsed = time.Since(start)
		in.record(src, st)
	}()

	articleRE, err := regexp.Compile(src.ArticleURL)
	if err != nil {
		fail(fmt.Errorf("source %s: article_url: %w", src.ID, err))
		return st
	}
	opts := in.Fetch
	if in.UserAgent != "" {
		opts.UserAgent = in.UserAgent
	}
	if in.Record != nil {
		opts.Record = in.Record
	}
	opts.Delay = src.Delay
	opts.Allow = crawl.Hosts(src, articleRE)
	sess, err := crawl.NewSession(ctx, opts)
	if err != nil {
		fail(err)
		return st
	}
	dc := &crawl.Discoverer{Session: sess, ArticleURL: articleRE, MaxPages: src.MaxPages, Now: in.Now, Lists: in.lists(src)}
	defer func() { st.Traps, st.ListsUnchanged = dc.Traps, dc.ListsUnchanged }()
	defer in.pruneLists(ctx, src)
	if in.Frontier != nil {
		in.shared(ctx, sess, dc, src, &st, fail)
		return st
	}
	var links []crawl.Link
	seen := map[string]bool{}
	for _, d := range src.Discovery {
		for _, l := range in.discover(ctx, dc, src, d, &st, fail) {
			if !seen[l.URL] {
				seen[l.URL] = true
				links = append(links, l)
			}
		}
	}
	st.Discovered = len(links)
	for i, l := range links {
		if ctx.Err() != nil {
			fail(ctx.Err())
			break
		}
		if in.Progress != nil {
			in.Progress(src.ID, i+1, len(links), l.URL)
		}
		in.article(ctx, sess, src, l, &st, fail)
	}
	return st
}

func (in *Ingester) article(ctx context.Context, sess *crawl.Session, src news.Source, l crawl.Link, st *Stats, fail func(error)) {
	id := news.ArticleID(l.URL)
	known, err := in.Store.Known(ctx, id, l.URL)
	if err != nil {
		fail(err)
		return
	}
	page, seen, err := in.Store.Page(ctx, l.URL)
	if err != nil {
		fail(err)
		return
	}
	now := in.now()
	answered := seen && (page.Status == http.StatusOK || page.Status == http.StatusNotModified)
	validators := crawl.Validators{ETag: page.ETag, LastModified: page.LastModified}
	due := src.Revisit == 0 || now.Sub(page.Fetched) >= src.Revisit
	switch {
	case known && !seen:
		// Stored before crawl state was kept (or a crash came between the
		// two writes): fetch once to learn the validators.
	case known && (validators == crawl.Validators{} || !due):
		// An article is revisited only where the server gave validators
		// (a conditional GET costs it next to nothing), and only once per
		// revisit interval. Pinned items, on every list, land here.
		st.Known++
		return
	case !known && answered && !due:
		// Fetched before and not an article (filtered, not found, a
		// repost): not again before the revisit interval.
		st.Known++
		return
	}
	if !answered {
		validators = crawl.Validators{}
	}
	if src.MaxArticles > 0 && st.requested >= src.MaxArticles {
		st.Capped++
		return
	}
	st.requested++
	resp, err := sess.GetIf(ctx, l.URL, validators)
	if crawl.Skipped(err) {
		in.logger().Debug("fetch skipped", "source", src.ID, "url", l.URL, "err", err)
		st.Skipped++
		return
	}
	if err != nil {
		in.logger().Warn("fetch failed", "source", src.ID, "url", l.URL, "err", err)
		failed := page
		failed.URL, failed.SourceID, failed.Fetched, failed.Status = l.URL, src.ID, now, 0
		var se *crawl.StatusError
		if errors.As(err, &se) {
			failed.Status = se.Status
		}
		in.putPage(ctx, failed, fail)
		fail(err)
		return
	}
	if resp.NotModified() {
		st.Unchanged++
		page.Status, page.Fetched = http.StatusNotModified, now
		in.putPage(ctx, page, fail)
		return
	}
	st.Fetched++
	visit := store.Page{URL: l.URL, SourceID: src.ID, Status: resp.Status, Fetched: now,
		ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}
	a, err := in.read(ctx, sess, src, l, resp)
	if err != nil {
		in.logger().Warn("extract failed", "source", src.ID, "url", l.URL, "err", err)
		in.putPage(ctx, visit, fail)
		fail(err)
		return
	}
	if !concerns(src, a) {
		st.Filtered++
		in.putPage(ctx, visit, fail)
		return
	}
	var undo func()
	if !known {
		if undo, err = in.markNearDuplicate(ctx, a); err != nil {
			fail(err)
			return
		}
	}
	outcome, err := in.Store.Put(ctx, a)
	if undo != nil && (err != nil || outcome != store.New) {
		undo()
	}
	if err != nil {
		fail(err)
		return
	}
	visit.Hash = a.Hash
	in.putPage(ctx, visit, fail)
	switch outcome {
	case store.New:
		st.New++
	case store.Updated:
		st.Updated++
	case store.Unchanged:
		st.Unchanged++
	case store.Duplicate:
		st.Duplicate++
	}
	in.logger().Debug("article", "source", src.ID, "url", l.URL, "outcome", outcome.String(), "seq", a.Seq)
}

func (in *Ingester) putPage(ctx context.Context, p store.Page, fail func(error)) {
	if err := in.Store.PutPage(ctx, p); err != nil {
		fail(err)
	}
}

// read extracts an article page, fetching and joining its continuation
// pages in order.
func (in *Ingester) read(ctx context.Context, sess *crawl.Session, src news.Source, l crawl.Link, resp *crawl.Response) (*news.Article, error) {
	page, err := extract.Extract(resp.Body, resp.ContentType(), l.URL, src.Selectors)
	if err != nil {
		return nil, err
	}
	text := page.Text
	for i, next := range page.Next {
		if i >= maxContinuation {
			break
		}
		r, err := sess.Get(ctx, next)
		if err != nil {
			return nil, fmt.Errorf("continuation page %s: %w", next, err)
		}
		p, err := extract.Extract(r.Body, r.ContentType(), next, src.Selectors)
		if err != nil {
			return nil, fmt.Errorf("continuation page %s: %w", next, err)
		}
		if p.Text != "" {
			text += "\n\n" + p.Text
		}
	}
	if strings.TrimSpace(text) == "" {
		return nil, errors.New("no article text")
	}
	if softNotFound(page.Title, text) {
		return nil, ErrSoftNotFound
	}
	title := page.Title
	if title == "" {
		title = l.Title
	}
	published := page.Published
	if published.IsZero() {
		published = listDate(l.Date)
	}
	lang := page.Lang
	if lang == "" {
		lang = src.Lang
	}
	a := &news.Article{
		ID:        news.ArticleID(l.URL),
		URL:       l.URL,
		SourceID:  src.ID,
		Title:     title,
		Published: published,
		Author:    page.Author,
		Publisher: page.Source,
		Lang:      lang,
		Text:      text,
		Fetched:   in.now(),
		Hash:      news.TextHash(strings.Join(strings.Fields(text), " ")),
		Fields:    page.Fields,
		Capture:   resp.Capture,
	}
	a.Districts = Districts(src.District, title+"\n"+text)
	return a, nil
}

// ErrSoftNotFound is a page answered 200 whose text says it does not
// exist: never an article.
var ErrSoftNotFound = errors.New("ingest: soft 404: the page says it does not exist")

// notFoundPhrases are what "page not found" pages say, in both languages.
var notFoundPhrases = []string{"页面不存在", "页面未找到", "找不到该页面", "您访问的页面", "信息已删除", "文章不存在",
	"404 not found", "page not found", "page does not exist", "page you requested"}

// softNotFoundMax is the length (in runes) below which a page saying
// "not found" is taken at its word; a long article may quote the phrase.
const softNotFoundMax = 300

func softNotFound(title, text string) bool {
	if utf8.RuneCountInString(text) > softNotFoundMax {
		return false
	}
	hay := strings.ToLower(title + "\n" + text)
	for _, p := range notFoundPhrases {
		if strings.Contains(hay, p) {
			return true
		}
	}
	return false
}

// OK tells whether the pass crawled anything: a pass with some failures
// still counts as a success, one that reached nothing does not.
func (st Stats) OK() bool {
	reached := st.Known + st.New + st.Updated + st.Unchanged + st.Duplicate + st.Filtered + st.Skipped
	return st.Err == nil || reached > 0
}

// record keeps the pass in the store for source health. It uses a context
// of its own so that a pass cut short by shutdown is still recorded.
func (in *Ingester) record(src news.Source, st Stats) {
	p := store.Pass{
		SourceID: src.ID, Name: src.Name, District: src.District, Finished: in.now(), OK: st.OK(),
		Stats: map[string]int{"discovered": st.Discovered, "known": st.Known, "fetched": st.Fetched, "new": st.New,
			"updated": st.Updated, "unchanged": st.Unchanged, "duplicate": st.Duplicate, "filtered": st.Filtered, "skipped": st.Skipped, "traps": st.Traps, "failed": st.Failed,
			"lists_unchanged": st.ListsUnchanged, "capped": st.Capped},
	}
	for kind, n := range st.Errors {
		p.Stats["error_"+kind] = n
	}
	if st.Err != nil {
		p.Error = st.Err.Error()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := in.Store.RecordPass(ctx, p); err != nil {
		in.logger().Error("recording pass", "source", src.ID, "err", err)
	}
}

func (in *Ingester) logger() *slog.Logger {
	if in.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return in.Logger
}

func (in *Ingester) now() time.Time {
	if in.Now != nil {
		return in.Now()
	}
	return time.Now()
}

// concerns applies a source's require list: city-wide sources keep only
// the articles that name one of the terms.
func concerns(src news.Source, a *news.Article) bool {
	if len(src.Require) == 0 {
		return true
	}
	hay := strings.ToLower(a.Title + "\n" + a.Text)
	for _, term := range src.Require {
		if strings.Contains(hay, strings.ToLower(term)) {
			return true
		}
	}
	return false
}

var listDateRE = regexp.MustCompile(`(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})`)

// listDate reads the date a list gave an item, as a last resort.
func listDate(s string) time.Time {
	m := listDateRE.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}
	}
	t, err := time.ParseInLocation("2006-1-2", m[1]+"-"+m[2]+"-"+m[3], news.Shanghai)
	if err != nil || t.After(time.Now().Add(24*time.Hour)) || t.Year() < 1990 {
		return time.Time{}
	}
	return t
}

// discover runs one discovery entry of src and returns the links it
// found. A skipped entry (robots.txt, say) is counted; a failed one is
// reported to fail. Either is logged.
func (in *Ingester) discover(ctx context.Context, dc *crawl.Discoverer, src news.Source, d news.Discovery, st *Stats, fail func(error)) []crawl.Link {
	found, err := dc.Discover(ctx, d)
	switch {
	case crawl.Skipped(err):
		in.logger().Info("discovery skipped", "source", src.ID, "kind", d.Kind, "url", d.URL, "err", err)
		st.Skipped++
	case err != nil:
		in.logger().Warn("discovery failed", "source", src.ID, "kind", d.Kind, "url", d.URL, "err", err)
		fail(err)
	}
	return found
}
