package mastodon

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samtal-dev/samtal/listening/connector"
	"github.com/samtal-dev/samtal/listening/fetch"
	"github.com/samtal-dev/samtal/listening/raw"
)

// resolver sends every name to the loopback test server.
type resolver struct{}

func (resolver) LookupIPAddr(context.Context, string) ([]net.IPAddr, error) {
	return []net.IPAddr{{IP: net.IPv4(127, 0, 0, 1)}}, nil
}

// server is a Mastodon stand-in answering from testdata; it records the
// requests it saw.
type server struct {
	mu       sync.Mutex
	requests []*http.Request
	// answer picks the response; nil means route answers from testdata.
	answer http.HandlerFunc
	addr   string // "http://mastodon.example:PORT"
}

func newServer(t *testing.T, answer http.HandlerFunc) *server {
	t.Helper()
	s := &server{answer: answer}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	s.addr = "http://mastodon.example:" + ts.URL[strings.LastIndex(ts.URL, ":")+1:]
	return s
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r.Clone(context.Background()))
	s.mu.Unlock()
	if s.answer != nil {
		s.answer(w, r)
		return
	}
	route(w, r)
}

// route answers like a server with the testdata's statuses on #kettle.
func route(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	switch {
	case r.URL.Path == "/api/v1/timelines/tag/kettle":
		switch r.URL.Query().Get("min_id") {
		case "":
			serveFile(w, "tag_newest.json")
		case "115500000000000003":
			serveFile(w, "tag_after_3.json")
		case "115500000000000005":
			serveFile(w, "tag_after_5.json")
		default:
			w.Write([]byte("[]"))
		}
	case r.URL.Path == "/api/v2/search":
		serveFile(w, "search_kettle.json")
	case strings.HasPrefix(r.URL.Path, "/api/v1/timelines/tag/"):
		w.Write([]byte("[]"))
	default:
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"error":"Record not found"}`))
	}
}

func serveFile(w http.ResponseWriter, name string) {
	body, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Write(body)
}

func newConnector() *Connector {
	return &Connector{Client: fetch.New(fetch.Options{
		AllowPrivate:    true,
		Resolver:        resolver{},
		PerHostInterval: -1,
	})}
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ids(items []raw.Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.ExternalID)
	}
	return out
}

func TestHashtagFirstPoll(t *testing.T) {
	srv := newServer(t, nil)
	items, cursor, err := newConnector().Fetch(context.Background(), srv.addr, Query{Hashtag: "#kettle"}, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []raw.Item{{
		ExternalID:   "115500000000000001",
		URL:          "https://fosstodon.org/users/mette/statuses/115500000000000001", // url is null: uri stands in
		Text:         "Kedlen er god, men håndtaget bliver varmt. #kettle",
		Author:       "mette", // no display name
		AuthorHandle: "@mette@fosstodon.org",
		AuthorURL:    "https://fosstodon.org/@mette",
		Network:      "mastodon",
		Published:    at("2026-11-04T08:03:19.004Z"),
		Lang:         "da",
	}, {
		ExternalID: "115500000000000002",
		URL:        "https://mastodon.example/@anna/115500000000000002",
		Title:      "product complaint", // the content warning
		Text: "Day 3 with the new #kettle: the lid cracked.\n\n" +
			"Support answered within an hour though. https://kettle.example/support/ticket/4711\n\n" +
			"[image: A kettle with a cracked lid on a kitchen counter]",
		Author:       "Anna Lund",
		AuthorHandle: "@anna@mastodon.example", // local account: the server is added
		AuthorURL:    "https://mastodon.example/@anna",
		Network:      "mastodon",
		Published:    at("2026-11-04T09:12:55Z"),
		Lang:         "en",
	}, {
		ExternalID:   "115500000000000003",
		URL:          "https://chaos.social/@jonas/115500000000000003",
		Text:         `Mein #kettle pfeift jetzt "Für Elise" – großartig! @anna`,
		Author:       "Jonas 🚲",
		AuthorHandle: "@jonas@chaos.social",
		AuthorURL:    "https://chaos.social/@jonas",
		Network:      "mastodon",
		Published:    at("2026-11-04T09:41:07.512Z"),
		Lang:         "de",
	}}
	if len(items) != len(want) {
		t.Fatalf("got %d items: %v", len(items), ids(items))
	}
	for i := range want {
		got := items[i]
		if !got.Published.Equal(want[i].Published) {
			t.Errorf("item %d published %v, want %v", i, got.Published, want[i].Published)
		}
		got.Published = want[i].Published
		if got != want[i] {
			t.Errorf("item %d:\n got %#v\nwant %#v", i, got, want[i])
		}
	}
	if cursor != "115500000000000003" {
		t.Errorf("cursor = %q", cursor)
	}

	if len(srv.requests) != 1 {
		t.Fatalf("%d requests, want 1: the first poll reads only the newest page", len(srv.requests))
	}
	r := srv.requests[0]
	if r.URL.Path != "/api/v1/timelines/tag/kettle" || r.URL.RawQuery != "limit=40" {
		t.Errorf("request = %s", r.URL)
	}
	if r.Header.Get("Authorization") != "" {
		t.Error("sent an Authorization header without a token")
	}
	if r.Host != strings.TrimPrefix(srv.addr, "http://") {
		t.Errorf("Host = %q", r.Host)
	}
}

