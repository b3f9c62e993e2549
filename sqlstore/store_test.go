package sqlstore_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/outbox"
	"github.com/samtal-dev/samtal/person"
	"github.com/samtal-dev/samtal/sqlstore"
)

// This file is the store suite: every test runs on SQLite and on PostgreSQL.

func newAccount(t *testing.T, s *sqlstore.Accounts, email string, role samtal.Role) *account.Account {
	t.Helper()
	a, err := s.CreateAccount(context.Background(), account.NewAccount{
		Email: email, Name: "Name of " + email, Role: role, PasswordHash: "h:" + email,
		Identity: person.Identity{Kind: person.KindEmail, Value: email},
	}, nil)
	if err != nil {
		t.Fatalf("create account %s: %v", email, err)
	}
	return a
}

func TestAccounts(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := sqlstore.NewAccounts(db)
		a := newAccount(t, s, "ada@example.org", samtal.RoleMember)

		got, hash, err := s.AccountByEmail(ctx, "ada@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != a.ID || got.PersonID == 0 || got.Name != "Name of ada@example.org" || hash != "h:ada@example.org" || got.Verified() {
			t.Errorf("AccountByEmail = %+v, %q", got, hash)
		}
		if _, _, err := s.AccountByEmail(ctx, "nobody@example.org"); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("missing account: err = %v, want ENOTFOUND", err)
		}

		// A second account with the same email is refused and writes nothing.
		_, err = s.CreateAccount(ctx, account.NewAccount{Email: "ada@example.org", Name: "Other", Role: samtal.RoleMember,
			Identity: person.Identity{Kind: person.KindEmail, Value: "other@example.org"}}, nil)
		if samtal.ErrorCode(err) != samtal.ECONFLICT {
			t.Errorf("duplicate email: err = %v, want ECONFLICT", err)
		}
		if list, _ := s.ListAccounts(ctx, account.Filter{Limit: 10}); len(list) != 1 {
			t.Errorf("after a refused create: %d accounts, want 1", len(list))
		}

		now := time.Now()
		if err := s.CreateLinkToken(ctx, "v", account.LinkVerify, a.ID, now, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ConsumeLink(ctx, "v", account.LinkVerify, now, ""); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.AccountByID(ctx, a.ID); !got.Verified() {
			t.Error("a verification link did not verify")
		}
		p, err := sqlstore.NewPersons(db).PersonByID(ctx, a.PersonID)
		if err != nil || len(p.Identities) != 1 || !p.Identities[0].Verified || p.Identities[0].Value != "ada@example.org" {
			t.Errorf("person after verification: %+v, %v", p, err)
		}
		if err := s.UpdateProfile(ctx, a.ID, "Ada L.", "da"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.AccountByID(ctx, a.ID); got.Name != "Ada L." || got.Locale != "da" {
			t.Errorf("after UpdateProfile: %+v", got)
		}
	})
}

func TestSessions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := sqlstore.NewAccounts(db)
		a := newAccount(t, s, "bo@example.org", samtal.RoleAgent)
		now := time.Now().UTC()
		mk := func(hash string, expires time.Time) {
			if err := s.CreateSession(ctx, &account.Session{Hash: hash, AccountID: a.ID, CSRFToken: "c-" + hash,
				CreatedAt: now, LastSeen: now, ExpiresAt: expires}); err != nil {
				t.Fatal(err)
			}
		}
		mk("live", now.Add(time.Hour))
		mk("old", now.Add(-time.Minute))
		mk("other", now.Add(time.Hour))

		se, acc, err := s.SessionByHash(ctx, "live", now)
		if err != nil || acc.ID != a.ID || acc.Role != samtal.RoleAgent || se.CSRFToken != "c-live" {
			t.Fatalf("SessionByHash(live) = %+v, %+v, %v", se, acc, err)
		}
		if _, _, err := s.SessionByHash(ctx, "old", now); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("expired session: err = %v, want ENOTFOUND", err)
		}
		// A new password ends every session but the one kept.
		if err := s.SetPassword(ctx, a.ID, "new", "live"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionByHash(ctx, "other", now); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("other session after SetPassword: err = %v, want ENOTFOUND", err)
		}
		if _, _, err := s.SessionByHash(ctx, "live", now); err != nil {
			t.Errorf("kept session after SetPassword: %v", err)
		}
		if err := s.DeleteSession(ctx, "live"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionByHash(ctx, "live", now); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("deleted session: err = %v, want ENOTFOUND", err)
		}
	})
}

