package metrics

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"riverside/internal/news"
)

// TestScrapeOperations reads /metrics over a real store: alert matches,
// webhook deliveries by state, and export bytes by format.
func TestScrapeOperations(t *testing.T) {
	ctx := context.Background()
	st, idx := openStoreAndIndex(t)
	for _, id := range []string{"hook", "other", "feed"} {
		sub := &news.Subscription{ID: id, Name: id, Kind: news.KindSearch, Query: "滨江"}
		if id != "feed" {
			sub.Webhook, sub.Secret = "https://example.org/"+id, "whsec_AAAA"
		}
		if err := st.CreateSubscription(ctx, sub); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	newID := func() string { n++; return fmt.Sprintf("d%d", n) }
	now := time.Now()
	ms := []news.Match{
		{Subscription: "hook", ArticleID: "a", Version: 1, Seq: 1},
		{Subscription: "hook", ArticleID: "b", Version: 1, Seq: 2},
		{Subscription: "other", ArticleID: "a", Version: 1, Seq: 1},
		{Subscription: "feed", ArticleID: "a", Version: 1, Seq: 1},
	}
	if _, err := st.RecordMatches(ctx, 2, ms, now, newID); err != nil {
		t.Fatal(err)
	}
	due, err := st.DueDeliveries(ctx, now, 10)
	if err != nil || len(due) != 2 {
		t.Fatalf("due deliveries: %d, %v; want 2", len(due), err)
	}
	if err := st.FinishAttempt(ctx, due[0].ID, news.Attempt{Status: 200, OK: true}, now); err != nil {
		t.Fatal(err)
	}
	if err := st.FinishAttempt(ctx, due[1].ID, news.Attempt{Status: 500, Error: "HTTP 500", Next: now.Add(time.Minute)}, now); err != nil {
		t.Fatal(err)
	}

	logger := slog.New(slog.DiscardHandler)
	reg := New(st, idx, logger)
	reg.WatchAlerts(st, logger)
	reg.ObserveExport("jsonl", 1000, true)
	reg.ObserveExport("jsonl", 500, false)
	reg.ObserveExport("wacz", 7, true)

	rec := httptest.NewRecorder()
	reg.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		"riverside_alert_matches 4",
		`riverside_webhook_deliveries{state="delivered"} 1`,
		`riverside_webhook_deliveries{state="failing"} 1`,
		`riverside_webhook_deliveries{state="pending"} 0`,
		`riverside_webhook_deliveries{state="dead"} 0`,
		`riverside_export_bytes_total{format="jsonl"} 1500`,
		`riverside_export_bytes_total{format="wacz"} 7`,
		`riverside_exports_total{format="jsonl",outcome="broken"} 1`,
		`riverside_exports_total{format="jsonl",outcome="complete"} 1`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", body)
	}
}
