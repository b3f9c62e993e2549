package fetch

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"
)

func TestPerHostInterval(t *testing.T) {
	var hosts []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hosts = append(hosts, r.Host)
		if r.URL.Path == "/moved" {
			http.Redirect(w, r, "http://b.example:"+r.URL.Query().Get("port")+"/", http.StatusFound)
		}
	}))
	defer ts.Close()
	p := port(t, ts)
	resolver := fakeResolver{"a.example": {"127.0.0.1"}, "b.example": {"127.0.0.1"}}
	clock := &fakeClock{now: time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)}
	c := New(Options{
		AllowPrivate: true, Resolver: resolver,
		Now: clock.Now, Sleep: clock.Sleep,
	})
	get := func(host, path string) {
		t.Helper()
		if _, err := c.Get(context.Background(), "http://"+host+":"+p+path+"?port="+p, Conditional{}); err != nil {
			t.Fatal(err)
		}
	}

	get("a.example", "/") // first to a: no wait
	get("a.example", "/") // waits the full 2 s
	get("b.example", "/") // another host: no wait
	clock.now = clock.now.Add(500 * time.Millisecond)
	get("A.EXAMPLE", "/") // same host in capitals: the 1.5 s left
	clock.now = clock.now.Add(time.Minute)
	get("a.example", "/moved") // a's slot passed: no wait; the redirect to b waits for b

	want := []time.Duration{2 * time.Second, 1500 * time.Millisecond}
	// b was last asked at 10:00:02; by 10:01:04 its turn has long come,
	// so the redirect hop does not wait either.
	if !slices.Equal(clock.slept, want) {
		t.Errorf("waits = %v, want %v", clock.slept, want)
	}
	if len(hosts) != 6 {
		t.Errorf("server saw %d requests, want 6", len(hosts))
	}
}

func TestPerHostIntervalRedirectWaits(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved" {
			http.Redirect(w, r, "/", http.StatusFound)
		}
	}))
	defer ts.Close()
	clock := &fakeClock{now: time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)}
	c := New(Options{AllowPrivate: true, Now: clock.Now, Sleep: clock.Sleep, PerHostInterval: 3 * time.Second})
	if _, err := c.Get(context.Background(), ts.URL+"/moved", Conditional{}); err != nil {
		t.Fatal(err)
	}
	// The redirect goes to the same host, so its hop waits its turn.
	if want := []time.Duration{3 * time.Second}; !slices.Equal(clock.slept, want) {
		t.Errorf("waits = %v, want %v", clock.slept, want)
	}
}

func TestPerHostIntervalGivesUpWithContext(t *testing.T) {
	hits := &counted{h: text("")}
	ts := httptest.NewServer(hits)
	defer ts.Close()
	clock := &fakeClock{now: time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)}
	c := New(Options{AllowPrivate: true, Now: clock.Now, Sleep: clock.Sleep})
	if _, err := c.Get(context.Background(), ts.URL, Conditional{}); err != nil {
		t.Fatal(err)
	}
	clock.cancel = true
	_, err := c.Get(context.Background(), ts.URL, Conditional{})
	wantKind(t, err, KindCanceled)
	if n := hits.hits.Load(); n != 1 {
		t.Errorf("server saw %d requests, want 1", n)
	}
}

func TestSleepContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sleepContext(ctx, time.Hour); err != context.Canceled {
		t.Errorf("sleepContext = %v, want context.Canceled", err)
	}
	if err := sleepContext(context.Background(), 0); err != nil {
		t.Errorf("sleepContext(0) = %v", err)
	}
}
