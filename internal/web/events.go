package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// keepAlive is how often an idle event stream gets a comment line, so
// that proxies and browsers keep it open.
const keepAlive = 15 * time.Second

// events serves GET /api/subscriptions/{id}/events: a Server-Sent Events
// stream of the subscription's new matches, each an event "match" whose
// id is its outbox row, so a reconnecting EventSource resumes after the
// last it saw (Last-Event-ID). Without one, ?after=ROW says where to
// start; without either the stream starts with the next new match.
func (s *server) events(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id := r.PathValue("id")
	if _, err := s.Alerts.Subscription(ctx, id); err != nil {
		return err
	}
	after := int64(-1)
	for _, v := range []string{r.Header.Get("Last-Event-ID"), r.URL.Query().Get("after")} {
		if v == "" {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return invalid("after", "%q is not an event id", v)
		}
		after = n
		break
	}
	if after < 0 {
		ms, err := s.Alerts.Matches(ctx, id, 1)
		if err != nil {
			return err
		}
		after = 0
		if len(ms) > 0 {
			after = ms[0].Row
		}
	}
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ": riverside live matches\nretry: 2000\n\n")
	for {
		// The server's write timeout is for ordinary answers; a stream
		// lives as long as its reader.
		_ = rc.SetWriteDeadline(time.Now().Add(2 * keepAlive))
		changed := s.Alerts.Changed()
		ms, err := s.Alerts.MatchesAfter(ctx, id, after, 100)
		if err != nil {
			return nil // the headers are out; the client reconnects
		}
		var buf bytes.Buffer
		for _, m := range ms {
			b, _ := json.Marshal(toMatchJSON(m)) // plain strings always encode
			fmt.Fprintf(&buf, "id: %d\nevent: match\ndata: %s\n\n", m.Row, b)
			after = m.Row
		}
		if buf.Len() > 0 {
			if _, err := w.Write(buf.Bytes()); err != nil {
				return nil
			}
		}
		if err := rc.Flush(); err != nil {
			return nil
		}
		if len(ms) == 100 {
			continue
		}
		t := time.NewTimer(keepAlive)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-s.Alerts.Closing():
			t.Stop()
			return nil
		case <-changed:
			t.Stop()
		case <-t.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return nil
			}
		}
	}
}
