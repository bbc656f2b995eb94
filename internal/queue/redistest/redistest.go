// Package redistest starts a real redis-server for tests: on a free
// loopback port, in a temporary directory, without persistence, stopped
// when the test ends.
package redistest

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Start runs a redis-server for t and returns its URL
// (redis://127.0.0.1:PORT/0). Without redis-server on PATH the test is
// skipped, unless the CI environment variable is set: then it fails, so
// that CI never passes by skipping.
func Start(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("redis-server is not installed (CI is set: .ci/run installs it): %v", err)
		}
		t.Skip("redis-server is not installed (apt-get install redis-server)")
	}
	dir := t.TempDir()
	for attempt := 0; ; attempt++ {
		port, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
			"--dir", dir, "--protected-mode", "yes")
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = cmd.Stdout
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		ready := make(chan bool, 1)
		var logs strings.Builder
		go func() {
			sc := bufio.NewScanner(out)
			sent := false
			for sc.Scan() {
				line := sc.Text()
				if !sent {
					logs.WriteString(line + "\n")
				}
				if !sent && strings.Contains(line, "Ready to accept connections") {
					ready <- true
					sent = true
				}
			}
			if !sent {
				ready <- false
			}
		}()
		var ok bool
		select {
		case ok = <-ready:
		case <-time.After(30 * time.Second):
		}
		if ok {
			t.Cleanup(func() {
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
			})
			return fmt.Sprintf("redis://127.0.0.1:%d/0", port)
		}
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		// Another process may have taken the port since we looked.
		if attempt >= 3 {
			t.Fatalf("redis-server did not start:\n%s", logs.String())
		}
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
