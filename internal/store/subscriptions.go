package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"riverside/internal/news"
)

// ErrSubscriptionNotFound is returned for an unknown subscription or
// delivery.
var ErrSubscriptionNotFound = errors.New("store: subscription not found")

const subscriptionColumns = `id, name, kind, query, source, district, lang, webhook, secret, updates,
	stale_after, fail_ratio, start_seq, created`

// CreateSubscription saves sub. Its StartSeq is set to the newest
// sequence number in the log, in the same transaction, so that the
// subscription alerts on every version committed after it and on none
// before (no back catalogue). Created is set when zero.
func (s *Store) CreateSubscription(ctx context.Context, sub *news.Subscription) error {
	if sub.ID == "" || sub.Kind == "" {
		return fmt.Errorf("store: create subscription: id and kind are required")
	}
	if sub.Created.IsZero() {
		sub.Created = time.Now()
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: create subscription: %w", err)
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM articles`).Scan(&sub.StartSeq); err != nil {
		return fmt.Errorf("store: create subscription: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO subscriptions (`+subscriptionColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		sub.ID, sub.Name, sub.Kind, sub.Query, sub.Source, sub.District, sub.Lang, sub.Webhook, sub.Secret,
		sub.Updates, int64(sub.StaleAfter), sub.FailRatio, sub.StartSeq, sub.Created.UnixMilli())
	if err != nil {
		return fmt.Errorf("store: create subscription: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: create subscription: %w", err)
	}
	return nil
}

// Subscriptions returns every subscription, oldest first.
func (s *Store) Subscriptions(ctx context.Context) ([]news.Subscription, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+subscriptionColumns+` FROM subscriptions ORDER BY created, id`)
	if err != nil {
		return nil, fmt.Errorf("store: subscriptions: %w", err)
	}
	defer rows.Close()
	out := []news.Subscription{}
	for rows.Next() {
		sub, err := scanSubscription(rows)
		if err != nil {
			return nil, fmt.Errorf("store: subscriptions: %w", err)
		}
		out = append(out, *sub)
	}
	return out, rows.Err()
}

// Subscription returns one subscription, or an error wrapping
// ErrSubscriptionNotFound.
func (s *Store) Subscription(ctx context.Context, id string) (*news.Subscription, error) {
	sub, err := scanSubscription(s.db.QueryRowContext(ctx,
		`SELECT `+subscriptionColumns+` FROM subscriptions WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: subscription %s: %w", id, ErrSubscriptionNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: subscription %s: %w", id, err)
	}
	return sub, nil
}

// DeleteSubscription removes a subscription with its outbox entries and
// deliveries (a delivery in flight finds its row gone and is dropped).
func (s *Store) DeleteSubscription(ctx context.Context, id string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM subscriptions WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("store: delete subscription %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: delete subscription %s: %w", id, ErrSubscriptionNotFound)
	}
	return nil
}

func scanSubscription(r scanner) (*news.Subscription, error) {
	var sub news.Subscription
	var stale, created int64
	err := r.Scan(&sub.ID, &sub.Name, &sub.Kind, &sub.Query, &sub.Source, &sub.District, &sub.Lang,
		&sub.Webhook, &sub.Secret, &sub.Updates, &stale, &sub.FailRatio, &sub.StartSeq, &created)
	if err != nil {
		return nil, err
	}
	sub.StaleAfter = time.Duration(stale)
	sub.Created = time.UnixMilli(created)
	return &sub, nil
}

// LatestArticles returns, per source, when its newest article (first
// version) was fetched: what source-health alerts call "no new article".
func (s *Store) LatestArticles(ctx context.Context) (map[string]time.Time, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT source_id, MAX(fetched) FROM articles WHERE version = 1 GROUP BY source_id`)
	if err != nil {
		return nil, fmt.Errorf("store: latest articles: %w", err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var src, fetched string
		if err := rows.Scan(&src, &fetched); err != nil {
			return nil, fmt.Errorf("store: latest articles: %w", err)
		}
		if t, err := parseTime(fetched); err == nil {
			out[src] = t
		}
	}
	return out, rows.Err()
}

// MaxSeq returns the newest sequence number in the log, 0 when empty.
func (s *Store) MaxSeq(ctx context.Context) (int64, error) {
	var seq int64
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM articles`).Scan(&seq); err != nil {
		return 0, fmt.Errorf("store: max seq: %w", err)
	}
	return seq, nil
}
