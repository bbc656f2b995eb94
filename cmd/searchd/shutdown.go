package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// shutdownGrace is how long requests in flight get to finish at shutdown;
// what still runs after it (an export to a slow client, say) is abandoned,
// so that searchd stops within shutdownTimeout.
const shutdownGrace = shutdownTimeout / 2

// drain tracks the requests in flight so that shutdown can abandon the
// long ones and still wait for their handlers to return before the index
// and the store are closed.
type drain struct {
	inflight sync.WaitGroup
	ctx      context.Context // every request's base context
	abandon  context.CancelFunc
}

// newDrain wraps srv's handler and base context; call it before Serve.
func newDrain(srv *http.Server) *drain {
	d := &drain{}
	d.ctx, d.abandon = context.WithCancel(context.Background())
	h := srv.Handler
	srv.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.inflight.Add(1)
		defer d.inflight.Done()
		h.ServeHTTP(w, r)
	})
	srv.BaseContext = func(net.Listener) context.Context { return d.ctx }
	return d
}

// shutdown stops srv: no new requests, those in flight get shutdownGrace
// to finish; then the rest are cancelled and their connections closed
// (an export breaks off, which its client sees as an incomplete
// response, never as a short file that ends cleanly), and shutdown waits
// for their handlers up to shutdownTimeout in all. Abandoning requests
// is part of an orderly stop, not an error; a handler that outlives
// shutdownTimeout is.
func (d *drain) shutdown(ctx context.Context, srv *http.Server, logger *slog.Logger) error {
	graceCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	err := srv.Shutdown(graceCtx)
	if err == nil {
		return nil
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("http shutdown: %w", err)
	}
	logger.Warn("shutdown: requests still running after the grace period; abandoning them", "grace", shutdownGrace.String())
	d.abandon()
	srv.Close()
	done := make(chan struct{})
	go func() { d.inflight.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-time.After(shutdownTimeout - shutdownGrace):
		return errors.New("http shutdown: handlers still running after the requests were abandoned")
	}
}
