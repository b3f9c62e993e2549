// Package fetch is the HTTP client samtal reads feeds and social networks
// with. It is safe against server-side request forgery: by default it
// refuses to connect to loopback, private, link-local and other non-public
// addresses, checked on the address actually dialled, so neither a DNS
// answer nor a redirect can lead it into the local network. It also sends
// conditional requests, caps bodies, waits its turn per host and reports
// failures as *Error values staff can read.
//
// Any port is allowed: feeds live on odd ports, and the address check, not
// the port, is what keeps samtal out of the local network. Proxies from the
// environment are not used, because the client would then dial the proxy
// instead of the checked address.
package fetch

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"
)

// Defaults for the zero Options.
const (
	DefaultUserAgent       = "samtal/1 (+https://github.com/samtal-dev/samtal)"
	DefaultMaxBytes        = 5 << 20
	DefaultTimeout         = 20 * time.Second
	DefaultPerHostInterval = 2 * time.Second
	// MaxRedirects is how many redirects a request follows.
	MaxRedirects = 5
)

// errorBodyBytes caps the body kept from an error response; it only needs
// room for a service's short error document.
const errorBodyBytes = 64 << 10

// Options configures a Client. The zero value is the safe default.
type Options struct {
	// AllowPrivate lets the client fetch from loopback and private
	// networks (for tests and intranets; --allow-private-sources).
	AllowPrivate bool
	// Policy overrides the address check; nil means PublicOnly, or no
	// check when AllowPrivate is set.
	Policy Policy
	// Resolver looks up host names; nil means net.DefaultResolver.
	Resolver Resolver
	// UserAgent defaults to DefaultUserAgent.
	UserAgent string
	// MaxBytes caps a body after decompression; defaults to DefaultMaxBytes.
	MaxBytes int64
	// Timeout bounds a whole request, waiting for the host's turn and
	// redirects included; defaults to DefaultTimeout.
	Timeout time.Duration
	// PerHostInterval is the least time between the starts of two requests
	// to the same host; defaults to DefaultPerHostInterval, negative turns
	// the wait off.
	PerHostInterval time.Duration
	// Now and Sleep replace the clock, for tests. Sleep must return early
	// with ctx's error when ctx is done.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client fetches web resources safely. It is safe for concurrent use.
type Client struct {
	http      *http.Client
	userAgent string
	maxBytes  int64
	timeout   time.Duration
	now       func() time.Time
}

// New returns a Client with opts, defaults filled in.
func New(opts Options) *Client {
	if opts.UserAgent == "" {
		opts.UserAgent = DefaultUserAgent
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.PerHostInterval == 0 {
		opts.PerHostInterval = DefaultPerHostInterval
	}
	if opts.Resolver == nil {
		opts.Resolver = net.DefaultResolver
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = sleepContext
	}
	policy := opts.Policy
	if policy == nil && !opts.AllowPrivate {
		policy = PublicOnly
	}
	transport := &http.Transport{
		Proxy:                  nil,
		DialContext:            newDialer(opts.Resolver, policy).DialContext,
		ForceAttemptHTTP2:      true,
		TLSHandshakeTimeout:    10 * time.Second,
		MaxIdleConns:           64,
		IdleConnTimeout:        90 * time.Second,
		MaxResponseHeaderBytes: 64 << 10,
	}
	turns := &turns{
		interval: opts.PerHostInterval,
		now:      opts.Now,
		sleep:    opts.Sleep,
		next:     map[string]time.Time{},
	}
	return &Client{
		http: &http.Client{
			Transport:     politeTransport{turns: turns, next: transport},
			CheckRedirect: checkRedirect,
		},
		userAgent: opts.UserAgent,
		maxBytes:  opts.MaxBytes,
		timeout:   opts.Timeout,
		now:       opts.Now,
	}
}

// Conditional holds the validators of the copy the caller already has.
type Conditional struct {
	ETag         string
	LastModified string
}

// Request is a GET request with extra headers, such as Authorization.
type Request struct {
	URL    string
	Cond   Conditional
	Header http.Header
}

// Response is what the server answered.
type Response struct {
	Status int
	// NotModified is true on 304: the caller's copy is current and Body
	// is empty.
	NotModified bool
	Body        []byte
	// ETag and LastModified are the validators to send next time; on 304
	// without new ones they repeat the caller's.
	ETag         string
	LastModified string
	// FinalURL is the address after redirects.
	FinalURL string
	// RetryAfter is the wait the server asked for, parsed from seconds or
	// an HTTP date; zero when absent.
	RetryAfter time.Duration
	// Header holds all response headers, for services with their own
	// (such as Mastodon's X-RateLimit-Reset).
	Header http.Header
}

// Get fetches rawURL, sending cond as If-None-Match and If-Modified-Since.
// See Do for the errors.
func (c *Client) Get(ctx context.Context, rawURL string, cond Conditional) (*Response, error) {
	return c.Do(ctx, Request{URL: rawURL, Cond: cond})
}

// Do fetches req.URL. Errors are *Error values: KindBadURL for anything but
// an http or https address, KindRefused for an address the policy refuses
// (also after a redirect), KindRedirects past MaxRedirects, KindTooLarge for
// a body over MaxBytes, KindTimeout, KindDNS, KindTLS, KindConnect and
// KindCanceled. For an answer outside 2xx and 304 Do returns both the
// Response (with at most 64 KiB of body) and an error of KindStatus, so
// callers can read the service's own error document and headers.
func (c *Client) Do(ctx context.Context, req Request) (*Response, error) {
	u, err := parseURL(req.URL)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &Error{Kind: KindBadURL, Msg: fmt.Sprintf("%q is not a web address samtal can fetch", req.URL), Err: err}
	}
	for name, values := range req.Header {
		hreq.Header[name] = values
	}
	hreq.Header.Set("User-Agent", c.userAgent)
	if req.Cond.ETag != "" {
		hreq.Header.Set("If-None-Match", req.Cond.ETag)
	}
	if req.Cond.LastModified != "" {
		hreq.Header.Set("If-Modified-Since", req.Cond.LastModified)
	}
	resp, err := c.http.Do(hreq)
	if err != nil {
		return nil, classify(err, u.Host, c.timeout)
	}
	defer resp.Body.Close()
	host := resp.Request.URL.Host
	r := &Response{
		Status:       resp.StatusCode,
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		FinalURL:     resp.Request.URL.String(),
		Header:       resp.Header,
	}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		r.NotModified = true
		if r.ETag == "" && r.LastModified == "" {
			r.ETag, r.LastModified = req.Cond.ETag, req.Cond.LastModified
		}
		return r, nil
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		r.Body, err = readCapped(resp, c.maxBytes)
		if err != nil {
			return nil, c.bodyError(err, host)
		}
		return r, nil
	default:
		r.Body, _ = readCapped(resp, min(c.maxBytes, errorBodyBytes))
		r.RetryAfter = retryAfter(resp, c.now())
		return r, statusError(host, resp.StatusCode, r.RetryAfter)
	}
}

func parseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return nil, &Error{
			Kind: KindBadURL,
			Msg:  fmt.Sprintf("%q is not a web address samtal can fetch (only http and https)", raw),
			Err:  err,
		}
	}
	return u, nil
}

func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > MaxRedirects {
		return &Error{Kind: KindRedirects, Msg: fmt.Sprintf(
			"%s redirected more than %d times", via[0].URL.Host, MaxRedirects)}
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return &Error{Kind: KindBadURL, Msg: fmt.Sprintf(
			"%s redirected to %q, which is not an http or https address", via[len(via)-1].URL.Host, req.URL.String())}
	}
	return nil
}

// errBodyTooLarge marks that readCapped stopped at the cap.
type errBodyTooLarge struct{ max int64 }

func (e errBodyTooLarge) Error() string { return fmt.Sprintf("body over %d bytes", e.max) }

// readCapped reads the (decompressed) body, failing past max bytes rather
// than truncating: half a feed would parse as a feed with items missing.
func readCapped(resp *http.Response, max int64) ([]byte, error) {
	if !resp.Uncompressed && resp.ContentLength > max {
		return nil, errBodyTooLarge{max}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > max {
		return nil, errBodyTooLarge{max}
	}
	return body, nil
}

func (c *Client) bodyError(err error, host string) *Error {
	if e, ok := err.(errBodyTooLarge); ok {
		return &Error{
			Kind: KindTooLarge,
			Msg:  fmt.Sprintf("the response from %s is larger than %s; samtal stops reading there", host, byteSize(e.max)),
			Err:  err,
		}
	}
	return classify(err, host, c.timeout)
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
