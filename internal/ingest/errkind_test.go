package ingest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"riverside/internal/crawl"
	"riverside/internal/extract"
)

func TestErrorKind(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("page x: %w", extract.ErrNoText), "extract"},
		{fmt.Errorf("wrapped: %w", extract.ErrNotHTML), "extract"},
		{fmt.Errorf("GET x: %w", &crawl.StatusError{URL: "x", Status: 503}), "http_5xx"},
		{&crawl.StatusError{URL: "x", Status: 404}, "http_4xx"},
		{&crawl.StatusError{URL: "x", Status: 302}, "too_many_redirects"},
		{fmt.Errorf("GET x: %w", crawl.ErrTooLarge), "too_large"},
		{fmt.Errorf("GET x: %w", crawl.ErrRobotsUnavailable), "robots_unavailable"},
		{fmt.Errorf("GET x: %w", context.DeadlineExceeded), "timeout"},
		{&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, "network"},
		{errors.New("disk full"), "other"},
	}
	for _, tt := range tests {
		if got := errorKind(tt.err); got != tt.want {
			t.Errorf("errorKind(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
