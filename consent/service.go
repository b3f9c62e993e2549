package consent

import (
	"context"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
)

// Service holds the rules of consent: who may read and record what, which
// text a record points at, and whether a person consents now.
type Service struct {
	Store Store
	Now   func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

var (
	errNotFound   = &samtal.Error{Code: samtal.ENOTFOUND, Message: "error.not_found"}
	errSignIn     = &samtal.Error{Code: samtal.EUNAUTHORIZED, Message: "error.signin_required"}
	errForbidden  = &samtal.Error{Code: samtal.EFORBIDDEN, Message: "error.forbidden"}
	errPersonGone = &samtal.Error{Code: samtal.ECONFLICT, Message: "error.consent_person_gone"}
)

// self reports whether the actor is the person personID.
func self(a samtal.Actor, personID int64) bool {
	return a.PersonID != 0 && a.PersonID == personID && a.Can(samtal.PermUseAccount)
}

// mayRead is the rule for reading a person's consent: the person themself
// and staff who read people. Anyone else learns nothing, not even that the
// person exists.
func mayRead(a samtal.Actor, personID int64) error {
	if !a.SignedIn() {
		return errSignIn
	}
	if self(a, personID) || a.Can(samtal.PermViewPeople) {
		return nil
	}
	return errNotFound
}

// History returns a page of a person's records, newest first, each with
// the text the person saw. The cursor is the next of an earlier page ("":
// from the newest). Returns EUNAUTHORIZED for a visitor, ENOTFOUND for a
// person the caller may not read (or who does not exist), and EINVALID for
// a bad cursor or limit.
func (s *Service) History(ctx context.Context, personID int64, cursor string, limit int) (list []Record, next string, err error) {
	if err := mayRead(samtal.ActorFrom(ctx), personID); err != nil {
		return nil, "", err
	}
	if limit == 0 {
		limit = DefaultLimit
	}
	if limit < 1 || limit > MaxLimit {
		return nil, "", samtal.FieldError("limit", "error.limit_invalid")
	}
	var before *Cursor
	if cursor != "" {
		c, ok := parseCursor(cursor)
		if !ok {
			return nil, "", samtal.FieldError("cursor", "error.cursor_invalid")
		}
		before = &c
	}
	if _, err := s.Store.Subject(ctx, personID); err != nil {
		return nil, "", err
	}
	list, err = s.Store.Records(ctx, personID, before, limit+1)
	if err != nil {
		return nil, "", err
	}
	if len(list) > limit {
		list = list[:limit]
		last := list[limit-1]
		next = formatCursor(Cursor{At: last.CreatedAt.UnixMilli(), ID: last.ID})
	}
	return list, next, nil
}

func formatCursor(c Cursor) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.At, 10) + "|" + strconv.FormatInt(c.ID, 10)))
}

func parseCursor(s string) (Cursor, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, false
	}
	at, id, ok := strings.Cut(string(b), "|")
	if !ok {
		return Cursor{}, false
	}
	c := Cursor{}
	var err1, err2 error
	c.At, err1 = strconv.ParseInt(at, 10, 64)
	c.ID, err2 = strconv.ParseInt(id, 10, 64)
	return c, err1 == nil && err2 == nil && c.ID > 0
}

// Current returns a person's consent for every purpose, in the order of
// Purposes. Same rules and errors as History.
func (s *Service) Current(ctx context.Context, personID int64) ([]Status, error) {
	if err := mayRead(samtal.ActorFrom(ctx), personID); err != nil {
		return nil, err
	}
	if _, err := s.Store.Subject(ctx, personID); err != nil {
		return nil, err
	}
	recs, err := s.Store.Current(ctx, personID)
	if err != nil {
		return nil, err
	}
	return statuses(recs), nil
}

func statuses(recs []Record) []Status {
	out := make([]Status, len(Purposes))
	for i, p := range Purposes {
		out[i].Purpose = p
		for k := range recs {
			if recs[k].Purpose == p {
				out[i].Record = &recs[k]
				out[i].Given = recs[k].Given
			}
		}
	}
	return out
}

// Has reports whether a person consents to purpose now: their newest record
// for it gives consent. No record is no consent. It is what every sender
// asks before something goes out for a purpose, so it checks no actor: a
// job asks it for whoever it is about to write to. Returns EINVALID for an
// unknown purpose.
func (s *Service) Has(ctx context.Context, personID int64, purpose string) (bool, error) {
	if !ValidPurpose(purpose) {
		return false, samtal.FieldError("purpose", "error.consent_purpose_invalid")
	}
	return s.Store.Has(ctx, personID, purpose)
}

