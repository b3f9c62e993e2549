package campaign

import (
	"context"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/markup"
)

// Limits of a campaign.
const (
	MaxTitleLen    = 200
	MaxSlugLen     = 60
	MaxBriefLen    = 20000
	MaxQuestionLen = 300
	MaxHelpLen     = 1000
	MaxQuestions   = 20
	MaxVoteBudget  = 1000
)

// Languages are the languages a campaign may be held in.
var Languages = []string{"en", "de", "da"}

// Visibilities lists the visibilities in the order forms offer them.
var Visibilities = []string{Public, Members, Invited}

// Create stores a new campaign with its questions, audited. Returns
// EUNAUTHORIZED or EFORBIDDEN unless the actor may manage campaigns,
// EINVALID for a bad field (title, slug, visibility, languages, ends_at,
// vote_budget, brief, cover, questions) and ECONFLICT for a slug in use.
func (s *Service) Create(ctx context.Context, c *Campaign) error {
	if err := samtal.ActorFrom(ctx).Require(samtal.PermManageCampaigns); err != nil {
		return err
	}
	if err := s.check(ctx, c, ""); err != nil {
		return err
	}
	if len(c.Questions) > MaxQuestions {
		return samtal.FieldError("questions", "error.too_many_questions")
	}
	for i := range c.Questions {
		q := &c.Questions[i]
		q.Position = i + 1
		if err := cleanQuestion(q); err != nil {
			return err
		}
	}
	c.CreatedAt = s.now()
	e := audit.New(ctx, "campaign.create", "campaign", 0, nil, auditView(c))
	return s.Store.CreateCampaign(ctx, c, e)
}

// Patch is a change to a campaign: nil fields stay as they are. A new
// setting is one more field here, one line in Apply and, if it has rules,
// in check.
type Patch struct {
	Title      *string
	Slug       *string
	Brief      *string
	Visibility *string
	Languages  *[]string
	VoteBudget *int
	StartsAt   *time.Time
	EndsAt     *time.Time
	CoverKey   *string
	// HoldFirstPosts holds newcomers' first ideas and comments for review.
	HoldFirstPosts *bool
}

