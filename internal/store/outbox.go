package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"riverside/internal/news"
)

// alertCheckpointKey names the alerts' position in the log in alert_state.
const alertCheckpointKey = "alert_checkpoint"

// AlertCheckpoint returns the highest sequence number whose matches are
// recorded, 0 when none. It is the alerts' own: the index has another, so
// a rebuilt index never alerts again.
func (s *Store) AlertCheckpoint(ctx context.Context) (int64, error) {
	var v int64
	err := s.db.QueryRowContext(ctx, `SELECT value FROM alert_state WHERE key = ?`, alertCheckpointKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: alert checkpoint: %w", err)
	}
	return v, nil
}

// RecordMatches records the matches of the log up to sequence number upTo
// and moves the alert checkpoint there, in one transaction: after a crash
// either all of it is recorded or none is, so a match is neither lost nor
// recorded twice. A call for a part of the log at or below the checkpoint
// records nothing (a replay).
//
// Each subscription with a webhook gets one delivery (id from newID)
// carrying its new matches. A match is dropped when its subscription is
// gone, when (subscription, article, version) is already recorded, or when
// the subscription does not want updates and the article was alerted
// before. RecordMatches returns the matches recorded, with Row and
// Delivery set.
func (s *Store) RecordMatches(ctx context.Context, upTo int64, ms []news.Match, now time.Time, newID func() string) ([]news.Match, error) {
	return s.recordMatches(ctx, nil, upTo, ms, now, newID)
}

// recordMatches is RecordMatches; fence, when set, runs first in the
// transaction and its error cancels it (lease.go).
func (s *Store) recordMatches(ctx context.Context, fence fenceFunc, upTo int64, ms []news.Match, now time.Time, newID func() string) ([]news.Match, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: record matches: %w", err)
	}
	defer tx.Rollback()
	if err := fence.check(ctx, tx); err != nil {
		return nil, fmt.Errorf("store: record matches: %w", err)
	}
	// Followers read matches by row (MatchesAfter): see lockLog.
	if err := s.db.d.lockLog(ctx, tx, matchLockKey); err != nil {
		return nil, fmt.Errorf("store: record matches: %w", err)
	}
	var cp int64
	err = tx.QueryRowContext(ctx, `SELECT value FROM alert_state WHERE key = ?`, alertCheckpointKey).Scan(&cp)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: record matches: %w", err)
	}
	if upTo <= cp {
		return nil, nil
	}
	out, err := insertMatches(ctx, tx, ms, now, newID)
	if err != nil {
		return nil, fmt.Errorf("store: record matches up to seq %d: %w", upTo, err)
	}
	if s.appended != nil {
		s.appended("matches")
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO alert_state (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, alertCheckpointKey, upTo); err != nil {
		return nil, fmt.Errorf("store: record matches: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: record matches: %w", err)
	}
	return out, nil
}

// RecordEvents records matches that come from outside the log (source
// health events) with the same rules as RecordMatches; their unique keys
// keep an event from being recorded twice.
func (s *Store) RecordEvents(ctx context.Context, ms []news.Match, now time.Time, newID func() string) ([]news.Match, error) {
	return s.recordEvents(ctx, nil, ms, now, newID)
}

// recordEvents is RecordEvents; fence, when set, runs first in the
// transaction and its error cancels it (lease.go).
func (s *Store) recordEvents(ctx context.Context, fence fenceFunc, ms []news.Match, now time.Time, newID func() string) ([]news.Match, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: record events: %w", err)
	}
	defer tx.Rollback()
	if err := fence.check(ctx, tx); err != nil {
		return nil, fmt.Errorf("store: record events: %w", err)
	}
	if err := s.db.d.lockLog(ctx, tx, matchLockKey); err != nil {
		return nil, fmt.Errorf("store: record events: %w", err)
	}
	out, err := insertMatches(ctx, tx, ms, now, newID)
	if err != nil {
		return nil, fmt.Errorf("store: record events: %w", err)
	}
	if s.appended != nil {
		s.appended("matches")
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: record events: %w", err)
	}
	return out, nil
}

