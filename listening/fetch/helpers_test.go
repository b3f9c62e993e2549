package fetch

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeResolver answers host names from a table, as a DNS server would.
type fakeResolver map[string][]string

func (r fakeResolver) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	answers, ok := r[strings.ToLower(host)]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	var out []net.IPAddr
	for _, a := range answers {
		out = append(out, net.IPAddr{IP: net.ParseIP(a)})
	}
	return out, nil
}

// allowOnly is a Policy that allows exactly the given addresses, so a test
// can reach its loopback server and still see every other address refused.
func allowOnly(allowed ...string) Policy {
	return func(addr netip.Addr) error {
		for _, a := range allowed {
			if addr.Unmap() == netip.MustParseAddr(a) {
				return nil
			}
		}
		return &Error{Kind: KindRefused, Msg: "the address " + addr.String() + " is not allowed in this test"}
	}
}

// testClient is New with the per-host wait off unless the test sets it.
func testClient(opts Options) *Client {
	if opts.PerHostInterval == 0 {
		opts.PerHostInterval = -1
	}
	return New(opts)
}

// counted wraps a handler and counts the requests it served.
type counted struct {
	hits atomic.Int32
	h    http.Handler
}

func (c *counted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.hits.Add(1)
	c.h.ServeHTTP(w, r)
}

func text(body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(body))
	})
}

// serveOn starts a test server on the given loopback address, skipping
// the test when the system cannot bind it (127.0.0.2 needs Linux).
func serveOn(t *testing.T, ip string, h http.Handler) *httptest.Server {
	t.Helper()
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		t.Skipf("cannot listen on %s: %v", ip, err)
	}
	ts := &httptest.Server{Listener: l, Config: &http.Server{Handler: h}}
	ts.Start()
	t.Cleanup(ts.Close)
	return ts
}

func port(t *testing.T, ts *httptest.Server) string {
	t.Helper()
	_, p, err := net.SplitHostPort(ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// wantKind fails unless err is an *Error of kind k whose message has no
// Go internals in it.
func wantKind(t *testing.T, err error, k Kind) *Error {
	t.Helper()
	e, ok := errors.AsType[*Error](err)
	if !ok {
		t.Fatalf("error = %v (%T), want *Error of kind %s", err, err, k)
	}
	if e.Kind != k {
		t.Fatalf("kind = %s (%q), want %s", e.Kind, e.Msg, k)
	}
	for _, internal := range []string{"dial tcp", "x509", "net/http", "context deadline", "Get \"", "lookup ", ": EOF"} {
		if strings.Contains(e.Msg, internal) {
			t.Errorf("message %q leaks %q", e.Msg, internal)
		}
	}
	return e
}

// fakeClock is a clock whose Sleep records the wait and moves time on.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	slept  []time.Duration
	cancel bool // Sleep fails as if the context ended
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slept = append(c.slept, d)
	if c.cancel {
		return context.Canceled
	}
	c.now = c.now.Add(d)
	return nil
}
