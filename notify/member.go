package notify

import (
	"context"
	"strings"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/consent"
	"github.com/samtal-dev/samtal/mail"
)

// What members do with notifications: follow, read, mark read, mails.

var errNotFound = &samtal.Error{Code: samtal.ENOTFOUND, Message: "error.not_found"}

// requirePerson checks that the actor may contribute and is a person.
func requirePerson(a samtal.Actor) error {
	if err := a.Require(samtal.PermContribute); err != nil {
		return err
	}
	if a.PersonID == 0 {
		return &samtal.Error{Code: samtal.EFORBIDDEN, Message: "error.forbidden"}
	}
	return nil
}

// Follow makes the actor follow an idea (or, with following false, stop).
// Returns EUNAUTHORIZED for visitors and ENOTFOUND for an idea the actor
// cannot see.
func (s *Service) Follow(ctx context.Context, ideaID int64, following bool) error {
	a := samtal.ActorFrom(ctx)
	if err := requirePerson(a); err != nil {
		return err
	}
	if _, err := s.Ideas.Get(ctx, ideaID); err != nil {
		return err
	}
	return s.Store.SetFollow(ctx, ideaID, a.PersonID, following, s.now())
}

// Following reports whether the actor follows an idea they can see; a
// visitor follows nothing.
func (s *Service) Following(ctx context.Context, ideaID int64) (bool, error) {
	a := samtal.ActorFrom(ctx)
	if a.PersonID == 0 {
		return false, nil
	}
	return s.Store.Following(ctx, ideaID, a.PersonID)
}

// List returns the actor's notifications, newest first, with ids below
// before (0: from the newest). Returns EUNAUTHORIZED for visitors and
// EINVALID for a limit outside 1–100.
func (s *Service) List(ctx context.Context, before int64, limit int) ([]*Notification, error) {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(samtal.PermUseAccount); err != nil {
		return nil, err
	}
	if limit == 0 {
		limit = DefaultLimit
	}
	if limit < 1 || limit > MaxLimit {
		return nil, samtal.FieldError("limit", "error.limit_invalid")
	}
	if before < 0 {
		return nil, samtal.FieldError("cursor", "error.cursor_invalid")
	}
	if a.PersonID == 0 {
		return nil, nil // the command line has no notifications
	}
	return s.Store.Notifications(ctx, a.PersonID, campaign.ScopeOf(a), before, limit)
}

// MarkRead marks the actor's notifications read: those of ids, or all
// when ids is nil. Ids of other people's notifications change nothing.
// Returns how many were unread, EUNAUTHORIZED for visitors and EINVALID
// for more than MaxLimit ids.
func (s *Service) MarkRead(ctx context.Context, ids []int64) (int, error) {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(samtal.PermUseAccount); err != nil {
		return 0, err
	}
	if len(ids) > MaxLimit {
		return 0, samtal.FieldError("ids", "error.too_many_ids")
	}
	if a.PersonID == 0 {
		return 0, nil
	}
	return s.Store.MarkRead(ctx, a.PersonID, ids, s.now())
}

// Unread returns the actor's unread count (0 for visitors).
func (s *Service) Unread(ctx context.Context) (int, error) {
	a := samtal.ActorFrom(ctx)
	if a.PersonID == 0 {
		return 0, nil
	}
	return s.Store.Unread(ctx, a.PersonID)
}

// Text writes a notification in lang.
func (s *Service) Text(lang string, n *Notification) string {
	d := map[string]any{"Actor": n.Data.ActorName, "Idea": n.Data.IdeaTitle, "Into": n.Data.IntoTitle}
	if n.Data.ActorName == "" {
		// An erased person's name is taken out of what others were told.
		d["Actor"] = s.Translator.T(lang, "person.former_member", nil)
	}
	if n.Data.Status != "" {
		d["Status"] = s.Translator.T(lang, "status."+n.Data.Status, nil)
	}
	return s.Translator.T(lang, "notify.text."+n.Kind, d)
}

// Detail is the text that comes with a notification: the comment's start,
// the status note or the moderator's reason.
func Detail(n *Notification) string {
	if n.Data.Note != "" {
		return n.Data.Note
	}
	return n.Data.Excerpt
}

// Link is the path a notification leads to.
func Link(n *Notification) string {
	switch n.Kind {
	case KindMerged:
		if n.Data.IntoID != 0 {
			return "/ideas/" + idStr(n.Data.IntoID)
		}
	case KindStatus:
		return "/ideas/" + idStr(n.IdeaID) + "#status"
	}
	if n.CommentID != 0 {
		return "/ideas/" + idStr(n.IdeaID) + "#comment-" + idStr(n.CommentID)
	}
	return "/ideas/" + idStr(n.IdeaID)
}

func langOf(r Recipient) string {
	if r.Locale == "" {
		return "en"
	}
	return r.Locale
}

// message builds a notification mail with its unsubscribe link and the
// RFC 8058 headers, so that mail clients offer one-click unsubscribing.
func (s *Service) message(ctx context.Context, r Recipient, subject, body string) (mail.Message, error) {
	tok, err := s.Store.UnsubscribeToken(ctx, r.AccountID, newSecret())
	if err != nil {
		return mail.Message{}, err
	}
	unsub := s.BaseURL + "/unsubscribe/" + tok
	body += s.Translator.T(langOf(r), "notify.mail.footer", map[string]any{"Settings": s.BaseURL + "/settings#notifications", "Unsubscribe": unsub})
	return mail.Message{To: r.Email, Subject: subject, Text: body, Headers: map[string]string{
		"List-Unsubscribe":      "<" + unsub + ">",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
	}}, nil
}

