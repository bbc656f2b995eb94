package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"riverside/internal/crawl"
	"riverside/internal/news"
)

// Frontier shares the passes over a source between crawler workers (on
// one or more machines), so that each page is fetched once per pass
// across all of them. Items are opaque strings queued under a key (their
// URL) that the pass remembers: an item found twice is queued once. A
// worker's leased items return to the queue when it dies (lease expiry).
// internal/queue provides one on Redis.
type Frontier interface {
	// Join enters the source's pass under way, or the one of round (if
	// not empty) even when over, or starts one seeded with items.
	Join(ctx context.Context, source, round string, keys, items []string) (pass string, done bool, err error)
	// Add queues the items whose keys the pass has not seen.
	Add(ctx context.Context, pass string, keys, items []string) (added int, err error)
	// Lease takes an item, waiting while other workers hold the rest;
	// "" means the pass is over.
	Lease(ctx context.Context, pass string) (item string, err error)
	// Ack says a leased item is handled.
	Ack(ctx context.Context, pass, item string) error
	// Release gives the items still held back to the queue at once.
	Release(ctx context.Context, pass string) error
}

// task is one item of a shared pass: a discovery entry of the source (by
// its index), a following page of an html-list entry, or an article link.
type task struct {
	Discovery *int        `json:"d,omitempty"`
	Page      *listPage   `json:"p,omitempty"`
	Link      *crawl.Link `json:"l,omitempty"`
}

// listPage is page N (from 0) of the source's html-list entry D: list
// pages are items of their own, so that workers start on the articles of
// the first page while another reads the second, and a worker killed in
// a long list loses one page, not the walk.
type listPage struct {
	D   int    `json:"d"`
	URL string `json:"u"`
	N   int    `json:"n"`
}

// shared runs the worker's share of a pass through the frontier: the
// source's discovery entries are the pass's first items; the article
// links each one finds are queued behind them, once however many entries
// or workers find them; every worker takes items until none are left.
func (in *Ingester) shared(ctx context.Context, sess *crawl.Session, dc *crawl.Discoverer, src news.Source, st *Stats, fail func(error)) {
	st.Shared = true
	var keys, items []string
	for i := range src.Discovery {
		it, err := json.Marshal(task{Discovery: &i})
		if err != nil {
			fail(err)
			return
		}
		// An html-list's first page has the key its following pages get,
		// so that a list leading back to its start ends there.
		keys = append(keys, "list:"+strconv.Itoa(i)+":"+src.Discovery[i].URL)
		items = append(items, string(it))
	}
	round := ""
	if in.Round != nil {
		round = in.Round()
	}
	pass, done, err := in.Frontier.Join(ctx, src.ID, round, keys, items)
	if err != nil {
		fail(err)
		return
	}
	if done {
		in.logger().Info("pass already done by other workers", "source", src.ID, "pass", pass, "round", round)
		return
	}
	in.logger().Debug("joined shared pass", "source", src.ID, "pass", pass, "round", round)
	defer func() {
		// Stopped early (shutdown): the others need not wait for our leases.
		if ctx.Err() != nil {
			if err := in.Frontier.Release(ctx, pass); err != nil {
				in.logger().Warn("releasing leased items", "source", src.ID, "pass", pass, "err", err)
			}
		}
	}()
	handled := 0
	for {
		item, err := in.Frontier.Lease(ctx, pass)
		if err != nil {
			fail(fmt.Errorf("frontier: %w", err))
			return
		}
		if item == "" {
			return
		}
		var t task
		if err := json.Unmarshal([]byte(item), &t); err != nil {
			fail(fmt.Errorf("frontier: item %q: %w", item, err))
		} else if err := in.handle(ctx, sess, dc, src, pass, t, st, fail); err != nil {
			fail(err)
			return
		}
		if ctx.Err() != nil {
			// Not acked: cut short, it goes back to the queue.
			fail(ctx.Err())
			return
		}
		if err := in.Frontier.Ack(ctx, pass, item); err != nil {
			// The lease ran out while we worked (a frozen worker): the
			// item may have been handled twice; the store dedupes.
			in.logger().Warn("frontier ack", "source", src.ID, "pass", pass, "err", err)
		}
		handled++
		if in.Progress != nil && t.Link != nil {
			in.Progress(src.ID, handled, max(handled, st.Discovered), t.Link.URL)
		}
	}
}

// handle works on one item; an error stops the worker's share (the
// frontier failed), failures of the item itself are counted in st.
func (in *Ingester) handle(ctx context.Context, sess *crawl.Session, dc *crawl.Discoverer, src news.Source, pass string, t task, st *Stats, fail func(error)) error {
	switch {
	case t.Link != nil:
		in.article(ctx, sess, src, *t.Link, st, fail)
		return nil
	case t.Page != nil && t.Page.D >= 0 && t.Page.D < len(src.Discovery):
		return in.listPage(ctx, dc, src, pass, *t.Page, st, fail)
	case t.Discovery != nil && *t.Discovery >= 0 && *t.Discovery < len(src.Discovery):
		d := src.Discovery[*t.Discovery]
		if d.Kind == news.KindHTMLList {
			return in.listPage(ctx, dc, src, pass, listPage{D: *t.Discovery, URL: d.URL}, st, fail)
		}
		return in.addLinks(ctx, pass, in.discover(ctx, dc, src, d, st, fail), st)
	}
	fail(errors.New("frontier: item names no discovery entry of the source and no link"))
	return nil
}

// listPage reads one page of an html-list entry, queues its article links
// and then the following page, up to the source's max_pages.
func (in *Ingester) listPage(ctx context.Context, dc *crawl.Discoverer, src news.Source, pass string, p listPage, st *Stats, fail func(error)) error {
	d := src.Discovery[p.D]
	found, next, err := dc.ListPage(ctx, d, p.URL)
	switch {
	case crawl.Skipped(err):
		in.logger().Info("discovery skipped", "source", src.ID, "kind", d.Kind, "url", p.URL, "err", err)
		st.Skipped++
	case err != nil:
		in.logger().Warn("discovery failed", "source", src.ID, "kind", d.Kind, "url", p.URL, "err", err)
		fail(err)
	}
	if err := in.addLinks(ctx, pass, found, st); err != nil {
		return err
	}
	if next == "" || p.N+1 >= max(src.MaxPages, 1) {
		return nil
	}
	it, err := json.Marshal(task{Page: &listPage{D: p.D, URL: next, N: p.N + 1}})
	if err != nil {
		return err
	}
	// Keyed by URL: a list whose pages lead back to one already read
	// ends there.
	if _, err := in.Frontier.Add(ctx, pass, []string{"list:" + strconv.Itoa(p.D) + ":" + next}, []string{string(it)}); err != nil {
		return fmt.Errorf("frontier: %w", err)
	}
	return nil
}

// addLinks queues article links not yet seen in the pass.
func (in *Ingester) addLinks(ctx context.Context, pass string, found []crawl.Link, st *Stats) error {
	keys := make([]string, 0, len(found))
	items := make([]string, 0, len(found))
	for _, l := range found {
		it, err := json.Marshal(task{Link: &l})
		if err != nil {
			return err
		}
		keys = append(keys, l.URL)
		items = append(items, string(it))
	}
	added, err := in.Frontier.Add(ctx, pass, keys, items)
	if err != nil {
		return fmt.Errorf("frontier: %w", err)
	}
	st.Discovered += added
	return nil
}
