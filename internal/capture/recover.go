package capture

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

// Recovered tells what Recover did to one file.
type Recovered struct {
	File    string // final name given to the file ("" when it was removed)
	Records int    // whole records kept
	Kept    int64  // bytes kept
	Cut     int64  // bytes cut off the end
	// Tail names the file the cut bytes were saved to, when they were
	// not simply an exchange cut short (a damaged record with more data
	// after it): nothing that might be evidence is thrown away.
	Tail   string
	Reason string // why the tail was cut ("" when nothing was)
}

// Recover finishes the files that writers left open when they died: each
// NAME.open in dir that no live writer holds locked is cut after its last
// whole exchange and renamed NAME; one without any whole record is
// removed. Open calls it; it is safe to run beside live writers, whose
// files it leaves alone. A file it cannot recover is left as it is and
// named in the error; the others are recovered all the same.
//
// A stored reference never points into the cut part: Write returns a
// reference only once its whole exchange is on disk.
func Recover(dir string) ([]Recovered, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("capture: recover: %w", err)
	}
	var done []Recovered
	var errs []error
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".warc.gz"+openSuffix) && !strings.HasSuffix(e.Name(), ".warc"+openSuffix) {
			continue
		}
		r, err := recoverFile(dir, e.Name())
		if err != nil {
			errs = append(errs, err) // and go on with the other files
			continue
		}
		if r != nil {
			done = append(done, *r)
		}
	}
	return done, errors.Join(errs...)
}

// recoverFile recovers one open file, or returns nil when a live writer
// holds it.
func recoverFile(dir, openName string) (*Recovered, error) {
	path := filepath.Join(dir, openName)
	final := strings.TrimSuffix(path, openSuffix)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil // finished or recovered meanwhile
	}
	if err != nil {
		return nil, fmt.Errorf("capture: recover %s: %w", openName, err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, nil // its writer is alive
		}
		return nil, fmt.Errorf("capture: recover %s: lock: %w", openName, err)
	}
	if _, err := os.Stat(path); err != nil {
		return nil, nil // renamed by another recoverer between open and lock
	}
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("capture: recover %s: %w", openName, err)
	}
	keep, records, scanErr := wholeExchanges(f)
	r := &Recovered{File: filepath.Base(final), Records: records, Kept: keep, Cut: fi.Size() - keep}
	if r.Cut > 0 {
		r.Reason = "partial exchange at the end"
		if scanErr != nil {
			r.Reason = scanErr.Error()
		}
		if scanErr != nil && !errors.Is(scanErr, io.ErrUnexpectedEOF) {
			// Damage, not a cut-short write: keep the bytes aside.
			r.Tail = filepath.Base(final) + ".tail"
			if err := saveTail(f, keep, filepath.Join(dir, r.Tail)); err != nil {
				return nil, fmt.Errorf("capture: recover %s: %w", openName, err)
			}
		}
		if err := f.Truncate(keep); err != nil {
			return nil, fmt.Errorf("capture: recover %s: %w", openName, err)
		}
	}
	if err := f.Sync(); err != nil {
		return nil, fmt.Errorf("capture: recover %s: %w", openName, err)
	}
	if records == 0 {
		r.File = ""
		if err = os.Remove(path); errors.Is(err, fs.ErrNotExist) {
			err = nil // its writer, starting, gave it up meanwhile
		}
	} else if _, serr := os.Stat(final); serr == nil {
		err = fmt.Errorf("%s exists already", filepath.Base(final))
	} else {
		err = os.Rename(path, final)
	}
	if err == nil {
		err = syncDir(dir)
	}
	if err != nil {
		return nil, fmt.Errorf("capture: recover %s: %w", openName, err)
	}
	return r, nil
}

// wholeExchanges reads the records of f and returns where the last whole
// group of them ends: after a warcinfo record, or after the metadata
// record that closes an exchange (response, request, metadata; see the
// package comment). It also returns how many records lie before that
// point, and the error that stopped the reading, if it was not the end of
// the file.
func wholeExchanges(f *os.File) (int64, int, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, 0, err
	}
	rr := newRecordReader(f, 0)
	var keep int64
	kept, n := 0, 0
	var open string // the response whose exchange is under way
	for {
		rec, err := rr.next()
		if errors.Is(err, io.EOF) {
			return keep, kept, nil
		}
		if err != nil {
			return keep, kept, err
		}
		n++
		end := rec.Offset + rec.Length
		switch rec.Type {
		case "response":
			open = rec.ID
		case "request":
		case "metadata":
			if open != "" && slices.Contains(rec.concurrentTo, open) {
				keep, kept, open = end, n, ""
			}
		default:
			keep, kept, open = end, n, ""
		}
	}
}

// saveTail copies the bytes of f from off to its end into a new file.
func saveTail(f *os.File, off int64, name string) error {
	out, err := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, io.NewSectionReader(f, off, 1<<62)); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
