package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// fixedReplica reports a replica state given by the test.
type fixedReplica ReplicaHealth

func (r fixedReplica) ReplicaHealth(context.Context) (ReplicaHealth, error) {
	return ReplicaHealth(r), nil
}

// TestHealthReplica: /healthz with a replica's state answers 200 or,
// when the replica says it is unready, 503 with the reason; both bodies
// as the OpenAPI document says.
func TestHealthReplica(t *testing.T) {
	d := loadDoc(t)
	var op operation
	for _, o := range d.operations(t) {
		if o.path == "/healthz" && o.method == http.MethodGet {
			op = o
		}
	}
	if op.op == nil {
		t.Fatal("GET /healthz is not documented")
	}
	for _, c := range []struct {
		rh   ReplicaHealth
		want int
		has  []string
	}{
		{ReplicaHealth{ID: "a", StoreSeq: 5, Lag: 2, LagSeconds: 1.5, LastApplied: time.Now(), AlertLeader: true}, http.StatusOK,
			[]string{`"status":"ok"`, `"replica":"a"`, `"lag":2`, `"alert_leader":true`, `"rebuilding":false`, `"last_applied":"`}},
		// Zero figures are still there: a caught-up standby says lag 0.
		{ReplicaHealth{ID: "b", StoreSeq: 3}, http.StatusOK,
			[]string{`"lag":0`, `"lag_seconds":0`, `"alert_leader":false`}},
		{ReplicaHealth{ID: "c", StoreSeq: 9, Lag: 6, Rebuilding: true, Unready: "the index is being rebuilt"}, http.StatusServiceUnavailable,
			[]string{`"status":"unavailable"`, `"error":"the index is being rebuilt"`, `"rebuilding":true`}},
	} {
		h := New(Deps{Searcher: &fakeIndex{}, Indexed: &fakeIndex{seq: 3}, Articles: fakeStore{}, Replica: fixedReplica(c.rh)})
		srv := httptest.NewServer(h)
		if got := check(t, d, op, srv.URL+"/healthz", nil, false); got != c.want {
			t.Errorf("%s: HTTP %d, want %d", c.rh.ID, got, c.want)
		}
		res, err := http.Get(srv.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		for _, s := range c.has {
			if !strings.Contains(string(body), s) {
				t.Errorf("%s: %s lacks %s", c.rh.ID, body, s)
			}
		}
		if res.Header.Get("Cache-Control") != "no-store" || (c.want == http.StatusServiceUnavailable) != (res.Header.Get("Retry-After") != "") {
			t.Errorf("%s: headers %v", c.rh.ID, res.Header)
		}
		srv.Close()
	}
}
