package store

import (
	"context"
	"testing"
)

func TestLastSeq(t *testing.T) {
	backends(t, func(t *testing.T, openTemp opener) {
		s, _ := openTemp(t)
		ctx := context.Background()
		if seq, err := s.LastSeq(ctx); err != nil || seq != 0 {
			t.Fatalf("empty store: %d %v, want 0", seq, err)
		}
		for _, u := range []string{"https://a.example/1", "https://a.example/2"} {
			if _, err := s.Put(ctx, article(u, "text of "+u)); err != nil {
				t.Fatal(err)
			}
		}
		st, err := s.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if seq, err := s.LastSeq(ctx); err != nil || seq != st.MaxSeq || seq == 0 {
			t.Errorf("LastSeq %d %v, want %d", seq, err, st.MaxSeq)
		}
	})
}
