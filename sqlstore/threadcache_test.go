package sqlstore_test

import (
	"context"
	"reflect"
	"strconv"
	"testing"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/moderation"
	"github.com/samtal-dev/samtal/sqlstore"
)

// TestThreadCacheFollowsEveryChange reads a thread through the cached idea
// service after each kind of change to it and compares it with what the
// store says: a change that did not move the idea's thread_version would
// leave the cached page showing the thread as it was.
func TestThreadCacheFollowsEveryChange(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newMergeWorld(t, db) // its idea service has a thread cache
		store := sqlstore.NewIdeas(db)
		uncached := &idea.Service{Store: store, CommentStore: store, Campaigns: w.ideas.Campaigns}
		mod := &moderation.Service{Store: sqlstore.NewModeration(db), Ideas: w.ideas, Limiter: sqlstore.NewLimiter(db)}
		admin := samtal.WithActor(context.Background(), samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
		c := &campaign.Campaign{Slug: "sofa", Title: "Sofa", Visibility: campaign.Public, Questions: []campaign.Question{{Text: "Q?"}}}
		if err := w.ideas.Campaigns.(*campaign.Service).Create(admin, c); err != nil {
			t.Fatal(err)
		}
		moderator, _ := w.as(samtal.RoleModerator)
		author, _ := w.as(samtal.RoleMember)
		replier, _ := w.as(samtal.RoleMember)
		post := func(title string) *idea.Idea {
			t.Helper()
			w.tick()
			i, err := w.ideas.Create(author, idea.NewIdea{QuestionID: c.Questions[0].ID, Title: title})
			if err != nil {
				t.Fatal(err)
			}
			return i
		}
		a, b := post("Washable covers"), post("Covers you can wash")

		// check compares the thread of id, read through the cache, with the
		// store's, for the moderator (who sees every comment, so that no
		// change hides behind moderateThread).
		check := func(step string, id int64) {
			t.Helper()
			got, err := w.ideas.Comments(moderator, id)
			if err != nil {
				t.Fatalf("%s: %v", step, err)
			}
			want, err := uncached.Comments(moderator, id)
			if err != nil {
				t.Fatalf("%s: %v", step, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: the cache shows %+v\nthe store has %+v", step, got, want)
			}
		}
		check("no comments", a.ID)
		c1, err := w.ideas.AddComment(author, a.ID, 0, "Yes please")
		if err != nil {
			t.Fatal(err)
		}
		check("a comment", a.ID)
		// Read again: the cache serves the thread, so the cached service
		// reads one statement less than the uncached one (the comments).
		r0 := db.Reads()
		if _, err := w.ideas.Comments(moderator, a.ID); err != nil {
			t.Fatal(err)
		}
		r1 := db.Reads()
		if _, err := uncached.Comments(moderator, a.ID); err != nil {
			t.Fatal(err)
		}
		if cached, direct := r1-r0, db.Reads()-r1; cached != direct-1 {
			t.Errorf("an unchanged thread took %d reads through the cache and %d without: want one less", cached, direct)
		}
		c2, err := w.ideas.AddComment(replier, a.ID, c1.ID, "Agreed")
		if err != nil {
			t.Fatal(err)
		}
		check("a reply", a.ID)
		if _, err := w.ideas.EditComment(author, c1.ID, "Yes please, **washable**"); err != nil {
			t.Fatal(err)
		}
		check("an edit", a.ID)
		if err := mod.Hide(moderator, "comment-"+strconv.FormatInt(c2.ID, 10), "off-topic"); err != nil {
			t.Fatal(err)
		}
		check("hidden by a moderator", a.ID)
		if err := w.accounts.UpdateProfile(context.Background(), samtal.ActorFrom(replier).AccountID, "Renamed Replier", "da"); err != nil {
			t.Fatal(err)
		}
		check("the replier renamed", a.ID)
		if err := w.ideas.DeleteComment(author, c1.ID); err != nil {
			t.Fatal(err)
		}
		check("deleted by its author", a.ID)
		check("b before the merge", b.ID)
		m, err := w.ideas.MergeIdeas(moderator, a.ID, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		check("b after the merge", b.ID)
		if _, err := w.ideas.UndoMerge(moderator, m.ID); err != nil {
			t.Fatal(err)
		}
		check("b after the undo", b.ID)
		check("a after the undo", a.ID)
	})
}
