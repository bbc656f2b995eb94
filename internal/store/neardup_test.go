package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"riverside/internal/news"
)

func TestNearDuplicates(t *testing.T) {
	backends(t, func(t *testing.T, openTemp opener) {
		s, _ := openTemp(t)
		ctx := context.Background()
		orig := article("https://a.example/1", "原文")
		copy1 := article("https://b.example/1", "原文（转载）")
		copy2 := article("https://c.example/1", "原文（节选）")
		exact := article("https://d.example/1", "原文")
		other := article("https://e.example/2", "另一篇")
		now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

		// Ingest's order: the fingerprint (and the copy's mark) first, then
		// the article.
		for _, c := range []struct {
			id, of string
			fp     uint64
		}{{orig.ID, "", 0xff00}, {copy1.ID, orig.ID, 0xff01}, {copy2.ID, orig.ID, 0xff03}, {other.ID, "", 0x00ff}} {
			if err := s.PutFingerprint(ctx, c.id, "zh", "title", c.fp, c.of, 1, now); err != nil {
				t.Fatal(err)
			}
		}
		for _, a := range []*news.Article{orig, copy1, copy2, other} {
			if _, err := s.Put(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		if out, err := s.Put(ctx, exact); err != nil || out != Duplicate {
			t.Fatalf("exact copy: %v %v", out, err)
		}

		fps, err := s.Fingerprints(ctx, "zh", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(fps) != 4 || fps[0].ID != other.ID || fps[1].Of != orig.ID || fps[1].FP != 0xff03 || fps[1].Title != "title" {
			t.Errorf("fingerprints, newest first: %+v", fps)
		}
		if fps, _ := s.Fingerprints(ctx, "en", 10); len(fps) != 0 {
			t.Errorf("other language: %+v", fps)
		}

		// The log tells searchd which articles are copies.
		arts, err := s.Since(ctx, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		var of []string
		for _, a := range arts {
			of = append(of, a.DuplicateOf)
		}
		if !slices.Equal(of, []string{"", orig.ID, orig.ID, ""}) {
			t.Errorf("DuplicateOf in the log: %q", of)
		}

		// Every copy lists the others.
		for id, want := range map[string][]string{
			orig.ID:  {"https://b.example/1", "https://c.example/1", "https://d.example/1"},
			copy1.ID: {"https://a.example/1", "https://c.example/1", "https://d.example/1"},
			other.ID: {},
		} {
			got, err := s.Duplicates(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("Duplicates(%s): got %v, want %v", id, got, want)
			}
		}
		m, err := s.DuplicatesOf(ctx, []string{orig.ID, other.ID})
		if err != nil || len(m) != 1 || len(m[orig.ID]) != 3 {
			t.Errorf("DuplicatesOf: %v %v", m, err)
		}

		if err := s.ForgetFingerprint(ctx, copy2.ID); err != nil {
			t.Fatal(err)
		}
		if fps, _ := s.Fingerprints(ctx, "zh", 10); len(fps) != 3 {
			t.Errorf("after forget: %+v", fps)
		}
	})
}
