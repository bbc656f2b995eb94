//go:build !linux

package index

// freeBytes cannot tell on this system: the minimum free space is not
// checked.
func freeBytes(string) int64 { return -1 }
