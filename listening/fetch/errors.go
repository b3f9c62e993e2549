package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"time"
)

// Kind says what went wrong with a request, so callers can react (retry
// later, tell staff to fix the address) without reading messages.
type Kind string

// The kinds of Error.
const (
	KindBadURL    Kind = "bad-url"   // not an http or https address
	KindRefused   Kind = "refused"   // the address is one samtal does not fetch from
	KindDNS       Kind = "dns"       // the host name does not resolve
	KindConnect   Kind = "connect"   // no connection could be made
	KindTLS       Kind = "tls"       // the secure connection failed
	KindTimeout   Kind = "timeout"   // the request took longer than allowed
	KindCanceled  Kind = "canceled"  // the caller gave up
	KindRedirects Kind = "redirects" // more redirects than allowed
	KindTooLarge  Kind = "too-large" // the body is bigger than MaxBytes
	KindStatus    Kind = "status"    // the server answered with an error status
)

// Error is a failed request, described in words staff can read. Msg never
// contains Go's own error texts; Err keeps the underlying cause for logs.
type Error struct {
	Kind Kind
	Msg  string
	// Status is the HTTP status for KindStatus.
	Status int
	// RetryAfter is how long the server asked samtal to wait (429 and 503
	// with a Retry-After header); zero when it did not say.
	RetryAfter time.Duration
	Err        error
}

// Error returns the message for staff.
func (e *Error) Error() string { return e.Msg }

// Unwrap returns the underlying cause, such as context.DeadlineExceeded.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error of the same kind, so
// errors.Is(err, fetch.ErrTooLarge) works for any too-large error.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Kind == e.Kind
}

// Sentinels for errors.Is, one per kind.
var (
	ErrBadURL    = &Error{Kind: KindBadURL, Msg: "not a web address samtal can fetch"}
	ErrRefused   = &Error{Kind: KindRefused, Msg: "the address is not allowed"}
	ErrDNS       = &Error{Kind: KindDNS, Msg: "the host name could not be found"}
	ErrConnect   = &Error{Kind: KindConnect, Msg: "no connection could be made"}
	ErrTLS       = &Error{Kind: KindTLS, Msg: "the secure connection failed"}
	ErrTimeout   = &Error{Kind: KindTimeout, Msg: "the request took too long"}
	ErrCanceled  = &Error{Kind: KindCanceled, Msg: "the request was cancelled"}
	ErrRedirects = &Error{Kind: KindRedirects, Msg: "too many redirects"}
	ErrTooLarge  = &Error{Kind: KindTooLarge, Msg: "the response is too large"}
	ErrStatus    = &Error{Kind: KindStatus, Msg: "the server answered with an error"}
)

// classify turns an error from net/http into an *Error about host.
func classify(err error, host string, timeout time.Duration) *Error {
	if e, ok := errors.AsType[*Error](err); ok {
		return e
	}
	wrap := func(k Kind, format string, args ...any) *Error {
		return &Error{Kind: k, Msg: fmt.Sprintf(format, args...), Err: err}
	}
	if errors.Is(err, context.Canceled) {
		return wrap(KindCanceled, "the request to %s was cancelled", host)
	}
	if dnsErr, ok := errors.AsType[*net.DNSError](err); ok && !dnsErr.IsTimeout {
		if dnsErr.IsNotFound {
			return wrap(KindDNS, "the name %s does not exist (DNS)", host)
		}
		return wrap(KindDNS, "the name %s could not be looked up (DNS)", host)
	}
	if netErr, ok := errors.AsType[net.Error](err); errors.Is(err, context.DeadlineExceeded) || ok && netErr.Timeout() {
		return wrap(KindTimeout, "%s did not answer within %s", host, timeout)
	}
	if msg := tlsProblem(err); msg != "" {
		return wrap(KindTLS, "the secure connection to %s failed: %s", host, msg)
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return wrap(KindConnect, "%s refused the connection", host)
	}
	if errors.Is(err, syscall.ECONNRESET) {
		return wrap(KindConnect, "%s closed the connection", host)
	}
	return wrap(KindConnect, "could not fetch from %s", host)
}

// tlsProblem describes a TLS failure in words, or returns "" when err is
// not one.
func tlsProblem(err error) string {
	if _, ok := errors.AsType[x509.UnknownAuthorityError](err); ok {
		return "its certificate is not signed by a trusted authority"
	}
	if _, ok := errors.AsType[x509.HostnameError](err); ok {
		return "its certificate is for a different name"
	}
	if e, ok := errors.AsType[x509.CertificateInvalidError](err); ok {
		if e.Reason == x509.Expired {
			return "its certificate has expired or is not yet valid"
		}
		return "its certificate is not valid"
	}
	if _, ok := errors.AsType[*tls.CertificateVerificationError](err); ok {
		return "its certificate could not be verified"
	}
	// net/http replaces the TLS record error with a text of its own when
	// the answer looks like plain HTTP.
	if _, ok := errors.AsType[tls.RecordHeaderError](err); ok ||
		strings.Contains(err.Error(), "server gave HTTP response to HTTPS client") {
		return "the server does not speak https on that port"
	}
	if _, ok := errors.AsType[tls.AlertError](err); ok {
		return "the server rejected the secure connection"
	}
	return ""
}
