package advocate_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/advocate"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/consent"
	"github.com/samtal-dev/samtal/i18n"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/outbox"
	"github.com/samtal-dev/samtal/person"
	"github.com/samtal-dev/samtal/sqlstore"
)

const day = 24 * time.Hour

func TestDecayAndCompute(t *testing.T) {
	if got := advocate.Decay(advocate.HalfLife); math.Abs(got-0.5) > 1e-12 {
		t.Errorf("Decay(half-life) = %v, want 0.5", got)
	}
	if got := advocate.Decay(-time.Hour); got != 1 {
		t.Errorf("Decay of the future = %v, want 1", got)
	}
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	acts := []advocate.Activity{
		{PersonID: 1, Part: advocate.PartIdeas, At: now},
		{PersonID: 1, Part: advocate.PartIdeas, At: now.Add(-advocate.HalfLife)},
		{PersonID: 1, Part: advocate.PartVotes, At: now},
		{PersonID: 1, Part: advocate.PartHelping, At: now.Add(-advocate.Window - time.Hour)}, // out of the window
		{PersonID: 2, Part: advocate.PartPlanned, At: now},                                   // someone else's
		{PersonID: 1, Part: "gossip", At: now},                                               // no such part
	}
	sc := advocate.Compute(1, acts, now)
	want := 3 + 1.5 + 0.25
	if math.Abs(sc.Points-want) > 1e-9 {
		t.Errorf("points = %v, want %v", sc.Points, want)
	}
	got := fmt.Sprint(sc.Parts)
	if got != "[{ideas 2 4.5} {votes 1 0.25}]" {
		t.Errorf("parts = %s", got)
	}
	// Waiting a half-life halves everything and keeps the order of people.
	later := sc.At(now.Add(advocate.HalfLife))
	if math.Abs(later.Points-want/2) > 1e-9 || math.Abs(later.Parts[0].Points-2.25) > 1e-9 {
		t.Errorf("a half-life later: %v %v", later.Points, later.Parts)
	}
	// The rank key of a score equals the key of the same score decayed.
	if k1, k2 := advocate.RankKey(sc.Points, now), advocate.RankKey(later.Points, later.ComputedAt); math.Abs(k1-k2) > 1e-9 {
		t.Errorf("rank keys %v and %v differ", k1, k2)
	}
}

// world is a real store with the services the advocate capability uses.
type world struct {
	t        *testing.T
	db       *sqlstore.DB
	store    *sqlstore.Advocates
	adv      *advocate.Service
	ideas    *idea.Service
	accounts *sqlstore.Accounts
	consents *consent.Service
	outbox   *sqlstore.Outbox
	audit    *sqlstore.Audit
	people   *person.Service
	notify   *sqlstore.Notifications
	base     time.Time // "now" of the advocate service
	clock    time.Time // when the idea service says things happen
	q        int64
	n        int
	staff    context.Context // an agent: edits people
	analyst  context.Context // reads people only
	mod      context.Context
}

