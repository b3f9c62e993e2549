package sqlstore_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/sqlstore"
	"github.com/samtal-dev/samtal/upload"
)

func entry(action string) audit.Entry {
	return audit.Entry{At: time.Now(), Action: action, TargetKind: "campaign", Via: "test"}
}

func TestCampaignManagement(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := sqlstore.NewCampaigns(db)
		logs := sqlstore.NewAudit(db)
		accounts := sqlstore.NewAccounts(db)
		mod := newAccount(t, accounts, "mod@example.org", samtal.RoleModerator)
		mem := newAccount(t, accounts, "mem@example.org", samtal.RoleMember)
		uploads := sqlstore.NewUploads(db)

		cover := &upload.Upload{Key: "coverkeycoverkeycover1", OwnerPersonID: mod.PersonID, Mime: "image/jpeg", Width: 3, Height: 2,
			Bytes: []byte{0xFF, 0xD8, 0, 1, 2, 0xFF, 0xD9}, CreatedAt: time.Now()}
		if err := uploads.CreateUpload(ctx, cover); err != nil {
			t.Fatal(err)
		}
		got, err := uploads.UploadByKey(ctx, cover.Key)
		if err != nil || !bytes.Equal(got.Bytes, cover.Bytes) || got.Mime != "image/jpeg" || got.OwnerPersonID != mod.PersonID {
			t.Fatalf("UploadByKey = %+v, %v", got, err)
		}
		if _, err := uploads.UploadByKey(ctx, "nope"); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("UploadByKey(nope) = %v", err)
		}
		if owner, err := s.UploadOwner(ctx, cover.Key); err != nil || owner != mod.PersonID {
			t.Errorf("UploadOwner = %d, %v", owner, err)
		}

		c := &campaign.Campaign{Slug: "a", Title: "A", Visibility: campaign.Invited, BriefHTML: "<p>x</p>", Brief: "x", CoverKey: cover.Key,
			CreatedAt: time.Now(), Questions: []campaign.Question{{Position: 1, Text: "One"}, {Position: 2, Text: "Two"}}}
		if err := s.CreateCampaign(ctx, c, entry("campaign.create")); err != nil {
			t.Fatal(err)
		}
		other := &campaign.Campaign{Slug: "b", Title: "B", Visibility: campaign.Public, CreatedAt: time.Now()}
		if err := s.CreateCampaign(ctx, other, entry("campaign.create")); err != nil {
			t.Fatal(err)
		}
		if list, _ := logs.ListAudit(ctx, audit.Filter{Action: "campaign.create", Limit: 10}); len(list) != 2 || list[1].TargetID == "0" {
			t.Errorf("create audit: %+v", list)
		}
		read, err := s.CampaignByID(ctx, c.ID)
		if err != nil || read.BriefHTML != "<p>x</p>" || read.CoverKey != cover.Key {
			t.Fatalf("CampaignByID = %+v, %v", read, err)
		}

		// Update; a taken slug conflicts and changes nothing.
		read.Title, read.BriefHTML, read.CoverKey = "A2", "<p>y</p>", ""
		if err := s.UpdateCampaign(ctx, read, entry("campaign.update")); err != nil {
			t.Fatal(err)
		}
		read.Slug, read.Title = "b", "A3"
		if err := s.UpdateCampaign(ctx, read, entry("campaign.update")); samtal.ErrorCode(err) != samtal.ECONFLICT {
			t.Errorf("taken slug: %v", err)
		}
		if again, _ := s.CampaignByID(ctx, c.ID); again.Title != "A2" || again.Slug != "a" || again.CoverKey != "" || again.BriefHTML != "<p>y</p>" {
			t.Errorf("after update: %+v", again)
		}
		if list, _ := logs.ListAudit(ctx, audit.Filter{Action: "campaign.update", Limit: 10}); len(list) != 1 {
			t.Errorf("update audit entries: %d", len(list))
		}

		// Questions: add at the end, reorder, remove.
		q := &campaign.Question{CampaignID: c.ID, Text: "Three"}
		if err := s.AddQuestion(ctx, q, entry("campaign.question_add")); err != nil || q.Position != 3 || q.ID == 0 {
			t.Fatalf("AddQuestion = %+v, %v", q, err)
		}
		qs := c.Questions
		if err := s.SetQuestionOrder(ctx, c.ID, []int64{q.ID, qs[0].ID, qs[1].ID}, entry("campaign.question_order")); err != nil {
			t.Fatal(err)
		}
		if err := s.SetQuestionOrder(ctx, other.ID, []int64{q.ID}, entry("campaign.question_order")); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("order another campaign's question: %v", err)
		}
		qs[1].Text, qs[1].Help = "Two!", "help"
		if err := s.UpdateQuestion(ctx, &qs[1], entry("campaign.question_edit")); err != nil {
			t.Fatal(err)
		}
		after, _ := s.CampaignByID(ctx, c.ID)
		if texts := questionTexts(after); texts != "Three|One|Two!" || after.Questions[2].Help != "help" {
			t.Errorf("questions = %s", texts)
		}
		// A question with an idea stays.
		ideas := sqlstore.NewIdeas(db)
		i := &idea.Idea{CampaignID: c.ID, QuestionID: qs[0].ID, AuthorPersonID: mem.PersonID, Title: "I", Status: idea.Open, CreatedAt: time.Now(), UpdatedAt: time.Now()}
		if err := ideas.CreateIdea(ctx, i, 0); err != nil {
			t.Fatal(err)
		}
		if err := s.RemoveQuestion(ctx, c.ID, qs[0].ID, entry("campaign.question_remove")); samtal.ErrorCode(err) != samtal.ECONFLICT {
			t.Errorf("remove answered question: %v", err)
		}
		if err := s.RemoveQuestion(ctx, other.ID, q.ID, entry("campaign.question_remove")); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("remove through another campaign: %v", err)
		}
		if err := s.RemoveQuestion(ctx, c.ID, q.ID, entry("campaign.question_remove")); err != nil {
			t.Fatal(err)
		}
		if after, _ := s.CampaignByID(ctx, c.ID); questionTexts(after) != "One|Two!" {
			t.Errorf("after remove: %s", questionTexts(after))
		}
		if list, _ := logs.ListAudit(ctx, audit.Filter{Action: "campaign.question_remove", Limit: 10}); len(list) != 1 {
			t.Errorf("remove audit entries: %d (refusals must not write)", len(list))
		}

		// Invitations.
		if ok, _ := s.IsInvited(ctx, c.ID, mem.PersonID); ok {
			t.Error("invited before the invitation")
		}
		if _, err := s.Invite(ctx, c.ID, "nobody@example.org", mod.PersonID, time.Now(), entry("campaign.invite")); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("invite unknown email: %v", err)
		}
		inv, err := s.Invite(ctx, c.ID, "mem@example.org", mod.PersonID, time.Now(), entry("campaign.invite"))
		if err != nil || inv.PersonID != mem.PersonID || inv.Name != "Name of mem@example.org" {
			t.Fatalf("Invite = %+v, %v", inv, err)
		}
		if _, err := s.Invite(ctx, c.ID, "mem@example.org", mod.PersonID, time.Now(), entry("campaign.invite")); err != nil {
			t.Errorf("second invite: %v", err)
		}
		if list, _ := logs.ListAudit(ctx, audit.Filter{Action: "campaign.invite", Limit: 10}); len(list) != 1 {
			t.Errorf("invite audit entries: %d", len(list))
		}
		if ok, _ := s.IsInvited(ctx, c.ID, mem.PersonID); !ok {
			t.Error("not invited after the invitation")
		}
		list, err := s.InvitedCampaigns(ctx, mem.PersonID)
		if err != nil || len(list) != 1 || list[0].ID != c.ID || len(list[0].Questions) != 2 {
			t.Errorf("InvitedCampaigns = %+v, %v", list, err)
		}
		if list, _ := s.InvitedCampaigns(ctx, mod.PersonID); len(list) != 0 {
			t.Errorf("InvitedCampaigns of someone not invited = %d", len(list))
		}
		if invs, err := s.Invites(ctx, c.ID); err != nil || len(invs) != 1 || invs[0].Email != "mem@example.org" {
			t.Errorf("Invites = %+v, %v", invs, err)
		}
		if err := s.Uninvite(ctx, c.ID, mem.PersonID, entry("campaign.uninvite")); err != nil {
			t.Fatal(err)
		}
		if err := s.Uninvite(ctx, c.ID, mem.PersonID, entry("campaign.uninvite")); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("second uninvite: %v", err)
		}
		if ok, _ := s.IsInvited(ctx, c.ID, mem.PersonID); ok {
			t.Error("still invited")
		}
	})
}

