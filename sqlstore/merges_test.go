package sqlstore_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/sqlstore"
)

// recorder keeps the events the idea service publishes.
type recorder struct {
	mu     sync.Mutex
	events []idea.Event
}

func (r *recorder) Publish(_ context.Context, e idea.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

type mergeWorld struct {
	t        *testing.T
	db       *sqlstore.DB
	ideas    *idea.Service
	accounts *sqlstore.Accounts
	events   *recorder
	clock    time.Time
	n        int
}

func newMergeWorld(t *testing.T, db *sqlstore.DB) *mergeWorld {
	w := &mergeWorld{t: t, db: db, accounts: sqlstore.NewAccounts(db), events: &recorder{}, clock: time.Now().UTC().Add(-time.Hour)}
	store := sqlstore.NewIdeas(db)
	w.ideas = &idea.Service{Store: store, CommentStore: store, Threads: idea.NewThreadCache(1 << 20), MergeStore: store, NoteStore: store, Progress: store,
		Campaigns: &campaign.Service{Store: sqlstore.NewCampaigns(db)}, Limiter: sqlstore.NewLimiter(db),
		Events: w.events, Now: func() time.Time { return w.clock }}
	return w
}

// as returns the context of a new account with role.
func (w *mergeWorld) as(role samtal.Role) (context.Context, int64) {
	w.t.Helper()
	w.n++
	a := newAccount(w.t, w.accounts, fmt.Sprintf("p%d@example.org", w.n), role)
	return samtal.WithActor(context.Background(), samtal.Actor{AccountID: a.ID, PersonID: a.PersonID, Role: role, Via: "test"}), a.PersonID
}

func (w *mergeWorld) tick() { w.clock = w.clock.Add(time.Minute) }

// exact checks that an idea's kept counts and score match its rows, and
// returns its vote and comment counts.
func (w *mergeWorld) exact(id int64) (votes, comments int) {
	w.t.Helper()
	v, c, tr, wv, wc, wtr, err := sqlstore.CountsForTest(context.Background(), w.db, id)
	if err != nil {
		w.t.Fatal(err)
	}
	if v != wv || c != wc || math.Abs(tr-wtr) > 1e-9*math.Max(1, math.Abs(wtr)) {
		w.t.Errorf("idea %d: kept votes %d comments %d trending %v; rows say %d, %d, %v", id, v, c, tr, wv, wc, wtr)
	}
	return v, c
}

func (w *mergeWorld) voters(id int64) []int64 {
	w.t.Helper()
	p, err := sqlstore.VotersForTest(context.Background(), w.db, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return p
}

func ids(p ...int64) []int64 { slices.Sort(p); return p }

func TestMergeAndUndoAreExact(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newMergeWorld(t, db)
		admin := samtal.WithActor(context.Background(), samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
		c := &campaign.Campaign{Slug: "sofa", Title: "Sofa", Visibility: campaign.Public, Questions: []campaign.Question{{Text: "Q?"}}}
		other := &campaign.Campaign{Slug: "other", Title: "Other", Visibility: campaign.Public, Questions: []campaign.Question{{Text: "Q?"}}}
		for _, x := range []*campaign.Campaign{c, other} {
			if err := w.ideas.Campaigns.(*campaign.Service).Create(admin, x); err != nil {
				t.Fatal(err)
			}
		}
		mod, _ := w.as(samtal.RoleModerator)
		author, _ := w.as(samtal.RoleMember)
		post := func(cc *campaign.Campaign, title string) *idea.Idea {
			t.Helper()
			w.tick()
			i, err := w.ideas.Create(author, idea.NewIdea{QuestionID: cc.Questions[0].ID, Title: title})
			if err != nil {
				t.Fatal(err)
			}
			return i
		}
		a, b, e, elsewhere := post(c, "Washable covers"), post(c, "Covers you can wash"), post(c, "Removable covers"), post(other, "Covers")
		vote := func(ctx context.Context, id int64) {
			t.Helper()
			w.tick()
			if _, err := w.ideas.Vote(ctx, id); err != nil {
				t.Fatalf("vote %d: %v", id, err)
			}
		}
		both, both2 := w.as(samtal.RoleMember)
		onlyA, pA := w.as(samtal.RoleMember)
		takesBack, pT := w.as(samtal.RoleMember)
		revotes, pR := w.as(samtal.RoleMember)
		onlyB, pB := w.as(samtal.RoleMember)
		for _, v := range []context.Context{both, onlyA, takesBack, revotes} {
			vote(v, a.ID)
		}
		vote(both, b.ID)
		vote(onlyB, b.ID)
		w.tick()
		c1, err := w.ideas.AddComment(onlyA, a.ID, 0, "Yes please")
		if err != nil {
			t.Fatal(err)
		}
		c2, err := w.ideas.AddComment(both, a.ID, c1.ID, "Agreed")
		if err != nil {
			t.Fatal(err)
		}
		c3, err := w.ideas.AddComment(onlyB, b.ID, 0, "On B")
		if err != nil {
			t.Fatal(err)
		}

		// Refusals change nothing.
		for _, tc := range []struct {
			name     string
			ctx      context.Context
			from, to int64
			code     string
		}{
			{"member", onlyA, a.ID, b.ID, samtal.EFORBIDDEN},
			{"itself", mod, a.ID, a.ID, samtal.EINVALID},
			{"other campaign", mod, a.ID, elsewhere.ID, samtal.EINVALID},
			{"unknown target", mod, a.ID, 999999, samtal.EINVALID},
			{"unknown idea", mod, 999999, a.ID, samtal.ENOTFOUND},
		} {
			if _, err := w.ideas.MergeIdeas(tc.ctx, tc.from, tc.to); samtal.ErrorCode(err) != tc.code {
				t.Errorf("%s: err = %v, want %s", tc.name, err, tc.code)
			}
		}
		if v, _ := w.exact(a.ID); v != 4 {
			t.Fatalf("A has %d votes after refusals, want 4", v)
		}

		m, err := w.ideas.MergeIdeas(mod, a.ID, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if m.VotesMoved != 3 || m.VotesDropped != 1 || m.CommentsMoved != 2 {
			t.Errorf("merge record = %+v, want 3 moved, 1 dropped, 2 comments", m)
		}
		if v, cm := w.exact(b.ID); v != 5 || cm != 3 {
			t.Errorf("B after merge: %d votes, %d comments; want 5 and 3", v, cm)
		}
		if v, cm := w.exact(a.ID); v != 0 || cm != 0 {
			t.Errorf("A after merge: %d votes, %d comments; want 0 and 0", v, cm)
		}
		if got, want := w.voters(b.ID), ids(both2, pA, pT, pR, pB); !slices.Equal(got, want) {
			t.Errorf("B's voters = %v, want %v", got, want)
		}
		if got, _ := w.ideas.Get(mod, a.ID); got.MergedInto != b.ID {
			t.Errorf("A.merged_into = %d", got.MergedInto)
		}
		thread, _ := w.ideas.Comments(mod, b.ID)
		if len(thread) != 3 || thread[0].ID != c1.ID || thread[1].ID != c2.ID || thread[1].Depth != 1 || thread[2].ID != c3.ID {
			t.Errorf("B's thread after merge: %+v", thread)
		}

		// A merged idea takes no vote or comment; a merged idea cannot be
		// merged again nor be a target.
		if _, err := w.ideas.Vote(onlyB, a.ID); samtal.ErrorCode(err) != samtal.ECONFLICT {
			t.Errorf("vote on merged: %v", err)
		}
		if _, err := w.ideas.AddComment(onlyB, a.ID, 0, "late"); samtal.ErrorCode(err) != samtal.ECONFLICT {
			t.Errorf("comment on merged: %v", err)
		}
		if _, err := w.ideas.MergeIdeas(mod, a.ID, e.ID); samtal.ErrorCode(err) != samtal.ECONFLICT {
			t.Errorf("merge a merged idea: %v", err)
		}
		if _, err := w.ideas.MergeIdeas(mod, e.ID, a.ID); samtal.ErrorCode(err) != samtal.ECONFLICT {
			t.Errorf("merge into a merged idea: %v", err)
		}

		// Life goes on on B: a new voter, a moved vote taken back, a moved
		// vote taken back and cast again, a reply to a moved comment.
		newVoter, pN := w.as(samtal.RoleMember)
		vote(newVoter, b.ID)
		if _, err := w.ideas.Unvote(takesBack, b.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.ideas.Unvote(revotes, b.ID); err != nil {
			t.Fatal(err)
		}
		vote(revotes, b.ID)
		w.tick()
		c4, err := w.ideas.AddComment(onlyB, b.ID, c1.ID, "Reply on B")
		if err != nil {
			t.Fatal(err)
		}

		if _, err := w.ideas.UndoMerge(onlyA, m.ID); samtal.ErrorCode(err) != samtal.EFORBIDDEN {
			t.Errorf("member undo: %v", err)
		}
		w.tick()
		u, err := w.ideas.UndoMerge(mod, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if u.VotesMoved != 1 || u.VotesDropped != 1 || u.CommentsMoved != 2 {
			t.Errorf("undo = %+v, want 1 vote returned (the other two were taken back), 1 restored, 2 comments", u)
		}
		if got, want := w.voters(a.ID), ids(both2, pA); !slices.Equal(got, want) {
			t.Errorf("A's voters after undo = %v, want %v", got, want)
		}
		if got, want := w.voters(b.ID), ids(both2, pB, pN, pR); !slices.Equal(got, want) {
			t.Errorf("B's voters after undo = %v, want %v", got, want)
		}
		if v, cm := w.exact(a.ID); v != 2 || cm != 2 {
			t.Errorf("A after undo: %d votes, %d comments; want 2 and 2", v, cm)
		}
		if v, cm := w.exact(b.ID); v != 4 || cm != 2 {
			t.Errorf("B after undo: %d votes, %d comments; want 4 and 2", v, cm)
		}
		if got, _ := w.ideas.Get(mod, a.ID); got.MergedInto != 0 {
			t.Errorf("A still merged into %d", got.MergedInto)
		}
		ta, _ := w.ideas.Comments(mod, a.ID)
		tb, _ := w.ideas.Comments(mod, b.ID)
		if len(ta) != 2 || ta[1].ParentID != c1.ID || len(tb) != 2 || tb[1].ID != c4.ID {
			t.Errorf("threads after undo: A %+v, B %+v", ta, tb)
		}
		if _, err := w.ideas.UndoMerge(mod, m.ID); samtal.ErrorCode(err) != samtal.ECONFLICT {
			t.Errorf("second undo: %v", err)
		}

		// A merge whose target moved on is undone after that one.
		m2, err := w.ideas.MergeIdeas(mod, a.ID, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		m3, err := w.ideas.MergeIdeas(mod, b.ID, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.ideas.UndoMerge(mod, m2.ID); samtal.ErrorCode(err) != samtal.ECONFLICT {
			t.Errorf("undo under a later merge: %v", err)
		}
		if _, err := w.ideas.UndoMerge(mod, m3.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.ideas.UndoMerge(mod, m2.ID); err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{a.ID, b.ID, e.ID} {
			w.exact(id)
		}
		if got, want := w.voters(a.ID), ids(both2, pA); !slices.Equal(got, want) {
			t.Errorf("A's voters after the second round = %v, want %v", got, want)
		}

		entries, err := sqlstore.NewAudit(db).ListAudit(context.Background(), audit.Filter{TargetKind: "idea", Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, en := range entries {
			count[en.Action]++
		}
		if count["idea.merge"] != 3 || count["idea.unmerge"] != 3 {
			t.Errorf("audit: %v", count)
		}
		kinds := map[string]int{}
		for _, ev := range w.events.events {
			if ev.Kind == idea.EventIdeaMerged || ev.Kind == idea.EventIdeaUnmerged {
				kinds[ev.Kind]++
				if ev.MergeID == 0 || ev.IntoIdeaID == 0 {
					t.Errorf("event without merge: %+v", ev)
				}
			}
		}
		if kinds[idea.EventIdeaMerged] != 3 || kinds[idea.EventIdeaUnmerged] != 3 {
			t.Errorf("events: %v", kinds)
		}
	})
}

// TestMergeUnderConcurrentVotes votes on both ideas while merging: no vote
// is lost or doubled, and the counts match the rows.
// newRace returns a world on the real clock for a race against a merge, a
// public campaign and a moderator.
func newRace(t *testing.T, db *sqlstore.DB) (*mergeWorld, *campaign.Campaign, context.Context) {
	t.Helper()
	w := newMergeWorld(t, db)
	w.ideas.Now = nil
	admin := samtal.WithActor(context.Background(), samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
	c := &campaign.Campaign{Slug: "race", Title: "Race", Visibility: campaign.Public, Questions: []campaign.Question{{Text: "Q?"}}}
	if err := w.ideas.Campaigns.(*campaign.Service).Create(admin, c); err != nil {
		t.Fatal(err)
	}
	mod, _ := w.as(samtal.RoleModerator)
	return w, c, mod
}

// TestMergeUnderConcurrentCommentChanges merges ideas while their comments
// are edited, deleted and renamed: on PostgreSQL every writer must take the
// locks in the merge's order (the idea, then the comment), or one of them
// fails with a deadlock.
func TestMergeUnderConcurrentCommentChanges(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w, c, mod := newRace(t, db)
		const writers = 6
		members := make([]context.Context, writers)
		for k := range members {
			members[k], _ = w.as(samtal.RoleMember)
		}
		for round := range 8 {
			a, _ := w.ideas.Create(mod, idea.NewIdea{QuestionID: c.Questions[0].ID, Title: fmt.Sprint("A", round)})
			b, _ := w.ideas.Create(mod, idea.NewIdea{QuestionID: c.Questions[0].ID, Title: fmt.Sprint("B", round)})
			comments := make([]*idea.Comment, writers)
			for k, m := range members {
				target := a.ID
				if k%3 == 2 {
					target = b.ID
				}
				cm, err := w.ideas.AddComment(m, target, 0, "First words")
				if err != nil {
					t.Fatal(err)
				}
				comments[k] = cm
			}
			var wg sync.WaitGroup
			start := make(chan struct{})
			for k, m := range members {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					var err error
					switch k % 3 {
					case 0:
						_, err = w.ideas.EditComment(m, comments[k].ID, fmt.Sprint("Second words ", round))
					case 1:
						err = w.ideas.DeleteComment(m, comments[k].ID)
					case 2:
						err = w.accounts.UpdateProfile(context.Background(), samtal.ActorFrom(m).AccountID, fmt.Sprint("Renamed ", round, k), "en")
					}
					if err != nil && samtal.ErrorCode(err) == samtal.EINTERNAL {
						t.Errorf("round %d, writer %d: %v", round, k, err)
					}
				}()
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				if _, err := w.ideas.MergeIdeas(mod, a.ID, b.ID); err != nil {
					t.Errorf("round %d: merge: %v", round, err)
				}
			}()
			close(start)
			wg.Wait()
			w.exact(b.ID)
		}
	})
}

func TestMergeUnderConcurrentVotes(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w, c, mod := newRace(t, db)
		a, _ := w.ideas.Create(mod, idea.NewIdea{QuestionID: c.Questions[0].ID, Title: "A"})
		b, _ := w.ideas.Create(mod, idea.NewIdea{QuestionID: c.Questions[0].ID, Title: "B"})
		const n = 24
		voters := make([]context.Context, n)
		for k := range voters {
			voters[k], _ = w.as(samtal.RoleMember)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok := 0
		start := make(chan struct{})
		for k, v := range voters {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				target := a.ID
				if k%2 == 1 {
					target = b.ID
				}
				_, err := w.ideas.Vote(v, target)
				switch {
				case err == nil:
					mu.Lock()
					ok++
					mu.Unlock()
				case samtal.ErrorCode(err) != samtal.ECONFLICT:
					t.Errorf("vote: %v", err)
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if _, err := w.ideas.MergeIdeas(mod, a.ID, b.ID); err != nil {
				t.Errorf("merge: %v", err)
			}
		}()
		close(start)
		wg.Wait()
		if v, _ := w.exact(b.ID); v != ok {
			t.Errorf("B has %d votes, %d votes succeeded", v, ok)
		}
		if v, _ := w.exact(a.ID); v != 0 {
			t.Errorf("A kept %d votes after its merge", v)
		}
	})
}

func TestStaffNotesAreStaffOnly(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newMergeWorld(t, db)
		admin := samtal.WithActor(context.Background(), samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
		c := &campaign.Campaign{Slug: "notes", Title: "Notes", Visibility: campaign.Public, Questions: []campaign.Question{{Text: "Q?"}}}
		if err := w.ideas.Campaigns.(*campaign.Service).Create(admin, c); err != nil {
			t.Fatal(err)
		}
		member, _ := w.as(samtal.RoleMember)
		agent, _ := w.as(samtal.RoleAgent)
		i, _ := w.ideas.Create(member, idea.NewIdea{QuestionID: c.Questions[0].ID, Title: "Idea"})
		if _, err := w.ideas.AddNote(member, i.ID, "sneaky"); samtal.ErrorCode(err) != samtal.EFORBIDDEN {
			t.Errorf("member adds a note: %v", err)
		}
		if _, err := w.ideas.AddNote(agent, i.ID, "  "); samtal.ErrorCode(err) != samtal.EINVALID {
			t.Errorf("empty note: %v", err)
		}
		n, err := w.ideas.AddNote(agent, i.ID, "She also wrote to the inbox about this.")
		if err != nil || n.AuthorName == "" {
			t.Fatalf("add note: %+v %v", n, err)
		}
		if _, err := w.ideas.Notes(member, i.ID); samtal.ErrorCode(err) != samtal.EFORBIDDEN {
			t.Errorf("member reads notes: %v", err)
		}
		list, err := w.ideas.Notes(agent, i.ID)
		if err != nil || len(list) != 1 || list[0].Body != n.Body {
			t.Errorf("notes = %+v, %v", list, err)
		}
	})
}
