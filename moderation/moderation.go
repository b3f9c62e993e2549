// Package moderation is about keeping the co-creation hub a good place to
// talk: members report ideas and comments, moderators work through a queue
// of reported and held items and hide them with a reason the author reads
// or approve them, and authors edit what was hidden and ask for another
// look. The state itself (visible, held, hidden) lives on the idea or
// comment; who may see what follows from it in the idea package.
package moderation

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/idea"
)

// The kinds of target.
const (
	KindIdea    = "idea"
	KindComment = "comment"
)

// Target names an idea or a comment: "idea-12", "comment-7".
type Target struct {
	Kind string
	ID   int64
}

// String writes the target as the API names it.
func (t Target) String() string { return t.Kind + "-" + strconv.FormatInt(t.ID, 10) }

// ParseTarget reads "idea-12" or "comment-7". Returns EINVALID (field
// target) for anything else.
func ParseTarget(s string) (Target, error) {
	kind, num, ok := strings.Cut(s, "-")
	id, err := strconv.ParseInt(num, 10, 64)
	if !ok || err != nil || id <= 0 || (kind != KindIdea && kind != KindComment) {
		return Target{}, samtal.FieldError("target", "error.target_invalid")
	}
	return Target{Kind: kind, ID: id}, nil
}

// The reasons a member may give for a report.
var Reasons = []string{"spam", "offensive", "off_topic", "personal_data", "other"}

// validReason reports whether r is one of Reasons.
func validReason(r string) bool {
	for _, x := range Reasons {
		if r == x {
			return true
		}
	}
	return false
}

// HideTemplates are the catalog keys of the reasons a moderator's form
// offers as a start: respectful and specific, to be completed.
var HideTemplates = []string{
	"moderation.template.personal_data",
	"moderation.template.offensive",
	"moderation.template.off_topic",
	"moderation.template.spam",
}

// Limits of texts.
const (
	MaxReportText = 1000
	MaxReason     = 2000
)

// limitReportsPerPerson keeps one account from flooding the queue.
var limitReportsPerPerson = struct {
	n      int
	window time.Duration
}{20, time.Hour}

// Report is one member's report of an idea or a comment.
type Report struct {
	ID               int64
	Target           Target
	IdeaID           int64
	ReporterPersonID int64
	Reason           string
	Text             string
	Status           string // open, closed
	CreatedAt        time.Time
}

// Change is one change of a target's moderation state.
type Change struct {
	Target Target
	State  string // idea.ModVisible, idea.ModHeld or idea.ModHidden
	Reason string
	At     time.Time
	// Resolution, if set, closes the target's open reports with it
	// ("hidden", "approved").
	Resolution    string
	ActorPersonID int64
	Audit         *audit.Entry
}

// ReasonCount is how many open reports of an item give a reason.
type ReasonCount struct {
	Reason string
	Count  int
}

// Item is one entry of the moderator's queue: a target with open reports
// (grouped), or one that is held, or both.
type Item struct {
	Target           Target
	IdeaID           int64
	IdeaTitle        string
	Body             string // the first 500 characters
	AuthorPersonID   int64
	AuthorName       string
	Moderation       string
	ModerationReason string
	// Since is when the oldest open report came in or the item was held.
	Since   time.Time
	Reports int
	Reasons []ReasonCount
	Texts   []string // the reporters' own words, oldest first
}

// Store keeps reports and the moderation state.
type Store interface {
	// AddReport stores r and sets its ID; ECONFLICT if the reporter has an
	// open report of the target already.
	AddReport(ctx context.Context, r *Report) error
	// SetModeration changes the state of the target, keeps its idea's
	// comment count exact, closes its open reports if ch.Resolution is set
	// and appends ch.Audit if it is set, in one transaction. Returns
	// ENOTFOUND for a missing or deleted target and ECONFLICT (nothing to
	// review) when making a visible target without open reports visible.
	SetModeration(ctx context.Context, ch Change) error
	// Queue returns a page of targets with open reports or held, the
	// oldest first.
	Queue(ctx context.Context, limit, offset int) ([]Item, error)
}

