package notify_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/consent"
	"github.com/samtal-dev/samtal/i18n"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/notify"
	"github.com/samtal-dev/samtal/outbox"
	"github.com/samtal-dev/samtal/person"
	"github.com/samtal-dev/samtal/sqlstore"
)

type world struct {
	t         *testing.T
	db        *sqlstore.DB
	ideas     *idea.Service
	campaigns *campaign.Service
	accounts  *sqlstore.Accounts
	store     *sqlstore.Notifications
	outbox    *sqlstore.Outbox
	notify    *notify.Service
	consents  *consent.Service
	clock     time.Time
	people    map[string]*account.Account
}

var staff = samtal.WithActor(context.Background(), samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})

func newWorld(t *testing.T, db *sqlstore.DB) *world {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, db: db, campaigns: &campaign.Service{Store: sqlstore.NewCampaigns(db)}, accounts: sqlstore.NewAccounts(db),
		store: sqlstore.NewNotifications(db), outbox: sqlstore.NewOutbox(db), clock: time.Now().UTC(), people: map[string]*account.Account{}}
	ideas := sqlstore.NewIdeas(db)
	now := func() time.Time { return w.clock }
	w.ideas = &idea.Service{Store: ideas, CommentStore: ideas, Campaigns: w.campaigns, Limiter: sqlstore.NewLimiter(db), Now: now}
	w.ideas.MergeStore, w.ideas.ModerationStore = ideas, ideas
	w.notify = &notify.Service{Store: w.store, Content: ideas, Ideas: w.ideas, Campaigns: w.campaigns,
		Mailer: &outbox.Service{Store: w.outbox, Log: slog.New(slog.DiscardHandler)}, Translator: cat, BaseURL: "https://samtal.example", Now: now}
	w.consents = &consent.Service{Store: sqlstore.NewConsents(db), Now: now}
	w.notify.Consent = w.consents
	w.ideas.Events = w.notify
	return w
}

// consent records name's consent to idea mails (given or withdrawn) as
// they would in their settings, publishing the text first if need be.
func (w *world) consent(name string, given bool) {
	w.t.Helper()
	if t, _ := w.consents.Shown(context.Background(), consent.IdeaEmails, "en"); t == nil {
		if _, err := w.consents.Publish(staff, consent.IdeaEmails, "en", "Yes, email me about my ideas and the ideas I follow."); err != nil {
			w.t.Fatal(err)
		}
	}
	a := w.people[name]
	ctx := samtal.WithActor(context.Background(), samtal.Actor{AccountID: a.ID, PersonID: a.PersonID, Role: a.Role, Via: "test"})
	if _, err := w.consents.Record(ctx, a.PersonID, consent.Input{Purpose: consent.IdeaEmails, Given: given, Channel: consent.ChannelSettings}); err != nil {
		w.t.Fatal(err)
	}
}

// tick moves the clock, so that two events of one kind are two events.
func (w *world) tick() { w.clock = w.clock.Add(time.Second) }

// member creates an account named name and returns its context.
func (w *world) member(name string, role samtal.Role) context.Context {
	w.t.Helper()
	email := name + "@example.org"
	a, err := w.accounts.CreateAccount(context.Background(), account.NewAccount{Email: email, Name: strings.ToUpper(name[:1]) + name[1:], Role: role,
		Identity: person.Identity{Kind: person.KindEmail, Value: email}}, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	w.people[name] = a
	return samtal.WithActor(context.Background(), samtal.Actor{AccountID: a.ID, PersonID: a.PersonID, Role: role, Via: "test"})
}

func (w *world) campaign(slug, visibility string) *campaign.Campaign {
	w.t.Helper()
	c := &campaign.Campaign{Slug: slug, Title: "Campaign " + slug, Visibility: visibility, Questions: []campaign.Question{{Text: "What colour?"}}}
	if err := w.campaigns.Create(staff, c); err != nil {
		w.t.Fatal(err)
	}
	return c
}

// told returns, per name, the kinds of notification each person has about
// idea id, oldest first ("" when none).
func (w *world) told(ideaID int64) map[string]string {
	w.t.Helper()
	out := map[string]string{}
	for name, a := range w.people {
		list, err := w.store.Notifications(context.Background(), a.PersonID, campaign.AllCampaigns(), 0, 100)
		if err != nil {
			w.t.Fatal(err)
		}
		var kinds []string
		for _, n := range slices.Backward(list) {
			if n.IdeaID == ideaID {
				kinds = append(kinds, n.Kind)
			}
		}
		if len(kinds) > 0 {
			out[name] = strings.Join(kinds, ",")
		}
	}
	return out
}

func check(t *testing.T, step string, got, want map[string]string) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s:\n got  %v\n want %v", step, got, want)
	}
}

