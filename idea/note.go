package idea

import (
	"context"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
)

// MaxStaffNoteLen is the longest staff note, in characters.
const MaxStaffNoteLen = 5000

// PermStaffNotes is who may read and write staff notes on ideas: every
// staff role. Notes carry context about the people behind an idea ("she
// also wrote to the inbox about it"), so they are guarded like persons'
// data, by PermViewPeople, and not only for moderators: agents answer those
// people and analysts read the community's needs.
const PermStaffNotes = samtal.PermViewPeople

// Note is a staff note on an idea; members never see one.
type Note struct {
	ID             int64
	IdeaID         int64
	AuthorPersonID int64
	AuthorName     string
	Body           string
	CreatedAt      time.Time
}

// NoteStore keeps staff notes.
type NoteStore interface {
	// AddNote stores n, sets its ID and AuthorName, and appends e, in one
	// transaction.
	AddNote(ctx context.Context, n *Note, e audit.Entry) error
	// NotesOfIdea returns an idea's notes, newest first.
	NotesOfIdea(ctx context.Context, ideaID int64) ([]Note, error)
}

// Notes returns the staff notes of an idea, newest first. Returns
// EUNAUTHORIZED or EFORBIDDEN unless the actor is staff (PermStaffNotes) and
// ENOTFOUND for an idea the actor cannot see.
func (s *Service) Notes(ctx context.Context, ideaID int64) ([]Note, error) {
	if err := samtal.ActorFrom(ctx).Require(PermStaffNotes); err != nil {
		return nil, err
	}
	if _, err := s.Get(ctx, ideaID); err != nil {
		return nil, err
	}
	return s.NoteStore.NotesOfIdea(ctx, ideaID)
}

// AddNote adds a staff note to an idea, audited. Returns what Notes returns,
// and EINVALID for an empty or too long body.
func (s *Service) AddNote(ctx context.Context, ideaID int64, body string) (*Note, error) {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(PermStaffNotes); err != nil {
		return nil, err
	}
	if a.PersonID == 0 {
		return nil, &samtal.Error{Code: samtal.EFORBIDDEN, Message: "error.forbidden"}
	}
	if _, err := s.Get(ctx, ideaID); err != nil {
		return nil, err
	}
	body, err := cleanText(body, "body", MaxStaffNoteLen, true)
	if err != nil {
		return nil, err
	}
	n := &Note{IdeaID: ideaID, AuthorPersonID: a.PersonID, Body: body, CreatedAt: s.now()}
	// The audit entry names the note, not its text: the log is read by
	// admins, the note by staff; both may read it on the idea.
	e := audit.New(ctx, "idea.note_add", "idea", ideaID, nil, map[string]any{"length": len([]rune(body))})
	if err := s.NoteStore.AddNote(ctx, n, e); err != nil {
		return nil, err
	}
	return n, nil
}
