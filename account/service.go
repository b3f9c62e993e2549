package account

import (
	"context"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/person"
)

// Limits of the service. Windows are fixed and counted in the database, so
// they hold across nodes.
const (
	SessionLifetime = 30 * 24 * time.Hour
	// A session's expiry slides forward, written at most this often.
	sessionTouchEvery = 5 * time.Minute
	tokenTouchEvery   = time.Minute

	VerifyLinkLifetime = 48 * time.Hour
	ResetLinkLifetime  = time.Hour
	SignInLinkLifetime = 24 * time.Hour

	MinPasswordLen = 10
	MaxPasswordLen = 1000
	MaxNameLen     = 100
)

// limit is a rate limit: so many hits per window.
type limit struct {
	n      int
	window time.Duration
}

var (
	limitSignInPerEmail = limit{10, 15 * time.Minute}
	limitSignInPerIP    = limit{50, 15 * time.Minute}
	limitSignUpPerIP    = limit{10, time.Hour}
	limitResetPerEmail  = limit{3, time.Hour}
	limitResetPerIP     = limit{20, time.Hour}
)

// Service holds the rules about accounts.
type Service struct {
	Store      Store
	Audit      audit.Store
	Limiter    Limiter
	Mailer     Mailer
	Translator Translator
	BaseURL    string // for links in mails, without a trailing slash
	Now        func() time.Time
	// Consents, if set, keeps the consents ticked at sign-up until the
	// email is confirmed.
	Consents SignUpConsents

	dummyOnce sync.Once
	dummyHash string

	// tokens remembers recently authenticated API tokens for TokenCacheTTL,
	// so that a client making many calls does not cost a database read on
	// each. This node forgets an entry at once when the token is revoked or
	// its account changes; other nodes within the TTL.
	tokens        sync.Map // token hash → cachedToken
	tokenCount    atomic.Int64
	TokenCacheTTL time.Duration
}

type cachedToken struct {
	actor samtal.Actor
	acc   *Account
	id    int64
	until time.Time
}

// maxCachedTokens bounds the token cache; past it, the cache starts over.
const maxCachedTokens = 10000

// DefaultTokenCacheTTL is how long a node trusts a token it checked.
const DefaultTokenCacheTTL = time.Second

// forget drops cached tokens of an account (accountID) or one token
// (tokenID); zero matches nothing.
func (s *Service) forget(accountID, tokenID int64) {
	s.tokens.Range(func(k, v any) bool {
		if c := v.(cachedToken); c.acc.ID == accountID || c.id == tokenID {
			s.tokens.Delete(k)
			s.tokenCount.Add(-1)
		}
		return true
	})
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// dummy returns a hash to check against when an email has no account, so that
// a wrong email costs as long as a wrong password.
func (s *Service) dummy() string {
	s.dummyOnce.Do(func() { s.dummyHash, _ = HashPassword("samtal-timing-equaliser") })
	return s.dummyHash
}

func (s *Service) allow(ctx context.Context, key string, l limit) error {
	ok, wait, err := s.Limiter.Allow(ctx, key, l.n, l.window)
	if err != nil {
		return err
	}
	if !ok {
		return &samtal.Error{Code: samtal.ERATELIMITED, Message: "error.rate_limited", RetryAfter: int(wait.Seconds()) + 1}
	}
	return nil
}

// addressKey is the part of a client address that rate limits count: the
// whole IPv4 address, or the /64 of an IPv6 one, since one IPv6 client
// usually holds a whole /64.
func addressKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	if a.Is4() || a.Is4In6() {
		return a.Unmap().String()
	}
	p, _ := a.Prefix(64)
	return p.String()
}

func checkName(name string) (string, error) {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		return "", samtal.FieldError("name", "error.name_required")
	}
	if utf8.RuneCountInString(name) > MaxNameLen {
		return "", samtal.FieldError("name", "error.too_long")
	}
	return name, nil
}

func checkPassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLen {
		return samtal.FieldError("password", "error.password_short")
	}
	if n > MaxPasswordLen {
		return samtal.FieldError("password", "error.too_long")
	}
	return nil
}

// CheckLocale returns EINVALID unless l is "" or a supported UI language.
func CheckLocale(l string) error {
	switch l {
	case "", "en", "de", "da":
		return nil
	}
	return samtal.FieldError("locale", "error.locale_invalid")
}

