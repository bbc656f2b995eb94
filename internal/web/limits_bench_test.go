package web

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

// BenchmarkLimits measures what the security headers and the limits add
// to a request, around a handler that does nothing: with the defaults
// (no per-client rate), and with a rate over 200 client addresses (a
// token bucket per request).
func BenchmarkLimits(b *testing.B) {
	noop := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	for _, bc := range []struct {
		name string
		l    Limits
	}{{"defaults", Limits{}}, {"rate-limited", Limits{Rate: 1e9, Burst: 1e9}}} {
		b.Run(bc.name, func(b *testing.B) {
			s := &server{Deps: Deps{Logger: slog.New(slog.DiscardHandler), Limits: bc.l.withDefaults()}}
			if bc.l.Rate > 0 {
				s.clients = newClients(bc.l.Rate, bc.l.Burst)
			}
			h := secure(s.limit(noop))
			req := httptest.NewRequest("GET", "/api/search?q=x", nil)
			for i := 0; b.Loop(); i++ {
				req.RemoteAddr = "10.0." + strconv.Itoa(i%200) + ".1:1234"
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}
