package idea

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/markup"
	"github.com/samtal-dev/samtal/search"
)

// Limits of what one idea may hold.
const (
	MaxTitleLen = 140
	MaxBodyLen  = 10000
	MaxTags     = 5
	MaxTagLen   = 30
	MaxNoteLen  = 2000
	MaxImages   = 4
)

// Campaigns finds the campaign an idea belongs to, as the actor may see it.
type Campaigns interface {
	GetByID(ctx context.Context, id int64) (*campaign.Campaign, error)
}

// Limiter counts attempts per key in a fixed window, across every node.
type Limiter interface {
	Allow(ctx context.Context, key string, limit int, window time.Duration) (bool, time.Duration, error)
}

// limitIdeasPerPerson keeps one account from flooding a campaign.
var limitIdeasPerPerson = struct {
	n      int
	window time.Duration
}{20, time.Hour}

// Service holds the rules about ideas and votes.
type Service struct {
	Store     Store
	Campaigns Campaigns
	Limiter   Limiter
	// CommentStore keeps the comments on ideas. (It cannot be called
	// Comments: that is the method that lists an idea's comments.)
	CommentStore CommentStore
	// ModerationStore keeps authors' edits and deletions of ideas and
	// tells whether a newcomer's first post must be held.
	ModerationStore ModerationStore
	// Events, if set, hears about new ideas, votes, comments, status
	// changes, merges and moderation (notifications follow from it).
	Events Events
	Now    func() time.Time
	// MergeStore keeps merges of duplicate ideas and what they moved.
	MergeStore MergeStore
	// NoteStore keeps staff notes on ideas.
	NoteStore NoteStore
	// Progress reads roadmaps and what became of a person's contributions.
	Progress ProgressStore
	// Threads, if set, keeps recently read comment threads in memory.
	Threads *ThreadCache
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

var errNotFound = &samtal.Error{Code: samtal.ENOTFOUND, Message: "error.not_found"}

// NewIdea is what a member writes.
type NewIdea struct {
	// CampaignID, if set, is the campaign the question must belong to.
	CampaignID int64
	QuestionID int64
	Title      string
	Body       string
	Tags       []string
	// Images are keys of the author's own uploads (see upload.Service).
	Images []string
}

// Create posts an idea as an answer to a question of a campaign the actor
// may see and that is open. Returns EUNAUTHORIZED for visitors, ENOTFOUND for
// a question the actor cannot see, ECONFLICT when the campaign is not open,
// EINVALID for a bad field and ERATELIMITED past the limit.
func (s *Service) Create(ctx context.Context, in NewIdea) (*Idea, error) {
	a := samtal.ActorFrom(ctx)
	if err := requirePerson(a); err != nil {
		return nil, err
	}
	c, q, err := s.question(ctx, in.QuestionID)
	if err != nil {
		return nil, err
	}
	if in.CampaignID != 0 && in.CampaignID != c.ID {
		return nil, samtal.FieldError("question_id", "error.question_unknown")
	}
	if err := s.checkOpen(c); err != nil {
		return nil, err
	}
	i := &Idea{CampaignID: c.ID, QuestionID: q.ID, AuthorPersonID: a.PersonID, Status: Open}
	if i.Title, err = cleanText(in.Title, "title", MaxTitleLen, true); err != nil {
		return nil, err
	}
	if i.Body, err = cleanText(in.Body, "body", MaxBodyLen, false); err != nil {
		return nil, err
	}
	if i.Tags, err = cleanTags(in.Tags); err != nil {
		return nil, err
	}
	if i.Images, err = cleanImages(in.Images); err != nil {
		return nil, err
	}
	i.BodyHTML = markup.Render(i.Body)
	ok, wait, err := s.Limiter.Allow(ctx, "idea:person:"+strconv.FormatInt(a.PersonID, 10), limitIdeasPerPerson.n, limitIdeasPerPerson.window)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &samtal.Error{Code: samtal.ERATELIMITED, Message: "error.rate_limited", RetryAfter: int(wait.Seconds()) + 1}
	}
	if i.Moderation, err = s.firstPostState(ctx, c, a); err != nil {
		return nil, err
	}
	now := s.now()
	i.CreatedAt, i.UpdatedAt = now, now
	// A new idea starts with its own moment as its one weight, so that fresh
	// ideas surface in the trending order before anyone voted.
	if err := s.Store.CreateIdea(ctx, i, Weight(now)); err != nil {
		return nil, err
	}
	// A held idea is news only once a moderator approves it.
	if i.Moderation == ModVisible {
		s.publish(ctx, Event{Kind: EventIdeaPosted, IdeaID: i.ID, ActorPersonID: a.PersonID, At: now})
	}
	return i, nil
}

