package metrics

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// LastSeq tells the newest sequence number committed to the store.
type LastSeq interface {
	LastSeq(ctx context.Context) (int64, error)
}

var (
	descStoreSeq = prometheus.NewDesc("riverside_store_sequence",
		"Sequence number of the newest article version in the store.", nil, nil)
	descLag = prometheus.NewDesc("riverside_index_lag",
		"Article versions committed to the store and not yet indexed (store sequence − index sequence).", nil, nil)
)

// WatchLag adds the store's newest sequence and the index lag, read at
// each scrape: a lag that grows means the indexer is stuck or behind.
func (r *Registry) WatchLag(store LastSeq, indexed Indexed, logger *slog.Logger) {
	r.reg.MustRegister(&lag{store: store, indexed: indexed, logger: logger})
}

type lag struct {
	store   LastSeq
	indexed Indexed
	logger  *slog.Logger
}

func (l *lag) Describe(ch chan<- *prometheus.Desc) {
	ch <- descStoreSeq
	ch <- descLag
}

func (l *lag) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	seq, err := l.store.LastSeq(ctx)
	if err != nil {
		l.logger.Warn("metrics: reading the store's sequence", "err", err)
		return
	}
	ch <- prometheus.MustNewConstMetric(descStoreSeq, prometheus.GaugeValue, float64(seq))
	if indexed, err := l.indexed.Checkpoint(); err == nil {
		ch <- prometheus.MustNewConstMetric(descLag, prometheus.GaugeValue, float64(max(seq-indexed, 0)))
	}
}
