package idea

import (
	"context"
	"strconv"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/markup"
)

// The moderation states of ideas and comments (the column moderation).
const (
	ModVisible = "visible" // everyone who may see the campaign sees it
	ModHeld    = "held"    // waiting for a moderator; only the author and moderators see it
	ModHidden  = "hidden"  // hidden by a moderator, with a reason the author reads
)

// ModerationStore keeps what authors' edits and the moderation state
// change. The moderation package changes the state itself.
type ModerationStore interface {
	// HasVisibleContribution reports whether a person has an idea or a
	// comment that is visible (deleted or not): they passed review once.
	HasVisibleContribution(ctx context.Context, personID int64) (bool, error)
	// UpdateIdea sets the title, body and tags of i and appends e if it is
	// not nil, in one transaction; ENOTFOUND for a deleted idea.
	UpdateIdea(ctx context.Context, i *Idea, at time.Time, e *audit.Entry) error
	// DeleteIdea marks an idea deleted, closes its open reports and
	// appends e if it is not nil; ENOTFOUND if it is deleted already.
	DeleteIdea(ctx context.Context, id int64, at time.Time, e *audit.Entry) error
}

// limitCommentsPerPerson keeps one account from flooding a thread; a
// lively discussion stays far below it.
var limitCommentsPerPerson = struct {
	n      int
	window time.Duration
}{60, time.Hour}

// Publish hands e to the Events, for the moderation package, whose hides
// and approvals are events of ideas too.
func (s *Service) Publish(ctx context.Context, e Event) { s.publish(ctx, e) }

// seesModerated reports whether the actor sees held and hidden content of
// the author whole: the author does, and so do moderators.
func seesModerated(a samtal.Actor, authorPersonID int64) bool {
	return a.Can(samtal.PermModerate) || (a.PersonID != 0 && a.PersonID == authorPersonID)
}

// checkActive returns ECONFLICT for an idea that takes no votes or comments
// because it is deleted, held or hidden.
func checkActive(i *Idea) error {
	if i.Deleted {
		return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.idea_deleted"}
	}
	if i.Moderation != ModVisible {
		return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.idea_not_visible"}
	}
	return nil
}

// firstPostState returns ModHeld for a contribution that must wait for a
// moderator: the campaign holds first posts and the author (not staff) has
// nothing visible yet. Otherwise ModVisible.
func (s *Service) firstPostState(ctx context.Context, c *campaign.Campaign, a samtal.Actor) (string, error) {
	if !c.HoldFirstPosts || a.Role.Staff() || s.ModerationStore == nil {
		return ModVisible, nil
	}
	ok, err := s.ModerationStore.HasVisibleContribution(ctx, a.PersonID)
	if err != nil {
		return "", err
	}
	if ok {
		return ModVisible, nil
	}
	return ModHeld, nil
}

// allowComment counts a comment against the author's limit.
func (s *Service) allowComment(ctx context.Context, personID int64) error {
	ok, wait, err := s.Limiter.Allow(ctx, "comment:person:"+strconv.FormatInt(personID, 10), limitCommentsPerPerson.n, limitCommentsPerPerson.window)
	if err != nil {
		return err
	}
	if !ok {
		return &samtal.Error{Code: samtal.ERATELIMITED, Message: "error.comment_rate_limited", RetryAfter: int(wait.Seconds()) + 1}
	}
	return nil
}

// moderateThread drops and blanks what the actor may not read of a thread
// (in id order): someone else's held comment is left out unless replies
// that stay hang on it, and someone else's hidden or held comment that
// stays keeps its place without its text and reason, like a deleted one.
func moderateThread(a samtal.Actor, list []Comment) []Comment {
	if a.Can(samtal.PermModerate) {
		return list
	}
	hasReply := map[int64]bool{}
	keep := make([]bool, len(list))
	// Replies come after their parents in id order, so walking backwards
	// sees every reply before its parent.
	for k := len(list) - 1; k >= 0; k-- {
		c := &list[k]
		if c.Moderation == ModVisible || seesModerated(a, c.AuthorPersonID) {
			keep[k] = true
		} else {
			keep[k] = c.Moderation == ModHidden || hasReply[c.ID]
			c.Body, c.BodyHTML, c.ModerationReason = "", "", ""
		}
		if keep[k] {
			hasReply[c.ParentID] = true
		}
	}
	out := list[:0]
	for k := range list {
		if keep[k] {
			out = append(out, list[k])
		}
	}
	return out
}