func TestWhoHearsWhat(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		c := w.campaign("colour", campaign.Public)
		ada, bo, cy, dan, eve := w.member("ada", samtal.RoleMember), w.member("bo", samtal.RoleMember),
			w.member("cy", samtal.RoleMember), w.member("dan", samtal.RoleMember), w.member("eve", samtal.RoleMember)
		w.member("fay", samtal.RoleMember)
		mod := w.member("mod", samtal.RoleModerator)
		// A person without an account voted (an import): nobody can tell them.
		ghost := &person.Person{Name: "Ghost"}
		if err := sqlstore.NewPersons(db).CreatePerson(ctx, ghost); err != nil {
			t.Fatal(err)
		}

		a, err := w.ideas.Create(ada, idea.NewIdea{QuestionID: c.Questions[0].ID, Title: "Fjordblå"})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []context.Context{bo, eve} {
			if _, err := w.ideas.Vote(v, a.ID); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := sqlstore.NewIdeas(db).AddVote(ctx, a.ID, ghost.ID, c.ID, 0, 1, w.clock); err != nil {
			t.Fatal(err)
		}
		// Dan follows explicitly; Eve voted but stops following: her
		// explicit choice beats the vote.
		if err := w.notify.Follow(dan, a.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := w.notify.Follow(eve, a.ID, false); err != nil {
			t.Fatal(err)
		}
		for name, want := range map[string]bool{"ada": true, "bo": true, "cy": false, "dan": true, "eve": false, "fay": false} {
			got, err := w.store.Following(ctx, a.ID, w.people[name].PersonID)
			if err != nil || got != want {
				t.Errorf("%s follows: %v %v, want %v", name, got, err, want)
			}
		}

		// A comment: the followers but its author; a mention reaches Fay,
		// unknown handles are ignored.
		w.tick()
		first, err := w.ideas.AddComment(cy, a.ID, 0, "Lovely. @Fay, @nobody and @fay again, what do you think?")
		if err != nil {
			t.Fatal(err)
		}
		check(t, "comment", w.told(a.ID), map[string]string{"ada": "comment", "bo": "comment", "dan": "comment", "fay": "mention"})

		// Cy commented, so now follows. A reply by Bo that mentions Cy
		// tells Cy once, as a mention.
		w.tick()
		if _, err := w.ideas.AddComment(bo, a.ID, first.ID, "Agreed, @cy!"); err != nil {
			t.Fatal(err)
		}
		check(t, "reply", w.told(a.ID), map[string]string{"ada": "comment,comment", "bo": "comment", "cy": "mention", "dan": "comment,comment", "fay": "mention"})
		// A plain reply to Cy is a reply.
		w.tick()
		if _, err := w.ideas.AddComment(dan, a.ID, first.ID, "Me too."); err != nil {
			t.Fatal(err)
		}
		check(t, "plain reply", w.told(a.ID), map[string]string{"ada": "comment,comment,comment", "bo": "comment,comment", "cy": "mention,reply", "dan": "comment,comment", "fay": "mention"})

		// A status change: the followers and every voter (Eve too), not the
		// moderator who made it.
		w.tick()
		if err := w.ideas.SetStatus(mod, a.ID, idea.Planned, "We make it in spring."); err != nil {
			t.Fatal(err)
		}
		got := w.told(a.ID)
		for _, name := range []string{"ada", "bo", "cy", "dan", "eve"} {
			if !strings.HasSuffix(got[name], "status") {
				t.Errorf("%s was not told of the status change: %q", name, got[name])
			}
		}
		if strings.Contains(got["fay"], "status") || got["mod"] != "" {
			t.Errorf("status change reached fay or mod: %v", got)
		}

		// A real merge and its undo: by the time the fan-out runs, A's
		// votes are on B, and the merge's record still knows A's voters.
		b, err := w.ideas.Create(dan, idea.NewIdea{QuestionID: c.Questions[0].ID, Title: "Havblå"})
		if err != nil {
			t.Fatal(err)
		}
		before := w.told(a.ID)
		w.tick()
		m, err := w.ideas.MergeIdeas(mod, a.ID, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Followers move: A's author and explicit followers follow B now
		// (voters and commenters by their moved votes and comments), Eve's
		// "stop following" carries over, and undo takes back exactly the
		// follows the merge added.
		follows := func(ideaID int64) map[string]bool {
			out := map[string]bool{}
			for name, p := range w.people {
				if ok, err := w.store.Following(ctx, ideaID, p.PersonID); err != nil {
					t.Fatal(err)
				} else if ok {
					out[name] = true
				}
			}
			return out
		}
		if f := follows(b.ID); !f["ada"] || !f["dan"] || !f["bo"] || f["eve"] {
			t.Errorf("followers of B after the merge: %v", f)
		}
		w.tick()
		if _, err := w.ideas.UndoMerge(mod, m.ID); err != nil {
			t.Fatal(err)
		}
		if f := follows(b.ID); f["ada"] || f["bo"] || f["eve"] || !f["dan"] {
			t.Errorf("followers of B after undo: %v", f)
		}
		after := w.told(a.ID)
		for name := range w.people {
			added := strings.TrimPrefix(strings.TrimPrefix(after[name], before[name]), ",")
			want := ""
			if name == "ada" || name == "bo" || name == "eve" {
				want = "merged,unmerged"
			}
			if added != want {
				t.Errorf("%s after merge and undo: %q, want %q", name, added, want)
			}
		}
		list, _ := w.store.Notifications(ctx, w.people["bo"].PersonID, campaign.AllCampaigns(), 0, 1)
		if n := list[0]; n.Data.IntoID != b.ID || n.Data.IntoTitle != "Havblå" || notify.Link(n) != fmt.Sprintf("/ideas/%d", a.ID) {
			t.Errorf("unmerged notification: %+v", n)
		}
		if text := w.notify.Text("de", list[0]); !strings.Contains(text, "Havblå") || !strings.Contains(text, "Fjordblå") {
			t.Errorf("German text: %q", text)
		}

		// Hiding tells the author only, with the reason.
		w.tick()
		w.notify.Publish(mod, idea.Event{Kind: idea.EventIdeaHidden, IdeaID: a.ID, Note: "Off topic", ActorPersonID: w.people["mod"].PersonID, At: w.clock})
		w.tick()
		w.notify.Publish(mod, idea.Event{Kind: idea.EventCommentHidden, IdeaID: a.ID, CommentID: first.ID, Note: "Rude", ActorPersonID: w.people["mod"].PersonID, At: w.clock})
		final := w.told(a.ID)
		for name := range w.people {
			added := strings.TrimPrefix(strings.TrimPrefix(final[name], after[name]), ",")
			want := map[string]string{"ada": "idea_hidden", "cy": "comment_hidden"}[name]
			if added != want {
				t.Errorf("%s after hiding: %q, want %q", name, added, want)
			}
		}
		list, _ = w.store.Notifications(ctx, w.people["ada"].PersonID, campaign.AllCampaigns(), 0, 1)
		if list[0].Data.Note != "Off topic" || list[0].Data.ActorName != "" {
			t.Errorf("hidden notification: %+v", list[0].Data)
		}
		// The actor is never told of their own action: the merge was mod's.
		if got := w.told(b.ID); got["mod"] != "" {
			t.Errorf("mod told of own actions: %v", got)
		}
	})
}

func TestNobodyHearsOfWhatTheyCannotSee(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		c := w.campaign("secret", campaign.Invited)
		mod := w.member("mod", samtal.RoleModerator)
		w.member("agent", samtal.RoleAgent)
		fay := w.member("fay", samtal.RoleMember)
		i, err := w.ideas.Create(mod, idea.NewIdea{QuestionID: c.Questions[0].ID, Title: "Staff only"})
		if err != nil {
			t.Fatal(err)
		}
		// Fay follows as far as the store knows (say, from before the
		// campaign became invited-only), and is mentioned.
		if err := w.store.SetFollow(context.Background(), i.ID, w.people["fay"].PersonID, true, w.clock); err != nil {
			t.Fatal(err)
		}
		if err := w.notify.Follow(fay, i.ID, true); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("follow of a hidden idea: %v, want ENOTFOUND", err)
		}
		if _, err := w.ideas.AddComment(mod, i.ID, 0, "@fay and @agent, have a look"); err != nil {
			t.Fatal(err)
		}
		check(t, "invited campaign", w.told(i.ID), map[string]string{"agent": "mention"})
	})
}

