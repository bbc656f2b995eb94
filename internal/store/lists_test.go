package store

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"
)

func TestListPage(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, ok, err := s.ListPage(ctx, "http://a.test/list"); ok || err != nil {
		t.Fatalf("empty store: got ok=%v err=%v, want neither", ok, err)
	}
	p := ListPage{URL: "http://a.test/list", SourceID: "a", FinalURL: "http://a.test/list/", ContentType: "text/html; charset=gbk",
		ETag: `"v1"`, LastModified: "Mon, 02 Jan 2026 03:04:05 GMT", Body: []byte{0xc4, 0xe3, '<'}, Fetched: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	for _, etag := range []string{`"v1"`, `"v2"`} {
		p.ETag = etag
		if err := s.PutListPage(ctx, p); err != nil {
			t.Fatal(err)
		}
		got, ok, err := s.ListPage(ctx, p.URL)
		if err != nil || !ok {
			t.Fatalf("got ok=%v err=%v", ok, err)
		}
		if got.ETag != etag || got.FinalURL != p.FinalURL || got.ContentType != p.ContentType || got.LastModified != p.LastModified ||
			!bytes.Equal(got.Body, p.Body) || !got.Fetched.Equal(p.Fetched) || got.SourceID != "a" ||
			!got.Seen.Equal(p.Fetched) {
			t.Errorf("got %+v, want %+v", got, p)
		}
	}
}

// TestPruneListPages: the pages of a source that no pass has asked for
// since the cut-off go; pages asked for since (in full or by a 304), of
// another source, or kept before the seen column but fetched since, stay.
func TestPruneListPages(t *testing.T) {
	backends(t, func(t *testing.T, openTemp opener) {
		ctx := context.Background()
		s, _ := openTemp(t)
		day := func(d int) time.Time { return time.Date(2026, 3, d, 12, 0, 0, 0, time.UTC) }
		put := func(url, src string, fetched time.Time) {
			t.Helper()
			if err := s.PutListPage(ctx, ListPage{URL: url, SourceID: src, FinalURL: url, Body: []byte("<a>"), Fetched: fetched}); err != nil {
				t.Fatal(err)
			}
		}
		put("http://a.test/1", "a", day(1)) // asked for since (304): stays
		put("http://a.test/2", "a", day(1)) // not asked for: goes
		put("http://a.test/3", "a", day(9)) // fetched in full since: stays
		put("http://b.test/1", "b", day(1)) // another source: stays
		put("http://a.test/old", "a", day(1))
		put("http://a.test/older", "a", day(1))
		// Two pages kept before the seen column: judged by their fetch time.
		if _, err := s.db.ExecContext(ctx, `UPDATE list_pages SET seen = 0 WHERE url = ?`, "http://a.test/old"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.db.ExecContext(ctx, `UPDATE list_pages SET seen = 0, fetched = ? WHERE url = ?`,
			day(9).Format(timeLayout), "http://a.test/older"); err != nil {
			t.Fatal(err)
		}
		seen := func(url string) (v int64) {
			t.Helper()
			if err := s.db.QueryRowContext(ctx, `SELECT seen FROM list_pages WHERE url = ?`, url).Scan(&v); err != nil {
				t.Fatal(err)
			}
			return v
		}
		// Asked for on day 8, then again an hour later: one write a day.
		for _, at := range []time.Time{day(8), day(8).Add(time.Hour)} {
			if err := s.SeeListPage(ctx, "http://a.test/1", at); err != nil {
				t.Fatal(err)
			}
		}
		if got := seen("http://a.test/1"); got != day(8).Unix() {
			t.Errorf("seen %d, want day 8 (%d): the second look within a day is not written", got, day(8).Unix())
		}
		n, err := s.PruneListPages(ctx, "a", day(5))
		if err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Errorf("pruned %d pages, want 2", n)
		}
		for url, want := range map[string]bool{"http://a.test/1": true, "http://a.test/2": false, "http://a.test/3": true,
			"http://b.test/1": true, "http://a.test/old": false, "http://a.test/older": true} {
			if _, ok, err := s.ListPage(ctx, url); err != nil || ok != want {
				t.Errorf("%s: kept %v (%v), want %v", url, ok, err, want)
			}
		}
	})
}
