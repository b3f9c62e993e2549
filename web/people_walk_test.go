package web

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/person"
)

// TestMembersNeverSeeStaffData walks every GET route of the table, pages
// and API, as a member (and as a visitor), with every id that means
// something here in place of {id}, and asserts that nothing staff keep
// about people reaches them: staff notes, tags, merge suggestions, persons
// without an account, other members' identities and emails. Every such
// value carries the marker "mark9q7"; the member's own staff note and tag
// carry it too, since members do not read those about themselves either.
// A new route is walked without anyone adding it here.
func TestMembersNeverSeeStaffData(t *testing.T) {
	const marker = "mark9q7"
	f := newPeopleFixture(t, "sqlite")
	h := f.h
	staff := as(t, h, "agent@example.org")
	ann, bo := f.ann.PersonID, f.bo.PersonID
	c := newCampaign(t, h, "sofa", campaign.Public, 0)
	annIdea := newIdea(t, h, "ann@example.org", c.Questions[0].ID, "Cushions for the bench")
	boIdea := newIdea(t, h, "bo@example.org", c.Questions[0].ID, "A darker oak")
	cm, err := h.srv.Ideas.AddComment(as(t, h, "bo@example.org"), annIdea.ID, 0, "I like it")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.srv.Ideas.Vote(as(t, h, "bo@example.org"), annIdea.ID); err != nil {
		t.Fatal(err)
	}

	// What staff know, each with the marker.
	outsider := f.resolve(t, person.Identity{Kind: person.KindReviewName, Network: "trustpilot", Value: "Outsider-Mark9q7", Verified: true}, "Outsider Mark9q7")
	for _, id := range []int64{ann, bo, outsider} {
		if _, err := h.srv.People.AddNote(staff, id, "Staff note MARK9Q7: phoned the shop"); err != nil {
			t.Fatal(err)
		}
		if _, err := h.srv.People.SetTags(staff, id, []string{"tag-mark9q7"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.srv.Ideas.AddNote(staff, annIdea.ID, "Idea note mark9q7"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.srv.People.AddIdentity(staff, bo, person.Identity{Kind: person.KindHandle, Network: "instagram", Value: "bo.mark9q7", Verified: true}); err != nil {
		t.Fatal(err)
	}
	// Suggestions: an unverified copy of Bo's email; the outsider's name
	// in the same place twice.
	claim := f.resolve(t, person.Identity{Kind: person.KindEmail, Value: "bo@example.org"}, "Claim Mark9q7")
	loc := func(value string) int64 {
		p, _, err := h.srv.Resolver.Resolve(cli(), person.Resolution{Identity: person.Identity{Kind: person.KindURL, Value: value, Verified: true},
			Name: "Outsider Mark9q7", Location: "Aarhus"})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	place1, place2 := loc("https://one-mark9q7.example"), loc("https://two-mark9q7.example")
	sugg, err := h.srv.People.Suggestions(staff, person.SuggestionFilter{})
	if err != nil || len(sugg) < 2 {
		t.Fatalf("suggestions: %v %v", sugg, err)
	}
	// A merge record between persons without accounts.
	m, err := h.srv.People.Merge(staff, place2, place1)
	if err != nil {
		t.Fatal(err)
	}
	annAcc, _, _ := sqlstoreAccount(h, "ann@example.org")

	ids := []int64{ann, bo, outsider, claim, place1, place2, annIdea.ID, boIdea.ID, cm.ID, sugg[0].ID, m.ID, annAcc.IdentityID, 999999}
	fill := map[string][]string{
		"{slug}": {"sofa"}, "{token}": {"no-such-token"}, "{key}": {"no-such-key"}, "{qid}": {fmt.Sprint(c.Questions[0].ID)},
		"{target}": {fmt.Sprintf("idea-%d", annIdea.ID), fmt.Sprintf("comment-%d", cm.ID)},
		"{iid}":    {fmt.Sprint(annAcc.IdentityID)}, "{$}": {""},
	}
	for _, id := range ids {
		fill["{id}"] = append(fill["{id}"], fmt.Sprint(id))
	}
	fill["{id}"] = append(fill["{id}"], person.MergeKey(m.ID), fmt.Sprintf("idea-%d", annIdea.ID))
	param := regexp.MustCompile(`\{[a-z_$]+\}`)
	// expand returns every path the pattern makes with the values above.
	var expand func(string) []string
	expand = func(p string) []string {
		loc := param.FindStringIndex(p)
		if loc == nil {
			return []string{p}
		}
		vals, ok := fill[p[loc[0]:loc[1]]]
		if !ok {
			vals = []string{"x"}
		}
		var out []string
		for _, v := range vals {
			out = append(out, expand(p[:loc[0]]+v+p[loc[1]:])...)
		}
		return out
	}
	// Queries that find the marked records if anything would show them.
	// None holds a marked value itself: pages echo their query (the
	// search box, the language form's way back).
	lists := []string{"", "?q=Outsider", fmt.Sprintf("?person_id=%d", outsider), "?kind=person,idea,comment&q=Outsider", "?state=rejected"}
	one := []string{"", "?state=rejected&q=Outsider"}

	member := h.client()
	member.signIn("ann@example.org")
	visitor := h.client()
	annTok := f.annTok
	forbidden := []string{marker, "bo@example.org", "phoned the shop"}
	walked, ok200 := 0, 0
	sawPublic := false
	for _, rt := range h.srv.Routes() {
		if rt.Method != "GET" {
			continue
		}
		queries := lists
		if param.MatchString(rt.Path) {
			queries = one
		}
		for _, path := range expand(rt.Path) {
			for _, q := range queries {
				for _, who := range []string{"member", "visitor"} {
					var res *response
					switch {
					case rt.Kind == apiRoute && who == "member":
						res = h.api("GET", path+q, annTok)
					case rt.Kind == apiRoute:
						res = h.api("GET", path+q, "")
					case who == "member":
						res = member.get(path + q)
					default:
						res = visitor.get(path + q)
					}
					walked++
					if res.StatusCode == 200 {
						ok200++
					}
					if strings.Contains(res.body, "Bo Lund") && strings.HasPrefix(path, fmt.Sprintf("/api/v1/persons/%d", bo)) {
						sawPublic = true
					}
					low := strings.ToLower(res.body)
					for _, bad := range forbidden {
						if strings.Contains(low, bad) {
							i := strings.Index(low, bad)
							t.Errorf("GET %s%s as %s (%d) shows %q: …%s…", path, q, who, res.StatusCode, bad, res.body[max(0, i-150):min(len(res.body), i+150)])
						}
					}
				}
			}
		}
	}
	// The walk must be able to find something: the member read pages and
	// another member's public profile.
	if ok200 < 50 || !sawPublic {
		t.Errorf("walked %d requests, %d answered 200, public profile seen: %v", walked, ok200, sawPublic)
	}
	t.Logf("walked %d requests, %d answered 200", walked, ok200)

	// The walk's marks are really there for staff.
	agent := h.client()
	agent.signIn("agent@example.org")
	if page := strings.ToLower(agent.get(fmt.Sprintf("/admin/people/%d", ann)).body); !strings.Contains(page, "staff note mark9q7") || !strings.Contains(page, "tag-mark9q7") {
		t.Errorf("the staff profile lacks the marked note or tag")
	}
	if body := h.api("GET", fmt.Sprintf("/api/v1/persons/%d", bo), f.agentTok).body; !strings.Contains(body, "bo.mark9q7") || !strings.Contains(body, "bo@example.org") {
		t.Errorf("staff do not see Bo's identities: %s", body)
	}
}
