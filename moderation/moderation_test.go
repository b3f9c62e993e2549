package moderation_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/moderation"
	"github.com/samtal-dev/samtal/person"
	"github.com/samtal-dev/samtal/sqlstore"
)

// events keeps what the idea service published, as the notification
// engineer's hook will hear it.
type events struct {
	mu   sync.Mutex
	list []idea.Event
}

func (e *events) Publish(_ context.Context, ev idea.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, ev)
}

func (e *events) kinds() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, ev := range e.list {
		out = append(out, ev.Kind)
	}
	return out
}

func (e *events) last() idea.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.list[len(e.list)-1]
}

type world struct {
	db        *sqlstore.DB
	ideas     *idea.Service
	mod       *moderation.Service
	campaigns *campaign.Service
	accounts  *sqlstore.Accounts
	events    *events
}

func newWorld(t *testing.T, db *sqlstore.DB) *world {
	t.Helper()
	w := &world{db: db, campaigns: &campaign.Service{Store: sqlstore.NewCampaigns(db)}, accounts: sqlstore.NewAccounts(db), events: &events{}}
	st := sqlstore.NewIdeas(db)
	w.ideas = &idea.Service{Store: st, CommentStore: st, Threads: idea.NewThreadCache(1 << 20), ModerationStore: st, Campaigns: w.campaigns, Limiter: sqlstore.NewLimiter(db), Events: w.events}
	w.mod = &moderation.Service{Store: sqlstore.NewModeration(db), Ideas: w.ideas, Limiter: sqlstore.NewLimiter(db)}
	return w
}

var cli = samtal.WithActor(context.Background(), samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})

var visitor = context.Background()

