package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/consent"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/person"
	"github.com/samtal-dev/samtal/sqlstore"
)

func consentEntry(action string, personID int64) audit.Entry {
	return audit.Entry{At: time.Now(), Action: action, TargetKind: "person", TargetID: fmt.Sprint(personID), Via: "test"}
}

func newText(t *testing.T, s *sqlstore.Consents, purpose, lang, body string) *consent.Text {
	t.Helper()
	tx := &consent.Text{Purpose: purpose, Lang: lang, Body: body, SHA256: consent.Hash(body), CreatedAt: time.Now()}
	if err := s.EnsureText(context.Background(), tx); err != nil {
		t.Fatalf("EnsureText %q: %v", body, err)
	}
	return tx
}

// TestConsentTextsAreVersionsKeptOnce: a body is stored once per purpose and
// language, versions count per purpose and language, and the text shown is
// the one published last (an older one can be published again).
func TestConsentTextsAreVersionsKeptOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := sqlstore.NewConsents(db)
		v1 := newText(t, s, consent.IdeaEmails, "en", "Mail me about my ideas.")
		v2 := newText(t, s, consent.IdeaEmails, "en", "Mail me about my ideas and the ideas I follow.")
		again := newText(t, s, consent.IdeaEmails, "en", "Mail me about my ideas.")
		de := newText(t, s, consent.IdeaEmails, "de", "Mail me about my ideas.")
		other := newText(t, s, consent.ResearchContact, "en", "Mail me about my ideas.")
		got := fmt.Sprintf("%d %d %d %d %d", v1.Version, v2.Version, again.Version, de.Version, other.Version)
		if got != "1 2 1 1 1" || again.ID != v1.ID || de.ID == v1.ID || other.ID == v1.ID {
			t.Errorf("versions %s, ids %d %d %d %d %d", got, v1.ID, v2.ID, again.ID, de.ID, other.ID)
		}
		if texts, _ := s.Texts(ctx); len(texts) != 4 {
			t.Errorf("%d texts stored, want 4", len(texts))
		}

		if _, err := s.CurrentText(ctx, consent.IdeaEmails, "en"); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("current text before any publishing: %v, want ENOTFOUND", err)
		}
		at := time.Now().Truncate(time.Millisecond)
		for i, id := range []int64{v1.ID, v2.ID} {
			if err := s.PublishText(ctx, id, at.Add(time.Duration(i)*time.Second), consentEntry("consent.text_publish", 0)); err != nil {
				t.Fatal(err)
			}
		}
		cur, err := s.CurrentText(ctx, consent.IdeaEmails, "en")
		if err != nil || cur.ID != v2.ID || cur.Body != v2.Body || !cur.PublishedAt.Equal(at.Add(time.Second)) {
			t.Fatalf("current = %+v, %v; want version 2", cur, err)
		}
		if err := s.PublishText(ctx, v1.ID, at.Add(2*time.Second), consentEntry("consent.text_publish", 0)); err != nil {
			t.Fatal(err)
		}
		if cur, _ := s.CurrentText(ctx, consent.IdeaEmails, "en"); cur.ID != v1.ID || cur.Version != 1 {
			t.Errorf("after publishing version 1 again: %+v", cur)
		}
		if _, err := s.CurrentText(ctx, consent.IdeaEmails, "de"); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("German was never published: %v", err)
		}
		if err := s.PublishText(ctx, 999999, at, consentEntry("consent.text_publish", 0)); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("publish a missing text: %v", err)
		}
		if list, _ := sqlstore.NewAudit(db).ListAudit(ctx, audit.Filter{Action: "consent.text_publish", Limit: 10}); len(list) != 3 {
			t.Errorf("%d publish entries, want 3 (the refused one writes none)", len(list))
		}
	})
}

