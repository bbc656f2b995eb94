package ingest

import (
	"context"
	"net/http"
	"time"

	"riverside/internal/crawl"
	"riverside/internal/news"
	"riverside/internal/store"
)

// ListStore is what revisiting list pages conditionally needs of the
// store; a Store without it fetches every list page in full.
type ListStore interface {
	ListPage(ctx context.Context, url string) (store.ListPage, bool, error)
	PutListPage(ctx context.Context, p store.ListPage) error
	SeeListPage(ctx context.Context, url string, t time.Time) error
	PruneListPages(ctx context.Context, source string, before time.Time) (int64, error)
}

// listRetention is how long a list page that no pass asks for is kept.
// Passes ask for their lists every few minutes to every few hours; a page
// not asked for in a month is a deep page of the first crawl or of a
// source removed from sources.yaml.
const listRetention = 30 * 24 * time.Hour

// pruneLists removes the list pages of src that no pass has asked for
// within listRetention.
func (in *Ingester) pruneLists(ctx context.Context, src news.Source) {
	ls, ok := in.Store.(ListStore)
	if !ok || ctx.Err() != nil {
		return
	}
	n, err := ls.PruneListPages(ctx, src.ID, in.now().Add(-listRetention))
	if err != nil {
		in.logger().Warn("pruning list pages", "source", src.ID, "err", err)
		return
	}
	if n > 0 {
		in.logger().Info("pruned list pages no pass asked for", "source", src.ID, "pages", n, "unseen_for", listRetention.String())
	}
}

// lists returns the list memory of src, or nil when the store has none.
func (in *Ingester) lists(src news.Source) crawl.ListMemory {
	ls, ok := in.Store.(ListStore)
	if !ok {
		return nil
	}
	return &storeLists{st: ls, src: src, in: in}
}

// storeLists keeps a source's list pages in the store for
// crawl.Discoverer.Lists.
type storeLists struct {
	st  ListStore
	src news.Source
	in  *Ingester
}

func (l *storeLists) Recall(ctx context.Context, url string) (*crawl.Response, bool, error) {
	p, ok, err := l.st.ListPage(ctx, url)
	if err != nil || !ok {
		return nil, false, err
	}
	// Asked for: the page is in use, whatever the server answers now
	// (written once a day at most: an update rewrites the kept body).
	if now := l.in.now(); now.Sub(p.Seen) >= store.SeenEvery {
		if err := l.st.SeeListPage(ctx, url, now); err != nil {
			return nil, false, err
		}
	}
	h := http.Header{}
	for k, v := range map[string]string{"Content-Type": p.ContentType, "ETag": p.ETag, "Last-Modified": p.LastModified} {
		if v != "" {
			h.Set(k, v)
		}
	}
	return &crawl.Response{URL: p.FinalURL, Status: http.StatusOK, Header: h, Body: p.Body, Fetched: p.Fetched}, true, nil
}

func (l *storeLists) Remember(ctx context.Context, url string, r *crawl.Response) error {
	return l.st.PutListPage(ctx, store.ListPage{URL: url, SourceID: l.src.ID, FinalURL: r.URL, ContentType: r.ContentType(),
		ETag: r.Header.Get("ETag"), LastModified: r.Header.Get("Last-Modified"), Body: r.Body, Fetched: l.in.now()})
}
