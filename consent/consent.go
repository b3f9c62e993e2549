// Package consent keeps what each person agreed to, per purpose: given or
// withdrawn, when, through what, and the exact text they saw, kept as a
// version so that it can be shown as proof. Records are only ever appended;
// a person's current consent for a purpose is their newest record. Senders
// ask Service.Has before anything goes out for a purpose.
package consent

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"time"

	"github.com/samtal-dev/samtal/audit"
)

// The purposes people consent to.
const (
	IdeaEmails        = "idea_emails"        // emails about their ideas and what they follow
	AdvocateBriefings = "advocate_briefings" // briefings for advocates
	ContentReuse      = "content_reuse"      // reuse of what they wrote or made
	ResearchContact   = "research_contact"   // being contacted for research
)

// Purposes lists every purpose in display order.
var Purposes = []string{IdeaEmails, AdvocateBriefings, ContentReuse, ResearchContact}

// ValidPurpose reports whether p is one of the purposes.
func ValidPurpose(p string) bool { return slices.Contains(Purposes, p) }

// The channels a record came through. samtal's own pages and links name
// theirs; staff name where they gathered a consent elsewhere.
const (
	ChannelSettings  = "settings"   // the person's settings page
	ChannelSignup    = "signup"     // the sign-up form, recorded when the email is confirmed
	ChannelEmailLink = "email_link" // the unsubscribe link of a mail
	ChannelAPI       = "api"
	ChannelImport    = "import"
	ChannelEmail     = "email" // a reply by email
	ChannelPhone     = "phone"
	ChannelPaper     = "paper" // a signed form
	ChannelEvent     = "event" // in person, at an event
)

// OutsideChannels are the channels staff may name for consent gathered
// outside samtal; samtal's own (settings, signup, email_link) cannot be
// claimed through the API.
var OutsideChannels = []string{ChannelAPI, ChannelImport, ChannelEmail, ChannelPhone, ChannelPaper, ChannelEvent}

// Limits.
const (
	MaxTextLen   = 20000 // characters of one text
	DefaultLimit = 30
	MaxLimit     = 100
)

// Text is one version of a consent text: what a person read when they
// agreed or withdrew. Texts are kept whole and never changed; a body is
// stored once per purpose and language (found again by its SHA-256).
type Text struct {
	ID      int64
	Purpose string
	Lang    string // "" when not known (a text recorded from elsewhere)
	Version int    // 1, 2, … per purpose and language
	Body    string
	SHA256  string // hex of the body's SHA-256
	// PublishedAt is when an admin last made it the text samtal shows; zero
	// for a text that was only recorded (what someone saw elsewhere).
	PublishedAt time.Time
	CreatedAt   time.Time
	// CreatedBy is the person who published or recorded it first.
	CreatedBy int64
}

// Published reports whether samtal ever showed this text itself.
func (t *Text) Published() bool { return !t.PublishedAt.IsZero() }

// Hash returns the hex SHA-256 of a text body, its key for de-duplication.
func Hash(body string) string {
	sum := sha256.Sum256([]byte(body))
	return hex.EncodeToString(sum[:])
}

// Record is one consent given or withdrawn. It is never changed; only
// erasure removes it.
type Record struct {
	ID       int64
	PersonID int64
	Purpose  string
	Given    bool
	// TextID is the text version the person saw; 0 for a withdrawal made
	// without one.
	TextID int64
	Text   *Text // filled in on reads
	// Channel says through what it came (ChannelSettings, …).
	Channel string
	// IdentityID is the identity it came through, if known: an unmerge
	// sends the record back with its identity.
	IdentityID int64
	// ActorPersonID is who recorded it: the person themself, or a staff
	// member recording consent gathered elsewhere (0: the system).
	ActorPersonID int64
	CreatedAt     time.Time
}

// Status is a person's current consent for one purpose.
type Status struct {
	Purpose string
	Given   bool
	// Record is the newest record, which decides; nil when there is none
	// (no consent).
	Record *Record
}

// Subject is what the rules need to know of a person.
type Subject struct {
	ID         int64
	Locale     string
	MergedInto int64
	Erased     bool
}

// Offer is a consent ticked on the sign-up form, kept until the email is
// confirmed.
type Offer struct {
	AccountID int64
	Purpose   string
	TextID    int64
	CreatedAt time.Time
}

// Cursor is a position in a person's history: records before it, newest
// first.
type Cursor struct {
	At int64 // Unix milliseconds
	ID int64
}

// Store keeps texts and records.
type Store interface {
	// Subject returns a person's state; ENOTFOUND if there is none.
	Subject(ctx context.Context, personID int64) (*Subject, error)
	// IdentityOwner returns the person an identity belongs to; ENOTFOUND
	// if there is no such identity.
	IdentityOwner(ctx context.Context, identityID int64) (int64, error)
	// AccountPerson returns the person of an account and the identity it
	// signs in with (0 if none); ENOTFOUND if there is no such account.
	AccountPerson(ctx context.Context, accountID int64) (personID, identityID int64, err error)

	// Records returns a person's records with their texts, newest first,
	// before the cursor (nil: from the newest).
	Records(ctx context.Context, personID int64, before *Cursor, limit int) ([]Record, error)
	// Current returns the newest record of each purpose a person has
	// records for, with texts.
	Current(ctx context.Context, personID int64) ([]Record, error)
	// Has reports whether a person's newest record for purpose gives it.
	Has(ctx context.Context, personID int64, purpose string) (bool, error)
	// Consenting returns those of personIDs whose newest record for
	// purpose gives it.
	Consenting(ctx context.Context, purpose string, personIDs []int64) ([]int64, error)
	// AddRecord appends r and its audit entry in one transaction and sets
	// r.ID.
	AddRecord(ctx context.Context, r *Record, e audit.Entry) error

	// EnsureText returns the text with t's purpose, language and hash,
	// storing t as the next version if there is none, and sets t.ID,
	// t.Version and t.CreatedAt either way.
	EnsureText(ctx context.Context, t *Text) error
	// PublishText makes a stored text the current one of its purpose and
	// language (published_at = at), with the audit entry.
	PublishText(ctx context.Context, textID int64, at time.Time, e audit.Entry) error
	// TextByID returns a text; ENOTFOUND if there is none.
	TextByID(ctx context.Context, id int64) (*Text, error)
	// CurrentText returns the last published text of a purpose in lang;
	// ENOTFOUND if none was published.
	CurrentText(ctx context.Context, purpose, lang string) (*Text, error)
	// Texts returns every text, newest first (the admin page).
	Texts(ctx context.Context) ([]Text, error)

	// SetOffers replaces an account's sign-up offers with these.
	SetOffers(ctx context.Context, accountID int64, offers []Offer) error
	// ConfirmOffers turns an account's offers into records of its person
	// (channel signup, through the account's identity) and deletes them, in
	// one transaction with e, whose After the store fills with what it
	// recorded. Returns the records.
	ConfirmOffers(ctx context.Context, accountID int64, at time.Time, e audit.Entry) ([]Record, error)
}
