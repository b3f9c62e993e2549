// Package outbox is where every mail samtal writes goes first. When an SMTP
// server is configured, a job delivers each mail and retries on failure;
// without one, mails stay in the outbox for admins to read, so that nothing
// is lost and a demo works without a mail server.
package outbox

import (
	"context"
	"errors"
	"log/slog"
	"regexp"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/mail"
)

// The states of a mail.
const (
	StateQueued = "queued" // waiting for delivery
	StateSent   = "sent"
	StateFailed = "failed" // gave up after MaxAttempts
	StateKept   = "kept"   // no SMTP server configured: kept for admins to read
)

// MaxAttempts is how often delivery is tried before a mail is marked failed.
const MaxAttempts = 8

// Mail is one mail in the outbox.
type Mail struct {
	ID      int64
	To      string
	Subject string
	Text    string
	HTML    string
	// Headers are extra header fields (List-Unsubscribe and its -Post).
	Headers   map[string]string
	State     string
	Attempts  int
	LastError string
	CreatedAt time.Time
	SentAt    time.Time
}

// Filter narrows a listing of the outbox.
type Filter struct {
	State    string
	To       string
	BeforeID int64
	Limit    int
}

// Store keeps the outbox.
type Store interface {
	InsertMail(ctx context.Context, m *Mail) error
	MailByID(ctx context.Context, id int64) (*Mail, error)
	ListMail(ctx context.Context, f Filter) ([]*Mail, error)
	// MarkMailAttempt records a delivery attempt: sent if errText is "",
	// failed when state says so.
	MarkMailAttempt(ctx context.Context, id int64, state, errText string, at time.Time) error
	// StaleQueuedMail returns ids of mails queued before the given time.
	StaleQueuedMail(ctx context.Context, before time.Time, limit int) ([]int64, error)
}

// Jobs schedules a delivery in the background.
type Jobs interface {
	EnqueueDelivery(ctx context.Context, mailID int64) error
}

// Service queues and delivers mail.
type Service struct {
	Store  Store
	Sender mail.Sender // nil: keep mails in the outbox
	Jobs   Jobs        // nil: no background delivery (the CLI)
	Audit  audit.Store // where reading the outbox is recorded
	Log    *slog.Logger
}

// Queue puts a mail in the outbox and schedules its delivery.
func (s *Service) Queue(ctx context.Context, to, subject, text string) error {
	return s.QueueMessage(ctx, mail.Message{To: to, Subject: subject, Text: text})
}

// QueueMessage is Queue for a message with HTML or extra headers.
func (s *Service) QueueMessage(ctx context.Context, msg mail.Message) error {
	m := &Mail{To: msg.To, Subject: msg.Subject, Text: msg.Text, HTML: msg.HTML, Headers: msg.Headers,
		State: StateKept, CreatedAt: time.Now().UTC()}
	if s.Sender != nil {
		m.State = StateQueued
	}
	if err := s.Store.InsertMail(ctx, m); err != nil {
		return err
	}
	if s.Sender == nil {
		s.Log.Info("no SMTP server configured: mail kept in the outbox (admins read it at /admin/outbox)", "mail_id", m.ID, "subject", m.Subject)
		return nil
	}
	if s.Jobs != nil {
		// A failed enqueue is not fatal: the sweep finds queued mail.
		if err := s.Jobs.EnqueueDelivery(ctx, m.ID); err != nil {
			s.Log.Warn("mail queued but delivery not scheduled; the sweep will retry", "mail_id", m.ID, "err", err)
		}
	}
	return nil
}

// Deliver sends one queued mail. It returns the send error so that the job
// queue retries; after MaxAttempts the mail is marked failed.
func (s *Service) Deliver(ctx context.Context, id int64) error {
	m, err := s.Store.MailByID(ctx, id)
	if err != nil {
		return err
	}
	if m.State != StateQueued || s.Sender == nil {
		return nil
	}
	now := time.Now().UTC()
	sendErr := s.Sender.Send(ctx, mail.Message{To: m.To, Subject: m.Subject, Text: m.Text, HTML: m.HTML, Headers: m.Headers})
	if sendErr == nil {
		return s.Store.MarkMailAttempt(ctx, id, StateSent, "", now)
	}
	state := StateQueued
	// A message that can never be sent is not worth seven more tries.
	if m.Attempts+1 >= MaxAttempts || errors.Is(sendErr, mail.ErrInvalidMessage) {
		state = StateFailed
	}
	if err := s.Store.MarkMailAttempt(ctx, id, state, sendErr.Error(), now); err != nil {
		return err
	}
	if state == StateFailed {
		s.Log.Error("mail delivery failed for good", "mail_id", id, "err", sendErr)
		return nil
	}
	return sendErr
}

// Sweep schedules delivery of mail that has been queued for a while without
// being sent (after a crash between queueing and scheduling, say).
func (s *Service) Sweep(ctx context.Context) error {
	if s.Sender == nil || s.Jobs == nil {
		return nil
	}
	ids, err := s.Store.StaleQueuedMail(ctx, time.Now().Add(-10*time.Minute), 500)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.Jobs.EnqueueDelivery(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// linkSecret matches the secret part of the one-time links samtal mails.
var linkSecret = regexp.MustCompile(`(/(?:verify|reset|signin/link)/)[A-Za-z0-9_-]{20,}`)

// List returns mails, newest first, for those who may read the outbox. The
// secrets of links in mails that went out are blanked: the recipient has
// them, and an admin should not be able to use someone's reset link.
// Kept mails show whole, since without a mail server the outbox is how they
// reach anyone; reading it is audited.
func (s *Service) List(ctx context.Context, f Filter) ([]*Mail, error) {
	if err := samtal.ActorFrom(ctx).Require(samtal.PermReadOutbox); err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 50
	}
	list, err := s.Store.ListMail(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, m := range list {
		if m.State != StateKept {
			m.Text = linkSecret.ReplaceAllString(m.Text, "${1}…")
			m.HTML = linkSecret.ReplaceAllString(m.HTML, "${1}…")
		}
	}
	if s.Audit != nil {
		e := audit.New(ctx, "outbox.read", "outbox", 0, nil, map[string]any{"state": f.State, "to": f.To, "mails": len(list)})
		if _, err := s.Audit.AppendAudit(ctx, e); err != nil {
			return nil, err
		}
	}
	return list, nil
}
