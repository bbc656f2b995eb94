//go:build !unix

package pgtest

import "testing"

// URL skips: the server is started as another user and watched through
// Unix process calls.
func URL(t testing.TB) string {
	t.Helper()
	t.Skip("pgtest starts PostgreSQL on Unix only")
	return ""
}

// DurableURL skips, as URL does.
func DurableURL(t testing.TB) string { return URL(t) }
