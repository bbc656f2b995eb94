// Package alert turns the store's article log into alerts for monitors.
//
// A Follower reads the log from the alerts' own checkpoint (kept in the
// store, apart from the index's), matches each batch of new versions
// against every saved search with the search planner, and records the
// matches, the webhook deliveries that carry them and the new checkpoint
// in one store transaction (the outbox): a crash anywhere neither loses a
// match nor records it twice, and a rebuilt index never alerts again.
//
// A Deliverer POSTs the pending deliveries, signed as the Standard
// Webhooks spec says (Sign), retrying with exponential backoff and jitter
// until they succeed or are dead, with bounded concurrency and timeouts
// so that one slow receiver holds up nobody else. Guard refuses webhook
// targets on loopback, private, link-local and multicast addresses, when
// the subscription is made and again when connecting.
//
// A HealthChecker watches the sources and records source-health events
// through the same outbox.
//
// Where several processes share one store (searchd's replicas), a Leader
// elects the one that runs the three: the holder of a store lease, which
// it renews while it lives. Its outbox writes go through the store fenced
// to its lease term, and its Deliverer claims each delivery (Claims)
// before the attempt, so that a leader that lost the lease without
// knowing it (paused past the expiry) sends and records nothing.
//
//	f := &alert.Follower{Store: st, Match: match, Logger: logger}
//	d := &alert.Deliverer{Store: st, Client: alert.Guard{}.Client(10*time.Second), Logger: logger}
//	go f.Run(ctx)
//	go d.Run(ctx)
package alert
