package metrics

import "github.com/prometheus/client_golang/prometheus"

// WatchLeader adds riverside_alert_leader, read at each scrape from
// leading: 1 while this searchd holds the alert lease (it matches and
// delivers alerts), 0 on a standby replica. Summed over the replicas it
// should be 1; 0 for longer than the lease's TTL means nobody alerts.
func (r *Registry) WatchLeader(leading func() bool) {
	r.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "riverside_alert_leader",
		Help: "1 while this replica holds the alert lease (matches saved searches, delivers webhooks), else 0.",
	}, func() float64 {
		if leading() {
			return 1
		}
		return 0
	}))
}
