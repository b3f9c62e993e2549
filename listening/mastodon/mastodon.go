// Package mastodon reads public posts from a Mastodon server through its
// REST API: the timeline of a hashtag, or a full-text search.
//
// Hashtag timelines are public and need no token on most servers (a server
// that disabled public preview answers 401 and needs one). Searching
// statuses needs a user access token with the read:search scope on nearly
// every server: without one Mastodon answers with no statuses.
//
// The cursor is the id of the newest status seen. Fetch asks for statuses
// with min_id (the page of statuses immediately newer than the cursor)
// rather than since_id (the newest page above the cursor), so a burst of
// more than one page between two polls leaves no gap: the next page, or
// the next poll, picks up where the last one stopped.
package mastodon

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/samtal-dev/samtal/listening/connector"
	"github.com/samtal-dev/samtal/listening/fetch"
	"github.com/samtal-dev/samtal/listening/raw"
)

// Defaults for a zero Connector.
const (
	// DefaultPageSize is the most statuses Mastodon returns per request.
	DefaultPageSize = 40
	// DefaultMaxPages bounds the requests of one Fetch on a hashtag.
	DefaultMaxPages = 5
)

// Query is what to read: exactly one of Hashtag (without "#") and Search.
type Query struct {
	Hashtag string
	Search  string
}

// Cursor is the id of the newest status a Fetch returned; empty before
// the first.
type Cursor string

// Connector reads statuses from Mastodon servers. Client is required.
type Connector struct {
	Client *fetch.Client
	// Tokens maps a server's host ("mastodon.social") to an access token,
	// sent as "Authorization: Bearer" to that host only, so a token never
	// reaches another server.
	Tokens map[string]string
	// PageSize and MaxPages default to DefaultPageSize and DefaultMaxPages.
	PageSize int
	MaxPages int
	// Now is the clock for rate-limit resets; nil means time.Now.
	Now func() time.Time
}

var _ connector.Connector = (*Connector)(nil)

// Name returns "mastodon".
func (c *Connector) Name() string { return "mastodon" }

// Config keys Poll and Check read.
const (
	KeyServer  = "server"
	KeyHashtag = "hashtag"
	KeySearch  = "search"
)

// Check validates cfg: a server address and exactly one of a hashtag and
// a search term.
func (c *Connector) Check(cfg connector.Config) error {
	if _, err := serverURL(cfg[KeyServer]); err != nil {
		return err
	}
	_, err := queryOf(cfg)
	return err
}

// Poll is Fetch for the listening service: cfg holds the server and the
// hashtag or search term; see Check.
func (c *Connector) Poll(ctx context.Context, cfg connector.Config, cursor string) ([]raw.Item, string, error) {
	q, err := queryOf(cfg)
	if err != nil {
		return nil, cursor, err
	}
	items, next, err := c.Fetch(ctx, cfg[KeyServer], q, Cursor(cursor))
	return items, string(next), err
}

func queryOf(cfg connector.Config) (Query, error) {
	q := Query{Hashtag: strings.TrimSpace(cfg[KeyHashtag]), Search: strings.TrimSpace(cfg[KeySearch])}
	return q, q.check()
}

func (q Query) check() error {
	switch {
	case q.Hashtag != "" && q.Search != "":
		return errors.New("give either a hashtag or a search term for Mastodon, not both")
	case q.Search != "":
		return nil
	case q.Hashtag == "":
		return errors.New("give a hashtag or a search term for Mastodon")
	}
	tag := strings.TrimPrefix(q.Hashtag, "#")
	// Mastodon's hashtags are letters, digits, marks, "_" and "·"; allowing
	// only those keeps "/" and ".." out of the request path.
	if tag == "" || strings.ContainsFunc(tag, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) && r != '_' && r != '·'
	}) {
		return fmt.Errorf("%q is not a hashtag: use letters, digits and underscores, without spaces", q.Hashtag)
	}
	return nil
}

