package main

import (
	"flag"
	"fmt"

	"riverside/internal/web"
)

// maxHeaderBytes bounds a request's header block (the request line
// included); Go's default of 1 MiB per request is generous for a search
// API, and a larger header is answered 431.
const maxHeaderBytes = 64 << 10

// limitFlags declares the flags of a public instance's limits.
func limitFlags(fs *flag.FlagSet, l *web.Limits) {
	fs.BoolVar(&l.ReadOnly, "read-only", false, "serve search, articles and feeds only: every write and export is a 403")
	fs.Float64Var(&l.Rate, "rate", 0, "requests per second one client address may make under /api/ and /feeds/ (0: no limit); more get 429 with Retry-After")
	fs.IntVar(&l.Burst, "burst", 0, "requests one client address may make at once (0: twice -rate)")
	fs.IntVar(&l.MaxSearches, "max-searches", web.DefaultMaxSearches, "searches run at once; more wait briefly, then get 503 with Retry-After")
	fs.Int64Var(&l.MaxBody, "max-body", web.DefaultMaxBody, "largest request body in `bytes`")
}

// checkLimits refuses limits that make no sense, naming the flag.
func checkLimits(l web.Limits) error {
	switch {
	case l.Rate < 0:
		return fmt.Errorf("-rate %v: want ≥ 0", l.Rate)
	case l.Burst < 0:
		return fmt.Errorf("-burst %d: want ≥ 0", l.Burst)
	case l.Burst > 0 && l.Rate == 0:
		return fmt.Errorf("-burst %d: needs a -rate", l.Burst)
	case l.MaxSearches <= 0:
		return fmt.Errorf("-max-searches %d: want > 0", l.MaxSearches)
	case l.MaxBody <= 0:
		return fmt.Errorf("-max-body %d: want > 0", l.MaxBody)
	}
	return nil
}