func TestAPITokensAndLinks(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := sqlstore.NewAccounts(db)
		a := newAccount(t, s, "cy@example.org", samtal.RoleMember)
		b := newAccount(t, s, "di@example.org", samtal.RoleMember)
		tok := &account.APIToken{AccountID: a.ID, Name: "laptop", CreatedAt: time.Now()}
		if err := s.CreateAPIToken(ctx, tok, "th"); err != nil {
			t.Fatal(err)
		}
		got, gt, err := s.AccountByAPITokenHash(ctx, "th")
		if err != nil || got.ID != a.ID || gt.ID != tok.ID || gt.Name != "laptop" {
			t.Fatalf("AccountByAPITokenHash = %+v, %+v, %v", got, gt, err)
		}
		// Someone else cannot revoke it.
		if err := s.RevokeAPIToken(ctx, b.ID, tok.ID, time.Now()); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("revoke by another account: err = %v, want ENOTFOUND", err)
		}
		if err := s.RevokeAPIToken(ctx, a.ID, tok.ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.AccountByAPITokenHash(ctx, "th"); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("revoked token: err = %v, want ENOTFOUND", err)
		}

		now := time.Now()
		if err := s.CreateLinkToken(ctx, "lh", account.LinkReset, a.ID, now, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ConsumeLink(ctx, "lh", account.LinkVerify, now, ""); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("link used for another purpose: err = %v", err)
		}
		// Concurrent clicks: exactly one wins.
		var wg sync.WaitGroup
		wins := make(chan int64, 8)
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if id, err := s.ConsumeLink(ctx, "lh", account.LinkReset, now, "new-hash"); err == nil {
					wins <- id
				}
			}()
		}
		wg.Wait()
		close(wins)
		if n := len(wins); n != 1 {
			t.Errorf("link used %d times, want once", n)
		}
		if err := s.CreateLinkToken(ctx, "expired", account.LinkReset, a.ID, now.Add(-2*time.Hour), now.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ConsumeLink(ctx, "expired", account.LinkReset, now, "x"); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("expired link: err = %v, want ENOTFOUND", err)
		}
	})
}

func TestRoleChangeIsAudited(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := sqlstore.NewAccounts(db)
		admin := newAccount(t, s, "admin@example.org", samtal.RoleAdmin)
		m := newAccount(t, s, "m@example.org", samtal.RoleMember)
		actx := samtal.WithActor(ctx, samtal.Actor{AccountID: admin.ID, Role: samtal.RoleAdmin, Via: "session", IP: "192.0.2.1"})
		e := audit.New(actx, "account.role_change", "account", m.ID, map[string]any{"role": "member"}, map[string]any{"role": "moderator"})
		if err := s.SetRole(ctx, m.ID, samtal.RoleModerator, e); err != nil {
			t.Fatal(err)
		}
		list, err := sqlstore.NewAudit(db).ListAudit(ctx, audit.Filter{Action: "account.role_change", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 {
			t.Fatalf("got %d entries, want 1", len(list))
		}
		got := list[0]
		if got.ActorID != admin.ID || got.ActorLabel != "admin@example.org" || got.TargetID != strconv.FormatInt(m.ID, 10) ||
			got.Before != `{"role":"member"}` || got.After != `{"role":"moderator"}` || got.IP != "192.0.2.1" {
			t.Errorf("entry = %+v", got)
		}
		// A role change on a missing account writes no audit entry either.
		if err := s.SetRole(ctx, 999999, samtal.RoleAdmin, e); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("missing account: err = %v", err)
		}
		if list, _ := sqlstore.NewAudit(db).ListAudit(ctx, audit.Filter{Limit: 10}); len(list) != 1 {
			t.Errorf("after a refused change: %d entries, want 1", len(list))
		}
	})
}

