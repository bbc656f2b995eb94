package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// searchDuration is the time searches take in the index, whichever route
// asked (API, page, feeds), by outcome: ok, bad_query, busy (shed for
// want of a slot), timeout, error.
var searchBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 15}

func newSearchDuration() *prometheus.HistogramVec {
	return prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "riverside_search_duration_seconds",
		Help:    "Time a search took (waiting for a slot included), by outcome: ok, bad_query, busy, timeout, error.",
		Buckets: searchBuckets,
	}, []string{"outcome"})
}

// ObserveSearch counts one search.
func (r *Registry) ObserveSearch(outcome string, d time.Duration) {
	r.searches.WithLabelValues(outcome).Observe(d.Seconds())
}