// IdeaChanges are the fields of an edit; nil fields stay as they are.
type IdeaChanges struct {
	Title *string
	Body  *string
	Tags  *[]string
}

// ownOrModerate decides whether the actor may change content of the
// author: the author may, and so may moderators, whose changes are audited
// (the returned entry's action is set by the caller). Returns EFORBIDDEN
// for anyone else.
func ownOrModerate(a samtal.Actor, authorPersonID int64) (audited bool, err error) {
	if err := a.Require(samtal.PermContribute); err != nil {
		return false, err
	}
	switch {
	case a.PersonID != 0 && a.PersonID == authorPersonID:
		return false, nil
	case a.Can(samtal.PermModerate):
		return true, nil
	}
	return false, &samtal.Error{Code: samtal.EFORBIDDEN, Message: "error.forbidden"}
}

// Update edits an idea's title, body and tags: its author may (also while
// it is hidden, before asking for another look), and so may moderators,
// whose edits are audited. Returns ENOTFOUND for an idea the actor cannot
// see or that is deleted, EFORBIDDEN for anyone else and EINVALID for a
// bad field.
func (s *Service) Update(ctx context.Context, id int64, ch IdeaChanges) (*Idea, error) {
	a := samtal.ActorFrom(ctx)
	i, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if i.Deleted {
		return nil, errNotFound
	}
	audited, err := ownOrModerate(a, i.AuthorPersonID)
	if err != nil {
		return nil, err
	}
	before := map[string]any{"title": i.Title, "body": i.Body, "tags": i.Tags}
	if ch.Title != nil {
		if i.Title, err = cleanText(*ch.Title, "title", MaxTitleLen, true); err != nil {
			return nil, err
		}
	}
	if ch.Body != nil {
		if i.Body, err = cleanText(*ch.Body, "body", MaxBodyLen, false); err != nil {
			return nil, err
		}
		i.BodyHTML = markup.Render(i.Body)
	}
	if ch.Tags != nil {
		if i.Tags, err = cleanTags(*ch.Tags); err != nil {
			return nil, err
		}
	}
	var e *audit.Entry
	if audited {
		entry := audit.New(ctx, "idea.edit", "idea", id, before, map[string]any{"title": i.Title, "body": i.Body, "tags": i.Tags})
		e = &entry
	}
	if err := s.ModerationStore.UpdateIdea(ctx, i, s.now(), e); err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// Delete deletes an idea softly: it leaves every list and its page says it
// was removed; its votes stay (so counts stay exact) but no longer count
// against anyone's vote budget. The author may, and so may moderators,
// whose deletions are audited. Returns ENOTFOUND for an idea deleted
// already or that the actor cannot see, EFORBIDDEN for anyone else.
func (s *Service) Delete(ctx context.Context, id int64) error {
	a := samtal.ActorFrom(ctx)
	i, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	if i.Deleted {
		return errNotFound
	}
	audited, err := ownOrModerate(a, i.AuthorPersonID)
	if err != nil {
		return err
	}
	var e *audit.Entry
	if audited {
		entry := audit.New(ctx, "idea.delete", "idea", id,
			map[string]any{"author_person_id": i.AuthorPersonID, "title": i.Title, "body": i.Body, "moderation": i.Moderation}, nil)
		e = &entry
	}
	return s.ModerationStore.DeleteIdea(ctx, id, s.now(), e)
}
