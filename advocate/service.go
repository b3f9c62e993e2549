package advocate

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"log/slog"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/mail"
	"github.com/samtal-dev/samtal/outbox"
)

// Consents is what the advocate capability asks of consent
// (consent.Service): whether a person agreed to a purpose now, and
// withdrawing it through the unsubscribe link of a mail.
type Consents interface {
	Has(ctx context.Context, personID int64, purpose string) (bool, error)
	WithdrawByLink(ctx context.Context, accountID int64, purpose string) error
}

// Mailer makes outbox mails that the store writes with their records and
// schedules them once stored (outbox.Service).
type Mailer interface {
	NewMail(msg mail.Message, now time.Time) *outbox.Mail
	Stored(ctx context.Context, mails []*outbox.Mail)
}

// Translator writes catalog messages (i18n.Catalog).
type Translator interface {
	T(lang, id string, data map[string]any) string
	N(lang, id string, n int, data map[string]any) string
}

// Service holds the rules of advocates and briefings.
type Service struct {
	Store    Store
	Consents Consents
	// Mailer is required to send briefings; without one, invitations are
	// not mailed (the person finds theirs on /briefings).
	Mailer     Mailer
	Translator Translator
	// BaseURL is where people reach samtal; links in mails start with it.
	BaseURL string
	Log     *slog.Logger
	Now     func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

var (
	errNotFound = &samtal.Error{Code: samtal.ENOTFOUND, Message: "error.not_found"}
)

// Limits of lists.
const (
	DefaultLimit = 30
	MaxLimit     = 100
)

func checkLimit(limit int) (int, error) {
	if limit == 0 {
		return DefaultLimit, nil
	}
	if limit < 1 || limit > MaxLimit {
		return 0, samtal.FieldError("limit", "error.limit_invalid")
	}
	return limit, nil
}

// The score job's pace: persons are scored in batches of ScoreBatch, for
// at most RunBudget per run (the rest waits for the next run), and a
// score untouched for RefreshAfter is computed again, so that what fell
// out of the window or was deleted leaves it.
const (
	ScoreBatch   = 500
	RunBudget    = 30 * time.Second
	RefreshAfter = 7 * 24 * time.Hour
)

// RunScores is the score job: it marks every person with news since the
// last run, then scores marked persons in batches until none is left or
// the run's budget is spent. It acts as the system and checks no actor.
// Returns how many persons it scored.
func (s *Service) RunScores(ctx context.Context) (int, error) {
	now := s.now()
	if _, err := s.Store.MarkScoresDue(ctx, now, now.Add(-RefreshAfter)); err != nil {
		return 0, err
	}
	start := time.Now()
	n := 0
	for {
		ids, err := s.Store.DueScores(ctx, ScoreBatch)
		if err != nil || len(ids) == 0 {
			return n, err
		}
		if _, err := s.score(ctx, ids, now, true); err != nil {
			return n, err
		}
		n += len(ids)
		if time.Since(start) > RunBudget {
			if s.Log != nil {
				s.Log.Info("advocate scores: the run's budget is spent; the rest waits for the next run", "scored", n)
			}
			return n, nil
		}
	}
}

// score computes and stores the scores of ids at now; with due, it also
// unmarks them. Returns the scores it stored.
func (s *Service) score(ctx context.Context, ids []int64, now time.Time, due bool) (map[int64]Score, error) {
	acts, scorable, err := s.Store.Activities(ctx, ids, now.Add(-Window))
	if err != nil {
		return nil, err
	}
	by := map[int64][]Activity{}
	for _, a := range acts {
		by[a.PersonID] = append(by[a.PersonID], a)
	}
	out := map[int64]Score{}
	var keep []Score
	var drop []int64
	for _, id := range ids {
		sc := Compute(id, by[id], now)
		if !scorable[id] || sc.Points <= 0 {
			drop = append(drop, id)
			continue
		}
		keep = append(keep, sc)
		out[id] = sc
	}
	var done []int64
	if due {
		done = ids
	}
	return out, s.Store.SaveScores(ctx, keep, drop, done)
}

// Score returns a person's score as it is now, with its parts; a person
// with nothing scored has a score of zero. Staff only (PermView): members
// never see scores, not even their own. Returns ENOTFOUND for an unknown
// person.
func (s *Service) Score(ctx context.Context, personID int64) (*Score, error) {
	if err := samtal.ActorFrom(ctx).Require(PermView); err != nil {
		return nil, err
	}
	if _, err := s.Store.Subject(ctx, personID); err != nil {
		return nil, err
	}
	sc, err := s.Store.ScoreOf(ctx, personID)
	if samtal.ErrorCode(err) == samtal.ENOTFOUND {
		return &Score{PersonID: personID, ComputedAt: s.now()}, nil
	} else if err != nil {
		return nil, err
	}
	at := sc.At(s.now())
	return &at, nil
}

// Recompute computes one person's score now instead of waiting for the
// job (PermEdit). Returns ENOTFOUND for an unknown person; a bot, merged
// or erased person gets a score of zero and no row.
func (s *Service) Recompute(ctx context.Context, personID int64) (*Score, error) {
	if err := samtal.ActorFrom(ctx).Require(PermEdit); err != nil {
		return nil, err
	}
	if _, err := s.Store.Subject(ctx, personID); err != nil {
		return nil, err
	}
	now := s.now()
	scores, err := s.score(ctx, []int64{personID}, now, false)
	if err != nil {
		return nil, err
	}
	sc, ok := scores[personID]
	if !ok {
		sc = Score{PersonID: personID, ComputedAt: now}
	}
	return &sc, nil
}

// Candidates returns the people who would make good advocates, best first:
// members (no staff) with a score of at least MinCandidateScore who were
// never in the group, each with their score and its parts decayed to now.
// Staff only (PermView). The cursor is the next of an earlier page.
func (s *Service) Candidates(ctx context.Context, cursor string, limit int) ([]Candidate, string, error) {
	if err := samtal.ActorFrom(ctx).Require(PermView); err != nil {
		return nil, "", err
	}
	limit, err := checkLimit(limit)
	if err != nil {
		return nil, "", err
	}
	var after *CandidateCursor
	if cursor != "" {
		c, ok := parseCandidateCursor(cursor)
		if !ok {
			return nil, "", samtal.FieldError("cursor", "error.cursor_invalid")
		}
		after = &c
	}
	now := s.now()
	list, err := s.Store.Candidates(ctx, RankKey(MinCandidateScore, now), after, limit+1)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(list) > limit {
		list = list[:limit]
		last := list[limit-1]
		next = base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatFloat(last.Rank, 'g', -1, 64) + "|" + strconv.FormatInt(last.PersonID, 10)))
	}
	for i := range list {
		list[i].Score = list[i].Score.At(now)
	}
	return list, next, nil
}

