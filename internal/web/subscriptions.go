package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"riverside/internal/index"
	"riverside/internal/news"
)

// Alerts keeps the subscriptions and their outbox (the store, the query
// planner, the webhook guard and the deliverer, wired by searchd).
// Subscription, DeleteSubscription and Redeliver return errors wrapping
// ErrSubscriptionNotFound for an unknown id.
type Alerts interface {
	CreateSubscription(ctx context.Context, sub *news.Subscription) error
	Subscriptions(ctx context.Context) ([]news.Subscription, error)
	Subscription(ctx context.Context, id string) (*news.Subscription, error)
	DeleteSubscription(ctx context.Context, id string) error
	Matches(ctx context.Context, sub string, limit int) ([]news.Match, error)
	MatchesAfter(ctx context.Context, sub string, row int64, limit int) ([]news.Match, error)
	Deliveries(ctx context.Context, sub string, limit int) ([]news.Delivery, error)
	DeliveryStates(ctx context.Context) (map[string]map[string]int, error)
	Redeliver(ctx context.Context, sub, delivery string) error
	// RedeliverDead makes every dead delivery of sub pending again.
	RedeliverDead(ctx context.Context, sub string) (int, error)
	// CheckQuery plans a query as search would: a *index.QueryError when
	// it is malformed.
	CheckQuery(q news.Query) error
	// CheckWebhook refuses a target the deliverer may not reach, with an
	// error that says why.
	CheckWebhook(ctx context.Context, u string) error
	// Changed is closed when the outbox next gets new matches.
	Changed() <-chan struct{}
	// Closing is closed when the server shuts down: live streams end
	// then (http.Server.Shutdown waits for handlers, not for clients).
	Closing() <-chan struct{}
	// NewIDs gives a fresh subscription id and signing secret.
	NewIDs() (id, secret string)
}

// Errors of the alert API, mapped to 404 and 400 by classify.
var (
	ErrSubscriptionNotFound = errors.New("subscription not found")
	// ErrInvalid marks a request that can't be served as asked; its
	// message is shown to the client.
	ErrInvalid = errors.New("invalid request")
	// ErrStorageFull marks a write the store refused for want of disk
	// space: a 503 with Retry-After, nothing changed.
	ErrStorageFull = errors.New("storage full")
)

// invalid is a 400 naming the faulty parameter.
func invalid(param, format string, args ...any) error {
	return &paramError{Param: param, Msg: fmt.Sprintf(format, args...)}
}

// Bounds of a subscription's fields.
const (
	maxNameRunes    = 200
	maxWebhookBytes = 2000
	maxBodyBytes    = 64 << 10
	recentMatches   = 20
)

// subscriptionRequest is the body of POST /api/subscriptions.
type subscriptionRequest struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Query    string `json:"query"`
	Source   string `json:"source"`
	District string `json:"district"`
	Lang     string `json:"lang"`
	Webhook  string `json:"webhook"`
	Updates  bool   `json:"updates"`
	// Source-health subscriptions: a duration ("6h") and a share (0.5).
	StaleAfter string  `json:"stale_after"`
	FailRatio  float64 `json:"fail_ratio"`
}

