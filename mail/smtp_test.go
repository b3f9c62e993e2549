package mail_test

import (
	"context"
	"errors"
	"net"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/samtal-dev/samtal/mail"
	"github.com/samtal-dev/samtal/mail/smtptest"
)

const (
	from    = "Samtal <noreply@samtal.test>"
	fromBox = "noreply@samtal.test" // the envelope sender derived from from
	wait    = 5 * time.Second
)

func TestParseSMTPURL(t *testing.T) {
	tests := []struct {
		raw  string
		want mail.SMTPURL
	}{
		{"smtp://mail.example.org:25", mail.SMTPURL{Host: "mail.example.org", Port: 25, TLS: mail.TLSOpportunistic}},
		{"smtp://127.0.0.1:1025?tls=none", mail.SMTPURL{Host: "127.0.0.1", Port: 1025, TLS: mail.TLSNone}},
		{"smtp://mail.example.org", mail.SMTPURL{Host: "mail.example.org", Port: 587, TLS: mail.TLSStartTLS}},
		{"smtp://mail.example.org:587", mail.SMTPURL{Host: "mail.example.org", Port: 587, TLS: mail.TLSStartTLS}},
		{"smtp://mail.example.org:465", mail.SMTPURL{Host: "mail.example.org", Port: 465, TLS: mail.TLSImplicit}},
		{"smtp://mail.example.org:2525?tls=starttls", mail.SMTPURL{Host: "mail.example.org", Port: 2525, TLS: mail.TLSStartTLS}},
		{"smtp://mail.example.org:2465?tls=tls", mail.SMTPURL{Host: "mail.example.org", Port: 2465, TLS: mail.TLSImplicit}},
		{"smtp://mail.example.org:587?tls=none", mail.SMTPURL{Host: "mail.example.org", Port: 587, TLS: mail.TLSNone}},
		{"smtps://mail.example.org", mail.SMTPURL{Host: "mail.example.org", Port: 465, TLS: mail.TLSImplicit}},
		{"smtps://mail.example.org:2465?tls=tls", mail.SMTPURL{Host: "mail.example.org", Port: 2465, TLS: mail.TLSImplicit}},
		{"smtp://mail.example.org:25/", mail.SMTPURL{Host: "mail.example.org", Port: 25, TLS: mail.TLSOpportunistic}},
		{"smtp://[::1]:25", mail.SMTPURL{Host: "::1", Port: 25, TLS: mail.TLSOpportunistic}},
		{
			"smtp://apikey:s%40cr%3At%2F@smtp.example.org:587",
			mail.SMTPURL{Host: "smtp.example.org", Port: 587, Username: "apikey", Password: "s@cr:t/", TLS: mail.TLSStartTLS},
		},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := mail.ParseSMTPURL(tt.raw)
			if err != nil {
				t.Fatalf("ParseSMTPURL(%q) error: %v", tt.raw, err)
			}
			if got != tt.want {
				t.Errorf("ParseSMTPURL(%q)\n got %+v\nwant %+v", tt.raw, got, tt.want)
			}
		})
	}
}

func TestParseSMTPURLErrors(t *testing.T) {
	tests := []struct {
		raw     string
		wantErr string
	}{
		{"", `smtp url: unsupported scheme ""`},
		{"mail.example.org:25", `smtp url: unsupported scheme "mail.example.org"`},
		{"http://mail.example.org", `smtp url: unsupported scheme "http"`},
		{"smtp://", "smtp url: missing host"},
		{"smtp://:25", "smtp url: missing host"},
		{"smtp://user:pw@:25", "smtp url: missing host"},
		{"smtp:mail.example.org", "smtp url: missing host"},
		{"smtp://mail.example.org:0", `smtp url: bad port "0"`},
		{"smtp://mail.example.org:65536", `smtp url: bad port "65536"`},
		{"smtp://mail.example.org:smtp", `smtp url: invalid port ":smtp"`},
		{"smtp://mail.example.org:25?tls=ssl", `smtp url: unknown tls mode "ssl"`},
		{"smtp://mail.example.org:25?tls=", `smtp url: unknown tls mode ""`},
		{"smtp://mail.example.org:25?tls=opportunistic", `smtp url: unknown tls mode "opportunistic"`},
		{"smtp://mail.example.org:25?tsl=none", `smtp url: unknown parameter "tsl"`},
		{"smtps://mail.example.org?tls=none", "smtp url: smtps conflicts with tls=none"},
		{"smtp://mail.example.org:25/inbox", `smtp url: unexpected path "/inbox"`},
		{"smtp://user@mail.example.org:25", `smtp url: missing password for user "user"`},
		{"smtp://:pw@mail.example.org:25", "smtp url: empty user name"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := mail.ParseSMTPURL(tt.raw)
			if err == nil {
				t.Fatalf("ParseSMTPURL(%q) = %+v, want error containing %q", tt.raw, got, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseSMTPURL(%q) error\n got %q\nwant it to contain %q", tt.raw, err, tt.wantErr)
			}
		})
	}
}