func (w *world) member(t *testing.T, name string, role samtal.Role) context.Context {
	t.Helper()
	email := name + "@example.org"
	a, err := w.accounts.CreateAccount(context.Background(), account.NewAccount{Email: email, Name: name, Role: role,
		Identity: person.Identity{Kind: person.KindEmail, Value: email}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return samtal.WithActor(context.Background(), samtal.Actor{AccountID: a.ID, PersonID: a.PersonID, Role: role, Via: "test"})
}

func (w *world) campaign(t *testing.T, slug string, budget int, hold bool) *campaign.Campaign {
	t.Helper()
	c := &campaign.Campaign{Slug: slug, Title: "Campaign " + slug, Visibility: campaign.Public, VoteBudget: budget, HoldFirstPosts: hold,
		Questions: []campaign.Question{{Text: "What colour?"}}}
	if err := w.campaigns.Create(cli, c); err != nil {
		t.Fatal(err)
	}
	return c
}

func (w *world) idea(t *testing.T, ctx context.Context, c *campaign.Campaign, title string) *idea.Idea {
	t.Helper()
	i, err := w.ideas.Create(ctx, idea.NewIdea{QuestionID: c.Questions[0].ID, Title: title, Body: "Body of " + title})
	if err != nil {
		t.Fatal(err)
	}
	return i
}

func (w *world) comment(t *testing.T, ctx context.Context, ideaID int64, body string) *idea.Comment {
	t.Helper()
	c, err := w.ideas.AddComment(ctx, ideaID, 0, body)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// count reads an idea's comment count as a moderator sees it.
func (w *world) count(t *testing.T, id int64) int {
	t.Helper()
	i, err := w.ideas.Get(cli, id)
	if err != nil {
		t.Fatal(err)
	}
	return i.Comments
}

func wantCode(t *testing.T, err error, code, field string) {
	t.Helper()
	var e *samtal.Error
	if !errors.As(err, &e) || e.Code != code || e.Field != field {
		t.Errorf("err = %v, want %s (field %q)", err, code, field)
	}
}

// commentAs returns how comment id shows in the idea's thread for ctx, or
// nil when it is not there.
func (w *world) commentAs(t *testing.T, ctx context.Context, ideaID, id int64) *idea.Comment {
	t.Helper()
	list, err := w.ideas.Comments(ctx, ideaID)
	if err != nil {
		t.Fatal(err)
	}
	for k := range list {
		if list[k].ID == id {
			return &list[k]
		}
	}
	return nil
}

func (w *world) listed(t *testing.T, ctx context.Context, c *campaign.Campaign, id int64) bool {
	t.Helper()
	list, err := w.ideas.List(ctx, idea.Filter{CampaignID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range list {
		if i.ID == id {
			return true
		}
	}
	return false
}

func (w *world) auditCount(t *testing.T, action string, targetID int64) int {
	t.Helper()
	list, err := sqlstore.NewAudit(w.db).ListAudit(context.Background(), audit.Filter{Action: action, TargetID: fmt.Sprint(targetID), Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

func TestReportHideApprove(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		c := w.campaign(t, "sofa", 0, false)
		ada, bo, cy := w.member(t, "ada", samtal.RoleMember), w.member(t, "bo", samtal.RoleMember), w.member(t, "cy", samtal.RoleMember)
		mod := w.member(t, "mod", samtal.RoleModerator)
		i := w.idea(t, ada, c, "Blue sofa")
		c1 := w.comment(t, bo, i.ID, "Call Jane at 555 0100, she sold it to me")
		w.comment(t, ada, i.ID, "Thanks!")
		if n := w.count(t, i.ID); n != 2 {
			t.Fatalf("count = %d", n)
		}

		// Reports and their refusals.
		target := fmt.Sprintf("comment-%d", c1.ID)
		if _, err := w.mod.Report(ada, target, "personal_data", "A phone number"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.mod.Report(cy, target, "spam", ""); err != nil {
			t.Fatal(err)
		}
		_, err := w.mod.Report(ada, target, "spam", "")
		wantCode(t, err, samtal.ECONFLICT, "")
		_, err = w.mod.Report(ada, "comment-x", "spam", "")
		wantCode(t, err, samtal.EINVALID, "target")
		_, err = w.mod.Report(ada, "post-1", "spam", "")
		wantCode(t, err, samtal.EINVALID, "target")
		_, err = w.mod.Report(ada, "comment-999999", "spam", "")
		wantCode(t, err, samtal.ENOTFOUND, "")
		_, err = w.mod.Report(ada, target, "boring", "")
		wantCode(t, err, samtal.EINVALID, "reason")
		_, err = w.mod.Report(visitor, target, "spam", "")
		wantCode(t, err, samtal.EUNAUTHORIZED, "")

		// The queue: moderators only, grouped per target.
		_, err = w.mod.Queue(bo, 30, 0)
		wantCode(t, err, samtal.EFORBIDDEN, "")
		q, err := w.mod.Queue(mod, 30, 0)
		if err != nil || len(q) != 1 {
			t.Fatalf("queue: %v %+v", err, q)
		}
		if it := q[0]; it.Target.String() != target || it.Reports != 2 || len(it.Reasons) != 2 || fmt.Sprint(it.Texts) != "[A phone number]" ||
			it.IdeaID != i.ID || it.IdeaTitle != "Blue sofa" || it.AuthorName != "bo" || it.Moderation != idea.ModVisible {
			t.Errorf("queue item: %+v", it)
		}

		// Hiding needs a moderator and a reason, and changes nothing otherwise.
		wantCode(t, w.mod.Hide(bo, target, "Mine now"), samtal.EFORBIDDEN, "")
		wantCode(t, w.mod.Hide(mod, target, "  "), samtal.EINVALID, "reason")
		wantCode(t, w.mod.Hide(mod, "comment-999999", "Why"), samtal.ENOTFOUND, "")
		if n := w.count(t, i.ID); n != 2 {
			t.Fatalf("refusals changed the count: %d", n)
		}
		reason := "Your comment gives a shop employee's phone number. We hid it to protect her."
		if err := w.mod.Hide(mod, target, reason); err != nil {
			t.Fatal(err)
		}
		if n := w.count(t, i.ID); n != 1 {
			t.Errorf("count after hide = %d, want 1", n)
		}
		if ev := w.events.last(); ev.Kind != idea.EventCommentHidden || ev.CommentID != c1.ID || ev.IdeaID != i.ID || ev.Note != reason {
			t.Errorf("event: %+v", ev)
		}
		if w.auditCount(t, "moderation.hide", c1.ID) != 1 {
			t.Error("the hide is not audited")
		}
		if q, _ := w.mod.Queue(mod, 30, 0); len(q) != 0 {
			t.Errorf("the hide did not close the reports: %+v", q)
		}
		// Hiding again (a clearer reason) keeps the count.
		if err := w.mod.Hide(mod, target, reason+" Thanks for understanding."); err != nil {
			t.Fatal(err)
		}
		if n := w.count(t, i.ID); n != 1 {
			t.Errorf("count after a second hide = %d", n)
		}

		// Who sees what of the hidden comment.
		if got := w.commentAs(t, bo, i.ID, c1.ID); got == nil || got.Body == "" || got.ModerationReason == "" || got.Moderation != idea.ModHidden {
			t.Errorf("author sees %+v", got)
		}
		for who, ctx := range map[string]context.Context{"other member": ada, "visitor": visitor} {
			if got := w.commentAs(t, ctx, i.ID, c1.ID); got == nil || got.Body != "" || got.ModerationReason != "" || got.Moderation != idea.ModHidden {
				t.Errorf("%s sees %+v, want a placeholder", who, got)
			}
		}
		if got := w.commentAs(t, mod, i.ID, c1.ID); got == nil || got.Body == "" || got.ModerationReason == "" {
			t.Errorf("moderator sees %+v", got)
		}
		// Nobody reports or replies to what is hidden.
		_, err = w.mod.Report(cy, target, "spam", "")
		wantCode(t, err, samtal.ENOTFOUND, "")
		_, err = w.ideas.AddComment(ada, i.ID, c1.ID, "Reply")
		wantCode(t, err, samtal.EINVALID, "parent_id")

		// The author edits and asks for another look: held, still out of
		// sight, back in the queue.
		wantCode(t, w.mod.AskAgain(ada, target), samtal.EFORBIDDEN, "")
		if _, err := w.ideas.EditComment(bo, c1.ID, "She was very helpful in the shop in Aarhus."); err != nil {
			t.Fatal(err)
		}
		if err := w.mod.AskAgain(bo, target); err != nil {
			t.Fatal(err)
		}
		wantCode(t, w.mod.AskAgain(bo, target), samtal.ECONFLICT, "")
		if got := w.commentAs(t, ada, i.ID, c1.ID); got != nil {
			t.Errorf("a held comment without replies shows to others: %+v", got)
		}
		if _, err := w.ideas.Comment(ada, c1.ID); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("other member's GET of a held comment: %v", err)
		}
		if got := w.commentAs(t, bo, i.ID, c1.ID); got == nil || got.Moderation != idea.ModHeld {
			t.Errorf("author sees %+v", got)
		}
		q, _ = w.mod.Queue(mod, 30, 0)
		if len(q) != 1 || q[0].Moderation != idea.ModHeld || q[0].Reports != 0 || q[0].Body != "She was very helpful in the shop in Aarhus." {
			t.Errorf("queue: %+v", q)
		}
		if n := w.count(t, i.ID); n != 1 {
			t.Errorf("count while held = %d", n)
		}
		if err := w.mod.Approve(mod, target, ""); err != nil {
			t.Fatal(err)
		}
		if n := w.count(t, i.ID); n != 2 {
			t.Errorf("count after approve = %d, want 2", n)
		}
		if got := w.commentAs(t, ada, i.ID, c1.ID); got == nil || got.Body == "" || got.ModerationReason != "" {
			t.Errorf("approved comment for others: %+v", got)
		}
		if ev := w.events.last(); ev.Kind != idea.EventCommentApprove || ev.CommentID != c1.ID {
			t.Errorf("event: %+v", ev)
		}
		wantCode(t, w.mod.Approve(mod, target, ""), samtal.ECONFLICT, "")
		if w.auditCount(t, "moderation.approve", c1.ID) != 1 {
			t.Error("the approve is not audited")
		}

		// Hiding a whole idea.
		it := fmt.Sprintf("idea-%d", i.ID)
		if _, err := w.mod.Report(cy, it, "off_topic", ""); err != nil {
			t.Fatal(err)
		}
		if err := w.mod.Hide(mod, it, "Off topic."); err != nil {
			t.Fatal(err)
		}
		if got, err := w.ideas.Get(ada, i.ID); err != nil || got.ModerationReason != "Off topic." {
			t.Errorf("author: %+v %v", got, err)
		}
		for who, ctx := range map[string]context.Context{"other member": bo, "visitor": visitor} {
			if _, err := w.ideas.Get(ctx, i.ID); samtal.ErrorCode(err) != samtal.ENOTFOUND {
				t.Errorf("%s gets a hidden idea: %v", who, err)
			}
			if _, err := w.ideas.Comments(ctx, i.ID); samtal.ErrorCode(err) != samtal.ENOTFOUND {
				t.Errorf("%s gets a hidden idea's comments: %v", who, err)
			}
			if w.listed(t, ctx, c, i.ID) {
				t.Errorf("%s lists a hidden idea", who)
			}
		}
		if !w.listed(t, ada, c, i.ID) || !w.listed(t, mod, c, i.ID) {
			t.Error("author or moderator does not list the hidden idea")
		}
		if _, err := w.ideas.Vote(bo, i.ID); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("vote on a hidden idea: %v", err)
		}
		if _, err := w.ideas.Vote(ada, i.ID); samtal.ErrorCode(err) != samtal.ECONFLICT {
			t.Errorf("author's vote on own hidden idea: %v", err)
		}
		if err := w.mod.Approve(mod, it, "Fine after all"); err != nil {
			t.Fatal(err)
		}
		if !w.listed(t, bo, c, i.ID) {
			t.Error("approved idea is not listed")
		}
		if got := w.events.kinds(); fmt.Sprint(got[len(got)-2:]) != "[idea.hidden idea.approved]" {
			t.Errorf("events: %v", got)
		}
	})
}

func TestHeldFirstPosts(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		open := w.campaign(t, "open", 0, false)
		held := w.campaign(t, "held", 0, true)
		old, nova, mod := w.member(t, "old", samtal.RoleMember), w.member(t, "nova", samtal.RoleMember), w.member(t, "mod", samtal.RoleModerator)
		// Someone with a visible contribution (elsewhere) is not held.
		w.idea(t, old, open, "Old hand")
		if i := w.idea(t, old, held, "Known author"); i.Moderation != idea.ModVisible {
			t.Errorf("known author held: %s", i.Moderation)
		}
		if i := w.idea(t, mod, held, "Staff"); i.Moderation != idea.ModVisible {
			t.Errorf("staff held: %s", i.Moderation)
		}
		base := w.idea(t, old, held, "Base")
		before := len(w.events.kinds())

		first := w.idea(t, nova, held, "My first")
		if first.Moderation != idea.ModHeld {
			t.Fatalf("first post: %s", first.Moderation)
		}
		// A second one before approval is held too, and so is a comment.
		com := w.comment(t, nova, base.ID, "First comment")
		if com.Moderation != idea.ModHeld || w.count(t, base.ID) != 0 {
			t.Errorf("comment %s, count %d", com.Moderation, w.count(t, base.ID))
		}
		if len(w.events.kinds()) != before {
			t.Errorf("held posts were announced: %v", w.events.kinds()[before:])
		}
		if got, err := w.ideas.Get(nova, first.ID); err != nil || got.Moderation != idea.ModHeld {
			t.Errorf("author: %v %v", got, err)
		}
		if _, err := w.ideas.Get(old, first.ID); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("other member: %v", err)
		}
		if w.listed(t, old, held, first.ID) || w.listed(t, visitor, held, first.ID) || !w.listed(t, nova, held, first.ID) || !w.listed(t, mod, held, first.ID) {
			t.Error("list visibility of a held idea")
		}
		if w.commentAs(t, old, base.ID, com.ID) != nil {
			t.Error("a held comment shows to others")
		}
		q, err := w.mod.Queue(mod, 30, 0)
		if err != nil || len(q) != 2 {
			t.Fatalf("queue: %+v %v", q, err)
		}
		// Oldest first; the idea and the comment may share a millisecond,
		// and then the order between them is the queue's tie-break.
		if q[0].Since.After(q[1].Since) {
			t.Errorf("queue not oldest first: %+v", q)
		}
		targets := map[string]bool{q[0].Target.String(): true, q[1].Target.String(): true}
		if !targets[fmt.Sprintf("idea-%d", first.ID)] || !targets[fmt.Sprintf("comment-%d", com.ID)] {
			t.Fatalf("queue: %+v", q)
		}
		// Paging.
		if p, _ := w.mod.Queue(mod, 1, 1); len(p) != 1 || p[0].Target != q[1].Target {
			t.Errorf("second page: %+v, want %v", p, q[1].Target)
		}
		comTarget := fmt.Sprintf("comment-%d", com.ID)
		if err := w.mod.Approve(mod, comTarget, ""); err != nil {
			t.Fatal(err)
		}
		if w.count(t, base.ID) != 1 {
			t.Errorf("count after approving the comment: %d", w.count(t, base.ID))
		}
		// Approved once, the newcomer posts freely.
		if c := w.comment(t, nova, base.ID, "Second comment"); c.Moderation != idea.ModVisible || w.count(t, base.ID) != 2 {
			t.Errorf("second comment %s, count %d", c.Moderation, w.count(t, base.ID))
		}
		// Deleting a held comment leaves the count alone; deleting a
		// visible one takes one off.
		if err := w.ideas.DeleteComment(nova, com.ID); err != nil {
			t.Fatal(err)
		}
		if w.count(t, base.ID) != 1 {
			t.Errorf("count after deleting a visible comment: %d", w.count(t, base.ID))
		}
	})
}

func TestEditDeleteAndBudget(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		c := w.campaign(t, "budget", 1, false)
		ada, bo, mod := w.member(t, "ada", samtal.RoleMember), w.member(t, "bo", samtal.RoleMember), w.member(t, "mod", samtal.RoleModerator)
		i := w.idea(t, ada, c, "First")
		other := w.idea(t, ada, c, "Second")
		if _, err := w.ideas.Vote(bo, i.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.ideas.Vote(bo, other.ID); samtal.ErrorCode(err) != samtal.ECONFLICT {
			t.Fatalf("over budget: %v", err)
		}

		// Edits: the author, or an audited moderator.
		title := "First, clearer"
		if got, err := w.ideas.Update(ada, i.ID, idea.IdeaChanges{Title: &title}); err != nil || got.Title != title || got.Body != "Body of First" {
			t.Errorf("author edit: %+v %v", got, err)
		}
		_, err := w.ideas.Update(bo, i.ID, idea.IdeaChanges{Title: &title})
		wantCode(t, err, samtal.EFORBIDDEN, "")
		empty := ""
		_, err = w.ideas.Update(ada, i.ID, idea.IdeaChanges{Title: &empty})
		wantCode(t, err, samtal.EINVALID, "title")
		tags := []string{"Calm"}
		if _, err := w.ideas.Update(mod, i.ID, idea.IdeaChanges{Tags: &tags}); err != nil {
			t.Fatal(err)
		}
		if w.auditCount(t, "idea.edit", i.ID) != 1 {
			t.Error("the moderator's edit is not audited (or the author's is)")
		}

		// Deletes: soft, out of lists, votes kept, budget freed.
		wantCode(t, w.ideas.Delete(bo, i.ID), samtal.EFORBIDDEN, "")
		if err := w.ideas.Delete(ada, i.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, w.ideas.Delete(ada, i.ID), samtal.ENOTFOUND, "")
		if w.listed(t, bo, c, i.ID) || w.listed(t, mod, c, i.ID) {
			t.Error("a deleted idea is listed")
		}
		if got, err := w.ideas.Get(bo, i.ID); err != nil || !got.Deleted || got.Title != "" || got.Body != "" {
			t.Errorf("member's view of a deleted idea: %+v %v", got, err)
		}
		if got, _ := w.ideas.Get(mod, i.ID); got.Votes != 1 || got.Title != title {
			t.Errorf("moderator's view: %+v", got)
		}
		if left, _ := w.ideas.VotesLeft(bo, c); left != 1 {
			t.Errorf("votes left after the delete = %d, want 1", left)
		}
		if n, err := w.ideas.Vote(bo, other.ID); err != nil || n != 1 {
			t.Errorf("vote with the freed budget: %d %v", n, err)
		}
		wantCode(t, func() error { _, err := w.ideas.Vote(ada, i.ID); return err }(), samtal.ECONFLICT, "")
		wantCode(t, func() error { _, err := w.ideas.AddComment(ada, i.ID, 0, "Hello"); return err }(), samtal.ECONFLICT, "")
		if err := w.ideas.Delete(mod, other.ID); err != nil {
			t.Fatal(err)
		}
		if w.auditCount(t, "idea.delete", other.ID) != 1 || w.auditCount(t, "idea.delete", i.ID) != 0 {
			t.Error("deletes: only the moderator's is audited")
		}
	})
}

func TestRateLimits(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		c := w.campaign(t, "busy", 0, false)
		ada, bo := w.member(t, "ada", samtal.RoleMember), w.member(t, "bo", samtal.RoleMember)
		i := w.idea(t, ada, c, "Busy")
		var err error
		for n := 0; n < 61 && err == nil; n++ {
			_, err = w.ideas.AddComment(bo, i.ID, 0, fmt.Sprintf("Comment %d", n))
		}
		var e *samtal.Error
		if !errors.As(err, &e) || e.Code != samtal.ERATELIMITED || e.RetryAfter <= 0 || e.RetryAfter > int(time.Hour.Seconds())+1 {
			t.Errorf("61st comment: %v", err)
		}
		if n := w.count(t, i.ID); n != 60 {
			t.Errorf("count = %d, want 60", n)
		}
		target := fmt.Sprintf("idea-%d", i.ID)
		err = nil
		for n := 0; n < 21; n++ {
			_, err = w.mod.Report(bo, target, "spam", "")
		}
		wantCode(t, err, samtal.ERATELIMITED, "")
	})
}
