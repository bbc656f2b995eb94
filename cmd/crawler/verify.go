package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"text/tabwriter"

	"riverside/internal/capture"
)

// cmdVerify reads every record of every WARC file under DATA/warc as a
// strict reader does and checks their layout; with -recover it first
// finishes the files of crawlers that died, as the next crawler to start
// would. Exit status 1 when a file has a fault.
func cmdVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "data", "data directory (store and captures)")
	recov := fs.Bool("recover", false, "first recover the files of crawlers that died (safe beside running ones)")
	if err := fs.Parse(args); err != nil {
		return exitError{code: 2}
	}
	dir := filepath.Join(*data, "warc")
	if *recov {
		done, err := capture.Recover(dir)
		for _, r := range done {
			name := r.File
			if name == "" {
				name = "(a file without a whole record, removed)"
			}
			fmt.Fprintf(stdout, "recovered %s: %d records kept, %d bytes cut%s\n", name, r.Records, r.Cut, tailNote(r))
		}
		if err != nil {
			return exitError{code: 1, msg: err.Error()}
		}
	}
	checks, err := capture.Verify(ctx, dir)
	if err != nil {
		return exitError{code: 1, msg: err.Error()}
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "file\trecords\texchanges\tstate")
	records, exchanges, faults := 0, 0, 0
	for _, c := range checks {
		state := "ok"
		switch {
		case c.Err != nil:
			faults++
			state = "FAULT: " + c.Err.Error()
			if c.Abandoned {
				state += " (its crawler died: run with -recover)"
			}
		case c.Open:
			state = "being written"
		case c.Abandoned:
			state = "ok, but its crawler died (-recover gives it its name)"
		}
		records += c.Records
		exchanges += c.Exchanges
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\n", c.File, c.Records, c.Exchanges, state)
	}
	fmt.Fprintf(tw, "%d files\t%d\t%d\t%d with faults\n", len(checks), records, exchanges, faults)
	tw.Flush()
	if faults > 0 {
		return exitError{code: 1}
	}
	return nil
}

func tailNote(r capture.Recovered) string {
	if r.Tail == "" {
		return ""
	}
	return fmt.Sprintf(" (damaged: %s; the cut bytes are kept in %s)", r.Reason, r.Tail)
}