// consentingChunk bounds the ids of one Consenting query.
const consentingChunk = 500

// Consenting is Has for many persons at once (a fan-out): it returns the
// set of personIDs who consent to purpose now.
func (s *Service) Consenting(ctx context.Context, purpose string, personIDs []int64) (map[int64]bool, error) {
	if !ValidPurpose(purpose) {
		return nil, samtal.FieldError("purpose", "error.consent_purpose_invalid")
	}
	out := make(map[int64]bool, len(personIDs))
	for start := 0; start < len(personIDs); start += consentingChunk {
		ids, err := s.Store.Consenting(ctx, purpose, personIDs[start:min(start+consentingChunk, len(personIDs))])
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			out[id] = true
		}
	}
	return out, nil
}

// Input is a consent to record.
type Input struct {
	Purpose string
	Given   bool
	// Text is the exact text the person saw, as the API takes it; TextID
	// names a text version instead (a page shows one and posts its id).
	// At most one of the two.
	Text   string
	TextID int64
	// Lang is the language of Text, or the language in which the person
	// reads the current text when neither Text nor TextID is given.
	Lang    string
	Channel string
	// IdentityID is the identity the consent came through, if known. For
	// the person themself it defaults to the identity they signed in with.
	IdentityID int64
}

// Record appends a consent given or withdrawn for a person, with its audit
// entry in the same transaction.
//
// The person themself records their own (channel settings or api); when
// they give no text, the record points at the current text in their
// language, and a text they give must be one samtal published (they cannot
// make up what they agreed to). Staff with PermEditPeople record consent
// gathered elsewhere (channel api, import, email, phone, paper or event);
// giving consent then needs the exact text the person saw, which is stored
// as a version (once per body) and pointed at.
//
// Returns EUNAUTHORIZED for a visitor; ENOTFOUND for a person a member may
// not know; EFORBIDDEN for staff who may only read people; EINVALID naming
// the field (purpose, channel, text, text_id, lang, identity_id); ECONFLICT
// for a person merged into another or erased.
func (s *Service) Record(ctx context.Context, personID int64, in Input) (*Record, error) {
	a := samtal.ActorFrom(ctx)
	if !a.SignedIn() {
		return nil, errSignIn
	}
	own := self(a, personID)
	if !own && !a.Can(samtal.PermEditPeople) {
		if a.Can(samtal.PermViewPeople) {
			return nil, errForbidden
		}
		return nil, errNotFound
	}
	r, err := s.prepare(ctx, a, own, personID, in)
	if err != nil {
		return nil, err
	}
	return r, s.add(ctx, r)
}

