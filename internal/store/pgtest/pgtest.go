//go:build unix

// Package pgtest starts a real PostgreSQL server for tests: initdb and
// pg_ctl into a temporary directory, listening on a free 127.0.0.1 port
// only, one server per test binary, a fresh database per test.
//
// initdb refuses to run as root; under root the server runs as the
// unprivileged "postgres" user (made by Debian's postgresql package) or
// else "nobody". A small watchdog process stops the server and removes
// its directory once the test binary has exited, however it exits, so
// no TestMain is needed and nothing is left running.
package pgtest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
)

// shared is a server the test binary starts on first use.
type shared struct {
	once sync.Once
	srv  *Server
	err  error
}

// fast is the tests' server; durable the benchmarks' (see DurableURL).
var fast, durable shared

// next numbers the databases.
var next atomic.Int64

// Server is a running PostgreSQL.
type Server struct {
	bin  string // directory of initdb, pg_ctl, createdb
	dir  string // holds data/ and the log
	port int
	cred *syscall.Credential // nil when not root
}

// URL returns the postgres:// URL of a new, empty database for t on the
// test binary's server, dropped when t ends. Without PostgreSQL's server
// binaries the test is skipped, unless the CI environment variable is
// set: then it fails, so that CI never passes by skipping.
func URL(t testing.TB) string {
	t.Helper()
	return database(t, installed(t), &fast, false)
}

// DurableURL is URL on a server that makes every commit durable, as a
// production server does (fsync, synchronous_commit and full-page
// writes on; URL's server has them off, as test data need not survive
// a power cut): for benchmarks against SQLite's synchronous(FULL).
func DurableURL(t testing.TB) string {
	t.Helper()
	return database(t, installed(t), &durable, true)
}

// installed returns the directory of PostgreSQL's server binaries, or
// skips t without them, unless the CI environment variable is set: then
// it fails, so that CI never passes by skipping.
func installed(t testing.TB) string {
	t.Helper()
	bin, err := binDir()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("PostgreSQL is not installed (CI is set: .ci/run installs it): %v", err)
		}
		t.Skipf("PostgreSQL is not installed (apt-get install postgresql): %v", err)
	}
	return bin
}

func database(t testing.TB, bin string, sh *shared, durable bool) string {
	t.Helper()
	sh.once.Do(func() { sh.srv, sh.err = start(bin, durable) })
	if sh.err != nil {
		t.Fatalf("pgtest: %v", sh.err)
	}
	s := sh.srv
	name := fmt.Sprintf("t%d_%d", os.Getpid(), next.Add(1))
	if out, err := s.command("createdb", "-h", "127.0.0.1", "-p", strconv.Itoa(s.port), "-U", "riverside", name).CombinedOutput(); err != nil {
		t.Fatalf("pgtest: createdb: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		// --force ends sessions a test left open; an error only leaves
		// a database behind until the server goes.
		_ = s.command("dropdb", "--force", "-h", "127.0.0.1", "-p", strconv.Itoa(s.port), "-U", "riverside", name).Run()
	})
	return fmt.Sprintf("postgres://riverside@127.0.0.1:%d/%s?sslmode=disable", s.port, name)
}

// binDir finds PostgreSQL's server programs: in Debian's
// /usr/lib/postgresql/VERSION/bin (the newest version), or beside the
// pg_ctl on PATH (following a symbolic link to where it lives).
func binDir() (string, error) {
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	sort.Slice(found, func(i, j int) bool { return version(found[i]) > version(found[j]) })
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if p, err = filepath.EvalSymlinks(p); err == nil {
			found = append(found, p)
		}
	}
	for _, p := range found {
		dir := filepath.Dir(p)
		if isFile(filepath.Join(dir, "initdb")) && isFile(filepath.Join(dir, "createdb")) {
			return dir, nil
		}
	}
	return "", errors.New("no initdb, pg_ctl and createdb in /usr/lib/postgresql/*/bin or beside pg_ctl on PATH")
}

func isFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

func version(pgCtl string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(pgCtl))))
	return v
}

// start makes a cluster and starts it, trying another port when the one
// picked was taken in between.
func start(bin string, durable bool) (*Server, error) {
	s := &Server{bin: bin}
	if os.Geteuid() == 0 {
		cred, err := unprivileged()
		if err != nil {
			return nil, err
		}
		s.cred = cred
	}
	dir, err := os.MkdirTemp("", "riverside-pg-")
	if err != nil {
		return nil, err
	}
	s.dir = dir
	if s.cred != nil {
		if err := os.Chown(dir, int(s.cred.Uid), int(s.cred.Gid)); err != nil {
			return nil, err
		}
	}
	data := filepath.Join(dir, "data")
	// --no-sync and, unless durable, fsync=off: a test server's data
	// need not survive a power cut, and the tests run three times
	// faster without flushes.
	if out, err := s.command("initdb", "-D", data, "-U", "riverside", "--auth=trust", "--encoding=UTF8",
		"--locale=C", "--no-sync", "--no-instructions").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	if err := s.watch(data); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		s.port = port
		conf := fmt.Sprintf("\nlisten_addresses = '127.0.0.1'\nport = %d\nunix_socket_directories = ''\n"+
			"max_connections = 300\nshared_buffers = 32MB\n", port)
		if !durable {
			conf += "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
		}
		if err := appendFile(filepath.Join(data, "postgresql.auto.conf"), conf); err != nil {
			return nil, err
		}
		out, err := s.command("pg_ctl", "-D", data, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start").CombinedOutput()
		if err == nil {
			return s, nil
		}
		logs, _ := os.ReadFile(filepath.Join(dir, "log"))
		if attempt >= 3 || !bytes.Contains(logs, []byte("in use")) {
			return nil, fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, logs)
		}
	}
}

// watch starts the watchdog: once this process is gone, it stops the
// server at once and removes its directory. It runs as the server's
// user and has no open descriptor of ours (go test waits for those).
func (s *Server) watch(data string) error {
	script := `while kill -0 "$1" 2>/dev/null || [ -d "/proc/$1" ]; do sleep 1; done
"$2/pg_ctl" -D "$3" -m immediate stop >/dev/null 2>&1
rm -rf "$4"`
	cmd := exec.Command("/bin/sh", "-c", script, "pgtest-watchdog",
		strconv.Itoa(os.Getpid()), s.bin, data, s.dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred, Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("watchdog: %w", err)
	}
	go cmd.Wait() //nolint:errcheck // it outlives us by design
	return nil
}

// command runs one of PostgreSQL's programs, as the unprivileged user
// when we are root.
func (s *Server) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(s.bin, name), args...)
	cmd.Dir = s.dir
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	return cmd
}

// unprivileged is the user a root test runs the server as.
func unprivileged() (*syscall.Credential, error) {
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.Atoi(u.Uid)
		gid, err2 := strconv.Atoi(u.Gid)
		if err1 != nil || err2 != nil {
			continue
		}
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, errors.New("running as root, and there is no postgres or nobody user to run PostgreSQL as")
}

func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
