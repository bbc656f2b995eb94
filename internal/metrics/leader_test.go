package metrics

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestWatchLeader(t *testing.T) {
	st, idx := openStoreAndIndex(t)
	reg := New(st, idx, slog.New(slog.DiscardHandler))
	var leading atomic.Bool
	reg.WatchLeader(leading.Load)
	scrape := func() string {
		rec := httptest.NewRecorder()
		reg.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		b, _ := io.ReadAll(rec.Body)
		return string(b)
	}
	for _, c := range []struct {
		leading bool
		want    string
	}{{false, "riverside_alert_leader 0"}, {true, "riverside_alert_leader 1"}, {false, "riverside_alert_leader 0"}} {
		leading.Store(c.leading)
		if body := scrape(); !strings.Contains(body, c.want+"\n") {
			t.Errorf("leading %v: /metrics lacks %q", c.leading, c.want)
		}
	}
}
