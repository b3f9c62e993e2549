package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"time"
)

// scenario is one kind of request the clients send over and over.
type scenario struct {
	name string
	// request builds the request against base (http://127.0.0.1:PORT). Each
	// client builds one and sends it again and again, so it has no body.
	request func(ctx context.Context, base string) (*http.Request, error)
	want    int // the expected status; anything else counts as an error
	// check, if set, looks at the body of the first response (the probe).
	check func(body []byte) error
	// vary, if set, changes the request before each send (safe for
	// concurrent use).
	vary func(req *http.Request)
}

// get returns a request builder for GET path with the given headers.
func get(path string, header http.Header) func(context.Context, string) (*http.Request, error) {
	return func(ctx context.Context, base string) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			return nil, err
		}
		for k, v := range header {
			req.Header[k] = v
		}
		return req, nil
	}
}

// trivialScenario is the ceiling: the trivial server's "ok".
func trivialScenario() scenario {
	return scenario{name: "trivial", request: get("/", nil), want: http.StatusOK}
}

// fixture is what the samtal scenarios need from the seeded store and the
// running server.
type fixture struct {
	seed          *seeded
	sessionCookie string // "samtal_session=…" from a real sign-in
	nextToken     atomic.Int64
}

// samtalScenarios are the scenarios run against samtal, in order. New
// capabilities add theirs here.
func samtalScenarios(fx *fixture) []scenario {
	return []scenario{
		{name: "healthz", request: get("/healthz", nil), want: http.StatusOK},
		{name: "signin-page", request: get("/signin", nil), want: http.StatusOK},
		{
			name:    "api-me",
			request: get("/api/v1/me", http.Header{"Authorization": {"Bearer " + fx.seed.Token}}),
			want:    http.StatusOK,
			check: func(body []byte) error {
				var me struct {
					Email string `json:"email"`
				}
				if err := json.Unmarshal(body, &me); err != nil {
					return fmt.Errorf("decode /api/v1/me: %w", err)
				}
				if me.Email != fx.seed.Email {
					return fmt.Errorf("/api/v1/me: email %q, want %q", me.Email, fx.seed.Email)
				}
				return nil
			},
		},
		{
			// Many integrators at once: each call uses the next of many
			// tokens, so that no node-local cache helps and every call reads
			// the store.
			name:    "api-me-many-tokens",
			request: get("/api/v1/me", http.Header{"Authorization": {"Bearer " + fx.seed.Token}}),
			want:    http.StatusOK,
			vary: func(req *http.Request) {
				i := fx.nextToken.Add(1) % int64(len(fx.seed.Tokens))
				req.Header["Authorization"] = []string{"Bearer " + fx.seed.Tokens[i]}
			},
		},
		{
			name:    "page-with-session",
			request: get("/settings", http.Header{"Cookie": {fx.sessionCookie}}),
			want:    http.StatusOK,
			check: func(body []byte) error {
				// A page for the signed-in member shows their email; a sign-in
				// form would not.
				if !bytes.Contains(body, []byte(html.EscapeString(fx.seed.Email))) {
					return errors.New("/settings does not show the signed-in email")
				}
				return nil
			},
		},
	}
}

// csrfInput finds the hidden csrf field of a form.
var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]*)"`)

// newFixture signs the seeded member in once, as a browser would: the
// sign-in form sets the visitor's CSRF cookie and carries the same token in a
// hidden field, and the POST must carry both and a same-origin Origin. Sign-in
// is rate-limited per email, so this happens once per server.
func newFixture(ctx context.Context, client *http.Client, base string, seed *seeded) (*fixture, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/signin", nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("sign in: GET /signin: %w", err)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("sign in: read /signin: %w", err)
	}
	var csrfCookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "samtal_csrf" {
			csrfCookie = c
		}
	}
	m := csrfInput.FindSubmatch(body)
	if resp.StatusCode != http.StatusOK || csrfCookie == nil || m == nil {
		return nil, fmt.Errorf("sign in: GET /signin: status %d, csrf cookie %t, csrf field %t",
			resp.StatusCode, csrfCookie != nil, m != nil)
	}

	form := url.Values{
		"email": {seed.Email}, "password": {seed.Password},
		"csrf": {html.UnescapeString(string(m[1]))}, "next": {"/"},
	}
	req, err = http.NewRequestWithContext(ctx, http.MethodPost, base+"/signin", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	req.AddCookie(csrfCookie)
	resp, err = client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("sign in: POST /signin: %w", err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("sign in: POST /signin: status %d, want 303", resp.StatusCode)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "samtal_session" && c.Value != "" {
			return &fixture{seed: seed, sessionCookie: c.Name + "=" + c.Value}, nil
		}
	}
	return nil, errors.New("sign in: POST /signin answered 303 without a samtal_session cookie")
}

// trivialServer is the hidden subcommand "trivial-server --addr ADDR": a
// minimal net/http server that answers "ok", the ceiling every scenario is
// compared with. It runs until SIGTERM.
func trivialServer(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("trivial-server", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "address to listen on")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("trivial server: %w", err)
	}
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Write([]byte("ok\n"))
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("trivial server: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}