func TestHashtagPagesForward(t *testing.T) {
	tests := []struct {
		name       string
		maxPages   int
		wantIDs    []string
		wantCursor Cursor
		wantMinIDs []string
	}{
		{"until a short page", 0,
			[]string{"115500000000000004", "115500000000000005", "115500000000000006"},
			"115500000000000006", []string{"115500000000000003", "115500000000000005"}},
		{"page limit", 1,
			[]string{"115500000000000004", "115500000000000005"},
			"115500000000000005", []string{"115500000000000003"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, nil)
			c := newConnector()
			c.PageSize, c.MaxPages = 2, tt.maxPages
			items, cursor, err := c.Fetch(context.Background(), srv.addr, Query{Hashtag: "kettle"}, "115500000000000003")
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(items); !slices.Equal(got, tt.wantIDs) {
				t.Errorf("items = %v, want %v", got, tt.wantIDs)
			}
			if cursor != tt.wantCursor {
				t.Errorf("cursor = %q, want %q", cursor, tt.wantCursor)
			}
			var minIDs []string
			for _, r := range srv.requests {
				q := r.URL.Query()
				if q.Get("limit") != "2" || q.Has("since_id") || q.Has("max_id") {
					t.Errorf("query = %s", r.URL.RawQuery)
				}
				minIDs = append(minIDs, q.Get("min_id"))
			}
			if !slices.Equal(minIDs, tt.wantMinIDs) {
				t.Errorf("min_id sent = %v, want %v", minIDs, tt.wantMinIDs)
			}
		})
	}
}

func TestHashtagIsEscaped(t *testing.T) {
	srv := newServer(t, nil)
	items, cursor, err := newConnector().Fetch(context.Background(), srv.addr, Query{Hashtag: "#Qualitätskatzen"}, "42")
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 0 || cursor != "42" {
		t.Errorf("items %v, cursor %q: nothing new keeps the cursor", ids(items), cursor)
	}
	r := srv.requests[0]
	if got := r.URL.EscapedPath(); got != "/api/v1/timelines/tag/Qualit%C3%A4tskatzen" {
		t.Errorf("path = %s", got)
	}
	if got := r.URL.Query().Get("min_id"); got != "42" {
		t.Errorf("min_id = %q", got)
	}
}

func TestSearch(t *testing.T) {
	srv := newServer(t, nil)
	c := newConnector()
	c.Tokens = map[string]string{"mastodon.example": "s3cret"}
	items, cursor, err := c.Fetch(context.Background(), srv.addr, Query{Search: "kettle app"}, "115500000000000009")
	if err != nil {
		t.Fatal(err)
	}
	// The followers-only status is dropped; the rest come oldest first.
	if got, want := ids(items), []string{"115500000000000010", "115500000000000012"}; !slices.Equal(got, want) {
		t.Errorf("items = %v, want %v", got, want)
	}
	if items[0].Text != "Kettle app works again." || items[0].Lang != "da" {
		t.Errorf("item = %+v", items[0])
	}
	if items[1].Lang != "" {
		t.Errorf("null language became %q", items[1].Lang)
	}
	if cursor != "115500000000000012" {
		t.Errorf("cursor = %q", cursor)
	}
	r := srv.requests[0]
	want := url.Values{
		"q": {"kettle app"}, "type": {"statuses"}, "resolve": {"false"},
		"limit": {"40"}, "min_id": {"115500000000000009"},
	}
	if r.URL.Path != "/api/v2/search" || r.URL.Query().Encode() != want.Encode() {
		t.Errorf("request = %s", r.URL)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer s3cret" {
		t.Errorf("Authorization = %q", got)
	}

	// A cursor newer than every result leaves nothing, even if the server
	// ignored min_id.
	items, cursor, err = c.Fetch(context.Background(), srv.addr, Query{Search: "kettle app"}, "115500000000000012")
	if err != nil || len(items) != 0 || cursor != "115500000000000012" {
		t.Errorf("again: %v, %q, %v", ids(items), cursor, err)
	}
}