// requirePerson checks that the actor may contribute and is a person:
// contributions are always someone's (the command line is no one).
func requirePerson(a samtal.Actor) error {
	if err := a.Require(samtal.PermContribute); err != nil {
		return err
	}
	if a.PersonID == 0 {
		return &samtal.Error{Code: samtal.EFORBIDDEN, Message: "error.forbidden"}
	}
	return nil
}

// question finds a question and its campaign as the actor may see them.
func (s *Service) question(ctx context.Context, questionID int64) (*campaign.Campaign, *campaign.Question, error) {
	cid, err := s.campaignOfQuestion(ctx, questionID)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.Campaigns.GetByID(ctx, cid)
	if err != nil {
		return nil, nil, err
	}
	for i := range c.Questions {
		if c.Questions[i].ID == questionID {
			return c, &c.Questions[i], nil
		}
	}
	return nil, nil, samtal.FieldError("question_id", "error.question_unknown")
}

func (s *Service) campaignOfQuestion(ctx context.Context, questionID int64) (int64, error) {
	if questionID <= 0 {
		return 0, samtal.FieldError("question_id", "error.question_unknown")
	}
	id, err := s.Store.CampaignOfQuestion(ctx, questionID)
	if samtal.ErrorCode(err) == samtal.ENOTFOUND {
		return 0, samtal.FieldError("question_id", "error.question_unknown")
	}
	return id, err
}

// checkOpen returns ECONFLICT unless the campaign takes contributions now.
func (s *Service) checkOpen(c *campaign.Campaign) error {
	if !c.OpenAt(s.now()) {
		return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.campaign_closed"}
	}
	return nil
}

// Open reports whether the campaign takes ideas and votes now, by the
// service's clock (pages use it to show or hide buttons).
func (s *Service) Open(c *campaign.Campaign) bool { return c.OpenAt(s.now()) }

// Get returns an idea the actor may see, with whether they voted for it.
// Returns ENOTFOUND also when its campaign is hidden from the actor, and
// for someone else's held or hidden idea (moderators see every idea). A
// deleted idea comes without its text, except for moderators.
func (s *Service) Get(ctx context.Context, id int64) (*Idea, error) {
	i, _, err := s.withCampaign(ctx, id)
	return i, err
}

// withCampaign is Get that also returns the idea's campaign.
func (s *Service) withCampaign(ctx context.Context, id int64) (*Idea, *campaign.Campaign, error) {
	i, err := s.Store.IdeaByID(ctx, id, samtal.ActorFrom(ctx).PersonID)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.Campaigns.GetByID(ctx, i.CampaignID)
	if err != nil {
		return nil, nil, err
	}
	a := samtal.ActorFrom(ctx)
	if i.Moderation != ModVisible && !seesModerated(a, i.AuthorPersonID) {
		return nil, nil, errNotFound
	}
	if i.Deleted && !a.Can(samtal.PermModerate) {
		i.Title, i.Body, i.BodyHTML, i.Tags, i.Images = "", "", "", nil, nil
	}
	return i, c, nil
}

