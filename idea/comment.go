package idea

import (
	"context"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/markup"
)

// MaxCommentLen is the longest comment, in characters.
const MaxCommentLen = 5000

// Comment is one comment on an idea, or a reply to another comment of the
// same idea. Who may see it follows who may see its idea.
type Comment struct {
	ID             int64
	IdeaID         int64
	ParentID       int64 // 0 for a comment on the idea itself
	AuthorPersonID int64
	AuthorName     string
	Body           string // empty once deleted
	BodyHTML       string // Body rendered and sanitised when written
	Depth          int    // 0 for a comment on the idea, parent's + 1 for a reply
	Deleted        bool
	Edited         bool
	CreatedAt      time.Time
	UpdatedAt      time.Time
	// Moderation is ModVisible, ModHeld or ModHidden. Others than the
	// author and moderators get a hidden comment without Body and reason.
	Moderation       string
	ModerationReason string
}

// CommentEdit is the text of a comment before one edit.
type CommentEdit struct {
	Body     string
	EditedAt time.Time
}

// CommentStore keeps comments. The idea's comment count changes in the same
// transaction as the comment, so it is exact under concurrent comments.
type CommentStore interface {
	// AddComment stores c, sets its ID and AuthorName, and adds one to its
	// idea's comment count if c is visible.
	AddComment(ctx context.Context, c *Comment) error
	// CommentByID returns a comment, deleted or not; ENOTFOUND if missing.
	CommentByID(ctx context.Context, id int64) (*Comment, error)
	// CommentsOfIdea returns all comments of an idea, deleted ones too, in
	// id order (Depth is left 0).
	CommentsOfIdea(ctx context.Context, ideaID int64) ([]Comment, error)
	// EditComment keeps the current text in the edit history and sets the
	// new one; ENOTFOUND for a deleted comment.
	EditComment(ctx context.Context, id int64, body, bodyHTML string, at time.Time) error
	// DeleteComment clears the body, sets deleted_at, takes one off the
	// idea's comment count if the comment was visible, closes its open
	// reports, and appends e if it is not nil; ENOTFOUND if the comment is
	// deleted already.
	DeleteComment(ctx context.Context, id int64, at time.Time, e *audit.Entry) error
	// CommentEdits returns a comment's earlier texts, oldest first.
	CommentEdits(ctx context.Context, id int64) ([]CommentEdit, error)
	// CommentEditsOfIdea returns the earlier texts of all comments of an
	// idea by comment, oldest first, in one query.
	CommentEditsOfIdea(ctx context.Context, ideaID int64) (map[int64][]CommentEdit, error)
}

// thread puts comments (in id order) in thread order: each reply right after
// its parent and the replies before it, with their depth. A comment whose
// parent is not among them is treated as a comment on the idea.
func thread(list []Comment) []Comment {
	known := make(map[int64]bool, len(list))
	for _, c := range list {
		known[c.ID] = true
	}
	children := map[int64][]int{}
	for i, c := range list {
		p := c.ParentID
		if !known[p] {
			p = 0
		}
		children[p] = append(children[p], i)
	}
	out := make([]Comment, 0, len(list))
	// An explicit stack, so that a deep chain of replies cannot exhaust the
	// goroutine stack.
	type frame struct{ idx, depth int }
	stack := make([]frame, 0, len(list))
	push := func(parent int64, depth int) {
		kids := children[parent]
		for k := len(kids) - 1; k >= 0; k-- {
			stack = append(stack, frame{kids[k], depth})
		}
	}
	push(0, 0)
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		c := list[f.idx]
		c.Depth = f.depth
		out = append(out, c)
		push(c.ID, f.depth+1)
	}
	return out
}

// Comments returns the comments of an idea the actor may see, in thread
// order with their depth; deleted ones keep their place, without a body.
func (s *Service) Comments(ctx context.Context, ideaID int64) ([]Comment, error) {
	i, err := s.Get(ctx, ideaID)
	if err != nil {
		return nil, err
	}
	return s.thread(ctx, i)
}

