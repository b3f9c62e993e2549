package fetch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRefusesLoopbackByDefault(t *testing.T) {
	srv := &counted{h: text("secret")}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	_, err := testClient(Options{}).Get(context.Background(), ts.URL+"/admin", Conditional{})
	e := wantKind(t, err, KindRefused)
	if !strings.Contains(e.Msg, "127.0.0.1") || !strings.Contains(e.Msg, "loopback") {
		t.Errorf("message = %q, want the address and why", e.Msg)
	}
	if n := srv.hits.Load(); n != 0 {
		t.Errorf("server saw %d requests, want none", n)
	}

	// The same request goes through when private sources are allowed, so
	// the refusal above is the policy's doing.
	resp, err := testClient(Options{AllowPrivate: true}).Get(context.Background(), ts.URL+"/admin", Conditional{})
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != "secret" {
		t.Errorf("body = %q", resp.Body)
	}
}

func TestChecksDNSAnswers(t *testing.T) {
	srv := &counted{h: text("inside")}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	p := port(t, ts)
	resolver := fakeResolver{
		"feeds.example":    {"127.0.0.1"},
		"intranet.example": {"10.0.0.5"},
		"mapped.example":   {"::ffff:127.0.0.1"},
		"mixed.example":    {"10.0.0.5", "127.0.0.1"},
	}
	tests := []struct {
		name   string
		host   string
		policy Policy
		want   string // part of the refusal, or the body when allowed
		ok     bool
	}{
		{"loopback answer", "feeds.example", nil, "the address 127.0.0.1 is this machine itself (loopback)", false},
		{"private answer", "intranet.example", nil, "the address 10.0.0.5 is in a private network; samtal does not fetch from private networks unless allowed", false},
		{"mapped answer", "mapped.example", nil, "loopback", false},
		// Every answer is checked and only an allowed one is dialled.
		{"mixed answers", "mixed.example", allowOnly("127.0.0.1"), "inside", true},
		{"mixed answers refused", "mixed.example", allowOnly("192.0.2.1"), "10.0.0.5", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testClient(Options{Resolver: resolver, Policy: tt.policy})
			resp, err := c.Get(context.Background(), "http://"+tt.host+":"+p+"/", Conditional{})
			if tt.ok {
				if err != nil {
					t.Fatal(err)
				}
				if string(resp.Body) != tt.want {
					t.Errorf("body = %q, want %q", resp.Body, tt.want)
				}
				return
			}
			e := wantKind(t, err, KindRefused)
			if !strings.Contains(e.Msg, tt.want) {
				t.Errorf("message = %q, want it to contain %q", e.Msg, tt.want)
			}
		})
	}
	if n := srv.hits.Load(); n != 1 {
		t.Errorf("server saw %d requests, want only the allowed one", n)
	}
}

func TestChecksRedirectTargets(t *testing.T) {
	inner := &counted{h: text("internal secret")}
	target := serveOn(t, "127.0.0.2", inner)
	innerURL := "http://127.0.0.2:" + port(t, target) + "/secret"
	byName := "http://internal.example:" + port(t, target) + "/secret"

	redirectTo := func(to string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, to, http.StatusFound)
		})
	}
	resolver := fakeResolver{"internal.example": {"127.0.0.2"}}
	tests := []struct {
		name   string
		to     string
		policy Policy
		want   string // body when allowed, else "" for a refusal
	}{
		// The control case: with both addresses allowed the redirect
		// reaches the inner server, so the refusals below are real.
		{"allowed target", innerURL, allowOnly("127.0.0.1", "127.0.0.2"), "internal secret"},
		{"address target", innerURL, allowOnly("127.0.0.1"), ""},
		{"named target", byName, allowOnly("127.0.0.1"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := inner.hits.Load()
			ts := serveOn(t, "127.0.0.1", redirectTo(tt.to))
			c := testClient(Options{Policy: tt.policy, Resolver: resolver})
			resp, err := c.Get(context.Background(), ts.URL+"/feed", Conditional{})
			if tt.want != "" {
				if err != nil {
					t.Fatal(err)
				}
				if string(resp.Body) != tt.want || !strings.HasPrefix(resp.FinalURL, "http://127.0.0.2:") {
					t.Errorf("body = %q from %s", resp.Body, resp.FinalURL)
				}
				return
			}
			e := wantKind(t, err, KindRefused)
			if !strings.Contains(e.Msg, "127.0.0.2") {
				t.Errorf("message = %q, want the redirect's address", e.Msg)
			}
			if inner.hits.Load() != before {
				t.Error("the redirect reached the refused server")
			}
		})
	}
}

