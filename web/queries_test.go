package web

import (
	"fmt"
	"testing"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/idea"
)

// TestPagesTakeConstantQueries counts the SQL statements the store runs for
// the pages and API lists that show many items, first with one item each
// and then with thirty more: a query per item (N+1) anywhere between the
// handler and the store shows as a difference. The count is the store's
// own (sqlstore.DB.Reads), so it sees every read, whichever method made it.
func TestPagesTakeConstantQueries(t *testing.T) {
	h := newHarness(t, "sqlite")
	// Every API call reads its token: a cache that expires between the two
	// counts would make them differ by one.
	h.accounts.TokenCacheTTL = 0
	c := newCampaign(t, h, "sofa", campaign.Public, 50)
	h.addUser("mod@example.org", samtal.RoleModerator)
	var members []string
	for k := 0; k < 31; k++ {
		email := fmt.Sprintf("m%d@example.org", k)
		h.addUser(email, samtal.RoleMember)
		members = append(members, email)
	}
	ann := members[0]
	annCtx := as(t, h, ann)
	first := newIdea(t, h, ann, c.Questions[0].ID, "Idea 0")

	// addItems gives the pages n more of everything they list: ideas with
	// votes, comments (and replies) on the first idea, status changes, and
	// reports for the moderators' queue.
	next := 1
	addItems := func(n int) {
		t.Helper()
		for k := 0; k < n; k, next = k+1, next+1 {
			who := members[next%len(members)]
			ctx := as(t, h, who)
			i := newIdea(t, h, who, c.Questions[next%2].ID, fmt.Sprintf("Idea %d", next))
			if _, err := h.srv.Ideas.Vote(annCtx, i.ID); err != nil {
				t.Fatal(err)
			}
			cm, err := h.srv.Ideas.AddComment(ctx, first.ID, 0, fmt.Sprintf("Comment %d for @%s", next, "m0"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := h.srv.Ideas.AddComment(annCtx, first.ID, cm.ID, "Thanks!"); err != nil {
				t.Fatal(err)
			}
			if err := h.srv.Ideas.SetStatus(cli(), i.ID, idea.Planned, "Soon"); err != nil {
				t.Fatal(err)
			}
			reporter := as(t, h, members[(next+1)%len(members)])
			if _, err := h.srv.Moderation.Report(reporter, fmt.Sprintf("comment-%d", cm.ID), "spam", ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	addItems(1)

	member, mod := h.client(), h.client()
	member.signIn(ann)
	mod.signIn("mod@example.org")
	tok := h.token(ann)
	pages := []struct {
		name string
		get  func() *response
	}{
		{"campaign page", func() *response { return member.get("/campaigns/sofa") }},
		{"idea page, visitor", func() *response { return h.client().get(fmt.Sprintf("/ideas/%d", first.ID)) }},
		{"idea page, member", func() *response { return member.get(fmt.Sprintf("/ideas/%d", first.ID)) }},
		{"idea page, moderator", func() *response { return mod.get(fmt.Sprintf("/ideas/%d", first.ID)) }},
		{"roadmap", func() *response { return member.get("/roadmap") }},
		{"my contributions", func() *response { return member.get("/me/contributions") }},
		{"notifications", func() *response { return member.get("/notifications") }},
		{"moderation queue", func() *response { return mod.get("/moderation") }},
		{"API ideas", func() *response { return h.api("GET", fmt.Sprintf("/api/v1/ideas?campaign_id=%d", c.ID), tok) }},
		{"API comments", func() *response { return h.api("GET", fmt.Sprintf("/api/v1/ideas/%d/comments", first.ID), tok) }},
		{"API notifications", func() *response { return h.api("GET", "/api/v1/notifications", tok) }},
	}
	count := func() map[string]int64 {
		out := map[string]int64{}
		for _, p := range pages {
			before := h.db.Reads()
			if res := p.get(); res.StatusCode != 200 {
				t.Fatalf("%s: %d", p.name, res.StatusCode)
			}
			out[p.name] = h.db.Reads() - before
		}
		return out
	}
	few := count()
	addItems(30)
	many := count()
	for _, p := range pages {
		if few[p.name] != many[p.name] || few[p.name] == 0 {
			t.Errorf("%s: %d reads with one item, %d with thirty-one more", p.name, few[p.name], many[p.name])
		}
	}
	t.Logf("reads per page: %v", many)
}
