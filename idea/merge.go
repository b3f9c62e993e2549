package idea

import (
	"context"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
)

// Merge is one merge of an idea into a duplicate of the same campaign, with
// what it moved. The store keeps which votes and comments it moved, so that
// Undo puts back exactly those (see docs/design.md).
type Merge struct {
	ID            int64
	IdeaID        int64 // the idea that was merged
	IntoID        int64 // the idea it was merged into
	IdeaTitle     string
	ActorPersonID int64
	ActorName     string
	At            time.Time
	UndoneAt      time.Time // zero while the merge stands
	VotesMoved    int
	VotesDropped  int // voters who had voted for both keep their vote on IntoID
	CommentsMoved int
}

// Undone reports whether the merge was undone.
func (m *Merge) Undone() bool { return !m.UndoneAt.IsZero() }

// MergeAudit builds the audit entry of a merge or its undo once the store
// knows the merge's id and what it moved; it is written in the same
// transaction.
type MergeAudit func(m *Merge) audit.Entry

// MergeStore keeps merges. Both methods change everything in one transaction
// and recompute both ideas' counts and trending scores from their votes
// (weight is Weight, passed so that the store keeps no rule of its own).
type MergeStore interface {
	// MergeIdeas merges ideaID into intoID. It checks again, with both ideas
	// locked, that they are of one campaign and neither is merged: ECONFLICT
	// otherwise, with the same messages as the service.
	MergeIdeas(ctx context.Context, ideaID, intoID, actorPersonID int64, at time.Time, weight func(time.Time) float64, a MergeAudit) (*Merge, error)
	// UndoMerge undoes a merge: ENOTFOUND if missing, ECONFLICT if it was
	// undone already or its target has since been merged elsewhere.
	UndoMerge(ctx context.Context, mergeID, actorPersonID int64, at time.Time, weight func(time.Time) float64, a MergeAudit) (*Merge, error)
	// MergeByID returns a merge; ENOTFOUND if missing.
	MergeByID(ctx context.Context, id int64) (*Merge, error)
	// MergesInto returns the merges into an idea that stand, oldest first.
	MergesInto(ctx context.Context, intoID int64) ([]Merge, error)
}

// Refusals of merges, shared by the service and the store's checks under lock.
var (
	errMergeSelf          = samtal.FieldError("into", "error.merge_self")
	errMergeOtherCampaign = samtal.FieldError("into", "error.merge_other_campaign")
	errMergeTargetUnknown = samtal.FieldError("into", "error.merge_target_unknown")
	// ErrMergeTargetMerged: the target is merged itself.
	ErrMergeTargetMerged = &samtal.Error{Code: samtal.ECONFLICT, Message: "error.merge_target_merged", Field: "into"}
	// ErrAlreadyMerged: the idea is merged already.
	ErrAlreadyMerged = &samtal.Error{Code: samtal.ECONFLICT, Message: "error.idea_already_merged"}
	// ErrMergeUndone: the merge was undone already.
	ErrMergeUndone = &samtal.Error{Code: samtal.ECONFLICT, Message: "error.merge_undone"}
	// ErrMergeTargetMovedOn: the target was merged elsewhere since; that
	// merge must be undone first.
	ErrMergeTargetMovedOn = &samtal.Error{Code: samtal.ECONFLICT, Message: "error.merge_undo_target_merged"}
)

// MergeIdeas merges idea id into intoID, a duplicate in the same campaign:
// votes move (a person who voted for both keeps one vote), comments move with
// their threads, and id points to intoID from then on. Returns EFORBIDDEN
// unless the actor may moderate, ENOTFOUND for an idea the actor cannot
// see, EINVALID (field "into") for itself, an unknown target or one of
// another campaign, and ECONFLICT when either idea is merged already.
func (s *Service) MergeIdeas(ctx context.Context, id, intoID int64) (*Merge, error) {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(samtal.PermModerate); err != nil {
		return nil, err
	}
	from, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if intoID == id {
		return nil, errMergeSelf
	}
	if intoID <= 0 {
		return nil, errMergeTargetUnknown
	}
	into, err := s.Get(ctx, intoID)
	if samtal.ErrorCode(err) == samtal.ENOTFOUND {
		return nil, errMergeTargetUnknown
	} else if err != nil {
		return nil, err
	}
	switch {
	case into.CampaignID != from.CampaignID:
		return nil, errMergeOtherCampaign
	case from.MergedInto != 0:
		return nil, ErrAlreadyMerged
	case into.MergedInto != 0:
		return nil, ErrMergeTargetMerged
	}
	now := s.now()
	m, err := s.MergeStore.MergeIdeas(ctx, id, intoID, a.PersonID, now, Weight, func(m *Merge) audit.Entry {
		return audit.New(ctx, "idea.merge", "idea", id, map[string]any{"merged_into": nil},
			map[string]any{"merged_into": intoID, "merge_id": m.ID, "votes_moved": m.VotesMoved,
				"votes_dropped": m.VotesDropped, "comments_moved": m.CommentsMoved})
	})
	if err != nil {
		return nil, err
	}
	s.publish(ctx, Event{Kind: EventIdeaMerged, IdeaID: id, IntoIdeaID: intoID, MergeID: m.ID, ActorPersonID: a.PersonID, At: now})
	return m, nil
}

// UndoMerge undoes a merge exactly: the moved votes that are still on the
// target go back (votes cast on the target since stay there, a moved vote
// its voter took back stays taken back), dropped duplicates come back on
// the merged idea, and the moved comments go back. Returns EFORBIDDEN unless
// the actor may moderate, ENOTFOUND for an unknown merge or one of ideas
// the actor cannot see, and ECONFLICT for a merge undone already or whose
// target has since been merged elsewhere (undo that merge first).
func (s *Service) UndoMerge(ctx context.Context, mergeID int64) (*Merge, error) {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(samtal.PermModerate); err != nil {
		return nil, err
	}
	if mergeID <= 0 {
		return nil, errNotFound
	}
	m, err := s.MergeStore.MergeByID(ctx, mergeID)
	if err != nil {
		return nil, err
	}
	if _, err := s.Get(ctx, m.IdeaID); err != nil {
		return nil, err
	}
	into, err := s.Get(ctx, m.IntoID)
	if err != nil {
		return nil, err
	}
	switch {
	case m.Undone():
		return nil, ErrMergeUndone
	case into.MergedInto != 0:
		return nil, ErrMergeTargetMovedOn
	}
	now := s.now()
	m, err = s.MergeStore.UndoMerge(ctx, mergeID, a.PersonID, now, Weight, func(m *Merge) audit.Entry {
		return audit.New(ctx, "idea.unmerge", "idea", m.IdeaID, map[string]any{"merged_into": m.IntoID, "merge_id": m.ID},
			map[string]any{"merged_into": nil, "votes_returned": m.VotesMoved, "votes_restored": m.VotesDropped, "comments_returned": m.CommentsMoved})
	})
	if err != nil {
		return nil, err
	}
	s.publish(ctx, Event{Kind: EventIdeaUnmerged, IdeaID: m.IdeaID, IntoIdeaID: m.IntoID, MergeID: m.ID, ActorPersonID: a.PersonID, At: now})
	return m, nil
}

// MergesInto returns the ideas merged into an idea the actor may see, with
// the merges that stand, oldest first.
func (s *Service) MergesInto(ctx context.Context, id int64) ([]Merge, error) {
	if _, err := s.Get(ctx, id); err != nil {
		return nil, err
	}
	return s.MergeStore.MergesInto(ctx, id)
}
