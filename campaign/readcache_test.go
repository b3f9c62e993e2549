package campaign_test

import (
	"context"
	"testing"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/sqlstore"
)

func TestReadCache(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		s := &campaign.Service{Store: sqlstore.NewCampaigns(db)}
		cli := samtal.WithActor(context.Background(), samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
		c := &campaign.Campaign{Slug: "club", Title: "Club", Visibility: campaign.Members, Questions: []campaign.Question{{Text: "Q?"}}}
		if err := s.Create(cli, c); err != nil {
			t.Fatal(err)
		}
		member := samtal.WithActor(context.Background(), samtal.Actor{AccountID: 1, PersonID: 1, Role: samtal.RoleMember})
		reads := func(ctx context.Context, get func(context.Context) (*campaign.Campaign, error)) int64 {
			t.Helper()
			before := db.Reads()
			if got, err := get(ctx); err != nil || got.ID != c.ID || len(got.Questions) != 1 {
				t.Fatalf("get: %+v %v", got, err)
			}
			return db.Reads() - before
		}
		byID := func(ctx context.Context) (*campaign.Campaign, error) { return s.GetByID(ctx, c.ID) }
		bySlug := func(ctx context.Context) (*campaign.Campaign, error) { return s.Get(ctx, "club") }

		// Without a cache every call reads; with one, a campaign read once
		// (by slug or id) is not read again in that request.
		if a, b := reads(member, byID), reads(member, byID); a == 0 || a != b {
			t.Errorf("without a cache: %d then %d reads", a, b)
		}
		req := campaign.WithReadCache(member)
		if n := reads(req, bySlug); n == 0 {
			t.Errorf("first read through the cache read nothing")
		}
		if n := reads(req, byID); n != 0 {
			t.Errorf("second read in one request: %d reads, want 0", n)
		}
		// The visibility check still runs on what the cache holds.
		visitor := campaign.WithReadCache(context.Background())
		if _, err := s.Get(campaign.WithReadCache(member), "club"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetByID(visitor, c.ID); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("visitor: %v, want ENOTFOUND", err)
		}
		if _, err := s.Get(visitor, "club"); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("visitor by slug, cached by its own read: %v", err)
		}
		if _, err := s.GetByID(visitor, c.ID); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("visitor, from the cache: %v, want ENOTFOUND", err)
		}
	})
}