func TestAuditIsAppendOnly(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		a := sqlstore.NewAudit(db)
		id, err := a.AppendAudit(ctx, audit.Entry{At: time.Now(), Action: "settings.change", After: `{"x":1}`})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			"UPDATE audit_log SET action = 'tampered'",
			"DELETE FROM audit_log",
		} {
			if err := sqlstore.ExecForTest(ctx, db, q); err == nil {
				t.Errorf("%s: the database accepted it", q)
			}
		}
		list, _ := a.ListAudit(ctx, audit.Filter{Limit: 10})
		if len(list) != 1 || list[0].ID != id || list[0].Action != "settings.change" || list[0].ActorLabel != "system" {
			t.Errorf("after tampering attempts: %+v", list)
		}
	})
}

func TestRateLimiter(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		l := sqlstore.NewLimiter(db)
		for i := 1; i <= 4; i++ {
			ok, wait, err := l.Allow(ctx, "k", 3, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			if want := i <= 3; ok != want {
				t.Errorf("hit %d: ok = %v, want %v", i, ok, want)
			}
			if !ok && (wait <= 0 || wait > time.Hour) {
				t.Errorf("hit %d: wait = %v", i, wait)
			}
		}
		if ok, _, _ := l.Allow(ctx, "other", 3, time.Hour); !ok {
			t.Error("another key shares the count")
		}
		// A window that has passed starts over.
		if ok, _, _ := l.Allow(ctx, "short", 1, time.Millisecond); !ok {
			t.Error("first hit refused")
		}
		time.Sleep(5 * time.Millisecond)
		if ok, _, _ := l.Allow(ctx, "short", 1, time.Millisecond); !ok {
			t.Error("hit in a new window refused")
		}
	})
}

func TestOutbox(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := sqlstore.NewOutbox(db)
		m := &outbox.Mail{To: "x@example.org", Subject: "Hej", Text: "Tak", State: outbox.StateQueued, CreatedAt: time.Now().Add(-time.Hour)}
		if err := s.InsertMail(ctx, m); err != nil {
			t.Fatal(err)
		}
		ids, err := s.StaleQueuedMail(ctx, time.Now(), 10)
		if err != nil || len(ids) != 1 || ids[0] != m.ID {
			t.Fatalf("StaleQueuedMail = %v, %v", ids, err)
		}
		if err := s.MarkMailAttempt(ctx, m.ID, outbox.StateSent, "", time.Now()); err != nil {
			t.Fatal(err)
		}
		got, err := s.MailByID(ctx, m.ID)
		if err != nil || got.State != outbox.StateSent || got.Attempts != 1 || got.SentAt.IsZero() || got.Text != "Tak" {
			t.Errorf("MailByID = %+v, %v", got, err)
		}
		if ids, _ := s.StaleQueuedMail(ctx, time.Now(), 10); len(ids) != 0 {
			t.Errorf("sent mail still stale: %v", ids)
		}
		if list, _ := s.ListMail(ctx, outbox.Filter{State: outbox.StateSent, Limit: 10}); len(list) != 1 {
			t.Errorf("ListMail(sent) = %d mails", len(list))
		}
	})
}

