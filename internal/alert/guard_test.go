package alert

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"riverside/internal/news"
)

func TestCheckURL(t *testing.T) {
	ctx := context.Background()
	refused := map[string]string{
		"http://127.0.0.1:9/hook":                  "loopback",
		"http://169.254.169.254/latest/meta-data/": "link-local",
		"http://10.1.2.3/":                         "private",
		"http://192.168.0.1/":                      "private",
		"http://100.64.0.1/":                       "private",
		"http://[::1]/":                            "loopback",
		"http://[fe80::1]/":                        "link-local",
		"http://[::ffff:127.0.0.1]/":               "loopback",
		"http://224.0.0.1/":                        "multicast",
		"http://0.0.0.0/":                          "unspecified",
		"http://localhost/":                        "loopback",
		"ftp://example.com/":                       "scheme",
		"http:///nohost":                           "no host",
		"http://user:pw@203.0.113.9/":              "credentials",
	}
	for u, why := range refused {
		err := Guard{}.CheckURL(ctx, u)
		if !errors.Is(err, ErrTarget) || !strings.Contains(err.Error(), why) {
			t.Errorf("%s: got %v, want ErrTarget saying %q", u, err, why)
		}
	}
	for _, u := range []string{"https://203.0.113.9/hook", "http://8.8.8.8:8080/x"} {
		if err := (Guard{}).CheckURL(ctx, u); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	if err := (Guard{AllowPrivate: true}).CheckURL(ctx, "http://127.0.0.1:9/"); err != nil {
		t.Errorf("allowed private: %v", err)
	}
}

// TestClientRefusesAtConnect: a name that passed the check may resolve to
// loopback later; the dialer checks the address it connects to.
func TestClientRefusesAtConnect(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	_, err := Guard{}.Client(5 * time.Second).Get(srv.URL)
	if !errors.Is(err, ErrTarget) {
		t.Errorf("got %v, want ErrTarget", err)
	}
	resp, err := Guard{AllowPrivate: true}.Client(5 * time.Second).Get(srv.URL)
	if err != nil {
		t.Fatalf("allowed: %v", err)
	}
	resp.Body.Close()
}

func TestClientNoRedirects(t *testing.T) {
	hit := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/elsewhere" {
			hit = true
			return
		}
		http.Redirect(w, r, "/elsewhere", http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	resp, err := Guard{AllowPrivate: true}.Client(5*time.Second).Post(srv.URL, "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTemporaryRedirect || hit {
		t.Errorf("status %d, followed %v; want the 307 itself", resp.StatusCode, hit)
	}
}

// TestDeliveryErrorHidesURL: a receiver's URL may hold its token; a failed
// attempt's error (logged, shown in the API) names the cause, not the URL.
func TestDeliveryErrorHidesURL(t *testing.T) {
	ln := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	u := ln.URL + "/hook?token=SECRET-IN-URL"
	ln.Close() // refused from now on
	d := &Deliverer{Client: Guard{AllowPrivate: true}.Client(time.Second)}
	_, err := d.post(context.Background(), news.Delivery{ID: "msg_1", Webhook: u, Secret: NewSecret()}, []news.Match{{ArticleID: "a"}})
	if err == nil || strings.Contains(err.Error(), "SECRET-IN-URL") || strings.Contains(err.Error(), "/hook") {
		t.Errorf("error %v: want one without the URL's path and query", err)
	}
}
