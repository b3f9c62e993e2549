// Package samtal holds what every part of samtal shares: the error codes that
// the web layer maps to HTTP statuses in one place, the roles and the one table
// of who may do what, and the acting account carried in a context.
//
// The domains live in sub-packages (account, person, audit, …); storage lives
// in sqlstore; HTTP in web; background work in jobs. See docs/design.md.
package samtal

import (
	"context"
	"errors"
	"fmt"
)

// Error codes. Each maps to one HTTP status in web/errors.go.
const (
	ECONFLICT     = "conflict"           // the request conflicts with current state (409)
	EINTERNAL     = "internal"           // something went wrong on our side (500)
	EINVALID      = "invalid"            // a field is invalid (422)
	EMALFORMED    = "malformed"          // the request could not be read (400)
	EMETHOD       = "method_not_allowed" // the path exists, the method does not (405)
	ENOTFOUND     = "not_found"          // no such thing, or the caller may not know it exists (404)
	EUNAUTHORIZED = "unauthorized"       // the caller must sign in (401)
	EFORBIDDEN    = "forbidden"          // signed in, but not allowed (403)
	ETOOLARGE     = "too_large"          // the body is over its limit (413)
	ERATELIMITED  = "rate_limited"       // too many attempts; try again later (429)
	EUNAVAILABLE  = "unavailable"        // a dependency is down (503)
)

// Error is an error a user may see: a code, a readable message (a message
// catalog key where the web layer can translate it) and the field it is about.
// Data fills the key's {{.Name}} placeholders, so that a message with values
// in it (a position, an example) is still said in the reader's language.
type Error struct {
	Code    string
	Message string
	Field   string
	Data    map[string]any
	// RetryAfter is set on ERATELIMITED: seconds until a new attempt may pass.
	RetryAfter int
}

// Error implements the error interface.
func (e *Error) Error() string {
	msg := e.Message
	if len(e.Data) > 0 {
		msg += fmt.Sprint(" ", e.Data) // keeps the values in logs
	}
	if e.Field != "" {
		return fmt.Sprintf("samtal: %s (%s): %s", e.Code, e.Field, msg)
	}
	return fmt.Sprintf("samtal: %s: %s", e.Code, msg)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EINVALID error about one field.
func FieldError(field, message string) *Error {
	return &Error{Code: EINVALID, Message: message, Field: field}
}

// ErrorCode returns the code of err, or EINTERNAL for errors that are not an
// *Error (those never reach a user as they are).
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err; internal errors get a
// generic message so that no SQL or stack detail leaks.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "error.internal"
}

// Role is an account's role. Members are the community; the others are staff.
type Role string

// The roles, from the community to the administrators.
const (
	RoleMember    Role = "member"
	RoleAgent     Role = "agent"
	RoleModerator Role = "moderator"
	RoleAnalyst   Role = "analyst"
	RoleAdmin     Role = "admin"
)

// Roles lists every role in display order.
var Roles = []Role{RoleMember, RoleAgent, RoleModerator, RoleAnalyst, RoleAdmin}

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Staff reports whether r is a staff role (everything but member).
func (r Role) Staff() bool { return r.Valid() && r != RoleMember }

// Permission names something an account may do.
type Permission string

// The permissions. Later capabilities add theirs here and to the table below.
const (
	PermUseAccount     Permission = "account.use"      // own profile, settings, tokens
	PermContribute     Permission = "ideas.contribute" // post ideas, vote
	PermViewStaffArea  Permission = "staff.view"       // the staff pages
	PermViewPeople     Permission = "people.view"      // persons and their identities
	PermManageAccounts Permission = "accounts.manage"  // list accounts, change roles
	PermReadAudit      Permission = "audit.read"       // the audit log
	PermReadOutbox     Permission = "outbox.read"      // mails kept in the outbox
	PermModerate       Permission = "moderation.act"   // hide and restore contributions
	PermAnswer         Permission = "inbox.answer"     // answer in the inbox
	PermReadInsights   Permission = "insights.read"    // dashboards and digests
)

