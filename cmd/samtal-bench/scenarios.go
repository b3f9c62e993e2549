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
	// vary, if set, changes client's request before its n-th send (safe
	// for concurrent use).
	vary func(req *http.Request, client, n int)
	// clients, if set, is this scenario's number of concurrent clients.
	clients int
	// after, if set, checks the store or the server once the run is over.
	after func(ctx context.Context, res scenarioResult) error
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
	base          string
	client        *http.Client
	seed          *seeded
	sessionCookie string // "samtal_session=…" from a real sign-in
	adminCookie   string // the same for the bench admin
	nextToken     atomic.Int64
}

// samtalScenarios are the scenarios run against samtal, in order. New
// capabilities add theirs here.
func samtalScenarios(fx *fixture) []scenario {
	return append([]scenario{
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
			vary: func(req *http.Request, _, _ int) {
				i := fx.nextToken.Add(1) % int64(len(fx.seed.Tokens))
				req.Header["Authorization"] = []string{"Bearer " + fx.seed.Tokens[i]}
			},
		},
		{
			// A campaign's idea list as the API gives it: 30 ideas with their
			// counts, trending first, from each campaign in turn.
			name:    "idea-list",
			request: get(fmt.Sprintf("/api/v1/ideas?campaign_id=%d&sort=trending&limit=30", fx.seed.Campaigns[0].ID), nil),
			want:    http.StatusOK,
			check:   wantItems(30),
			vary: func(req *http.Request, client, n int) {
				c := fx.seed.Campaigns[(client+n)%len(fx.seed.Campaigns)]
				req.URL.RawQuery = fmt.Sprintf("campaign_id=%d&sort=trending&limit=30", c.ID)
			},
		},
		{
			// The same list as a page, for a visitor.
			name:    "campaign-page",
			request: get("/campaigns/"+fx.seed.Campaigns[0].Slug, nil),
			want:    http.StatusOK,
			vary: func(req *http.Request, client, n int) {
				req.URL.Path = "/campaigns/" + fx.seed.Campaigns[(client+n)%len(fx.seed.Campaigns)].Slug
			},
		},
		{
			name:    "idea-page",
			request: get(fmt.Sprintf("/ideas/%d", fx.seed.IdeaIDs[0]), nil),
			want:    http.StatusOK,
			vary: func(req *http.Request, client, n int) {
				req.URL.Path = fmt.Sprintf("/ideas/%d", fx.seed.IdeaIDs[(client*31+n)%len(fx.seed.IdeaIDs)])
			},
		},
		searchScenarios(fx)[0],
		searchScenarios(fx)[1],
		searchScenarios(fx)[2],
		voteScenario(fx),
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
	}, append(peopleScenarios(fx), listeningScenarios(fx)...)...)
}

// csrfInput finds the hidden csrf field of a form.
var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]*)"`)

// newFixture signs the seeded member in once, as a browser would: the
// sign-in form sets the visitor's CSRF cookie and carries the same token in a
// hidden field, and the POST must carry both and a same-origin Origin. Sign-in
// is rate-limited per email, so this happens once per server.
func newFixture(ctx context.Context, client *http.Client, base string, seed *seeded) (*fixture, error) {
	member, err := signIn(ctx, client, base, seed.Email, seed.Password)
	if err != nil {
		return nil, err
	}
	admin, err := signIn(ctx, client, base, seed.AdminEmail, seed.Password)
	if err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	return &fixture{base: base, client: client, seed: seed, sessionCookie: member, adminCookie: admin}, nil
}

