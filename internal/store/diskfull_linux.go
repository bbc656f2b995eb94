package store

import "syscall"

// freeBytes is the space left to unprivileged writers on the file system
// holding dir, or -1 when it cannot tell.
func freeBytes(dir string) int64 {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return probeFree
	}
	return int64(st.Bavail) * int64(st.Bsize)
}