// SignUpInput is what a visitor fills in to join.
type SignUpInput struct {
	Email    string
	Name     string
	Password string
	Locale   string
	IP       string
	// ConsentTexts are the consent text versions the visitor ticked; they
	// become consent when the email is confirmed (SignUpConsents).
	ConsentTexts []int64
}

// SignUp creates a member account and mails a verification link. When the
// email already has an account it mails that account a note instead and
// answers the same, so that sign-up does not reveal who is a member. Returns
// EINVALID for a bad field and ERATELIMITED past the limit per address.
func (s *Service) SignUp(ctx context.Context, in SignUpInput) error {
	email, err := person.NormalizeEmail(in.Email)
	if err != nil {
		return err
	}
	name, err := checkName(in.Name)
	if err != nil {
		return err
	}
	if err := checkPassword(in.Password); err != nil {
		return err
	}
	if err := CheckLocale(in.Locale); err != nil {
		return err
	}
	if s.Consents != nil {
		if err := s.Consents.CheckOffers(ctx, in.ConsentTexts); err != nil {
			return err
		}
	}
	if err := s.allow(ctx, "signup:ip:"+addressKey(in.IP), limitSignUpPerIP); err != nil {
		return err
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return err
	}
	acc, err := s.Store.CreateAccount(ctx, NewAccount{
		Email: email, Name: name, Role: samtal.RoleMember, Locale: in.Locale, PasswordHash: hash,
		Identity: person.Identity{Kind: person.KindEmail, Value: email, Display: strings.TrimSpace(in.Email)},
	}, nil)
	if samtal.ErrorCode(err) == samtal.ECONFLICT {
		return s.signUpTaken(ctx, email, name, hash, in.ConsentTexts)
	}
	if err != nil {
		return err
	}
	if err := s.offerConsents(ctx, acc.ID, in.ConsentTexts); err != nil {
		return err
	}
	return s.sendLink(ctx, acc, LinkVerify, VerifyLinkLifetime, "/verify/", "mail.verify")
}

// offerConsents keeps what the sign-up ticked for the account, replacing
// what an earlier sign-up for it ticked.
func (s *Service) offerConsents(ctx context.Context, accountID int64, textIDs []int64) error {
	if s.Consents == nil {
		return nil
	}
	return s.Consents.Offer(ctx, accountID, textIDs)
}

// signUpTaken answers a sign-up for an email that has an account. A
// confirmed owner gets a note; an unconfirmed account is taken over by this
// sign-up, so that nobody can sign up with someone else's address first and
// keep the account when its owner confirms. The visitor sees the same page
// either way.
func (s *Service) signUpTaken(ctx context.Context, email, name, hash string, consentTexts []int64) error {
	existing, _, err := s.Store.AccountByEmail(ctx, email)
	if samtal.ErrorCode(err) == samtal.ENOTFOUND {
		return nil // the address belongs to another account's person
	} else if err != nil {
		return err
	}
	if existing.Verified() {
		return s.mail(ctx, existing, "mail.account_exists", map[string]any{"Link": s.BaseURL + "/reset"})
	}
	if err := s.Store.ReplaceUnverified(ctx, existing.ID, name, hash, s.now()); err != nil {
		return err
	}
	if err := s.offerConsents(ctx, existing.ID, consentTexts); err != nil {
		return err
	}
	existing.Name = name
	return s.sendLink(ctx, existing, LinkVerify, VerifyLinkLifetime, "/verify/", "mail.verify")
}

// sendLink creates a one-time link for acc and mails it.
func (s *Service) sendLink(ctx context.Context, acc *Account, purpose string, life time.Duration, path, msg string) error {
	secret := newSecret(32)
	now := s.now()
	if err := s.Store.CreateLinkToken(ctx, HashSecret(secret), purpose, acc.ID, now, now.Add(life)); err != nil {
		return err
	}
	return s.mail(ctx, acc, msg, map[string]any{"Link": s.BaseURL + path + secret, "Hours": int(life.Hours())})
}

func (s *Service) mail(ctx context.Context, acc *Account, msg string, data map[string]any) error {
	lang := acc.Locale
	if lang == "" {
		lang = "en"
	}
	if data == nil {
		data = map[string]any{}
	}
	data["Name"] = acc.Name
	subject := s.Translator.T(lang, msg+".subject", data)
	body := s.Translator.T(lang, msg+".body", data)
	return s.Mailer.Queue(ctx, acc.Email, subject, body)
}