func TestTokenStaysWithItsServer(t *testing.T) {
	srv := newServer(t, nil)
	c := newConnector()
	c.Tokens = map[string]string{"other.example": "s3cret"}
	if _, _, err := c.Fetch(context.Background(), srv.addr, Query{Hashtag: "kettle"}, ""); err != nil {
		t.Fatal(err)
	}
	if got := srv.requests[0].Header.Get("Authorization"); got != "" {
		t.Errorf("Authorization = %q sent to the wrong server", got)
	}
}

func TestBoostStandsForTheBoostedStatus(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { serveFile(w, "reblog.json") })
	items, cursor, err := newConnector().Fetch(context.Background(), srv.addr, Query{Hashtag: "kettle"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 {
		t.Fatalf("items = %v", ids(items))
	}
	it := items[0]
	if it.ExternalID != "115499999999999990" || it.AuthorHandle != "@mette@fosstodon.org" ||
		it.Text != "Kettle 4.2 fixed my complaint. Good job, team!" || it.URL != "https://fosstodon.org/@mette/115499999999999990" {
		t.Errorf("item = %+v", it)
	}
	// The cursor follows the timeline, where the boost has its own id.
	if cursor != "115500000000000020" {
		t.Errorf("cursor = %q", cursor)
	}
}

func TestRateLimit(t *testing.T) {
	now := at("2026-11-04T10:00:30Z")
	tests := []struct {
		name     string
		header   map[string]string
		wantWait time.Duration
	}{
		{"reset header", map[string]string{
			"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0",
			"X-RateLimit-Reset": "2026-11-04T10:05:00.000000Z",
		}, 4*time.Minute + 30*time.Second},
		{"retry-after wins", map[string]string{
			"Retry-After": "60", "X-RateLimit-Reset": "2026-11-04T10:05:00.000000Z",
		}, time.Minute},
		{"reset in the past", map[string]string{"X-RateLimit-Reset": "2026-11-04T09:00:00.000Z"}, 0},
		{"no hint", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusTooManyRequests)
				w.Write([]byte(`{"error":"Too many requests"}`))
			})
			c := newConnector()
			c.Now = func() time.Time { return now }
			items, cursor, err := c.Fetch(context.Background(), srv.addr, Query{Hashtag: "kettle"}, "7")
			fe, ok := errors.AsType[*fetch.Error](err)
			if !ok || fe.Kind != fetch.KindStatus || fe.Status != 429 || fe.RetryAfter != tt.wantWait {
				t.Fatalf("error = %#v", err)
			}
			if !strings.Contains(fe.Msg, "limits how often samtal may ask (429 Too Many Requests)") ||
				(tt.wantWait > 0) != strings.Contains(fe.Msg, "try again in "+tt.wantWait.String()) {
				t.Errorf("message = %q", fe.Msg)
			}
			if items != nil || cursor != "7" {
				t.Errorf("items %v, cursor %q", ids(items), cursor)
			}
		})
	}
}

func TestServerErrors(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		wantMsg string
	}{
		{"server error", 500, `{"error":"Internal error"}`, "had a server error (500 Internal Server Error): Internal error"},
		{"unavailable", 503, "<html><body>Maintenance</body></html>", "is unavailable for now (503 Service Unavailable)"},
		{"bad gateway", 502, "", "had a server error (502 Bad Gateway)"},
		{"needs token", 401, `{"error":"This method requires an authenticated user"}`, "refuses access (401 Unauthorized): This method requires an authenticated user"},
		{"unknown", 404, `{"error":"Record not found"}`, "has nothing at this address (404 Not Found): Record not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
			})
			_, _, err := newConnector().Fetch(context.Background(), srv.addr, Query{Hashtag: "kettle"}, "")
			fe, ok := errors.AsType[*fetch.Error](err)
			if !ok || fe.Status != tt.status {
				t.Fatalf("error = %#v", err)
			}
			if !strings.HasSuffix(fe.Msg, tt.wantMsg) {
				t.Errorf("message = %q, want it to end %q", fe.Msg, tt.wantMsg)
			}
		})
	}

	t.Run("not mastodon", func(t *testing.T) {
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("<!doctype html><title>Log in</title>"))
		})
		_, _, err := newConnector().Fetch(context.Background(), srv.addr, Query{Hashtag: "kettle"}, "")
		if err == nil || !strings.HasSuffix(err.Error(), "did not answer like a Mastodon server") {
			t.Errorf("error = %v", err)
		}
	})

	t.Run("later page fails", func(t *testing.T) {
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("min_id") == "115500000000000005" {
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
			route(w, r)
		})
		c := newConnector()
		c.PageSize = 2
		items, cursor, err := c.Fetch(context.Background(), srv.addr, Query{Hashtag: "kettle"}, "115500000000000003")
		if fe, ok := errors.AsType[*fetch.Error](err); !ok || fe.Status != 500 {
			t.Fatalf("error = %v", err)
		}
		// What the first page brought is kept, and the cursor says so.
		if got := ids(items); !slices.Equal(got, []string{"115500000000000004", "115500000000000005"}) || cursor != "115500000000000005" {
			t.Errorf("items %v, cursor %q", got, cursor)
		}
	})
}