func insertMatches(ctx context.Context, tx *txn, ms []news.Match, now time.Time, newID func() string) ([]news.Match, error) {
	type subInfo struct {
		updates  bool
		webhook  string
		delivery string
	}
	subs := map[string]*subInfo{}
	rows, err := tx.QueryContext(ctx, `SELECT id, updates, webhook FROM subscriptions`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id string
		si := &subInfo{}
		if err := rows.Scan(&id, &si.updates, &si.webhook); err != nil {
			rows.Close()
			return nil, err
		}
		subs[id] = si
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Statements prepared once: a batch can carry tens of thousands of
	// matches.
	seen, err := tx.PrepareContext(ctx, `SELECT 1 FROM matches WHERE subscription = ? AND article_id = ? LIMIT 1`)
	if err != nil {
		return nil, err
	}
	defer seen.Close()
	insert, err := tx.PrepareContext(ctx, `INSERT INTO matches
		(subscription, article_id, version, seq, delivery, matched, url, title, published, updated,
		 source, district, lang, author, publisher, snippet)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING RETURNING row`)
	if err != nil {
		return nil, err
	}
	defer insert.Close()
	var out []news.Match
	for _, m := range ms {
		si := subs[m.Subscription]
		if si == nil {
			continue
		}
		if !si.updates {
			var one int
			err := seen.QueryRowContext(ctx, m.Subscription, m.ArticleID).Scan(&one)
			if err == nil {
				continue
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return nil, err
			}
		}
		delivery := si.delivery
		if si.webhook != "" && delivery == "" {
			delivery = newID()
		}
		var row int64
		err := insert.QueryRowContext(ctx,
			m.Subscription, m.ArticleID, m.Version, m.Seq, delivery, now.UnixMilli(), m.URL, m.Title,
			formatTime(m.Published), m.Updated.UnixMilli(), m.Source, m.District, m.Lang, m.Author,
			m.Publisher, m.Snippet).Scan(&row)
		if errors.Is(err, sql.ErrNoRows) {
			continue // recorded before
		}
		if err != nil {
			return nil, err
		}
		if delivery != "" && si.delivery == "" {
			// The delivery is made with its first match, so that none
			// exists without something to carry.
			if _, err := tx.ExecContext(ctx, `INSERT INTO deliveries (id, subscription, state, created, next_attempt)
				VALUES (?, ?, ?, ?, ?)`, delivery, m.Subscription, news.DeliveryPending, now.UnixMilli(), now.UnixMilli()); err != nil {
				return nil, err
			}
			si.delivery = delivery
		}
		m.Row = row
		m.Delivery = delivery
		m.Matched = time.UnixMilli(now.UnixMilli())
		out = append(out, m)
	}
	return out, nil
}

const matchColumns = `row, subscription, article_id, version, seq, delivery, matched, url, title, published,
	updated, source, district, lang, author, publisher, snippet`

// Matches returns a subscription's newest outbox entries, newest first.
func (s *Store) Matches(ctx context.Context, sub string, limit int) ([]news.Match, error) {
	return s.queryMatches(ctx, `SELECT `+matchColumns+` FROM matches WHERE subscription = ? ORDER BY row DESC LIMIT ?`, sub, limit)
}

// MatchesAfter returns a subscription's outbox entries after row, oldest
// first: what a live stream has not sent yet.
func (s *Store) MatchesAfter(ctx context.Context, sub string, row int64, limit int) ([]news.Match, error) {
	return s.queryMatches(ctx, `SELECT `+matchColumns+` FROM matches WHERE subscription = ? AND row > ? ORDER BY row LIMIT ?`, sub, row, limit)
}

// DeliveryMatches returns the matches a delivery carries, in log order.
func (s *Store) DeliveryMatches(ctx context.Context, delivery string) ([]news.Match, error) {
	return s.queryMatches(ctx, `SELECT `+matchColumns+` FROM matches WHERE delivery = ? ORDER BY row`, delivery)
}

func (s *Store) queryMatches(ctx context.Context, q string, args ...any) ([]news.Match, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: matches: %w", err)
	}
	defer rows.Close()
	out := []news.Match{}
	for rows.Next() {
		var m news.Match
		var matched, updated int64
		var published string
		if err := rows.Scan(&m.Row, &m.Subscription, &m.ArticleID, &m.Version, &m.Seq, &m.Delivery, &matched,
			&m.URL, &m.Title, &published, &updated, &m.Source, &m.District, &m.Lang, &m.Author, &m.Publisher,
			&m.Snippet); err != nil {
			return nil, fmt.Errorf("store: matches: %w", err)
		}
		m.Matched = time.UnixMilli(matched)
		if updated != 0 {
			m.Updated = time.UnixMilli(updated)
		}
		if m.Published, err = parseTime(published); err != nil {
			return nil, fmt.Errorf("store: match %s: published: %w", m.ArticleID, err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

const deliveryColumns = `d.id, d.subscription, d.state, d.attempts, d.created, d.next_attempt, d.done,
	d.last_status, d.last_error, s.webhook, s.secret,
	(SELECT COUNT(*) FROM matches m WHERE m.delivery = d.id)`

// DueDeliveries returns pending deliveries whose next attempt is due at
// now, with their webhook and secret: the most overdue of each
// subscription, at most limit of them, the most overdue first. One per
// subscription, so that a subscription with a backlog can't crowd the
// others out.
func (s *Store) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]news.Delivery, error) {
	ms := now.UnixMilli()
	return s.queryDeliveries(ctx, `SELECT `+deliveryColumns+` FROM deliveries d JOIN subscriptions s ON s.id = d.subscription
		WHERE d.state = ? AND d.next_attempt <= ? AND d.id = (
			SELECT e.id FROM deliveries e WHERE e.subscription = d.subscription AND e.state = ? AND e.next_attempt <= ?
			ORDER BY e.next_attempt, e.created, e.id LIMIT 1)
		ORDER BY d.next_attempt, d.created LIMIT ?`,
		news.DeliveryPending, ms, news.DeliveryPending, ms, limit)
}

// RedeliverDead makes every dead delivery of a subscription pending
// again (see Redeliver) and returns how many there were.
func (s *Store) RedeliverDead(ctx context.Context, sub string, now time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE deliveries SET state = ?, attempts = 0, next_attempt = ?, done = 0,
		last_error = '' WHERE subscription = ? AND state = ?`, news.DeliveryPending, now.UnixMilli(), sub, news.DeliveryDead)
	if err != nil {
		return 0, fmt.Errorf("store: redeliver dead of %s: %w", sub, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// Deliveries returns a subscription's newest deliveries, newest first.
func (s *Store) Deliveries(ctx context.Context, sub string, limit int) ([]news.Delivery, error) {
	return s.queryDeliveries(ctx, `SELECT `+deliveryColumns+` FROM deliveries d JOIN subscriptions s ON s.id = d.subscription
		WHERE d.subscription = ? ORDER BY d.created DESC, d.id LIMIT ?`, sub, limit)
}

func (s *Store) queryDeliveries(ctx context.Context, q string, args ...any) ([]news.Delivery, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: deliveries: %w", err)
	}
	defer rows.Close()
	out := []news.Delivery{}
	for rows.Next() {
		var d news.Delivery
		var created, next, done int64
		if err := rows.Scan(&d.ID, &d.Subscription, &d.State, &d.Attempts, &created, &next, &done,
			&d.LastStatus, &d.LastError, &d.Webhook, &d.Secret, &d.Matches); err != nil {
			return nil, fmt.Errorf("store: deliveries: %w", err)
		}
		d.Created = time.UnixMilli(created)
		if d.State == news.DeliveryPending {
			d.NextAttempt = time.UnixMilli(next)
		}
		if done != 0 {
			d.Done = time.UnixMilli(done)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// DeliveryStates counts each subscription's deliveries by state, with
// pending deliveries that have failed before counted as failing.
func (s *Store) DeliveryStates(ctx context.Context) (map[string]map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT subscription,
		CASE WHEN state = ? AND attempts > 0 THEN ? ELSE state END AS st, COUNT(*)
		FROM deliveries GROUP BY subscription, st`, news.DeliveryPending, news.DeliveryFailing)
	if err != nil {
		return nil, fmt.Errorf("store: delivery states: %w", err)
	}
	defer rows.Close()
	out := map[string]map[string]int{}
	for rows.Next() {
		var sub, st string
		var n int
		if err := rows.Scan(&sub, &st, &n); err != nil {
			return nil, fmt.Errorf("store: delivery states: %w", err)
		}
		if out[sub] == nil {
			out[sub] = map[string]int{}
		}
		out[sub][st] = n
	}
	return out, rows.Err()
}

// FinishAttempt records an attempt at a pending delivery: delivered,
// failed (to be retried at a.Next) or dead. A delivery that is no longer
// pending (redelivered meanwhile, or deleted) is left alone.
func (s *Store) FinishAttempt(ctx context.Context, id string, a news.Attempt, now time.Time) error {
	return s.finishAttempt(ctx, nil, id, a, now)
}

// finishAttempt is FinishAttempt; fence, when set, runs first in the
// transaction and its error cancels it (lease.go).
func (s *Store) finishAttempt(ctx context.Context, fence fenceFunc, id string, a news.Attempt, now time.Time) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: finish delivery %s: %w", id, err)
	}
	defer tx.Rollback()
	if err := fence.check(ctx, tx); err != nil {
		return fmt.Errorf("store: finish delivery %s: %w", id, err)
	}
	switch {
	case a.OK:
		_, err = tx.ExecContext(ctx, `UPDATE deliveries SET state = ?, attempts = attempts + 1, done = ?,
			last_status = ?, last_error = '' WHERE id = ? AND state = ?`,
			news.DeliveryDelivered, now.UnixMilli(), a.Status, id, news.DeliveryPending)
	case a.Dead:
		_, err = tx.ExecContext(ctx, `UPDATE deliveries SET state = ?, attempts = attempts + 1, done = ?,
			last_status = ?, last_error = ? WHERE id = ? AND state = ?`,
			news.DeliveryDead, now.UnixMilli(), a.Status, a.Error, id, news.DeliveryPending)
	default:
		_, err = tx.ExecContext(ctx, `UPDATE deliveries SET attempts = attempts + 1, next_attempt = ?,
			last_status = ?, last_error = ? WHERE id = ? AND state = ?`,
			a.Next.UnixMilli(), a.Status, a.Error, id, news.DeliveryPending)
	}
	if err != nil {
		return fmt.Errorf("store: finish delivery %s: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: finish delivery %s: %w", id, err)
	}
	return nil
}

// Redeliver makes a subscription's delivery pending again, due now, with
// its attempts counted from zero. It keeps its id: the receiver sees the
// same webhook-id and can tell a redelivery from a new one.
func (s *Store) Redeliver(ctx context.Context, sub, id string, now time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE deliveries SET state = ?, attempts = 0, next_attempt = ?, done = 0,
		last_error = '' WHERE id = ? AND subscription = ?`, news.DeliveryPending, now.UnixMilli(), id, sub)
	if err != nil {
		return fmt.Errorf("store: redeliver %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: redeliver %s: %w", id, ErrSubscriptionNotFound)
	}
	return nil
}
