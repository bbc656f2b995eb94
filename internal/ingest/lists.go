package ingest

import (
	"context"
	"net/http"

	"riverside/internal/crawl"
	"riverside/internal/news"
	"riverside/internal/store"
)

// ListStore is what revisiting list pages conditionally needs of the
// store; a Store without it fetches every list page in full.
type ListStore interface {
	ListPage(ctx context.Context, url string) (store.ListPage, bool, error)
	PutListPage(ctx context.Context, p store.ListPage) error
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
