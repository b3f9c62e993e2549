package account_test

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/i18n"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/outbox"
	"github.com/samtal-dev/samtal/sqlstore"
)

// mailbox is the real outbox without an SMTP server: mails stay in the store.
type mailbox struct {
	*outbox.Service
}

// last returns the newest mail as "to\nsubject\ntext".
func (m *mailbox) last(t *testing.T) string {
	t.Helper()
	list, err := m.Store.ListMail(context.Background(), outbox.Filter{Limit: 1})
	if err != nil || len(list) == 0 {
		t.Fatalf("no mail (%v)", err)
	}
	return list[0].To + "\n" + list[0].Subject + "\n" + list[0].Text
}

var secretInLink = regexp.MustCompile(`/(verify|reset|signin/link)/(\S+)`)

type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func newService(t *testing.T) (*account.Service, *mailbox, *clock) {
	t.Helper()
	db := testdb.Open(t, sqlstore.SQLite)
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	mb := &mailbox{&outbox.Service{Store: sqlstore.NewOutbox(db), Log: slog.New(slog.DiscardHandler)}}
	c := &clock{now: time.Now().UTC()}
	return &account.Service{
		Store: sqlstore.NewAccounts(db), Audit: sqlstore.NewAudit(db), Limiter: sqlstore.NewLimiter(db),
		Mailer: mb, Translator: cat, BaseURL: "https://community.example", Now: c.Now,
	}, mb, c
}

func TestVerificationLinkExpires(t *testing.T) {
	s, mb, c := newService(t)
	ctx := context.Background()
	if err := s.SignUp(ctx, account.SignUpInput{Email: "late@example.org", Name: "Late", Password: "long enough pass", IP: "192.0.2.9"}); err != nil {
		t.Fatal(err)
	}
	m := secretInLink.FindStringSubmatch(mb.last(t))
	if m == nil || m[1] != "verify" {
		t.Fatalf("no verification link in %q", mb.last(t))
	}
	c.now = c.now.Add(account.VerifyLinkLifetime + time.Minute)
	if _, err := s.Verify(ctx, m[2]); samtal.ErrorCode(err) != samtal.ENOTFOUND {
		t.Errorf("expired link: err = %v, want ENOTFOUND", err)
	}
}

