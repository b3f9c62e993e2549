package campaign

import (
	"context"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
)

// SetHoldFirstPosts turns holding newcomers' first posts for review on or
// off, audited. Returns EFORBIDDEN unless the actor may moderate and
// ENOTFOUND for an unknown campaign.
func (s *Service) SetHoldFirstPosts(ctx context.Context, id int64, on bool) error {
	if err := samtal.ActorFrom(ctx).Require(samtal.PermModerate); err != nil {
		return err
	}
	c, err := s.GetByID(ctx, id)
	if err != nil {
		return err
	}
	e := audit.New(ctx, "moderation.hold_first_posts", "campaign", id,
		map[string]any{"hold_first_posts": c.HoldFirstPosts}, map[string]any{"hold_first_posts": on})
	return s.Store.SetHoldFirstPosts(ctx, id, on, e)
}
