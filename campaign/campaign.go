// Package campaign is about co-creation campaigns: a brief and a handful of
// concrete questions that the community answers. The co-creation hub adds
// ideas, votes and comments on top; this package holds the campaigns and
// who may see them.
package campaign

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
)

// The visibilities of a campaign.
const (
	Public  = "public"  // everyone, signed in or not
	Members = "members" // signed-in accounts
	Invited = "invited" // invited members and staff
)

// Campaign is a co-creation initiative.
type Campaign struct {
	ID         int64
	Slug       string
	Title      string
	Brief      string // Markdown
	Visibility string
	Languages  []string
	VoteBudget int
	StartsAt   time.Time
	EndsAt     time.Time
	CreatedAt  time.Time
	Questions  []Question
	// HoldFirstPosts holds the first idea or comment of an account with no
	// visible contribution yet until a moderator approves it.
	HoldFirstPosts bool
	// BriefHTML is Brief rendered and sanitised when it was written; pages
	// print it as it is.
	BriefHTML string
	// CoverKey is the key of the cover image in uploads, or "".
	CoverKey string
}

// CoverURL is where the cover image is served, or "".
func (c *Campaign) CoverURL() string {
	if c.CoverKey == "" {
		return ""
	}
	return "/uploads/" + c.CoverKey
}

// OpenAt reports whether the campaign takes ideas and votes at t: after it
// starts (if it has a start) and before it ends (if it has an end).
func (c *Campaign) OpenAt(t time.Time) bool {
	return (c.StartsAt.IsZero() || !t.Before(c.StartsAt)) && (c.EndsAt.IsZero() || t.Before(c.EndsAt))
}

// Question is one concrete question of a campaign.
type Question struct {
	ID         int64
	CampaignID int64
	Position   int
	Text       string
	Help       string
}

// Invite is a member invited to a campaign.
type Invite struct {
	CampaignID int64
	PersonID   int64
	Name       string
	Email      string
	CreatedAt  time.Time
}

// Store keeps campaigns, their questions and invitations. Every write takes
// its audit entry and appends it in the same transaction.
type Store interface {
	// CreateCampaign stores c with its questions; ECONFLICT (field slug)
	// for a slug in use. e.TargetID is set to the new id.
	CreateCampaign(ctx context.Context, c *Campaign, e audit.Entry) error
	// UpdateCampaign writes the editable fields of c; ECONFLICT (slug).
	UpdateCampaign(ctx context.Context, c *Campaign, e audit.Entry) error
	// ListCampaigns returns campaigns with one of the visibilities, with
	// their questions, newest first.
	ListCampaigns(ctx context.Context, visibilities []string) ([]*Campaign, error)
	// InvitedCampaigns returns the campaigns of visibility "invited" that
	// a person is invited to, with their questions, newest first.
	InvitedCampaigns(ctx context.Context, personID int64) ([]*Campaign, error)
	CampaignBySlug(ctx context.Context, slug string) (*Campaign, error)
	CampaignByID(ctx context.Context, id int64) (*Campaign, error)
	// SetHoldFirstPosts changes the setting and appends e, in one
	// transaction; ENOTFOUND for an unknown campaign.
	SetHoldFirstPosts(ctx context.Context, id int64, on bool, e audit.Entry) error

	// AddQuestion appends q to its campaign's questions.
	AddQuestion(ctx context.Context, q *Question, e audit.Entry) error
	// UpdateQuestion changes a question's text and help; ENOTFOUND unless
	// it is one of its campaign's.
	UpdateQuestion(ctx context.Context, q *Question, e audit.Entry) error
	// SetQuestionOrder numbers the campaign's questions in the order of ids.
	SetQuestionOrder(ctx context.Context, campaignID int64, ids []int64, e audit.Entry) error
	// RemoveQuestion deletes a question; ECONFLICT if it has ideas.
	RemoveQuestion(ctx context.Context, campaignID, questionID int64, e audit.Entry) error

	// IsInvited reports whether a person is invited to a campaign.
	IsInvited(ctx context.Context, campaignID, personID int64) (bool, error)
	// Invite invites the person whose account has email; ENOTFOUND (field
	// email) if there is none. Inviting twice is not an error.
	Invite(ctx context.Context, campaignID int64, email string, byPersonID int64, at time.Time, e audit.Entry) (*Invite, error)
	// Uninvite takes an invitation back; ENOTFOUND if there was none.
	Uninvite(ctx context.Context, campaignID, personID int64, e audit.Entry) error
	Invites(ctx context.Context, campaignID int64) ([]Invite, error)

	// UploadOwner returns the person who uploaded an image; ENOTFOUND.
	UploadOwner(ctx context.Context, key string) (int64, error)
}

// Service holds the rules about campaigns.
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

var errNotFound = &samtal.Error{Code: samtal.ENOTFOUND, Message: "error.not_found"}

// visible returns the visibilities the actor may see whole; members see
// invited campaigns one by one, by their invitations.
func visible(a samtal.Actor) []string {
	switch {
	case a.Role.Staff():
		return []string{Public, Members, Invited}
	case a.SignedIn():
		return []string{Public, Members}
	}
	return []string{Public}
}

// List returns the campaigns the actor may see, newest first: for a member
// also the invited-only campaigns they are invited to.
func (s *Service) List(ctx context.Context) ([]*Campaign, error) {
	a := samtal.ActorFrom(ctx)
	list, err := s.Store.ListCampaigns(ctx, visible(a))
	if err != nil || a.Role.Staff() || a.PersonID == 0 {
		return list, err
	}
	invited, err := s.Store.InvitedCampaigns(ctx, a.PersonID)
	if err != nil || len(invited) == 0 {
		return list, err
	}
	list = append(list, invited...)
	slices.SortFunc(list, func(x, y *Campaign) int { return cmp.Compare(y.ID, x.ID) })
	return list, nil
}

// Get returns a campaign by slug. Returns ENOTFOUND also when the actor may
// not see it, so that its existence is not revealed.
func (s *Service) Get(ctx context.Context, slug string) (*Campaign, error) {
	c, err := s.Store.CampaignBySlug(ctx, slug)
	if err == nil {
		remember(ctx, c)
	}
	return s.visibleOrNotFound(ctx, c, err)
}

// GetByID is Get by id.
func (s *Service) GetByID(ctx context.Context, id int64) (*Campaign, error) {
	c, err := s.byID(ctx, id)
	return s.visibleOrNotFound(ctx, c, err)
}

func (s *Service) visibleOrNotFound(ctx context.Context, c *Campaign, err error) (*Campaign, error) {
	if err != nil {
		return nil, err
	}
	a := samtal.ActorFrom(ctx)
	for _, v := range visible(a) {
		if c.Visibility == v {
			return c, nil
		}
	}
	if c.Visibility == Invited && a.PersonID != 0 && a.Can(samtal.PermContribute) {
		ok, err := s.Store.IsInvited(ctx, c.ID, a.PersonID)
		if err != nil {
			return nil, err
		}
		if ok {
			return c, nil
		}
	}
	return nil, errNotFound
}
