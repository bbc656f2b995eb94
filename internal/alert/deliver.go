package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"riverside/internal/news"
)

// Outbox is what the Deliverer needs of the store.
type Outbox interface {
	DueDeliveries(ctx context.Context, now time.Time, limit int) ([]news.Delivery, error)
	DeliveryMatches(ctx context.Context, delivery string) ([]news.Match, error)
	FinishAttempt(ctx context.Context, id string, a news.Attempt, now time.Time) error
}

// Claims fence a Deliverer that shares its outbox with others (searchd's
// replicas, of which the one holding the alert lease delivers): an
// attempt is made only once the delivery is claimed in the store, and
// the store refuses the claim of a deliverer whose lease term is over
// (the store's Fenced view is one).
type Claims interface {
	// ClaimDelivery keeps the delivery from every other deliverer for
	// hold, or until its attempt is recorded; false means it is no longer
	// due, an error (news.ErrLeaseLost) that this deliverer may not send.
	ClaimDelivery(ctx context.Context, id string, now time.Time, hold time.Duration) (bool, error)
	// ReleaseDelivery gives back the claim of an attempt abandoned
	// before it had an outcome, so that it is due at once.
	ReleaseDelivery(ctx context.Context, id string, now time.Time) error
}

// Deliverer POSTs pending webhook deliveries until each succeeds or dies.
type Deliverer struct {
	Store  Outbox
	Client *http.Client
	Logger *slog.Logger
	// MaxAttempts is how many failures make a delivery dead (default 8).
	MaxAttempts int
	// Concurrency bounds the POSTs in flight (default 8): a hanging
	// receiver holds one slot until the client's timeout, never all.
	Concurrency int
	// Backoff is the pause after the first failure (default 1s); each
	// further failure doubles it up to MaxBackoff (default 1h), with
	// jitter.
	Backoff, MaxBackoff time.Duration
	// Poll is the pause between looks for due deliveries (default 1s).
	Poll time.Duration
	// Delivered, when set, is told of every attempt's outcome.
	Delivered func(d news.Delivery, a news.Attempt)
	// Claims, when set, is asked to claim each delivery before its
	// attempt. Hold is how long a claim lasts (default the client's
	// timeout + 5 s): a deliverer that dies mid-attempt leaves the
	// delivery to the next one after that.
	Claims Claims
	Hold   time.Duration

	mu       sync.Mutex
	inflight map[string]bool // by subscription
	// finished counts the attempts that have ended; ended is, by
	// subscription, that count when its last attempt ended. A list of
	// due deliveries read before then is stale for the subscription.
	finished int64
	ended    map[string]int64
	wake     chan struct{}
}

func (d *Deliverer) init() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.wake == nil {
		d.wake = make(chan struct{}, 1)
		d.inflight = map[string]bool{}
		d.ended = map[string]int64{}
	}
}

