package campaign

import (
	"context"

	"github.com/samtal-dev/samtal"
)

// Scope is the campaigns an actor may see, for queries that span campaigns
// and filter in one query instead of asking per campaign (search, the
// roadmap across campaigns, a member's contributions): the campaigns of
// Visibilities, and also the invited-only campaigns that InvitedPersonID is
// invited to (0: nobody). It is the same rule as Get and List.
type Scope struct {
	Visibilities    []string
	InvitedPersonID int64
}

// ScopeOf returns the scope of the actor a.
func ScopeOf(a samtal.Actor) Scope {
	s := Scope{Visibilities: visible(a)}
	if a.SignedIn() && !a.Role.Staff() && a.PersonID != 0 {
		s.InvitedPersonID = a.PersonID // staff see invited-only campaigns anyway
	}
	return s
}

// AllCampaigns is the scope of every campaign, for a query about one
// campaign that the caller has checked already.
func AllCampaigns() Scope { return Scope{Visibilities: Visibilities} }

// Scope returns the scope of the caller.
func (s *Service) Scope(ctx context.Context) Scope { return ScopeOf(samtal.ActorFrom(ctx)) }
