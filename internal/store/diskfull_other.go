//go:build !linux

package store

// freeBytes cannot tell on this system: store errors are left as SQLite
// words them.
func freeBytes(string) int64 { return probeFree }