// serverURL turns "mastodon.social" or "https://mastodon.social/" into the
// server's base URL. A bare name means https.
func serverURL(server string) (*url.URL, error) {
	server = strings.TrimSpace(server)
	if server == "" {
		return nil, errors.New("give the Mastodon server, such as mastodon.social")
	}
	if !strings.Contains(server, "://") {
		server = "https://" + server
	}
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "" ||
		strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.User != nil {
		return nil, fmt.Errorf("%q is not a Mastodon server address; give its name, such as mastodon.social", server)
	}
	return &url.URL{Scheme: u.Scheme, Host: strings.ToLower(u.Host)}, nil
}

// Fetch returns the public statuses matching q on server that are newer
// than since, oldest first, and the cursor for next time.
//
// With no cursor it reads the newest page only, not the whole history. On
// a hashtag it then pages forward up to MaxPages; a search reads one page,
// as search results come by relevance, not by time. Followers-only and
// direct statuses, which a token may let through, are dropped; a boost
// stands for the boosted status.
//
// Errors are *fetch.Error values; a 429 carries the wait from Mastodon's
// X-RateLimit-Reset in RetryAfter. When a later page fails, Fetch returns
// the items and cursor of the pages before it together with the error.
func (c *Connector) Fetch(ctx context.Context, server string, q Query, since Cursor) ([]raw.Item, Cursor, error) {
	base, err := serverURL(server)
	if err != nil {
		return nil, since, err
	}
	if err := q.check(); err != nil {
		return nil, since, err
	}
	var statuses []status
	cursor := since
	if q.Search != "" {
		statuses, err = c.search(ctx, base, q.Search, since)
		if err != nil {
			return nil, since, err
		}
		statuses = slices.DeleteFunc(statuses, func(s status) bool { return !newer(s.ID, string(since)) })
		cursor = newest(statuses, since)
	} else {
		statuses, cursor, err = c.hashtag(ctx, base, strings.TrimPrefix(q.Hashtag, "#"), since)
	}
	return toItems(statuses, base.Hostname()), cursor, err
}

// hashtag pages forward from since through the tag's timeline.
func (c *Connector) hashtag(ctx context.Context, base *url.URL, tag string, since Cursor) ([]status, Cursor, error) {
	pageSize := orDefault(c.PageSize, DefaultPageSize)
	path := "/api/v1/timelines/tag/" + tag
	var all []status
	cursor := since
	for range orDefault(c.MaxPages, DefaultMaxPages) {
		params := url.Values{"limit": {fmt.Sprint(pageSize)}}
		if cursor != "" {
			params.Set("min_id", string(cursor))
		}
		var page []status
		if err := c.get(ctx, base, path, params, &page); err != nil {
			return all, cursor, err
		}
		all = append(all, page...)
		next := newest(page, cursor)
		if since == "" || len(page) < pageSize || next == cursor {
			return all, next, nil
		}
		cursor = next
	}
	return all, cursor, nil
}

func (c *Connector) search(ctx context.Context, base *url.URL, term string, since Cursor) ([]status, error) {
	params := url.Values{
		"q":       {term},
		"type":    {"statuses"},
		"resolve": {"false"},
		"limit":   {fmt.Sprint(orDefault(c.PageSize, DefaultPageSize))},
	}
	if since != "" {
		params.Set("min_id", string(since))
	}
	var result struct {
		Statuses []status `json:"statuses"`
	}
	if err := c.get(ctx, base, "/api/v2/search", params, &result); err != nil {
		return nil, err
	}
	return result.Statuses, nil
}

// orDefault returns v, or def when v is not positive.
func orDefault(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

// newer reports whether status id a is newer than b. Mastodon's ids are
// numbers in strings (documented as not guaranteed), so a longer id is the
// larger one; equal lengths compare as text.
func newer(a, b string) bool {
	if len(a) != len(b) {
		return len(a) > len(b)
	}
	return a > b
}

// newest returns the largest status id in page, or cursor if none is
// larger.
func newest(page []status, cursor Cursor) Cursor {
	for _, s := range page {
		if newer(s.ID, string(cursor)) {
			cursor = Cursor(s.ID)
		}
	}
	return cursor
}