// prepare checks an input and returns the record it makes, its text
// resolved (and stored, if it is new); nothing else is written.
func (s *Service) prepare(ctx context.Context, a samtal.Actor, own bool, personID int64, in Input) (*Record, error) {
	if !ValidPurpose(in.Purpose) {
		return nil, samtal.FieldError("purpose", "error.consent_purpose_invalid")
	}
	if in.Channel == "" {
		in.Channel = ChannelAPI
	}
	if own {
		if in.Channel != ChannelSettings && in.Channel != ChannelAPI {
			return nil, samtal.FieldError("channel", "error.consent_channel_invalid")
		}
	} else if !slices.Contains(OutsideChannels, in.Channel) {
		return nil, samtal.FieldError("channel", "error.consent_channel_invalid")
	}
	if in.Text != "" && in.TextID != 0 {
		return nil, samtal.FieldError("text", "error.consent_text_or_id")
	}
	if utf8.RuneCountInString(in.Text) > MaxTextLen {
		return nil, samtal.FieldError("text", "error.too_long")
	}
	in.Text = strings.ReplaceAll(in.Text, "\r\n", "\n")
	if in.Text != "" && strings.TrimSpace(in.Text) == "" {
		return nil, samtal.FieldError("text", "error.consent_text_required")
	}
	lang := strings.ToLower(strings.TrimSpace(in.Lang))
	if lang != "" && !validLang(lang) {
		return nil, samtal.FieldError("lang", "error.consent_lang_invalid")
	}
	if in.IdentityID < 0 {
		return nil, samtal.FieldError("identity_id", "error.consent_identity_invalid")
	}
	if in.IdentityID == 0 && own {
		in.IdentityID = a.IdentityID
	} else if in.IdentityID != 0 {
		owner, err := s.Store.IdentityOwner(ctx, in.IdentityID)
		if samtal.ErrorCode(err) == samtal.ENOTFOUND || (err == nil && owner != personID) {
			return nil, samtal.FieldError("identity_id", "error.consent_identity_invalid")
		} else if err != nil {
			return nil, err
		}
	}
	subj, err := s.Store.Subject(ctx, personID)
	if err != nil {
		return nil, err
	}
	if subj.MergedInto != 0 || subj.Erased {
		return nil, errPersonGone
	}
	if lang == "" {
		lang = subj.Locale
	}
	r := &Record{PersonID: personID, Purpose: in.Purpose, Given: in.Given, Channel: in.Channel,
		IdentityID: in.IdentityID, ActorPersonID: a.PersonID, CreatedAt: s.now()}
	switch {
	case in.TextID != 0:
		t, err := s.Store.TextByID(ctx, in.TextID)
		if samtal.ErrorCode(err) == samtal.ENOTFOUND || (err == nil && (t.Purpose != in.Purpose || (own && !t.Published()))) {
			return nil, samtal.FieldError("text_id", "error.consent_text_unknown")
		} else if err != nil {
			return nil, err
		}
		r.Text = t
	case in.Text != "" && own:
		// A member states which of our texts they saw; they cannot store
		// one of their own as proof.
		t, err := s.publishedWithBody(ctx, in.Purpose, lang, in.Text)
		if err != nil {
			return nil, err
		}
		r.Text = t
	case in.Text != "":
		t := &Text{Purpose: in.Purpose, Lang: lang, Body: in.Text, SHA256: Hash(in.Text), CreatedBy: a.PersonID, CreatedAt: s.now()}
		if err := s.Store.EnsureText(ctx, t); err != nil {
			return nil, err
		}
		r.Text = t
	case in.Given && own:
		t, err := s.Shown(ctx, in.Purpose, lang)
		if err != nil {
			return nil, err
		}
		if t == nil {
			return nil, samtal.FieldError("text", "error.consent_text_required")
		}
		r.Text = t
	case in.Given:
		// Staff prove what the person agreed to: the text is required.
		return nil, samtal.FieldError("text", "error.consent_text_required")
	}
	if r.Text != nil {
		r.TextID = r.Text.ID
	}
	return r, nil
}

// publishedWithBody finds the published text of purpose with this body, in
// lang or any language; EINVALID on the field text if there is none.
func (s *Service) publishedWithBody(ctx context.Context, purpose, lang, body string) (*Text, error) {
	texts, err := s.Store.Texts(ctx)
	if err != nil {
		return nil, err
	}
	h := Hash(body)
	var found *Text
	for k := range texts {
		t := &texts[k]
		if t.Purpose == purpose && t.SHA256 == h && t.Published() && (found == nil || t.Lang == lang) {
			found = t
		}
	}
	if found == nil {
		return nil, samtal.FieldError("text", "error.consent_text_unknown")
	}
	return found, nil
}

// add stores a prepared record with its audit entry.
func (s *Service) add(ctx context.Context, r *Record) error {
	action := "consent.withdraw"
	if r.Given {
		action = "consent.give"
	}
	e := audit.New(ctx, action, "person", r.PersonID, nil, recordAudit(r))
	return s.Store.AddRecord(ctx, r, e)
}

// recordAudit is what the audit log keeps of a record: what, how and which
// text version, without the text itself (that is in consent_texts).
func recordAudit(r *Record) map[string]any {
	m := map[string]any{"purpose": r.Purpose, "given": r.Given, "channel": r.Channel}
	if r.Text != nil {
		m["text_id"], m["text_version"] = r.Text.ID, r.Text.Version
	}
	if r.IdentityID != 0 {
		m["identity_id"] = r.IdentityID
	}
	return m
}

