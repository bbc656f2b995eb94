package main

import (
	"flag"

	"riverside/internal/store"
)

// storeUsage documents -store, the store's location when it is not the
// SQLite file in the data directory: another file, or a postgres:// URL
// (the data directory still holds the captures). store.Location reads it.
const storeUsage = "the store: a SQLite `file` or a postgres://user:pass@host/db URL (default DATA/" + store.FileName + ")"

// storeFlag registers -store on a subcommand's flags.
func storeFlag(fs *flag.FlagSet) *string { return fs.String("store", "", storeUsage) }