// Service holds the rules of reports and the queue.
type Service struct {
	Store   Store
	Ideas   *idea.Service
	Limiter idea.Limiter
	Now     func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

var errNotFound = &samtal.Error{Code: samtal.ENOTFOUND, Message: "error.not_found"}

// state is what the service needs to know of a target, as the actor sees it.
type state struct {
	ideaID     int64
	author     int64
	moderation string
	reason     string
	deleted    bool
}

// lookup finds a target as the actor may see it (ENOTFOUND otherwise).
func (s *Service) lookup(ctx context.Context, t Target) (*state, error) {
	if t.Kind == KindIdea {
		i, err := s.Ideas.Get(ctx, t.ID)
		if err != nil {
			return nil, err
		}
		return &state{ideaID: i.ID, author: i.AuthorPersonID, moderation: i.Moderation, reason: i.ModerationReason, deleted: i.Deleted}, nil
	}
	c, err := s.Ideas.Comment(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	return &state{ideaID: c.IdeaID, author: c.AuthorPersonID, moderation: c.Moderation, reason: c.ModerationReason, deleted: c.Deleted}, nil
}

// cleanText trims s and checks its length; control characters other than
// newlines and tabs are refused.
func cleanText(s, field string, maxLen int, required bool) (string, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	switch {
	case required && s == "":
		return "", samtal.FieldError(field, "error.required")
	case !utf8.ValidString(s):
		return "", samtal.FieldError(field, "error.text_invalid")
	case utf8.RuneCountInString(s) > maxLen:
		return "", samtal.FieldError(field, "error.too_long")
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' {
			return "", samtal.FieldError(field, "error.text_invalid")
		}
	}
	return s, nil
}

// Report records the actor's report of a visible idea or comment. Returns
// EUNAUTHORIZED for visitors, EINVALID for a malformed target, an unknown
// reason or a text too long, ENOTFOUND for a target the actor cannot see
// (or that is deleted, held or hidden), ECONFLICT for a second open report
// of the same target, and ERATELIMITED past the limit.
func (s *Service) Report(ctx context.Context, target, reason, text string) (*Report, error) {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(samtal.PermContribute); err != nil {
		return nil, err
	}
	if a.PersonID == 0 {
		return nil, &samtal.Error{Code: samtal.EFORBIDDEN, Message: "error.forbidden"}
	}
	t, err := ParseTarget(target)
	if err != nil {
		return nil, err
	}
	if !validReason(reason) {
		return nil, samtal.FieldError("reason", "error.report_reason_invalid")
	}
	if text, err = cleanText(text, "text", MaxReportText, false); err != nil {
		return nil, err
	}
	st, err := s.lookup(ctx, t)
	if err != nil {
		return nil, err
	}
	if st.deleted || st.moderation != idea.ModVisible {
		return nil, errNotFound
	}
	ok, wait, err := s.Limiter.Allow(ctx, "report:person:"+strconv.FormatInt(a.PersonID, 10), limitReportsPerPerson.n, limitReportsPerPerson.window)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &samtal.Error{Code: samtal.ERATELIMITED, Message: "error.report_rate_limited", RetryAfter: int(wait.Seconds()) + 1}
	}
	r := &Report{Target: t, IdeaID: st.ideaID, ReporterPersonID: a.PersonID, Reason: reason, Text: text, Status: "open", CreatedAt: s.now()}
	if err := s.Store.AddReport(ctx, r); err != nil {
		return nil, err
	}
	return r, nil
}

// Queue returns a page of the moderator's queue, the oldest first. Returns
// EFORBIDDEN unless the actor may moderate, EINVALID for a bad page.
func (s *Service) Queue(ctx context.Context, limit, offset int) ([]Item, error) {
	if err := samtal.ActorFrom(ctx).Require(samtal.PermModerate); err != nil {
		return nil, err
	}
	if limit < 1 || limit > 101 {
		return nil, samtal.FieldError("limit", "error.limit_invalid")
	}
	if offset < 0 || offset > 100000 {
		return nil, samtal.FieldError("cursor", "error.cursor_invalid")
	}
	return s.Store.Queue(ctx, limit, offset)
}