// Apply records the person's own choices that differ from their current
// consent, as the settings page posts them (one checkbox per purpose, each
// with the text version it showed). Returns how many records it added, and
// the errors of Record.
func (s *Service) Apply(ctx context.Context, personID int64, choices []Input) (int, error) {
	a := samtal.ActorFrom(ctx)
	if !self(a, personID) {
		if !a.SignedIn() {
			return 0, errSignIn
		}
		return 0, errNotFound
	}
	cur, err := s.Current(ctx, personID)
	if err != nil {
		return 0, err
	}
	given := map[string]bool{}
	for _, st := range cur {
		given[st.Purpose] = st.Given
	}
	// Check every choice before writing any, so that a bad one changes
	// nothing.
	var recs []*Record
	for _, in := range choices {
		if ValidPurpose(in.Purpose) && given[in.Purpose] == in.Given {
			continue
		}
		r, err := s.prepare(ctx, a, true, personID, in)
		if err != nil {
			return 0, err
		}
		recs = append(recs, r)
	}
	for _, r := range recs {
		if err := s.add(ctx, r); err != nil {
			return 0, err
		}
	}
	return len(recs), nil
}

// MailChoice keeps the mail setting and the idea_emails consent of the
// actor together: choosing mail (immediate or daily) gives consent with the
// text the settings page showed (textID; 0: the current one in lang), and
// choosing no mail withdraws it. Nothing is recorded when the consent is as
// chosen already.
func (s *Service) MailChoice(ctx context.Context, mail bool, textID int64, lang string) error {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(samtal.PermUseAccount); err != nil {
		return err
	}
	if a.PersonID == 0 {
		return nil // the command line has no mail
	}
	_, err := s.Apply(ctx, a.PersonID, []Input{{Purpose: IdeaEmails, Given: mail, TextID: textID, Lang: lang, Channel: ChannelSettings}})
	return err
}

// WithdrawByLink withdraws the consent to purpose of an account's person
// through a link in a mail (the unsubscribe link), which needs no sign-in:
// the link's secret is the authorisation, checked by the caller. Nothing is
// recorded when the person does not consent now.
func (s *Service) WithdrawByLink(ctx context.Context, accountID int64, purpose string) error {
	personID, identityID, err := s.Store.AccountPerson(ctx, accountID)
	if err != nil {
		return err
	}
	has, err := s.Has(ctx, personID, purpose)
	if err != nil || !has {
		return err
	}
	r := &Record{PersonID: personID, Purpose: purpose, Channel: ChannelEmailLink, IdentityID: identityID,
		ActorPersonID: personID, CreatedAt: s.now()}
	e := audit.New(ctx, "consent.withdraw", "person", personID, nil, recordAudit(r))
	e.ActorID, e.Via = accountID, ChannelEmailLink
	return s.Store.AddRecord(ctx, r, e)
}

// Shown returns the text samtal shows for purpose to someone reading lang:
// the last one published in lang, else in English, else nil.
func (s *Service) Shown(ctx context.Context, purpose, lang string) (*Text, error) {
	for _, l := range []string{lang, "en"} {
		if l == "" {
			continue
		}
		t, err := s.Store.CurrentText(ctx, purpose, l)
		if err == nil {
			return t, nil
		}
		if samtal.ErrorCode(err) != samtal.ENOTFOUND {
			return nil, err
		}
	}
	return nil, nil
}

// Texts returns every text version, newest first, for the admins' page.
// Returns EFORBIDDEN (EUNAUTHORIZED for a visitor) unless the actor may
// publish texts.
func (s *Service) Texts(ctx context.Context) ([]Text, error) {
	if err := samtal.ActorFrom(ctx).Require(samtal.PermPublishConsentTexts); err != nil {
		return nil, err
	}
	return s.Store.Texts(ctx)
}

// Publish makes body the text samtal shows for purpose in lang from now on,
// as a new version (or an earlier version with the same body, published
// again). Records keep pointing at the versions people saw. Returns
// EFORBIDDEN unless the actor may publish texts, EINVALID naming the field
// (purpose, lang, body), and ECONFLICT when body is the current text
// already.
func (s *Service) Publish(ctx context.Context, purpose, lang, body string) (*Text, error) {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(samtal.PermPublishConsentTexts); err != nil {
		return nil, err
	}
	if !ValidPurpose(purpose) {
		return nil, samtal.FieldError("purpose", "error.consent_purpose_invalid")
	}
	lang = strings.ToLower(strings.TrimSpace(lang))
	if !validLang(lang) {
		return nil, samtal.FieldError("lang", "error.consent_lang_invalid")
	}
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	if body == "" {
		return nil, samtal.FieldError("body", "error.consent_text_required")
	}
	if utf8.RuneCountInString(body) > MaxTextLen {
		return nil, samtal.FieldError("body", "error.too_long")
	}
	cur, err := s.Store.CurrentText(ctx, purpose, lang)
	if err != nil && samtal.ErrorCode(err) != samtal.ENOTFOUND {
		return nil, err
	}
	h := Hash(body)
	if cur != nil && cur.SHA256 == h {
		return nil, &samtal.Error{Code: samtal.ECONFLICT, Message: "error.consent_text_current", Field: "body"}
	}
	now := s.now()
	t := &Text{Purpose: purpose, Lang: lang, Body: body, SHA256: h, CreatedBy: a.PersonID, CreatedAt: now}
	if err := s.Store.EnsureText(ctx, t); err != nil {
		return nil, err
	}
	e := audit.New(ctx, "consent.text_publish", "consent_text", t.ID, nil,
		map[string]any{"purpose": purpose, "lang": lang, "version": t.Version, "sha256": h})
	if err := s.Store.PublishText(ctx, t.ID, now, e); err != nil {
		return nil, err
	}
	t.PublishedAt = time.UnixMilli(now.UnixMilli()).UTC()
	return t, nil
}

