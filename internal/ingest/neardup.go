package ingest

import (
	"context"
	"time"

	"riverside/internal/neardup"
	"riverside/internal/news"
	"riverside/internal/store"
)

// nearDuplicates is what near-duplicate detection needs of the store
// (store.Store has it; a Store without it skips the detection).
type nearDuplicates interface {
	Fingerprints(ctx context.Context, lang string, limit int) ([]store.Fingerprint, error)
	PutFingerprint(ctx context.Context, id, lang, title string, fp uint64, of string, distance int, seen time.Time) error
	ForgetFingerprint(ctx context.Context, id string) error
}

// nearDupWindow is how many of the newest articles of a language a new
// one is compared with: copies appear within days, and comparing 64-bit
// fingerprints is cheap (tens of microseconds for the whole window).
const nearDupWindow = 20000

// markNearDuplicate fingerprints a new article's text and, when it is an
// edited copy of a stored one (neardup.Threshold, and the same title:
// neardup.SameTitle), records that before
// the article is stored, so that searchd shows the original only and
// lists this URL with it. It returns the undo for when the article is
// not stored after all, or nil when nothing was recorded.
func (in *Ingester) markNearDuplicate(ctx context.Context, a *news.Article) (undo func(), err error) {
	nd, ok := in.Store.(nearDuplicates)
	if !ok {
		return nil, nil
	}
	fp, ok := neardup.Fingerprint(a.Text)
	if !ok {
		return nil, nil
	}
	cands, err := nd.Fingerprints(ctx, a.Lang, nearDupWindow)
	if err != nil {
		return nil, err
	}
	title := neardup.TitleKey(a.Title)
	of, best := "", neardup.Threshold+1
	for _, c := range cands {
		if c.ID == a.ID || !neardup.SameTitle(title, c.Title) {
			continue
		}
		if d := neardup.Distance(fp, c.FP); d < best {
			of, best = c.ID, d
			// A copy of a copy is a copy of the original.
			if c.Of != "" {
				of = c.Of
			}
		}
	}
	if of == "" {
		best = 0
	}
	id := a.ID
	if err := nd.PutFingerprint(ctx, id, a.Lang, title, fp, of, best, a.Fetched); err != nil {
		return nil, err
	}
	if of != "" {
		in.logger().Info("near duplicate", "url", a.URL, "of", of, "distance", best)
	}
	return func() {
		if err := nd.ForgetFingerprint(context.WithoutCancel(ctx), id); err != nil {
			in.logger().Warn("forget fingerprint", "id", id, "err", err)
		}
	}, nil
}