// TestConsentRecordsNewestDecides: records are appended; the newest per
// person and purpose decides, on a tie of times the later record; history
// pages newest first; a record and its audit entry are written together.
func TestConsentRecordsNewestDecides(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := sqlstore.NewConsents(db)
		accounts := sqlstore.NewAccounts(db)
		ada := newAccount(t, accounts, "ada@example.org", samtal.RoleMember)
		bo := newAccount(t, accounts, "bo@example.org", samtal.RoleMember)
		cy := newAccount(t, accounts, "cy@example.org", samtal.RoleMember)
		text := newText(t, s, consent.IdeaEmails, "en", "Mail me about my ideas.")
		t0 := time.Now().Truncate(time.Millisecond)
		add := func(personID int64, purpose string, given bool, at time.Time) *consent.Record {
			t.Helper()
			r := &consent.Record{PersonID: personID, Purpose: purpose, Given: given, Channel: consent.ChannelSettings, CreatedAt: at}
			if given {
				r.TextID = text.ID
			}
			if err := s.AddRecord(ctx, r, consentEntry("consent.give", personID)); err != nil {
				t.Fatal(err)
			}
			return r
		}
		has := func(personID int64, purpose string) bool {
			t.Helper()
			ok, err := s.Has(ctx, personID, purpose)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if has(ada.PersonID, consent.IdeaEmails) {
			t.Error("no record is no consent")
		}
		add(ada.PersonID, consent.IdeaEmails, true, t0)
		add(ada.PersonID, consent.IdeaEmails, false, t0.Add(time.Minute))
		add(ada.PersonID, consent.ResearchContact, true, t0.Add(2*time.Minute))
		last := add(ada.PersonID, consent.IdeaEmails, true, t0.Add(3*time.Minute))
		add(bo.PersonID, consent.IdeaEmails, true, t0)
		add(bo.PersonID, consent.IdeaEmails, false, t0.Add(time.Minute))
		// The same moment twice: the later record decides.
		add(cy.PersonID, consent.IdeaEmails, false, t0)
		add(cy.PersonID, consent.IdeaEmails, true, t0)

		if !has(ada.PersonID, consent.IdeaEmails) || has(bo.PersonID, consent.IdeaEmails) || !has(cy.PersonID, consent.IdeaEmails) ||
			has(ada.PersonID, consent.AdvocateBriefings) {
			t.Error("Has does not follow the newest record")
		}
		ids, err := s.Consenting(ctx, consent.IdeaEmails, []int64{ada.PersonID, bo.PersonID, cy.PersonID, 999999})
		slices.Sort(ids)
		if want := []int64{ada.PersonID, cy.PersonID}; err != nil || !slices.Equal(ids, want) {
			t.Errorf("Consenting = %v, %v; want %v", ids, err, want)
		}
		if ids, _ := s.Consenting(ctx, consent.ResearchContact, []int64{ada.PersonID, bo.PersonID}); !slices.Equal(ids, []int64{ada.PersonID}) {
			t.Errorf("Consenting to research = %v", ids)
		}

		cur, err := s.Current(ctx, ada.PersonID)
		if err != nil || len(cur) != 2 {
			t.Fatalf("current = %+v, %v", cur, err)
		}
		for _, r := range cur {
			if r.Purpose == consent.IdeaEmails && (r.ID != last.ID || !r.Given || r.Text == nil || r.Text.Body != text.Body || r.Text.Version != 1) {
				t.Errorf("current idea_emails = %+v (text %+v)", r, r.Text)
			}
		}

		// History: newest first, in pages that neither skip nor repeat.
		var seen []string
		var before *consent.Cursor
		for range 10 {
			page, err := s.Records(ctx, ada.PersonID, before, 3)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page {
				seen = append(seen, fmt.Sprintf("%s:%v", r.Purpose, r.Given))
			}
			if len(page) < 3 {
				break
			}
			l := page[len(page)-1]
			before = &consent.Cursor{At: l.CreatedAt.UnixMilli(), ID: l.ID}
		}
		if got := strings.Join(seen, " "); got != "idea_emails:true research_contact:true idea_emails:false idea_emails:true" {
			t.Errorf("history = %s", got)
		}
		withdrawn, _ := s.Records(ctx, ada.PersonID, nil, 10)
		if w := withdrawn[2]; w.Given || w.TextID != 0 || w.Text != nil {
			t.Errorf("a withdrawal without a text: %+v", w)
		}
		if list, _ := sqlstore.NewAudit(db).ListAudit(ctx, audit.Filter{Action: "consent.give", Limit: 100}); len(list) != 8 {
			t.Errorf("%d audit entries, want one per record (8)", len(list))
		}

		// A record that cannot be stored (no such person) leaves neither
		// record nor audit entry.
		err = s.AddRecord(ctx, &consent.Record{PersonID: 999999, Purpose: consent.IdeaEmails, Given: true, Channel: "api", CreatedAt: t0},
			consentEntry("consent.refused", 999999))
		if err == nil {
			t.Fatal("a record for nobody was stored")
		}
		if list, _ := sqlstore.NewAudit(db).ListAudit(ctx, audit.Filter{Action: "consent.refused", Limit: 10}); len(list) != 0 {
			t.Errorf("a failed record left %d audit entries", len(list))
		}
		// The database refuses a purpose it does not know.
		if err := sqlstore.ExecForTest(ctx, db, fmt.Sprintf(`INSERT INTO consents (person_id, purpose, given, channel, created_at) VALUES (%d, 'spam', true, 'api', 1)`, ada.PersonID)); err == nil {
			t.Error("the database took an unknown purpose")
		}
		// Erasure can delete a person's records: nothing forbids it.
		if err := sqlstore.ExecForTest(ctx, db, fmt.Sprintf(`DELETE FROM consents WHERE person_id = %d`, bo.PersonID)); err != nil {
			t.Errorf("delete (erasure): %v", err)
		}
		if list, _ := s.Records(ctx, bo.PersonID, nil, 10); len(list) != 0 {
			t.Errorf("after delete: %d records", len(list))
		}
	})
}

