package idea_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/sqlstore"
)

// threadShape writes a thread as "body@depth" items, deleted ones as "-".
func threadShape(list []idea.Comment) string {
	var parts []string
	for _, c := range list {
		b := c.Body
		if c.Deleted {
			b = "-"
		}
		parts = append(parts, fmt.Sprintf("%s@%d", b, c.Depth))
	}
	return strings.Join(parts, " ")
}

// countOf returns the idea's comment count as staff sees it.
func (w *world) countOf(t *testing.T, id int64) int {
	t.Helper()
	i, err := w.ideas.Get(staff, id)
	if err != nil {
		t.Fatal(err)
	}
	return i.Comments
}

func (w *world) idea(t *testing.T, ctx context.Context, c *campaign.Campaign, title string) *idea.Idea {
	t.Helper()
	i, err := w.ideas.Create(ctx, idea.NewIdea{QuestionID: c.Questions[0].ID, Title: title})
	if err != nil {
		t.Fatal(err)
	}
	return i
}

func TestCommentThread(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		c := w.campaign(t, "thread", campaign.Public, 0)
		ada, bo := w.member(t, "ada", samtal.RoleMember), w.member(t, "bo", samtal.RoleMember)
		i := w.idea(t, ada, c, "Benches")
		other := w.idea(t, ada, c, "Lamps")

		add := func(ctx context.Context, parent int64, body string) *idea.Comment {
			t.Helper()
			cm, err := w.ideas.AddComment(ctx, i.ID, parent, body)
			if err != nil {
				t.Fatalf("comment %q: %v", body, err)
			}
			return cm
		}
		a := add(ada, 0, "  a  ")
		b := add(bo, 0, "b")
		a1 := add(bo, a.ID, "a1")
		a1x := add(ada, a1.ID, "a1x")
		add(ada, a.ID, "a2")
		add(ada, b.ID, "b1")
		a1xy := add(bo, a1x.ID, "a1xy")
		if a.Body != "a" || a.AuthorName != "ada" || a.Depth != 0 || a1x.Depth != 2 || a1xy.Depth != 3 || a1x.ParentID != a1.ID {
			t.Errorf("created: %+v / %+v / %+v", a, a1x, a1xy)
		}
		list, err := w.ideas.Comments(bo, i.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := threadShape(list), "a@0 a1@1 a1x@2 a1xy@3 a2@1 b@0 b1@1"; got != want {
			t.Errorf("thread %s, want %s", got, want)
		}
		if n := w.countOf(t, i.ID); n != 7 {
			t.Errorf("count %d, want 7", n)
		}
		one, err := w.ideas.Comment(ada, a1xy.ID)
		if err != nil || one.Depth != 3 || one.Body != "a1xy" {
			t.Errorf("one comment: %+v %v", one, err)
		}

		// Refusals change nothing.
		otherC, err := w.ideas.AddComment(ada, other.ID, 0, "on lamps")
		if err != nil {
			t.Fatal(err)
		}
		for name, try := range map[string]func() error{
			"parent of another idea": func() error { _, err := w.ideas.AddComment(bo, i.ID, otherC.ID, "x"); return err },
			"unknown parent":         func() error { _, err := w.ideas.AddComment(bo, i.ID, 999999, "x"); return err },
			"empty body":             func() error { _, err := w.ideas.AddComment(bo, i.ID, 0, "   "); return err },
			"too long": func() error {
				_, err := w.ideas.AddComment(bo, i.ID, 0, strings.Repeat("é", idea.MaxCommentLen+1))
				return err
			},
		} {
			wantField := "body"
			if strings.Contains(name, "parent") {
				wantField = "parent_id"
			}
			err := try()
			var e *samtal.Error
			if samtal.ErrorCode(err) != samtal.EINVALID || !asError(err, &e) || e.Field != wantField {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := w.ideas.AddComment(context.Background(), i.ID, 0, "visitor"); samtal.ErrorCode(err) != samtal.EUNAUTHORIZED {
			t.Errorf("visitor: %v", err)
		}
		if _, err := w.ideas.AddComment(bo, i.ID, 0, strings.Repeat("é", idea.MaxCommentLen)); err != nil {
			t.Errorf("longest comment: %v", err)
		}
		list, _ = w.ideas.Comments(bo, i.ID)
		if len(list) != 8 || w.countOf(t, i.ID) != 8 || w.countOf(t, other.ID) != 1 {
			t.Errorf("after refusals: %d comments, counts %d and %d", len(list), w.countOf(t, i.ID), w.countOf(t, other.ID))
		}
	})
}

func asError(err error, target **samtal.Error) bool {
	e, ok := err.(*samtal.Error)
	if ok {
		*target = e
	}
	return ok
}

func TestCommentCountUnderConcurrency(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		c := w.campaign(t, "busy", campaign.Public, 0)
		ada := w.member(t, "ada", samtal.RoleMember)
		i := w.idea(t, ada, c, "Busy idea")
		members := make([]context.Context, 20)
		for k := range members {
			members[k] = w.member(t, fmt.Sprint("m", k), samtal.RoleMember)
		}
		var wg sync.WaitGroup
		errs := make(chan error, len(members))
		for _, m := range members {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := w.ideas.AddComment(m, i.ID, 0, "me too")
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
		list, _ := w.ideas.Comments(ada, i.ID)
		if n := w.countOf(t, i.ID); n != 20 || len(list) != 20 {
			t.Errorf("count %d with %d comments, want 20", n, len(list))
		}
		// Concurrent deletes of one comment take it off the count once.
		target := list[0].ID
		mod := w.member(t, "mod", samtal.RoleModerator)
		var ok sync.WaitGroup
		results := make(chan error, 5)
		for range 5 {
			ok.Add(1)
			go func() { defer ok.Done(); results <- w.ideas.DeleteComment(mod, target) }()
		}
		ok.Wait()
		close(results)
		var done int
		for err := range results {
			switch samtal.ErrorCode(err) {
			case "":
				done++
			case samtal.ENOTFOUND:
			default:
				t.Error(err)
			}
		}
		if done != 1 || w.countOf(t, i.ID) != 19 {
			t.Errorf("%d deletes succeeded, count %d", done, w.countOf(t, i.ID))
		}
	})
}

