package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// subscriptionBody mirrors the fields POST /api/subscriptions accepts
// (DESIGN.md), to tell a well-formed body from one the API must refuse.
type subscriptionBody struct {
	Name       string  `json:"name"`
	Kind       string  `json:"kind"`
	Query      string  `json:"query"`
	Source     string  `json:"source"`
	District   string  `json:"district"`
	Lang       string  `json:"lang"`
	Webhook    string  `json:"webhook"`
	Updates    bool    `json:"updates"`
	StaleAfter string  `json:"stale_after"`
	FailRatio  float64 `json:"fail_ratio"`
}

// FuzzSubscriptionJSON posts any body to a real searchd (real store and
// index in a temporary directory, HTTP on loopback): every answer is a
// 201 or a 4xx with an error message, never a 5xx; a body that is not one
// JSON object of the known fields is a 400; a created subscription reads
// back with its query and has a secret exactly when it has a webhook.
// Webhook targets are not resolved (-allow-private-webhooks), so nothing
// leaves the machine.
func FuzzSubscriptionJSON(f *testing.F) {
	for _, s := range []string{
		`{"name":"drills","query":"应急演练 OR \"emergency drill\"","district":"binjiang","webhook":"http://127.0.0.1:9/hook"}`,
		`{"query":"滨江"}`,
		`{"kind":"source-health","source":"hhtz-news","stale_after":"6h","fail_ratio":0.5}`,
		`{"kind":"source-health","stale_after":"1s"}`,
		`{"kind":"source-health","fail_ratio":1}`,
		`{"kind":"other"}`,
		`{"query":"(((("}`,
		`{"query":"title:"}`,
		`{"query":"a","webhook":"ftp://x"}`,
		`{"query":"a","webhook":"http://user:pw@127.0.0.1/"}`,
		`{"query":"a","unknown":1}`,
		`{"query":"a"}{"query":"b"}`,
		`{"query":1}`,
		`{"updates":"yes"}`,
		`{"fail_ratio":1e400}`,
		`[]`, `null`, `""`, ``, `{`, "{\"name\":\"\xff\xfe\"}",
		`{"name":"` + strings.Repeat("長", 300) + `"}`,
		`{"query":"` + strings.Repeat("(", 2000) + `"}`,
		`{"query":"*","lang":"` + strings.Repeat("x", 1000) + `"}`,
	} {
		f.Add([]byte(s))
	}
	base := startFuzzDaemon(f)
	client := &http.Client{Timeout: 30 * time.Second}
	f.Fuzz(func(t *testing.T, body []byte) {
		resp, err := client.Post(base+"/api/subscriptions", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var answer struct{ ID, Feed, Secret, Error string }
		if err := json.Unmarshal(out, &answer); err != nil {
			t.Fatalf("%d answer is not JSON: %q", resp.StatusCode, out)
		}
		var req subscriptionBody
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		wellFormed := dec.Decode(&req) == nil
		switch {
		case resp.StatusCode == http.StatusCreated:
			if !wellFormed {
				t.Fatalf("created from a body that does not decode: %q", body)
			}
		case resp.StatusCode >= 400 && resp.StatusCode < 500:
			if answer.Error == "" {
				t.Fatalf("%d without an error message: %q", resp.StatusCode, out)
			}
			return
		default:
			t.Fatalf("POST %q: %d %s", body, resp.StatusCode, out)
		}
		if !strings.HasPrefix(answer.ID, "sub_") || !strings.HasSuffix(answer.Feed, "/feeds/"+answer.ID+".atom") {
			t.Fatalf("created %+v", answer)
		}
		if hasHook := strings.TrimSpace(req.Webhook) != ""; hasHook != strings.HasPrefix(answer.Secret, "whsec_") || (!hasHook && answer.Secret != "") {
			t.Fatalf("webhook %q, secret %q", req.Webhook, answer.Secret)
		}
		var got struct{ ID, Query, Kind string }
		u := base + "/api/subscriptions/" + url.PathEscape(answer.ID)
		resp, err = client.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		err = json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || err != nil || got.ID != answer.ID || got.Query != req.Query {
			t.Fatalf("GET %s: %d %v %+v, want query %q", u, resp.StatusCode, err, got, req.Query)
		}
		// Keep the store small over a long run.
		del, _ := http.NewRequest(http.MethodDelete, u, nil)
		if resp, err = client.Do(del); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 300 {
			t.Fatalf("DELETE %s: %d", u, resp.StatusCode)
		}
	})
}

// startFuzzDaemon runs searchd in-process on a free loopback port for the
// whole fuzz run and returns its base URL.
func startFuzzDaemon(f *testing.F) string {
	f.Helper()
	dir := f.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	log := &logBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-index", filepath.Join(dir, "index"),
			"-data", filepath.Join(dir, "data"), "-poll", "50ms", "-allow-private-webhooks"}, io.Discard, log)
	}()
	f.Cleanup(func() { cancel(); <-done })
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := listenRE.FindStringSubmatch(log.String()); m != nil {
			return "http://" + m[1]
		}
		select {
		case err := <-done:
			f.Fatalf("run: %v\n%s", err, log)
		case <-time.After(20 * time.Millisecond):
		}
	}
	f.Fatalf("searchd did not listen:\n%s", log)
	return ""
}
