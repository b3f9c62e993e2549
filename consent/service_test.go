package consent_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/consent"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/person"
	"github.com/samtal-dev/samtal/sqlstore"
)

// The rules of consent, against the real store on both engines.

type world struct {
	t     *testing.T
	db    *sqlstore.DB
	store *sqlstore.Consents
	svc   *consent.Service
	clock time.Time
	accs  map[string]*account.Account
}

func newWorld(t *testing.T, db *sqlstore.DB) *world {
	w := &world{t: t, db: db, store: sqlstore.NewConsents(db), clock: time.Now().UTC().Truncate(time.Millisecond), accs: map[string]*account.Account{}}
	w.svc = &consent.Service{Store: w.store, Now: func() time.Time { w.clock = w.clock.Add(time.Second); return w.clock }}
	return w
}

var cli = samtal.WithActor(context.Background(), samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})

// as creates an account (once) and returns its context.
func (w *world) as(name string, role samtal.Role, locale string) context.Context {
	w.t.Helper()
	a, ok := w.accs[name]
	if !ok {
		var err error
		a, err = sqlstore.NewAccounts(w.db).CreateAccount(context.Background(), account.NewAccount{
			Email: name + "@example.org", Name: name, Role: role, Locale: locale,
			Identity: person.Identity{Kind: person.KindEmail, Value: name + "@example.org"}}, nil)
		if err != nil {
			w.t.Fatal(err)
		}
		w.accs[name] = a
	}
	return samtal.WithActor(context.Background(), samtal.Actor{AccountID: a.ID, PersonID: a.PersonID, IdentityID: a.IdentityID, Role: a.Role, Via: "test"})
}

func (w *world) person(name string) int64 { return w.accs[name].PersonID }

func (w *world) publish(purpose, lang, body string) *consent.Text {
	w.t.Helper()
	t, err := w.svc.Publish(cli, purpose, lang, body)
	if err != nil {
		w.t.Fatalf("publish %s %s: %v", purpose, lang, err)
	}
	return t
}

// written counts consent records and audit entries: a refusal must leave
// both as they were.
func (w *world) written() string {
	w.t.Helper()
	n := 0
	for _, a := range w.accs {
		list, err := w.store.Records(context.Background(), a.PersonID, nil, 100)
		if err != nil {
			w.t.Fatal(err)
		}
		n += len(list)
	}
	entries, err := sqlstore.NewAudit(w.db).ListAudit(context.Background(), audit.Filter{Limit: 100})
	if err != nil {
		w.t.Fatal(err)
	}
	texts, _ := w.store.Texts(context.Background())
	return fmt.Sprintf("%d records, %d audit entries, %d texts", n, len(entries), len(texts))
}

func code(err error) string {
	if err == nil {
		return "ok"
	}
	return samtal.ErrorCode(err) + field(err)
}

func field(err error) string {
	var e *samtal.Error
	if se, ok := err.(*samtal.Error); ok {
		e = se
	}
	if e == nil || e.Field == "" {
		return ""
	}
	return ":" + e.Field
}

