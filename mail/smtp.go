package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	netmail "net/mail"

	gomail "github.com/wneessen/go-mail"
)

// sendTimeout bounds one delivery (dial, TLS, auth and data) so that a
// stalled mail server cannot hold a request or a job worker forever.
const sendTimeout = 15 * time.Second

// TLSMode says how the connection to the SMTP server is protected.
type TLSMode string

// The TLS modes. Only none, starttls and tls may be written in a URL;
// TLSOpportunistic is what you get when the URL does not say.
const (
	// TLSOpportunistic upgrades with STARTTLS when the server offers it and
	// otherwise continues in plain text.
	TLSOpportunistic TLSMode = "opportunistic"
	// TLSNone never uses TLS.
	TLSNone TLSMode = "none"
	// TLSStartTLS requires a STARTTLS upgrade and fails without one.
	TLSStartTLS TLSMode = "starttls"
	// TLSImplicit speaks TLS from the first byte (SMTPS, usually port 465).
	TLSImplicit TLSMode = "tls"
)

// SMTPConfig configures an SMTP sender.
type SMTPConfig struct {
	// URL is smtp://[user:pass@]host[:port][?tls=none|starttls|tls] or
	// smtps://[user:pass@]host[:port]; see ParseSMTPURL.
	URL string
	// From is the sender, "noreply@example.org" or
	// "Samtal <noreply@example.org>".
	From string
}

// SMTPURL is a parsed SMTP URL.
type SMTPURL struct {
	Host string
	Port int
	// Username is empty when the server needs no authentication.
	Username string
	Password string
	TLS      TLSMode
}

// String returns the URL with the password redacted, so that a parsed
// configuration can be logged.
func (u SMTPURL) String() string {
	v := url.URL{
		Scheme:   "smtp",
		Host:     net.JoinHostPort(u.Host, strconv.Itoa(u.Port)),
		RawQuery: "tls=" + string(u.TLS),
	}
	if u.TLS == TLSOpportunistic {
		v.RawQuery = ""
	}
	if u.Username != "" {
		v.User = url.UserPassword(u.Username, "REDACTED")
	}
	return v.String()
}

// ParseSMTPURL parses smtp://[user:pass@]host[:port][?tls=none|starttls|tls]
// and smtps://[user:pass@]host[:port].
//
// User and password must be percent-encoded. The port defaults to 587 for
// smtp and 465 for smtps. Without a tls parameter, smtps and port 465 mean
// implicit TLS, port 587 means mandatory STARTTLS and any other port means
// STARTTLS if the server offers it.
//
// Errors never contain the password.
func ParseSMTPURL(raw string) (SMTPURL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the whole input, password included.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return SMTPURL{}, fmt.Errorf("smtp url: %v", err)
	}

	var defaultPort int
	switch u.Scheme {
	case "smtp":
		defaultPort = 587
	case "smtps":
		defaultPort = 465
	default:
		return SMTPURL{}, fmt.Errorf("smtp url: unsupported scheme %q (want smtp or smtps)", u.Scheme)
	}

	out := SMTPURL{Host: u.Hostname(), Port: defaultPort}
	if out.Host == "" {
		return SMTPURL{}, errors.New("smtp url: missing host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return SMTPURL{}, fmt.Errorf("smtp url: bad port %q", p)
		}
		out.Port = n
	}
	if u.Path != "" && u.Path != "/" {
		return SMTPURL{}, fmt.Errorf("smtp url: unexpected path %q", u.Path)
	}

	if u.User != nil {
		out.Username = u.User.Username()
		out.Password, _ = u.User.Password()
		if out.Username == "" {
			return SMTPURL{}, errors.New("smtp url: empty user name")
		}
		if out.Password == "" {
			return SMTPURL{}, fmt.Errorf("smtp url: missing password for user %q", out.Username)
		}
	}

	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return SMTPURL{}, fmt.Errorf("smtp url: bad query: %v", err)
	}
	for k := range q {
		// A typo such as "tsl=none" must not silently fall back to a default.
		if k != "tls" {
			return SMTPURL{}, fmt.Errorf("smtp url: unknown parameter %q", k)
		}
	}

	switch {
	case q.Has("tls"):
		mode := TLSMode(q.Get("tls"))
		switch mode {
		case TLSNone, TLSStartTLS, TLSImplicit:
		default:
			return SMTPURL{}, fmt.Errorf("smtp url: unknown tls mode %q (want none, starttls or tls)", mode)
		}
		if u.Scheme == "smtps" && mode != TLSImplicit {
			return SMTPURL{}, fmt.Errorf("smtp url: smtps conflicts with tls=%s", mode)
		}
		out.TLS = mode
	case u.Scheme == "smtps" || out.Port == 465:
		out.TLS = TLSImplicit
	case out.Port == 587:
		out.TLS = TLSStartTLS
	default:
		out.TLS = TLSOpportunistic
	}
	return out, nil
}

