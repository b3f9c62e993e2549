package idea

import (
	"context"

	"github.com/samtal-dev/samtal/campaign"
)

// Page is what an idea's page shows, read with one visibility check.
type Page struct {
	Idea     *Idea
	Campaign *campaign.Campaign
	History  []StatusChange
	Comments []Comment // the thread as the actor may see it
	Merges   []Merge   // the ideas merged into this one
}

// Page returns an idea with its campaign, status history, thread and the
// ideas merged into it, as the actor may see them. Get, History and Comments each check visibility on
// their own; a page asking for all three would look the idea and its
// campaign up three times. Returns ENOTFOUND like Get.
func (s *Service) Page(ctx context.Context, id int64) (*Page, error) {
	i, c, err := s.withCampaign(ctx, id)
	if err != nil {
		return nil, err
	}
	p := &Page{Idea: i, Campaign: c}
	if p.History, err = s.Store.StatusChanges(ctx, id); err != nil {
		return nil, err
	}
	if p.Comments, err = s.thread(ctx, i); err != nil {
		return nil, err
	}
	if s.MergeStore != nil {
		if p.Merges, err = s.MergeStore.MergesInto(ctx, id); err != nil {
			return nil, err
		}
	}
	return p, nil
}