func TestWhoReadsAndRecordsConsent(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		w.publish(consent.IdeaEmails, "en", "Yes, email me about my ideas.")
		ada, bo := w.as("ada", samtal.RoleMember, "en"), w.as("bo", samtal.RoleMember, "en")
		agent, analyst := w.as("agent", samtal.RoleAgent, "en"), w.as("analyst", samtal.RoleAnalyst, "en")
		visitor := context.Background()
		adaID := w.person("ada")
		if _, err := w.svc.Record(ada, adaID, consent.Input{Purpose: consent.IdeaEmails, Given: true}); err != nil {
			t.Fatal(err)
		}

		reads := []struct {
			who  string
			ctx  context.Context
			want string
		}{
			{"herself", ada, "ok"},
			{"another member", bo, samtal.ENOTFOUND},
			{"a visitor", visitor, samtal.EUNAUTHORIZED},
			{"an agent", agent, "ok"},
			{"an analyst", analyst, "ok"},
		}
		for _, tt := range reads {
			_, _, err := w.svc.History(tt.ctx, adaID, "", 0)
			_, err2 := w.svc.Current(tt.ctx, adaID)
			if code(err) != tt.want || code(err2) != tt.want {
				t.Errorf("%s reads Ada's consent: %v / %v, want %s", tt.who, err, err2, tt.want)
			}
		}
		if _, _, err := w.svc.History(agent, 999999, "", 0); code(err) != samtal.ENOTFOUND {
			t.Errorf("history of nobody: %v", err)
		}

		before := w.written()
		refusals := []struct {
			name string
			ctx  context.Context
			id   int64
			in   consent.Input
			want string
		}{
			{"a visitor", visitor, adaID, consent.Input{Purpose: consent.IdeaEmails, Given: true}, samtal.EUNAUTHORIZED},
			{"a member for another", bo, adaID, consent.Input{Purpose: consent.IdeaEmails}, samtal.ENOTFOUND},
			{"an analyst (reads only)", analyst, adaID, consent.Input{Purpose: consent.IdeaEmails, Text: "x"}, samtal.EFORBIDDEN},
			{"an unknown purpose", ada, adaID, consent.Input{Purpose: "spam", Given: true}, samtal.EINVALID + ":purpose"},
			{"a member claims paper", ada, adaID, consent.Input{Purpose: consent.IdeaEmails, Given: true, Channel: consent.ChannelPaper}, samtal.EINVALID + ":channel"},
			{"a member's own text", ada, adaID, consent.Input{Purpose: consent.IdeaEmails, Given: true, Text: "I agree to nothing."}, samtal.EINVALID + ":text"},
			{"staff give without a text", agent, adaID, consent.Input{Purpose: consent.ResearchContact, Given: true}, samtal.EINVALID + ":text"},
			{"staff claim settings", agent, adaID, consent.Input{Purpose: consent.ResearchContact, Given: true, Text: "x", Channel: consent.ChannelSettings}, samtal.EINVALID + ":channel"},
			{"text and text id", agent, adaID, consent.Input{Purpose: consent.IdeaEmails, Given: true, Text: "x", TextID: 1}, samtal.EINVALID + ":text"},
			{"a blank text", agent, adaID, consent.Input{Purpose: consent.IdeaEmails, Given: true, Text: " \n "}, samtal.EINVALID + ":text"},
			{"a long text", agent, adaID, consent.Input{Purpose: consent.IdeaEmails, Given: true, Text: strings.Repeat("x", consent.MaxTextLen+1)}, samtal.EINVALID + ":text"},
			{"a bad language", agent, adaID, consent.Input{Purpose: consent.IdeaEmails, Given: true, Text: "x", Lang: "english"}, samtal.EINVALID + ":lang"},
			{"someone else's identity", agent, adaID, consent.Input{Purpose: consent.IdeaEmails, Given: true, Text: "x", IdentityID: w.accs["bo"].IdentityID}, samtal.EINVALID + ":identity_id"},
			{"a missing text id", agent, adaID, consent.Input{Purpose: consent.IdeaEmails, Given: true, TextID: 999999}, samtal.EINVALID + ":text_id"},
			{"nobody", agent, 999999, consent.Input{Purpose: consent.IdeaEmails, Given: true, Text: "x"}, samtal.ENOTFOUND},
		}
		for _, tt := range refusals {
			if _, err := w.svc.Record(tt.ctx, tt.id, tt.in); code(err) != tt.want {
				t.Errorf("%s: %v, want %s", tt.name, err, tt.want)
			}
		}
		if after := w.written(); after != before {
			t.Errorf("refusals wrote: before %s, after %s", before, after)
		}

		// Staff record consent gathered elsewhere with the exact text; the
		// same text again is the same version.
		paper := "I agree that Fjordhus may call me\r\nfor research."
		r1, err := w.svc.Record(agent, adaID, consent.Input{Purpose: consent.ResearchContact, Given: true, Text: paper, Channel: consent.ChannelPaper,
			IdentityID: w.accs["ada"].IdentityID})
		if err != nil {
			t.Fatal(err)
		}
		r2, err := w.svc.Record(agent, adaID, consent.Input{Purpose: consent.ResearchContact, Given: true, Text: paper})
		if err != nil {
			t.Fatal(err)
		}
		if r1.TextID == 0 || r1.TextID != r2.TextID || r1.Text.Body != "I agree that Fjordhus may call me\nfor research." || r1.Text.Published() ||
			r1.Channel != consent.ChannelPaper || r2.Channel != consent.ChannelAPI || r1.ActorPersonID != w.person("agent") || r1.IdentityID != w.accs["ada"].IdentityID {
			t.Errorf("recorded: %+v %+v, text %+v", r1, r2, r1.Text)
		}
		// Staff withdraw without a text.
		if r, err := w.svc.Record(agent, adaID, consent.Input{Purpose: consent.ResearchContact, Given: false, Channel: consent.ChannelPhone}); err != nil || r.TextID != 0 {
			t.Errorf("withdrawal by phone: %+v, %v", r, err)
		}
		if ok, _ := w.svc.Has(context.Background(), adaID, consent.ResearchContact); ok {
			t.Error("the withdrawal does not decide")
		}
		if _, err := w.svc.Has(context.Background(), adaID, "spam"); code(err) != samtal.EINVALID+":purpose" {
			t.Errorf("Has(spam): %v", err)
		}

		// Every record has its audit entry, as the actor who made it.
		entries, _ := sqlstore.NewAudit(db).ListAudit(context.Background(), audit.Filter{TargetKind: "person", TargetID: fmt.Sprint(adaID), Limit: 100})
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action)
		}
		if got := strings.Join(actions, " "); got != "consent.withdraw consent.give consent.give consent.give" || entries[1].ActorID != w.accs["agent"].ID {
			t.Errorf("audit: %s (actor %d)", got, entries[1].ActorID)
		}

		// A merged person's consent cannot be recorded any more.
		if _, err := sqlstore.NewPersons(db).Merge(context.Background(), w.person("bo"), w.person("analyst"), 0, time.Now(), audit.Entry{Action: "person.merge", Via: "test"}); err == nil {
			t.Fatal("merged two accounts")
		}
		p := &person.Person{Name: "Ada on paper", Identities: []person.Identity{{Kind: person.KindReviewName, Network: "trustpilot", Value: "ada l."}}}
		if err := sqlstore.NewPersons(db).CreatePerson(context.Background(), p); err != nil {
			t.Fatal(err)
		}
		if _, err := sqlstore.NewPersons(db).Merge(context.Background(), p.ID, adaID, 0, time.Now(), audit.Entry{Action: "person.merge", Via: "test"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Record(agent, p.ID, consent.Input{Purpose: consent.IdeaEmails, Given: true, Text: "x"}); code(err) != samtal.ECONFLICT {
			t.Errorf("record on a merged person: %v, want ECONFLICT", err)
		}
	})
}

