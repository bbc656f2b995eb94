package alert

import (
	"context"
	"fmt"
	"html"
	"log/slog"
	"strconv"
	"time"

	"riverside/internal/news"
)

// HealthStore is what the HealthChecker needs of the store.
type HealthStore interface {
	Subscriptions(ctx context.Context) ([]news.Subscription, error)
	Sources(ctx context.Context, now time.Time) ([]news.SourceHealth, error)
	LatestArticles(ctx context.Context) (map[string]time.Time, error)
	RecordEvents(ctx context.Context, ms []news.Match, now time.Time, newID func() string) ([]news.Match, error)
}

// minPagesForRatio keeps a pass that fetched a page or two from judging
// the extractor.
const minPagesForRatio = 4

// HealthChecker turns what the crawler recorded about the sources into
// events for source-health subscriptions, recorded in the outbox like
// article matches (feed, webhook, live view).
//
// Each event's key names the episode it belongs to — the source, the
// condition and the time of the last success or the last new article —
// so an ongoing episode alerts once, however often it is checked, and a
// new episode after a recovery alerts again.
type HealthChecker struct {
	Store  HealthStore
	Logger *slog.Logger
	// Interval between checks (default 1 minute).
	Interval time.Duration
	Now      func() time.Time
	Recorded func([]news.Match)
}

// Run checks until ctx is done.
func (h *HealthChecker) Run(ctx context.Context) error {
	t := time.NewTicker(or(h.Interval, time.Minute))
	defer t.Stop()
	for {
		if _, err := h.Check(ctx); err != nil && ctx.Err() == nil {
			h.logger().Error("source health check failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func (h *HealthChecker) logger() *slog.Logger {
	if h.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return h.Logger
}

// Check evaluates every source-health subscription once and records the
// events of episodes not yet alerted.
func (h *HealthChecker) Check(ctx context.Context) ([]news.Match, error) {
	subs, err := h.Store.Subscriptions(ctx)
	if err != nil {
		return nil, err
	}
	var hs []news.Subscription
	for _, s := range subs {
		if s.Kind == news.KindSourceHealth {
			hs = append(hs, s)
		}
	}
	if len(hs) == 0 {
		return nil, nil
	}
	now := time.Now()
	if h.Now != nil {
		now = h.Now()
	}
	sources, err := h.Store.Sources(ctx, now)
	if err != nil {
		return nil, err
	}
	latest, err := h.Store.LatestArticles(ctx)
	if err != nil {
		return nil, err
	}
	var events []news.Match
	for _, s := range hs {
		for _, src := range sources {
			if s.Source != "" && s.Source != src.ID {
				continue
			}
			events = append(events, Conditions(s, src, latest[src.ID], now)...)
		}
	}
	if len(events) == 0 {
		return nil, nil
	}
	rec, err := h.Store.RecordEvents(ctx, events, now, NewDeliveryID)
	if err != nil {
		return nil, err
	}
	if len(rec) > 0 {
		h.logger().Info("source health alerts", "events", len(rec))
		if h.Recorded != nil {
			h.Recorded(rec)
		}
	}
	return rec, nil
}

// Conditions returns the health events of one source for one
// subscription at now: no successful crawl, or no new article, for
// longer than StaleAfter; more than FailRatio of the last pass's pages
// failing extraction. lastNew is when the source's newest article was
// fetched (zero: never).
func Conditions(s news.Subscription, src news.SourceHealth, lastNew, now time.Time) []news.Match {
	var out []news.Match
	event := func(cond string, anchor time.Time, title string) {
		key := "health:" + src.ID + ":" + cond + ":" + strconv.FormatInt(anchor.Unix(), 10)
		out = append(out, news.Match{
			Subscription: s.ID, ArticleID: key, Version: 1,
			Title: title, Published: now, Updated: now, Source: src.ID, District: src.District,
			Snippet: html.EscapeString(title),
		})
	}
	name := src.ID
	if src.Name != "" {
		name = src.Name + " (" + src.ID + ")"
	}
	if s.StaleAfter > 0 {
		switch {
		case src.LastSuccess == nil && src.LastCrawl != nil:
			event("no-success", time.Time{}, fmt.Sprintf("%s: no successful crawl yet (%d failures in a row)", name, src.ConsecutiveFailures))
		case src.LastSuccess != nil && now.Sub(*src.LastSuccess) > s.StaleAfter:
			event("no-success", *src.LastSuccess, fmt.Sprintf("%s: no successful crawl since %s (%d failures in a row)",
				name, src.LastSuccess.In(news.Shanghai).Format("2006-01-02 15:04"), src.ConsecutiveFailures))
		}
		if !lastNew.IsZero() && now.Sub(lastNew) > s.StaleAfter {
			event("no-new", lastNew, fmt.Sprintf("%s: no new article since %s", name, lastNew.In(news.Shanghai).Format("2006-01-02 15:04")))
		}
	}
	if s.FailRatio > 0 {
		fetched, failed := src.LastPass["fetched"], src.LastPass["failed"]
		if fetched >= minPagesForRatio && float64(failed) > s.FailRatio*float64(fetched) {
			event("extract", lastNew, fmt.Sprintf("%s: %d of %d pages failed in the last pass", name, failed, fetched))
		}
	}
	return out
}
