package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server's and the test's
// goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRun(t *testing.T) {
	sources := filepath.Join(t.TempDir(), "sources.yaml")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-sources", sources}, &stdout, &stderr) }()

	// The sources file appears once the listener is bound, with its port.
	var data []byte
	deadline := time.Now().Add(10 * time.Second)
	for {
		var err error
		if data, err = os.ReadFile(sources); err == nil && len(data) > 0 {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("run returned early: %v\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no sources file after 10s\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	m := regexp.MustCompile(`url: (http://127\.0\.0\.1:(\d+)/\S+)`).FindSubmatch(data)
	if m == nil || string(m[2]) == "0" {
		t.Fatalf("no discovery URL with a real port in:\n%s", data)
	}
	resp, err := http.Get(string(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || len(body) == 0 {
		t.Errorf("GET %s: %d", m[1], resp.StatusCode)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after cancel")
	}
	if !strings.Contains(stdout.String(), "serving http://127.0.0.1:") {
		t.Errorf("stdout: %q", stdout.String())
	}
	if !strings.Contains(stderr.String(), "shutting down") {
		t.Errorf("no shutdown log:\n%s", stderr.String())
	}
}

func TestRunBadFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		ok   bool
	}{
		{"unknown flag", []string{"-nope"}, false},
		{"extra argument", []string{"extra"}, false},
		{"bad address", []string{"-addr", "256.0.0.1:99999"}, false},
		{"help", []string{"-h"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), tt.args, &out, &errOut)
			if (err == nil) != tt.ok {
				t.Errorf("run(%q) = %v, want ok=%v", tt.args, err, tt.ok)
			}
		})
	}
}