// PublishDefaults publishes, for every purpose and language that has no
// published text yet, the text samtal ships (text gives it; "" for none),
// so that a new community can ask for consent from its first day. Admins
// publish their own wording as new versions; records keep pointing at the
// version their person saw. It runs at start, as the system; several nodes
// starting at once store each text once (by its hash). Returns how many
// texts it published.
func (s *Service) PublishDefaults(ctx context.Context, langs []string, text func(lang, purpose string) string) (int, error) {
	n := 0
	for _, p := range Purposes {
		for _, lang := range langs {
			if _, err := s.Store.CurrentText(ctx, p, lang); err == nil {
				continue
			} else if samtal.ErrorCode(err) != samtal.ENOTFOUND {
				return n, err
			}
			body := strings.TrimSpace(text(lang, p))
			if body == "" {
				continue
			}
			now := s.now()
			t := &Text{Purpose: p, Lang: lang, Body: body, SHA256: Hash(body), CreatedAt: now}
			if err := s.Store.EnsureText(ctx, t); err != nil {
				return n, err
			}
			e := audit.New(ctx, "consent.text_publish", "consent_text", t.ID, nil,
				map[string]any{"purpose": p, "lang": lang, "version": t.Version, "sha256": t.SHA256, "default": true})
			if e.Via == "" {
				e.Via = "system"
			}
			if err := s.Store.PublishText(ctx, t.ID, now, e); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// CheckOffers checks the text versions a visitor ticked on the sign-up form:
// published texts, one per purpose. Returns EINVALID on the field consent.
func (s *Service) CheckOffers(ctx context.Context, textIDs []int64) error {
	_, err := s.offers(ctx, 0, textIDs)
	return err
}

func (s *Service) offers(ctx context.Context, accountID int64, textIDs []int64) ([]Offer, error) {
	var out []Offer
	seen := map[string]bool{}
	for _, id := range textIDs {
		t, err := s.Store.TextByID(ctx, id)
		if samtal.ErrorCode(err) == samtal.ENOTFOUND || (err == nil && (!t.Published() || seen[t.Purpose])) {
			return nil, samtal.FieldError("consent", "error.consent_text_unknown")
		} else if err != nil {
			return nil, err
		}
		seen[t.Purpose] = true
		out = append(out, Offer{AccountID: accountID, Purpose: t.Purpose, TextID: t.ID, CreatedAt: s.now()})
	}
	return out, nil
}

// Offer keeps what a visitor ticked on the sign-up form for the account the
// sign-up made (or took over: its earlier offers go). It becomes consent
// only when the email is confirmed (Confirm), because whoever confirms the
// email owns the account, and with it what was agreed in its name.
func (s *Service) Offer(ctx context.Context, accountID int64, textIDs []int64) error {
	offers, err := s.offers(ctx, accountID, textIDs)
	if err != nil {
		return err
	}
	return s.Store.SetOffers(ctx, accountID, offers)
}

// Confirm records an account's sign-up offers as consent given (channel
// signup), once its email is confirmed. The audit entry names the account
// as the actor.
func (s *Service) Confirm(ctx context.Context, accountID int64) error {
	e := audit.New(ctx, "consent.give", "account", accountID, nil, nil)
	e.ActorID = accountID
	if e.Via == "" {
		e.Via = ChannelSignup
	}
	_, err := s.Store.ConfirmOffers(ctx, accountID, s.now(), e)
	return err
}

func validLang(l string) bool {
	if len(l) != 2 {
		return false
	}
	for _, r := range l {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}
