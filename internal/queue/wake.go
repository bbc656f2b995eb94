package queue

import (
	"context"
	"sync"

	"github.com/redis/go-redis/v9"
)

// waker wakes a client's waiters for a host when a worker hands the host
// back (or gives up its place at the head of the line) while others wait:
// the scripts publish the host on one channel, and one subscription per
// client hears it. A wake only says "look again now"; the waiters still
// look every pollMax, so a lost message (reconnection) costs a poll, never
// the host.
type waker struct {
	rdb     *redis.Client
	channel string

	mu      sync.Mutex
	waiting map[string]map[chan struct{}]struct{} // host → its waiters' wake channels
	ps      *redis.PubSub
	started bool
	closed  bool
	done    chan struct{}
}

func newWaker(rdb *redis.Client, channel string) *waker {
	return &waker{rdb: rdb, channel: channel, waiting: map[string]map[chan struct{}]struct{}{}, done: make(chan struct{})}
}

// register returns a channel that receives when host is handed back, and
// the function that stops it. The subscription starts on first use, in
// the background: until Redis confirms it, waiters only poll.
func (w *waker) register(host string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.started && !w.closed {
		w.started = true
		go w.listen()
	}
	if w.waiting[host] == nil {
		w.waiting[host] = map[chan struct{}]struct{}{}
	}
	w.waiting[host][ch] = struct{}{}
	return ch, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		delete(w.waiting[host], ch)
		if len(w.waiting[host]) == 0 {
			delete(w.waiting, host)
		}
	}
}

// listen subscribes and hands each message to the host's waiters until
// close. go-redis resubscribes by itself after a lost connection.
func (w *waker) listen() {
	defer close(w.done)
	// The client's own lifetime, not a caller's: it ends with close.
	ps := w.rdb.Subscribe(context.Background(), w.channel)
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		_ = ps.Close()
		return
	}
	w.ps = ps
	w.mu.Unlock()
	for msg := range ps.Channel() {
		w.mu.Lock()
		for ch := range w.waiting[msg.Payload] {
			select {
			case ch <- struct{}{}:
			default: // already due to look again
			}
		}
		w.mu.Unlock()
	}
}

// close ends the subscription; it may be called more than once.
func (w *waker) close() {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.closed = true
	started, ps := w.started, w.ps
	w.mu.Unlock()
	if ps != nil {
		_ = ps.Close()
	}
	if started {
		<-w.done
	}
}
