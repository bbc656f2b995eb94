package index

import "syscall"

// freeBytes is the space left to unprivileged writers on the file system
// holding path, or -1 when it cannot tell.
func freeBytes(path string) int64 {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return -1
	}
	return int64(st.Bavail) * int64(st.Bsize)
}
