// Package privacy answers a person's rights over what samtal holds about
// them: the archive of everything (export) and erasure. The member asks for
// their own from their settings or the API; an admin answers a request for
// anyone. The rules (who, what goes into an archive, when an erasure is
// refused) are here; sqlstore reads and erases (sqlstore/privacy.go). See
// docs/design.md, "Export and erasure".
package privacy

import (
	"context"
	"strconv"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/audit"
)

// PermAnswer is the permission to export and erase anyone, for a request:
// the admin's, who answers for the organisation.
const PermAnswer = samtal.PermErasePeople

// Subject is the person an archive or an erasure is about, with their
// account if they have one, and the persons merged into them (the same
// human, found under other identities).
type Subject struct {
	PersonID  int64
	Name      string
	Locale    string
	Location  string
	Languages string
	Avatar    string
	Bot       bool
	CreatedAt time.Time
	UpdatedAt time.Time
	// MergedInto is set when this person was merged into another: the
	// other holds everything now.
	MergedInto int64
	Erased     bool

	Identities []Identity
	Tags       []string
	Account    *Account
	// Merged are the persons merged into this one, at any depth.
	Merged []MergedPerson
}

// PersonIDs returns the subject's id and those of the persons merged into them.
func (s *Subject) PersonIDs() []int64 {
	ids := []int64{s.PersonID}
	for _, m := range s.Merged {
		ids = append(ids, m.ID)
	}
	return ids
}