// Verify confirms an email with the secret from a verification link and
// returns the account. Returns ENOTFOUND for an unknown, used or expired link.
func (s *Service) Verify(ctx context.Context, secret string) (*Account, error) {
	id, err := s.Store.ConsumeLink(ctx, HashSecret(secret), LinkVerify, s.now(), "")
	if err != nil {
		return nil, err
	}
	if s.Consents != nil {
		// Whoever confirms the email owns the account, and what was ticked
		// in its name at sign-up becomes their consent now.
		if err := s.Consents.Confirm(ctx, id); err != nil {
			return nil, err
		}
	}
	return s.Store.AccountByID(ctx, id)
}

// SignInInput is what a visitor gives to sign in.
type SignInInput struct {
	Email     string
	Password  string
	IP        string
	UserAgent string
}

var errSignInFailed = &samtal.Error{Code: samtal.EUNAUTHORIZED, Message: "error.signin_failed"}

// ErrNotVerified is returned by SignIn for a right password on an account
// whose email is not confirmed yet; a new link has been mailed.
var ErrNotVerified = &samtal.Error{Code: samtal.EFORBIDDEN, Message: "error.email_not_verified"}

// SignIn checks email and password and starts a session. A wrong email and a
// wrong password get the same EUNAUTHORIZED. Returns ERATELIMITED past the
// limits per email and per address.
func (s *Service) SignIn(ctx context.Context, in SignInInput) (*Session, *Account, error) {
	email := strings.ToLower(strings.TrimSpace(in.Email))
	if err := s.allow(ctx, "signin:ip:"+addressKey(in.IP), limitSignInPerIP); err != nil {
		return nil, nil, err
	}
	if len(email) > 254 { // no address is longer; and it becomes a key below
		return nil, nil, errSignInFailed
	}
	if err := s.allow(ctx, "signin:email:"+email, limitSignInPerEmail); err != nil {
		return nil, nil, err
	}
	acc, hash, err := s.Store.AccountByEmail(ctx, email)
	if samtal.ErrorCode(err) == samtal.ENOTFOUND {
		CheckPassword(s.dummy(), in.Password)
		return nil, nil, errSignInFailed
	} else if err != nil {
		return nil, nil, err
	}
	if hash == "" {
		CheckPassword(s.dummy(), in.Password)
		return nil, nil, errSignInFailed
	}
	ok, err := CheckPassword(hash, in.Password)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, nil, errSignInFailed
	}
	if !acc.Verified() {
		if err := s.sendLink(ctx, acc, LinkVerify, VerifyLinkLifetime, "/verify/", "mail.verify"); err != nil {
			return nil, nil, err
		}
		return nil, nil, ErrNotVerified
	}
	sess, err := s.StartSession(ctx, acc, in.IP, in.UserAgent)
	return sess, acc, err
}

// StartSession creates a new session for acc: a fresh id on every sign-in,
// so that an id planted before sign-in is worth nothing after. Staff
// sign-ins are audited.
func (s *Service) StartSession(ctx context.Context, acc *Account, ip, ua string) (*Session, error) {
	now := s.now()
	token := newSecret(32)
	sess := &Session{
		Token: token, Hash: HashSecret(token), AccountID: acc.ID, CSRFToken: newSecret(24),
		CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(SessionLifetime), IP: ip, UserAgent: truncate(ua, 300),
	}
	if err := s.Store.CreateSession(ctx, sess); err != nil {
		return nil, err
	}
	if acc.Role.Staff() {
		actx := samtal.WithActor(ctx, samtal.Actor{AccountID: acc.ID, Role: acc.Role, Via: "session", IP: ip})
		if err := s.audit(actx, audit.New(actx, "account.signin", "account", acc.ID, nil, map[string]any{"role": acc.Role})); err != nil {
			return nil, err
		}
	}
	return sess, nil
}