func TestCheck(t *testing.T) {
	tests := []struct {
		cfg  connector.Config
		want string // part of the error; "" for valid
	}{
		{connector.Config{"server": "mastodon.social", "hashtag": "kettle"}, ""},
		{connector.Config{"server": "https://mastodon.social/", "hashtag": "#kettle"}, ""},
		{connector.Config{"server": "mastodon.social", "search": "kettle app"}, ""},
		{connector.Config{"server": "mastodon.social"}, "give a hashtag or a search term"},
		{connector.Config{"server": "mastodon.social", "hashtag": "a", "search": "b"}, "not both"},
		{connector.Config{"server": "mastodon.social", "hashtag": "two words"}, "is not a hashtag"},
		{connector.Config{"server": "mastodon.social", "hashtag": "../../admin"}, "is not a hashtag"},
		{connector.Config{"server": "mastodon.social", "hashtag": "#"}, "is not a hashtag"},
		{connector.Config{"server": "mastodon.social", "hashtag": ".."}, "is not a hashtag"},
		{connector.Config{"server": "mastodon.social", "hashtag": "kettle?x=1"}, "is not a hashtag"},
		{connector.Config{"server": "mastodon.social", "hashtag": "Qualitätskatzen_2026"}, ""},
		{connector.Config{"hashtag": "kettle"}, "give the Mastodon server"},
		{connector.Config{"server": "ftp://mastodon.social", "hashtag": "kettle"}, "is not a Mastodon server address"},
		{connector.Config{"server": "mastodon.social/@anna", "hashtag": "kettle"}, "is not a Mastodon server address"},
		{connector.Config{"server": "https://user:pw@mastodon.social", "hashtag": "kettle"}, "is not a Mastodon server address"},
	}
	c := newConnector()
	for _, tt := range tests {
		err := c.Check(tt.cfg)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("Check(%v) = %v", tt.cfg, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("Check(%v) = %v, want %q", tt.cfg, err, tt.want)
		}
	}
}

func TestPoll(t *testing.T) {
	srv := newServer(t, nil)
	var c connector.Connector = newConnector()
	if c.Name() != "mastodon" {
		t.Errorf("Name = %q", c.Name())
	}
	items, next, err := c.Poll(context.Background(), connector.Config{"server": srv.addr, "hashtag": "kettle"}, "")
	if err != nil || len(items) != 3 || next != "115500000000000003" {
		t.Fatalf("first poll: %v, %q, %v", ids(items), next, err)
	}
	// The next poll goes on from the cursor: two newer statuses, fewer
	// than a page, so it stops there.
	items, next, err = c.Poll(context.Background(), connector.Config{"server": srv.addr, "hashtag": "kettle"}, next)
	if err != nil || len(items) != 2 || next != "115500000000000005" {
		t.Errorf("second poll: %v, %q, %v", ids(items), next, err)
	}
	if _, _, err := c.Poll(context.Background(), connector.Config{"server": srv.addr}, ""); err == nil {
		t.Error("Poll without a query succeeded")
	}
}

func TestNewer(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"115500000000000010", "115500000000000009", true},
		{"99", "100", false},
		{"100", "99", true},
		{"5", "", true},
		{"7", "7", false},
	}
	for _, tt := range tests {
		if got := newer(tt.a, tt.b); got != tt.want {
			t.Errorf("newer(%q, %q) = %v", tt.a, tt.b, got)
		}
	}
}
