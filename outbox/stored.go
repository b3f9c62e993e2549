package outbox

import (
	"context"
	"time"

	"github.com/samtal-dev/samtal/mail"
)

// Mails that a store writes in a transaction of its own, with the records
// they belong to (a briefing's deliveries, an invitation), so that the mail
// and its record are stored together or not at all: NewMail makes the row
// that QueueMessage would store, and Stored schedules their delivery once
// that transaction committed. A mail whose scheduling is lost is found by
// the sweep, as for QueueMessage.

// NewMail returns msg as an outbox mail in the state QueueMessage gives a
// new mail: queued for delivery with an SMTP server, kept without one.
func (s *Service) NewMail(msg mail.Message, now time.Time) *Mail {
	m := &Mail{To: msg.To, Subject: msg.Subject, Text: msg.Text, HTML: msg.HTML, Headers: msg.Headers,
		State: StateKept, CreatedAt: now.UTC()}
	if s.Sender != nil {
		m.State = StateQueued
	}
	return m
}

// Stored schedules delivery of mails made by NewMail after they were
// stored (ids set).
func (s *Service) Stored(ctx context.Context, mails []*Mail) {
	for _, m := range mails {
		if m.State != StateQueued || s.Jobs == nil {
			if m.State == StateKept && s.Log != nil {
				s.Log.Info("no SMTP server configured: mail kept in the outbox (admins read it at /admin/outbox)", "mail_id", m.ID, "subject", m.Subject)
			}
			continue
		}
		if err := s.Jobs.EnqueueDelivery(ctx, m.ID); err != nil && s.Log != nil {
			s.Log.Warn("mail queued but delivery not scheduled; the sweep will retry", "mail_id", m.ID, "err", err)
		}
	}
}
