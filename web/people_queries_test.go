package web

import (
	"fmt"
	"testing"

	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/person"
)

// TestPeoplePagesTakeConstantQueries counts the store's reads for the
// people pages and API calls with one of everything a profile lists, and
// again with thirty more (events, identities, notes, merges, suggestions):
// a query per item anywhere shows as a difference.
func TestPeoplePagesTakeConstantQueries(t *testing.T) {
	f := newPeopleFixture(t, "sqlite")
	h := f.h
	h.accounts.TokenCacheTTL = 0 // every API call reads its token, both times
	staff := as(t, h, "agent@example.org")
	annCtx := as(t, h, "ann@example.org")
	ann := f.ann.PersonID
	c := newCampaign(t, h, "sofa", campaign.Public, 0)
	newIdea(t, h, "ann@example.org", c.Questions[0].ID, "Ann's idea")
	i := newIdea(t, h, "bo@example.org", c.Questions[0].ID, "Bo's idea")
	next := 0
	addItems := func(n int) {
		t.Helper()
		for k := 0; k < n; k, next = k+1, next+1 {
			// Comments, not ideas: a member's ideas are rate-limited.
			if _, err := h.srv.Ideas.AddComment(annCtx, i.ID, 0, fmt.Sprintf("Comment %d", next)); err != nil {
				t.Fatal(err)
			}
			if _, err := h.srv.People.AddNote(staff, ann, fmt.Sprintf("Note %d", next)); err != nil {
				t.Fatal(err)
			}
			// Someone who used Ann's email as a handle: a suggestion.
			f.resolve(t, person.Identity{Kind: person.KindHandle, Network: fmt.Sprintf("net%d", next), Value: "ann@example.org", Verified: true}, "")
			// Someone merged into Ann: an identity more, and a merge.
			o := f.resolve(t, person.Identity{Kind: person.KindURL, Value: fmt.Sprintf("https://other-%d.example", next), Verified: true}, fmt.Sprintf("Other %d", next))
			if _, err := h.srv.People.Merge(staff, o, ann); err != nil {
				t.Fatal(err)
			}
		}
	}
	addItems(1)

	agent, member, bo := h.client(), h.client(), h.client()
	agent.signIn("agent@example.org")
	member.signIn("ann@example.org")
	bo.signIn("bo@example.org")
	pages := []struct {
		name string
		get  func() *response
	}{
		{"staff profile", func() *response { return agent.get(fmt.Sprintf("/admin/people/%d", ann)) }},
		{"staff profile, kind filter", func() *response { return agent.get(fmt.Sprintf("/admin/people/%d?kind=comment", ann)) }},
		{"people list", func() *response { return agent.get("/admin/people") }},
		{"suggestions page", func() *response { return agent.get("/admin/people/suggestions") }},
		{"public profile", func() *response { return bo.get(fmt.Sprintf("/people/%d", ann)) }},
		{"own record", func() *response { return member.get("/me/profile") }},
		{"API person", func() *response { return h.api("GET", fmt.Sprintf("/api/v1/persons/%d", ann), f.agentTok) }},
		{"API persons", func() *response { return h.api("GET", "/api/v1/persons", f.agentTok) }},
		{"API timeline", func() *response { return h.api("GET", fmt.Sprintf("/api/v1/persons/%d/timeline", ann), f.agentTok) }},
		{"API identities", func() *response { return h.api("GET", fmt.Sprintf("/api/v1/persons/%d/identities", ann), f.agentTok) }},
		{"API notes", func() *response { return h.api("GET", fmt.Sprintf("/api/v1/persons/%d/notes", ann), f.agentTok) }},
		{"API suggestions", func() *response { return h.api("GET", "/api/v1/merge-suggestions", f.agentTok) }},
	}
	count := func() map[string]int64 {
		out := map[string]int64{}
		for _, p := range pages {
			before := h.db.Reads()
			if res := p.get(); res.StatusCode != 200 {
				t.Fatalf("%s: %d %.500s", p.name, res.StatusCode, res.body)
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