func TestMembersAgreeToPublishedTextsInTheirLanguage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		en := w.publish(consent.IdeaEmails, "en", "Yes, email me about my ideas.")
		de := w.publish(consent.IdeaEmails, "de", "Ja, schreib mir über meine Ideen.")
		w.publish(consent.ResearchContact, "en", "You may ask me for research.")
		jonas, mette := w.as("jonas", samtal.RoleMember, "de"), w.as("mette", samtal.RoleMember, "da")

		// No text given: the current one in the member's language, else
		// English.
		r, err := w.svc.Record(jonas, w.person("jonas"), consent.Input{Purpose: consent.IdeaEmails, Given: true})
		if err != nil || r.TextID != de.ID || r.IdentityID != w.accs["jonas"].IdentityID || r.Channel != consent.ChannelAPI {
			t.Errorf("Jonas: %+v, %v", r, err)
		}
		r, err = w.svc.Record(mette, w.person("mette"), consent.Input{Purpose: consent.IdeaEmails, Given: true, Channel: consent.ChannelSettings})
		if err != nil || r.TextID != en.ID {
			t.Errorf("Mette (no Danish text): %+v, %v", r, err)
		}
		// A member may name a published text by its words; an unpublished
		// purpose has nothing to agree to.
		r, err = w.svc.Record(mette, w.person("mette"), consent.Input{Purpose: consent.IdeaEmails, Given: true, Text: "Ja, schreib mir über meine Ideen."})
		if err != nil || r.TextID != de.ID {
			t.Errorf("by the words of a published text: %+v, %v", r, err)
		}
		if _, err := w.svc.Record(mette, w.person("mette"), consent.Input{Purpose: consent.ContentReuse, Given: true}); code(err) != samtal.EINVALID+":text" {
			t.Errorf("nothing published to agree to: %v", err)
		}

		// A new version: later records point at it, earlier ones keep theirs.
		de2 := w.publish(consent.IdeaEmails, "de", "Ja, schreib mir über meine Ideen und was daraus wurde.")
		if de2.Version != 2 || de2.ID == de.ID {
			t.Errorf("second German version: %+v", de2)
		}
		if _, err := w.svc.Publish(cli, consent.IdeaEmails, "de", de2.Body+"\n"); code(err) != samtal.ECONFLICT+":body" {
			t.Errorf("publishing the current text again: %v", err)
		}
		if _, err := w.svc.Publish(jonas, consent.IdeaEmails, "de", "Neu"); code(err) != samtal.EFORBIDDEN {
			t.Errorf("a member publishes: %v", err)
		}
		for _, bad := range []struct{ purpose, lang, body, want string }{
			{"spam", "en", "x", "purpose"}, {consent.IdeaEmails, "", "x", "lang"}, {consent.IdeaEmails, "en", "  ", "body"},
		} {
			if _, err := w.svc.Publish(cli, bad.purpose, bad.lang, bad.body); code(err) != samtal.EINVALID+":"+bad.want {
				t.Errorf("publish %+v: %v", bad, err)
			}
		}
		if _, err := w.svc.Record(jonas, w.person("jonas"), consent.Input{Purpose: consent.IdeaEmails, Given: false}); err != nil {
			t.Fatal(err)
		}
		r, _ = w.svc.Record(jonas, w.person("jonas"), consent.Input{Purpose: consent.IdeaEmails, Given: true})
		if r.TextID != de2.ID {
			t.Errorf("after a new version: text %d, want %d", r.TextID, de2.ID)
		}
		hist, next, err := w.svc.History(jonas, w.person("jonas"), "", 2)
		if err != nil || len(hist) != 2 || next == "" || hist[0].Text.Version != 2 || hist[1].Given {
			t.Fatalf("history page 1: %+v %q %v", hist, next, err)
		}
		rest, next2, err := w.svc.History(jonas, w.person("jonas"), next, 2)
		if err != nil || len(rest) != 1 || next2 != "" || rest[0].Text.Version != 1 || rest[0].Text.Body != de.Body {
			t.Errorf("history page 2: %+v %q %v", rest, next2, err)
		}
		if _, _, err := w.svc.History(jonas, w.person("jonas"), "nonsense!", 2); code(err) != samtal.EINVALID+":cursor" {
			t.Errorf("bad cursor: %v", err)
		}
		if _, _, err := w.svc.History(jonas, w.person("jonas"), "", 101); code(err) != samtal.EINVALID+":limit" {
			t.Errorf("limit 101: %v", err)
		}
		texts, err := w.svc.Texts(cli)
		if err != nil || len(texts) != 4 {
			t.Errorf("texts: %d, %v", len(texts), err)
		}
		if _, err := w.svc.Texts(jonas); code(err) != samtal.EFORBIDDEN {
			t.Errorf("a member lists texts: %v", err)
		}
	})
}

