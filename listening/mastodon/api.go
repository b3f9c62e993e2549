package mastodon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/samtal-dev/samtal/listening/fetch"
)

// get fetches path on base and decodes the JSON answer into v.
func (c *Connector) get(ctx context.Context, base *url.URL, path string, params url.Values, v any) error {
	u := *base
	u.Path = path // unescaped; String escapes it, a hashtag's "ä" included
	u.RawQuery = params.Encode()
	header := http.Header{"Accept": {"application/json"}}
	if token := c.Tokens[base.Hostname()]; token != "" {
		header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Client.Do(ctx, fetch.Request{URL: u.String(), Header: header})
	if err != nil {
		if fe, ok := errors.AsType[*fetch.Error](err); ok && fe.Kind == fetch.KindStatus && resp != nil {
			return c.statusError(base.Host, resp, fe)
		}
		return err
	}
	if err := json.Unmarshal(resp.Body, v); err != nil {
		return &formatError{host: base.Host, err: err}
	}
	return nil
}

// formatError is an answer that is not Mastodon's JSON, such as a login
// page or a different service at that address.
type formatError struct {
	host string
	err  error
}

func (e *formatError) Error() string {
	return e.host + " did not answer like a Mastodon server"
}

func (e *formatError) Unwrap() error { return e.err }

// statusError words an error answer for staff, adding Mastodon's own
// reason and, on 429, the wait until the rate limit resets.
func (c *Connector) statusError(host string, resp *fetch.Response, fe *fetch.Error) *fetch.Error {
	e := *fe
	if e.Status == http.StatusTooManyRequests {
		if e.RetryAfter == 0 {
			e.RetryAfter = c.untilReset(resp.Header.Get("X-RateLimit-Reset"))
		}
		e.Msg = fmt.Sprintf("%s limits how often samtal may ask (429 Too Many Requests)", host)
		if e.RetryAfter > 0 {
			e.Msg += "; try again in " + e.RetryAfter.Round(time.Second).String()
		}
		return &e
	}
	var body struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(resp.Body, &body) == nil && body.Error != "" {
		reason := strings.Join(strings.Fields(body.Error), " ")
		if len(reason) > 200 {
			reason = reason[:200] + "…"
		}
		e.Msg += ": " + reason
	}
	return &e
}

// untilReset reads X-RateLimit-Reset, an ISO 8601 time, as a wait from now.
func (c *Connector) untilReset(value string) time.Duration {
	at, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(value))
	if err != nil {
		return 0
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	return max(0, min(at.Sub(now()), 24*time.Hour))
}