func TestCampaigns(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := sqlstore.NewCampaigns(db)
		for _, c := range []*campaign.Campaign{
			{Slug: "open", Title: "Open", Visibility: campaign.Public, Languages: []string{"en", "da"},
				Questions: []campaign.Question{{Position: 1, Text: "Q1"}, {Position: 2, Text: "Q2"}}},
			{Slug: "inner", Title: "Inner", Visibility: campaign.Invited, Questions: []campaign.Question{{Position: 1, Text: "Secret"}}},
		} {
			c.CreatedAt = time.Now()
			if err := s.CreateCampaign(ctx, c, audit.Entry{At: time.Now(), Action: "campaign.create"}); err != nil {
				t.Fatal(err)
			}
		}
		dup := &campaign.Campaign{Slug: "open", Title: "Again", Visibility: campaign.Public, CreatedAt: time.Now()}
		if err := s.CreateCampaign(ctx, dup, audit.Entry{At: time.Now(), Action: "campaign.create"}); samtal.ErrorCode(err) != samtal.ECONFLICT {
			t.Errorf("duplicate slug: err = %v", err)
		}
		list, err := s.ListCampaigns(ctx, []string{campaign.Public})
		if err != nil || len(list) != 1 || list[0].Slug != "open" || len(list[0].Questions) != 2 || list[0].Questions[1].Text != "Q2" ||
			len(list[0].Languages) != 2 {
			t.Fatalf("ListCampaigns(public) = %+v, %v", list, err)
		}
		c, err := s.CampaignBySlug(ctx, "inner")
		if err != nil || len(c.Questions) != 1 || c.Questions[0].Text != "Secret" {
			t.Errorf("CampaignBySlug = %+v, %v", c, err)
		}
	})
}

func TestListFilters(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := sqlstore.NewAccounts(db)
		newAccount(t, s, "ann_100%@example.org", samtal.RoleMember)
		newAccount(t, s, "annika@example.org", samtal.RoleAgent)
		newAccount(t, s, "bert@example.org", samtal.RoleMember)
		tests := []struct {
			f    account.Filter
			want []string
		}{
			{account.Filter{Query: "ANN", Limit: 10}, []string{"ann_100%@example.org", "annika@example.org"}},
			{account.Filter{Query: "_100%", Limit: 10}, []string{"ann_100%@example.org"}}, // wildcards are literal
			{account.Filter{Query: "n_1", Limit: 10}, []string{"ann_100%@example.org"}},
			{account.Filter{Role: samtal.RoleMember, Limit: 10}, []string{"ann_100%@example.org", "bert@example.org"}},
			{account.Filter{Role: samtal.RoleMember, Query: "bert", Limit: 10}, []string{"bert@example.org"}},
			{account.Filter{Limit: 2}, []string{"ann_100%@example.org", "annika@example.org"}},
		}
		for _, tt := range tests {
			list, err := s.ListAccounts(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range list {
				got = append(got, a.Email)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("%+v: got %v, want %v", tt.f, got, tt.want)
			}
		}
		// The cursor continues where the page ended.
		page, _ := s.ListAccounts(ctx, account.Filter{Limit: 2})
		rest, _ := s.ListAccounts(ctx, account.Filter{Limit: 2, AfterID: page[1].ID})
		if len(rest) != 1 || rest[0].Email != "bert@example.org" {
			t.Errorf("second page: %+v", rest)
		}

		a := sqlstore.NewAudit(db)
		base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		for i, e := range []audit.Entry{
			{At: base, Action: "account.role_change", TargetKind: "account", TargetID: "1"},
			{At: base.Add(24 * time.Hour), Action: "account.signin", TargetKind: "account", TargetID: "2"},
			{At: base.Add(48 * time.Hour), Action: "account.role_change", TargetKind: "account", TargetID: "2"},
		} {
			if _, err := a.AppendAudit(ctx, e); err != nil {
				t.Fatalf("entry %d: %v", i, err)
			}
		}
		count := func(f audit.Filter) int {
			f.Limit = 10
			l, err := a.ListAudit(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			return len(l)
		}
		for name, c := range map[string]struct{ got, want int }{
			"by action":      {count(audit.Filter{Action: "account.role_change"}), 2},
			"by target":      {count(audit.Filter{TargetKind: "account", TargetID: "2"}), 2},
			"since":          {count(audit.Filter{Since: base.Add(time.Hour)}), 2},
			"until":          {count(audit.Filter{Until: base.Add(time.Hour)}), 1},
			"action + since": {count(audit.Filter{Action: "account.role_change", Since: base.Add(time.Hour)}), 1},
		} {
			if c.got != c.want {
				t.Errorf("audit %s: %d entries, want %d", name, c.got, c.want)
			}
		}
	})
}