func TestRedirectRules(t *testing.T) {
	tests := []struct {
		name string
		to   string
		kind Kind
	}{
		{"file scheme", "file:///etc/passwd", KindBadURL},
		{"ftp scheme", "ftp://files.example/feed.xml", KindBadURL},
		{"gopher scheme", "gopher://127.0.0.1:6379/_INFO", KindBadURL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(http.RedirectHandler(tt.to, http.StatusMovedPermanently))
			defer ts.Close()
			_, err := testClient(Options{AllowPrivate: true}).Get(context.Background(), ts.URL, Conditional{})
			wantKind(t, err, tt.kind)
		})
	}

	t.Run("endless", func(t *testing.T) {
		loop := &counted{}
		loop.h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/again", http.StatusFound)
		})
		ts := httptest.NewServer(loop)
		defer ts.Close()
		_, err := testClient(Options{AllowPrivate: true}).Get(context.Background(), ts.URL, Conditional{})
		wantKind(t, err, KindRedirects)
		if n := loop.hits.Load(); n != 1+MaxRedirects {
			t.Errorf("server saw %d requests, want the first and %d redirects", n, MaxRedirects)
		}
	})

	t.Run("five redirects are fine", func(t *testing.T) {
		hops := &counted{}
		hops.h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if hops.hits.Load() <= MaxRedirects {
				http.Redirect(w, r, "/next", http.StatusFound)
				return
			}
			w.Write([]byte("arrived"))
		})
		ts := httptest.NewServer(hops)
		defer ts.Close()
		resp, err := testClient(Options{AllowPrivate: true}).Get(context.Background(), ts.URL, Conditional{})
		if err != nil {
			t.Fatal(err)
		}
		if string(resp.Body) != "arrived" || resp.FinalURL != ts.URL+"/next" {
			t.Errorf("body %q from %s", resp.Body, resp.FinalURL)
		}
	})
}

func TestBadURLs(t *testing.T) {
	for _, raw := range []string{
		"ftp://files.example/feed.xml",
		"file:///etc/passwd",
		"javascript:alert(1)",
		"http://",
		"feeds.example/rss",
		"http://[::1",
	} {
		_, err := testClient(Options{}).Get(context.Background(), raw, Conditional{})
		wantKind(t, err, KindBadURL)
		if !errors.Is(err, ErrBadURL) {
			t.Errorf("%q: not ErrBadURL", raw)
		}
	}
}

func TestDNSNotFound(t *testing.T) {
	c := testClient(Options{Resolver: fakeResolver{}})
	_, err := c.Get(context.Background(), "https://nowhere.example/feed", Conditional{})
	e := wantKind(t, err, KindDNS)
	if e.Msg != "the name nowhere.example does not exist (DNS)" {
		t.Errorf("message = %q", e.Msg)
	}
}

func TestTLSFailure(t *testing.T) {
	ts := httptest.NewTLSServer(text("hello"))
	defer ts.Close()
	_, err := testClient(Options{AllowPrivate: true}).Get(context.Background(), ts.URL, Conditional{})
	e := wantKind(t, err, KindTLS)
	if !strings.Contains(e.Msg, "not signed by a trusted authority") {
		t.Errorf("message = %q", e.Msg)
	}

	// Plain http on an https address.
	plain := httptest.NewServer(text("hello"))
	defer plain.Close()
	_, err = testClient(Options{AllowPrivate: true}).Get(context.Background(), strings.Replace(plain.URL, "http:", "https:", 1), Conditional{})
	wantKind(t, err, KindTLS)
}

func TestConnectionRefused(t *testing.T) {
	ts := httptest.NewServer(text(""))
	addr := ts.URL
	ts.Close()
	_, err := testClient(Options{AllowPrivate: true}).Get(context.Background(), addr, Conditional{})
	e := wantKind(t, err, KindConnect)
	if !strings.Contains(e.Msg, "refused the connection") {
		t.Errorf("message = %q", e.Msg)
	}
}
