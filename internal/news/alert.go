package news

import "time"

// Kinds of subscription.
const (
	// KindSearch alerts on new article versions that match a query.
	KindSearch = "search"
	// KindSourceHealth alerts when a source stops delivering: no
	// successful crawl or no new article for a while, or most pages
	// failing extraction.
	KindSourceHealth = "source-health"
)

// Subscription is a monitor's standing order: a saved search (or a
// source-health watch) whose new matches are kept in the outbox and
// delivered by feed, webhook and live stream.
type Subscription struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Query    string `json:"query"`
	Source   string `json:"source,omitempty"`
	District string `json:"district,omitempty"`
	Lang     string `json:"lang,omitempty"`
	// Webhook is the URL deliveries are POSTed to; "" for feed only.
	Webhook string `json:"webhook,omitempty"`
	// Secret signs the webhook deliveries ("whsec_<base64>"). It is shown
	// once, when the subscription is created, and never again.
	Secret string `json:"-"`
	// Updates alerts again when an article already alerted is edited.
	Updates bool `json:"updates"`
	// StaleAfter (source-health): alert when a source has had no
	// successful crawl, or no new article, for this long.
	StaleAfter time.Duration `json:"-"`
	// FailRatio (source-health): alert when more than this share of the
	// pages fetched in a pass failed extraction; 0 turns it off.
	FailRatio float64 `json:"fail_ratio,omitempty"`
	// StartSeq is the store's log position when the subscription was
	// made: only versions after it alert.
	StartSeq int64     `json:"start_seq"`
	Created  time.Time `json:"created"`
}

// Match is one entry of the outbox: an article version (or a health
// event) that matched a subscription, with what a feed entry or a
// webhook needs of it, as it was when it matched.
type Match struct {
	// Row orders the outbox; live streams resume from it.
	Row          int64     `json:"-"`
	Subscription string    `json:"subscription"`
	ArticleID    string    `json:"id"`
	Version      int       `json:"version"`
	Seq          int64     `json:"seq"`
	Delivery     string    `json:"delivery,omitempty"`
	Matched      time.Time `json:"matched"`
	URL          string    `json:"url"`
	Title        string    `json:"title"`
	Published    time.Time `json:"published"`
	// Updated is when this version was fetched.
	Updated   time.Time `json:"updated"`
	Source    string    `json:"source"`
	District  string    `json:"district"`
	Lang      string    `json:"lang"`
	Author    string    `json:"author"`
	Publisher string    `json:"publisher"`
	// Snippet is HTML-escaped text with the matches in <mark>, as in
	// search hits.
	Snippet string `json:"snippet"`
}

// Delivery states.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryDead      = "dead"
	// DeliveryFailing is a pending delivery that has failed at least
	// once (shown, not stored).
	DeliveryFailing = "failing"
)

// Delivery is one webhook POST carrying a batch's matches for one
// subscription. Its ID is the webhook-id, the same on every retry.
type Delivery struct {
	ID           string    `json:"id"`
	Subscription string    `json:"subscription"`
	State        string    `json:"state"`
	Attempts     int       `json:"attempts"`
	Matches      int       `json:"matches"`
	Created      time.Time `json:"created"`
	NextAttempt  time.Time `json:"next_attempt,omitzero"`
	Done         time.Time `json:"done,omitzero"`
	LastStatus   int       `json:"last_status,omitempty"`
	LastError    string    `json:"last_error,omitempty"`
	// Webhook and Secret are filled in for the deliverer only.
	Webhook string `json:"-"`
	Secret  string `json:"-"`
}

// Attempt is the outcome of one attempt at a delivery.
type Attempt struct {
	OK     bool
	Status int
	Error  string
	// Next is when to try again; Dead gives up instead.
	Next time.Time
	Dead bool
}