// PermManageCampaigns runs campaigns: create and edit them, their questions
// and invitations. Its own permission rather than PermModerate: running
// campaigns and moderating people are different duties that happen to fall
// to the same roles today.
const PermManageCampaigns Permission = "campaigns.manage"

// The people permissions: changing persons (notes, tags, identities,
// merges), taking lists of them out as CSV, and answering a person's request
// for their archive or their erasure.
const (
	PermEditPeople   Permission = "people.edit"
	PermExportPeople Permission = "people.export"
	PermErasePeople  Permission = "people.erase"
)

// PermPublishConsentTexts publishes the texts people read when they give or
// withdraw consent: what the organisation asks for is the admin's word.
const PermPublishConsentTexts Permission = "consent.texts"

// The listening permissions: every staff member reads mentions; those who
// answer or moderate work through them; those who shape what is heard
// manage sources and topics.
const (
	PermViewMentions    Permission = "mentions.view"
	PermTriageMentions  Permission = "mentions.triage"
	PermManageListening Permission = "listening.manage"
)

// permissions is the one table of who may do what. Every route, page, API call,
// job and CLI verb asks Can; nothing else decides.
var permissions = map[Permission][]Role{
	PermUseAccount:     {RoleMember, RoleAgent, RoleModerator, RoleAnalyst, RoleAdmin},
	PermContribute:     {RoleMember, RoleAgent, RoleModerator, RoleAnalyst, RoleAdmin},
	PermViewStaffArea:  {RoleAgent, RoleModerator, RoleAnalyst, RoleAdmin},
	PermViewPeople:     {RoleAgent, RoleModerator, RoleAnalyst, RoleAdmin},
	PermModerate:       {RoleModerator, RoleAdmin},
	PermAnswer:         {RoleAgent, RoleAdmin},
	PermReadInsights:   {RoleAnalyst, RoleAdmin},
	PermManageAccounts: {RoleAdmin},
	PermReadAudit:      {RoleAdmin},
	PermReadOutbox:     {RoleAdmin},

	PermManageCampaigns: {RoleModerator, RoleAdmin},

	PermEditPeople:   {RoleAgent, RoleModerator, RoleAdmin},
	PermExportPeople: {RoleAnalyst, RoleAdmin},
	PermErasePeople:  {RoleAdmin},

	PermPublishConsentTexts: {RoleAdmin},

	PermViewMentions:    {RoleAgent, RoleModerator, RoleAnalyst, RoleAdmin},
	PermTriageMentions:  {RoleAgent, RoleModerator, RoleAdmin},
	PermManageListening: {RoleModerator, RoleAnalyst, RoleAdmin},
}

// Can reports whether role r holds permission p.
func Can(r Role, p Permission) bool {
	for _, x := range permissions[p] {
		if x == r {
			return true
		}
	}
	return false
}

// Actor is who is acting: an account with its role, or nobody (a visitor).
// The CLI acts as an admin with Via "cli".
type Actor struct {
	AccountID int64
	PersonID  int64
	// IdentityID is the identity the account signs in with: what the actor
	// writes carries it, so that an unmerge sends it back with its identity.
	IdentityID int64
	Role       Role
	// Via says how the actor came in ("session", "token", "cli", "job"), and IP
	// from where; both go into the audit log.
	Via string
	IP  string
}

// SignedIn reports whether the actor is an account (or the system).
func (a Actor) SignedIn() bool { return a.AccountID != 0 || a.Via == "cli" }

// Can reports whether the actor holds permission p.
func (a Actor) Can(p Permission) bool { return a.SignedIn() && Can(a.Role, p) }

// Require returns EUNAUTHORIZED for a visitor, EFORBIDDEN for an account
// without permission p, and nil otherwise.
func (a Actor) Require(p Permission) error {
	if !a.SignedIn() {
		return &Error{Code: EUNAUTHORIZED, Message: "error.signin_required"}
	}
	if !Can(a.Role, p) {
		return &Error{Code: EFORBIDDEN, Message: "error.forbidden"}
	}
	return nil
}

type actorKey struct{}

// WithActor returns a context that carries the actor.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, or a visitor.
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}
