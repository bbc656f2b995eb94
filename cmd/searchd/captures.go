package main

import (
	"riverside/internal/capture"
	"riverside/internal/export"
)

// exchanges gives the export package the crawler's raw records, read by
// the capture package (strictly: a record whose digests do not match is
// an error, never copied into an archive).
type exchanges struct{ dir string }

func (e exchanges) Exchange(file string, offset int64) (*export.Exchange, error) {
	ex, err := capture.ReadExchange(e.dir, file, offset)
	if err != nil {
		return nil, err
	}
	conv := func(r capture.RawRecord) export.RawRecord {
		return export.RawRecord{ID: r.ID, Type: r.Type, TargetURI: r.TargetURI, Date: r.Date,
			PayloadDigest: r.PayloadDigest, Bytes: r.Bytes}
	}
	return &export.Exchange{
		Records: []export.RawRecord{conv(ex.Response), conv(ex.Request), conv(ex.Metadata)},
		Status:  ex.Status, MIME: ex.MIME,
	}, nil
}
