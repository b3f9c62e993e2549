package campaign

import (
	"context"

	"github.com/samtal-dev/samtal"
)

// VisibleTo returns the visibilities of the campaigns the actor may see,
// for lists that span campaigns (the roadmap, a member's contributions) and
// filter in one query instead of asking per campaign.
func VisibleTo(a samtal.Actor) []string { return visible(a) }

// Visibilities returns the visibilities of the campaigns the caller may
// see, for queries that span campaigns (search): the same rule as Get and
// List.
func (s *Service) Visibilities(ctx context.Context) []string {
	return visible(samtal.ActorFrom(ctx))
}
