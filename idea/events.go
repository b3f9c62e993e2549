package idea

import (
	"context"
	"time"
)

// The kinds of event the idea service publishes.
const (
	EventIdeaPosted     = "idea.posted"
	EventIdeaVoted      = "idea.voted"
	EventCommentAdded   = "comment.added"
	EventStatusChanged  = "idea.status"
	EventIdeaMerged     = "idea.merged"
	EventIdeaUnmerged   = "idea.unmerged"
	EventIdeaHidden     = "idea.hidden"
	EventCommentHidden  = "comment.hidden"
	EventIdeaApproved   = "idea.approved"
	EventCommentApprove = "comment.approved"
)

// Event is something that happened to an idea that the people following it
// may want to hear about. Only the fields of its kind are set.
type Event struct {
	Kind          string
	IdeaID        int64
	CommentID     int64
	ActorPersonID int64
	// IntoIdeaID is where a merged idea went (merges and their undo).
	IntoIdeaID int64
	MergeID    int64
	Status     string
	// Note is a status change's public note or a moderator's reason.
	Note string
	At   time.Time
}

// Events hears what happened after it was written. Publish must not fail
// the action that already happened: an implementation logs its own errors.
type Events interface {
	Publish(ctx context.Context, e Event)
}

// publish hands e to the Events, if the service has any.
func (s *Service) publish(ctx context.Context, e Event) {
	if s.Events == nil {
		return
	}
	if e.At.IsZero() {
		e.At = s.now()
	}
	s.Events.Publish(ctx, e)
}