// TestConsentOffersBecomeRecordsOnce: what was ticked at sign-up is kept
// per account, replaced by a later sign-up, and recorded once when the
// email is confirmed.
func TestConsentOffersBecomeRecordsOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := sqlstore.NewConsents(db)
		acc := newAccount(t, sqlstore.NewAccounts(db), "nora@example.org", samtal.RoleMember)
		mail := newText(t, s, consent.IdeaEmails, "en", "Mail me about my ideas.")
		research := newText(t, s, consent.ResearchContact, "en", "You may ask me for research.")
		now := time.Now().Truncate(time.Millisecond)
		if err := s.SetOffers(ctx, acc.ID, []consent.Offer{{Purpose: consent.IdeaEmails, TextID: mail.ID, CreatedAt: now},
			{Purpose: consent.ResearchContact, TextID: research.ID, CreatedAt: now}}); err != nil {
			t.Fatal(err)
		}
		// A second sign-up for the unconfirmed account replaces the offers.
		if err := s.SetOffers(ctx, acc.ID, []consent.Offer{{Purpose: consent.IdeaEmails, TextID: mail.ID, CreatedAt: now}}); err != nil {
			t.Fatal(err)
		}
		recs, err := s.ConfirmOffers(ctx, acc.ID, now, consentEntry("consent.give", 0))
		if err != nil || len(recs) != 1 || recs[0].Purpose != consent.IdeaEmails || recs[0].PersonID != acc.PersonID ||
			recs[0].Channel != consent.ChannelSignup || recs[0].TextID != mail.ID || recs[0].IdentityID == 0 {
			t.Fatalf("confirm = %+v, %v", recs, err)
		}
		if again, err := s.ConfirmOffers(ctx, acc.ID, now, consentEntry("consent.give", 0)); err != nil || len(again) != 0 {
			t.Errorf("second confirm = %+v, %v; want nothing", again, err)
		}
		if ok, _ := s.Has(ctx, acc.PersonID, consent.IdeaEmails); !ok {
			t.Error("no consent after confirming")
		}
		if ok, _ := s.Has(ctx, acc.PersonID, consent.ResearchContact); ok {
			t.Error("the replaced offer was recorded")
		}
		list, _ := sqlstore.NewAudit(db).ListAudit(ctx, audit.Filter{Action: "consent.give", Limit: 10})
		if len(list) != 1 || list[0].TargetID != fmt.Sprint(acc.PersonID) || !strings.Contains(list[0].After, `"channel":"signup"`) {
			t.Errorf("audit = %+v", list)
		}
	})
}