// Config is logged at startup, and url.Parse errors echo their input.
func TestSMTPURLKeepsPasswordSecret(t *testing.T) {
	const secret = "hunter2-secret"
	u, err := mail.ParseSMTPURL("smtp://me:" + secret + "@mail.example.org:2525?tls=none")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := u.String(), "smtp://me:REDACTED@mail.example.org:2525?tls=none"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}

	_, err = mail.ParseSMTPURL("smtp://me:" + secret + "@mail.example.org:x25")
	if err == nil {
		t.Fatal("want an error for a bad port")
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("error leaks the password: %v", err)
	}
}

func TestNewSMTPErrors(t *testing.T) {
	tests := []struct {
		name    string
		cfg     mail.SMTPConfig
		wantErr string
	}{
		{"bad url", mail.SMTPConfig{URL: "smtp://", From: from}, "smtp url: missing host"},
		{"empty from", mail.SMTPConfig{URL: "smtp://127.0.0.1:25", From: ""}, "smtp from"},
		{"bad from", mail.SMTPConfig{URL: "smtp://127.0.0.1:25", From: "not an address"}, "smtp from"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mail.NewSMTP(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("NewSMTP(%+v) error = %v, want one containing %q", tt.cfg, err, tt.wantErr)
			}
		})
	}
}

func TestSMTPSendDelivers(t *testing.T) {
	tests := []struct {
		name   string
		msg    mail.Message
		wantTo string // envelope recipient
	}{
		{
			name:   "ascii",
			msg:    mail.Message{To: "ada@example.org", Subject: "Verify your address", Text: "Open this link: https://samtal.test/v/abc123"},
			wantTo: "ada@example.org",
		},
		{
			name: "non-ascii subject and body",
			msg: mail.Message{
				To:      "Søren Kierkegaard <soren@example.dk>",
				Subject: "Velkommen, Søren — Grüße",
				Text:    "Hej Søren, tak for din idé — Grüße",
			},
			wantTo: "soren@example.dk",
		},
		{
			name: "multi-line body with a long line and a lone dot",
			msg: mail.Message{
				To:      "ada@example.org",
				Subject: "Reset your password",
				Text:    "Hej Søren,\n\n.\n" + strings.Repeat("lang linje æøå ", 20) + "\n\n= not an escape =3D\n",
			},
			wantTo: "ada@example.org",
		},
		{
			name: "html alternative",
			msg: mail.Message{
				To:      "ada@example.org",
				Subject: "New contact",
				Text:    "Hej Søren, tak for din idé — Grüße",
				HTML:    `<p>Hej <b>Søren</b>, tak for din <a href="https://samtal.test/?a=1&amp;b=2">idé</a> — Grüße</p>`,
			},
			wantTo: "ada@example.org",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.Start(t)
			s := newSMTP(t, srv.URL())

			if err := s.Send(context.Background(), tt.msg); err != nil {
				t.Fatalf("Send: %v", err)
			}

			msgs := srv.WaitFor(t, 1, wait)
			if len(msgs) != 1 {
				t.Fatalf("got %d messages, want 1", len(msgs))
			}
			got := msgs[0]
			if got.From != fromBox {
				t.Errorf("envelope from = %q, want %q", got.From, fromBox)
			}
			if want := []string{tt.wantTo}; !reflect.DeepEqual(got.To, want) {
				t.Errorf("envelope to = %q, want %q", got.To, want)
			}
			if got.Subject != tt.msg.Subject {
				t.Errorf("subject = %q, want %q", got.Subject, tt.msg.Subject)
			}
			if want := deliveredText(tt.msg); got.Body != want {
				t.Errorf("body\n got %q\nwant %q", got.Body, want)
			}
			if got.HTML != tt.msg.HTML {
				t.Errorf("html\n got %q\nwant %q", got.HTML, tt.msg.HTML)
			}
		})
	}
}

