package fetch

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"
)

// turns spaces requests to the same host: each request reserves the next
// free slot of its host and waits until then, so concurrent callers queue
// in order instead of all retrying at once.
type turns struct {
	interval time.Duration
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error

	mu   sync.Mutex
	next map[string]time.Time // host → earliest start of its next request
}

// maxTrackedHosts bounds the map; past it, hosts whose slot has passed are
// forgotten, which loses nothing because they may go at once anyway.
const maxTrackedHosts = 1024

// wait blocks until host's turn, or returns ctx's error.
func (t *turns) wait(ctx context.Context, host string) error {
	if t.interval <= 0 {
		return nil
	}
	host = strings.ToLower(host)
	t.mu.Lock()
	now := t.now()
	start := now
	if next, ok := t.next[host]; ok && next.After(now) {
		start = next
	}
	t.next[host] = start.Add(t.interval)
	if len(t.next) > maxTrackedHosts {
		for h, next := range t.next {
			if !next.After(now) {
				delete(t.next, h)
			}
		}
	}
	t.mu.Unlock()
	if d := start.Sub(now); d > 0 {
		return t.sleep(ctx, d)
	}
	return nil
}

// sleepContext waits for d or until ctx is done.
func sleepContext(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// politeTransport waits for the host's turn before every round trip, the
// redirects included, since each hop may go to another host.
type politeTransport struct {
	turns *turns
	next  http.RoundTripper
}

func (p politeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := p.turns.wait(req.Context(), req.URL.Hostname()); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	return p.next.RoundTrip(req)
}