// List returns a page of a campaign's ideas the actor may see, after
// f.After (see CursorAfter). Returns ENOTFOUND for a campaign hidden from
// the actor and EINVALID for a bad filter, sort, limit or cursor (also a
// cursor of another sort order).
func (s *Service) List(ctx context.Context, f Filter) ([]*Idea, error) {
	if f.CampaignID == 0 && f.QuestionID != 0 {
		cid, err := s.campaignOfQuestion(ctx, f.QuestionID)
		if err != nil {
			return nil, err
		}
		f.CampaignID = cid
	}
	if f.CampaignID == 0 {
		return nil, samtal.FieldError("campaign_id", "error.campaign_required")
	}
	if _, err := s.Campaigns.GetByID(ctx, f.CampaignID); err != nil {
		return nil, err
	}
	if f.Q != "" {
		// Words to look for: one page, closest first.
		if f.Sort != "" && f.Sort != SortRelevance {
			return nil, samtal.FieldError("sort", "error.sort_invalid")
		}
		if f.After != nil {
			return nil, samtal.FieldError("cursor", "error.cursor_invalid")
		}
		f.Sort = SortRelevance
		if f.Words = search.SimilarWords(f.Q); len(f.Words) == 0 {
			return []*Idea{}, nil
		}
	}
	switch f.Sort {
	case "":
		f.Sort = SortTrending
	case SortTrending, SortTop, SortNewest, SortStatus, SortRelevance:
	default:
		return nil, samtal.FieldError("sort", "error.sort_invalid")
	}
	if f.Sort == SortRelevance && f.Q == "" {
		return nil, samtal.FieldError("sort", "error.sort_invalid")
	}
	if f.After != nil && f.After.Sort != f.Sort {
		// A cursor of another order would skip or repeat ideas.
		return nil, samtal.FieldError("cursor", "error.cursor_invalid")
	}
	if f.Status != "" && !ValidStatus(f.Status) {
		return nil, samtal.FieldError("status", "error.status_invalid")
	}
	if f.Tag != "" {
		tags, err := cleanTags([]string{f.Tag})
		if err != nil || len(tags) != 1 {
			return nil, samtal.FieldError("tag", "error.tag_invalid")
		}
		f.Tag = tags[0]
	}
	switch {
	case f.Limit == 0:
		f.Limit = 30
	case f.Limit < 0 || f.Limit > 100:
		return nil, samtal.FieldError("limit", "error.limit_invalid")
	}
	f.ViewerPersonID = samtal.ActorFrom(ctx).PersonID
	f.Moderator = samtal.ActorFrom(ctx).Can(samtal.PermModerate)
	return s.Store.ListIdeas(ctx, f)
}

// Vote records the actor's vote and returns the new count. Returns ECONFLICT
// for a second vote, a spent budget, a closed campaign, or an idea that is
// deleted, held or hidden.
func (s *Service) Vote(ctx context.Context, id int64) (int, error) {
	a := samtal.ActorFrom(ctx)
	if err := requirePerson(a); err != nil {
		return 0, err
	}
	i, c, err := s.withCampaign(ctx, id)
	if err != nil {
		return 0, err
	}
	if i.MergedInto != 0 {
		return 0, &samtal.Error{Code: samtal.ECONFLICT, Message: "error.idea_merged"}
	}
	if err := checkActive(i); err != nil {
		return 0, err
	}
	if err := s.checkOpen(c); err != nil {
		return 0, err
	}
	now := s.now()
	n, err := s.Store.AddVote(ctx, id, a.PersonID, c.ID, c.VoteBudget, Weight(now), now)
	if err != nil {
		return 0, err
	}
	s.publish(ctx, Event{Kind: EventIdeaVoted, IdeaID: id, ActorPersonID: a.PersonID, At: now})
	return n, nil
}

// Unvote takes the actor's vote back. Returns ENOTFOUND if there was none
// and ECONFLICT for a closed campaign.
func (s *Service) Unvote(ctx context.Context, id int64) (int, error) {
	a := samtal.ActorFrom(ctx)
	if err := requirePerson(a); err != nil {
		return 0, err
	}
	i, c, err := s.withCampaign(ctx, id)
	if err != nil {
		return 0, err
	}
	// Votes on a deleted idea stay as they were, for exact counts.
	if i.Deleted {
		return 0, &samtal.Error{Code: samtal.ECONFLICT, Message: "error.idea_deleted"}
	}
	if err := s.checkOpen(c); err != nil {
		return 0, err
	}
	return s.Store.RemoveVote(ctx, id, a.PersonID)
}

