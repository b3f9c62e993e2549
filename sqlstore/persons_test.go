package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/person"
	"github.com/samtal-dev/samtal/search"
	"github.com/samtal-dev/samtal/sqlstore"
)

type peopleWorld struct {
	*mergeWorld
	persons  *sqlstore.Persons
	people   *person.Service
	resolver *person.Resolver
	staff    context.Context
	c        *campaign.Campaign
}

func newPeopleWorld(t *testing.T, db *sqlstore.DB) *peopleWorld {
	w := &peopleWorld{mergeWorld: newMergeWorld(t, db), persons: sqlstore.NewPersons(db)}
	w.people = &person.Service{Store: w.persons, Now: func() time.Time { return w.clock }}
	w.resolver = &person.Resolver{Store: w.persons, Candidates: w.persons}
	w.staff, _ = w.actor(samtal.RoleAgent)
	admin := samtal.WithActor(context.Background(), samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
	w.c = &campaign.Campaign{Slug: "sofa", Title: "Sofa", Visibility: campaign.Public, Questions: []campaign.Question{{Text: "Q?"}}}
	if err := w.ideas.Campaigns.(*campaign.Service).Create(admin, w.c); err != nil {
		t.Fatal(err)
	}
	return w
}

// actor returns the context of a new account, with the identity it signs in
// with, as the session lookup makes it.
func (w *peopleWorld) actor(role samtal.Role) (context.Context, int64) {
	w.t.Helper()
	w.n++
	a := newAccount(w.t, w.accounts, fmt.Sprintf("p%d@example.org", w.n), role)
	return samtal.WithActor(context.Background(), samtal.Actor{AccountID: a.ID, PersonID: a.PersonID, IdentityID: a.IdentityID, Role: role, Via: "test"}), a.PersonID
}

// reactor returns ctx's actor as the session lookup would make it now: the
// account may have moved to another person.
func (w *peopleWorld) reactor(ctx context.Context) context.Context {
	w.t.Helper()
	a := samtal.ActorFrom(ctx)
	acc, err := w.accounts.AccountByID(context.Background(), a.AccountID)
	if err != nil {
		w.t.Fatal(err)
	}
	a.PersonID, a.IdentityID = acc.PersonID, acc.IdentityID
	return samtal.WithActor(context.Background(), a)
}

func (w *peopleWorld) post(ctx context.Context, title string) *idea.Idea {
	w.t.Helper()
	w.tick()
	i, err := w.ideas.Create(ctx, idea.NewIdea{QuestionID: w.c.Questions[0].ID, Title: title})
	if err != nil {
		w.t.Fatal(err)
	}
	return i
}

func (w *peopleWorld) snapshot(personID int64) []string {
	w.t.Helper()
	s, err := sqlstore.PersonSnapshotForTest(context.Background(), w.db, personID)
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

func (w *peopleWorld) resolve(id person.Identity, name, locale, location string) int64 {
	w.t.Helper()
	p, _, err := w.resolver.Resolve(context.Background(), person.Resolution{Identity: id, Name: name, Locale: locale, Location: location})
	if err != nil {
		w.t.Fatal(err)
	}
	return p
}

func TestResolveAttachesOnlyWhenCertain(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newPeopleWorld(t, db)
		emma := person.Identity{Kind: person.KindHandle, Network: "mastodon", Value: "@Emma@social.example", Verified: true}
		p1 := w.resolve(emma, "Emma Berg", "", "")
		// The same handle on the same network, spelt differently: the same person.
		if p := w.resolve(person.Identity{Kind: person.KindHandle, Network: "Mastodon", Value: "emma@social.example", Verified: true}, "", "", ""); p != p1 {
			t.Errorf("same handle resolved to %d, want %d", p, p1)
		}
		// Another handle on the same network is never joined, even with the same name.
		if p := w.resolve(person.Identity{Kind: person.KindHandle, Network: "mastodon", Value: "emma2@social.example", Verified: true}, "Emma Berg", "", ""); p == p1 {
			t.Error("a second handle on the same network joined the first")
		}
		// The same handle on another network is someone else.
		if p := w.resolve(person.Identity{Kind: person.KindHandle, Network: "instagram", Value: "emma@social.example", Verified: true}, "", "", ""); p == p1 {
			t.Error("a handle on another network joined")
		}
		// An unverified copy of a verified email is a claim: a new person and a suggestion.
		email := "verified@example.org"
		acc, err := w.accounts.CreateAccount(context.Background(), account.NewAccount{Email: email, Name: "Verified", Role: samtal.RoleMember,
			Verified: true, Identity: person.Identity{Kind: person.KindEmail, Value: email, Verified: true}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		member := acc.PersonID
		claim := w.resolve(person.Identity{Kind: person.KindEmail, Value: email}, "", "", "")
		if claim == member {
			t.Fatal("an unverified email joined the verified one's person")
		}
		// Seen again, the unverified claim is the same person: certain.
		if again := w.resolve(person.Identity{Kind: person.KindEmail, Value: email}, "", "", ""); again != claim {
			t.Errorf("the same unverified email resolved to %d, want %d", again, claim)
		}
		// An email used as a review name elsewhere.
		reviewer := w.resolve(person.Identity{Kind: person.KindReviewName, Network: "trustpilot", Value: "lars@example.dk", Verified: true}, "", "", "")
		mail := w.resolve(person.Identity{Kind: person.KindEmail, Value: "lars@example.dk", Verified: true}, "", "", "")
		// Similar names in the same place.
		s1 := w.resolve(person.Identity{Kind: person.KindReviewName, Network: "trustpilot", Value: "Søren Ærø", Verified: true}, "Søren Ærø", "", "Aarhus")
		s2 := w.resolve(person.Identity{Kind: person.KindURL, Value: "https://soren.example.dk", Verified: true}, "soeren aeroe", "", "aarhus")
		// Same name, other place and no language: nothing.
		w.resolve(person.Identity{Kind: person.KindURL, Value: "https://other.example.dk", Verified: true}, "Soeren Aeroe", "", "Berlin")

		got, err := w.people.Suggestions(w.staff, person.SuggestionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		type pair struct {
			a, b   int64
			reason string
		}
		var have []pair
		for _, s := range got {
			have = append(have, pair{s.PersonA, s.PersonB, s.Reason})
		}
		want := []pair{
			{min(member, claim), max(member, claim), person.ReasonUnverifiedCopy},
			{min(reviewer, mail), max(reviewer, mail), person.ReasonEmailAsHandle},
			{min(s1, s2), max(s1, s2), person.ReasonNameLocation},
		}
		if !slices.Equal(have, want) {
			t.Errorf("suggestions %v, want %v (strongest first)", have, want)
		}

		// A rejected pair goes on the do-not-merge list and is never proposed again.
		if err := w.people.RejectSuggestion(w.staff, got[2].ID); err != nil {
			t.Fatal(err)
		}
		if err := w.people.RejectSuggestion(w.staff, got[2].ID); samtal.ErrorCode(err) != samtal.ECONFLICT {
			t.Errorf("second rejection: %v, want conflict", err)
		}
		if err := w.persons.AddSuggestion(context.Background(), person.NewSuggestion(s1, s2, person.ReasonLinkedBySelf, "again")); err != nil {
			t.Fatal(err)
		}
		open, _ := w.people.Suggestions(w.staff, person.SuggestionFilter{})
		if len(open) != 2 {
			t.Errorf("after rejecting, %d open suggestions, want 2: %+v", len(open), open)
		}

		// A member linking a handle that someone has, verified, is proposed with the strongest reason.
		mctx, linker := w.actor(samtal.RoleMember)
		if _, err := w.people.AddIdentity(mctx, linker, person.Identity{Kind: person.KindHandle, Network: "mastodon", Value: "emma@social.example", Verified: true}); err != nil {
			t.Fatal(err)
		}
		open, _ = w.people.Suggestions(w.staff, person.SuggestionFilter{})
		if len(open) == 0 || open[0].Reason != person.ReasonLinkedBySelf || open[0].PersonA != min(p1, linker) || open[0].PersonB != max(p1, linker) {
			t.Errorf("linked handle: suggestions %+v", open)
		}
		// A member may not link an email by typing it, nor add to someone else.
		if _, err := w.people.AddIdentity(mctx, linker, person.Identity{Kind: person.KindEmail, Value: "x@example.org"}); samtal.ErrorCode(err) != samtal.EINVALID {
			t.Errorf("member adds email: %v", err)
		}
		if _, err := w.people.AddIdentity(mctx, p1, person.Identity{Kind: person.KindURL, Value: "https://x.example"}); samtal.ErrorCode(err) != samtal.EFORBIDDEN {
			t.Errorf("member adds to someone else: %v", err)
		}
	})
}

func TestPersonMergeAndUnmergeAreExact(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newPeopleWorld(t, db)
		ctx := context.Background()
		author, _ := w.actor(samtal.RoleMember)
		i1, i2, i3, i4 := w.post(author, "One"), w.post(author, "Two"), w.post(author, "Three"), w.post(author, "Four")

		// A signs in; B is known from elsewhere (a handle), with an imported vote.
		actA, a := w.actor(samtal.RoleMember)
		b := w.resolve(person.Identity{Kind: person.KindHandle, Network: "instagram", Value: "anna.sofa", Verified: true}, "Anna S.", "da", "")
		for _, id := range []int64{i1.ID, i2.ID} {
			w.tick()
			if _, err := w.ideas.Vote(actA, id); err != nil {
				t.Fatal(err)
			}
		}
		w.tick()
		if err := w.ideas.Store.(*sqlstore.Ideas).ImportVotes(ctx, []sqlstore.ImportedVote{{IdeaID: i1.ID, PersonID: b, CampaignID: w.c.ID, At: w.clock}}, idea.Weight); err != nil {
			t.Fatal(err)
		}
		mine := w.post(actA, "Mine")
		if _, err := w.ideas.AddComment(actA, i1.ID, 0, "I agree"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.people.SetTags(w.staff, a, []string{"VIP", "sofa"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.people.SetTags(w.staff, b, []string{"press", "vip"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.people.AddNote(w.staff, a, "Called about the cover"); err != nil {
			t.Fatal(err)
		}
		beforeA, beforeB := w.snapshot(a), w.snapshot(b)
		w.exact(i1.ID)
		v1, _ := w.exact(i1.ID)
		if v1 != 2 {
			t.Fatalf("idea one has %d votes, want 2", v1)
		}

		// Refusals change nothing.
		if _, err := w.people.Merge(w.staff, a, a); samtal.ErrorCode(err) != samtal.EINVALID {
			t.Errorf("merge into itself: %v", err)
		}
		_, c := w.actor(samtal.RoleMember)
		if _, err := w.people.Merge(w.staff, a, c); samtal.ErrorCode(err) != samtal.ECONFLICT {
			t.Errorf("merge of two accounts: %v", err)
		}
		member, _ := w.actor(samtal.RoleMember)
		if _, err := w.people.Merge(member, a, b); samtal.ErrorCode(err) != samtal.EFORBIDDEN {
			t.Errorf("member merges: %v", err)
		}
		if _, err := w.people.Merge(w.staff, a, 999999); samtal.ErrorCode(err) != samtal.EINVALID {
			t.Errorf("merge into nobody: %v", err)
		}
		if got := w.snapshot(a); !slices.Equal(got, beforeA) {
			t.Fatalf("a refusal changed A:\n%v\nwant\n%v", got, beforeA)
		}

		m, err := w.people.Merge(w.staff, a, b)
		if err != nil {
			t.Fatal(err)
		}
		if got := w.snapshot(a); len(got) != 0 {
			t.Errorf("after the merge A still holds %v", got)
		}
		merged := w.snapshot(b)
		for _, want := range []string{"account p", "idea " + fmt.Sprint(mine.ID), "tag sofa", "tag vip", "tag press", "note Called about the cover"} {
			if !slices.ContainsFunc(merged, func(s string) bool { return len(s) >= len(want) && s[:len(want)] == want }) {
				t.Errorf("B lacks %q after the merge: %v", want, merged)
			}
		}
		if v, _ := w.exact(i1.ID); v != 1 {
			t.Errorf("one human voted twice for idea one: %d votes after the merge, want 1", v)
		}
		// Merge again, into itself through a cycle, or of the merged person: refused.
		if _, err := w.people.Merge(w.staff, b, a); samtal.ErrorCode(err) != samtal.ECONFLICT {
			t.Errorf("merge cycle: %v", err)
		}
		if _, err := w.people.Merge(w.staff, a, c); samtal.ErrorCode(err) != samtal.ECONFLICT {
			t.Errorf("merge of a merged person: %v", err)
		}

		// New activity after the merge: through A's account (now on B) and
		// through B's own identity.
		actA = w.reactor(actA)
		if samtal.ActorFrom(actA).PersonID != b {
			t.Fatalf("A's account acts as %d, want %d", samtal.ActorFrom(actA).PersonID, b)
		}
		w.tick()
		if _, err := w.ideas.Vote(actA, i3.ID); err != nil {
			t.Fatal(err)
		}
		later, err := w.ideas.AddComment(actA, i2.ID, 0, "Still want it")
		if err != nil {
			t.Fatal(err)
		}
		w.tick()
		if err := w.ideas.Store.(*sqlstore.Ideas).ImportVotes(ctx, []sqlstore.ImportedVote{{IdeaID: i4.ID, PersonID: b, CampaignID: w.c.ID, At: w.clock}}, idea.Weight); err != nil {
			t.Fatal(err)
		}
		if _, err := w.people.SetTags(w.staff, b, []string{"press", "vip", "sofa", "new"}); err != nil {
			t.Fatal(err)
		}

		if _, err := w.people.Unmerge(w.staff, m.ID); err != nil {
			t.Fatal(err)
		}
		wantA := append(slices.Clone(beforeA), "comment "+fmt.Sprint(later.ID))
		wantA = append(wantA, voteLine(t, w, i3.ID, a))
		slices.Sort(wantA)
		if got := w.snapshot(a); !slices.Equal(got, wantA) {
			t.Errorf("A after unmerge:\n%v\nwant\n%v", got, wantA)
		}
		wantB := append(slices.Clone(beforeB), voteLine(t, w, i4.ID, b), "tag new")
		slices.Sort(wantB)
		if got := w.snapshot(b); !slices.Equal(got, wantB) {
			t.Errorf("B after unmerge:\n%v\nwant\n%v", got, wantB)
		}
		for _, id := range []int64{i1.ID, i2.ID, i3.ID, i4.ID} {
			w.exact(id)
		}
		if v, _ := w.exact(i1.ID); v != 2 {
			t.Errorf("idea one has %d votes after unmerge, want 2", v)
		}
		if got := w.reactor(actA); samtal.ActorFrom(got).PersonID != a {
			t.Errorf("A's account acts as %d after unmerge, want %d", samtal.ActorFrom(got).PersonID, a)
		}
		if _, err := w.people.Unmerge(w.staff, m.ID); samtal.ErrorCode(err) != samtal.ECONFLICT {
			t.Errorf("second unmerge: %v", err)
		}
		// The audit log has both, with what moved.
		entries, err := sqlstore.NewAudit(db).ListAudit(ctx, audit.Filter{Action: "person.merge", Limit: 10})
		if err != nil || len(entries) != 1 {
			t.Fatalf("merge audit: %v %v", entries, err)
		}
		if entries2, _ := sqlstore.NewAudit(db).ListAudit(ctx, audit.Filter{Action: "person.unmerge", Limit: 10}); len(entries2) != 1 {
			t.Errorf("unmerge audit: %v", entries2)
		}
	})
}

func TestUnmergeAfterALaterMergeIsRefused(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newPeopleWorld(t, db)
		x := w.resolve(person.Identity{Kind: person.KindURL, Value: "https://x.example", Verified: true}, "X", "", "")
		y := w.resolve(person.Identity{Kind: person.KindURL, Value: "https://y.example", Verified: true}, "Y", "", "")
		z := w.resolve(person.Identity{Kind: person.KindURL, Value: "https://z.example", Verified: true}, "Z", "", "")
		m1, err := w.people.Merge(w.staff, x, y)
		if err != nil {
			t.Fatal(err)
		}
		m2, err := w.people.Merge(w.staff, y, z)
		if err != nil {
			t.Fatal(err)
		}
		if got := w.snapshot(z); len(got) != 3 {
			t.Errorf("Z holds %v, want three identities", got)
		}
		if _, err := w.people.Unmerge(w.staff, m1.ID); samtal.ErrorCode(err) != samtal.ECONFLICT {
			t.Errorf("undoing the first while the second stands: %v", err)
		}
		if _, err := w.people.Unmerge(w.staff, m2.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.people.Unmerge(w.staff, m1.ID); err != nil {
			t.Fatal(err)
		}
		for _, p := range []int64{x, y, z} {
			if got := w.snapshot(p); len(got) != 1 {
				t.Errorf("person %d holds %v after both undone", p, got)
			}
		}
	})
}

func TestTimelinePagesAllKindsNewestFirst(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newPeopleWorld(t, db)
		act, p := w.actor(samtal.RoleMember)
		email := fmt.Sprintf("p%d@example.org", w.n)
		var want []string
		for n := range 7 {
			i := w.post(act, fmt.Sprintf("Idea %d", n))
			want = append(want, "idea "+i.Title)
			w.tick()
			if _, err := w.ideas.AddComment(act, i.ID, 0, fmt.Sprintf("comment %d", n)); err != nil {
				t.Fatal(err)
			}
			want = append(want, "comment "+i.Title)
		}
		other, _ := w.actor(samtal.RoleMember)
		theirs := w.post(other, "Theirs")
		w.tick()
		if _, err := w.ideas.Vote(act, theirs.ID); err != nil {
			t.Fatal(err)
		}
		want = append(want, "vote Theirs")
		slices.Reverse(want)
		// The account was made now; the world's clock runs an hour behind.
		want = append([]string{"signup ", "identity " + email}, want...)

		var got []string
		cursor := ""
		for range 10 {
			page, err := w.people.Timeline(w.staff, p, nil, person.TimelineFilter{Limit: 4}, cursor)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range page.Events {
				got = append(got, e.Kind+" "+e.Title)
			}
			if cursor = page.Next; cursor == "" {
				break
			}
		}
		// Signup and the identity share the account's creation time: by kind then.
		if !slices.Equal(got, want) {
			t.Errorf("timeline\n%q\nwant\n%q", got, want)
		}
		page, err := w.people.Timeline(w.staff, p, nil, person.TimelineFilter{Kinds: []string{"vote", "comment"}, Limit: 3}, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Events) != 3 || page.Events[0].Kind != "vote" || page.Events[1].Kind != "comment" {
			t.Errorf("filtered timeline %+v", page.Events)
		}
		// A member sees their own timeline, but not events of a campaign they
		// may no longer see; staff see them.
		scope := w.ideas.Campaigns.(*campaign.Service)
		if err := sqlstore.ExecForTest(context.Background(), db, fmt.Sprintf(`UPDATE campaigns SET visibility = 'invited' WHERE id = %d`, w.c.ID)); err != nil {
			t.Fatal(err)
		}
		own, err := w.people.Timeline(act, p, scope, person.TimelineFilter{}, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(own.Events) != 2 || own.Events[0].Kind != "signup" {
			t.Errorf("own timeline with the campaign out of sight: %+v", own.Events)
		}
		if all, _ := w.people.Timeline(w.staff, p, scope, person.TimelineFilter{Limit: 100}, ""); len(all.Events) != len(want) {
			t.Errorf("staff timeline with an invited campaign: %d events, want %d", len(all.Events), len(want))
		}
		// Not someone else's; a visitor nothing.
		if _, err := w.people.Timeline(other, p, nil, person.TimelineFilter{}, ""); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("member reads another's timeline: %v", err)
		}
		if _, err := w.people.Timeline(w.staff, p, nil, person.TimelineFilter{}, "bad!"); samtal.ErrorCode(err) != samtal.EINVALID {
			t.Errorf("bad cursor: %v", err)
		}
	})
}

func voteLine(t *testing.T, w *peopleWorld, ideaID, personID int64) string {
	t.Helper()
	for _, s := range w.snapshot(personID) {
		if len(s) > 5 && s[:5] == "vote " && s[5:5+len(fmt.Sprint(ideaID))+1] == fmt.Sprint(ideaID)+" " {
			return s
		}
	}
	t.Fatalf("person %d has no vote on %d", personID, ideaID)
	return ""
}

func TestImportPersonsIsAllOrNothing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newPeopleWorld(t, db)
		ctx := context.Background()
		var ps []*person.Person
		for n := range 1200 {
			ps = append(ps, &person.Person{Name: fmt.Sprintf("Imported %d", n), Locale: "de", Identities: []person.Identity{
				{Kind: person.KindEmail, Value: fmt.Sprintf("i%d@example.de", n), Verified: true},
				{Kind: person.KindHandle, Network: "instagram", Value: fmt.Sprintf("i%d", n), Verified: true}}})
		}
		if err := w.persons.ImportPersons(ctx, ps); err != nil {
			t.Fatal(err)
		}
		last := ps[len(ps)-1]
		if got := w.resolve(person.Identity{Kind: person.KindHandle, Network: "instagram", Value: "i1199", Verified: true}, "", "", ""); got != last.ID {
			t.Errorf("imported handle resolves to %d, want %d", got, last.ID)
		}
		// A word many share pages newest first; a rare one finds its few.
		common, err := w.people.List(w.staff, person.ListFilter{Q: "imported", Limit: 10})
		if err != nil || len(common) != 10 || common[0].ID != last.ID || common[9].ID != last.ID-9 {
			t.Errorf("common word: %d persons, %v", len(common), err)
		}
		if rare, err := w.people.List(w.staff, person.ListFilter{Q: "Imported 1199", Limit: 10}); err != nil || len(rare) != 1 || rare[0].ID != last.ID {
			t.Errorf("rare words: %+v %v", rare, err)
		}
		// New persons after an import get new ids (the sequence moved on).
		fresh := w.resolve(person.Identity{Kind: person.KindURL, Value: "https://fresh.example", Verified: true}, "Fresh", "", "")
		if fresh <= last.ID {
			t.Errorf("a person made after the import got id %d, not above %d", fresh, last.ID)
		}
		// A taken identity refuses the whole import.
		again := []*person.Person{{Name: "New"}, {Name: "Dup", Identities: []person.Identity{{Kind: person.KindEmail, Value: "i5@example.de", Verified: true}}}}
		if err := w.persons.ImportPersons(ctx, again); samtal.ErrorCode(err) != samtal.ECONFLICT {
			t.Fatalf("import with a taken identity: %v", err)
		}
		list, err := w.people.List(w.staff, person.ListFilter{Q: "new", Limit: 10})
		if err != nil || len(list) != 0 {
			t.Errorf("a refused import left %v (%v)", list, err)
		}
	})
}

