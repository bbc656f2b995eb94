package capture

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
)

// warcOpenRE names a WARC file still being written: gowarc writes to
// NAME.open and renames it to NAME on close, while the store already
// points at NAME (records are flushed one by one before their offsets are
// stored). The PID in the name tells whose file it is.
var warcOpenRE = regexp.MustCompile(`^[\w.-]+-\d{14}-(\d+)-\d+\.warc(\.gz)?\.open$`)

// recoverOpen gives the WARC files of crawlers that died (SIGKILL,
// power cut) their final names, so that the captures the store points at
// can be read. Files of live processes are left alone. A killed writer
// may leave a partial last record; every stored offset precedes it.
func recoverOpen(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("captures: %w", err)
	}
	for _, e := range entries {
		m := warcOpenRE.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		pid, _ := strconv.Atoi(m[1])
		if pid == os.Getpid() || processAlive(pid) {
			continue
		}
		name := filepath.Join(dir, e.Name())
		if err := os.Rename(name, strings.TrimSuffix(name, ".open")); err != nil {
			return fmt.Errorf("captures: recover %s: %w", e.Name(), err)
		}
	}
	return nil
}

// processAlive tells whether a process exists (signal 0 checks only).
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