// Apply returns a copy of c with p applied.
func (p Patch) Apply(c Campaign) *Campaign {
	set(&c.Title, p.Title)
	set(&c.Slug, p.Slug)
	set(&c.Brief, p.Brief)
	set(&c.Visibility, p.Visibility)
	set(&c.Languages, p.Languages)
	set(&c.VoteBudget, p.VoteBudget)
	set(&c.StartsAt, p.StartsAt)
	set(&c.EndsAt, p.EndsAt)
	set(&c.CoverKey, p.CoverKey)
	set(&c.HoldFirstPosts, p.HoldFirstPosts)
	return &c
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// Update changes a campaign, audited with the fields before and after.
// Returns what Create returns, and ENOTFOUND for an unknown campaign.
func (s *Service) Update(ctx context.Context, id int64, p Patch) (*Campaign, error) {
	if err := samtal.ActorFrom(ctx).Require(samtal.PermManageCampaigns); err != nil {
		return nil, err
	}
	old, err := s.GetByID(ctx, id)
	if err != nil {
		return nil, err
	}
	c := p.Apply(*old)
	if err := s.check(ctx, c, old.CoverKey); err != nil {
		return nil, err
	}
	e := audit.New(ctx, "campaign.update", "campaign", id, auditView(old), auditView(c))
	if err := s.Store.UpdateCampaign(ctx, c, e); err != nil {
		return nil, err
	}
	return c, nil
}

// auditView is what the audit log keeps of a campaign.
func auditView(c *Campaign) map[string]any {
	return map[string]any{
		"slug": c.Slug, "title": c.Title, "brief": c.Brief, "visibility": c.Visibility, "languages": c.Languages,
		"vote_budget": c.VoteBudget, "starts_at": c.StartsAt, "ends_at": c.EndsAt, "cover": c.CoverKey,
		"hold_first_posts": c.HoldFirstPosts,
	}
}

// check cleans and validates c's own fields and renders its brief.
// oldCover is the cover c had before (it may stay without re-checking).
func (s *Service) check(ctx context.Context, c *Campaign, oldCover string) error {
	c.Title = strings.TrimSpace(c.Title)
	if c.Title == "" || utf8.RuneCountInString(c.Title) > MaxTitleLen {
		return samtal.FieldError("title", "error.title_invalid")
	}
	c.Slug = strings.TrimSpace(c.Slug)
	if c.Slug == "" || len(c.Slug) > MaxSlugLen || strings.Trim(c.Slug, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" ||
		strings.HasPrefix(c.Slug, "-") || strings.HasSuffix(c.Slug, "-") {
		return samtal.FieldError("slug", "error.slug_invalid")
	}
	if !slices.Contains(Visibilities, c.Visibility) {
		return samtal.FieldError("visibility", "error.visibility_invalid")
	}
	var langs []string
	for _, l := range c.Languages {
		l = strings.ToLower(strings.TrimSpace(l))
		if l == "" || slices.Contains(langs, l) {
			continue
		}
		if !slices.Contains(Languages, l) {
			return samtal.FieldError("languages", "error.language_invalid")
		}
		langs = append(langs, l)
	}
	c.Languages = langs
	if c.VoteBudget < 0 || c.VoteBudget > MaxVoteBudget {
		return samtal.FieldError("vote_budget", "error.budget_invalid")
	}
	if !c.StartsAt.IsZero() && !c.EndsAt.IsZero() && !c.EndsAt.After(c.StartsAt) {
		return samtal.FieldError("ends_at", "error.ends_before_start")
	}
	c.Brief = strings.TrimSpace(strings.ReplaceAll(c.Brief, "\r\n", "\n"))
	if !utf8.ValidString(c.Brief) || utf8.RuneCountInString(c.Brief) > MaxBriefLen {
		return samtal.FieldError("brief", "error.too_long")
	}
	c.BriefHTML = markup.Render(c.Brief)
	if c.CoverKey != "" && c.CoverKey != oldCover {
		// Only the actor's own upload: a member's photo on a campaign needs
		// their permission first (rights requests come later).
		owner, err := s.Store.UploadOwner(ctx, c.CoverKey)
		if samtal.ErrorCode(err) == samtal.ENOTFOUND || (err == nil && owner != samtal.ActorFrom(ctx).PersonID) {
			return samtal.FieldError("cover", "error.upload_unknown")
		} else if err != nil {
			return err
		}
	}
	return nil
}

// cleanQuestion trims and checks a question's text and help.
func cleanQuestion(q *Question) error {
	q.Text = strings.TrimSpace(q.Text)
	q.Help = strings.TrimSpace(q.Help)
	if q.Text == "" {
		return samtal.FieldError("text", "error.question_required")
	}
	if utf8.RuneCountInString(q.Text) > MaxQuestionLen || utf8.RuneCountInString(q.Help) > MaxHelpLen {
		return samtal.FieldError("text", "error.too_long")
	}
	return nil
}

// managed returns a campaign for someone who manages campaigns.
func (s *Service) managed(ctx context.Context, id int64) (*Campaign, error) {
	if err := samtal.ActorFrom(ctx).Require(samtal.PermManageCampaigns); err != nil {
		return nil, err
	}
	return s.GetByID(ctx, id)
}

// AddQuestion adds a question at the end of a campaign's questions.
// Returns EFORBIDDEN, ENOTFOUND, and EINVALID (text) for an empty or long
// text or too many questions.
func (s *Service) AddQuestion(ctx context.Context, campaignID int64, text, help string) (*Question, error) {
	c, err := s.managed(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	if len(c.Questions) >= MaxQuestions {
		return nil, samtal.FieldError("text", "error.too_many_questions")
	}
	q := &Question{CampaignID: c.ID, Text: text, Help: help}
	if err := cleanQuestion(q); err != nil {
		return nil, err
	}
	e := audit.New(ctx, "campaign.question_add", "campaign", c.ID, nil, map[string]any{"text": q.Text, "help": q.Help})
	if err := s.Store.AddQuestion(ctx, q, e); err != nil {
		return nil, err
	}
	return q, nil
}

// question returns the campaign and one of its questions.
func (s *Service) question(ctx context.Context, campaignID, questionID int64) (*Campaign, *Question, error) {
	c, err := s.managed(ctx, campaignID)
	if err != nil {
		return nil, nil, err
	}
	for i := range c.Questions {
		if c.Questions[i].ID == questionID {
			return c, &c.Questions[i], nil
		}
	}
	return nil, nil, errNotFound
}

// UpdateQuestion changes a question's text and help. Returns EFORBIDDEN,
// ENOTFOUND (also for a question of another campaign) and EINVALID (text).
func (s *Service) UpdateQuestion(ctx context.Context, campaignID, questionID int64, text, help string) (*Question, error) {
	_, old, err := s.question(ctx, campaignID, questionID)
	if err != nil {
		return nil, err
	}
	q := *old
	q.Text, q.Help = text, help
	if err := cleanQuestion(&q); err != nil {
		return nil, err
	}
	e := audit.New(ctx, "campaign.question_edit", "campaign", campaignID,
		map[string]any{"question_id": q.ID, "text": old.Text, "help": old.Help}, map[string]any{"question_id": q.ID, "text": q.Text, "help": q.Help})
	if err := s.Store.UpdateQuestion(ctx, &q, e); err != nil {
		return nil, err
	}
	return &q, nil
}

// MoveQuestion moves a question up (delta < 0) or down (delta > 0) by one
// place; at either end it stays. Returns EFORBIDDEN and ENOTFOUND.
func (s *Service) MoveQuestion(ctx context.Context, campaignID, questionID int64, delta int) error {
	c, _, err := s.question(ctx, campaignID, questionID)
	if err != nil {
		return err
	}
	ids := make([]int64, len(c.Questions))
	at := 0
	for i, q := range c.Questions {
		ids[i] = q.ID
		if q.ID == questionID {
			at = i
		}
	}
	to := at + max(-1, min(1, delta))
	if to < 0 || to >= len(ids) || to == at {
		return nil
	}
	before := slices.Clone(ids)
	ids[at], ids[to] = ids[to], ids[at]
	e := audit.New(ctx, "campaign.question_order", "campaign", campaignID, map[string]any{"order": before}, map[string]any{"order": ids})
	return s.Store.SetQuestionOrder(ctx, campaignID, ids, e)
}

// RemoveQuestion removes a question that has no ideas. Returns EFORBIDDEN,
// ENOTFOUND, and ECONFLICT when ideas answer it (they would lose their
// question).
func (s *Service) RemoveQuestion(ctx context.Context, campaignID, questionID int64) error {
	_, q, err := s.question(ctx, campaignID, questionID)
	if err != nil {
		return err
	}
	e := audit.New(ctx, "campaign.question_remove", "campaign", campaignID, map[string]any{"question_id": q.ID, "text": q.Text, "help": q.Help}, nil)
	return s.Store.RemoveQuestion(ctx, campaignID, questionID, e)
}

// Invite lets the member with an account at email see and take part in a
// campaign whose visibility is "invited". Returns EFORBIDDEN, ENOTFOUND for
// the campaign, and EINVALID (email) for an address without an account.
func (s *Service) Invite(ctx context.Context, campaignID int64, email string) (*Invite, error) {
	c, err := s.managed(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	addr, err := mail.ParseAddress(strings.TrimSpace(email))
	if err != nil || addr.Name != "" {
		return nil, samtal.FieldError("email", "error.email_invalid")
	}
	e := audit.New(ctx, "campaign.invite", "campaign", c.ID, nil, map[string]any{"email": addr.Address})
	inv, err := s.Store.Invite(ctx, c.ID, strings.ToLower(addr.Address), samtal.ActorFrom(ctx).PersonID, s.now(), e)
	if samtal.ErrorCode(err) == samtal.ENOTFOUND {
		return nil, samtal.FieldError("email", "error.invite_no_account")
	}
	return inv, err
}

// Uninvite takes an invitation back. Returns EFORBIDDEN and ENOTFOUND.
func (s *Service) Uninvite(ctx context.Context, campaignID, personID int64) error {
	c, err := s.managed(ctx, campaignID)
	if err != nil {
		return err
	}
	e := audit.New(ctx, "campaign.uninvite", "campaign", c.ID, map[string]any{"person_id": personID}, nil)
	return s.Store.Uninvite(ctx, c.ID, personID, e)
}

// Invites lists a campaign's invitations for those who manage campaigns.
func (s *Service) Invites(ctx context.Context, campaignID int64) ([]Invite, error) {
	c, err := s.managed(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	return s.Store.Invites(ctx, c.ID)
}