// thread returns the comments of idea i as the actor may see them, from
// the thread cache while i's ThreadVersion is the cached one.
func (s *Service) thread(ctx context.Context, i *Idea) ([]Comment, error) {
	list, ok := s.Threads.get(i.ID, i.ThreadVersion)
	if !ok {
		var err error
		if list, err = s.CommentStore.CommentsOfIdea(ctx, i.ID); err != nil {
			return nil, err
		}
		// The comments read are at least as new as i: caching them under
		// i's version can only ever serve a newer thread, never an older.
		s.Threads.put(i.ID, i.ThreadVersion, list)
	}
	return thread(moderateThread(samtal.ActorFrom(ctx), list)), nil
}

// Comment returns one comment, with its depth, if the actor may see its idea.
func (s *Service) Comment(ctx context.Context, id int64) (*Comment, error) {
	_, i, err := s.visibleComment(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.inThread(ctx, i, id)
}

// inThread returns comment id of idea i's thread, with its depth.
func (s *Service) inThread(ctx context.Context, i *Idea, id int64) (*Comment, error) {
	list, err := s.thread(ctx, i)
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].ID == id {
			return &list[i], nil
		}
	}
	return nil, errNotFound
}

// visibleComment returns a comment whose idea the actor may see, and the
// idea.
func (s *Service) visibleComment(ctx context.Context, id int64) (*Comment, *Idea, error) {
	if id <= 0 {
		return nil, nil, errNotFound
	}
	c, err := s.CommentStore.CommentByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	i, err := s.Get(ctx, c.IdeaID)
	if err != nil {
		return nil, nil, err
	}
	if c.Moderation == ModHeld && !seesModerated(samtal.ActorFrom(ctx), c.AuthorPersonID) {
		return nil, nil, errNotFound
	}
	return c, i, nil
}

// AddComment posts a comment on an idea the actor may see, or with parentID
// a reply to one of the idea's comments. Returns EUNAUTHORIZED for visitors,
// ENOTFOUND for an idea the actor cannot see, ECONFLICT for an idea that is
// deleted, held or hidden, EINVALID for a parent that is not a visible
// comment of the idea or a body that is empty or too long, and ERATELIMITED
// past the limit. A newcomer's first comment in a campaign that holds first
// posts is held for a moderator.
func (s *Service) AddComment(ctx context.Context, ideaID, parentID int64, body string) (*Comment, error) {
	a := samtal.ActorFrom(ctx)
	if err := requirePerson(a); err != nil {
		return nil, err
	}
	i, camp, err := s.withCampaign(ctx, ideaID)
	if err != nil {
		return nil, err
	}
	// A merged idea's conversation goes on where its comments went.
	if i.MergedInto != 0 {
		return nil, &samtal.Error{Code: samtal.ECONFLICT, Message: "error.idea_merged_comment"}
	}
	if err := checkActive(i); err != nil {
		return nil, err
	}
	body, err = cleanText(body, "body", MaxCommentLen, true)
	if err != nil {
		return nil, err
	}
	depth := 0
	if parentID != 0 {
		p, err := s.CommentStore.CommentByID(ctx, parentID)
		switch {
		case samtal.ErrorCode(err) == samtal.ENOTFOUND || (err == nil && (p.IdeaID != ideaID || p.Deleted || p.Moderation != ModVisible)):
			return nil, samtal.FieldError("parent_id", "error.parent_invalid")
		case err != nil:
			return nil, err
		}
		parent, err := s.inThread(ctx, i, parentID)
		if err != nil {
			return nil, err
		}
		depth = parent.Depth + 1
	}
	state, err := s.firstPostState(ctx, camp, a)
	if err != nil {
		return nil, err
	}
	if err := s.allowComment(ctx, a.PersonID); err != nil {
		return nil, err
	}
	now := s.now()
	c := &Comment{IdeaID: ideaID, ParentID: parentID, AuthorPersonID: a.PersonID, Body: body, BodyHTML: markup.Render(body), Depth: depth, CreatedAt: now, UpdatedAt: now, Moderation: state}
	if err := s.CommentStore.AddComment(ctx, c); err != nil {
		return nil, err
	}
	// A held comment is news only once a moderator approves it.
	if state == ModVisible {
		s.publish(ctx, Event{Kind: EventCommentAdded, IdeaID: ideaID, CommentID: c.ID, ActorPersonID: a.PersonID, At: now})
	}
	return c, nil
}