func TestLastAdminUnderConcurrency(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := sqlstore.NewAccounts(db)
		for round := 0; round < 10; round++ {
			a := newAccount(t, s, fmt.Sprintf("a%d@example.org", round), samtal.RoleAdmin)
			b := newAccount(t, s, fmt.Sprintf("b%d@example.org", round), samtal.RoleAdmin)
			// Demote every other admin first, so that a and b are the last two.
			list, _ := s.ListAccounts(ctx, account.Filter{Role: samtal.RoleAdmin, Limit: 100})
			for _, x := range list {
				if x.ID != a.ID && x.ID != b.ID {
					if err := s.SetRole(ctx, x.ID, samtal.RoleMember, audit.Entry{At: time.Now(), Action: "test"}); err != nil {
						t.Fatal(err)
					}
				}
			}
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, id := range []int64{a.ID, b.ID} {
				wg.Go(func() {
					errs[i] = s.SetRole(ctx, id, samtal.RoleMember, audit.Entry{At: time.Now(), Action: "test"})
				})
			}
			wg.Wait()
			admins, _ := s.ListAccounts(ctx, account.Filter{Role: samtal.RoleAdmin, Limit: 100})
			if len(admins) != 1 {
				t.Fatalf("round %d: %d admins left (errors %v)", round, len(admins), errs)
			}
			if samtal.ErrorCode(errs[0]) != samtal.ECONFLICT && samtal.ErrorCode(errs[1]) != samtal.ECONFLICT {
				t.Fatalf("round %d: neither demotion was refused: %v", round, errs)
			}
		}
	})
}

func TestReplaceUnverifiedAndNameSearch(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := sqlstore.NewAccounts(db)
		a := newAccount(t, s, "squat@example.org", samtal.RoleMember)
		now := time.Now()
		if err := s.CreateLinkToken(ctx, "old", account.LinkVerify, a.ID, now, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.ReplaceUnverified(ctx, a.ID, "Søren Østergaard", "owner-hash", now); err != nil {
			t.Fatal(err)
		}
		got, hash, _ := s.AccountByEmail(ctx, "squat@example.org")
		if got.Name != "Søren Østergaard" || hash != "owner-hash" {
			t.Errorf("after replace: %+v %q", got, hash)
		}
		if _, err := s.ConsumeLink(ctx, "old", account.LinkVerify, now, ""); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("the squatter's link still works: %v", err)
		}
		// Non-ASCII names are found case-insensitively on both engines.
		if list, _ := s.ListAccounts(ctx, account.Filter{Query: "østergaard", Limit: 10}); len(list) != 1 {
			t.Errorf("search for østergaard: %d results", len(list))
		}
		// A confirmed account is not replaced.
		if err := s.CreateLinkToken(ctx, "v2", account.LinkVerify, a.ID, now, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ConsumeLink(ctx, "v2", account.LinkVerify, now, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.ReplaceUnverified(ctx, a.ID, "Thief", "thief-hash", now); samtal.ErrorCode(err) != samtal.ENOTFOUND {
			t.Errorf("replace of a confirmed account: %v", err)
		}
	})
}