// SMTP sends mail through an SMTP server. It is safe for concurrent use:
// every Send opens its own connection.
type SMTP struct {
	from string
	host string
	opts []gomail.Option
}

var _ Sender = (*SMTP)(nil)

// NewSMTP checks cfg and returns a sender for it. It does not connect, so a
// mail server that is down does not stop samtal from starting.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	u, err := ParseSMTPURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	if _, err := netmail.ParseAddress(cfg.From); err != nil {
		return nil, fmt.Errorf("smtp from %q: %v", cfg.From, err)
	}

	opts := []gomail.Option{
		// An explicit port, never WithTLSPortPolicy or WithSSLPort: those
		// fall back to plain text on port 25 when the first dial fails.
		gomail.WithPort(u.Port),
		gomail.WithTimeout(sendTimeout),
		// The bare host, so certificates for IP literals verify too.
		gomail.WithTLSConfig(&tls.Config{ServerName: u.Host, MinVersion: tls.VersionTLS12}),
	}
	switch u.TLS {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSOpportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL(), gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if u.Username != "" {
		// PLAIN sends the password readable by anyone on the path, so it
		// is only allowed without TLS when the URL explicitly says
		// tls=none (a loopback test server, a local relay). go-mail also
		// permits it to the literal names localhost, 127.0.0.1 and ::1.
		auth := gomail.SMTPAuthPlain
		if u.TLS == TLSNone {
			auth = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts,
			gomail.WithSMTPAuth(auth),
			gomail.WithUsername(u.Username),
			gomail.WithPassword(u.Password),
		)
	}

	s := &SMTP{from: cfg.From, host: u.Host, opts: opts}
	// go-mail's ServerAddr is host+":"+port, which needs brackets for IPv6.
	if strings.Contains(s.host, ":") {
		s.host = "[" + s.host + "]"
	}
	// Build one client now so that a bad option fails here, at startup,
	// rather than on the first password reset.
	if _, err := gomail.NewClient(s.host, s.opts...); err != nil {
		return nil, fmt.Errorf("smtp client: %w", err)
	}
	return s, nil
}

// Send delivers m. Invalid messages (see Message.Validate) are refused
// before any connection is made.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("smtp send: %w", err)
	}

	msg := gomail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return fmt.Errorf("smtp send to %s: from: %w", m.To, err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("smtp send to %s: %w: %v", m.To, ErrInvalidMessage, err)
	}
	msg.Subject(m.Subject)
	for k, v := range m.Headers {
		msg.SetGenHeader(gomail.Header(k), v)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}

	// A fresh client per message: go-mail clients carry connection state,
	// and mail volume is far too low for connection reuse to matter.
	c, err := gomail.NewClient(s.host, s.opts...)
	if err != nil {
		return fmt.Errorf("smtp send to %s: %w", m.To, err)
	}
	// go-mail applies the context only while dialing; the connection
	// deadline set by WithTimeout covers the rest.
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("smtp send to %s: %w", m.To, err)
	}
	return nil
}
