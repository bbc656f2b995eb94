// Package metrics exposes searchd's figures in the Prometheus text format:
// HTTP requests by route, indexing progress and the health of every
// source as the crawler last recorded it. It is the only package that
// imports the Prometheus client.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"riverside/internal/news"
)

// Sources lists source health (the store).
type Sources interface {
	Sources(ctx context.Context, now time.Time) ([]news.SourceHealth, error)
}

// Indexed tells how far indexing got (the index).
type Indexed interface {
	Checkpoint() (int64, error)
}

// Registry holds searchd's metrics.
type Registry struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	searches *prometheus.HistogramVec // search.go
	// exportBytes and exports count /api/export (ops.go).
	exportBytes, exports *prometheus.CounterVec
	// attempts counts webhook delivery attempts by outcome (ops.go).
	attempts *prometheus.CounterVec
}

// New registers the metrics; sources and indexed are read at each scrape.
func New(sources Sources, indexed Indexed, logger *slog.Logger) *Registry {
	r := &Registry{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "riverside_http_requests_total",
			Help: "HTTP requests served, by route pattern and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "riverside_http_request_duration_seconds",
			Help:    "Time to serve an HTTP request, by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route"}),
	}
	r.searches = newSearchDuration()
	r.exportBytes, r.exports = newExportBytes()
	r.attempts = newAttempts()
	r.reg.MustRegister(r.requests, r.duration, r.searches, r.exportBytes, r.exports, r.attempts,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&health{sources: sources, indexed: indexed, logger: logger})
	return r
}

// Handler serves the metrics.
func (r *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{})
}

// ObserveRequest counts one served request.
func (r *Registry) ObserveRequest(route string, status int, d time.Duration) {
	if route == "" {
		route = "other"
	}
	r.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	r.duration.WithLabelValues(route).Observe(d.Seconds())
}

// health reads the store and the index at scrape time, so the figures are
// never stale and nothing runs between scrapes.
type health struct {
	sources Sources
	indexed Indexed
	logger  *slog.Logger
}

var (
	descIndexed = prometheus.NewDesc("riverside_index_sequence",
		"Sequence number of the last article version indexed.", nil, nil)
	descLastCrawl = prometheus.NewDesc("riverside_source_last_crawl_timestamp_seconds",
		"When the crawler last finished a pass over the source.", []string{"source"}, nil)
	descLastSuccess = prometheus.NewDesc("riverside_source_last_success_timestamp_seconds",
		"When a pass over the source last succeeded.", []string{"source"}, nil)
	descFailures = prometheus.NewDesc("riverside_source_consecutive_failures",
		"Failed passes over the source since its last success.", []string{"source"}, nil)
	descArticles = prometheus.NewDesc("riverside_source_articles",
		"Articles stored from the source.", []string{"source"}, nil)
	descRecent = prometheus.NewDesc("riverside_source_articles_7d",
		"Articles first stored from the source in the last 7 days.", []string{"source"}, nil)
	descLastPass = prometheus.NewDesc("riverside_source_last_pass",
		"Counters of the source's last crawl pass: links discovered, pages fetched, articles new, … and failures by kind (error_extract, error_http_5xx, error_timeout, …).",
		[]string{"source", "counter"}, nil)
)

func (h *health) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descIndexed, descLastCrawl, descLastSuccess, descFailures, descArticles, descRecent, descLastPass} {
		ch <- d
	}
}

func (h *health) Collect(ch chan<- prometheus.Metric) {
	if seq, err := h.indexed.Checkpoint(); err == nil {
		ch <- prometheus.MustNewConstMetric(descIndexed, prometheus.GaugeValue, float64(seq))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	srcs, err := h.sources.Sources(ctx, time.Now())
	if err != nil {
		h.logger.Warn("metrics: reading source health", "err", err)
		return
	}
	for _, s := range srcs {
		if s.LastCrawl != nil {
			ch <- prometheus.MustNewConstMetric(descLastCrawl, prometheus.GaugeValue, float64(s.LastCrawl.Unix()), s.ID)
		}
		if s.LastSuccess != nil {
			ch <- prometheus.MustNewConstMetric(descLastSuccess, prometheus.GaugeValue, float64(s.LastSuccess.Unix()), s.ID)
		}
		ch <- prometheus.MustNewConstMetric(descFailures, prometheus.GaugeValue, float64(s.ConsecutiveFailures), s.ID)
		ch <- prometheus.MustNewConstMetric(descArticles, prometheus.GaugeValue, float64(s.ArticlesTotal), s.ID)
		ch <- prometheus.MustNewConstMetric(descRecent, prometheus.GaugeValue, float64(s.Articles7d), s.ID)
		for counter, n := range s.LastPass {
			ch <- prometheus.MustNewConstMetric(descLastPass, prometheus.GaugeValue, float64(n), s.ID, counter)
		}
	}
}
