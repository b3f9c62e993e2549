package fetch

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// statusError describes an error answer in words.
func statusError(host string, status int, wait time.Duration) *Error {
	code := fmt.Sprintf("%d %s", status, http.StatusText(status))
	code = strings.TrimSpace(code)
	var msg string
	switch {
	case status == http.StatusTooManyRequests:
		msg = fmt.Sprintf("%s asks samtal to slow down (%s)", host, code)
	case status == http.StatusServiceUnavailable:
		msg = fmt.Sprintf("%s is unavailable for now (%s)", host, code)
	case status == http.StatusNotFound || status == http.StatusGone:
		msg = fmt.Sprintf("%s has nothing at this address (%s)", host, code)
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		msg = fmt.Sprintf("%s refuses access (%s)", host, code)
	case status >= 500:
		msg = fmt.Sprintf("%s had a server error (%s)", host, code)
	default:
		msg = fmt.Sprintf("%s answered %s", host, code)
	}
	if wait > 0 {
		msg += "; try again in " + wait.Round(time.Second).String()
	}
	return &Error{Kind: KindStatus, Msg: msg, Status: status, RetryAfter: wait}
}

// retryAfter parses Retry-After, given as seconds or as an HTTP date, on the
// answers where it means "come back later". A date in the past means now.
func retryAfter(resp *http.Response, now time.Time) time.Duration {
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
		return 0
	}
	return ParseRetryAfter(resp.Header.Get("Retry-After"), now)
}

// ParseRetryAfter reads a Retry-After value: delay seconds or an HTTP date
// relative to now, at most a day. It returns zero for an empty, malformed
// or past value.
func ParseRetryAfter(value string, now time.Time) time.Duration {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(value, 10, 64); err == nil {
		return time.Duration(max(0, min(secs, int64(maxRetryAfter/time.Second)))) * time.Second
	}
	if at, err := http.ParseTime(value); err == nil && at.After(now) {
		return min(at.Sub(now), maxRetryAfter)
	}
	return 0
}

// maxRetryAfter caps a server's wish: more than a day is not a real
// schedule, and the cap keeps an absurd value from overflowing.
const maxRetryAfter = 24 * time.Hour