func TestSMTPSendSequential(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSMTP(t, srv.URL())

	want := []string{"one@example.org", "two@example.org", "three@example.org"}
	for _, to := range want {
		if err := s.Send(context.Background(), mail.Message{To: to, Subject: "hi", Text: "hi " + to}); err != nil {
			t.Fatalf("Send to %s: %v", to, err)
		}
	}
	var got []string
	for _, m := range srv.WaitFor(t, len(want), wait) {
		got = append(got, m.To...)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("recipients = %q, want %q", got, want)
	}
}

func TestSMTPSendAuth(t *testing.T) {
	const user, pass = "samtal", "p@ss w:rd/ø"
	tests := []struct {
		name     string
		url      func(srv *smtptest.Server) string
		wantSent bool
	}{
		{"right password", func(srv *smtptest.Server) string { return srv.URLWithAuth(user, pass) }, true},
		{"wrong password", func(srv *smtptest.Server) string { return srv.URLWithAuth(user, pass+"x") }, false},
		{"wrong user", func(srv *smtptest.Server) string { return srv.URLWithAuth("other", pass) }, false},
		{"no credentials", func(srv *smtptest.Server) string { return srv.URL() }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.StartWithAuth(t, user, pass)
			s := newSMTP(t, tt.url(srv))

			err := s.Send(context.Background(), mail.Message{To: "ada@example.org", Subject: "hi", Text: "hi"})
			if gotSent := err == nil; gotSent != tt.wantSent {
				t.Fatalf("Send error = %v, want sent = %v", err, tt.wantSent)
			}
			if err != nil && !strings.Contains(err.Error(), "smtp send to ada@example.org") {
				t.Errorf("error %q lacks context", err)
			}
			wantN := 0
			if tt.wantSent {
				wantN = 1
				srv.WaitFor(t, 1, wait)
			}
			if got := len(srv.Messages()); got != wantN {
				t.Errorf("server has %d messages, want %d", got, wantN)
			}
		})
	}
}

// go-mail sends PLAIN credentials unencrypted to the literal names
// localhost, 127.0.0.1 and ::1 on its own; the IPv4-mapped form of
// 127.0.0.1 reaches the same server without that exemption, showing that
// only an explicit tls=none lets credentials travel in plain text.
func TestSMTPSendPlainAuthNeedsExplicitTLSNone(t *testing.T) {
	const user, pass = "samtal", "secret"
	srv := smtptest.StartWithAuth(t, user, pass)
	_, port, err := net.SplitHostPort(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	host := net.JoinHostPort("::ffff:127.0.0.1", port)
	creds := url.UserPassword(user, pass).String()

	tests := []struct {
		query    string
		wantSent bool
	}{
		{"", false},         // opportunistic: the server offers no STARTTLS
		{"?tls=none", true}, // explicit: allowed
	}
	for _, tt := range tests {
		t.Run("query="+tt.query, func(t *testing.T) {
			s := newSMTP(t, "smtp://"+creds+"@"+host+tt.query)
			err := s.Send(context.Background(), mail.Message{To: "ada@example.org", Subject: "hi", Text: "hi"})
			if gotSent := err == nil; gotSent != tt.wantSent {
				t.Errorf("Send error = %v, want sent = %v", err, tt.wantSent)
			}
		})
	}
	if got := len(srv.Messages()); got != 1 {
		t.Errorf("server has %d messages, want 1", got)
	}
}

func TestSMTPSendRequiresTLSWhenAsked(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSMTP(t, "smtp://"+srv.Addr()+"?tls=starttls")

	err := s.Send(context.Background(), mail.Message{To: "ada@example.org", Subject: "hi", Text: "hi"})
	if err == nil {
		t.Fatal("Send succeeded without STARTTLS, want an error")
	}
	if got := len(srv.Messages()); got != 0 {
		t.Errorf("server has %d messages, want 0", got)
	}
}

func TestSMTPSendRefusesInvalidMessage(t *testing.T) {
	tests := []struct {
		name    string
		msg     mail.Message
		wantErr string
	}{
		{"empty to", mail.Message{To: "", Subject: "hi", Text: "hi"}, "missing recipient"},
		{"blank to", mail.Message{To: "  ", Subject: "hi", Text: "hi"}, "missing recipient"},
		{"to with crlf", mail.Message{To: "ada@example.org\r\nBcc: eve@example.org", Subject: "hi", Text: "hi"}, "recipient contains a line break"},
		{"to with lf", mail.Message{To: "ada@example.org\nBcc: eve@example.org", Subject: "hi", Text: "hi"}, "recipient contains a line break"},
		{"to with cr", mail.Message{To: "ada@example.org\rBcc: eve@example.org", Subject: "hi", Text: "hi"}, "recipient contains a line break"},
		{"subject with crlf", mail.Message{To: "ada@example.org", Subject: "hi\r\nBcc: eve@example.org", Text: "hi"}, "subject contains a line break"},
		{"two recipients", mail.Message{To: "ada@example.org, eve@example.org", Subject: "hi", Text: "hi"}, "recipient"},
		{"not an address", mail.Message{To: "ada", Subject: "hi", Text: "hi"}, "recipient"},
		{"no text", mail.Message{To: "ada@example.org", Subject: "hi", HTML: "<p>hi</p>"}, "missing text body"},
	}
	srv := smtptest.Start(t)
	s := newSMTP(t, srv.URL())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Send(context.Background(), tt.msg)
			if err == nil {
				t.Fatalf("Send(%+v) succeeded, want an error", tt.msg)
			}
			if !errors.Is(err, mail.ErrInvalidMessage) {
				t.Errorf("error %q does not wrap ErrInvalidMessage", err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
		})
	}
	// Send is synchronous, so anything it had sent would be here by now.
	if got := srv.Connections(); got != 0 {
		t.Errorf("server saw %d connections, want 0: invalid messages must be refused before dialing", got)
	}
	if got := len(srv.Messages()); got != 0 {
		t.Errorf("server has %d messages, want 0", got)
	}
}

