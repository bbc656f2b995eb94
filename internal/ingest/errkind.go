package ingest

import (
	"context"
	"errors"
	"net"

	"riverside/internal/crawl"
	"riverside/internal/extract"
)

// errorKind sorts a failure of a pass into a few kinds, so that the
// figures a pass records (and /metrics shows) say what goes wrong with a
// source: its server, the network, its pages, or us.
func errorKind(err error) string {
	var se *crawl.StatusError
	var ne net.Error
	switch {
	case errors.Is(err, extract.ErrNotHTML), errors.Is(err, extract.ErrNoText):
		return "extract"
	case errors.Is(err, crawl.ErrTooLarge):
		return "too_large"
	case errors.Is(err, crawl.ErrRobotsUnavailable):
		return "robots_unavailable"
	case errors.Is(err, crawl.ErrEmptyBody):
		return "empty_body"
	case errors.As(err, &se):
		switch {
		case se.Status >= 500:
			return "http_5xx"
		case se.Status < 400:
			// A redirect answered last: the chain went past the limit
			// (crawl.Options.MaxRedirects).
			return "too_many_redirects"
		}
		return "http_4xx"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.As(err, &ne):
		if ne.Timeout() {
			return "timeout"
		}
		return "network"
	}
	return "other"
}
