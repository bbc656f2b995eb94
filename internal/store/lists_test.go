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
			!bytes.Equal(got.Body, p.Body) || !got.Fetched.Equal(p.Fetched) || got.SourceID != "a" {
			t.Errorf("got %+v, want %+v", got, p)
		}
	}
}