// EditComment changes the text of one of the actor's own comments and keeps
// the old text for moderators. Returns EFORBIDDEN for someone else's comment
// and ENOTFOUND for a deleted one.
func (s *Service) EditComment(ctx context.Context, id int64, body string) (*Comment, error) {
	a := samtal.ActorFrom(ctx)
	if err := requirePerson(a); err != nil {
		return nil, err
	}
	c, i, err := s.visibleComment(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.Deleted {
		return nil, errNotFound
	}
	if c.AuthorPersonID != a.PersonID {
		return nil, &samtal.Error{Code: samtal.EFORBIDDEN, Message: "error.forbidden"}
	}
	if body, err = cleanText(body, "body", MaxCommentLen, true); err != nil {
		return nil, err
	}
	if body != c.Body {
		if err := s.CommentStore.EditComment(ctx, id, body, markup.Render(body), s.now()); err != nil {
			return nil, err
		}
		// The edit changed the thread's version: read the idea again.
		if i, err = s.Get(ctx, c.IdeaID); err != nil {
			return nil, err
		}
	}
	return s.inThread(ctx, i, id)
}

// DeleteComment deletes a comment: its author may, and so may moderators,
// whose deletions are audited. The comment keeps its place in the thread
// without its text. Returns ENOTFOUND for a comment deleted already and
// EFORBIDDEN for anyone else.
func (s *Service) DeleteComment(ctx context.Context, id int64) error {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(samtal.PermContribute); err != nil {
		return err
	}
	c, _, err := s.visibleComment(ctx, id)
	if err != nil {
		return err
	}
	if c.Deleted {
		return errNotFound
	}
	var e *audit.Entry
	switch {
	case a.PersonID != 0 && c.AuthorPersonID == a.PersonID:
	case a.Can(samtal.PermModerate):
		entry := audit.New(ctx, "comment.delete", "comment", id,
			map[string]any{"idea_id": c.IdeaID, "author_person_id": c.AuthorPersonID, "body": c.Body}, nil)
		e = &entry
	default:
		return &samtal.Error{Code: samtal.EFORBIDDEN, Message: "error.forbidden"}
	}
	return s.CommentStore.DeleteComment(ctx, id, s.now(), e)
}

// CommentEdits returns the earlier texts of a comment, oldest first, for
// moderators.
func (s *Service) CommentEdits(ctx context.Context, id int64) ([]CommentEdit, error) {
	if err := samtal.ActorFrom(ctx).Require(samtal.PermModerate); err != nil {
		return nil, err
	}
	if _, _, err := s.visibleComment(ctx, id); err != nil {
		return nil, err
	}
	return s.CommentStore.CommentEdits(ctx, id)
}

// IdeaCommentEdits returns the earlier texts of every edited comment of an
// idea, by comment id, for moderators.
func (s *Service) IdeaCommentEdits(ctx context.Context, ideaID int64) (map[int64][]CommentEdit, error) {
	if err := samtal.ActorFrom(ctx).Require(samtal.PermModerate); err != nil {
		return nil, err
	}
	if _, err := s.Get(ctx, ideaID); err != nil {
		return nil, err
	}
	return s.CommentStore.CommentEditsOfIdea(ctx, ideaID)
}