// Identity is one identity as the archive shows it.
type Identity struct {
	Kind      string    `json:"kind"`
	Network   string    `json:"network,omitempty"`
	Value     string    `json:"value"`
	Display   string    `json:"display,omitempty"`
	Verified  bool      `json:"verified"`
	Source    string    `json:"source,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Account is the account as the archive shows it: no password hash, no
// token hashes, no unsubscribe secret.
type Account struct {
	ID              int64       `json:"-"`
	Email           string      `json:"email"`
	Handle          string      `json:"handle,omitempty"`
	Role            samtal.Role `json:"role"`
	Locale          string      `json:"locale,omitempty"`
	NotifyEmail     string      `json:"notify_email"`
	EmailVerifiedAt *time.Time  `json:"email_verified_at,omitempty"`
	CreatedAt       time.Time   `json:"created_at"`
	HasPassword     bool        `json:"has_password"`
}

// MergedPerson is a person merged into the subject.
type MergedPerson struct {
	ID        int64     `json:"id,string"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// Store reads what an archive holds and erases a person.
type Store interface {
	// Subject returns the person with identities, tags, account and the
	// persons merged into them. Returns ENOTFOUND.
	Subject(ctx context.Context, personID int64) (*Subject, error)
	// PasswordHash returns the account's password hash ("" when it has
	// none).
	PasswordHash(ctx context.Context, accountID int64) (string, error)
	// Each calls fn with every record of one kind about the subject, in
	// a stable order. It reads in batches by key, so that neither the
	// store nor the caller ever holds more than one batch, and no cursor
	// stays open while fn writes to a slow client.
	Each(ctx context.Context, s *Subject, kind string, fn func(record any) error) error
	// EachUpload calls fn with every upload the subject owns, one at a
	// time with its bytes.
	EachUpload(ctx context.Context, s *Subject, fn func(u Upload, data []byte) error) error
	// Erase removes or anonymises everything personal about the subject
	// and the persons merged into them, in one transaction with e.
	// Returns ECONFLICT if they were erased meanwhile, or if the subject
	// is the last admin.
	Erase(ctx context.Context, s *Subject, at time.Time, e audit.Entry) error
	// AppendAudit appends an entry.
	AppendAudit(ctx context.Context, e audit.Entry) (int64, error)
}

// Limiter counts attempts (sqlstore.Limiter).
type Limiter interface {
	Allow(ctx context.Context, key string, limit int, window time.Duration) (ok bool, wait time.Duration, err error)
}

// Service holds the rules of export and erasure.
type Service struct {
	Store Store
	// Limiter bounds wrong passwords on self-erasure (optional).
	Limiter Limiter
	Now     func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

var (
	errNotFound = &samtal.Error{Code: samtal.ENOTFOUND, Message: "error.not_found"}
	errErased   = &samtal.Error{Code: samtal.ECONFLICT, Message: "privacy.error_erased"}
	errMerged   = &samtal.Error{Code: samtal.ECONFLICT, Message: "privacy.error_merged"}
)

// limitErase bounds password attempts on self-erasure per person.
var limitErase = struct {
	n      int
	window time.Duration
}{5, 15 * time.Minute}

// subject returns the person id is about if the actor may act on them:
// themselves (self true), or anyone for an admin. A member asking about
// someone else gets ENOTFOUND, as for what they may not know exists; a
// visitor EUNAUTHORIZED. Returns ECONFLICT for an erased or merged-away
// person.
func (s *Service) subject(ctx context.Context, id int64) (sub *Subject, self bool, err error) {
	a := samtal.ActorFrom(ctx)
	if err := a.Require(samtal.PermUseAccount); err != nil {
		return nil, false, err
	}
	self = a.PersonID != 0 && a.PersonID == id
	if !self && !a.Can(PermAnswer) {
		return nil, false, errNotFound
	}
	sub, err = s.Store.Subject(ctx, id)
	if err != nil {
		return nil, false, err
	}
	if sub.Erased {
		return nil, false, errErased
	}
	if sub.MergedInto != 0 {
		return nil, false, errMerged
	}
	return sub, self, nil
}

// Erase erases person id: everything personal about them, and about the
// persons merged into them, is removed or anonymised; what they wrote in
// the community stays, shown as by "a former member". It cannot be undone.
// A member erases themselves and confirms with their password; an admin
// erases anyone for a request, without one. The audit entry names the
// person's id only.
//
// Returns EUNAUTHORIZED for a visitor, ENOTFOUND for a person the caller
// may not erase or that does not exist, EINVALID on "password" for a wrong
// or missing password (ECONFLICT when the account has none to give),
// ERATELIMITED after repeated wrong passwords, and ECONFLICT for a person
// erased already, merged into another, or the last admin.
func (s *Service) Erase(ctx context.Context, id int64, password string) error {
	sub, self, err := s.subject(ctx, id)
	if err != nil {
		return err
	}
	if self {
		if err := s.confirm(ctx, sub, password); err != nil {
			return err
		}
	}
	e := audit.New(ctx, "person.erase", "person", id, nil,
		map[string]any{"persons": len(sub.PersonIDs()), "by": map[bool]string{true: "self", false: "staff"}[self]})
	if self {
		// The address a member erased themselves from is theirs too.
		e.IP = ""
	}
	return s.Store.Erase(ctx, sub, s.now(), e)
}

// confirm checks the password of a member erasing themselves.
func (s *Service) confirm(ctx context.Context, sub *Subject, password string) error {
	if sub.Account == nil {
		return errNotFound
	}
	if s.Limiter != nil {
		ok, wait, err := s.Limiter.Allow(ctx, "erase:person:"+strconv.FormatInt(sub.PersonID, 10), limitErase.n, limitErase.window)
		if err != nil {
			return err
		}
		if !ok {
			return &samtal.Error{Code: samtal.ERATELIMITED, Message: "error.rate_limited", RetryAfter: int(wait.Seconds()) + 1}
		}
	}
	hash, err := s.Store.PasswordHash(ctx, sub.Account.ID)
	if err != nil {
		return err
	}
	if hash == "" {
		// An account made by a one-time link has no password to confirm
		// with; it sets one first.
		return &samtal.Error{Code: samtal.ECONFLICT, Message: "privacy.error_no_password", Field: "password"}
	}
	if password == "" {
		return samtal.FieldError("password", "privacy.error_password_required")
	}
	if ok, _ := account.CheckPassword(hash, password); !ok {
		return samtal.FieldError("password", "privacy.error_password_wrong")
	}
	return nil
}

// Subject returns a person as the admin's privacy page shows them (erased
// or not). Admins only: EUNAUTHORIZED, EFORBIDDEN, or ENOTFOUND.
func (s *Service) Subject(ctx context.Context, id int64) (*Subject, error) {
	if err := samtal.ActorFrom(ctx).Require(PermAnswer); err != nil {
		return nil, err
	}
	return s.Store.Subject(ctx, id)
}