// newSubscription checks a request and makes the subscription, with a
// fresh id and, when it has a webhook, a fresh secret.
func (s *server) newSubscription(ctx context.Context, req subscriptionRequest) (*news.Subscription, error) {
	sub := &news.Subscription{
		Name: strings.TrimSpace(req.Name), Kind: strings.TrimSpace(req.Kind), Query: req.Query,
		Source: strings.TrimSpace(req.Source), District: strings.TrimSpace(req.District), Lang: strings.TrimSpace(req.Lang),
		Webhook: strings.TrimSpace(req.Webhook), Updates: req.Updates, FailRatio: req.FailRatio,
	}
	if sub.Kind == "" {
		sub.Kind = news.KindSearch
	}
	for name, v := range map[string]string{"source": sub.Source, "district": sub.District, "lang": sub.Lang} {
		if utf8.RuneCountInString(v) > maxParamLen {
			return nil, invalid(name, "longer than %d characters", maxParamLen)
		}
	}
	if utf8.RuneCountInString(sub.Name) > maxNameRunes {
		return nil, invalid("name", "longer than %d characters", maxNameRunes)
	}
	switch sub.Kind {
	case news.KindSearch:
		if req.StaleAfter != "" || req.FailRatio != 0 {
			return nil, invalid("kind", "stale_after and fail_ratio are for kind %q", news.KindSourceHealth)
		}
		err := s.Alerts.CheckQuery(news.Query{Q: sub.Query, Source: sub.Source, District: sub.District, Lang: sub.Lang})
		var qe *index.QueryError
		if errors.As(err, &qe) {
			return nil, &queryFieldError{qe}
		}
		if err != nil {
			return nil, err
		}
		if sub.Name == "" {
			sub.Name = cmpOr(strings.TrimSpace(sub.Query), "everything")
		}
	case news.KindSourceHealth:
		if sub.Query != "" || sub.District != "" || sub.Lang != "" || sub.Updates {
			return nil, invalid("kind", "a %s subscription takes source, stale_after and fail_ratio only", news.KindSourceHealth)
		}
		if req.StaleAfter != "" {
			d, err := time.ParseDuration(req.StaleAfter)
			if err != nil || d < time.Minute {
				return nil, invalid("stale_after", "%q is not a duration of a minute or more (e.g. 6h)", req.StaleAfter)
			}
			sub.StaleAfter = d
		}
		if sub.FailRatio < 0 || sub.FailRatio >= 1 {
			return nil, invalid("fail_ratio", "%v is not a share from 0 to 1", sub.FailRatio)
		}
		if sub.StaleAfter == 0 && sub.FailRatio == 0 {
			return nil, invalid("stale_after", "give stale_after, fail_ratio or both")
		}
		if sub.Name == "" {
			sub.Name = "Health of " + cmpOr(sub.Source, "every source")
		}
	default:
		return nil, invalid("kind", "%q is not %s or %s", sub.Kind, news.KindSearch, news.KindSourceHealth)
	}
	if sub.Webhook != "" {
		if len(sub.Webhook) > maxWebhookBytes {
			return nil, invalid("webhook", "longer than %d bytes", maxWebhookBytes)
		}
		if err := s.Alerts.CheckWebhook(ctx, sub.Webhook); err != nil {
			return nil, &paramError{Param: "webhook", Msg: err.Error()}
		}
	}
	sub.ID, sub.Secret = s.Alerts.NewIDs()
	if sub.Webhook == "" {
		sub.Secret = ""
	}
	if err := s.Alerts.CreateSubscription(ctx, sub); err != nil {
		return nil, err
	}
	s.Logger.Info("subscription created", "subscription", sub.ID, "kind", sub.Kind, "webhook", sub.Webhook != "")
	return sub, nil
}

// queryFieldError is a malformed query in a subscription's "query".
type queryFieldError struct{ *index.QueryError }

func subscriptionPath(id string) string { return "/subscriptions/" + url.PathEscape(id) }

func feedPath(id string) string { return "/feeds/" + url.PathEscape(id) + ".atom" }

// createSubscription serves POST /api/subscriptions.
func (s *server) createSubscription(w http.ResponseWriter, r *http.Request) error {
	var req subscriptionRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return invalid("body", "not a subscription in JSON: %v", err)
	}
	sub, err := s.newSubscription(r.Context(), req)
	if err != nil {
		return err
	}
	out := map[string]string{"id": sub.ID, "feed": baseURL(r) + feedPath(sub.ID)}
	if sub.Secret != "" {
		// The one time the secret is shown.
		out["secret"] = sub.Secret
	}
	w.Header().Set("Location", "/api/subscriptions/"+url.PathEscape(sub.ID))
	return writeJSON(w, http.StatusCreated, out)
}

// subscriptionJSON is a subscription as GET answers show it: no secret.
type subscriptionJSON struct {
	news.Subscription
	StaleAfter string         `json:"stale_after,omitempty"`
	Feed       string         `json:"feed"`
	Events     string         `json:"events"`
	State      string         `json:"state"`
	Deliveries map[string]int `json:"deliveries"`
	Recent     []matchJSON    `json:"matches,omitempty"`
	History    []deliveryJSON `json:"delivery_log,omitempty"`
}

type matchJSON struct {
	ID        string `json:"id"`
	Version   int    `json:"version"`
	URL       string `json:"url"`
	Title     string `json:"title"`
	Published string `json:"published"`
	Source    string `json:"source"`
	District  string `json:"district"`
	Lang      string `json:"lang"`
	Snippet   string `json:"snippet"`
	Matched   string `json:"matched"`
	Delivery  string `json:"delivery,omitempty"`
}

type deliveryJSON struct {
	news.Delivery
	State string `json:"state"`
}