func parseCandidateCursor(s string) (CandidateCursor, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return CandidateCursor{}, false
	}
	rank, id, ok := strings.Cut(string(b), "|")
	if !ok {
		return CandidateCursor{}, false
	}
	var c CandidateCursor
	var err1, err2 error
	c.Rank, err1 = strconv.ParseFloat(rank, 64)
	c.PersonID, err2 = strconv.ParseInt(id, 10, 64)
	return c, err1 == nil && err2 == nil && c.PersonID > 0 && !math.IsNaN(c.Rank) && !math.IsInf(c.Rank, 0)
}

// Members returns the people of the group in the given states (none: the
// current ones, invited and active), by person id descending. Staff only
// (PermView). The cursor is the next of an earlier page.
func (s *Service) Members(ctx context.Context, states []string, cursor string, limit int) ([]Member, string, error) {
	if err := samtal.ActorFrom(ctx).Require(PermView); err != nil {
		return nil, "", err
	}
	limit, err := checkLimit(limit)
	if err != nil {
		return nil, "", err
	}
	if len(states) == 0 {
		states = []string{StateActive, StateInvited}
	}
	for _, st := range states {
		if !slices.Contains(States, st) {
			return nil, "", samtal.FieldError("state", "error.advocate_state_invalid")
		}
	}
	var after int64
	if cursor != "" {
		if after, err = strconv.ParseInt(cursor, 10, 64); err != nil || after <= 0 {
			return nil, "", samtal.FieldError("cursor", "error.cursor_invalid")
		}
	}
	list, err := s.Store.Members(ctx, states, after, limit+1)
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

// subjectFor returns a person who can be in the group: ENOTFOUND for an
// unknown person, ECONFLICT for a merged, erased or bot person or one
// without an account (an invitation is answered by signing in).
func (s *Service) subjectFor(ctx context.Context, personID int64) (*Subject, error) {
	p, err := s.Store.Subject(ctx, personID)
	if err != nil {
		return nil, err
	}
	switch {
	case p.MergedInto != 0 || p.Erased:
		return nil, &samtal.Error{Code: samtal.ECONFLICT, Message: "error.advocate_person_gone"}
	case p.Bot:
		return nil, &samtal.Error{Code: samtal.ECONFLICT, Message: "error.advocate_bot"}
	case p.AccountID == 0:
		return nil, &samtal.Error{Code: samtal.ECONFLICT, Message: "error.advocate_no_account"}
	}
	return p, nil
}

// Invite invites a person to the advocate group (PermEdit). The invitation
// is recorded with who and when, audited in the same transaction, and
// mailed to the person in their language: they accept or decline it on the
// site. Returns ENOTFOUND for an unknown person; ECONFLICT for a person who
// is invited or in the group already, who declined or left (their word
// stands), or who cannot be invited (merged, erased, a bot, no account).
func (s *Service) Invite(ctx context.Context, personID int64) (*Member, error) {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(PermEdit); err != nil {
		return nil, err
	}
	p, err := s.subjectFor(ctx, personID)
	if err != nil {
		return nil, err
	}
	prev := ""
	switch m, err := s.Store.Member(ctx, personID); {
	case samtal.ErrorCode(err) == samtal.ENOTFOUND:
	case err != nil:
		return nil, err
	case m.Current():
		return nil, &samtal.Error{Code: samtal.ECONFLICT, Message: "error.advocate_already"}
	case m.State == StateDeclined || m.State == StateLeft:
		return nil, &samtal.Error{Code: samtal.ECONFLICT, Message: "error.advocate_said_no"}
	default:
		prev = m.State
	}
	now := s.now()
	m := &Member{PersonID: personID, Name: p.Name, Locale: p.Locale, State: StateInvited, InvitedAt: now, InvitedBy: a.PersonID}
	lang := langOf(p.Locale)
	t := func(id string, data map[string]any) string { return s.Translator.T(lang, id, data) }
	msg := mail.Message{To: p.Email, Subject: t("mail.advocate_invite.subject", nil),
		Text: t("mail.advocate_invite.body", map[string]any{"Name": p.Name, "Link": s.BaseURL + "/briefings"})}
	var invitation *outbox.Mail
	if s.Mailer != nil && p.Email != "" {
		invitation = s.Mailer.NewMail(msg, now)
	}
	e := audit.New(ctx, "advocate.invite", "person", personID, memberAudit(prev, nil), map[string]any{"state": StateInvited})
	if err := s.Store.Invite(ctx, m, prev, invitation, e); err != nil {
		return nil, err
	}
	if invitation != nil {
		s.Mailer.Stored(ctx, []*outbox.Mail{invitation})
	}
	return m, nil
}

func memberAudit(state string, m *Member) map[string]any {
	if m != nil {
		state = m.State
	}
	if state == "" {
		return nil
	}
	return map[string]any{"state": state}
}

// Remove takes a person out of the group, or takes back their invitation
// (PermEdit); audited. Returns ENOTFOUND for a person who is neither
// invited nor in the group.
func (s *Service) Remove(ctx context.Context, personID int64) (*Member, error) {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(PermEdit); err != nil {
		return nil, err
	}
	m, err := s.Store.Member(ctx, personID)
	if err != nil {
		return nil, err
	}
	if !m.Current() {
		return nil, errNotFound
	}
	from := m.State
	m.State, m.RemovedAt, m.RemovedBy = StateRemoved, s.now(), a.PersonID
	e := audit.New(ctx, "advocate.remove", "person", personID, memberAudit(from, nil), memberAudit("", m))
	if err := s.Store.SetState(ctx, m, from, e); err != nil {
		return nil, err
	}
	return m, nil
}

// Mine returns the caller's own place in the group, or nil if they never
// had one. Any signed-in account may ask.
func (s *Service) Mine(ctx context.Context) (*Member, error) {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(samtal.PermUseAccount); err != nil {
		return nil, err
	}
	if a.PersonID == 0 {
		return nil, nil
	}
	m, err := s.Store.Member(ctx, a.PersonID)
	if samtal.ErrorCode(err) == samtal.ENOTFOUND {
		return nil, nil
	}
	return m, err
}

// The answers a person gives about their own place in the group.
const (
	AnswerAccept  = "accept"
	AnswerDecline = "decline"
	AnswerLeave   = "leave"
)

// Answer is the caller's own answer: accept or decline an invitation, or
// leave the group. Audited (a member's word about themself, kept like a
// staff action). Returns ENOTFOUND when there is nothing to answer (no
// invitation to accept or decline; not in the group to leave) and
// EINVALID for an unknown answer.
func (s *Service) Answer(ctx context.Context, answer string) (*Member, error) {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(samtal.PermUseAccount); err != nil {
		return nil, err
	}
	var from, to string
	switch answer {
	case AnswerAccept:
		from, to = StateInvited, StateActive
	case AnswerDecline:
		from, to = StateInvited, StateDeclined
	case AnswerLeave:
		from, to = StateActive, StateLeft
	default:
		return nil, samtal.FieldError("answer", "error.advocate_answer_invalid")
	}
	if a.PersonID == 0 {
		return nil, errNotFound
	}
	m, err := s.Store.Member(ctx, a.PersonID)
	if err != nil {
		return nil, err
	}
	if m.State != from {
		return nil, errNotFound
	}
	if to == StateActive {
		// A person who became a bot or went away since the invitation
		// cannot join.
		if _, err := s.subjectFor(ctx, a.PersonID); err != nil {
			return nil, err
		}
	}
	now := s.now()
	m.State = to
	switch to {
	case StateActive:
		m.AnsweredAt, m.JoinedAt = now, now
	case StateDeclined:
		m.AnsweredAt = now
	case StateLeft:
		m.RemovedAt, m.RemovedBy = now, a.PersonID
	}
	e := audit.New(ctx, "advocate."+answer, "person", a.PersonID, memberAudit(from, nil), memberAudit("", m))
	if err := s.Store.SetState(ctx, m, from, e); err != nil {
		return nil, err
	}
	return m, nil
}

func langOf(locale string) string {
	if locale == "" {
		return "en"
	}
	return locale
}

// newSecret returns 256 random bits, URL-safe (43 characters), and the hex
// SHA-256 that is stored in its place.
func newSecret() (secret, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	secret = base64.RawURLEncoding.EncodeToString(b)
	return secret, hashSecret(secret)
}

func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// validSecret keeps junk out of the lookups.
func validSecret(t string) bool {
	return len(t) == 43 && strings.Trim(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == ""
}