func TestPeopleListFilters(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newPeopleWorld(t, db)
		ctx := context.Background()
		_, member := w.actor(samtal.RoleMember)
		outsider := w.resolve(person.Identity{Kind: person.KindReviewName, Network: "trustpilot", Value: "Øster Jensen", Verified: true}, "Øster Jensen", "da", "Aarhus")
		bot := w.resolve(person.Identity{Kind: person.KindHandle, Network: "mastodon", Value: "deals@bots.example", Verified: true}, "Deals", "en", "")
		yes := true
		if _, err := w.people.Update(w.staff, bot, person.Patch{Bot: &yes}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.people.SetTags(w.staff, outsider, []string{"Presse"}); err != nil {
			t.Fatal(err)
		}
		langs := []string{"de", "da"}
		if _, err := w.people.Update(w.staff, member, person.Patch{Languages: &langs}); err != nil {
			t.Fatal(err)
		}
		// The member gave consent to briefings and took it back; the outsider gave it.
		for _, q := range []string{
			fmt.Sprintf(`INSERT INTO consents (person_id, purpose, given, channel, created_at) VALUES (%d, 'advocate_briefings', %s, 'api', 1)`, member, sqlTrue(db)),
			fmt.Sprintf(`INSERT INTO consents (person_id, purpose, given, channel, created_at) VALUES (%d, 'advocate_briefings', %s, 'settings', 2)`, member, sqlFalse(db)),
			fmt.Sprintf(`INSERT INTO consents (person_id, purpose, given, channel, created_at) VALUES (%d, 'advocate_briefings', %s, 'api', 1)`, outsider, sqlTrue(db)),
		} {
			if err := sqlstore.ExecForTest(ctx, db, q); err != nil {
				t.Fatal(err)
			}
		}
		list := func(f person.ListFilter) []int64 {
			t.Helper()
			f.Limit = 50
			ps, err := w.people.List(w.staff, f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, p := range ps {
				if p.ID == member || p.ID == outsider || p.ID == bot {
					ids = append(ids, p.ID)
				}
			}
			return ids
		}
		for name, tt := range map[string]struct {
			f    person.ListFilter
			want []int64
		}{
			"all but bots":  {person.ListFilter{}, []int64{bot, outsider, member}[1:]},
			"with bots":     {person.ListFilter{Bots: true}, []int64{bot, outsider, member}},
			"tag":           {person.ListFilter{Tag: "presse"}, []int64{outsider}},
			"members":       {person.ListFilter{Role: "member"}, []int64{member}},
			"no account":    {person.ListFilter{Role: "none"}, []int64{outsider}},
			"language da":   {person.ListFilter{Language: "da"}, []int64{outsider, member}},
			"language de":   {person.ListFilter{Language: "de"}, []int64{member}},
			"name, folded":  {person.ListFilter{Q: "øster"}, []int64{outsider}},
			"last name":     {person.ListFilter{Q: "Jensen"}, []int64{outsider}},
			"beginnings":    {person.ListFilter{Q: "jen øs"}, []int64{outsider}},
			"other words":   {person.ListFilter{Q: "jensen deals"}, nil},
			"by identity":   {person.ListFilter{Q: fmt.Sprintf("p%d@example.org", 2)}, []int64{member}},
			"consent given": {person.ListFilter{Consent: "advocate_briefings"}, []int64{outsider}},
			"percent sign":  {person.ListFilter{Q: "%"}, nil},
		} {
			if got := list(tt.f); !slices.Equal(got, tt.want) {
				t.Errorf("%s: %v, want %v", name, got, tt.want)
			}
		}
		// An avatar must be an upload; a refusal changes nothing.
		bad, name := "no-such-upload", "Renamed"
		if _, err := w.people.Update(w.staff, outsider, person.Patch{Name: &name, Avatar: &bad}); samtal.ErrorCode(err) != samtal.EINVALID {
			t.Errorf("unknown avatar: %v", err)
		}
		if p, _ := w.persons.PersonByID(ctx, outsider); p.Name != "Øster Jensen" || p.Avatar != "" {
			t.Errorf("a refused update changed %+v", p)
		}
		if _, err := w.people.List(w.staff, person.ListFilter{Role: "king"}); samtal.ErrorCode(err) != samtal.EINVALID {
			t.Errorf("bad role: %v", err)
		}
		member2, _ := w.actor(samtal.RoleMember)
		if _, err := w.people.List(member2, person.ListFilter{}); samtal.ErrorCode(err) != samtal.EFORBIDDEN {
			t.Errorf("member lists people: %v", err)
		}
	})
}