func toMatchJSON(m news.Match) matchJSON {
	return matchJSON{ID: m.ArticleID, Version: m.Version, URL: m.URL, Title: m.Title, Published: formatTime(m.Published),
		Source: m.Source, District: m.District, Lang: m.Lang, Snippet: m.Snippet, Matched: formatTime(m.Matched), Delivery: m.Delivery}
}

// deliveryState sums up a subscription's deliveries: the worst state
// wins (dead, failing, pending, delivered); "none" without any.
func deliveryState(counts map[string]int) string {
	for _, st := range []string{news.DeliveryDead, news.DeliveryFailing, news.DeliveryPending, news.DeliveryDelivered} {
		if counts[st] > 0 {
			return st
		}
	}
	return "none"
}

// displayState shows a pending delivery that failed before as failing.
func displayState(d news.Delivery) string {
	if d.State == news.DeliveryPending && d.Attempts > 0 {
		return news.DeliveryFailing
	}
	return d.State
}

func (s *server) toJSON(r *http.Request, sub news.Subscription, counts map[string]int) subscriptionJSON {
	if counts == nil {
		counts = map[string]int{}
	}
	out := subscriptionJSON{Subscription: sub, Feed: baseURL(r) + feedPath(sub.ID),
		Events: baseURL(r) + "/api/subscriptions/" + url.PathEscape(sub.ID) + "/events",
		State:  deliveryState(counts), Deliveries: counts}
	if sub.StaleAfter > 0 {
		out.StaleAfter = sub.StaleAfter.String()
	}
	if !s.tokenHolder(r) {
		out.Webhook = redactURL(sub.Webhook)
	}
	return out
}

// redactURL keeps the scheme and host of a webhook URL and hides the
// rest, for readers without the token: receivers often carry their own
// secret in the path or query (chat webhooks do), which anyone who can
// read the API would otherwise collect. The owner knows the whole URL.
func redactURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "…"
	}
	if u.User == nil && (u.Path == "" || u.Path == "/") && u.RawQuery == "" && u.Fragment == "" {
		return raw
	}
	return u.Scheme + "://" + u.Host + "/…"
}

// listSubscriptions serves GET /api/subscriptions.
func (s *server) listSubscriptions(w http.ResponseWriter, r *http.Request) error {
	subs, err := s.Alerts.Subscriptions(r.Context())
	if err != nil {
		return err
	}
	states, err := s.Alerts.DeliveryStates(r.Context())
	if err != nil {
		return err
	}
	out := make([]subscriptionJSON, 0, len(subs))
	for _, sub := range subs {
		out = append(out, s.toJSON(r, sub, states[sub.ID]))
	}
	return writeJSON(w, http.StatusOK, out)
}

// getSubscription serves GET /api/subscriptions/{id}: the subscription,
// its recent matches and deliveries.
func (s *server) getSubscription(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	sub, err := s.Alerts.Subscription(r.Context(), id)
	if err != nil {
		return err
	}
	states, err := s.Alerts.DeliveryStates(r.Context())
	if err != nil {
		return err
	}
	out := s.toJSON(r, *sub, states[id])
	ms, err := s.Alerts.Matches(r.Context(), id, recentMatches)
	if err != nil {
		return err
	}
	out.Recent = []matchJSON{}
	for _, m := range ms {
		out.Recent = append(out.Recent, toMatchJSON(m))
	}
	ds, err := s.Alerts.Deliveries(r.Context(), id, recentMatches)
	if err != nil {
		return err
	}
	out.History = []deliveryJSON{}
	for _, d := range ds {
		out.History = append(out.History, deliveryJSON{Delivery: d, State: displayState(d)})
	}
	return writeJSON(w, http.StatusOK, out)
}

// deleteSubscription serves DELETE /api/subscriptions/{id}.
func (s *server) deleteSubscription(w http.ResponseWriter, r *http.Request) error {
	if err := s.Alerts.DeleteSubscription(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// redeliver serves POST /api/subscriptions/{id}/deliveries/{delivery}/redeliver.
func (s *server) redeliver(w http.ResponseWriter, r *http.Request) error {
	if err := s.Alerts.Redeliver(r.Context(), r.PathValue("id"), r.PathValue("delivery")); err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, map[string]string{"delivery": r.PathValue("delivery"), "state": news.DeliveryPending})
}

// redeliverDead serves POST /api/subscriptions/{id}/redeliver: every dead
// delivery of the subscription is sent again (with its own id).
func (s *server) redeliverDead(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if _, err := s.Alerts.Subscription(r.Context(), id); err != nil {
		return err
	}
	n, err := s.Alerts.RedeliverDead(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, map[string]any{"subscription": id, "redelivered": n})
}