// mailNow mails one notification and marks it sent. Fanout calls it only
// for notifications whose person consented a moment before
// (withoutConsent).
func (s *Service) mailNow(ctx context.Context, r Recipient, n *Notification) error {
	if s.Mailer == nil {
		return nil
	}
	lang := langOf(r)
	text := s.Text(lang, n)
	body := s.Translator.T(lang, "notify.mail.body", map[string]any{
		"Name": r.Name, "Text": text, "Detail": Detail(n), "Link": s.BaseURL + Link(n),
	})
	m, err := s.message(ctx, r, text, body)
	if err != nil {
		return err
	}
	if err := s.Mailer.QueueMessage(ctx, m); err != nil {
		return err
	}
	return s.Store.SetEmailState(ctx, r.PersonID, []int64{n.ID}, EmailSent, s.now(), false)
}

// SendDigests mails each member who is due one digest of their pending
// notifications; those who turned mail off, or do not consent to idea
// mails now, have theirs marked not to be mailed. The digest job runs it
// every hour; a member gets at most one digest a day.
func (s *Service) SendDigests(ctx context.Context) (int, error) {
	now := s.now()
	sent := 0
	for {
		due, err := s.Store.DigestDue(ctx, now.Add(-DigestEvery), now.Add(-staleAfter), 100)
		if err != nil || len(due) == 0 {
			return sent, err
		}
		for _, r := range due {
			list, err := s.Store.PendingMail(ctx, r.PersonID, maxDigestItems)
			if err != nil {
				return sent, err
			}
			ids := make([]int64, len(list))
			for k, n := range list {
				ids[k] = n.ID
			}
			ok, err := s.consents(ctx, r.PersonID)
			if err != nil {
				return sent, err
			}
			if r.EmailChoice == account.NotifyOff || s.Mailer == nil || !ok {
				if err := s.Store.SetEmailState(ctx, r.PersonID, ids, EmailNone, now, true); err != nil {
					return sent, err
				}
				continue
			}
			if err := s.mailDigest(ctx, r, list); err != nil {
				return sent, err
			}
			if err := s.Store.SetEmailState(ctx, r.PersonID, ids, EmailSent, now, true); err != nil {
				return sent, err
			}
			sent++
		}
	}
}

func (s *Service) mailDigest(ctx context.Context, r Recipient, list []*Notification) error {
	lang := langOf(r)
	var items strings.Builder
	for _, n := range list {
		items.WriteString("• " + s.Text(lang, n) + "\n")
		if d := Detail(n); d != "" {
			items.WriteString("  " + d + "\n")
		}
		items.WriteString("  " + s.BaseURL + Link(n) + "\n\n")
	}
	subject := s.Translator.N(lang, "notify.digest.subject", len(list), nil)
	body := s.Translator.T(lang, "notify.digest.body", map[string]any{"Name": r.Name, "Items": items.String(), "Link": s.BaseURL + "/notifications"})
	m, err := s.message(ctx, r, subject, body)
	if err != nil {
		return err
	}
	return s.Mailer.QueueMessage(ctx, m)
}

// validToken keeps junk out of the lookups: secrets are 43 URL-safe
// characters.
func validToken(t string) bool {
	return len(t) == 43 && strings.Trim(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == ""
}

// CheckUnsubscribe reports whether an unsubscribe secret is known, without
// changing anything (the page with the button). Returns ENOTFOUND if not.
func (s *Service) CheckUnsubscribe(ctx context.Context, token string) error {
	if !validToken(token) {
		return &samtal.Error{Code: samtal.ENOTFOUND, Message: "error.unsubscribe_invalid"}
	}
	if _, err := s.Store.AccountByUnsubscribeToken(ctx, token); err != nil {
		if samtal.ErrorCode(err) == samtal.ENOTFOUND {
			return &samtal.Error{Code: samtal.ENOTFOUND, Message: "error.unsubscribe_invalid"}
		}
		return err
	}
	return nil
}

// Unsubscribe turns notification mail off for the account of a secret from
// a mail, and withdraws its person's consent to idea mails (channel
// email_link); it needs no sign-in. Returns ENOTFOUND for an unknown secret.
func (s *Service) Unsubscribe(ctx context.Context, token string) error {
	if !validToken(token) {
		return &samtal.Error{Code: samtal.ENOTFOUND, Message: "error.unsubscribe_invalid"}
	}
	accountID, err := s.Store.AccountByUnsubscribeToken(ctx, token)
	if err == nil {
		err = s.Store.Unsubscribe(ctx, token)
	}
	if samtal.ErrorCode(err) == samtal.ENOTFOUND {
		return &samtal.Error{Code: samtal.ENOTFOUND, Message: "error.unsubscribe_invalid"}
	}
	if err != nil || s.Consent == nil {
		return err
	}
	return s.Consent.WithdrawByLink(ctx, accountID, consent.IdeaEmails)
}