// TestNotificationsFollowTheCampaign: a notification names its idea, so once
// the campaign becomes invited-only, a member who is not invited no longer
// finds it in their list; staff still do.
func TestNotificationsFollowTheCampaign(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		c := w.campaign("open", campaign.Public)
		ada := w.member("ada", samtal.RoleMember)
		mod := w.member("mod", samtal.RoleModerator)
		i, err := w.ideas.Create(ada, idea.NewIdea{QuestionID: c.Questions[0].ID, Title: "Quiet corner"})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.notify.Follow(mod, i.ID, true); err != nil {
			t.Fatal(err)
		}
		w.tick()
		if _, err := w.ideas.AddComment(mod, i.ID, 0, "Nice"); err != nil {
			t.Fatal(err)
		}
		w.tick()
		if _, err := w.ideas.AddComment(ada, i.ID, 0, "Thanks"); err != nil {
			t.Fatal(err)
		}
		count := func(who context.Context) int {
			t.Helper()
			list, err := w.notify.List(who, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			return len(list)
		}
		if count(ada) != 1 || count(mod) != 1 {
			t.Fatalf("before: ada has %d, the moderator %d notifications; want 1 each", count(ada), count(mod))
		}
		invited := campaign.Invited
		if _, err := w.campaigns.Update(staff, c.ID, campaign.Patch{Visibility: &invited}); err != nil {
			t.Fatal(err)
		}
		if n := count(ada); n != 0 {
			t.Errorf("after the campaign became invited-only ada still lists %d notifications", n)
		}
		if n := count(mod); n != 1 {
			t.Errorf("the moderator lists %d notifications, want 1", n)
		}
	})
}