func TestSettingsRecordOnlyChanges(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		mail := w.publish(consent.IdeaEmails, "en", "Yes, email me about my ideas.")
		research := w.publish(consent.ResearchContact, "en", "You may ask me for research.")
		ada := w.as("ada", samtal.RoleMember, "en")
		id := w.person("ada")
		form := func(mailOn, researchOn bool) []consent.Input {
			return []consent.Input{
				{Purpose: consent.IdeaEmails, Given: mailOn, TextID: mail.ID, Channel: consent.ChannelSettings},
				{Purpose: consent.ResearchContact, Given: researchOn, TextID: research.ID, Channel: consent.ChannelSettings},
				{Purpose: consent.ContentReuse, Given: false, Channel: consent.ChannelSettings},
			}
		}
		for _, step := range []struct {
			mail, research bool
			want           int
		}{{true, false, 1}, {true, false, 0}, {true, true, 1}, {false, false, 2}} {
			n, err := w.svc.Apply(ada, id, form(step.mail, step.research))
			if err != nil || n != step.want {
				t.Errorf("apply %+v: %d, %v", step, n, err)
			}
		}
		// A bad choice among good ones writes nothing.
		before := w.written()
		bad := append(form(true, true), consent.Input{Purpose: consent.AdvocateBriefings, Given: true, TextID: mail.ID, Channel: consent.ChannelSettings})
		if _, err := w.svc.Apply(ada, id, bad); code(err) != samtal.EINVALID+":text_id" {
			t.Errorf("a text of another purpose: %v", err)
		}
		if after := w.written(); after != before {
			t.Errorf("a refused form wrote: %s → %s", before, after)
		}
		if _, err := w.svc.Apply(w.as("bo", samtal.RoleMember, "en"), id, form(true, true)); code(err) != samtal.ENOTFOUND {
			t.Errorf("Bo applies Ada's form: %v", err)
		}

		// The mail choice gives and withdraws idea_emails, once each.
		for _, step := range []struct {
			mail bool
			want string
		}{{true, "true"}, {true, "true"}, {false, "false"}, {false, "false"}} {
			if err := w.svc.MailChoice(ada, step.mail, mail.ID, "en"); err != nil {
				t.Fatal(err)
			}
			if ok, _ := w.svc.Has(context.Background(), id, consent.IdeaEmails); fmt.Sprint(ok) != step.want {
				t.Errorf("mail %v: consent %v", step.mail, ok)
			}
		}
		hist, _, _ := w.svc.History(ada, id, "", 100)
		if len(hist) != 6 {
			t.Errorf("%d records, want 6 (4 from the form, one give and one withdrawal from the mail choice)", len(hist))
		}

		// The unsubscribe link withdraws, once, as the account.
		if err := w.svc.MailChoice(ada, true, 0, "en"); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := w.svc.WithdrawByLink(context.Background(), w.accs["ada"].ID, consent.IdeaEmails); err != nil {
				t.Fatal(err)
			}
		}
		hist, _, _ = w.svc.History(ada, id, "", 100)
		if len(hist) != 8 || hist[0].Channel != consent.ChannelEmailLink || hist[0].Given || hist[1].TextID != mail.ID {
			t.Errorf("after the link: %d records, newest %+v", len(hist), hist[0])
		}
		entries, _ := sqlstore.NewAudit(db).ListAudit(context.Background(), audit.Filter{Action: "consent.withdraw", Limit: 1})
		if len(entries) != 1 || entries[0].ActorID != w.accs["ada"].ID || entries[0].Via != consent.ChannelEmailLink {
			t.Errorf("the link's audit entry: %+v", entries)
		}
	})
}

