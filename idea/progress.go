package idea

import (
	"context"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/campaign"
)

// RoadmapStatuses are the statuses a roadmap shows, in its order: what is
// coming, what is being built, what is done, what is still being looked
// at, and what was declined (shown folded).
var RoadmapStatuses = []string{Planned, InProgress, Done, UnderReview, Declined}

// RoadmapPerStatus is how many ideas a roadmap shows per status, most
// votes first.
const RoadmapPerStatus = 50

// RoadmapItem is one idea on a roadmap with its latest public note.
type RoadmapItem struct {
	ID            int64
	CampaignID    int64
	CampaignSlug  string
	CampaignTitle string
	Title         string
	Status        string
	Votes         int
	Comments      int
	Note          string // the latest status change's note that is not empty
	NoteAt        time.Time
}

// RoadmapFilter selects a roadmap: one campaign, or every campaign of the
// scope.
type RoadmapFilter struct {
	CampaignID int64
	Scope      campaign.Scope
	PerStatus  int
}

// RoadmapColumn is one status of a roadmap with its ideas.
type RoadmapColumn struct {
	Status string
	Items  []RoadmapItem
}

// Contribution is an idea a person posted, voted for or commented on, with
// what became of it since.
type Contribution struct {
	IdeaID          int64
	Title           string
	Status          string
	Votes           int
	Comments        int
	CampaignSlug    string
	CampaignTitle   string
	MergedInto      int64
	MergedIntoTitle string
	Posted          bool
	Voted           bool
	Commented       bool
	// Since is the person's first contribution to the idea.
	Since time.Time
	// Changes are the status changes since then, newest first.
	Changes []StatusChange
}

// ProgressStore reads roadmaps and contributions in a fixed number of
// queries, whatever their length.
type ProgressStore interface {
	// Roadmap returns at most f.PerStatus ideas per roadmap status that are
	// not merged, most votes first, with their latest public note.
	Roadmap(ctx context.Context, f RoadmapFilter) ([]RoadmapItem, error)
	// Contributions returns one page of the ideas a person posted, voted
	// for or commented on in campaigns of the scope, the ones
	// with the latest news first, each with its status changes since the
	// person's first contribution.
	Contributions(ctx context.Context, personID int64, scope campaign.Scope, offset, limit int) ([]Contribution, error)
}

// Roadmap returns the roadmap of one campaign (campaignID) or of every
// campaign the actor may see (campaignID 0), in RoadmapStatuses order; every
// status is there, with or without ideas. Returns ENOTFOUND for a campaign
// the actor may not see.
func (s *Service) Roadmap(ctx context.Context, campaignID int64) ([]RoadmapColumn, error) {
	a := samtal.ActorFrom(ctx)
	f := RoadmapFilter{CampaignID: campaignID, Scope: campaign.ScopeOf(a), PerStatus: RoadmapPerStatus}
	if campaignID != 0 {
		if _, err := s.Campaigns.GetByID(ctx, campaignID); err != nil {
			return nil, err
		}
		// The campaign check decided.
		f.Scope = campaign.AllCampaigns()
	}
	items, err := s.Progress.Roadmap(ctx, f)
	if err != nil {
		return nil, err
	}
	cols := make([]RoadmapColumn, len(RoadmapStatuses))
	at := map[string]int{}
	for i, st := range RoadmapStatuses {
		cols[i].Status = st
		at[st] = i
	}
	for _, it := range items {
		if i, ok := at[it.Status]; ok {
			cols[i].Items = append(cols[i].Items, it)
		}
	}
	return cols, nil
}

// Contributions returns one page of what became of the actor's ideas,
// votes and comments, only in campaigns the actor may still see. Returns
// EUNAUTHORIZED for visitors, EFORBIDDEN for an account without a person
// and EINVALID for a bad page.
func (s *Service) Contributions(ctx context.Context, offset, limit int) ([]Contribution, error) {
	a := samtal.ActorFrom(ctx)
	if err := requirePerson(a); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 101 {
		return nil, samtal.FieldError("limit", "error.limit_invalid")
	}
	if offset < 0 || offset > 100000 {
		return nil, samtal.FieldError("offset", "error.number_invalid")
	}
	return s.Progress.Contributions(ctx, a.PersonID, campaign.ScopeOf(a), offset, limit)
}