func TestSMTPSendServerDown(t *testing.T) {
	// Take a free port and release it, so nothing listens there.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}

	s := newSMTP(t, "smtp://"+addr+"?tls=none")
	err = s.Send(context.Background(), mail.Message{To: "ada@example.org", Subject: "hi", Text: "hi"})
	if err == nil {
		t.Fatal("Send to a closed port succeeded, want an error")
	}
	if want := "smtp send to ada@example.org"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
	if errors.Is(err, mail.ErrInvalidMessage) {
		t.Errorf("a transport failure must not look like an invalid message: %v", err)
	}
}

func TestSMTPSendCanceledContext(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSMTP(t, srv.URL())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	err := s.Send(ctx, mail.Message{To: "ada@example.org", Subject: "hi", Text: "hi"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Send with a canceled context: error = %v, want context.Canceled", err)
	}
	if got := len(srv.Messages()); got != 0 {
		t.Errorf("server has %d messages, want 0", got)
	}
}

// deliveredText is m.Text as the recipient gets it. SMTP data always ends
// in a line break, so a single-part mail whose text lacks one gains it; in
// a multipart mail the boundary owns that line break and the text is exact.
func deliveredText(m mail.Message) string {
	if m.HTML == "" && !strings.HasSuffix(m.Text, "\n") {
		return m.Text + "\n"
	}
	return m.Text
}

func newSMTP(t *testing.T, rawURL string) *mail.SMTP {
	t.Helper()
	s, err := mail.NewSMTP(mail.SMTPConfig{URL: rawURL, From: from})
	if err != nil {
		t.Fatalf("NewSMTP(%q): %v", rawURL, err)
	}
	return s
}

// TestSMTPSendHeaders: extra headers (the one-click unsubscribe) arrive as
// sent; a header that would add a recipient or a line is refused unsent.
func TestSMTPSendHeaders(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSMTP(t, srv.URL())
	m := mail.Message{To: "ada@example.org", Subject: "News", Text: "Hej", Headers: map[string]string{
		"List-Unsubscribe":      "<https://samtal.test/unsubscribe/abc>",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
	}}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := srv.WaitFor(t, 1, wait)[0]
	if got.Header.Get("List-Unsubscribe") != "<https://samtal.test/unsubscribe/abc>" || got.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Errorf("headers: %v", got.Header)
	}
	for _, bad := range []map[string]string{
		{"Bcc": "eve@example.org"},
		{"X-Note": "a\r\nBcc: eve@example.org"},
		{"X Note": "space in the name"},
	} {
		m.Headers = bad
		if err := s.Send(context.Background(), m); !errors.Is(err, mail.ErrInvalidMessage) {
			t.Errorf("headers %q: err = %v, want ErrInvalidMessage", bad, err)
		}
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("server received %d messages, want 1", n)
	}
}
