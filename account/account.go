// Package account is about persons who sign in: sign-up with email
// verification, sign-in and sessions, password reset, personal API tokens,
// profile settings and roles. Every rule, authorisation included, is here so
// that pages, the API and the CLI share it.
package account

import (
	"context"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/person"
)

// Account is a person who signs in.
type Account struct {
	ID              int64
	PersonID        int64
	IdentityID      int64 // the email identity the account signs in with
	Email           string
	Name            string // the person's name
	Role            samtal.Role
	Locale          string // "" means: follow the browser
	EmailVerifiedAt time.Time
	CreatedAt       time.Time
	// Handle names the account in @mentions ("" until backfilled).
	Handle string
	// NotifyEmail is the notification mail the member wants: NotifyOff,
	// NotifyImmediate or NotifyDaily.
	NotifyEmail string
	// Unread counts the account's unread notifications; it comes with the
	// session lookup, so the page header shows it without a query.
	Unread int
}

// Verified reports whether the account's email address is confirmed.
func (a *Account) Verified() bool { return !a.EmailVerifiedAt.IsZero() }

// Session is a signed-in browser. Token is the cookie value; only its hash is
// stored, so Token is set only when the session is created.
type Session struct {
	Token     string
	Hash      string
	AccountID int64
	CSRFToken string
	CreatedAt time.Time
	LastSeen  time.Time
	ExpiresAt time.Time
	IP        string
	UserAgent string
	// Refreshed is set when Authenticate slid the expiry forward, so that the
	// cookie can slide with it.
	Refreshed bool
}

// APIToken is a personal access token. Secret is set only when it is created.
type APIToken struct {
	ID         int64
	AccountID  int64
	Name       string
	Secret     string
	CreatedAt  time.Time
	LastUsedAt time.Time
	RevokedAt  time.Time
}

// The purposes of the links sent by mail.
const (
	LinkVerify = "verify"
	LinkReset  = "reset"
	LinkSignIn = "signin"
)

// Filter narrows a listing of accounts.
type Filter struct {
	Role    samtal.Role
	Query   string // matches email or name
	AfterID int64
	Limit   int
}

// NewAccount is what CreateAccount stores: the account, the name of its
// person and the email identity it signs in with.
type NewAccount struct {
	Email        string
	Name         string
	Role         samtal.Role
	Locale       string
	PasswordHash string
	Verified     bool
	Identity     person.Identity
}

// Store keeps accounts, sessions and tokens. Methods return ENOTFOUND for a
// missing record and ECONFLICT for a taken email.
type Store interface {
	// CreateAccount creates the account, and its person unless the email
	// identity already belongs to one, in one transaction with the audit entry
	// (if any).
	CreateAccount(ctx context.Context, n NewAccount, e *audit.Entry) (*Account, error)
	AccountByID(ctx context.Context, id int64) (*Account, error)
	AccountByEmail(ctx context.Context, email string) (*Account, string, error) // and the password hash
	ListAccounts(ctx context.Context, f Filter) ([]*Account, error)
	UpdateProfile(ctx context.Context, id int64, name, locale string) error
	SetPassword(ctx context.Context, id int64, hash string, keepSessionHash string) error
	// SetRole changes the role with its audit entry; ECONFLICT when it would
	// leave no admin.
	SetRole(ctx context.Context, id int64, r samtal.Role, e audit.Entry) error
	// ReplaceUnverified sets a new name and password on an account whose
	// email is unconfirmed, voiding its sessions and links; ENOTFOUND if it is
	// confirmed.
	ReplaceUnverified(ctx context.Context, id int64, name, hash string, now time.Time) error

	CreateSession(ctx context.Context, s *Session) error
	SessionByHash(ctx context.Context, hash string, now time.Time) (*Session, *Account, error)
	TouchSession(ctx context.Context, hash string, seen, expires time.Time) error
	DeleteSession(ctx context.Context, hash string) error

	CreateAPIToken(ctx context.Context, t *APIToken, hash string) error
	AccountByAPITokenHash(ctx context.Context, hash string) (*Account, *APIToken, error)
	TouchAPIToken(ctx context.Context, id int64, at time.Time) error
	ListAPITokens(ctx context.Context, accountID int64) ([]*APIToken, error)
	RevokeAPIToken(ctx context.Context, accountID, id int64, at time.Time) error

	CreateLinkToken(ctx context.Context, hash, purpose string, accountID int64, now, expires time.Time) error
	// ConsumeLink uses a link once and confirms the account's email; with a
	// password hash it also sets the password, ends every session and voids
	// the other links, all in one transaction. Returns the account, or
	// ENOTFOUND if the link does not exist, has expired, or was used before.
	ConsumeLink(ctx context.Context, hash, purpose string, now time.Time, newPasswordHash string) (int64, error)

	HandleStore
}

// Limiter counts attempts per key in a fixed window, across every node.
type Limiter interface {
	// Allow records one hit on key and reports whether it is within limit,
	// and if not, how long until the window resets.
	Allow(ctx context.Context, key string, limit int, window time.Duration) (bool, time.Duration, error)
}

// Mailer queues a mail in the outbox.
type Mailer interface {
	Queue(ctx context.Context, to, subject, text string) error
}

// SignUpConsents keeps the consents a visitor ticks on the sign-up form
// until the email is confirmed (consent.Service): only then is it known
// whose consent it is.
type SignUpConsents interface {
	// CheckOffers returns EINVALID unless the ids are consent texts the
	// sign-up form may offer.
	CheckOffers(ctx context.Context, textIDs []int64) error
	// Offer keeps them for the account, replacing earlier ones.
	Offer(ctx context.Context, accountID int64, textIDs []int64) error
	// Confirm records them as the account's person's consent.
	Confirm(ctx context.Context, accountID int64) error
}

// Translator gives a message of the catalogs in a language.
type Translator interface {
	T(lang, id string, data map[string]any) string
}