func TestUnreadAndMarkRead(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		c := w.campaign("colour", campaign.Public)
		ada, bo := w.member("ada", samtal.RoleMember), w.member("bo", samtal.RoleMember)
		i, err := w.ideas.Create(ada, idea.NewIdea{QuestionID: c.Questions[0].ID, Title: "Fjordblå"})
		if err != nil {
			t.Fatal(err)
		}
		for k := range 3 {
			w.tick()
			if _, err := w.ideas.AddComment(bo, i.ID, 0, fmt.Sprintf("Comment %d", k)); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := w.notify.Unread(ada); err != nil || n != 3 {
			t.Fatalf("unread = %d %v, want 3", n, err)
		}
		// The same event again (a retried job) adds nothing.
		list, _ := w.notify.List(ada, 0, 0)
		if err := w.notify.Fanout(context.Background(), idea.Event{Kind: idea.EventCommentAdded, IdeaID: i.ID, CommentID: list[0].CommentID,
			ActorPersonID: w.people["bo"].PersonID, At: list[0].CreatedAt}); err != nil {
			t.Fatal(err)
		}
		if n, _ := w.notify.Unread(ada); n != 3 {
			t.Errorf("after a retried fan-out: unread = %d, want 3", n)
		}
		// Bo cannot mark Ada's notifications read.
		if n, err := w.notify.MarkRead(bo, []int64{list[0].ID}); err != nil || n != 0 {
			t.Errorf("bo marks ada's: %d %v", n, err)
		}
		if n, err := w.notify.MarkRead(ada, []int64{list[0].ID}); err != nil || n != 1 {
			t.Errorf("mark one: %d %v", n, err)
		}
		if n, _ := w.notify.Unread(ada); n != 2 {
			t.Errorf("unread = %d, want 2", n)
		}
		if acc, _ := w.accounts.AccountByID(context.Background(), w.people["ada"].ID); acc.Unread != 2 {
			t.Errorf("account's unread = %d, want 2", acc.Unread)
		}
		if n, err := w.notify.MarkRead(ada, nil); err != nil || n != 2 {
			t.Errorf("mark all: %d %v", n, err)
		}
		if n, _ := w.notify.Unread(ada); n != 0 {
			t.Errorf("unread = %d, want 0", n)
		}
		list, _ = w.notify.List(ada, 0, 0)
		if len(list) != 3 || !list[0].Read() || !list[2].Read() {
			t.Errorf("after mark all: %d, %+v", len(list), list[0])
		}
		// Paging: newest first, before an id.
		page, _ := w.notify.List(ada, list[0].ID, 1)
		if len(page) != 1 || page[0].ID != list[1].ID {
			t.Errorf("page before %d: %+v", list[0].ID, page)
		}
		visitor := context.Background()
		if _, err := w.notify.List(visitor, 0, 0); samtal.ErrorCode(err) != samtal.EUNAUTHORIZED {
			t.Errorf("visitor list: %v", err)
		}
		if _, err := w.notify.MarkRead(visitor, nil); samtal.ErrorCode(err) != samtal.EUNAUTHORIZED {
			t.Errorf("visitor mark read: %v", err)
		}
		if err := w.notify.Follow(visitor, i.ID, true); samtal.ErrorCode(err) != samtal.EUNAUTHORIZED {
			t.Errorf("visitor follow: %v", err)
		}
		if _, err := w.notify.List(ada, 0, 101); samtal.ErrorCode(err) != samtal.EINVALID {
			t.Errorf("limit 101: %v", err)
		}
	})
}

