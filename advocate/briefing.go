package advocate

import (
	"context"
	"errors"
	"html/template"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/mail"
	"github.com/samtal-dev/samtal/markup"
	"github.com/samtal-dev/samtal/outbox"
)

// Limits of a briefing.
const (
	MaxTitleLen = 200
	MaxBodyLen  = 50000
)

// BriefingInput is what staff write.
type BriefingInput struct {
	Title string
	Body  string
}

// check trims and checks what staff wrote. Returns EINVALID naming the
// field.
func (in *BriefingInput) check() error {
	in.Title = strings.TrimSpace(in.Title)
	in.Body = strings.TrimSpace(strings.ReplaceAll(in.Body, "\r\n", "\n"))
	switch {
	case in.Title == "":
		return samtal.FieldError("title", "error.briefing_title_required")
	case utf8.RuneCountInString(in.Title) > MaxTitleLen:
		return samtal.FieldError("title", "error.too_long")
	case in.Body == "":
		return samtal.FieldError("body", "error.briefing_body_required")
	case utf8.RuneCountInString(in.Body) > MaxBodyLen:
		return samtal.FieldError("body", "error.too_long")
	}
	return nil
}

// CreateBriefing writes a draft (PermEdit); its Markdown is rendered once,
// here. Audited. Returns EINVALID naming the field.
func (s *Service) CreateBriefing(ctx context.Context, in BriefingInput) (*Briefing, error) {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(PermEdit); err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	now := s.now()
	b := &Briefing{Title: in.Title, Body: in.Body, BodyHTML: markup.Render(in.Body), State: Draft,
		CreatedBy: a.PersonID, CreatedAt: now, UpdatedAt: now}
	e := audit.New(ctx, "briefing.create", "briefing", 0, nil, map[string]any{"title": b.Title})
	if err := s.Store.CreateBriefing(ctx, b, e); err != nil {
		return nil, err
	}
	return b, nil
}