// Hide hides a target with a reason its author reads, closes its open
// reports and audits it, in one transaction, and then publishes the event.
// Returns EFORBIDDEN unless the actor may moderate, EINVALID (field target
// or reason) for a malformed target or a missing reason, and ENOTFOUND for
// a target that does not exist or is deleted.
func (s *Service) Hide(ctx context.Context, target, reason string) error {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(samtal.PermModerate); err != nil {
		return err
	}
	t, err := ParseTarget(target)
	if err != nil {
		return err
	}
	if reason, err = cleanText(reason, "reason", MaxReason, true); err != nil {
		return err
	}
	return s.change(ctx, t, idea.ModHidden, reason, "hidden", "moderation.hide")
}

// Approve makes a held or hidden target visible, or dismisses the open
// reports of a visible one, audited, and then publishes the event; note is
// optional. Returns EFORBIDDEN unless the actor may moderate, EINVALID for
// a malformed target, ENOTFOUND for a missing or deleted target, and
// ECONFLICT when there is nothing to review.
func (s *Service) Approve(ctx context.Context, target, note string) error {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(samtal.PermModerate); err != nil {
		return err
	}
	t, err := ParseTarget(target)
	if err != nil {
		return err
	}
	if note, err = cleanText(note, "reason", MaxReason, false); err != nil {
		return err
	}
	return s.change(ctx, t, idea.ModVisible, note, "approved", "moderation.approve")
}

// change is a moderator's hide or approve.
func (s *Service) change(ctx context.Context, t Target, to, reason, resolution, action string) error {
	a := samtal.ActorFrom(ctx)
	st, err := s.lookup(ctx, t)
	if err != nil {
		return err
	}
	if st.deleted {
		return errNotFound
	}
	stored := reason
	if to == idea.ModVisible {
		// A visible item has no reason to show; the note goes to the
		// audit log and the event.
		stored = ""
	}
	e := audit.New(ctx, action, t.Kind, t.ID,
		map[string]any{"moderation": st.moderation, "reason": st.reason},
		map[string]any{"moderation": to, "reason": reason})
	now := s.now()
	if err := s.Store.SetModeration(ctx, Change{Target: t, State: to, Reason: stored, At: now, Resolution: resolution, ActorPersonID: a.PersonID, Audit: &e}); err != nil {
		return err
	}
	ev := idea.Event{IdeaID: st.ideaID, ActorPersonID: a.PersonID, Note: reason, At: now}
	switch {
	case t.Kind == KindIdea && to == idea.ModHidden:
		ev.Kind = idea.EventIdeaHidden
	case t.Kind == KindIdea:
		ev.Kind = idea.EventIdeaApproved
	case to == idea.ModHidden:
		ev.Kind, ev.CommentID = idea.EventCommentHidden, t.ID
	default:
		ev.Kind, ev.CommentID = idea.EventCommentApprove, t.ID
	}
	s.Ideas.Publish(ctx, ev)
	return nil
}

// AskAgain puts the actor's own hidden idea or comment back in the queue
// as held, usually after an edit: it stays out of sight until a moderator
// approves it. Returns EUNAUTHORIZED for visitors, ENOTFOUND for a target
// the actor cannot see, EFORBIDDEN for someone else's, and ECONFLICT unless
// it is hidden.
func (s *Service) AskAgain(ctx context.Context, target string) error {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(samtal.PermContribute); err != nil {
		return err
	}
	t, err := ParseTarget(target)
	if err != nil {
		return err
	}
	st, err := s.lookup(ctx, t)
	if err != nil {
		return err
	}
	if st.deleted {
		return errNotFound
	}
	if a.PersonID == 0 || st.author != a.PersonID {
		return &samtal.Error{Code: samtal.EFORBIDDEN, Message: "error.forbidden"}
	}
	if st.moderation != idea.ModHidden {
		return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.not_hidden"}
	}
	// The moderator's reason stays until the next decision, so the author
	// can still read it while waiting.
	return s.Store.SetModeration(ctx, Change{Target: t, State: idea.ModHeld, Reason: st.reason, At: s.now(), ActorPersonID: a.PersonID})
}