// Wake makes Run look for due deliveries now (new matches recorded, a
// redelivery asked for).
func (d *Deliverer) Wake() {
	d.init()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

func (d *Deliverer) logger() *slog.Logger {
	if d.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return d.Logger
}

// Run delivers until ctx is done, then waits for the attempts in flight
// (cancelled with ctx, and so not counted as failures).
func (d *Deliverer) Run(ctx context.Context) error {
	d.init()
	slots := make(chan struct{}, or(d.Concurrency, 8))
	var wg sync.WaitGroup
	defer wg.Wait()
	poll := or(d.Poll, time.Second)
	for {
		d.mu.Lock()
		readAt := d.finished
		d.mu.Unlock()
		due, err := d.Store.DueDeliveries(ctx, time.Now(), 4*cap(slots))
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			d.logger().Error("reading due deliveries", "err", err)
		}
		for _, dl := range due {
			// One delivery in flight per subscription: its deliveries go
			// out in order, and a hanging receiver holds one slot, not all.
			d.mu.Lock()
			// An attempt of the subscription that ended after the list
			// was read may have delivered or rescheduled dl: the next
			// round reads it afresh (else dl could go out twice).
			busy := d.inflight[dl.Subscription] || d.ended[dl.Subscription] > readAt
			if !busy {
				d.inflight[dl.Subscription] = true
			}
			d.mu.Unlock()
			if busy {
				continue
			}
			select {
			case slots <- struct{}{}:
			default:
				// All slots busy: the rest wait for the next round.
				d.mu.Lock()
				delete(d.inflight, dl.Subscription)
				d.mu.Unlock()
				continue
			}
			wg.Go(func() {
				defer func() {
					<-slots
					d.mu.Lock()
					delete(d.inflight, dl.Subscription)
					d.finished++
					d.ended[dl.Subscription] = d.finished
					d.mu.Unlock()
					d.Wake() // a slot is free
				}()
				d.attempt(ctx, dl)
			})
		}
		t := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-d.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// Payload is the JSON body of a webhook (DESIGN.md).
type Payload struct {
	Subscription string           `json:"subscription"`
	Delivery     string           `json:"delivery"`
	Articles     []PayloadArticle `json:"articles"`
}

// PayloadArticle is one match in a webhook body.
type PayloadArticle struct {
	ID        string `json:"id"`
	URL       string `json:"url"`
	Title     string `json:"title"`
	Published string `json:"published"`
	Source    string `json:"source"`
	District  string `json:"district"`
	Lang      string `json:"lang"`
	Snippet   string `json:"snippet"`
}

// Body builds a delivery's JSON body from its matches. It depends on the
// outbox only, so every retry sends the same bytes.
func Body(sub, delivery string, ms []news.Match) ([]byte, error) {
	p := Payload{Subscription: sub, Delivery: delivery, Articles: make([]PayloadArticle, 0, len(ms))}
	for _, m := range ms {
		pub := ""
		if !m.Published.IsZero() {
			t := m.Published
			// RFC 3339 offsets are whole minutes; Shanghai's local mean
			// time (before 1901, +08:05:43) is not, and would shift the
			// date by 43 s: such a date goes out in UTC.
			if _, off := t.Zone(); off%60 != 0 {
				t = t.UTC()
			}
			pub = t.Format(time.RFC3339)
		}
		p.Articles = append(p.Articles, PayloadArticle{ID: m.ArticleID, URL: m.URL, Title: m.Title, Published: pub,
			Source: m.Source, District: m.District, Lang: m.Lang, Snippet: m.Snippet})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Titles and snippets are text: escaping < > & as \u003c keeps a
	// receiver that pastes them into HTML a little safer and is valid
	// JSON for every parser.
	enc.SetEscapeHTML(true)
	if err := enc.Encode(p); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// hold is how long a claim keeps a delivery: longer than an attempt.
func (d *Deliverer) hold() time.Duration {
	if d.Hold > 0 {
		return d.Hold
	}
	if d.Client != nil && d.Client.Timeout > 0 {
		return d.Client.Timeout + 5*time.Second
	}
	return 30 * time.Second
}

// claim claims a delivery for one attempt when Claims is set.
func (d *Deliverer) claim(ctx context.Context, dl news.Delivery) bool {
	if d.Claims == nil {
		return true
	}
	ok, err := d.Claims.ClaimDelivery(ctx, dl.ID, time.Now(), d.hold())
	if err != nil {
		if ctx.Err() == nil {
			// A lost lease: the leader's loop stops this deliverer soon.
			d.logger().Warn("delivery not claimed", "delivery", dl.ID, "err", err)
		}
		return false
	}
	return ok
}

// attempt makes one POST of a delivery and records its outcome.
func (d *Deliverer) attempt(ctx context.Context, dl news.Delivery) {
	if !d.claim(ctx, dl) {
		return
	}
	ms, err := d.Store.DeliveryMatches(ctx, dl.ID)
	if err != nil {
		if ctx.Err() == nil {
			d.logger().Error("reading a delivery", "delivery", dl.ID, "err", err)
		}
		return
	}
	if len(ms) == 0 {
		return // its subscription was deleted meanwhile
	}
	status, err := d.post(ctx, dl, ms)
	if ctx.Err() != nil {
		// Shutting down: the attempt did not finish, it is not a failure.
		// The delivery stays pending and is sent again, with the same id
		// (at once: its claim is given back while the lease is still
		// held; after the claim's hold when it is not).
		if d.Claims != nil {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			if err := d.Claims.ReleaseDelivery(rctx, dl.ID, time.Now()); err != nil {
				d.logger().Info("abandoned delivery keeps its claim until the hold ends", "delivery", dl.ID, "err", err)
			}
			cancel()
		}
		return
	}
	a := news.Attempt{Status: status}
	now := time.Now()
	switch {
	case err == nil && status >= 200 && status < 300:
		a.OK = true
	default:
		if err != nil {
			a.Error = err.Error()
		} else {
			a.Error = "HTTP " + strconv.Itoa(status)
		}
		n := dl.Attempts + 1
		if n >= or(d.MaxAttempts, 8) {
			a.Dead = true
		} else {
			a.Next = now.Add(d.backoff(n))
		}
	}
	if err := d.Store.FinishAttempt(context.WithoutCancel(ctx), dl.ID, a, now); err != nil {
		d.logger().Error("recording a delivery attempt", "delivery", dl.ID, "err", err)
		return
	}
	lvl := slog.LevelInfo
	if !a.OK {
		lvl = slog.LevelWarn
	}
	// The URL is not logged: it may carry a token of the receiver's.
	d.logger().Log(ctx, lvl, "webhook delivery", "delivery", dl.ID, "subscription", dl.Subscription,
		"attempt", dl.Attempts+1, "status", status, "ok", a.OK, "dead", a.Dead, "err", a.Error)
	if d.Delivered != nil {
		d.Delivered(dl, a)
	}
}

// backoff is the pause after the n-th failure: Backoff·2ⁿ⁻¹ capped at
// MaxBackoff, of which a random half is taken off so that receivers
// coming back are not hit by every retry at once.
func (d *Deliverer) backoff(n int) time.Duration {
	base := or(d.Backoff, time.Second)
	ceil := or(d.MaxBackoff, time.Hour)
	p := base
	for i := 1; i < n && p < ceil; i++ {
		p *= 2
	}
	p = min(p, ceil)
	return p/2 + rand.N(p/2+1)
}

func (d *Deliverer) post(ctx context.Context, dl news.Delivery, ms []news.Match) (int, error) {
	body, err := Body(dl.Subscription, dl.ID, ms)
	if err != nil {
		return 0, fmt.Errorf("encode: %w", err)
	}
	ts := time.Now()
	sig, err := Sign(dl.Secret, dl.ID, ts, body)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, dl.Webhook, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Riverside-Webhooks/1")
	req.Header.Set(HeaderID, dl.ID)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set(HeaderSignature, sig)
	resp, err := d.Client.Do(req)
	if err != nil {
		// The client's error names the URL, which may carry a token of
		// the receiver's: keep the operation and the cause only, for the
		// log and the delivery's last_error.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = fmt.Errorf("%s: %w", ue.Op, ue.Err)
		}
		return 0, err
	}
	defer resp.Body.Close()
	// Read a little of the answer so the connection can be reused; a
	// receiver's body is of no interest.
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, nil
}
