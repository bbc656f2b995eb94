package web

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// Replica tells /healthz where this searchd stands among the replicas
// that follow one store: its lag behind the log, and whether it holds
// the alert lease. searchd provides it.
type Replica interface {
	ReplicaHealth(ctx context.Context) (ReplicaHealth, error)
}

// ReplicaHealth is a replica's part of /healthz.
type ReplicaHealth struct {
	// ID names the replica (searchd -replica-id).
	ID string
	// StoreSeq is the newest sequence number in the store's log; Lag is
	// StoreSeq minus the index's (the versions not yet searchable).
	StoreSeq, Lag int64
	// LagSeconds is how long the oldest version not yet indexed has been
	// in the log (by its fetch time), 0 when the index has caught up.
	LagSeconds float64
	// LastApplied is when the last batch went into the index since the
	// start (zero: none yet).
	LastApplied time.Time
	// Rebuilding says that the index started empty (new, or rebuilt for
	// a new mapping) and has not yet caught up with the log as it was
	// then.
	Rebuilding bool
	// AlertLeader says that this replica holds the alert lease: it
	// matches the saved searches and delivers the webhooks.
	AlertLeader bool
	// Unready, when not empty, says why a load balancer should send this
	// replica no searches now: /healthz then answers 503.
	Unready string
}

// healthJSON is the body of /healthz. The first two fields are the
// original ones (in the order they always came out); the rest are there
// when a Replica is given.
type healthJSON struct {
	IndexedSeq  int64    `json:"indexed_seq"`
	Status      string   `json:"status"`
	Replica     string   `json:"replica,omitempty"`
	StoreSeq    *int64   `json:"store_seq,omitempty"`
	Lag         *int64   `json:"lag,omitempty"`
	LagSeconds  *float64 `json:"lag_seconds,omitempty"`
	LastApplied string   `json:"last_applied,omitempty"`
	Rebuilding  *bool    `json:"rebuilding,omitempty"`
	AlertLeader *bool    `json:"alert_leader,omitempty"`
	Error       string   `json:"error,omitempty"`
}

func (s *server) health(w http.ResponseWriter, r *http.Request) error {
	seq, err := s.Indexed.Checkpoint()
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	h := healthJSON{Status: "ok", IndexedSeq: seq}
	if s.Replica == nil {
		return writeJSON(w, http.StatusOK, h)
	}
	rh, err := s.Replica.ReplicaHealth(r.Context())
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	h.Replica = rh.ID
	h.StoreSeq, h.Lag, h.LagSeconds = &rh.StoreSeq, &rh.Lag, &rh.LagSeconds
	h.Rebuilding, h.AlertLeader = &rh.Rebuilding, &rh.AlertLeader
	if !rh.LastApplied.IsZero() {
		h.LastApplied = rh.LastApplied.UTC().Format(time.RFC3339Nano)
	}
	status := http.StatusOK
	if rh.Unready != "" {
		h.Status, h.Error = "unavailable", rh.Unready
		status = http.StatusServiceUnavailable
		w.Header().Set("Retry-After", "5")
	}
	// A health answer is about now: no cache may keep it.
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, status, h)
}
