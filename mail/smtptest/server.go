// Package smtptest runs a real SMTP server in the test process, so that
// tests exercise the whole SMTP conversation instead of a mock of it.
package smtptest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// maxMessageBytes mirrors a typical provider's limit; samtal's mails are
// far smaller, so hitting it in a test signals a bug.
const maxMessageBytes = 10 << 20

// Received is one message accepted by the server.
type Received struct {
	// From and To are the envelope (MAIL FROM, RCPT TO), not the headers.
	From string
	To   []string
	// Data is the message exactly as transmitted.
	Data []byte
	// Subject is the decoded Subject header.
	Subject string
	// Body is the decoded text/plain part and HTML the decoded text/html
	// part, each empty if absent. Line endings are normalised from the
	// wire's CRLF to LF so tests can compare with Go string literals.
	//
	// The body of a message that is not multipart always ends in a line
	// break, because SMTP data does: "Hej" and "Hej\n" arrive alike.
	Body string
	HTML string
	// Header holds the message's header fields as received.
	Header netmail.Header
}

// Server is an SMTP server listening on a loopback port.
type Server struct {
	srv  *smtp.Server
	addr string

	user, pass string // empty: no authentication required

	mu       sync.Mutex
	msgs     []Received
	sessions int
	changed  chan struct{} // closed and replaced whenever msgs grows
}

// Start starts a server that accepts mail without authentication. It is
// stopped when the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	return start(tb, "", "")
}

// StartWithAuth starts a server that requires AUTH PLAIN with user and
// pass before it accepts mail. It is stopped when the test ends.
func StartWithAuth(tb testing.TB, user, pass string) *Server {
	tb.Helper()
	if user == "" || pass == "" {
		tb.Fatal("smtptest: StartWithAuth needs a user and a password")
	}
	return start(tb, user, pass)
}

func start(tb testing.TB, user, pass string) *Server {
	tb.Helper()
	s := &Server{user: user, pass: pass, changed: make(chan struct{})}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("smtptest: listen: %v", err)
	}
	s.addr = ln.Addr().String()

	logger := &tbLogger{tb: tb}
	s.srv = smtp.NewServer(smtp.BackendFunc(s.newSession))
	s.srv.Domain = "smtptest.localhost"
	s.srv.MaxMessageBytes = maxMessageBytes
	s.srv.MaxRecipients = 50
	s.srv.ReadTimeout = 30 * time.Second
	s.srv.WriteTimeout = 30 * time.Second
	// Plain-text AUTH is harmless here: the connection never leaves
	// loopback, and the password is a test fixture.
	s.srv.AllowInsecureAuth = true
	s.srv.ErrorLog = logger

	served := make(chan error, 1)
	go func() { served <- s.srv.Serve(ln) }()

	tb.Cleanup(func() {
		if err := s.srv.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			tb.Errorf("smtptest: close: %v", err)
		}
		// Serve registers ln only once its goroutine runs; if that is
		// after Close, only closing ln ourselves ends its Accept.
		_ = ln.Close()
		if err := <-served; err != nil {
			tb.Errorf("smtptest: serve: %v", err)
		}
		// Connection goroutines may outlive Close by a moment; they must
		// not log into a finished test.
		logger.stop()
	})
	return s
}

// Addr returns the server's host:port.
func (s *Server) Addr() string { return s.addr }

// URL returns an smtp:// URL for the server without credentials and with
// tls=none, as the server offers no TLS.
func (s *Server) URL() string {
	return "smtp://" + s.addr + "?tls=none"
}

// URLWithAuth is URL with user and pass added, percent-encoded.
func (s *Server) URLWithAuth(user, pass string) string {
	u := url.URL{Scheme: "smtp", User: url.UserPassword(user, pass), Host: s.addr, RawQuery: "tls=none"}
	return u.String()
}

// Messages returns the messages received so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msgs...)
}

// Connections returns how many SMTP sessions have been opened, which lets a
// test prove that a sender refused a message without even connecting.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions
}

// WaitFor waits until at least n messages have arrived and returns all of
// them, or fails the test after timeout. Call it from the test goroutine.
func (s *Server) WaitFor(tb testing.TB, n int, timeout time.Duration) []Received {
	tb.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		if len(s.msgs) >= n {
			msgs := append([]Received(nil), s.msgs...)
			s.mu.Unlock()
			return msgs
		}
		changed, got := s.changed, len(s.msgs)
		s.mu.Unlock()

		select {
		case <-changed:
		case <-timer.C:
			tb.Fatalf("smtptest: %d message(s) after %v, want %d", got, timeout, n)
			return nil
		}
	}
}

