package jobs

import (
	"context"
	"strings"
	"testing"

	"github.com/riverqueue/river/rivertype"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/consent"
	"github.com/samtal-dev/samtal/i18n"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/mail"
	"github.com/samtal-dev/samtal/mail/smtptest"
	"github.com/samtal-dev/samtal/notify"
	"github.com/samtal-dev/samtal/outbox"
	"github.com/samtal-dev/samtal/person"
	"github.com/samtal-dev/samtal/sqlstore"
)

// TestFanoutRunsInAJob: with a queue, a comment's notifications are made by
// a job, and the immediate mail reaches the SMTP server with its one-click
// unsubscribe headers.
func TestFanoutRunsInAJob(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		migrated(t, db)
		ctx := context.Background()
		srv := smtptest.Start(t)
		sender, err := mail.NewSMTP(mail.SMTPConfig{URL: srv.URL(), From: "samtal <noreply@example.org>"})
		if err != nil {
			t.Fatal(err)
		}
		cat, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		ob := &outbox.Service{Store: sqlstore.NewOutbox(db), Sender: sender, Log: testLogger(t)}
		campaigns := &campaign.Service{Store: sqlstore.NewCampaigns(db)}
		ideas := sqlstore.NewIdeas(db)
		ideaSvc := &idea.Service{Store: ideas, CommentStore: ideas, Campaigns: campaigns, Limiter: sqlstore.NewLimiter(db)}
		ns := &notify.Service{Store: sqlstore.NewNotifications(db), Content: ideas, Ideas: ideaSvc, Campaigns: campaigns,
			Mailer: ob, Translator: cat, BaseURL: "https://samtal.example", Log: testLogger(t)}
		consents := &consent.Service{Store: sqlstore.NewConsents(db)}
		ns.Consent = consents
		ideaSvc.Events = ns
		q, err := New(db, Config{Outbox: ob, Notify: ns, Log: testLogger(t)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { q.Stop(context.Background()) })
		ob.Jobs, ns.Queue = q, q

		accounts := sqlstore.NewAccounts(db)
		as := map[string]context.Context{}
		var adaPerson int64
		for _, name := range []string{"ada", "bo"} {
			a, err := accounts.CreateAccount(ctx, account.NewAccount{Email: name + "@example.org", Name: name, Role: samtal.RoleMember,
				Identity: person.Identity{Kind: person.KindEmail, Value: name + "@example.org"}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if name == "ada" {
				adaPerson = a.PersonID
			}
			if name == "ada" {
				// Ada consents to mail about her ideas; nothing is mailed
				// without it.
				admin := samtal.WithActor(ctx, samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
				if _, err := consents.Publish(admin, consent.IdeaEmails, "en", "Email me about my ideas."); err != nil {
					t.Fatal(err)
				}
				if _, err := consents.Record(admin, a.PersonID, consent.Input{Purpose: consent.IdeaEmails, Given: true,
					Text: "Email me about my ideas.", Channel: consent.ChannelImport}); err != nil {
					t.Fatal(err)
				}
			}
			as[name] = samtal.WithActor(ctx, samtal.Actor{AccountID: a.ID, PersonID: a.PersonID, Role: samtal.RoleMember, Via: "test"})
		}
		c := &campaign.Campaign{Slug: "c", Title: "C", Visibility: campaign.Public, Questions: []campaign.Question{{Text: "Q?"}}}
		if err := campaigns.Create(samtal.WithActor(ctx, samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"}), c); err != nil {
			t.Fatal(err)
		}
		i, err := ideaSvc.Create(as["ada"], idea.NewIdea{QuestionID: c.Questions[0].ID, Title: "Fjordblå"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ideaSvc.AddComment(as["bo"], i.ID, 0, "Lovely"); err != nil {
			t.Fatal(err)
		}
		// Not started yet: the request only queued the fan-out.
		if n, _ := ns.Store.Unread(ctx, adaPerson); n != 0 {
			t.Fatalf("unread before the job ran: %d", n)
		}
		if jobs := listJobs(t, q, Fanout{}.Kind()); len(jobs) != 1 || jobs[0].State != rivertype.JobStateAvailable {
			t.Fatalf("fan-out jobs: %d", len(jobs))
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		got := srv.WaitFor(t, 1, waitTimeout)[0]
		if !strings.Contains(got.Subject, "bo commented on") || !strings.HasPrefix(got.Header.Get("List-Unsubscribe"), "<https://samtal.example/unsubscribe/") ||
			got.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
			t.Errorf("mail: %q %v", got.Subject, got.Header)
		}
		if n, _ := ns.Store.Unread(ctx, adaPerson); n != 1 {
			t.Errorf("unread after the job: %d, want 1", n)
		}
	})
}