// VotesLeft returns how many votes the actor has left in a campaign, or -1
// when the campaign has no budget.
func (s *Service) VotesLeft(ctx context.Context, c *campaign.Campaign) (int, error) {
	a := samtal.ActorFrom(ctx)
	if c.VoteBudget == 0 {
		return -1, nil
	}
	if a.PersonID == 0 {
		return c.VoteBudget, nil
	}
	used, err := s.Store.VotesUsed(ctx, a.PersonID, c.ID)
	return max(0, c.VoteBudget-used), err
}

// SetStatus changes an idea's status with a public note. Returns EFORBIDDEN
// unless the actor may moderate, EINVALID for an unknown status.
func (s *Service) SetStatus(ctx context.Context, id int64, status, note string) error {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(samtal.PermModerate); err != nil {
		return err
	}
	if !ValidStatus(status) {
		return samtal.FieldError("status", "error.status_invalid")
	}
	note, err := cleanText(note, "note", MaxNoteLen, false)
	if err != nil {
		return err
	}
	i, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	e := audit.New(ctx, "idea.status_change", "idea", id, map[string]any{"status": i.Status}, map[string]any{"status": status, "note": note})
	now := s.now()
	if err := s.Store.SetStatus(ctx, id, status, note, a.PersonID, now, e); err != nil {
		return err
	}
	s.publish(ctx, Event{Kind: EventStatusChanged, IdeaID: id, ActorPersonID: a.PersonID, Status: status, Note: note, At: now})
	return nil
}

// History returns an idea's status changes, oldest first.
func (s *Service) History(ctx context.Context, id int64) ([]StatusChange, error) {
	if _, err := s.Get(ctx, id); err != nil {
		return nil, err
	}
	return s.Store.StatusChanges(ctx, id)
}

// cleanText trims s and checks its length in characters; control
// characters other than newlines and tabs are refused.
func cleanText(s, field string, maxLen int, required bool) (string, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if required && s == "" {
		return "", samtal.FieldError(field, "error.required")
	}
	if !utf8.ValidString(s) {
		return "", samtal.FieldError(field, "error.text_invalid")
	}
	if utf8.RuneCountInString(s) > maxLen {
		return "", samtal.FieldError(field, "error.too_long")
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' {
			return "", samtal.FieldError(field, "error.text_invalid")
		}
	}
	return s, nil
}

// cleanTags lower-cases, trims and de-duplicates tags.
func cleanTags(tags []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, t := range tags {
		t = strings.ToLower(strings.Join(strings.Fields(t), "-"))
		if t == "" || seen[t] {
			continue
		}
		if utf8.RuneCountInString(t) > MaxTagLen || strings.ContainsAny(t, ",<>\"'") {
			return nil, samtal.FieldError("tags", "error.tag_invalid")
		}
		seen[t] = true
		out = append(out, t)
	}
	if len(out) > MaxTags {
		return nil, samtal.FieldError("tags", "error.too_many_tags")
	}
	return out, nil
}

// cleanImages de-duplicates image keys and checks their number; whether
// they are the author's own is checked where they are attached.
func cleanImages(keys []string) ([]string, error) {
	var out []string
	for _, k := range keys {
		k = strings.TrimSpace(k)
		if k == "" || slices.Contains(out, k) {
			continue
		}
		if len(k) > 64 {
			return nil, samtal.FieldError("images", "error.image_unknown")
		}
		out = append(out, k)
	}
	if len(out) > MaxImages {
		return nil, samtal.FieldError("images", "error.too_many_images")
	}
	return out, nil
}

// Tags returns the commonest tags of a campaign the actor may see, for its
// tag filter. Returns ENOTFOUND for a campaign hidden from the actor.
func (s *Service) Tags(ctx context.Context, campaignID int64) ([]TagCount, error) {
	if _, err := s.Campaigns.GetByID(ctx, campaignID); err != nil {
		return nil, err
	}
	return s.Store.CampaignTags(ctx, campaignID, 20)
}
