package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"
)

// cdp drives headless Chromium through the DevTools protocol over
// --remote-debugging-pipe: commands go to the browser's fd 3, answers and
// events come from its fd 4, each message a JSON object ended by a NUL
// byte. No WebSocket and no library needed.
type cdp struct {
	cmd    *exec.Cmd
	w      *os.File
	mu     sync.Mutex
	nextID int
	wait   map[int]chan cdpReply
	done   chan struct{}
}

type cdpReply struct {
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func startCDP(t *testing.T) *cdp {
	t.Helper()
	b := newBrowser(t)
	toBrowserR, toBrowserW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	fromBrowserR, fromBrowserW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(b.path,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--no-first-run", "--disable-sync", "--hide-scrollbars",
		"--user-data-dir="+t.TempDir(), "--remote-debugging-pipe", "about:blank")
	cmd.ExtraFiles = []*os.File{toBrowserR, fromBrowserW} // fd 3, fd 4
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	toBrowserR.Close()
	fromBrowserW.Close()
	c := &cdp{cmd: cmd, w: toBrowserW, wait: map[int]chan cdpReply{}, done: make(chan struct{})}
	go c.read(fromBrowserR)
	t.Cleanup(func() {
		toBrowserW.Close()
		// Chromium starts helper processes: end the whole group.
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
		fromBrowserR.Close()
		if t.Failed() {
			t.Logf("chromium stderr (tail):\n%s", tail(stderr.String(), 3000))
		}
	})
	return c
}

func (c *cdp) read(r *os.File) {
	defer close(c.done)
	br := bufio.NewReaderSize(r, 1<<20)
	for {
		msg, err := br.ReadBytes(0)
		if err != nil {
			return
		}
		var m struct {
			ID int `json:"id"`
			cdpReply
		}
		if json.Unmarshal(msg[:len(msg)-1], &m) != nil || m.ID == 0 {
			continue // an event
		}
		c.mu.Lock()
		ch := c.wait[m.ID]
		delete(c.wait, m.ID)
		c.mu.Unlock()
		if ch != nil {
			ch <- m.cdpReply
		}
	}
}

// call sends a command (to a page's session when session is set) and
// decodes its result into out.
func (c *cdp) call(ctx context.Context, session, method string, params any, out any) error {
	c.mu.Lock()
	c.nextID++
	id := c.nextID
	ch := make(chan cdpReply, 1)
	c.wait[id] = ch
	c.mu.Unlock()
	msg := map[string]any{"id": id, "method": method, "params": params}
	if session != "" {
		msg["sessionId"] = session
	}
	b, _ := json.Marshal(msg)
	if _, err := c.w.Write(append(b, 0)); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	select {
	case r := <-ch:
		if r.Error != nil {
			return fmt.Errorf("%s: %s (%d)", method, r.Error.Message, r.Error.Code)
		}
		if out != nil {
			return json.Unmarshal(r.Result, out)
		}
		return nil
	case <-c.done:
		return fmt.Errorf("%s: the browser went away", method)
	case <-ctx.Done():
		return fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

// open makes a new tab on u and returns its session.
func (c *cdp) open(ctx context.Context, u string) (string, error) {
	var target struct {
		TargetID string `json:"targetId"`
	}
	if err := c.call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank"}, &target); err != nil {
		return "", err
	}
	var att struct {
		SessionID string `json:"sessionId"`
	}
	if err := c.call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &att); err != nil {
		return "", err
	}
	if err := c.call(ctx, att.SessionID, "Page.enable", map[string]any{}, nil); err != nil {
		return "", err
	}
	if err := c.call(ctx, att.SessionID, "Page.navigate", map[string]any{"url": u}, nil); err != nil {
		return "", err
	}
	return att.SessionID, nil
}

// frame is a node of Page.getFrameTree.
type frame struct {
	Frame struct {
		ID  string `json:"id"`
		URL string `json:"url"`
	} `json:"frame"`
	ChildFrames []frame `json:"childFrames"`
}

// frames lists the page's frames, nested ones included.
func (c *cdp) frames(ctx context.Context, session string) ([]frame, error) {
	var tree struct {
		FrameTree frame `json:"frameTree"`
	}
	if err := c.call(ctx, session, "Page.getFrameTree", map[string]any{}, &tree); err != nil {
		return nil, err
	}
	var out []frame
	var walk func(f frame)
	walk = func(f frame) {
		out = append(out, f)
		for _, ch := range f.ChildFrames {
			walk(ch)
		}
	}
	walk(tree.FrameTree)
	return out, nil
}

// eval evaluates a JavaScript expression in a frame (in an isolated
// world, which shares the frame's DOM but none of its scripts) and
// returns its string value.
func (c *cdp) eval(ctx context.Context, session, frameID, expr string) (string, error) {
	var world struct {
		ContextID int `json:"executionContextId"`
	}
	if err := c.call(ctx, session, "Page.createIsolatedWorld", map[string]any{"frameId": frameID, "worldName": "riverside-test"}, &world); err != nil {
		return "", err
	}
	var res struct {
		Result struct {
			Value any `json:"value"`
		} `json:"result"`
	}
	if err := c.call(ctx, session, "Runtime.evaluate", map[string]any{"expression": expr, "contextId": world.ContextID, "returnByValue": true}, &res); err != nil {
		return "", err
	}
	s, _ := res.Result.Value.(string)
	return s, nil
}

// serviceWorkers counts the running service workers the browser knows.
func (c *cdp) serviceWorkers(ctx context.Context) (int, error) {
	var ts struct {
		TargetInfos []struct {
			Type string `json:"type"`
			URL  string `json:"url"`
		} `json:"targetInfos"`
	}
	if err := c.call(ctx, "", "Target.getTargets", map[string]any{}, &ts); err != nil {
		return 0, err
	}
	n := 0
	for _, ti := range ts.TargetInfos {
		if ti.Type == "service_worker" {
			n++
		}
	}
	return n, nil
}

// poll calls f until it reports done or ctx ends; it is how the test waits
// for the browser, never a fixed sleep.
func poll(ctx context.Context, every time.Duration, f func() (bool, error)) error {
	for {
		ok, err := f()
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			if err != nil {
				return fmt.Errorf("%w (last error: %v)", ctx.Err(), err)
			}
			return ctx.Err()
		case <-time.After(every):
		}
	}
}