func questionTexts(c *campaign.Campaign) string {
	var out []string
	for _, q := range c.Questions {
		out = append(out, q.Text)
	}
	return strings.Join(out, "|")
}

func TestIdeaImagesAndBackfill(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		accounts := sqlstore.NewAccounts(db)
		ada := newAccount(t, accounts, "ada@example.org", samtal.RoleMember)
		bo := newAccount(t, accounts, "bo@example.org", samtal.RoleMember)
		uploads := sqlstore.NewUploads(db)
		mk := func(key string, owner int64) {
			if err := uploads.CreateUpload(ctx, &upload.Upload{Key: key, OwnerPersonID: owner, Mime: "image/png", Width: 1, Height: 1, Bytes: []byte{1}, CreatedAt: time.Now()}); err != nil {
				t.Fatal(err)
			}
		}
		mk("adaimage1adaimage1ada1", ada.PersonID)
		mk("adaimage2adaimage2ada2", ada.PersonID)
		mk("boimage1boimage1boima1", bo.PersonID)
		c := &campaign.Campaign{Slug: "c", Title: "C", Visibility: campaign.Public, Brief: "Some **brief**", CreatedAt: time.Now(),
			Questions: []campaign.Question{{Position: 1, Text: "Q"}}}
		if err := sqlstore.NewCampaigns(db).CreateCampaign(ctx, c, entry("campaign.create")); err != nil {
			t.Fatal(err)
		}
		ideas := sqlstore.NewIdeas(db)
		newIdea := func(images ...string) (*idea.Idea, error) {
			i := &idea.Idea{CampaignID: c.ID, QuestionID: c.Questions[0].ID, AuthorPersonID: ada.PersonID, Title: "T", Body: "a *b*",
				Status: idea.Open, Images: images, CreatedAt: time.Now(), UpdatedAt: time.Now()}
			return i, ideas.CreateIdea(ctx, i, 0)
		}
		i, err := newIdea("adaimage2adaimage2ada2", "adaimage1adaimage1ada1")
		if err != nil {
			t.Fatal(err)
		}
		read, err := ideas.IdeaByID(ctx, i.ID, 0)
		if err != nil || strings.Join(read.Images, ",") != "adaimage2adaimage2ada2,adaimage1adaimage1ada1" {
			t.Fatalf("IdeaByID images = %v, %v", read, err)
		}
		for name, keys := range map[string][]string{
			"someone else's": {"boimage1boimage1boima1"},
			"in use":         {"adaimage1adaimage1ada1"},
			"unknown":        {"nonenonenonenonenone12"},
		} {
			if _, err := newIdea(keys...); samtal.ErrorCode(err) != samtal.EINVALID {
				t.Errorf("%s image: %v", name, err)
			}
		}
		if list, _ := ideas.ListIdeas(ctx, idea.Filter{CampaignID: c.ID, Limit: 10}); len(list) != 1 {
			t.Errorf("refused ideas were stored: %d", len(list))
		}

		// Rows written without HTML get it from the backfill, once.
		cm := &idea.Comment{IdeaID: i.ID, AuthorPersonID: bo.PersonID, Body: "c <b>x</b>", CreatedAt: time.Now(), UpdatedAt: time.Now()}
		if err := ideas.AddComment(ctx, cm); err != nil {
			t.Fatal(err)
		}
		render := func(s string) string { return "[" + s + "]" }
		n, err := db.BackfillHTML(ctx, render)
		if err != nil || n != 3 {
			t.Fatalf("BackfillHTML = %d, %v", n, err)
		}
		if n, _ := db.BackfillHTML(ctx, render); n != 0 {
			t.Errorf("second backfill rendered %d", n)
		}
		read, _ = ideas.IdeaByID(ctx, i.ID, 0)
		cread, _ := ideas.CommentByID(ctx, cm.ID)
		camp, _ := sqlstore.NewCampaigns(db).CampaignByID(ctx, c.ID)
		if read.BodyHTML != "[a *b*]" || cread.BodyHTML != "[c <b>x</b>]" || camp.BriefHTML != "[Some **brief**]" {
			t.Errorf("backfilled: %q %q %q", read.BodyHTML, cread.BodyHTML, camp.BriefHTML)
		}
		// Edits and deletes keep the HTML in step.
		if err := ideas.EditComment(ctx, cm.ID, "new", "<p>new</p>", time.Now()); err != nil {
			t.Fatal(err)
		}
		if cread, _ = ideas.CommentByID(ctx, cm.ID); cread.BodyHTML != "<p>new</p>" {
			t.Errorf("after edit: %q", cread.BodyHTML)
		}
		if err := ideas.DeleteComment(ctx, cm.ID, time.Now(), nil); err != nil {
			t.Fatal(err)
		}
		if cread, _ = ideas.CommentByID(ctx, cm.ID); cread.BodyHTML != "" {
			t.Errorf("after delete: %q", cread.BodyHTML)
		}
	})
}