func TestSignUpConsentWaitsForTheEmail(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		mail := w.publish(consent.IdeaEmails, "en", "Yes, email me about my ideas.")
		research := w.publish(consent.ResearchContact, "en", "You may ask me for research.")
		recorded := newText(t, w, "I said yes on paper.")
		w.as("nora", samtal.RoleMember, "en")
		acc := w.accs["nora"]
		for _, bad := range [][]int64{{999999}, {recorded}, {mail.ID, mail.ID}} {
			if err := w.svc.CheckOffers(context.Background(), bad); code(err) != samtal.EINVALID+":consent" {
				t.Errorf("offer %v: %v", bad, err)
			}
		}
		if err := w.svc.Offer(context.Background(), acc.ID, []int64{mail.ID, research.ID}); err != nil {
			t.Fatal(err)
		}
		if ok, _ := w.svc.Has(context.Background(), acc.PersonID, consent.IdeaEmails); ok {
			t.Error("consent before the email is confirmed")
		}
		// Someone signs up again for the unconfirmed account: their choice
		// replaces the first.
		if err := w.svc.Offer(context.Background(), acc.ID, []int64{research.ID}); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Confirm(context.Background(), acc.ID); err != nil {
			t.Fatal(err)
		}
		mailOK, _ := w.svc.Has(context.Background(), acc.PersonID, consent.IdeaEmails)
		researchOK, _ := w.svc.Has(context.Background(), acc.PersonID, consent.ResearchContact)
		if mailOK || !researchOK {
			t.Errorf("after confirming: mail %v research %v, want false true", mailOK, researchOK)
		}
		hist, _, _ := w.svc.History(w.as("nora", samtal.RoleMember, "en"), acc.PersonID, "", 10)
		if len(hist) != 1 || hist[0].Channel != consent.ChannelSignup || hist[0].Text.Body != research.Body || hist[0].IdentityID != acc.IdentityID {
			t.Errorf("history: %+v", hist)
		}
	})
}

