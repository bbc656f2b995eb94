package metrics

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"riverside/internal/news"
)

// Alerts reads the alerts' figures (the store).
type Alerts interface {
	MatchCount(ctx context.Context) (int64, error)
	// DeliveryStates counts each subscription's webhook deliveries by
	// state (pending, failing, delivered, dead).
	DeliveryStates(ctx context.Context) (map[string]map[string]int, error)
}

var (
	descMatches = prometheus.NewDesc("riverside_alert_matches",
		"Articles matched by saved searches (the outbox, read from the store: restarts keep it).", nil, nil)
	descDeliveries = prometheus.NewDesc("riverside_webhook_deliveries",
		"Webhook deliveries by state: pending, failing (retrying after a failure), delivered, dead (gave up).", []string{"state"}, nil)
)

// WatchAlerts adds the alert matches and the webhook deliveries by state,
// read from the store at each scrape. They are summed over the
// subscriptions, whose ids would make the label set grow without bound.
func (r *Registry) WatchAlerts(a Alerts, logger *slog.Logger) {
	r.reg.MustRegister(&alerts{a: a, logger: logger})
}

type alerts struct {
	a      Alerts
	logger *slog.Logger
}

func (c *alerts) Describe(ch chan<- *prometheus.Desc) {
	ch <- descMatches
	ch <- descDeliveries
}

func (c *alerts) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if n, err := c.a.MatchCount(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(descMatches, prometheus.GaugeValue, float64(n))
	} else {
		c.logger.Warn("metrics: reading alert matches", "err", err)
	}
	states, err := c.a.DeliveryStates(ctx)
	if err != nil {
		c.logger.Warn("metrics: reading webhook deliveries", "err", err)
		return
	}
	sum := map[string]int{"pending": 0, "failing": 0, "delivered": 0, "dead": 0}
	for _, bySub := range states {
		for st, n := range bySub {
			sum[st] += n
		}
	}
	for st, n := range sum {
		ch <- prometheus.MustNewConstMetric(descDeliveries, prometheus.GaugeValue, float64(n), st)
	}
}

// newAttempts counts webhook delivery attempts by outcome: what the
// deliveries' states (riverside_webhook_deliveries) cannot show, such as
// a receiver that fails often but recovers on a retry.
func newAttempts() *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "riverside_webhook_attempts_total",
		Help: "Webhook delivery attempts by this process, by outcome: ok, failed (to be retried), dead (failed, and given up).",
	}, []string{"outcome"})
	for _, o := range []string{"ok", "failed", "dead"} {
		c.WithLabelValues(o)
	}
	return c
}

// ObserveAttempt counts one webhook delivery attempt (the deliverer's
// Delivered hook).
func (r *Registry) ObserveAttempt(_ news.Delivery, a news.Attempt) {
	outcome := "ok"
	switch {
	case a.Dead:
		outcome = "dead"
	case !a.OK:
		outcome = "failed"
	}
	r.attempts.WithLabelValues(outcome).Inc()
}

// newExportBytes counts the bytes /api/export sent, by format.
func newExportBytes() (*prometheus.CounterVec, *prometheus.CounterVec) {
	return prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "riverside_export_bytes_total",
			Help: "Bytes /api/export sent (as sent: gzip-compressed when the client asked), by format.",
		}, []string{"format"}),
		prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "riverside_exports_total",
			Help: "Exports served by /api/export, by format and outcome: complete, or broken off (client gone, failure).",
		}, []string{"format", "outcome"})
}

// ObserveExport counts one export: its format, the bytes sent and
// whether it went to its end.
func (r *Registry) ObserveExport(format string, bytes int64, complete bool) {
	outcome := "complete"
	if !complete {
		outcome = "broken"
	}
	r.exportBytes.WithLabelValues(format).Add(float64(bytes))
	r.exports.WithLabelValues(format, outcome).Inc()
}
