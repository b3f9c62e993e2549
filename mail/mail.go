// Package mail sends samtal's own emails: address verification, password
// resets and notifications.
//
// Callers depend on the Sender interface so that the transport (SMTP in
// production, something in-process in tests) stays swappable.
package mail

import (
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
)

// Message is one email to a single recipient.
//
// It has one recipient on purpose: every samtal mail is personal (a token, a
// name), and one recipient per message means a failure or bounce maps to
// exactly one person.
type Message struct {
	// To is the recipient, either "user@example.org" or
	// "Name <user@example.org>".
	To string
	// Subject is the plain, unencoded subject; non-ASCII is fine.
	Subject string
	// Text is the plain-text body. It is required so that every mail is
	// readable in text-only clients and is less likely to look like spam.
	Text string
	// HTML is an optional HTML alternative to Text.
	HTML string
	// Headers are extra header fields, such as List-Unsubscribe. Names are
	// letters, digits and dashes; values are one line.
	Headers map[string]string
}

// Sender delivers messages.
type Sender interface {
	// Send delivers m or returns why it could not. An error wrapping
	// ErrInvalidMessage means retrying the same message cannot succeed.
	Send(ctx context.Context, m Message) error
}

// ErrInvalidMessage marks a message rejected before any delivery attempt, so
// that callers such as a job queue can tell it apart from a transient
// transport failure and not retry it.
var ErrInvalidMessage = errors.New("invalid message")

// Validate reports whether m can be sent. It lives here rather than in one
// transport so that every Sender refuses the same messages.
func (m Message) Validate() error {
	// Line breaks in a header value would let whoever controls it add
	// headers (Bcc, extra recipients) to the mail: refuse, never repair.
	if strings.ContainsAny(m.To, "\r\n") {
		return fmt.Errorf("%w: recipient contains a line break", ErrInvalidMessage)
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return fmt.Errorf("%w: subject contains a line break", ErrInvalidMessage)
	}
	if strings.TrimSpace(m.To) == "" {
		return fmt.Errorf("%w: missing recipient", ErrInvalidMessage)
	}
	if _, err := netmail.ParseAddress(m.To); err != nil {
		return fmt.Errorf("%w: recipient %q: %v", ErrInvalidMessage, m.To, err)
	}
	if m.Text == "" {
		return fmt.Errorf("%w: missing text body", ErrInvalidMessage)
	}
	for k, v := range m.Headers {
		if k == "" || strings.Trim(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return fmt.Errorf("%w: header name %q", ErrInvalidMessage, k)
		}
		if reservedHeaders[strings.ToLower(k)] {
			return fmt.Errorf("%w: header %s is set by the sender", ErrInvalidMessage, k)
		}
		if strings.ContainsAny(v, "\r\n") {
			return fmt.Errorf("%w: header %s contains a line break", ErrInvalidMessage, k)
		}
	}
	return nil
}

// reservedHeaders are written from the message's own fields; an extra
// header must not add a second one (a Bcc, another recipient).
var reservedHeaders = map[string]bool{
	"from": true, "to": true, "cc": true, "bcc": true, "subject": true, "sender": true, "reply-to": true,
	"date": true, "message-id": true, "mime-version": true, "content-type": true, "content-transfer-encoding": true,
}
