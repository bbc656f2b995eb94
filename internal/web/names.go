package web

import (
	"context"
	"log/slog"
)

// sourceNamer gives the names of the sources (sources.yaml's name) by ID.
// The store provides it; when the Sources dependency does not, pages show
// IDs. The JSON API always shows IDs, which the source= filter takes.
type sourceNamer interface {
	SourceNames(ctx context.Context) (map[string]string, error)
}

// sourceNames returns the names of the sources, empty when unknown. A
// failure to read them is logged, not fatal: the page shows IDs instead.
func (s *server) sourceNames(ctx context.Context) map[string]string {
	n, ok := s.Sources.(sourceNamer)
	if !ok {
		return nil
	}
	names, err := n.SourceNames(ctx)
	if err != nil {
		s.Logger.LogAttrs(ctx, slog.LevelWarn, "source names", slog.Any("err", err))
		return nil
	}
	return names
}

// sourceLabel is the name of source id, or id when it has none.
func sourceLabel(names map[string]string, id string) string {
	if n := names[id]; n != "" {
		return n
	}
	return id
}