func (s *Service) audit(ctx context.Context, e audit.Entry) error {
	_, err := s.Audit.AppendAudit(ctx, e)
	return err
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Authenticate returns the actor and session for a session cookie value, or
// EUNAUTHORIZED if the session does not exist or has expired. The expiry
// slides forward as the session is used.
func (s *Service) Authenticate(ctx context.Context, token, ip string) (samtal.Actor, *Session, *Account, error) {
	if token == "" {
		return samtal.Actor{}, nil, nil, errSignInRequired
	}
	now := s.now()
	hash := HashSecret(token)
	sess, acc, err := s.Store.SessionByHash(ctx, hash, now)
	if samtal.ErrorCode(err) == samtal.ENOTFOUND {
		return samtal.Actor{}, nil, nil, errSignInRequired
	} else if err != nil {
		return samtal.Actor{}, nil, nil, err
	}
	if now.Sub(sess.LastSeen) > sessionTouchEvery {
		// A failed touch only means the expiry slides later; the request
		// itself is fine.
		if err := s.Store.TouchSession(ctx, hash, now, now.Add(SessionLifetime)); err == nil {
			sess.ExpiresAt, sess.Refreshed = now.Add(SessionLifetime), true
		}
	}
	return samtal.Actor{AccountID: acc.ID, PersonID: acc.PersonID, IdentityID: acc.IdentityID, Role: acc.Role, Via: "session", IP: ip}, sess, acc, nil
}

var errSignInRequired = &samtal.Error{Code: samtal.EUNAUTHORIZED, Message: "error.signin_required"}

// AuthenticateToken returns the actor for a personal API token, or
// EUNAUTHORIZED if it is unknown or revoked.
func (s *Service) AuthenticateToken(ctx context.Context, secret, ip string) (samtal.Actor, *Account, error) {
	if secret == "" {
		return samtal.Actor{}, nil, errSignInRequired
	}
	hash := HashSecret(secret)
	now := s.now()
	if v, ok := s.tokens.Load(hash); ok {
		if c := v.(cachedToken); now.Before(c.until) {
			actor := c.actor
			actor.IP = ip
			acc := *c.acc // a copy: callers may change theirs
			return actor, &acc, nil
		}
	}
	acc, tok, err := s.Store.AccountByAPITokenHash(ctx, hash)
	if samtal.ErrorCode(err) == samtal.ENOTFOUND {
		return samtal.Actor{}, nil, &samtal.Error{Code: samtal.EUNAUTHORIZED, Message: "error.token_invalid"}
	} else if err != nil {
		return samtal.Actor{}, nil, err
	}
	if now.Sub(tok.LastUsedAt) > tokenTouchEvery {
		// Best effort: "last used" is information, not a rule.
		_ = s.Store.TouchAPIToken(ctx, tok.ID, now)
	}
	actor := samtal.Actor{AccountID: acc.ID, PersonID: acc.PersonID, IdentityID: acc.IdentityID, Role: acc.Role, Via: "token", IP: ip}
	if s.TokenCacheTTL > 0 {
		if s.tokenCount.Add(1) > maxCachedTokens {
			s.tokens.Clear()
			s.tokenCount.Store(1)
		}
		cached := *acc
		s.tokens.Store(hash, cachedToken{actor: actor, acc: &cached, id: tok.ID, until: now.Add(s.TokenCacheTTL)})
	}
	return actor, acc, nil
}

// SignOut ends a session in the database.
func (s *Service) SignOut(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return s.Store.DeleteSession(ctx, HashSecret(token))
}

// RequestReset mails a password-reset link if the email has an account. It
// answers the same either way. Returns ERATELIMITED past the limits.
func (s *Service) RequestReset(ctx context.Context, email, ip string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	if _, err := person.NormalizeEmail(email); err != nil {
		return err
	}
	if err := s.allow(ctx, "reset:ip:"+addressKey(ip), limitResetPerIP); err != nil {
		return err
	}
	if err := s.allow(ctx, "reset:email:"+email, limitResetPerEmail); err != nil {
		return err
	}
	acc, _, err := s.Store.AccountByEmail(ctx, email)
	if samtal.ErrorCode(err) == samtal.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	return s.sendLink(ctx, acc, LinkReset, ResetLinkLifetime, "/reset/", "mail.reset")
}

// ResetPassword sets a new password with the secret from a reset link, ends
// every session of the account, voids its other links, and returns it. The link also proves the
// email, so an unverified account becomes verified. Returns ENOTFOUND for an
// unknown, used or expired link and EINVALID for a weak password, in which
// case the link stays usable.
func (s *Service) ResetPassword(ctx context.Context, secret, password string) (*Account, error) {
	if err := checkPassword(password); err != nil {
		return nil, err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	id, err := s.Store.ConsumeLink(ctx, HashSecret(secret), LinkReset, s.now(), hash)
	if err != nil {
		return nil, err
	}
	return s.Store.AccountByID(ctx, id)
}

// SignInWithLink uses a one-time sign-in link (made by `samtal user add`
// without a password) and returns the account.
func (s *Service) SignInWithLink(ctx context.Context, secret string) (*Account, error) {
	id, err := s.Store.ConsumeLink(ctx, HashSecret(secret), LinkSignIn, s.now(), "")
	if err != nil {
		return nil, err
	}
	return s.Store.AccountByID(ctx, id)
}

// Me returns the actor's account. Returns EUNAUTHORIZED for a visitor.
func (s *Service) Me(ctx context.Context) (*Account, error) {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(samtal.PermUseAccount); err != nil {
		return nil, err
	}
	return s.Store.AccountByID(ctx, a.AccountID)
}

// UpdateProfile changes the actor's own name and language.
func (s *Service) UpdateProfile(ctx context.Context, name, locale string) error {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(samtal.PermUseAccount); err != nil {
		return err
	}
	name, err := checkName(name)
	if err != nil {
		return err
	}
	if err := CheckLocale(locale); err != nil {
		return err
	}
	defer s.forget(a.AccountID, 0)
	return s.Store.UpdateProfile(ctx, a.AccountID, name, locale)
}

// ChangePassword sets the actor's password after checking the current one,
// and ends every other session of the account.
func (s *Service) ChangePassword(ctx context.Context, current, next, keepSessionHash string) error {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(samtal.PermUseAccount); err != nil {
		return err
	}
	acc, err := s.Store.AccountByID(ctx, a.AccountID)
	if err != nil {
		return err
	}
	_, hash, err := s.Store.AccountByEmail(ctx, acc.Email)
	if err != nil {
		return err
	}
	// An account made without a password (a one-time sign-in link) has no
	// current password to give.
	if hash != "" {
		if ok, _ := CheckPassword(hash, current); !ok {
			return samtal.FieldError("current_password", "error.password_wrong")
		}
	}
	if err := checkPassword(next); err != nil {
		return err
	}
	h, err := HashPassword(next)
	if err != nil {
		return err
	}
	if err := s.Store.SetPassword(ctx, a.AccountID, h, keepSessionHash); err != nil {
		return err
	}
	return s.auditStaff(ctx, "account.password_change", a.AccountID, nil)
}

// CreateToken makes a personal API token for the actor's own account; the
// secret is in the result once and never again.
func (s *Service) CreateToken(ctx context.Context, name string) (*APIToken, error) {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(samtal.PermUseAccount); err != nil {
		return nil, err
	}
	t, err := s.createToken(ctx, a.AccountID, name)
	if err != nil {
		return nil, err
	}
	// A staff token can do what the staff member can: worth a record.
	return t, s.auditStaff(ctx, "token.create", a.AccountID, map[string]any{"token_id": t.ID, "name": t.Name})
}

// auditStaff records an action on the actor's own account when the actor is
// staff; members' own settings are theirs alone.
func (s *Service) auditStaff(ctx context.Context, action string, accountID int64, after any) error {
	if !samtal.ActorFrom(ctx).Role.Staff() {
		return nil
	}
	return s.audit(ctx, audit.New(ctx, action, "account", accountID, nil, after))
}

func (s *Service) createToken(ctx context.Context, accountID int64, name string) (*APIToken, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, samtal.FieldError("name", "error.name_required")
	}
	if utf8.RuneCountInString(name) > MaxNameLen {
		return nil, samtal.FieldError("name", "error.too_long")
	}
	secret := "smt_" + newSecret(32)
	t := &APIToken{AccountID: accountID, Name: name, Secret: secret, CreatedAt: s.now()}
	if err := s.Store.CreateAPIToken(ctx, t, HashSecret(secret)); err != nil {
		return nil, err
	}
	return t, nil
}

// CreateTokenFor makes a token for the account with the given email; it is
// for admins and the CLI. Returns ENOTFOUND for an unknown email.
func (s *Service) CreateTokenFor(ctx context.Context, email, name string) (*APIToken, error) {
	if err := samtal.ActorFrom(ctx).Require(samtal.PermManageAccounts); err != nil {
		return nil, err
	}
	acc, _, err := s.Store.AccountByEmail(ctx, strings.ToLower(strings.TrimSpace(email)))
	if err != nil {
		return nil, err
	}
	t, err := s.createToken(ctx, acc.ID, name)
	if err != nil {
		return nil, err
	}
	return t, s.audit(ctx, audit.New(ctx, "token.create", "account", acc.ID, nil, map[string]any{"token_id": t.ID, "name": t.Name}))
}

// Tokens lists the actor's own tokens.
func (s *Service) Tokens(ctx context.Context) ([]*APIToken, error) {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(samtal.PermUseAccount); err != nil {
		return nil, err
	}
	return s.Store.ListAPITokens(ctx, a.AccountID)
}

// RevokeToken revokes one of the actor's own tokens. Returns ENOTFOUND for a
// token that is not theirs.
func (s *Service) RevokeToken(ctx context.Context, id int64) error {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(samtal.PermUseAccount); err != nil {
		return err
	}
	if err := s.Store.RevokeAPIToken(ctx, a.AccountID, id, s.now()); err != nil {
		return err
	}
	s.forget(0, id)
	return s.auditStaff(ctx, "token.revoke", a.AccountID, map[string]any{"token_id": id})
}

// AddUserInput is what an admin gives to create an account directly.
type AddUserInput struct {
	Email    string
	Name     string
	Role     samtal.Role
	Password string // empty: the result carries a one-time sign-in link
	Locale   string
}

// AddUser creates a verified account with any role (the CLI's `user add` and
// the admin pages). Without a password it returns a one-time sign-in link.
// Returns EFORBIDDEN unless the actor manages accounts, ECONFLICT for a
// taken email.
func (s *Service) AddUser(ctx context.Context, in AddUserInput) (*Account, string, error) {
	if err := samtal.ActorFrom(ctx).Require(samtal.PermManageAccounts); err != nil {
		return nil, "", err
	}
	email, err := person.NormalizeEmail(in.Email)
	if err != nil {
		return nil, "", err
	}
	name, err := checkName(in.Name)
	if err != nil {
		return nil, "", err
	}
	if !in.Role.Valid() {
		return nil, "", samtal.FieldError("role", "error.role_invalid")
	}
	if err := CheckLocale(in.Locale); err != nil {
		return nil, "", err
	}
	var hash string
	if in.Password != "" {
		if err := checkPassword(in.Password); err != nil {
			return nil, "", err
		}
		if hash, err = HashPassword(in.Password); err != nil {
			return nil, "", err
		}
	}
	e := audit.New(ctx, "account.create", "account", 0, nil, map[string]any{"email": email, "role": in.Role})
	acc, err := s.Store.CreateAccount(ctx, NewAccount{
		Email: email, Name: name, Role: in.Role, Locale: in.Locale, PasswordHash: hash, Verified: true,
		Identity: person.Identity{Kind: person.KindEmail, Value: email, Display: strings.TrimSpace(in.Email), Verified: true},
	}, &e)
	if samtal.ErrorCode(err) == samtal.ECONFLICT {
		return nil, "", &samtal.Error{Code: samtal.ECONFLICT, Message: "error.email_taken", Field: "email"}
	}
	if err != nil || in.Password != "" {
		return acc, "", err
	}
	secret := newSecret(32)
	now := s.now()
	if err := s.Store.CreateLinkToken(ctx, HashSecret(secret), LinkSignIn, acc.ID, now, now.Add(SignInLinkLifetime)); err != nil {
		return nil, "", err
	}
	return acc, s.BaseURL + "/signin/link/" + secret, nil
}

// ListAccounts lists accounts for those who manage them.
func (s *Service) ListAccounts(ctx context.Context, f Filter) ([]*Account, error) {
	if err := samtal.ActorFrom(ctx).Require(samtal.PermManageAccounts); err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 50
	}
	if f.Role != "" && !f.Role.Valid() {
		return nil, samtal.FieldError("role", "error.role_invalid")
	}
	return s.Store.ListAccounts(ctx, f)
}

// ChangeRole gives an account another role, audited with before and after.
// Returns EFORBIDDEN unless the actor manages accounts, EINVALID for an
// unknown role and ECONFLICT when it would leave no admin.
func (s *Service) ChangeRole(ctx context.Context, id int64, r samtal.Role) error {
	if err := samtal.ActorFrom(ctx).Require(samtal.PermManageAccounts); err != nil {
		return err
	}
	if !r.Valid() {
		return samtal.FieldError("role", "error.role_invalid")
	}
	acc, err := s.Store.AccountByID(ctx, id)
	if err != nil {
		return err
	}
	if acc.Role == r {
		return nil
	}
	// The store refuses to remove the last admin, inside its transaction.
	e := audit.New(ctx, "account.role_change", "account", id, map[string]any{"role": acc.Role}, map[string]any{"role": r})
	defer s.forget(id, 0)
	return s.Store.SetRole(ctx, id, r, e)
}
