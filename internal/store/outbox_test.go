package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"riverside/internal/news"
)

func TestOutboxReplayAndDeliveries(t *testing.T) {
	backends(t, func(t *testing.T, openTemp opener) {
		ctx := context.Background()
		s, _ := openTemp(t)
		a := article("https://x/1", "物联网")
		if _, err := s.Put(ctx, a); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"hook", "feed"} {
			sub := &news.Subscription{ID: id, Name: id, Kind: news.KindSearch, Query: "物联网"}
			if id == "hook" {
				sub.Webhook, sub.Secret = "https://example.org/h", "whsec_AAAA"
			}
			if err := s.CreateSubscription(ctx, sub); err != nil {
				t.Fatal(err)
			}
			if sub.StartSeq != a.Seq {
				t.Errorf("start seq %d, want %d (the newest in the log)", sub.StartSeq, a.Seq)
			}
		}
		n := 0
		newID := func() string { n++; return fmt.Sprintf("d%d", n) }
		now := time.Now()
		ms := []news.Match{
			{Subscription: "hook", ArticleID: "a", Version: 1, Seq: 5},
			{Subscription: "hook", ArticleID: "b", Version: 1, Seq: 6},
			{Subscription: "feed", ArticleID: "a", Version: 1, Seq: 5},
			{Subscription: "gone", ArticleID: "a", Version: 1, Seq: 5},
		}
		rec, err := s.RecordMatches(ctx, 6, ms, now, newID)
		if err != nil || len(rec) != 3 {
			t.Fatalf("recorded %d, %v; want 3", len(rec), err)
		}
		// The same part of the log again (a crash after the commit, say):
		// nothing; a later part repeating a match: nothing for it either.
		if rec, err := s.RecordMatches(ctx, 6, ms, now, newID); err != nil || len(rec) != 0 {
			t.Errorf("replay recorded %d, %v", len(rec), err)
		}
		if rec, err := s.RecordMatches(ctx, 7, ms[:1], now, newID); err != nil || len(rec) != 0 {
			t.Errorf("a repeated match recorded %d, %v", len(rec), err)
		}
		if cp, _ := s.AlertCheckpoint(ctx); cp != 7 {
			t.Errorf("checkpoint %d, want 7", cp)
		}
		ds, err := s.DueDeliveries(ctx, now, 10)
		if err != nil || len(ds) != 1 || ds[0].Matches != 2 || ds[0].Webhook == "" || ds[0].Secret == "" {
			t.Fatalf("due %+v, %v; want one delivery of 2 matches with its webhook", ds, err)
		}
		id := ds[0].ID
		if err := s.FinishAttempt(ctx, id, news.Attempt{Status: 500, Error: "HTTP 500", Next: now.Add(time.Minute)}, now); err != nil {
			t.Fatal(err)
		}
		if ds, _ := s.DueDeliveries(ctx, now, 10); len(ds) != 0 {
			t.Errorf("a delivery backing off is due: %+v", ds)
		}
		if ds, _ := s.DueDeliveries(ctx, now.Add(2*time.Minute), 10); len(ds) != 1 || ds[0].Attempts != 1 {
			t.Errorf("after the pause: %+v", ds)
		}
		if err := s.FinishAttempt(ctx, id, news.Attempt{Status: 500, Dead: true}, now); err != nil {
			t.Fatal(err)
		}
		st, _ := s.DeliveryStates(ctx)
		if st["hook"][news.DeliveryDead] != 1 {
			t.Errorf("states %v", st)
		}
		if n, err := s.RedeliverDead(ctx, "hook", now); err != nil || n != 1 {
			t.Errorf("redeliver dead: %d, %v", n, err)
		}
		if err := s.FinishAttempt(ctx, id, news.Attempt{OK: true, Status: 204}, now); err != nil {
			t.Fatal(err)
		}
		all, _ := s.Deliveries(ctx, "hook", 10)
		if len(all) != 1 || all[0].State != news.DeliveryDelivered || all[0].Attempts != 1 {
			t.Errorf("after redelivery: %+v", all)
		}
		if err := s.DeleteSubscription(ctx, "hook"); err != nil {
			t.Fatal(err)
		}
		if ms, _ := s.DeliveryMatches(ctx, id); len(ms) != 0 {
			t.Errorf("a deleted subscription's matches remain: %v", ms)
		}
	})
}
