package campaign

import (
	"context"

	"github.com/samtal-dev/samtal"
)

// Visibilities returns the visibilities of the campaigns the actor may see,
// for queries that span campaigns (search): the same rule as Get and List.
func (s *Service) Visibilities(ctx context.Context) []string {
	return visible(samtal.ActorFrom(ctx))
}
