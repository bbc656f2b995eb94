package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/websocket"
)

// page is a tab of a headless Chromium driven through the DevTools
// protocol, for what a one-shot --dump-dom can't show: a page that
// changes while it is open.
type page struct {
	t    *testing.T
	ws   *websocket.Conn
	next int
}

// openPage starts Chromium on a DevTools port (loopback) and opens u in
// a tab. Chromium is stopped at the end of the test.
func (b *browser) openPage(t *testing.T, u string) *page {
	t.Helper()
	profile := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, b.path, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
		"--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--remote-allow-origins=*",
		"--user-data-dir="+profile, "about:blank")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); cmd.Wait() })
	// Chromium writes the port it chose into the profile.
	var port string
	waitUntil(t, "the DevTools port", 30*time.Second, func() bool {
		b, err := os.ReadFile(filepath.Join(profile, "DevToolsActivePort"))
		if err != nil {
			return false
		}
		port, _, _ = strings.Cut(string(b), "\n")
		return port != ""
	})
	req, _ := http.NewRequest(http.MethodPut, "http://127.0.0.1:"+port+"/json/new?"+u, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("new tab: %v\n%s", err, tail(errb.String(), 2000))
	}
	defer resp.Body.Close()
	var target struct {
		WebSocketDebuggerURL string `json:"webSocketDebuggerUrl"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&target); err != nil || target.WebSocketDebuggerURL == "" {
		t.Fatalf("new tab: %d %v", resp.StatusCode, err)
	}
	ws, err := websocket.Dial(target.WebSocketDebuggerURL, "", "http://127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return &page{t: t, ws: ws}
}

// eval evaluates a JavaScript expression in the page and decodes its
// value into v.
func (p *page) eval(expr string, v any) {
	p.t.Helper()
	if err := p.try(expr, v); err != nil {
		p.t.Fatal(err)
	}
}

// try is eval reporting a failure, such as "no execution context" while
// the page is still loading, as an error.
func (p *page) try(expr string, v any) error {
	p.next++
	id := p.next
	msg := map[string]any{"id": id, "method": "Runtime.evaluate",
		"params": map[string]any{"expression": expr, "returnByValue": true}}
	if err := websocket.JSON.Send(p.ws, msg); err != nil {
		return err
	}
	p.ws.SetReadDeadline(time.Now().Add(30 * time.Second))
	for {
		var r struct {
			ID     int `json:"id"`
			Result struct {
				Result struct {
					Value json.RawMessage `json:"value"`
				} `json:"result"`
				ExceptionDetails any `json:"exceptionDetails"`
			} `json:"result"`
			Error any `json:"error"`
		}
		if err := websocket.JSON.Receive(p.ws, &r); err != nil {
			return err
		}
		if r.ID != id {
			continue // an event
		}
		if r.Error != nil || r.Result.ExceptionDetails != nil {
			return fmt.Errorf("eval %s: %v %v", expr, r.Error, r.Result.ExceptionDetails)
		}
		if err := json.Unmarshal(r.Result.Result.Value, v); err != nil {
			return fmt.Errorf("eval %s: %s: %w", expr, r.Result.Result.Value, err)
		}
		return nil
	}
}

// waitFor evaluates a boolean expression until it is true.
func (p *page) waitFor(what, expr string) {
	p.t.Helper()
	waitUntil(p.t, what, 30*time.Second, func() bool {
		var ok bool
		// Not yet, while the page is still loading.
		return p.try(fmt.Sprintf("Boolean(%s)", expr), &ok) == nil && ok
	})
}
