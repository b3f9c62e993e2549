package campaign

import "github.com/samtal-dev/samtal"

// VisibleTo returns the visibilities of the campaigns the actor may see,
// for lists that span campaigns (the roadmap, a member's contributions) and
// filter in one query instead of asking per campaign.
func VisibleTo(a samtal.Actor) []string { return visible(a) }