// TestConsentMovesWithAMergeAndComesBack: a merge moves a person's records
// to the person they are merged into, where the newest across both decides;
// unmerge sends them back, with what arrived since through the merged
// person's identity.
func TestConsentMovesWithAMergeAndComesBack(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := sqlstore.NewConsents(db)
		persons := sqlstore.NewPersons(db)
		b := newAccount(t, sqlstore.NewAccounts(db), "bo@example.org", samtal.RoleMember)
		a := &person.Person{Name: "Bo on paper", Identities: []person.Identity{{Kind: person.KindReviewName, Network: "trustpilot", Value: "bo b."}}}
		if err := persons.CreatePerson(ctx, a); err != nil {
			t.Fatal(err)
		}
		text := newText(t, s, consent.ResearchContact, "en", "You may ask me for research.")
		t0 := time.Now().Truncate(time.Millisecond)
		add := func(personID, identityID int64, purpose string, given bool, at time.Time) {
			t.Helper()
			r := &consent.Record{PersonID: personID, Purpose: purpose, Given: given, TextID: text.ID, Channel: consent.ChannelPaper,
				IdentityID: identityID, CreatedAt: at}
			if err := s.AddRecord(ctx, r, consentEntry("consent.give", personID)); err != nil {
				t.Fatal(err)
			}
		}
		add(b.PersonID, 0, consent.ResearchContact, false, t0)
		add(a.ID, a.Identities[0].ID, consent.ResearchContact, true, t0.Add(time.Minute))
		m, err := persons.Merge(ctx, a.ID, b.PersonID, 0, t0.Add(2*time.Minute), consentEntry("person.merge", a.ID))
		if err != nil {
			t.Fatal(err)
		}
		if m.Moved["consent"] != 1 {
			t.Errorf("moved = %v", m.Moved)
		}
		if ok, _ := s.Has(ctx, b.PersonID, consent.ResearchContact); !ok {
			t.Error("after the merge, the newer consent of the merged person does not decide")
		}
		// New consent through the merged person's identity, after the merge.
		add(b.PersonID, a.Identities[0].ID, consent.ContentReuse, true, t0.Add(3*time.Minute))
		if _, err := persons.Unmerge(ctx, m.ID, 0, t0.Add(4*time.Minute), consentEntry("person.unmerge", a.ID)); err != nil {
			t.Fatal(err)
		}
		purposes := func(personID int64) string {
			list, err := s.Records(ctx, personID, nil, 10)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range list {
				out = append(out, fmt.Sprintf("%s:%v", r.Purpose, r.Given))
			}
			return strings.Join(out, " ")
		}
		if got := purposes(a.ID); got != "content_reuse:true research_contact:true" {
			t.Errorf("back on the merged person: %s", got)
		}
		if got := purposes(b.PersonID); got != "research_contact:false" {
			t.Errorf("left on the other: %s", got)
		}
	})
}

// TestConsentInTheTimeline: consent records are timeline events of kind
// consent, with the record's channel and the purpose as title, and the
// channel filter finds them.
func TestConsentInTheTimeline(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := sqlstore.NewConsents(db)
		acc := newAccount(t, sqlstore.NewAccounts(db), "ada@example.org", samtal.RoleMember)
		text := newText(t, s, consent.IdeaEmails, "en", "Mail me about my ideas.")
		t0 := time.Now().Truncate(time.Millisecond)
		for i, c := range []struct {
			channel string
			given   bool
		}{{consent.ChannelSignup, true}, {consent.ChannelEmailLink, false}, {consent.ChannelSettings, true}} {
			r := &consent.Record{PersonID: acc.PersonID, Purpose: consent.IdeaEmails, Given: c.given, TextID: text.ID, Channel: c.channel,
				CreatedAt: t0.Add(time.Duration(i) * time.Minute)}
			if err := s.AddRecord(ctx, r, consentEntry("consent.give", acc.PersonID)); err != nil {
				t.Fatal(err)
			}
		}
		events := func(f person.TimelineFilter) string {
			t.Helper()
			f.Limit, f.Scope = 10, campaign.AllCampaigns()
			evs, err := sqlstore.NewPersons(db).Timeline(ctx, acc.PersonID, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, e := range evs {
				out = append(out, e.Kind+"/"+e.Channel+"/"+e.Title+"/"+e.Excerpt)
			}
			return strings.Join(out, " ")
		}
		if got, want := events(person.TimelineFilter{Kinds: []string{"consent"}}),
			"consent/settings/idea_emails/given consent/email_link/idea_emails/withdrawn consent/signup/idea_emails/given"; got != want {
			t.Errorf("consent events:\n got  %s\n want %s", got, want)
		}
		// A channel filter over every kind: the identity source and ours
		// each filter by their own channel column.
		if got, want := events(person.TimelineFilter{Channels: []string{"email_link", "email"}}),
			"consent/email_link/idea_emails/withdrawn identity/email/ada@example.org/email"; got != want {
			t.Errorf("by channel:\n got  %s\n want %s", got, want)
		}
	})
}