func (s *Server) newSession(*smtp.Conn) (smtp.Session, error) {
	s.mu.Lock()
	s.sessions++
	s.mu.Unlock()
	return &session{srv: s}, nil
}

func (s *Server) add(r Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, r)
	close(s.changed)
	s.changed = make(chan struct{})
}

// session is one SMTP connection.
type session struct {
	srv    *Server
	authed bool
	from   string
	to     []string
}

var _ smtp.AuthSession = (*session)(nil)

func (ss *session) authRequired() bool { return ss.srv.user != "" && !ss.authed }

func (ss *session) AuthMechanisms() []string {
	if ss.srv.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	if ss.srv.user == "" || mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if identity != "" && identity != user {
			return smtp.ErrAuthFailed
		}
		if user != ss.srv.user || pass != ss.srv.pass {
			return smtp.ErrAuthFailed
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.authRequired() {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if ss.authRequired() {
		return smtp.ErrAuthRequired
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	if ss.authRequired() {
		return smtp.ErrAuthRequired
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	rec := Received{From: ss.from, To: append([]string(nil), ss.to...), Data: data}
	if err := parse(&rec); err != nil {
		// Refuse what cannot be parsed, so the sender under test sees an
		// error instead of the test seeing an empty Body.
		return &smtp.SMTPError{
			Code:         554,
			EnhancedCode: smtp.EnhancedCode{5, 6, 0},
			Message:      "smtptest: cannot parse message: " + err.Error(),
		}
	}
	ss.srv.add(rec)
	return nil
}

func (ss *session) Reset() {
	ss.from = ""
	ss.to = nil
}

func (ss *session) Logout() error { return nil }

// parse fills r's Subject, Body and HTML from r.Data.
func parse(r *Received) error {
	msg, err := netmail.ReadMessage(bytes.NewReader(r.Data))
	if err != nil {
		return err
	}
	r.Header = msg.Header
	dec := new(mime.WordDecoder)
	r.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return fmt.Errorf("subject: %w", err)
	}
	return walk(r, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
}

// walk decodes one MIME entity, descending into multiparts, and keeps the
// first text/plain and text/html parts it finds.
func walk(r *Received, contentType, encoding string, body io.Reader) error {
	mediaType, params := "text/plain", map[string]string{}
	if contentType != "" {
		var err error
		mediaType, params, err = mime.ParseMediaType(contentType)
		if err != nil {
			return fmt.Errorf("content type %q: %w", contentType, err)
		}
	}

	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			// NextRawPart, because NextPart silently decodes only
			// quoted-printable; decode handles every encoding alike.
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("%s: %w", mediaType, err)
			}
			err = walk(r, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p)
			if err != nil {
				return err
			}
		}
	}

	var dst *string
	switch {
	case mediaType == "text/plain" && r.Body == "":
		dst = &r.Body
	case mediaType == "text/html" && r.HTML == "":
		dst = &r.HTML
	default:
		return nil // attachments and further alternatives
	}
	text, err := decode(encoding, body)
	if err != nil {
		return fmt.Errorf("%s: %w", mediaType, err)
	}
	*dst = strings.ReplaceAll(string(text), "\r\n", "\n")
	return nil
}

// decode undoes a Content-Transfer-Encoding.
func decode(encoding string, body io.Reader) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "", "7bit", "8bit", "binary":
		return io.ReadAll(body)
	case "quoted-printable":
		return io.ReadAll(quotedprintable.NewReader(body))
	case "base64":
		return io.ReadAll(base64.NewDecoder(base64.StdEncoding, body))
	default:
		return nil, fmt.Errorf("unknown transfer encoding %q", encoding)
	}
}

// tbLogger sends go-smtp's error log to the test log until stop is called.
type tbLogger struct {
	mu      sync.Mutex
	tb      testing.TB
	stopped bool
}

func (l *tbLogger) Printf(format string, v ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.stopped {
		l.tb.Logf("smtptest: "+format, v...)
	}
}

func (l *tbLogger) Println(v ...any) {
	l.Printf("%s", strings.TrimSuffix(fmt.Sprintln(v...), "\n"))
}

func (l *tbLogger) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopped = true
}