// UpdateBriefing changes a draft (PermEdit); audited. Returns ENOTFOUND,
// EINVALID naming the field, and ECONFLICT once it was sent: what went
// out stays as it went out.
func (s *Service) UpdateBriefing(ctx context.Context, id int64, in BriefingInput) (*Briefing, error) {
	if err := samtal.ActorFrom(ctx).Require(PermEdit); err != nil {
		return nil, err
	}
	b, err := s.Store.BriefingByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if b.State != Draft {
		return nil, errSent
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	before := map[string]any{"title": b.Title}
	b.Title, b.Body, b.BodyHTML, b.UpdatedAt = in.Title, in.Body, markup.Render(in.Body), s.now()
	e := audit.New(ctx, "briefing.update", "briefing", id, before, map[string]any{"title": b.Title})
	if err := s.Store.UpdateBriefing(ctx, b, e); err != nil {
		return nil, err
	}
	return b, nil
}

var errSent = &samtal.Error{Code: samtal.ECONFLICT, Message: "error.briefing_sent"}

// Briefing returns a briefing, draft or sent, for staff (PermView).
// Returns ENOTFOUND.
func (s *Service) Briefing(ctx context.Context, id int64) (*Briefing, error) {
	if err := samtal.ActorFrom(ctx).Require(PermView); err != nil {
		return nil, err
	}
	return s.Store.BriefingByID(ctx, id)
}

// Briefings returns every briefing, newest first, for staff (PermView).
func (s *Service) Briefings(ctx context.Context, cursor string, limit int) ([]Briefing, string, error) {
	if err := samtal.ActorFrom(ctx).Require(PermView); err != nil {
		return nil, "", err
	}
	return s.briefings(ctx, false, 0, cursor, limit)
}

func (s *Service) briefings(ctx context.Context, sentOnly bool, forPerson int64, cursor string, limit int) ([]Briefing, string, error) {
	limit, err := checkLimit(limit)
	if err != nil {
		return nil, "", err
	}
	var before int64
	if cursor != "" {
		if before, err = strconv.ParseInt(cursor, 10, 64); err != nil || before <= 0 {
			return nil, "", samtal.FieldError("cursor", "error.cursor_invalid")
		}
	}
	list, err := s.Store.Briefings(ctx, sentOnly, forPerson, before, limit+1)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(list) > limit {
		list = list[:limit]
		next = strconv.FormatInt(list[limit-1].ID, 10)
	}
	return list, next, nil
}

// Audience tells staff whom a briefing sent now would reach (PermView):
// how many active advocates would get it by mail, and how many would not
// (no consent to briefings, no email).
func (s *Service) Audience(ctx context.Context) (mailed, heldBack int, err error) {
	if err := samtal.ActorFrom(ctx).Require(PermView); err != nil {
		return 0, 0, err
	}
	to, err := s.addressees(ctx)
	if err != nil {
		return 0, 0, err
	}
	active, err := s.Store.ActiveCount(ctx)
	if err != nil {
		return 0, 0, err
	}
	return len(to), active - len(to), nil
}

// addressees are the active advocates who get briefings by mail: with an
// account email and current consent to briefings.
func (s *Service) addressees(ctx context.Context) ([]Subject, error) {
	all, err := s.Store.Addressees(ctx)
	if err != nil {
		return nil, err
	}
	var out []Subject
	for _, p := range all {
		if p.Email == "" {
			continue
		}
		ok, err := s.Consents.Has(ctx, p.PersonID, Purpose)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// Send sends a draft (PermEdit): it becomes a page for the advocates and
// goes by mail to the active advocates who agreed to briefings now and
// have an account email, each in their language for samtal's own words,
// the briefing as written. Every delivery is recorded with its mail, and
// the send is audited, all in one transaction. Returns ENOTFOUND, and
// ECONFLICT if it was sent already.
func (s *Service) Send(ctx context.Context, id int64) (*Briefing, error) {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(PermEdit); err != nil {
		return nil, err
	}
	b, err := s.Store.BriefingByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if b.State != Draft {
		return nil, errSent
	}
	if s.Mailer == nil {
		return nil, errors.New("advocate: no mailer to send briefings with")
	}
	to, err := s.addressees(ctx)
	if err != nil {
		return nil, err
	}
	active, err := s.Store.ActiveCount(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	deliveries := make([]Delivery, 0, len(to))
	for _, p := range to {
		secret, hash := newSecret()
		deliveries = append(deliveries, Delivery{PersonID: p.PersonID, UnsubscribeHash: hash,
			Mail: s.Mailer.NewMail(s.briefingMail(b, p, secret), now)})
	}
	b.State, b.SentAt, b.SentBy = Sent, now, a.PersonID
	b.Mailed, b.HeldBack = len(deliveries), max(active-len(deliveries), 0)
	e := audit.New(ctx, "briefing.send", "briefing", id, map[string]any{"state": Draft},
		map[string]any{"state": Sent, "title": b.Title, "mailed": b.Mailed, "held_back": b.HeldBack})
	if err := s.Store.SendBriefing(ctx, b, deliveries, e); err != nil {
		return nil, err
	}
	mails := make([]*outbox.Mail, len(deliveries))
	for i, d := range deliveries {
		mails[i] = d.Mail
	}
	s.Mailer.Stored(ctx, mails)
	return b, nil
}

// briefingMail writes a briefing's mail to one advocate: samtal's words in
// their language, the briefing as written, a link to its page and an
// unsubscribe link (RFC 2369). Relative links and images of the briefing
// point at the site; no link is rewritten to go through samtal, and the
// mail carries no tracking pixel: a read is counted only when the person
// opens the page signed in.
func (s *Service) briefingMail(b *Briefing, p Subject, secret string) mail.Message {
	lang := langOf(p.Locale)
	t := func(id string, data map[string]any) string { return s.Translator.T(lang, id, data) }
	link := s.BaseURL + "/briefings/" + strconv.FormatInt(b.ID, 10)
	unsub := s.BaseURL + "/briefings/unsubscribe/" + secret
	greeting := t("briefing.mail.greeting", map[string]any{"Name": p.Name})
	intro, readOn, footer, unsubText := t("briefing.mail.intro", nil), t("briefing.mail.read_on_site", nil),
		t("briefing.mail.footer", nil), t("briefing.mail.unsubscribe", nil)

	text := greeting + "\n\n" + intro + "\n\n" + b.Title + "\n\n" + s.absoluteMarkdown(b.Body) + "\n\n" +
		readOn + "\n" + link + "\n\n" + footer + "\n" + unsubText + ": " + unsub + "\n"

	esc := template.HTMLEscapeString
	var h strings.Builder
	h.WriteString(`<!DOCTYPE html><html lang="` + esc(lang) + `"><head><meta charset="utf-8"><title>` + esc(b.Title) + `</title></head><body>`)
	h.WriteString(`<p>` + esc(greeting) + `</p><p>` + esc(intro) + `</p>`)
	h.WriteString(`<h1>` + esc(b.Title) + `</h1>`)
	h.WriteString(s.absoluteHTML(b.BodyHTML))
	h.WriteString(`<p><a href="` + esc(link) + `">` + esc(readOn) + `</a></p>`)
	h.WriteString(`<p><small>` + esc(footer) + ` <a href="` + esc(unsub) + `">` + esc(unsubText) + `</a></small></p>`)
	h.WriteString(`</body></html>`)

	return mail.Message{To: p.Email, Subject: t("briefing.mail.subject", map[string]any{"Title": b.Title}),
		Text: text, HTML: h.String(), Headers: map[string]string{"List-Unsubscribe": "<" + unsub + ">"}}
}

// absoluteMarkdown makes the briefing's own paths ("](/uploads/…)") full
// URLs of the site, for a mail read elsewhere.
func (s *Service) absoluteMarkdown(md string) string {
	return strings.ReplaceAll(md, "](/", "]("+s.BaseURL+"/")
}

// absoluteHTML does the same for the stored HTML, whose attributes the
// renderer always writes in double quotes.
func (s *Service) absoluteHTML(h string) string {
	h = strings.ReplaceAll(h, `src="/`, `src="`+s.BaseURL+`/`)
	return strings.ReplaceAll(h, `href="/`, `href="`+s.BaseURL+`/`)
}

// Recipients returns who got a briefing by mail and who read it on the
// site, by person id (PermView). Returns ENOTFOUND for an unknown
// briefing.
func (s *Service) Recipients(ctx context.Context, briefingID int64, cursor string, limit int) ([]Recipient, string, error) {
	if err := samtal.ActorFrom(ctx).Require(PermView); err != nil {
		return nil, "", err
	}
	limit, err := checkLimit(limit)
	if err != nil {
		return nil, "", err
	}
	var after int64
	if cursor != "" {
		if after, err = strconv.ParseInt(cursor, 10, 64); err != nil || after <= 0 {
			return nil, "", samtal.FieldError("cursor", "error.cursor_invalid")
		}
	}
	if _, err := s.Store.BriefingByID(ctx, briefingID); err != nil {
		return nil, "", err
	}
	list, err := s.Store.Recipients(ctx, briefingID, after, limit+1)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(list) > limit {
		list = list[:limit]
		next = strconv.FormatInt(list[limit-1].PersonID, 10)
	}
	return list, next, nil
}

// mayRead reports whether the caller may open a sent briefing on the site:
// an active advocate, or someone it was mailed to. It returns the caller's
// recipient row too, if they have one.
func (s *Service) mayRead(ctx context.Context, a samtal.Actor, b *Briefing) (bool, *Recipient, error) {
	if a.PersonID == 0 || b.State != Sent {
		return false, nil, nil
	}
	r, err := s.Store.Recipient(ctx, b.ID, a.PersonID)
	if samtal.ErrorCode(err) == samtal.ENOTFOUND {
		r = nil
	} else if err != nil {
		return false, nil, err
	}
	if r != nil && r.MailID != 0 {
		return true, r, nil
	}
	m, err := s.Store.Member(ctx, a.PersonID)
	if samtal.ErrorCode(err) == samtal.ENOTFOUND {
		return false, r, nil
	} else if err != nil {
		return false, nil, err
	}
	return m.State == StateActive, r, nil
}

// Read opens a briefing on the site. An advocate (or anyone it was mailed
// to) gets a sent briefing, and the first time they open it is recorded
// as their read; opening it again writes nothing. Staff who read people
// get every briefing; their opening counts as a read only if they are
// advocates or recipients themselves. Everyone else gets ENOTFOUND, as for
// a briefing that does not exist.
func (s *Service) Read(ctx context.Context, id int64) (*Briefing, error) {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(samtal.PermUseAccount); err != nil {
		return nil, err
	}
	b, err := s.Store.BriefingByID(ctx, id)
	if samtal.ErrorCode(err) == samtal.ENOTFOUND {
		return nil, errNotFound
	} else if err != nil {
		return nil, err
	}
	ok, r, err := s.mayRead(ctx, a, b)
	if err != nil {
		return nil, err
	}
	if !ok {
		if a.Can(PermView) {
			return b, nil
		}
		return nil, errNotFound
	}
	if r == nil || r.ReadAt.IsZero() {
		if _, err := s.Store.RecordRead(ctx, id, a.PersonID, s.now()); err != nil {
			return nil, err
		}
	}
	if !a.Can(PermView) {
		b.Mailed, b.HeldBack, b.Read = 0, 0, 0 // figures are for staff
	}
	return b, nil
}

// MyBriefings returns the sent briefings the caller may read, newest
// first: all of them for an active advocate, those mailed to them for
// anyone else (none for most members).
func (s *Service) MyBriefings(ctx context.Context, cursor string, limit int) ([]Briefing, string, error) {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(samtal.PermUseAccount); err != nil {
		return nil, "", err
	}
	if a.PersonID == 0 {
		return nil, "", nil
	}
	m, err := s.Store.Member(ctx, a.PersonID)
	if err != nil && samtal.ErrorCode(err) != samtal.ENOTFOUND {
		return nil, "", err
	}
	forPerson := a.PersonID
	if m != nil && m.State == StateActive {
		forPerson = 0
	}
	list, next, err := s.briefings(ctx, true, forPerson, cursor, limit)
	for i := range list {
		list[i].Mailed, list[i].HeldBack, list[i].Read = 0, 0, 0 // figures are for staff
	}
	return list, next, err
}

var errUnsubscribe = &samtal.Error{Code: samtal.ENOTFOUND, Message: "error.unsubscribe_invalid"}

func (s *Service) unsubscribeRecipient(ctx context.Context, secret string) (*Recipient, error) {
	if !validSecret(secret) {
		return nil, errUnsubscribe
	}
	r, err := s.Store.RecipientByUnsubscribe(ctx, hashSecret(secret))
	if samtal.ErrorCode(err) == samtal.ENOTFOUND {
		return nil, errUnsubscribe
	}
	return r, err
}

// CheckUnsubscribe reports whether the secret of a briefing mail's
// unsubscribe link is known, changing nothing (the page with the button,
// which mail scanners may open). Returns ENOTFOUND if it is not.
func (s *Service) CheckUnsubscribe(ctx context.Context, secret string) error {
	_, err := s.unsubscribeRecipient(ctx, secret)
	return err
}

// Unsubscribe withdraws the consent to briefings of the person a briefing
// mail went to, through its unsubscribe link: no sign-in, the secret is
// the authorisation. The consent record says it came by that link. They
// stay in the group and can read briefings on the site. Returns ENOTFOUND
// for an unknown secret.
func (s *Service) Unsubscribe(ctx context.Context, secret string) error {
	r, err := s.unsubscribeRecipient(ctx, secret)
	if err != nil {
		return err
	}
	p, err := s.Store.Subject(ctx, r.PersonID)
	if err != nil {
		return err
	}
	if p.AccountID == 0 {
		return errUnsubscribe // the account is gone (erased)
	}
	return s.Consents.WithdrawByLink(ctx, p.AccountID, Purpose)
}
