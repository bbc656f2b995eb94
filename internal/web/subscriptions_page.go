package web

import (
	"embed"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"riverside/internal/news"
)

//go:embed static
var static embed.FS

// subscriptionsView is what templates/subscriptions.html renders: the
// list, and the form to make one (filled in from a search).
type subscriptionsView struct {
	Form   formView
	CSRF   string
	New    subscriptionRequest
	Error  string
	Fault  *faultView
	Subs   []subscriptionRow
	Status int
}

type subscriptionRow struct {
	ID, Name, Summary, Feed, Page, State string
	Webhook                              bool
	Last                                 []matchRow
}

type matchRow struct {
	Title, URL, Date, Source, Matched string
	Before                            bool
}

// subscriptionView is what templates/subscription.html renders.
type subscriptionView struct {
	Form       formView
	CSRF       string
	Sub        subscriptionRow
	Secret     string // right after creation only
	Created    bool
	Events     string
	After      int64
	Matches    []matchRow
	Deliveries []deliveryRow
}

type deliveryRow struct {
	ID, State, Created, Detail string
	Attempts, Matches          int
	Redeliver                  bool
}

func (s *server) row(r *http.Request, sub news.Subscription, counts map[string]int) subscriptionRow {
	return subscriptionRow{ID: sub.ID, Name: sub.Name, Summary: subscriptionSummary(&sub), Feed: baseURL(r) + feedPath(sub.ID),
		Page: subscriptionPath(sub.ID), State: deliveryState(counts), Webhook: sub.Webhook != ""}
}

func toMatchRow(m news.Match) matchRow {
	return matchRow{Title: cmpOr(m.Title, m.URL), URL: m.URL, Date: displayDate(m.Published), Source: m.Source,
		Matched: m.Matched.In(news.Shanghai).Format("2006-01-02 15:04:05")}
}

// subscriptionsPage serves GET /subscriptions: every subscription with
// its feed, last matches and delivery state, and a form to add one,
// filled in from the search it was reached from (?q=&source=…).
func (s *server) subscriptionsPage(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	view := subscriptionsView{Form: form(url.Values{}), CSRF: s.access.csrf, Status: http.StatusOK,
		New: subscriptionRequest{Query: v.Get("q"), Source: v.Get("source"), District: v.Get("district"), Lang: v.Get("lang")}}
	return s.renderSubscriptions(w, r, view)
}

func (s *server) renderSubscriptions(w http.ResponseWriter, r *http.Request, view subscriptionsView) error {
	subs, err := s.Alerts.Subscriptions(r.Context())
	if err != nil {
		return err
	}
	states, err := s.Alerts.DeliveryStates(r.Context())
	if err != nil {
		return err
	}
	for _, sub := range subs {
		row := s.row(r, sub, states[sub.ID])
		ms, err := s.Alerts.Matches(r.Context(), sub.ID, 3)
		if err != nil {
			return err
		}
		for _, m := range ms {
			row.Last = append(row.Last, toMatchRow(m))
		}
		view.Subs = append(view.Subs, row)
	}
	return writeHTML(w, s.subscriptionsHTML, view.Status, view)
}

// createSubscriptionForm serves POST /subscriptions, the form of the
// subscriptions page.
func (s *server) createSubscriptionForm(w http.ResponseWriter, r *http.Request) error {
	req := subscriptionRequest{
		Name: r.PostFormValue("name"), Kind: r.PostFormValue("kind"), Query: r.PostFormValue("query"),
		Source: r.PostFormValue("source"), District: r.PostFormValue("district"), Lang: r.PostFormValue("lang"),
		Webhook: r.PostFormValue("webhook"), Updates: r.PostFormValue("updates") != "",
		StaleAfter: r.PostFormValue("stale_after"),
	}
	if fr := strings.TrimSpace(r.PostFormValue("fail_ratio")); fr != "" {
		f, err := strconv.ParseFloat(fr, 64)
		if err != nil {
			f = -1 // refused below with the usual message
		}
		req.FailRatio = f
	}
	sub, err := s.newSubscription(r.Context(), req)
	if err != nil {
		p := classify(err)
		if p.status >= 500 {
			return err
		}
		view := subscriptionsView{Form: form(url.Values{}), CSRF: s.access.csrf, New: req, Error: p.Error, Status: p.status}
		var qf *queryFieldError
		if errors.As(err, &qf) {
			runes := []rune(req.Query)
			pos := min(qf.Pos, len(runes))
			f := &faultView{Before: string(runes[:pos])}
			if pos < len(runes) {
				f.At, f.After = string(runes[pos]), string(runes[pos+1:])
			}
			view.Fault = f
		}
		return s.renderSubscriptions(w, r, view)
	}
	// The page shows the secret this once; it is not in the URL.
	return s.renderSubscription(w, r, sub.ID, sub.Secret, true)
}