func TestCommentEditAndDelete(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		c := w.campaign(t, "edits", campaign.Public, 0)
		ada, bo := w.member(t, "ada", samtal.RoleMember), w.member(t, "bo", samtal.RoleMember)
		mod := w.member(t, "mod", samtal.RoleModerator)
		i := w.idea(t, ada, c, "Benches")
		cm, err := w.ideas.AddComment(ada, i.ID, 0, "first text")
		if err != nil {
			t.Fatal(err)
		}
		if cm.Edited {
			t.Error("a new comment is marked edited")
		}

		// Only the author edits; the old text is kept for moderators.
		if _, err := w.ideas.EditComment(bo, cm.ID, "bo's text"); samtal.ErrorCode(err) != samtal.EFORBIDDEN {
			t.Errorf("bo edits ada's comment: %v", err)
		}
		if _, err := w.ideas.EditComment(mod, cm.ID, "mod's text"); samtal.ErrorCode(err) != samtal.EFORBIDDEN {
			t.Errorf("moderator edits ada's comment: %v", err)
		}
		if _, err := w.ideas.EditComment(ada, cm.ID, ""); samtal.ErrorCode(err) != samtal.EINVALID {
			t.Errorf("empty edit: %v", err)
		}
		if got, _ := w.ideas.Comment(bo, cm.ID); got.Body != "first text" || got.Edited {
			t.Errorf("after refused edits: %+v", got)
		}
		if edited, err := w.ideas.EditComment(ada, cm.ID, "second text"); err != nil || edited.Body != "second text" || !edited.Edited {
			t.Fatalf("edit: %+v %v", edited, err)
		}
		if _, err := w.ideas.EditComment(ada, cm.ID, "third text"); err != nil {
			t.Fatal(err)
		}
		edits, err := w.ideas.CommentEdits(mod, cm.ID)
		if err != nil || len(edits) != 2 || edits[0].Body != "first text" || edits[1].Body != "second text" {
			t.Errorf("history: %+v %v", edits, err)
		}
		byComment, err := w.ideas.IdeaCommentEdits(mod, i.ID)
		if err != nil || len(byComment) != 1 || len(byComment[cm.ID]) != 2 || byComment[cm.ID][1].Body != "second text" {
			t.Errorf("history by idea: %+v %v", byComment, err)
		}
		if _, err := w.ideas.IdeaCommentEdits(ada, i.ID); samtal.ErrorCode(err) != samtal.EFORBIDDEN {
			t.Errorf("a member reads the idea's history: %v", err)
		}
		if _, err := w.ideas.CommentEdits(ada, cm.ID); samtal.ErrorCode(err) != samtal.EFORBIDDEN {
			t.Errorf("a member reads the history: %v", err)
		}
		if got, _ := w.ideas.Comment(bo, cm.ID); got.Body != "third text" || !got.Edited {
			t.Errorf("after edits: %+v", got)
		}

		// Delete by author: not audited; by another member: refused; by a
		// moderator: audited.
		if _, err := w.ideas.AddComment(bo, i.ID, cm.ID, "bo replies"); err != nil {
			t.Fatal(err)
		}
		mine, _ := w.ideas.AddComment(ada, i.ID, 0, "to delete")
		if n := w.countOf(t, i.ID); n != 3 {
			t.Fatalf("count %d", n)
		}
		if err := w.ideas.DeleteComment(bo, cm.ID); samtal.ErrorCode(err) != samtal.EFORBIDDEN {
			t.Errorf("bo deletes ada's comment: %v", err)
		}
		if err := w.ideas.DeleteComment(context.Background(), cm.ID); samtal.ErrorCode(err) != samtal.EUNAUTHORIZED {
			t.Errorf("visitor deletes: %v", err)
		}
		if n := w.countOf(t, i.ID); n != 3 {
			t.Errorf("refused delete changed the count: %d", n)
		}
		if err := w.ideas.DeleteComment(ada, mine.ID); err != nil {
			t.Fatal(err)
		}
		if err := w.ideas.DeleteComment(ada, mine.ID); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("second delete: %v", err)
		}
		if err := w.ideas.DeleteComment(mod, cm.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.ideas.EditComment(ada, cm.ID, "back"); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("edit of a deleted comment: %v", err)
		}
		if _, err := w.ideas.AddComment(bo, i.ID, cm.ID, "reply to deleted"); samtal.ErrorCode(err) != samtal.EINVALID {
			t.Errorf("reply to a deleted comment: %v", err)
		}
		list, _ := w.ideas.Comments(bo, i.ID)
		if got, want := threadShape(list), "-@0 bo replies@1 -@0"; got != want {
			t.Errorf("thread %s, want %s", got, want)
		}
		if n := w.countOf(t, i.ID); n != 1 {
			t.Errorf("count %d, want 1", n)
		}
		entries, err := sqlstore.NewAudit(db).ListAudit(context.Background(), audit.Filter{Action: "comment.delete", Limit: 10})
		if err != nil || len(entries) != 1 || entries[0].TargetID != fmt.Sprint(cm.ID) || !strings.Contains(entries[0].Before, "third text") {
			t.Errorf("audit: %+v %v", entries, err)
		}
	})
}

