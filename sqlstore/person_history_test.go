package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/person"
	"github.com/samtal-dev/samtal/sqlstore"
)

// TestStaffCreatePerson: a person staff add is stored with identities and
// its audit entry in one transaction, proposes merges like a resolved one,
// and a taken identity stores nothing.
func TestStaffCreatePerson(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newPeopleWorld(t, db)
		ctx := context.Background()
		existing := w.resolve(person.Identity{Kind: person.KindURL, Value: "https://lars.example.dk", Verified: true}, "Lars Holm", "", "Aarhus")
		p, err := w.resolver.Create(w.staff, person.NewPerson{Name: "lars holm", Location: "aarhus", Languages: []string{"DA"},
			Identities: []person.Identity{{Kind: person.KindEmail, Value: "Lars@Example.dk"}, {Kind: person.KindHandle, Network: "Instagram", Value: "@lars"}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Identities) != 2 || p.Identities[0].Value != "lars@example.dk" || p.Identities[0].Source != person.SourceStaff ||
			p.Identities[0].Verified || !slices.Equal(p.Languages, []string{"da"}) {
			t.Errorf("created: %+v", p)
		}
		entries, err := sqlstore.NewAudit(db).ListAudit(ctx, audit.Filter{Action: "person.create", Limit: 10})
		if err != nil || len(entries) != 1 || entries[0].TargetID != strconv.FormatInt(p.ID, 10) {
			t.Errorf("audit: %+v %v", entries, err)
		}
		open, _ := w.people.Suggestions(w.staff, person.SuggestionFilter{PersonID: p.ID})
		if len(open) != 1 || open[0].Reason != person.ReasonNameLocation || open[0].PersonA != existing {
			t.Errorf("suggestions of the new person: %+v", open)
		}

		// Refusals store nothing.
		member, _ := w.actor(samtal.RoleMember)
		before, _ := w.people.List(w.staff, person.ListFilter{Bots: true, Limit: 100})
		for name, in := range map[string]person.NewPerson{
			"taken":    {Name: "X", Identities: []person.Identity{{Kind: person.KindURL, Value: "https://new.example"}, {Kind: person.KindURL, Value: "https://lars.example.dk", Verified: true}}},
			"repeated": {Identities: []person.Identity{{Kind: person.KindURL, Value: "https://a.example"}, {Kind: person.KindURL, Value: "http://www.a.example/"}}},
			"empty":    {},
			"bad":      {Name: "X", Identities: []person.Identity{{Kind: person.KindHandle, Value: "x"}}},
		} {
			if _, err := w.resolver.Create(w.staff, in); err == nil {
				t.Errorf("%s: created", name)
			}
		}
		if _, err := w.resolver.Create(member, person.NewPerson{Name: "Mine"}); samtal.ErrorCode(err) != samtal.EFORBIDDEN {
			t.Errorf("member creates: %v", err)
		}
		after, _ := w.people.List(w.staff, person.ListFilter{Bots: true, Limit: 100})
		if len(after) != len(before) {
			t.Errorf("refusals made persons: %d before, %d after", len(before), len(after))
		}
		if entries, _ := sqlstore.NewAudit(db).ListAudit(ctx, audit.Filter{Action: "person.create", Limit: 10}); len(entries) != 1 {
			t.Errorf("refusals were audited: %d entries", len(entries))
		}
		if kinds := w.people.TimelineKinds(); !slices.Contains(kinds, "idea") || !slices.Contains(kinds, "identity") {
			t.Errorf("timeline kinds: %v", kinds)
		}
	})
}

// TestMergesOfAndPublicStats: a profile's merge history has both sides with
// names, newest first; public figures count only what another member may
// see.
func TestMergesOfAndPublicStats(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newPeopleWorld(t, db)
		x := w.resolve(person.Identity{Kind: person.KindURL, Value: "https://x.example", Verified: true}, "X", "", "")
		y := w.resolve(person.Identity{Kind: person.KindURL, Value: "https://y.example", Verified: true}, "Y", "", "")
		z := w.resolve(person.Identity{Kind: person.KindURL, Value: "https://z.example", Verified: true}, "Z", "", "")
		m1, err := w.people.Merge(w.staff, x, y)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.people.Unmerge(w.staff, m1.ID); err != nil {
			t.Fatal(err)
		}
		m2, err := w.people.Merge(w.staff, y, z)
		if err != nil {
			t.Fatal(err)
		}
		got, err := w.people.Merges(w.staff, y)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != m2.ID || got[0].PersonName != "Y" || got[0].IntoName != "Z" || !got[0].UndoneAt.IsZero() ||
			got[1].ID != m1.ID || got[1].PersonName != "X" || got[1].UndoneAt.IsZero() || got[1].ActorName == "" {
			t.Errorf("merges of Y: %+v", got)
		}
		member, _ := w.actor(samtal.RoleMember)
		if _, err := w.people.Merges(member, y); samtal.ErrorCode(err) != samtal.EFORBIDDEN {
			t.Errorf("member reads merges: %v", err)
		}

		// Public figures: a visible idea and comment count; an idea in an
		// invited campaign the viewer is not invited to and votes do not.
		author, authorID := w.actor(samtal.RoleMember)
		authorEmail := fmt.Sprintf("p%d@example.org", w.n)
		admin := samtal.WithActor(context.Background(), samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
		inner := &campaign.Campaign{Slug: "inner", Title: "Inner", Visibility: campaign.Invited, Questions: []campaign.Question{{Text: "Q?"}}}
		if err := w.ideas.Campaigns.(*campaign.Service).Create(admin, inner); err != nil {
			t.Fatal(err)
		}
		if _, err := w.ideas.Campaigns.(*campaign.Service).Invite(admin, inner.ID, authorEmail); err != nil {
			t.Fatal(err)
		}
		seen := w.post(author, "Seen")
		w.tick()
		if _, err := w.ideas.Create(author, idea.NewIdea{QuestionID: inner.Questions[0].ID, Title: "Unseen"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.ideas.AddComment(author, seen.ID, 0, "visible"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.ideas.Vote(author, seen.ID); err != nil {
			t.Fatal(err)
		}
		viewer, _ := w.actor(samtal.RoleMember)
		prof, err := w.people.Get(viewer, authorID)
		if err != nil {
			t.Fatal(err)
		}
		if !prof.Public || prof.Stats.Ideas != 1 || prof.Stats.Comments != 1 || prof.Stats.Votes != 0 || prof.Stats.LastActive.IsZero() {
			t.Errorf("public figures: %+v", prof)
		}
		own, err := w.people.Get(author, authorID)
		if err != nil {
			t.Fatal(err)
		}
		if own.Public || own.Stats.Ideas != 2 || own.Stats.Votes != 1 {
			t.Errorf("own figures: %+v", own.Stats)
		}
		if _, err := w.people.SetTags(w.staff, authorID, []string{"vip"}); err != nil {
			t.Fatal(err)
		}
		if own, _ := w.people.Get(author, authorID); len(own.Person.Tags) != 0 {
			t.Errorf("a member reads their own tags: %v", own.Person.Tags)
		}
		if st, _ := w.people.Get(w.staff, authorID); !slices.Equal(st.Person.Tags, []string{"vip"}) || st.Stats.Ideas != 2 {
			t.Errorf("staff view: %+v", st)
		}
	})
}