// subscriptionPage serves GET /subscriptions/{id}: the feed, the
// deliveries with their state, and the matches, live.
func (s *server) subscriptionPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderSubscription(w, r, r.PathValue("id"), "", false)
}

func (s *server) renderSubscription(w http.ResponseWriter, r *http.Request, id, secret string, created bool) error {
	ctx := r.Context()
	sub, err := s.Alerts.Subscription(ctx, id)
	if err != nil {
		return err
	}
	states, err := s.Alerts.DeliveryStates(ctx)
	if err != nil {
		return err
	}
	view := subscriptionView{Form: form(url.Values{}), CSRF: s.access.csrf, Sub: s.row(r, *sub, states[id]), Secret: secret,
		Created: created, Events: "/api/subscriptions/" + url.PathEscape(id) + "/events"}
	ms, err := s.Alerts.Matches(ctx, id, 50)
	if err != nil {
		return err
	}
	for _, m := range ms {
		view.Matches = append(view.Matches, toMatchRow(m))
		view.After = max(view.After, m.Row)
	}
	// ?after=ROW shows the matches after ROW through the live stream
	// rather than in the page (a reader catching up).
	if a := r.URL.Query().Get("after"); a != "" {
		n, err := strconv.ParseInt(a, 10, 64)
		if err != nil || n < 0 {
			return invalid("after", "%q is not a number", a)
		}
		view.After = n
		var kept []matchRow
		for i, m := range ms {
			if m.Row <= n {
				kept = append(kept, view.Matches[i])
			}
		}
		view.Matches = kept
	}
	ds, err := s.Alerts.Deliveries(ctx, id, 20)
	if err != nil {
		return err
	}
	for _, d := range ds {
		row := deliveryRow{ID: d.ID, State: displayState(d), Attempts: d.Attempts, Matches: d.Matches,
			Created: d.Created.In(news.Shanghai).Format("2006-01-02 15:04:05")}
		switch {
		case d.State == news.DeliveryDelivered:
			row.Detail = "delivered " + d.Done.In(news.Shanghai).Format("15:04:05")
		case d.LastError != "":
			row.Detail = d.LastError
		}
		if d.State == news.DeliveryPending && d.Attempts > 0 {
			row.Detail += " · next try " + d.NextAttempt.In(news.Shanghai).Format("15:04:05")
		}
		row.Redeliver = d.State == news.DeliveryDead
		view.Deliveries = append(view.Deliveries, row)
	}
	return writeHTML(w, s.subscriptionHTML, http.StatusOK, view)
}

// deleteSubscriptionForm serves POST /subscriptions/{id}/delete.
func (s *server) deleteSubscriptionForm(w http.ResponseWriter, r *http.Request) error {
	if err := s.Alerts.DeleteSubscription(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/subscriptions", http.StatusSeeOther)
	return nil
}

// redeliverForm serves POST /subscriptions/{id}/redeliver: the delivery
// named by the field "delivery", or every dead one without it; back to
// the page given by "back" (the list or the subscription's page).
func (s *server) redeliverForm(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if d := r.PostFormValue("delivery"); d != "" {
		if err := s.Alerts.Redeliver(r.Context(), id, d); err != nil {
			return err
		}
	} else {
		if _, err := s.Alerts.Subscription(r.Context(), id); err != nil {
			return err
		}
		if _, err := s.Alerts.RedeliverDead(r.Context(), id); err != nil {
			return err
		}
	}
	back := subscriptionPath(id)
	if r.PostFormValue("back") == "list" {
		back = "/subscriptions"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// staticFile serves the embedded scripts (no inline script anywhere, so
// that a strict Content-Security-Policy can forbid it).
func staticFile(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	b, err := static.ReadFile("static/" + name)
	if err != nil || strings.Contains(name, "/") {
		return errNoRoute
	}
	h := w.Header()
	if strings.HasSuffix(name, ".js") {
		h.Set("Content-Type", "text/javascript; charset=utf-8")
	}
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, name, time.Time{}, strings.NewReader(string(b)))
	return nil
}
