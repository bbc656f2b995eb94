package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"riverside/internal/extract"
	"riverside/internal/news"
)

// cmdExtract prints the contract JSON of each page: the files named, the
// page at -url, or stdin.
func cmdExtract(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	fs.SetOutput(stderr)
	pageURL := fs.String("url", "", "fetch this page and extract it; with files or stdin, the URL they were saved from")
	allowPrivate := fs.Bool("allow-private", false, "let -url (and its redirects) reach loopback, private and link-local addresses")
	allowNet := fs.String("allow-net", "", "comma-separated `networks` (CIDR or addresses) -url may reach although not public")
	if err := fs.Parse(args); err != nil {
		return exitError{code: 2}
	}
	emit := func(raw []byte, contentType, u string) error {
		p, err := extract.Extract(raw, contentType, u, news.Selectors{})
		if err != nil {
			return err
		}
		b, err := p.JSON()
		if err != nil {
			return err
		}
		_, err = stdout.Write(append(b, '\n'))
		return err
	}
	failed := 0
	switch {
	case fs.NArg() > 0:
		for _, name := range fs.Args() {
			raw, err := os.ReadFile(name)
			if err == nil {
				err = emit(raw, "", *pageURL)
			}
			if err != nil {
				fmt.Fprintf(stderr, "crawler extract: %s: %v\n", name, err)
				failed++
			}
		}
	case *pageURL != "":
		resp, err := fetchPublic(ctx, *pageURL, *allowPrivate, *allowNet)
		if err != nil {
			return exitError{code: 1, msg: err.Error()}
		}
		if err := emit(resp.Body, resp.ContentType(), resp.URL); err != nil {
			return exitError{code: 1, msg: fmt.Sprintf("%s: %v", *pageURL, err)}
		}
	default:
		var buf bytes.Buffer
		if _, err := io.Copy(&buf, stdin); err != nil {
			return fmt.Errorf("read stdin: %w", err)
		}
		if err := emit(buf.Bytes(), "", ""); err != nil {
			return exitError{code: 1, msg: fmt.Sprintf("stdin: %v", err)}
		}
	}
	if failed > 0 {
		return exitError{code: 1, msg: fmt.Sprintf("%d page(s) could not be read", failed)}
	}
	return nil
}