// signIn signs in with email and password and returns the session cookie
// as a Cookie header value.
func signIn(ctx context.Context, client *http.Client, base, email, password string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/signin", nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("sign in: GET /signin: %w", err)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return "", fmt.Errorf("sign in: read /signin: %w", err)
	}
	var csrfCookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "samtal_csrf" {
			csrfCookie = c
		}
	}
	m := csrfInput.FindSubmatch(body)
	if resp.StatusCode != http.StatusOK || csrfCookie == nil || m == nil {
		return "", fmt.Errorf("sign in: GET /signin: status %d, csrf cookie %t, csrf field %t",
			resp.StatusCode, csrfCookie != nil, m != nil)
	}

	form := url.Values{
		"email": {email}, "password": {password},
		"csrf": {html.UnescapeString(string(m[1]))}, "next": {"/"},
	}
	req, err = http.NewRequestWithContext(ctx, http.MethodPost, base+"/signin", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	req.AddCookie(csrfCookie)
	resp, err = client.Do(req)
	if err != nil {
		return "", fmt.Errorf("sign in: POST /signin: %w", err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("sign in: POST /signin: status %d, want 303", resp.StatusCode)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "samtal_session" && c.Value != "" {
			return c.Name + "=" + c.Value, nil
		}
	}
	return "", errors.New("sign in: POST /signin answered 303 without a samtal_session cookie")
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

// voters is how many members vote at once in the vote scenario.
const voters = 50

// voteScenario has 50 members vote at once, each for the next idea of a
// campaign nobody voted in, and then checks that the ideas' counts add up
// to exactly the votes that were answered 200: none lost, none doubled.
func voteScenario(fx *fixture) scenario {
	tokenOf := func(client int) string { return fx.seed.Tokens[client*tokensPerMember] }
	ideas := fx.seed.VoteIdeas
	return scenario{
		name: "vote",
		// The probe votes as the first client for the last idea, which the
		// clients reach last if ever.
		request: post(fmt.Sprintf("/api/v1/ideas/%d/vote", ideas[len(ideas)-1]), http.Header{"Authorization": {"Bearer " + tokenOf(0)}}),
		want:    http.StatusOK,
		clients: voters,
		vary: func(req *http.Request, client, n int) {
			req.URL.Path = fmt.Sprintf("/api/v1/ideas/%d/vote", ideas[n%(len(ideas)-1)])
			req.Header["Authorization"] = []string{"Bearer " + tokenOf(client)}
		},
		after: func(ctx context.Context, res scenarioResult) error {
			counted, err := countVotes(ctx, fx, fx.seed.VoteCampaign)
			if err != nil {
				return err
			}
			if counted != res.AllOK {
				return fmt.Errorf("the ideas count %d votes, but %d votes were answered 200", counted, res.AllOK)
			}
			return nil
		},
	}
}

// countVotes adds up the vote counts of a campaign's ideas through the API.
func countVotes(ctx context.Context, fx *fixture, campaignID int64) (int, error) {
	total, cursor := 0, ""
	for range 1000 {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet,
			fmt.Sprintf("%s/api/v1/ideas?campaign_id=%d&sort=newest&limit=100&cursor=%s", fx.base, campaignID, url.QueryEscape(cursor)), nil)
		if err != nil {
			return 0, err
		}
		resp, err := fx.client.Do(req)
		if err != nil {
			return 0, err
		}
		var page struct {
			Items []struct {
				Votes int `json:"votes"`
			} `json:"items"`
			Next string `json:"next"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			return 0, fmt.Errorf("count votes: %w", err)
		}
		for _, i := range page.Items {
			total += i.Votes
		}
		if page.Next == "" {
			return total, nil
		}
		cursor = page.Next
	}
	return 0, errors.New("count votes: too many pages")
}

// wantItems checks that a list answer has n items.
func wantItems(n int) func([]byte) error {
	return func(body []byte) error {
		var list struct {
			Items []json.RawMessage `json:"items"`
		}
		if err := json.Unmarshal(body, &list); err != nil {
			return fmt.Errorf("decode list: %w", err)
		}
		if len(list.Items) != n {
			return fmt.Errorf("list has %d items, want %d", len(list.Items), n)
		}
		return nil
	}
}

// post returns a request builder for a POST without a body.
func post(path string, header http.Header) func(context.Context, string) (*http.Request, error) {
	return func(ctx context.Context, base string) (*http.Request, error) {
		req, err := get(path, header)(ctx, base)
		if err != nil {
			return nil, err
		}
		req.Method = http.MethodPost
		return req, nil
	}
}