// newText stores a text that was never published (recorded by staff).
func newText(t *testing.T, w *world, body string) int64 {
	t.Helper()
	w.as("staff", samtal.RoleAgent, "en")
	w.as("someone", samtal.RoleMember, "en")
	r, err := w.svc.Record(w.as("staff", samtal.RoleAgent, "en"), w.person("someone"),
		consent.Input{Purpose: consent.ContentReuse, Given: true, Text: body})
	if err != nil {
		t.Fatal(err)
	}
	return r.TextID
}

// TestDefaultTextsOnlyWhereNoneIsPublished: the texts samtal ships are
// published once for each purpose and language without a text, never over
// an admin's own.
func TestDefaultTextsOnlyWhereNoneIsPublished(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newWorld(t, db)
		own := w.publish(consent.IdeaEmails, "de", "Unser eigener Text.")
		shipped := func(lang, purpose string) string {
			if purpose == consent.ResearchContact {
				return "" // none shipped
			}
			return "Default " + purpose + " in " + lang
		}
		n, err := w.svc.PublishDefaults(context.Background(), []string{"en", "de"}, shipped)
		if err != nil || n != 5 {
			t.Fatalf("defaults: %d %v, want 5 (3 purposes × 2 languages, less the German one the admin wrote)", n, err)
		}
		if n, err := w.svc.PublishDefaults(context.Background(), []string{"en", "de"}, shipped); err != nil || n != 0 {
			t.Errorf("a second start published %d %v", n, err)
		}
		if s, _ := w.svc.Shown(context.Background(), consent.IdeaEmails, "de"); s == nil || s.ID != own.ID {
			t.Errorf("the admin's text was replaced: %+v", s)
		}
		if s, _ := w.svc.Shown(context.Background(), consent.ContentReuse, "da"); s == nil || s.Body != "Default content_reuse in en" {
			t.Errorf("Danish falls back to English: %+v", s)
		}
		if s, _ := w.svc.Shown(context.Background(), consent.ResearchContact, "en"); s != nil {
			t.Errorf("a purpose without a shipped text: %+v", s)
		}
	})
}