func TestCommentsOfHiddenIdeas(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		c := w.campaign(t, "secret", campaign.Invited, 0)
		bo := w.member(t, "bo", samtal.RoleMember)
		agent := w.member(t, "agent", samtal.RoleAgent)
		i, err := w.ideas.Create(agent, idea.NewIdea{QuestionID: c.Questions[0].ID, Title: "Hidden"})
		if err != nil {
			t.Fatal(err)
		}
		cm, err := w.ideas.AddComment(agent, i.ID, 0, "staff only")
		if err != nil {
			t.Fatal(err)
		}
		for name, err := range map[string]error{
			"list":   func() error { _, err := w.ideas.Comments(bo, i.ID); return err }(),
			"one":    func() error { _, err := w.ideas.Comment(bo, cm.ID); return err }(),
			"add":    func() error { _, err := w.ideas.AddComment(bo, i.ID, 0, "x"); return err }(),
			"reply":  func() error { _, err := w.ideas.AddComment(bo, i.ID, cm.ID, "x"); return err }(),
			"delete": w.ideas.DeleteComment(bo, cm.ID),
			"edit":   func() error { _, err := w.ideas.EditComment(bo, cm.ID, "x"); return err }(),
		} {
			if samtal.ErrorCode(err) != samtal.ENOTFOUND {
				t.Errorf("%s: %v", name, err)
			}
		}
		if list, err := w.ideas.Comments(agent, i.ID); err != nil || threadShape(list) != "staff only@0" || w.countOf(t, i.ID) != 1 {
			t.Errorf("staff sees %s (%v)", threadShape(list), err)
		}
	})
}
