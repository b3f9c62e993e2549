// Package campaign is about co-creation campaigns: a brief and a handful of
// concrete questions that the community answers. The co-creation hub adds
// ideas, votes and comments on top; this package holds the campaigns and
// who may see them.
package campaign

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

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

// Store keeps campaigns.
type Store interface {
	CreateCampaign(ctx context.Context, c *Campaign) error
	// ListCampaigns returns campaigns with one of the visibilities, with
	// their questions, newest first.
	ListCampaigns(ctx context.Context, visibilities []string) ([]*Campaign, error)
	CampaignBySlug(ctx context.Context, slug string) (*Campaign, error)
	CampaignByID(ctx context.Context, id int64) (*Campaign, error)
	// SetHoldFirstPosts changes the setting and appends e, in one
	// transaction; ENOTFOUND for an unknown campaign.
	SetHoldFirstPosts(ctx context.Context, id int64, on bool, e audit.Entry) error
}

// Service holds the rules about campaigns.
type Service struct {
	Store Store
}

// visible returns the visibilities the actor may see.
func visible(a samtal.Actor) []string {
	switch {
	case a.Role.Staff():
		return []string{Public, Members, Invited}
	case a.SignedIn():
		return []string{Public, Members}
	}
	return []string{Public}
}

// List returns the campaigns the actor may see.
func (s *Service) List(ctx context.Context) ([]*Campaign, error) {
	return s.Store.ListCampaigns(ctx, visible(samtal.ActorFrom(ctx)))
}

// Get returns a campaign by slug. Returns ENOTFOUND also when the actor may
// not see it, so that its existence is not revealed.
func (s *Service) Get(ctx context.Context, slug string) (*Campaign, error) {
	c, err := s.Store.CampaignBySlug(ctx, slug)
	return s.visibleOrNotFound(ctx, c, err)
}

// GetByID is Get by id.
func (s *Service) GetByID(ctx context.Context, id int64) (*Campaign, error) {
	c, err := s.Store.CampaignByID(ctx, id)
	return s.visibleOrNotFound(ctx, c, err)
}

func (s *Service) visibleOrNotFound(ctx context.Context, c *Campaign, err error) (*Campaign, error) {
	if err != nil {
		return nil, err
	}
	for _, v := range visible(samtal.ActorFrom(ctx)) {
		if c.Visibility == v {
			return c, nil
		}
	}
	return nil, samtal.Errorf(samtal.ENOTFOUND, "error.not_found")
}

// Create stores a new campaign with its questions. Returns EFORBIDDEN unless
// the actor may moderate (moderators and admins), and EINVALID for a missing title, slug or question text.
func (s *Service) Create(ctx context.Context, c *Campaign) error {
	if err := samtal.ActorFrom(ctx).Require(samtal.PermModerate); err != nil {
		return err
	}
	c.Title = strings.TrimSpace(c.Title)
	if c.Title == "" || utf8.RuneCountInString(c.Title) > 200 {
		return samtal.FieldError("title", "error.title_invalid")
	}
	if c.Slug == "" || strings.Trim(c.Slug, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
		return samtal.FieldError("slug", "error.slug_invalid")
	}
	switch c.Visibility {
	case Public, Members, Invited:
	default:
		return samtal.FieldError("visibility", "error.visibility_invalid")
	}
	for i := range c.Questions {
		q := &c.Questions[i]
		q.Position = i + 1
		q.Text = strings.TrimSpace(q.Text)
		if q.Text == "" {
			return samtal.FieldError("questions", "error.question_required")
		}
	}
	c.CreatedAt = time.Now().UTC()
	return s.Store.CreateCampaign(ctx, c)
}