func newWorld(t *testing.T, db *sqlstore.DB) *world {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	base := time.Now().UTC().Truncate(time.Second)
	w := &world{t: t, db: db, store: sqlstore.NewAdvocates(db), accounts: sqlstore.NewAccounts(db), outbox: sqlstore.NewOutbox(db),
		audit: sqlstore.NewAudit(db), notify: sqlstore.NewNotifications(db), base: base, clock: base}
	w.consents = &consent.Service{Store: sqlstore.NewConsents(db)}
	w.people = &person.Service{Store: sqlstore.NewPersons(db)}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	w.adv = &advocate.Service{Store: w.store, Consents: w.consents, Translator: cat, BaseURL: "https://fjordhus.example",
		Mailer: &outbox.Service{Store: w.outbox, Log: log}, Log: log, Now: func() time.Time { return w.base }}
	ideas := sqlstore.NewIdeas(db)
	campaigns := &campaign.Service{Store: sqlstore.NewCampaigns(db)}
	w.ideas = &idea.Service{Store: ideas, CommentStore: ideas, Threads: idea.NewThreadCache(1 << 20), MergeStore: ideas, NoteStore: ideas,
		Progress: ideas, ModerationStore: ideas, Campaigns: campaigns, Limiter: sqlstore.NewLimiter(db), Now: func() time.Time { return w.clock }}
	admin := samtal.WithActor(context.Background(), samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
	c := &campaign.Campaign{Slug: "sofa", Title: "Sofa", Visibility: campaign.Public, Questions: []campaign.Question{{Text: "What should it look like?"}}}
	if err := campaigns.Create(admin, c); err != nil {
		t.Fatal(err)
	}
	w.q = c.Questions[0].ID
	w.staff, _ = w.account(samtal.RoleAgent, "en")
	w.analyst, _ = w.account(samtal.RoleAnalyst, "en")
	w.mod, _ = w.account(samtal.RoleModerator, "en")
	return w
}

// account makes a verified account and returns its context and person.
func (w *world) account(role samtal.Role, locale string) (context.Context, int64) {
	w.t.Helper()
	w.n++
	email := fmt.Sprintf("p%d@example.org", w.n)
	a, err := w.accounts.CreateAccount(context.Background(), account.NewAccount{Email: email, Name: fmt.Sprintf("Person %d", w.n),
		Role: role, Locale: locale, PasswordHash: "h", Verified: true, Identity: person.Identity{Kind: person.KindEmail, Value: email, Verified: true}}, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	return samtal.WithActor(context.Background(), samtal.Actor{AccountID: a.ID, PersonID: a.PersonID, IdentityID: a.IdentityID, Role: role, Via: "test"}), a.PersonID
}

func (w *world) member(locale string) (context.Context, int64) {
	return w.account(samtal.RoleMember, locale)
}

// post writes an idea ago before the advocate service's now.
func (w *world) post(ctx context.Context, ago time.Duration) int64 {
	w.t.Helper()
	w.clock = w.base.Add(-ago)
	w.n++
	i, err := w.ideas.Create(ctx, idea.NewIdea{QuestionID: w.q, Title: fmt.Sprintf("Idea number %d", w.n)})
	if err != nil {
		w.t.Fatal(err)
	}
	return i.ID
}

func (w *world) comment(ctx context.Context, ideaID int64, ago time.Duration) {
	w.t.Helper()
	w.clock = w.base.Add(-ago)
	if _, err := w.ideas.AddComment(ctx, ideaID, 0, "Good point, and here is how I did it."); err != nil {
		w.t.Fatal(err)
	}
}

// consent records that a person agreed (or not) to briefings, as staff
// record consent given on paper.
func (w *world) consent(personID int64, given bool) {
	w.t.Helper()
	in := consent.Input{Purpose: consent.AdvocateBriefings, Given: given, Channel: consent.ChannelPaper}
	if given {
		in.Text = "Yes, send me briefings for advocates by email."
	}
	if _, err := w.consents.Record(w.staff, personID, in); err != nil {
		w.t.Fatal(err)
	}
}

// join invites a person and has them accept.
func (w *world) join(ctx context.Context, personID int64) {
	w.t.Helper()
	if _, err := w.adv.Invite(w.staff, personID); err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.adv.Answer(ctx, advocate.AnswerAccept); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) run() int {
	w.t.Helper()
	n, err := w.adv.RunScores(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	return n
}

func (w *world) score(personID int64) *advocate.Score {
	w.t.Helper()
	sc, err := w.adv.Score(w.analyst, personID)
	if err != nil {
		w.t.Fatal(err)
	}
	return sc
}

func parts(sc *advocate.Score) map[string]int {
	out := map[string]int{}
	for _, p := range sc.Parts {
		out[p.Name] = p.Count
	}
	return out
}

func (w *world) candidates() []int64 {
	w.t.Helper()
	list, _, err := w.adv.Candidates(w.analyst, "", 100)
	if err != nil {
		w.t.Fatal(err)
	}
	var ids []int64
	for _, c := range list {
		ids = append(ids, c.PersonID)
	}
	return ids
}

func code(err error) string { return samtal.ErrorCode(err) }

func TestScoresOrderPartsAndExclusions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		oldCtx, old := w.member("en")
		newCtx, recent := w.member("de")
		for range 3 {
			w.post(oldCtx, 20*day)
			w.post(newCtx, day)
		}
		// Two people post the same idea at the same time; one of them is
		// planned.
		plannedCtx, planned := w.member("da")
		plainCtx, plain := w.member("da")
		plannedIdea := w.post(plannedCtx, 10*day)
		w.post(plainCtx, 10*day)
		w.clock = w.base.Add(-2 * day)
		if err := w.ideas.SetStatus(w.mod, plannedIdea, idea.Planned, "We build it in spring."); err != nil {
			t.Fatal(err)
		}
		// A helper comments on someone else's idea; the author answers.
		helperCtx, helper := w.member("en")
		recentIdea := w.post(newCtx, day)
		w.comment(helperCtx, recentIdea, day)
		w.comment(helperCtx, plannedIdea, 2*day)
		w.comment(newCtx, recentIdea, day)
		// A person follows the recent idea; a bot following counts nothing.
		_, follower := w.member("en")
		_, botFollower := w.member("en")
		for _, p := range []int64{follower, botFollower} {
			if err := w.notify.SetFollow(context.Background(), recentIdea, p, true, w.base.Add(-time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		// A voter, lightly.
		voterCtx, voter := w.member("en")
		for _, id := range []int64{recentIdea, plannedIdea} {
			w.clock = w.base.Add(-time.Hour)
			if _, err := w.ideas.Vote(voterCtx, id); err != nil {
				t.Fatal(err)
			}
		}
		// A bot that posts a lot.
		botCtx, bot := w.member("en")
		for range 5 {
			w.post(botCtx, time.Hour)
		}
		yes := true
		for _, p := range []int64{bot, botFollower} {
			if _, err := w.people.Update(w.staff, p, person.Patch{Bot: &yes}); err != nil {
				t.Fatal(err)
			}
		}

		if n := w.run(); n == 0 {
			t.Fatal("the job scored nobody")
		}

		// Recent activity beats the same activity three weeks older.
		so, sr := w.score(old), w.score(recent)
		if parts(so)[advocate.PartIdeas] != 3 || parts(sr)[advocate.PartIdeas] != 4 {
			t.Errorf("idea counts: old %v, recent %v", so.Parts, sr.Parts)
		}
		if ideas := func(sc *advocate.Score) float64 {
			for _, p := range sc.Parts {
				if p.Name == advocate.PartIdeas {
					return p.Points / float64(p.Count)
				}
			}
			return 0
		}; ideas(sr) <= ideas(so) {
			t.Errorf("an idea of yesterday is worth %v, one of three weeks ago %v", ideas(sr), ideas(so))
		}
		// The planned idea counts: same idea, same time, more points.
		sp, sq := w.score(planned), w.score(plain)
		if parts(sp)[advocate.PartPlanned] != 1 || parts(sq)[advocate.PartPlanned] != 0 || sp.Points <= sq.Points+4 {
			t.Errorf("planned %v (%v) against plain %v (%v)", sp.Parts, sp.Points, sq.Parts, sq.Points)
		}
		// Helping, answering on one's own idea, being followed (not by the
		// bot), voting.
		if got := parts(w.score(helper)); got[advocate.PartHelping] != 2 || got[advocate.PartConversation] != 0 {
			t.Errorf("helper's parts: %v", got)
		}
		if got := parts(sr); got[advocate.PartConversation] != 1 || got[advocate.PartFollowed] != 1 {
			t.Errorf("recent author's parts: %v", got)
		}
		if got := w.score(voter); parts(got)[advocate.PartVotes] != 2 || math.Abs(got.Points-0.5) > 0.01 {
			t.Errorf("voter: %v %v", got.Points, got.Parts)
		}
		// The bot has no score.
		if got := w.score(bot); got.Points != 0 || len(got.Parts) != 0 {
			t.Errorf("bot's score: %v %v", got.Points, got.Parts)
		}

		// Candidates: best first, members only, no bots, nobody below the
		// least score (the voter), staff not at all (the moderator's
		// status change gives them nothing anyway).
		cands := w.candidates()
		if slices.Contains(cands, bot) || slices.Contains(cands, voter) || slices.Contains(cands, follower) {
			t.Errorf("candidates %v include the bot %d, the voter %d or the follower %d", cands, bot, voter, follower)
		}
		ir, io := slices.Index(cands, recent), slices.Index(cands, old)
		if ir < 0 || io < 0 || ir > io {
			t.Errorf("candidates %v: want %d (recent) before %d (old)", cands, recent, old)
		}
		if ip, iq := slices.Index(cands, planned), slices.Index(cands, plain); ip < 0 || (iq >= 0 && ip > iq) {
			t.Errorf("candidates %v: want %d (planned) before %d (plain)", cands, planned, plain)
		}
		// The people list filters by score now.
		list, err := w.people.List(w.analyst, person.ListFilter{MinScore: sr.Points - 0.01, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, p := range list {
			got = append(got, p.ID)
		}
		if !slices.Contains(got, recent) || slices.Contains(got, old) || slices.Contains(got, voter) {
			t.Errorf("people with a score of at least %.2f: %v (recent %d, old %d)", sr.Points, got, recent, old)
		}

		// The next run picks up news: a member with no score comments.
		lateCtx, late := w.member("en")
		w.comment(lateCtx, plannedIdea, time.Hour)
		if got := w.score(late); got.Points != 0 {
			t.Fatalf("scored before the run: %v", got.Points)
		}
		w.run()
		if got := parts(w.score(late)); got[advocate.PartHelping] != 1 {
			t.Errorf("after the next run: %v", got)
		}

		// A person flagged as a bot later loses their score when it is
		// computed again on demand.
		if _, err := w.people.Update(w.staff, helper, person.Patch{Bot: &yes}); err != nil {
			t.Fatal(err)
		}
		if sc, err := w.adv.Recompute(w.staff, helper); err != nil || sc.Points != 0 {
			t.Errorf("recompute a bot: %v, %v", sc, err)
		}
		if got := w.score(helper); got.Points != 0 {
			t.Errorf("the bot's stored score: %v", got.Points)
		}

		// Members never see scores or candidates; visitors are asked to
		// sign in; analysts cannot recompute.
		memberCtx, _ := w.member("en")
		if _, err := w.adv.Score(memberCtx, recent); code(err) != samtal.EFORBIDDEN {
			t.Errorf("member reads a score: %v", err)
		}
		if _, _, err := w.adv.Candidates(memberCtx, "", 10); code(err) != samtal.EFORBIDDEN {
			t.Errorf("member lists candidates: %v", err)
		}
		if _, _, err := w.adv.Candidates(context.Background(), "", 10); code(err) != samtal.EUNAUTHORIZED {
			t.Errorf("visitor lists candidates: %v", err)
		}
		if _, err := w.adv.Recompute(w.analyst, recent); code(err) != samtal.EFORBIDDEN {
			t.Errorf("analyst recomputes: %v", err)
		}
		if _, err := w.adv.Score(w.analyst, 987654); code(err) != samtal.ENOTFOUND {
			t.Errorf("score of nobody: %v", err)
		}
	})
}

func TestCandidatesPage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		var people []int64
		for i := range 5 {
			ctx, p := w.member("en")
			for range i + 2 {
				w.post(ctx, time.Duration(i)*time.Hour)
			}
			people = append([]int64{p}, people...) // more ideas, better
		}
		w.run()
		var got []int64
		cursor := ""
		for range 5 {
			list, next, err := w.adv.Candidates(w.analyst, cursor, 2)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range list {
				got = append(got, c.PersonID)
			}
			if cursor = next; cursor == "" {
				break
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(people) {
			t.Errorf("pages of candidates: %v, want %v", got, people)
		}
		if _, _, err := w.adv.Candidates(w.analyst, "bm90IGEgY3Vyc29y", 2); code(err) != samtal.EINVALID {
			t.Errorf("bad cursor: %v", err)
		}
	})
}

// snapshot is what a refusal must not change: the group, briefings,
// recipients, mails and audit entries.
func (w *world) snapshot() string {
	w.t.Helper()
	ctx := context.Background()
	var b strings.Builder
	for _, st := range advocate.States {
		list, err := w.store.Members(ctx, []string{st}, 0, 100)
		if err != nil {
			w.t.Fatal(err)
		}
		for _, m := range list {
			fmt.Fprintf(&b, "member %d %s %v %v|", m.PersonID, m.State, m.JoinedAt.UnixMilli(), m.RemovedAt.UnixMilli())
		}
	}
	bs, err := w.store.Briefings(ctx, false, 0, 0, 100)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, br := range bs {
		fmt.Fprintf(&b, "briefing %d %s %q %d %d|", br.ID, br.State, br.Title, br.Mailed, br.Read)
		rs, err := w.store.Recipients(ctx, br.ID, 0, 100)
		if err != nil {
			w.t.Fatal(err)
		}
		for _, r := range rs {
			fmt.Fprintf(&b, "to %d %d %v|", r.PersonID, r.MailID, r.ReadAt.UnixMilli())
		}
	}
	mails, err := w.outbox.ListMail(ctx, outbox.Filter{Limit: 1000})
	if err != nil {
		w.t.Fatal(err)
	}
	entries, err := w.audit.ListAudit(ctx, audit.Filter{Limit: 1000})
	if err != nil {
		w.t.Fatal(err)
	}
	fmt.Fprintf(&b, "mails %d audit %d", len(mails), len(entries))
	return b.String()
}

func (w *world) lastAudit(action string) *audit.Entry {
	w.t.Helper()
	list, err := w.audit.ListAudit(context.Background(), audit.Filter{Action: action, Limit: 1})
	if err != nil {
		w.t.Fatal(err)
	}
	if len(list) == 0 {
		return nil
	}
	return &list[0]
}

func TestInvitationAcceptanceRemovalAudited(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		annaCtx, anna := w.member("da")
		w.post(annaCtx, time.Hour)
		w.post(annaCtx, time.Hour)
		w.run()
		if !slices.Contains(w.candidates(), anna) {
			t.Fatalf("anna is no candidate: %v", w.candidates())
		}

		m, err := w.adv.Invite(w.staff, anna)
		if err != nil {
			t.Fatal(err)
		}
		if m.State != advocate.StateInvited || !m.InvitedAt.Equal(w.base) || m.InvitedBy != samtal.ActorFrom(w.staff).PersonID {
			t.Errorf("invitation: %+v", m)
		}
		e := w.lastAudit("advocate.invite")
		if e == nil || e.TargetID != fmt.Sprint(anna) || e.ActorID != samtal.ActorFrom(w.staff).AccountID {
			t.Errorf("audit of the invitation: %+v", e)
		}
		mails, _ := w.outbox.ListMail(context.Background(), outbox.Filter{To: emailOf(t, w, anna), Limit: 5})
		if len(mails) != 1 || !strings.Contains(mails[0].Subject, "ambassadørgruppe") || !strings.Contains(mails[0].Text, "https://fjordhus.example/briefings") {
			t.Errorf("invitation mail (in Danish, with the link): %+v", mails)
		}
		if slices.Contains(w.candidates(), anna) {
			t.Error("an invited person is still a candidate")
		}

		// Refusals change nothing.
		memberCtx, other := w.member("en")
		before := w.snapshot()
		for name, err := range map[string]error{
			"invite twice":         second(w.adv.Invite(w.staff, anna)),
			"member invites":       second(w.adv.Invite(memberCtx, other)),
			"analyst invites":      second(w.adv.Invite(w.analyst, other)),
			"visitor invites":      second(w.adv.Invite(context.Background(), other)),
			"invite nobody":        second(w.adv.Invite(w.staff, 987654)),
			"accept without offer": second(w.adv.Answer(memberCtx, advocate.AnswerAccept)),
			"odd answer":           second(w.adv.Answer(annaCtx, "maybe")),
			"leave before joining": second(w.adv.Answer(annaCtx, advocate.AnswerLeave)),
			"remove a non-member":  second(w.adv.Remove(w.staff, other)),
			"member removes":       second(w.adv.Remove(memberCtx, anna)),
		} {
			want := map[string]string{"invite twice": samtal.ECONFLICT, "member invites": samtal.EFORBIDDEN, "analyst invites": samtal.EFORBIDDEN,
				"visitor invites": samtal.EUNAUTHORIZED, "invite nobody": samtal.ENOTFOUND, "accept without offer": samtal.ENOTFOUND,
				"odd answer": samtal.EINVALID, "leave before joining": samtal.ENOTFOUND, "remove a non-member": samtal.ENOTFOUND,
				"member removes": samtal.EFORBIDDEN}[name]
			if code(err) != want {
				t.Errorf("%s: %v, want %s", name, err, want)
			}
		}
		if after := w.snapshot(); after != before {
			t.Errorf("refusals changed something:\n%s\n%s", before, after)
		}

		// Anna accepts: she is an advocate since now.
		w.base = w.base.Add(time.Hour)
		m, err = w.adv.Answer(annaCtx, advocate.AnswerAccept)
		if err != nil || m.State != advocate.StateActive || !m.JoinedAt.Equal(w.base) {
			t.Fatalf("accept: %+v, %v", m, err)
		}
		list, _, err := w.adv.Members(w.analyst, nil, "", 10)
		if err != nil || len(list) != 1 || list[0].PersonID != anna || list[0].State != advocate.StateActive {
			t.Errorf("the group: %+v, %v", list, err)
		}
		if e := w.lastAudit("advocate.accept"); e == nil || e.TargetID != fmt.Sprint(anna) {
			t.Errorf("audit of the answer: %+v", e)
		}

		// Removed by staff, with who and when, audited; staff may invite
		// again after a removal.
		m, err = w.adv.Remove(w.staff, anna)
		if err != nil || m.State != advocate.StateRemoved || m.RemovedBy != samtal.ActorFrom(w.staff).PersonID {
			t.Fatalf("remove: %+v, %v", m, err)
		}
		if e := w.lastAudit("advocate.remove"); e == nil || e.TargetID != fmt.Sprint(anna) || !strings.Contains(e.Before, "active") {
			t.Errorf("audit of the removal: %+v", e)
		}
		if list, _, _ := w.adv.Members(w.analyst, nil, "", 10); len(list) != 0 {
			t.Errorf("the group after the removal: %+v", list)
		}
		if _, err := w.adv.Invite(w.staff, anna); err != nil {
			t.Fatalf("invite again after a removal: %v", err)
		}
		// A declined invitation is final.
		if _, err := w.adv.Answer(annaCtx, advocate.AnswerDecline); err != nil {
			t.Fatal(err)
		}
		if _, err := w.adv.Invite(w.staff, anna); code(err) != samtal.ECONFLICT {
			t.Errorf("invite after a decline: %v", err)
		}

		// Bots and people without an account cannot be invited.
		_, botP := w.member("en")
		yes := true
		if _, err := w.people.Update(w.staff, botP, person.Patch{Bot: &yes}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.adv.Invite(w.staff, botP); code(err) != samtal.ECONFLICT {
			t.Errorf("invite a bot: %v", err)
		}
		outsider := &person.Person{Name: "Kasper H."}
		if err := sqlstore.NewPersons(db).CreatePerson(context.Background(), outsider); err != nil {
			t.Fatal(err)
		}
		if _, err := w.adv.Invite(w.staff, outsider.ID); code(err) != samtal.ECONFLICT {
			t.Errorf("invite a person without an account: %v", err)
		}
	})
}

func second[T any](_ T, err error) error { return err }

var unsubscribeLink = regexp.MustCompile(`https://fjordhus\.example/briefings/unsubscribe/([A-Za-z0-9_-]{43})`)

func TestBriefingsGoOnlyToConsentingAdvocates(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		aCtx, a := w.member("de") // active, consents
		bCtx, b := w.member("en") // active, does not consent
		cCtx, c := w.member("en") // invited only, consents
		dCtx, d := w.member("en") // active, consents, then flagged as a bot
		eCtx, e := w.member("en") // active, consented, then withdrew
		outsiderCtx, _ := w.member("en")
		w.join(aCtx, a)
		w.join(bCtx, b)
		if _, err := w.adv.Invite(w.staff, c); err != nil {
			t.Fatal(err)
		}
		w.join(dCtx, d)
		w.join(eCtx, e)
		for _, p := range []int64{a, c, d, e} {
			w.consent(p, true)
		}
		w.consent(b, false)
		w.consent(e, false)
		yes := true
		if _, err := w.people.Update(w.staff, d, person.Patch{Bot: &yes}); err != nil {
			t.Fatal(err)
		}

		if mailed, held, err := w.adv.Audience(w.analyst); err != nil || mailed != 1 || held != 2 {
			t.Errorf("audience: %d mailed, %d held back, %v; want 1 and 2 (b and e)", mailed, held, err)
		}

		// Refusals change nothing.
		before := w.snapshot()
		refusals := map[string]struct {
			err  error
			want string
		}{
			"empty title":    {second(w.adv.CreateBriefing(w.staff, advocate.BriefingInput{Title: "  ", Body: "Facts."})), samtal.EINVALID},
			"empty body":     {second(w.adv.CreateBriefing(w.staff, advocate.BriefingInput{Title: "Facts", Body: ""})), samtal.EINVALID},
			"member writes":  {second(w.adv.CreateBriefing(aCtx, advocate.BriefingInput{Title: "Facts", Body: "Facts."})), samtal.EFORBIDDEN},
			"analyst writes": {second(w.adv.CreateBriefing(w.analyst, advocate.BriefingInput{Title: "Facts", Body: "Facts."})), samtal.EFORBIDDEN},
			"visitor writes": {second(w.adv.CreateBriefing(context.Background(), advocate.BriefingInput{Title: "Facts", Body: "Facts."})), samtal.EUNAUTHORIZED},
			"send nothing":   {second(w.adv.Send(w.staff, 987654)), samtal.ENOTFOUND},
		}
		for name, r := range refusals {
			if code(r.err) != r.want {
				t.Errorf("%s: %v, want %s", name, r.err, r.want)
			}
		}
		if after := w.snapshot(); after != before {
			t.Errorf("refusals changed something:\n%s\n%s", before, after)
		}

		body := "Three facts:\n\n- The **Havbro** sofa comes in blue in May.\n- See [the roadmap](/roadmap) and [our blog](https://blog.example/post).\n\n![The new blue](/uploads/ABCDEFGHIJKLMNOPQRSTUV)"
		br, err := w.adv.CreateBriefing(w.staff, advocate.BriefingInput{Title: "Spring facts", Body: body})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(br.BodyHTML, `<img src="/uploads/ABCDEFGHIJKLMNOPQRSTUV"`) || !strings.Contains(br.BodyHTML, "<strong>Havbro</strong>") {
			t.Errorf("rendered body: %s", br.BodyHTML)
		}
		// A draft is not for advocates yet.
		if _, err := w.adv.Read(aCtx, br.ID); code(err) != samtal.ENOTFOUND {
			t.Errorf("an advocate opens a draft: %v", err)
		}
		if e := w.lastAudit("briefing.create"); e == nil || e.TargetID != fmt.Sprint(br.ID) {
			t.Errorf("audit of the draft: %+v", e)
		}

		sent, err := w.adv.Send(w.staff, br.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sent.State != advocate.Sent || sent.Mailed != 1 || sent.HeldBack != 2 || !sent.SentAt.Equal(w.base) {
			t.Errorf("sent: %+v", sent)
		}
		if e := w.lastAudit("briefing.send"); e == nil || e.TargetID != fmt.Sprint(br.ID) || !strings.Contains(e.After, `"mailed":1`) {
			t.Errorf("audit of the send: %+v", e)
		}
		// Only a got a mail: in German for samtal's words, the briefing as
		// written, links pointing at the site, an unsubscribe link.
		mails, err := w.outbox.ListMail(context.Background(), outbox.Filter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var briefingMails []*outbox.Mail
		for _, m := range mails {
			if strings.HasPrefix(m.Subject, "Briefing:") {
				briefingMails = append(briefingMails, m)
			}
		}
		aEmail := emailOf(t, w, a)
		if len(briefingMails) != 1 || briefingMails[0].To != aEmail {
			t.Fatalf("briefing mails: %d, to %v; want one to %s", len(briefingMails), briefingMails, aEmail)
		}
		m := briefingMails[0]
		for _, want := range []string{"Hallo Person", "- The **Havbro** sofa comes in blue in May.", "[the roadmap](https://fjordhus.example/roadmap)",
			"[our blog](https://blog.example/post)", "https://fjordhus.example/briefings/" + fmt.Sprint(br.ID)} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("mail text lacks %q:\n%s", want, m.Text)
			}
		}
		if !strings.Contains(m.HTML, `src="https://fjordhus.example/uploads/ABCDEFGHIJKLMNOPQRSTUV"`) || strings.Contains(m.HTML, `width="1"`) {
			t.Errorf("mail HTML: %s", m.HTML)
		}
		if m.State != outbox.StateKept {
			t.Errorf("without a mail server the mail is kept: %s", m.State)
		}
		secret := unsubscribeLink.FindStringSubmatch(m.Text)
		if secret == nil || m.Headers["List-Unsubscribe"] != "<https://fjordhus.example/briefings/unsubscribe/"+secret[1]+">" {
			t.Fatalf("unsubscribe link %v, header %q", secret, m.Headers["List-Unsubscribe"])
		}
		// The delivery is recorded with its mail.
		rs, _, err := w.adv.Recipients(w.analyst, br.ID, "", 10)
		if err != nil || len(rs) != 1 || rs[0].PersonID != a || rs[0].MailID != m.ID || rs[0].MailState != outbox.StateKept || !rs[0].QueuedAt.Equal(w.base) || !rs[0].ReadAt.IsZero() {
			t.Fatalf("recipients: %+v, %v", rs, err)
		}

		// Sending twice is refused and changes nothing.
		before = w.snapshot()
		if _, err := w.adv.Send(w.staff, br.ID); code(err) != samtal.ECONFLICT {
			t.Errorf("send twice: %v", err)
		}
		if _, err := w.adv.UpdateBriefing(w.staff, br.ID, advocate.BriefingInput{Title: "Other", Body: "Other"}); code(err) != samtal.ECONFLICT {
			t.Errorf("change a sent briefing: %v", err)
		}
		if after := w.snapshot(); after != before {
			t.Errorf("the second send changed something:\n%s\n%s", before, after)
		}

		// Reads: a opens it twice, the first time counts; b (no mail) reads
		// on the site; c (only invited) and an outsider get nothing; staff
		// read without it counting.
		firstRead := w.base.Add(time.Hour)
		w.base = firstRead
		if got, err := w.adv.Read(aCtx, br.ID); err != nil || got.Title != "Spring facts" || got.Mailed != 0 {
			t.Fatalf("a reads: %+v, %v", got, err)
		}
		w.base = w.base.Add(time.Hour)
		if _, err := w.adv.Read(aCtx, br.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.adv.Read(bCtx, br.ID); err != nil {
			t.Errorf("b reads on the site: %v", err)
		}
		for name, ctx := range map[string]context.Context{"invited": cCtx, "outsider": outsiderCtx} {
			if _, err := w.adv.Read(ctx, br.ID); code(err) != samtal.ENOTFOUND {
				t.Errorf("%s reads: %v", name, err)
			}
		}
		if _, err := w.adv.Read(context.Background(), br.ID); code(err) != samtal.EUNAUTHORIZED {
			t.Errorf("visitor reads: %v", err)
		}
		if got, err := w.adv.Read(w.analyst, br.ID); err != nil || got.Mailed != 1 {
			t.Errorf("staff read: %+v, %v", got, err)
		}
		rs, _, _ = w.adv.Recipients(w.analyst, br.ID, "", 10)
		reads := map[int64]time.Time{}
		for _, r := range rs {
			reads[r.PersonID] = r.ReadAt
		}
		if len(rs) != 2 || !reads[a].Equal(firstRead) || reads[b].IsZero() {
			t.Errorf("reads: %+v", rs)
		}
		if got, _ := w.adv.Briefing(w.analyst, br.ID); got.Read != 2 {
			t.Errorf("read count %d, want 2", got.Read)
		}
		// The read is in the person's timeline.
		tl, err := w.people.Timeline(w.analyst, a, nil, person.TimelineFilter{Kinds: []string{"briefing_read"}}, "")
		if err != nil || len(tl.Events) != 1 || tl.Events[0].Title != "Spring facts" || !tl.Events[0].At.Equal(firstRead) {
			t.Errorf("timeline: %+v, %v", tl, err)
		}
		// Members never see the recipients.
		if _, _, err := w.adv.Recipients(aCtx, br.ID, "", 10); code(err) != samtal.EFORBIDDEN {
			t.Errorf("a member lists recipients: %v", err)
		}
		// Advocates list the briefing; others do not.
		if list, _, err := w.adv.MyBriefings(bCtx, "", 10); err != nil || len(list) != 1 {
			t.Errorf("b's briefings: %v, %v", list, err)
		}
		if list, _, err := w.adv.MyBriefings(outsiderCtx, "", 10); err != nil || len(list) != 0 {
			t.Errorf("an outsider's briefings: %v, %v", list, err)
		}

		// The unsubscribe link withdraws the consent to briefings; a bad
		// secret changes nothing.
		if err := w.adv.CheckUnsubscribe(context.Background(), strings.Repeat("A", 43)); code(err) != samtal.ENOTFOUND {
			t.Errorf("unknown secret: %v", err)
		}
		if err := w.adv.CheckUnsubscribe(context.Background(), secret[1]); err != nil {
			t.Errorf("check the secret: %v", err)
		}
		if has, _ := w.consents.Has(context.Background(), a, consent.AdvocateBriefings); !has {
			t.Fatal("a does not consent before unsubscribing")
		}
		if err := w.adv.Unsubscribe(context.Background(), secret[1]); err != nil {
			t.Fatal(err)
		}
		if has, _ := w.consents.Has(context.Background(), a, consent.AdvocateBriefings); has {
			t.Error("a still consents after unsubscribing")
		}
		// The next briefing goes to nobody by mail.
		next, err := w.adv.CreateBriefing(w.staff, advocate.BriefingInput{Title: "More facts", Body: "One more."})
		if err != nil {
			t.Fatal(err)
		}
		if sent, err := w.adv.Send(w.staff, next.ID); err != nil || sent.Mailed != 0 || sent.HeldBack != 3 {
			t.Errorf("the next send: %+v, %v", sent, err)
		}
	})
}

func emailOf(t *testing.T, w *world, personID int64) string {
	t.Helper()
	p, err := w.store.Subject(context.Background(), personID)
	if err != nil {
		t.Fatal(err)
	}
	return p.Email
}
