package web

import "net/url"

// alertRoutes adds the monitors' routes: the subscription API and its
// live stream, the feeds, the subscription pages and the token login.
func (s *server) alertRoutes(mux *routeMux) {
	s.subscriptionsHTML, s.subscriptionHTML = parse("subscriptions.html"), parse("subscription.html")
	s.loginHTML = parse("login.html")
	s.access = newAccess(s.Token)
	mux.Handle("GET /feeds/search.atom", s.handle(s.searchFeed))
	mux.Handle("GET /static/{name}", s.handle(staticFile))
	mux.Handle("GET /login", s.handle(s.loginPage))
	mux.Handle("POST /login", s.handle(s.login))
	if s.Alerts == nil {
		return
	}
	mux.Handle("POST /api/subscriptions", s.handle(s.createSubscription))
	mux.Handle("GET /api/subscriptions", s.handle(s.listSubscriptions))
	mux.Handle("GET /api/subscriptions/{id}", s.handle(s.getSubscription))
	mux.Handle("DELETE /api/subscriptions/{id}", s.handle(s.deleteSubscription))
	mux.Handle("GET /api/subscriptions/{id}/events", s.handle(s.events))
	mux.Handle("POST /api/subscriptions/{id}/deliveries/{delivery}/redeliver", s.handle(s.redeliver))
	mux.Handle("POST /api/subscriptions/{id}/redeliver", s.handle(s.redeliverDead))
	mux.Handle("GET /feeds/{file}", s.handle(s.subscriptionFeed))
	mux.Handle("GET /subscriptions", s.handle(s.subscriptionsPage))
	mux.Handle("POST /subscriptions", s.handle(s.createSubscriptionForm))
	mux.Handle("GET /subscriptions/{id}", s.handle(s.subscriptionPage))
	mux.Handle("POST /subscriptions/{id}/delete", s.handle(s.deleteSubscriptionForm))
	mux.Handle("POST /subscriptions/{id}/redeliver", s.handle(s.redeliverForm))
}

// subscribeLink is the subscription form filled in with a search's
// query and filters.
func subscribeLink(v url.Values) string {
	u := url.Values{}
	for _, k := range []string{"q", "source", "district", "lang"} {
		if s := v.Get(k); s != "" {
			u.Set(k, s)
		}
	}
	if len(u) == 0 {
		return "/subscriptions#new"
	}
	return "/subscriptions?" + u.Encode() + "#new"
}
