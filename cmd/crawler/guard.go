package main

import (
	"context"
	"fmt"
	"net/url"
	"sync"

	"riverside/internal/crawl"
	"riverside/internal/publicnet"
)

// fetchPublic fetches the page a user named (crawler extract -url): only
// on the public internet unless allowPrivate, or within the networks of
// allowNet. Every redirect is checked again, so a public page cannot
// send the crawler to the machine it runs on.
func fetchPublic(ctx context.Context, rawURL string, allowPrivate bool, allowNet string) (*crawl.Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("-url %q: want an http or https URL", rawURL)
	}
	opts := crawl.Options{}
	// The session's Allow hook is asked for the URL and for every
	// redirect; it can only say no, so the reason is kept here.
	var mu sync.Mutex
	var refusal error
	if !allowPrivate {
		nets, err := publicnet.ParsePrefixes(allowNet)
		if err != nil {
			return nil, fmt.Errorf("-allow-net: %w", err)
		}
		g := &publicnet.Guard{Allow: nets}
		if err := g.Check(ctx, u); err != nil {
			return nil, fmt.Errorf("refusing %s: %w (use -allow-private to fetch it anyway)", rawURL, err)
		}
		opts.Allow = func(next *url.URL) bool {
			err := g.Check(ctx, next)
			if err != nil {
				mu.Lock()
				refusal = fmt.Errorf("refusing %s: %w (use -allow-private to fetch it anyway)", next, err)
				mu.Unlock()
			}
			return err == nil
		}
	}
	sess, err := crawl.NewSession(ctx, opts)
	if err != nil {
		return nil, err
	}
	resp, err := sess.Get(ctx, rawURL)
	if err != nil {
		mu.Lock()
		defer mu.Unlock()
		// A refusal shows through robots.txt too (a host whose robots.txt
		// redirects inside is "unreachable"): name it whatever wraps it.
		if refusal != nil {
			return nil, fmt.Errorf("%w (%v)", refusal, err)
		}
		return nil, err
	}
	return resp, nil
}