func TestMailsAtOnceAndInADigest(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		c := w.campaign("colour", campaign.Public)
		ada, bo, cy := w.member("ada", samtal.RoleMember), w.member("bo", samtal.RoleMember), w.member("cy", samtal.RoleMember)
		w.member("off", samtal.RoleMember)
		w.consent("ada", true)
		w.consent("bo", true)
		if err := w.accounts.SetNotifyEmail(ctx, w.people["bo"].ID, account.NotifyDaily); err != nil {
			t.Fatal(err)
		}
		if err := w.accounts.SetNotifyEmail(ctx, w.people["off"].ID, account.NotifyOff); err != nil {
			t.Fatal(err)
		}
		if err := w.accounts.UpdateProfile(ctx, w.people["bo"].ID, "Bo", "da"); err != nil {
			t.Fatal(err)
		}
		i, err := w.ideas.Create(ada, idea.NewIdea{QuestionID: c.Questions[0].ID, Title: "Fjordblå"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.ideas.Vote(bo, i.ID); err != nil {
			t.Fatal(err)
		}
		w.tick()
		if _, err := w.ideas.AddComment(cy, i.ID, 0, "Nice, @off"); err != nil {
			t.Fatal(err)
		}
		w.tick()
		if _, err := w.ideas.AddComment(cy, i.ID, 0, "Still nice"); err != nil {
			t.Fatal(err)
		}
		mails := func(to string) []*outbox.Mail {
			list, err := w.outbox.ListMail(ctx, outbox.Filter{To: to, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			return list
		}
		// Ada wants mail at once: one per notification, with the one-click
		// unsubscribe headers.
		got := mails("ada@example.org")
		if len(got) != 2 {
			t.Fatalf("ada got %d mails, want 2", len(got))
		}
		m := got[0]
		if !strings.Contains(m.Subject, "Cy commented on") || !strings.Contains(m.Text, "Still nice") || !strings.Contains(m.Text, "/unsubscribe/") {
			t.Errorf("immediate mail: %q\n%s", m.Subject, m.Text)
		}
		if !strings.HasPrefix(m.Headers["List-Unsubscribe"], "<https://samtal.example/unsubscribe/") || m.Headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" {
			t.Errorf("headers: %v", m.Headers)
		}
		// "off" wants none, and Bo waits for the digest.
		if n := len(mails("off@example.org")) + len(mails("bo@example.org")); n != 0 {
			t.Errorf("%d mails to off and bo", n)
		}

		// The digest: Bo's two notifications in one Danish mail, then
		// marked mailed; nothing for Ada (mailed already) or "off".
		sent, err := w.notify.SendDigests(ctx)
		if err != nil || sent != 1 {
			t.Fatalf("digests: %d %v, want 1", sent, err)
		}
		got = mails("bo@example.org")
		if len(got) != 1 || !strings.Contains(got[0].Subject, "2 nye notifikationer") || strings.Count(got[0].Text, "har kommenteret") != 2 ||
			got[0].Headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" {
			t.Fatalf("digest: %+v", got)
		}
		pending, _ := w.store.PendingMail(ctx, w.people["bo"].PersonID, 10)
		if len(pending) != 0 {
			t.Errorf("%d still pending after the digest", len(pending))
		}
		// Within a day there is no second digest, even with news.
		w.tick()
		if _, err := w.ideas.AddComment(cy, i.ID, 0, "Third"); err != nil {
			t.Fatal(err)
		}
		if sent, _ := w.notify.SendDigests(ctx); sent != 0 {
			t.Errorf("second digest within a day: %d", sent)
		}
		w.clock = w.clock.Add(notify.DigestEvery)
		if sent, _ := w.notify.SendDigests(ctx); sent != 1 || len(mails("bo@example.org")) != 2 {
			t.Errorf("digest a day later: %d", sent)
		}

		// Unsubscribing by the link's secret turns mail off.
		tok := strings.TrimSuffix(strings.TrimPrefix(m.Headers["List-Unsubscribe"], "<https://samtal.example/unsubscribe/"), ">")
		if err := w.notify.CheckUnsubscribe(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if acc, _ := w.accounts.AccountByID(ctx, w.people["ada"].ID); acc.NotifyEmail != account.NotifyImmediate {
			t.Errorf("checking changed the choice: %q", acc.NotifyEmail)
		}
		if err := w.notify.Unsubscribe(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if acc, _ := w.accounts.AccountByID(ctx, w.people["ada"].ID); acc.NotifyEmail != account.NotifyOff {
			t.Errorf("after unsubscribe: %q", acc.NotifyEmail)
		}
		// …and withdraws the consent to idea mails, through the link.
		if ok, _ := w.consents.Has(ctx, w.people["ada"].PersonID, consent.IdeaEmails); ok {
			t.Error("unsubscribing left the consent given")
		}
		for _, bad := range []string{"", "short", strings.Repeat("x", 43), tok + "x"} {
			if err := w.notify.Unsubscribe(ctx, bad); samtal.ErrorCode(err) != samtal.ENOTFOUND {
				t.Errorf("unsubscribe %q: %v", bad, err)
			}
		}
		_ = ada
	})
}

// TestNoMailWithoutConsent: nothing about ideas is mailed to a member
// without current idea_emails consent, whatever their mail setting (an
// account from before consent records has no record: no mail), at once or
// in the digest; the one with consent gets hers; a withdrawal stops what
// was waiting for the digest. The notifications stay on the site.
func TestNoMailWithoutConsent(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		c := w.campaign("colour", campaign.Public)
		ada, bo, cy := w.member("ada", samtal.RoleMember), w.member("bo", samtal.RoleMember), w.member("cy", samtal.RoleMember)
		w.member("dan", samtal.RoleMember)
		w.consent("ada", true)
		// Bo said yes once and then no; Cy wants a digest and consents
		// until the digest is due; Dan never said anything.
		w.consent("bo", true)
		w.consent("bo", false)
		w.consent("cy", true)
		if err := w.accounts.SetNotifyEmail(ctx, w.people["cy"].ID, account.NotifyDaily); err != nil {
			t.Fatal(err)
		}
		dan := w.people["dan"]
		i, err := w.ideas.Create(ada, idea.NewIdea{QuestionID: c.Questions[0].ID, Title: "Fjordblå"})
		if err != nil {
			t.Fatal(err)
		}
		for _, voter := range []context.Context{bo, cy} {
			if _, err := w.ideas.Vote(voter, i.ID); err != nil {
				t.Fatal(err)
			}
		}
		w.tick()
		danCtx := samtal.WithActor(ctx, samtal.Actor{AccountID: dan.ID, PersonID: dan.PersonID, Role: dan.Role, Via: "test"})
		if _, err := w.ideas.AddComment(danCtx, i.ID, 0, "Lovely"); err != nil {
			t.Fatal(err)
		}
		w.tick()
		if _, err := w.ideas.AddComment(ada, i.ID, 0, "Thanks @dan"); err != nil {
			t.Fatal(err)
		}
		mails := func(name string) int {
			t.Helper()
			list, err := w.outbox.ListMail(ctx, outbox.Filter{To: name + "@example.org", Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			return len(list)
		}
		// Everyone is told on the site.
		check(t, "told", w.told(i.ID), map[string]string{"ada": "comment", "bo": "comment,comment", "cy": "comment,comment", "dan": "mention"})
		if got := fmt.Sprint(mails("ada"), mails("bo"), mails("cy"), mails("dan")); got != "1 0 0 0" {
			t.Errorf("immediate mails to ada bo cy dan: %s, want 1 0 0 0", got)
		}
		// Bo's and Dan's notifications are not waiting for any mail.
		for _, name := range []string{"bo", "dan"} {
			if pending, _ := w.store.PendingMail(ctx, w.people[name].PersonID, 10); len(pending) != 0 {
				t.Errorf("%s has %d notifications waiting for mail without consent", name, len(pending))
			}
		}
		// Cy withdraws before the digest: nothing goes, and nothing waits.
		if pending, _ := w.store.PendingMail(ctx, w.people["cy"].PersonID, 10); len(pending) != 2 {
			t.Fatalf("cy's digest holds %d, want 2", len(pending))
		}
		w.consent("cy", false)
		w.clock = w.clock.Add(notify.DigestEvery)
		if sent, err := w.notify.SendDigests(ctx); err != nil || sent != 0 {
			t.Errorf("digests after cy withdrew: %d %v, want 0", sent, err)
		}
		if n := mails("cy"); n != 0 {
			t.Errorf("cy got %d mails after withdrawing", n)
		}
		if pending, _ := w.store.PendingMail(ctx, w.people["cy"].PersonID, 10); len(pending) != 0 {
			t.Errorf("cy still has %d waiting", len(pending))
		}
		// Consent again, and the next news goes out with the next digest.
		w.consent("cy", true)
		w.tick()
		if _, err := w.ideas.AddComment(ada, i.ID, 0, "Another"); err != nil {
			t.Fatal(err)
		}
		w.clock = w.clock.Add(notify.DigestEvery)
		if sent, err := w.notify.SendDigests(ctx); err != nil || sent != 1 || mails("cy") != 1 {
			t.Errorf("digest after consenting again: %d %v, %d mails", sent, err, mails("cy"))
		}

		// Without a consent service nobody is mailed at all.
		w.notify.Consent = nil
		w.tick()
		if _, err := w.ideas.AddComment(danCtx, i.ID, 0, "More"); err != nil {
			t.Fatal(err)
		}
		if n := mails("ada"); n != 1 {
			t.Errorf("ada's mails without a consent service: %d, want still 1", n)
		}
		w.notify.Consent = w.consents
		w.tick()
		if _, err := w.ideas.AddComment(danCtx, i.ID, 0, "Again"); err != nil {
			t.Fatal(err)
		}
		if n := mails("ada"); n != 2 {
			t.Errorf("ada's mails with consent: %d, want 2", n)
		}
	})
}

func TestMentions(t *testing.T) {
	for _, tt := range []struct{ text, want string }{
		{"@ada hi", "[ada]"},
		{"Hi @Ada, and @bo_2!", "[ada bo_2]"},
		{"mail me at ada@example.org", "[]"},
		{"@a is too short, @" + strings.Repeat("x", 31) + " too long", "[]"},
		{"(@ada) @ada @ADA", "[ada]"},
		{"@a1 @a2 @a3 @a4 @a5 @a6 @a7 @a8 @a9 @b1 @b2 @b3", "[a1 a2 a3 a4 a5 a6 a7 a8 a9 b1]"},
	} {
		if got := fmt.Sprint(notify.Mentions(tt.text)); got != tt.want {
			t.Errorf("Mentions(%q) = %s, want %s", tt.text, got, tt.want)
		}
	}
}
