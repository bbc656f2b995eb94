package ingest

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"riverside/internal/crawl"
	"riverside/internal/mirror"
	"riverside/internal/news"
	"riverside/internal/source"
	"riverside/internal/store"
)

// TestListsConditional crawls two of the mirror's sources (an html-list
// and a feed) three times: the second pass finds every list page
// unchanged (304) and still walks their links, all known; after an
// article is published the changed list is fetched in full and the new
// article found.
func TestListsConditional(t *testing.T) {
	m, _, srcs := mirrorSources(t, "mirror-ehangzhou", "mirror-stdaily")
	ctx := context.Background()
	st := openStore(t)
	in := &Ingester{Store: st, Fetch: crawl.Options{IgnoreRobots: true}}
	pass := func() map[string]Stats {
		out := map[string]Stats{}
		for _, s := range srcs {
			got := in.Pass(ctx, s)
			if got.Err != nil {
				t.Fatalf("%s: %v", s.ID, got.Err)
			}
			out[s.ID] = got
		}
		return out
	}
	first := pass()
	for id, s := range first {
		if s.New == 0 || s.ListsUnchanged != 0 {
			t.Errorf("%s first pass: %d new, %d lists unchanged; want some new, none unchanged", id, s.New, s.ListsUnchanged)
		}
	}
	second := pass()
	for id, s := range second {
		if s.ListsUnchanged == 0 || s.New != 0 || s.Fetched != 0 {
			t.Errorf("%s second pass: %d lists unchanged, %d new, %d fetched; want lists unchanged, nothing fetched", id, s.ListsUnchanged, s.New, s.Fetched)
		}
		if s.Discovered != first[id].Discovered || s.Known != s.Discovered {
			t.Errorf("%s second pass: %d discovered, %d known; want the %d links of the first pass, all known", id, s.Discovered, s.Known, first[id].Discovered)
		}
	}
	if _, err := m.Publish("ehangzhou", "Binjiang opens a test centre for list revalidation", ""); err != nil {
		t.Fatal(err)
	}
	third := pass()
	if s := third["mirror-ehangzhou"]; s.New != 1 || s.ListsUnchanged >= second["mirror-ehangzhou"].ListsUnchanged {
		t.Errorf("after publishing: %d new, %d lists unchanged (was %d); want 1 new and the changed list fetched",
			s.New, s.ListsUnchanged, second["mirror-ehangzhou"].ListsUnchanged)
	}
	if s := third["mirror-stdaily"]; s.New != 0 || s.ListsUnchanged != second["mirror-stdaily"].ListsUnchanged {
		t.Errorf("the other source after publishing: %+v, want it unchanged", s)
	}
}

// TestListsPruned: a pass prunes the source's list pages that no pass has
// asked for in listRetention (here one kept from long ago), and keeps
// every page it asks for, so that a pass a month later still finds its
// lists unchanged (304) rather than fetching them again.
func TestListsPruned(t *testing.T) {
	_, srvURL, srcs := mirrorSources(t, "mirror-ehangzhou")
	src := srcs[0]
	ctx := context.Background()
	st := openStore(t)
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	in := &Ingester{Store: st, Fetch: crawl.Options{IgnoreRobots: true}, Now: func() time.Time { return now }}
	if got := in.Pass(ctx, src); got.Err != nil || got.New == 0 {
		t.Fatalf("first pass: %+v", got)
	}
	stale := store.ListPage{URL: srvURL + "/gone/list_99.html", SourceID: src.ID, FinalURL: srvURL + "/gone/list_99.html",
		Body: []byte("<a>"), Fetched: now.Add(-listRetention - time.Hour)}
	if err := st.PutListPage(ctx, stale); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	second := in.Pass(ctx, src)
	if second.Err != nil || second.ListsUnchanged == 0 {
		t.Fatalf("second pass: %+v, want lists unchanged", second)
	}
	if _, ok, err := st.ListPage(ctx, stale.URL); err != nil || ok {
		t.Errorf("the list page no pass asked for in %v: kept %v (%v), want it pruned", listRetention, ok, err)
	}
	// A month on, every list the passes ask for is still there.
	now = now.Add(listRetention + time.Hour)
	third := in.Pass(ctx, src)
	if third.Err != nil || third.ListsUnchanged != second.ListsUnchanged {
		t.Errorf("a month later: %d lists unchanged (%v), want %d as before", third.ListsUnchanged, third.Err, second.ListsUnchanged)
	}
	// And they stay: the third pass asked for them, so its pruning left
	// them.
	if fourth := in.Pass(ctx, src); fourth.ListsUnchanged != second.ListsUnchanged {
		t.Errorf("after the month's pass: %d lists unchanged (%v), want %d", fourth.ListsUnchanged, fourth.Err, second.ListsUnchanged)
	}
}

// TestMaxArticles: a pass requests at most max_articles article pages;
// the links past the limit are counted as capped and fetched by the
// following passes, the known ones costing nothing.
func TestMaxArticles(t *testing.T) {
	_, _, srcs := mirrorSources(t, "mirror-ehangzhou")
	src := srcs[0]
	ctx := context.Background()
	st := openStore(t)
	in := &Ingester{Store: st, Fetch: crawl.Options{IgnoreRobots: true}}
	const limit = 1
	src.MaxArticles = limit
	total := 0
	for pass := 1; ; pass++ {
		got := in.Pass(ctx, src)
		if got.Err != nil {
			t.Fatal(got.Err)
		}
		if got.Fetched > limit {
			t.Fatalf("pass %d: %d articles fetched, want at most %d", pass, got.Fetched, limit)
		}
		if got.Capped != max(got.Discovered-total-limit, 0) {
			t.Errorf("pass %d: %d capped, want %d (%d discovered, %d known before)", pass, got.Capped, max(got.Discovered-total-limit, 0), got.Discovered, total)
		}
		total += got.New
		if got.Capped == 0 {
			if total != got.Discovered || pass < 2 {
				t.Errorf("after %d passes: %d stored of %d discovered; want all, over more than one pass", pass, total, got.Discovered)
			}
			break
		}
		if pass > 50 {
			t.Fatal("the backlog is never worked through")
		}
	}
	health, err := st.Sources(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range health {
		if _, ok := h.LastPass["capped"]; h.ID == src.ID && !ok {
			t.Errorf("the pass record has no capped counter: %v", h.LastPass)
		}
	}
}

// mirrorSources serves the mirror on loopback for the test and returns
// it, its URL and its sources with the given ids, in that order.
func mirrorSources(t *testing.T, ids ...string) (*mirror.Mirror, string, []news.Source) {
	t.Helper()
	m, err := mirror.New(mirror.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m.Handler())
	t.Cleanup(srv.Close)
	cfg, err := source.ParseConfig("mirror.yaml", m.SourcesYAML(srv.URL), source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var srcs []news.Source
	for _, id := range ids {
		for _, s := range cfg.Sources {
			if s.ID == id {
				srcs = append(srcs, s)
			}
		}
	}
	if len(srcs) != len(ids) {
		t.Fatalf("mirror sources: found %d of %v", len(srcs), ids)
	}
	return m, srv.URL, srcs
}