func TestMailsSpeakTheMembersLanguage(t *testing.T) {
	s, mb, _ := newService(t)
	ctx := context.Background()
	if err := s.SignUp(ctx, account.SignUpInput{Email: "dansk@example.dk", Name: "Dorte", Password: "long enough pass", Locale: "da", IP: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}
	mail := mb.last(t)
	// Danish, with the link, and without the name a visitor typed (a
	// verification mail goes to an address nobody has confirmed yet).
	if !strings.Contains(mail, "Bekræft") || strings.Contains(mail, "Dorte") || !strings.Contains(mail, "https://community.example/verify/") || strings.Contains(mail, "Confirm your email") {
		t.Errorf("Danish mail: %q", mail)
	}
}

func TestSignInInvalidatesNothingForOthers(t *testing.T) {
	s, _, _ := newService(t)
	ctx := samtal.WithActor(context.Background(), samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
	if _, _, err := s.AddUser(ctx, account.AddUserInput{Email: "one@example.org", Name: "One", Role: samtal.RoleMember, Password: "long enough pass"}); err != nil {
		t.Fatal(err)
	}
	a, _, err := s.SignIn(ctx, account.SignInInput{Email: "ONE@example.org", Password: "long enough pass", IP: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := s.SignIn(ctx, account.SignInInput{Email: "one@example.org", Password: "long enough pass", IP: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Token == b.Token || a.CSRFToken == b.CSRFToken {
		t.Error("two sign-ins share a session")
	}
	for _, tok := range []string{a.Token, b.Token} {
		if _, _, _, err := s.Authenticate(ctx, tok, ""); err != nil {
			t.Errorf("session %s…: %v", tok[:6], err)
		}
	}
	// Wrong email and wrong password answer alike.
	_, _, e1 := s.SignIn(ctx, account.SignInInput{Email: "nobody@example.org", Password: "long enough pass", IP: "192.0.2.2"})
	_, _, e2 := s.SignIn(ctx, account.SignInInput{Email: "one@example.org", Password: "wrong password!", IP: "192.0.2.2"})
	if e1 == nil || e2 == nil || e1.Error() != e2.Error() {
		t.Errorf("answers differ: %v / %v", e1, e2)
	}
}

func TestPermissionsInTheService(t *testing.T) {
	s, _, _ := newService(t)
	cli := samtal.WithActor(context.Background(), samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
	m, _, err := s.AddUser(cli, account.AddUserInput{Email: "m@example.org", Name: "M", Role: samtal.RoleMember, Password: "long enough pass"})
	if err != nil {
		t.Fatal(err)
	}
	member := samtal.WithActor(context.Background(), samtal.Actor{AccountID: m.ID, PersonID: m.PersonID, Role: samtal.RoleMember, Via: "token"})
	visitor := context.Background()
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"member adds user", func() error {
			_, _, err := s.AddUser(member, account.AddUserInput{Email: "x@example.org", Name: "X", Role: samtal.RoleAdmin})
			return err
		}, samtal.EFORBIDDEN},
		{"member makes self admin", func() error { return s.ChangeRole(member, m.ID, samtal.RoleAdmin) }, samtal.EFORBIDDEN},
		{"member lists accounts", func() error { _, err := s.ListAccounts(member, account.Filter{}); return err }, samtal.EFORBIDDEN},
		{"member makes a token for another", func() error { _, err := s.CreateTokenFor(member, "m@example.org", "x"); return err }, samtal.EFORBIDDEN},
		{"visitor reads me", func() error { _, err := s.Me(visitor); return err }, samtal.EUNAUTHORIZED},
		{"visitor creates token", func() error { _, err := s.CreateToken(visitor, "x"); return err }, samtal.EUNAUTHORIZED},
		{"member updates own profile", func() error { return s.UpdateProfile(member, "Em", "de") }, ""},
		{"member with bad locale", func() error { return s.UpdateProfile(member, "Em", "klingon") }, samtal.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := samtal.ErrorCode(tt.call()); got != tt.want {
				t.Errorf("code = %q, want %q", got, tt.want)
			}
		})
	}
	if acc, _ := s.Me(member); acc.Role != samtal.RoleMember || acc.Name != "Em" {
		t.Errorf("after the refusals: %+v", acc)
	}
}

func TestPasswordHash(t *testing.T) {
	h, err := account.HashPassword("pässwörd with ümlauts")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash format: %s", h)
	}
	for pw, want := range map[string]bool{"pässwörd with ümlauts": true, "passwörd with ümlauts": false, "": false} {
		if ok, err := account.CheckPassword(h, pw); err != nil || ok != want {
			t.Errorf("CheckPassword(%q) = %v, %v", pw, ok, err)
		}
	}
	if _, err := account.CheckPassword("$bcrypt$x", "x"); err == nil {
		t.Error("unknown hash format accepted")
	}
}

// TestTokenCache checks what the token cache may and may not remember: a
// revoke or a role change on this node counts at once; another node trusts
// its cache for at most the TTL.
func TestTokenCache(t *testing.T) {
	a, _, clk := newService(t)
	a.TokenCacheTTL = time.Second
	b := &account.Service{Store: a.Store, Audit: a.Audit, Limiter: a.Limiter, Mailer: a.Mailer, Translator: a.Translator,
		Now: clk.Now, TokenCacheTTL: time.Second} // a second node on the same store
	cli := samtal.WithActor(context.Background(), samtal.Actor{Role: samtal.RoleAdmin, Via: "cli"})
	if _, _, err := a.AddUser(cli, account.AddUserInput{Email: "boss@example.org", Name: "Boss", Role: samtal.RoleAdmin, Password: "long enough pass"}); err != nil {
		t.Fatal(err)
	}
	acc, _, err := a.AddUser(cli, account.AddUserInput{Email: "ed@example.org", Name: "Ed", Role: samtal.RoleModerator, Password: "long enough pass"})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := a.CreateTokenFor(cli, "ed@example.org", "script")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*account.Service{a, b} {
		if actor, _, err := s.AuthenticateToken(context.Background(), tok.Secret, ""); err != nil || actor.Role != samtal.RoleModerator {
			t.Fatalf("first use: %+v %v", actor, err)
		}
	}
	// A role change on node a counts on a at once.
	if err := a.ChangeRole(cli, acc.ID, samtal.RoleMember); err != nil {
		t.Fatal(err)
	}
	if actor, _, _ := a.AuthenticateToken(context.Background(), tok.Secret, ""); actor.Role != samtal.RoleMember {
		t.Errorf("node a after the role change: %s", actor.Role)
	}
	// Revoking on a: a refuses at once, b within the TTL.
	ed := samtal.WithActor(context.Background(), samtal.Actor{AccountID: acc.ID, Role: samtal.RoleMember, Via: "test"})
	if err := a.RevokeToken(ed, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.AuthenticateToken(context.Background(), tok.Secret, ""); samtal.ErrorCode(err) != samtal.EUNAUTHORIZED {
		t.Errorf("node a after revoke: %v", err)
	}
	clk.now = clk.now.Add(time.Second + time.Millisecond)
	if _, _, err := b.AuthenticateToken(context.Background(), tok.Secret, ""); samtal.ErrorCode(err) != samtal.EUNAUTHORIZED {
		t.Errorf("node b after the TTL: %v", err)
	}
}
