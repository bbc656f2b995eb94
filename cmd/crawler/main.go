// Command crawler fetches Riverside's sources into the store.
//
//	crawler once    [-config sources.yaml] [-data data] [-source ID]   one pass, then a summary
//	crawler run     [-config sources.yaml] [-data data]                each source on its cron schedule
//	crawler check   [-config sources.yaml]                             validate the sources file
//	crawler verify  [-data data] [-recover]                            check every WARC file strictly
//	crawler extract [-url URL [-allow-private] [-allow-net NETS]] [FILE...]  print the extraction of HTML pages
//
// once and run take -queue redis://host:port/db to share each pass, and
// the pacing of every host, with the other workers on that Redis.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		var ee exitError
		if errors.As(err, &ee) {
			if ee.msg != "" {
				fmt.Fprintln(os.Stderr, "crawler:", ee.msg)
			}
			os.Exit(ee.code)
		}
		fmt.Fprintln(os.Stderr, "crawler:", err)
		os.Exit(1)
	}
}

// exitError carries an exit status (and maybe nothing more to say).
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return fmt.Sprintf("exit %d: %s", e.code, e.msg) }

const usage = `usage: crawler <command> [flags]

commands:
  once     one pass over the sources, progress on stderr, a summary table at the end
  run      the scheduled daemon: each source on its own cron schedule
  check    validate the sources file; faults as file:line: message
  extract  read HTML pages (files, or stdin) and print one JSON object per page
  verify   read every record of every WARC file strictly; -recover first finishes dead crawlers' files

run "crawler <command> -h" for the flags of a command.
`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitError{code: 2}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "once":
		return cmdOnce(ctx, rest, stdout, stderr)
	case "run":
		return cmdRun(ctx, rest, stderr)
	case "check":
		return cmdCheck(rest, stdout, stderr)
	case "extract":
		return cmdExtract(ctx, rest, stdin, stdout, stderr)
	case "verify":
		return cmdVerify(ctx, rest, stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "crawler: unknown command %q\n\n%s", cmd, usage)
	return exitError{code: 2}
}