func TestSignUpJoinsAKnownPersonWithoutRenaming(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		p := &person.Person{Name: "Real Customer", Identities: []person.Identity{{Kind: person.KindEmail, Value: "known@example.org"}}}
		if err := sqlstore.NewPersons(db).CreatePerson(ctx, p); err != nil {
			t.Fatal(err)
		}
		s := sqlstore.NewAccounts(db)
		a := newAccount(t, s, "known@example.org", samtal.RoleMember)
		if a.PersonID != p.ID {
			t.Errorf("account person %d, want the known person %d", a.PersonID, p.ID)
		}
		got, err := sqlstore.NewPersons(db).PersonByID(ctx, p.ID)
		if err != nil || got.Name != "Real Customer" {
			t.Errorf("known person renamed: %+v %v", got, err)
		}
		// A second email of a person who has an account cannot start another.
		q := &person.Person{Name: "Two Mails", Identities: []person.Identity{{Kind: person.KindEmail, Value: "first@example.org"}, {Kind: person.KindEmail, Value: "second@example.org"}}}
		if err := sqlstore.NewPersons(db).CreatePerson(ctx, q); err != nil {
			t.Fatal(err)
		}
		newAccount(t, s, "first@example.org", samtal.RoleMember)
		_, err = s.CreateAccount(ctx, account.NewAccount{Email: "second@example.org", Name: "X", Role: samtal.RoleMember,
			Identity: person.Identity{Kind: person.KindEmail, Value: "second@example.org"}}, nil)
		if samtal.ErrorCode(err) != samtal.ECONFLICT {
			t.Errorf("second account for one person: %v", err)
		}
	})
}

func TestImportVotesMatchesVoting(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		accounts := sqlstore.NewAccounts(db)
		ideas := sqlstore.NewIdeas(db)
		c := &campaign.Campaign{Slug: "imp", Title: "Import", Visibility: campaign.Public, CreatedAt: time.Now(),
			Questions: []campaign.Question{{Position: 1, Text: "Q"}}}
		if err := sqlstore.NewCampaigns(db).CreateCampaign(ctx, c, audit.Entry{At: time.Now(), Action: "campaign.create"}); err != nil {
			t.Fatal(err)
		}
		author := newAccount(t, accounts, "author@example.org", samtal.RoleMember)
		base := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		mk := func(title string) *idea.Idea {
			i := &idea.Idea{CampaignID: c.ID, QuestionID: c.Questions[0].ID, AuthorPersonID: author.PersonID, Title: title, Status: idea.Open, CreatedAt: base}
			if err := ideas.CreateIdea(ctx, i, idea.Weight(base)); err != nil {
				t.Fatal(err)
			}
			return i
		}
		voted, imported := mk("voted"), mk("imported")
		var batch []sqlstore.ImportedVote
		for k := 0; k < 3; k++ {
			v := newAccount(t, accounts, fmt.Sprintf("v%d@example.org", k), samtal.RoleMember)
			at := base.Add(time.Duration(k) * 24 * time.Hour)
			if _, err := ideas.AddVote(ctx, voted.ID, v.PersonID, c.ID, 0, idea.Weight(at), at); err != nil {
				t.Fatal(err)
			}
			batch = append(batch, sqlstore.ImportedVote{IdeaID: imported.ID, PersonID: v.PersonID, CampaignID: c.ID, At: at})
		}
		batch = append(batch, batch[0]) // a duplicate is skipped
		if err := ideas.ImportVotes(ctx, batch, idea.Weight); err != nil {
			t.Fatal(err)
		}
		a, _ := ideas.IdeaByID(ctx, voted.ID, 0)
		b, _ := ideas.IdeaByID(ctx, imported.ID, 0)
		if a.Votes != 3 || b.Votes != 3 {
			t.Errorf("votes: voted %d, imported %d, want 3 and 3", a.Votes, b.Votes)
		}
		// The same votes give the same trending order position: list by
		// trending and check they tie (ordered by id then).
		list, _ := ideas.ListIdeas(ctx, idea.Filter{CampaignID: c.ID, Sort: idea.SortTrending, Limit: 10})
		if len(list) != 2 || list[0].ID != imported.ID {
			t.Errorf("trending order: %v", list)
		}
	})
}
