package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"riverside/internal/news"
)

// Leases elect one process among several for a role (searchd's replicas:
// the one that matches and delivers alerts). A lease is a row: its
// holder, its epoch and when it expires. Taking it raises the epoch, the
// fencing token: the outbox writes of a holder go through Fenced, which
// checks in the same transaction that the holder's term (holder and
// epoch) is still the current one, so a holder that lost the lease while
// paused, then woke up, writes nothing and sends nothing.
//
// Only portable SQL is used (INSERT … ON CONFLICT DO NOTHING, plain
// conditional UPDATEs), so that the statements run on PostgreSQL as on
// SQLite. Expiry times come from the callers' clocks: replicas need
// clocks that agree to well within the TTL for the election to be
// prompt; the fencing does not depend on clocks.

// ErrLeaseHeld is returned by AcquireLease when another holder's lease
// has not expired (it is news.ErrLeaseHeld, for the store's callers that
// do not import the store).
var ErrLeaseHeld = news.ErrLeaseHeld

// ErrLeaseLost is returned when a term of a lease is over: another
// holder took it (or it was released), so the old holder may not renew
// it nor write under it. It is news.ErrLeaseLost.
var ErrLeaseLost = news.ErrLeaseLost

// AcquireLease takes the lease name for holder for ttl from now, when it
// is free, expired or already holder's, and starts a new term: the epoch
// goes up by one. A holder that holds the lease keeps it with
// RenewLease; calling AcquireLease again (after a restart, say) starts a
// new term, which fences the old one. When another holder's lease runs,
// the error wraps ErrLeaseHeld and the Lease returned is that holder's.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration, now time.Time) (news.Lease, error) {
	if name == "" || holder == "" || ttl <= 0 {
		return news.Lease{}, fmt.Errorf("store: acquire lease %q for %q for %v: want a name, a holder and a ttl > 0", name, holder, ttl)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return news.Lease{}, fmt.Errorf("store: acquire lease %s: %w", name, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO leases (name, holder, epoch, expires) VALUES (?, '', 0, 0)
		ON CONFLICT (name) DO NOTHING`, name); err != nil {
		return news.Lease{}, fmt.Errorf("store: acquire lease %s: %w", name, err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE leases SET holder = ?, epoch = epoch + 1, expires = ?
		WHERE name = ? AND (holder = '' OR holder = ? OR expires <= ?)`,
		holder, now.Add(ttl).UnixMilli(), name, holder, now.UnixMilli())
	if err != nil {
		return news.Lease{}, fmt.Errorf("store: acquire lease %s: %w", name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return news.Lease{}, fmt.Errorf("store: acquire lease %s: %w", name, err)
	}
	cur, err := readLease(ctx, tx, name)
	if err != nil {
		return news.Lease{}, fmt.Errorf("store: acquire lease %s: %w", name, err)
	}
	if n == 0 {
		return cur, fmt.Errorf("%w: %s holds %s until %s", ErrLeaseHeld, cur.Holder, name, cur.Expires.UTC().Format(time.RFC3339Nano))
	}
	if err := tx.Commit(); err != nil {
		return news.Lease{}, fmt.Errorf("store: acquire lease %s: %w", name, err)
	}
	return cur, nil
}

// RenewLease moves the expiry of l's term to ttl from now. It fails with
// ErrLeaseLost when the term is over (another holder took the lease, or
// it was released); a term that expired without anyone taking it is
// renewed, since nobody else can have written under it.
func (s *Store) RenewLease(ctx context.Context, l news.Lease, ttl time.Duration, now time.Time) (news.Lease, error) {
	exp := now.Add(ttl)
	res, err := s.db.ExecContext(ctx, `UPDATE leases SET expires = ? WHERE name = ? AND holder = ? AND epoch = ?`,
		exp.UnixMilli(), l.Name, l.Holder, l.Epoch)
	if err != nil {
		return l, fmt.Errorf("store: renew lease %s: %w", l.Name, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return l, fmt.Errorf("store: renew lease %s: %w", l.Name, err)
	} else if n == 0 {
		return l, fmt.Errorf("store: renew lease %s (epoch %d of %s): %w", l.Name, l.Epoch, l.Holder, ErrLeaseLost)
	}
	l.Expires = time.UnixMilli(exp.UnixMilli())
	return l, nil
}

// ReleaseLease gives up l's term, so that another holder can take the
// lease at once rather than after its expiry. Releasing a term that is
// already over does nothing.
func (s *Store) ReleaseLease(ctx context.Context, l news.Lease) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE leases SET holder = '', expires = 0 WHERE name = ? AND holder = ? AND epoch = ?`,
		l.Name, l.Holder, l.Epoch); err != nil {
		return fmt.Errorf("store: release lease %s: %w", l.Name, err)
	}
	return nil
}

// Lease returns the lease name as it stands (the zero Lease with Name set
// when it was never taken): who holds it, in which epoch, until when.
func (s *Store) Lease(ctx context.Context, name string) (news.Lease, error) {
	l, err := readLease(ctx, s.db, name)
	if errors.Is(err, sql.ErrNoRows) {
		return news.Lease{Name: name}, nil
	}
	if err != nil {
		return news.Lease{}, fmt.Errorf("store: lease %s: %w", name, err)
	}
	return l, nil
}

type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func readLease(ctx context.Context, q queryRower, name string) (news.Lease, error) {
	l := news.Lease{Name: name}
	var exp int64
	if err := q.QueryRowContext(ctx, `SELECT holder, epoch, expires FROM leases WHERE name = ?`, name).
		Scan(&l.Holder, &l.Epoch, &exp); err != nil {
		return news.Lease{}, err
	}
	if exp != 0 {
		l.Expires = time.UnixMilli(exp)
	}
	return l, nil
}

// fenceFunc checks, inside a write transaction, that the writer may still
// write; nil lets every writer through (a single process, no lease).
type fenceFunc func(ctx context.Context, tx *txn) error

func (f fenceFunc) check(ctx context.Context, tx *txn) error {
	if f == nil {
		return nil
	}
	return f(ctx, tx)
}

// termFence fences writes to l's term; with at set, the term must also
// not have expired at that time. The check is an UPDATE of the lease's
// row that changes nothing rather than a SELECT: on PostgreSQL it locks
// the row until the transaction ends, so an acquisition by another
// holder waits for the fenced writes (and then raises the epoch) instead
// of slipping in between the check and the writes. SQLite runs write
// transactions one at a time, which gives the same order.
func termFence(l news.Lease, at time.Time) fenceFunc {
	return func(ctx context.Context, tx *txn) error {
		q := `UPDATE leases SET epoch = epoch WHERE name = ? AND holder = ? AND epoch = ?`
		args := []any{l.Name, l.Holder, l.Epoch}
		if !at.IsZero() {
			q += ` AND expires > ?`
			args = append(args, at.UnixMilli())
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("epoch %d of %s: %w", l.Epoch, l.Holder, ErrLeaseLost)
		}
		return nil
	}
}

// Fenced is the store as the holder of one term of a lease sees it: its
// outbox writes (RecordMatches, RecordEvents, ClaimDelivery,
// FinishAttempt, ReleaseDelivery) fail with ErrLeaseLost once the term is
// over, and change nothing then. Every other method is the Store's.
type Fenced struct {
	*Store
	lease news.Lease
}

// Fenced returns the store fenced to l's term.
func (s *Store) Fenced(l news.Lease) *Fenced { return &Fenced{Store: s, lease: l} }

// Term returns the term the store is fenced to.
func (f *Fenced) Term() news.Lease { return f.lease }

// RecordMatches is Store.RecordMatches within the term.
func (f *Fenced) RecordMatches(ctx context.Context, upTo int64, ms []news.Match, now time.Time, newID func() string) ([]news.Match, error) {
	return f.recordMatches(ctx, termFence(f.lease, time.Time{}), upTo, ms, now, newID)
}

// RecordEvents is Store.RecordEvents within the term.
func (f *Fenced) RecordEvents(ctx context.Context, ms []news.Match, now time.Time, newID func() string) ([]news.Match, error) {
	return f.recordEvents(ctx, termFence(f.lease, time.Time{}), ms, now, newID)
}

// FinishAttempt is Store.FinishAttempt within the term: the outcome of an
// attempt made under a lost term is not recorded (the delivery stays
// pending, and the new holder sends it again under the same id).
func (f *Fenced) FinishAttempt(ctx context.Context, id string, a news.Attempt, now time.Time) error {
	return f.finishAttempt(ctx, termFence(f.lease, time.Time{}), id, a, now)
}

// ClaimDelivery claims a pending delivery that is due at now for one
// attempt: it moves the delivery's next attempt to now+hold, so that no
// other deliverer (a new holder of the lease, while this one's POST may
// still be in flight) takes it up before the attempt's outcome is
// recorded or hold has passed. The term must not have expired at now
// (ErrLeaseLost). It reports false when the delivery is no longer due
// (delivered, dead, deleted or claimed meanwhile).
func (f *Fenced) ClaimDelivery(ctx context.Context, id string, now time.Time, hold time.Duration) (bool, error) {
	tx, err := f.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("store: claim delivery %s: %w", id, err)
	}
	defer tx.Rollback()
	if err := termFence(f.lease, now)(ctx, tx); err != nil {
		return false, fmt.Errorf("store: claim delivery %s: %w", id, err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE deliveries SET next_attempt = ? WHERE id = ? AND state = ? AND next_attempt <= ?`,
		now.Add(hold).UnixMilli(), id, news.DeliveryPending, now.UnixMilli())
	if err != nil {
		return false, fmt.Errorf("store: claim delivery %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: claim delivery %s: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("store: claim delivery %s: %w", id, err)
	}
	return n == 1, nil
}

// ReleaseDelivery makes a claimed delivery due at now again, for an
// attempt that was abandoned (shutdown) before it had an outcome: the
// next holder sends it at once rather than after the claim's hold.
func (f *Fenced) ReleaseDelivery(ctx context.Context, id string, now time.Time) error {
	tx, err := f.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: release delivery %s: %w", id, err)
	}
	defer tx.Rollback()
	if err := termFence(f.lease, time.Time{})(ctx, tx); err != nil {
		return fmt.Errorf("store: release delivery %s: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET next_attempt = ? WHERE id = ? AND state = ?`,
		now.UnixMilli(), id, news.DeliveryPending); err != nil {
		return fmt.Errorf("store: release delivery %s: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: release delivery %s: %w", id, err)
	}
	return nil
}