func sqlTrue(db *sqlstore.DB) string {
	if db.EngineName() == sqlstore.Postgres {
		return "TRUE"
	}
	return "1"
}

func sqlFalse(db *sqlstore.DB) string {
	if db.EngineName() == sqlstore.Postgres {
		return "FALSE"
	}
	return "0"
}

func TestSearchFindsPeopleForStaffOnly(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newPeopleWorld(t, db)
		anne := w.resolve(person.Identity{Kind: person.KindReviewName, Network: "trustpilot", Value: "Anne S.", Verified: true}, "Anne Sørensen", "da", "")
		w.resolve(person.Identity{Kind: person.KindURL, Value: "https://lars.example.dk", Verified: true}, "Lars Nielsen", "da", "")
		renamed := w.resolve(person.Identity{Kind: person.KindURL, Value: "https://old.example.dk", Verified: true}, "Sørine Old", "da", "")
		name := "Mette Nyt"
		if _, err := w.people.Update(w.staff, renamed, person.Patch{Name: &name}); err != nil {
			t.Fatal(err)
		}
		svc := &search.Service{Store: sqlstore.NewSearch(db), Campaigns: w.ideas.Campaigns.(*campaign.Service)}
		res, err := svc.Search(w.staff, search.Input{Q: "sør", Kinds: []string{search.KindPerson}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) != 1 || res.Hits[0].ID != anne || res.Hits[0].Title != "Anne Sørensen" {
			t.Errorf("staff search for people: %+v (an old name must not be found)", res.Hits)
		}
		member, _ := w.actor(samtal.RoleMember)
		if _, err := svc.Search(member, search.Input{Q: "anne", Kinds: []string{search.KindPerson}}); samtal.ErrorCode(err) != samtal.EFORBIDDEN {
			t.Errorf("member searches people: %v", err)
		}
		// Without a kind, search stays with ideas and comments, for staff too.
		if res, err := svc.Search(w.staff, search.Input{Q: "anne"}); err != nil || len(res.Hits) != 0 {
			t.Errorf("search without a kind: %+v %v", res, err)
		}
	})
}
