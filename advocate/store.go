package advocate

import (
	"context"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/outbox"
)

// The states of a person in the advocate group. Staff invite; the person
// accepts (active) or declines; staff remove, or an advocate leaves. A
// declined invitation and leaving are the person's word: staff cannot
// invite them again. After a removal staff can.
const (
	StateInvited  = "invited"
	StateActive   = "active"
	StateDeclined = "declined"
	StateLeft     = "left"
	StateRemoved  = "removed"
)

// States lists the states, current ones first.
var States = []string{StateActive, StateInvited, StateDeclined, StateLeft, StateRemoved}

// Member is a person's place in the advocate group.
type Member struct {
	PersonID   int64
	Name       string
	Locale     string
	State      string
	InvitedAt  time.Time
	InvitedBy  int64 // the staff member's person; 0: the system
	AnsweredAt time.Time
	JoinedAt   time.Time
	RemovedAt  time.Time
	RemovedBy  int64
}

// Current reports whether the member is in the group or invited to it.
func (m *Member) Current() bool { return m.State == StateInvited || m.State == StateActive }

// Subject is what the rules need to know of a person.
type Subject struct {
	PersonID   int64
	Name       string
	Locale     string // the account's language, else the person's
	Bot        bool
	MergedInto int64
	Erased     bool
	// The account the person signs in with (the oldest, if a merge gave
	// them two); zero without one.
	AccountID  int64
	IdentityID int64
	Email      string
	Role       samtal.Role
}

// Candidate is a person who would make a good advocate, with their score
// (decayed to the moment of the listing).
type Candidate struct {
	PersonID int64
	Name     string
	Locale   string
	Score    Score
	// Rank is the stored rank key (RankKey), the listing's order.
	Rank float64
}

// CandidateCursor is a place in the list of candidates: after the one with
// this rank key and person id.
type CandidateCursor struct {
	Rank     float64
	PersonID int64
}

// The states of a briefing: written and changed as a draft, then sent once.
const (
	Draft = "draft"
	Sent  = "sent"
)

// Briefing is facts for the advocates.
type Briefing struct {
	ID        int64
	Title     string
	Body      string // Markdown, as written
	BodyHTML  string // rendered once when written (markup.Render)
	State     string
	CreatedBy int64
	CreatedAt time.Time
	UpdatedAt time.Time
	SentAt    time.Time
	SentBy    int64
	// Mailed is how many advocates it was mailed to; HeldBack how many
	// were in the group but got no mail (no consent, no email).
	Mailed   int
	HeldBack int
	// Read is how many people read it on the site (filled on reads).
	Read int
}

// Recipient is one person who got a briefing by mail, or read it on the
// site, or both.
type Recipient struct {
	BriefingID int64
	PersonID   int64
	Name       string
	MailID     int64     // 0: not mailed
	MailState  string    // the outbox state (kept, queued, sent, failed); "" without a mail
	QueuedAt   time.Time // when the mail went into the outbox
	SentAt     time.Time // when the mail server took it
	ReadAt     time.Time // the first time they opened it on the site
}

// Delivery is a briefing mail for one advocate, as the send stores it.
type Delivery struct {
	PersonID        int64
	Mail            *outbox.Mail
	UnsubscribeHash string
}

// Store keeps scores, the group and briefings.
type Store interface {
	// Subject returns what the rules need of a person; ENOTFOUND if there
	// is none.
	Subject(ctx context.Context, personID int64) (*Subject, error)

	// MarkScoresDue marks for scoring every person with news since the
	// job's last run (their ideas, comments, votes, status changes of
	// their ideas, follows of their ideas, merges) and those whose score
	// is older than staleBefore, and moves the marks on, in one
	// transaction. Returns how many were marked.
	MarkScoresDue(ctx context.Context, now, staleBefore time.Time) (int, error)
	// DueScores returns up to limit persons marked for scoring.
	DueScores(ctx context.Context, limit int) ([]int64, error)
	// Activities returns the scored things of personIDs since the given
	// time, and which of them may have a score at all (not bots, not
	// merged, not erased).
	Activities(ctx context.Context, personIDs []int64, since time.Time) (acts []Activity, scorable map[int64]bool, err error)
	// SaveScores stores scores, deletes those of drop, and unmarks done,
	// in one transaction.
	SaveScores(ctx context.Context, scores []Score, drop, done []int64) error
	// ScoreOf returns a person's stored score; ENOTFOUND if there is none.
	ScoreOf(ctx context.Context, personID int64) (*Score, error)
	// Candidates returns persons with an account, no staff role, no place
	// in the group ever, and a rank key of at least minRank, best first,
	// after the cursor (nil: from the best).
	Candidates(ctx context.Context, minRank float64, after *CandidateCursor, limit int) ([]Candidate, error)

	// Member returns a person's place in the group; ENOTFOUND if they
	// never had one.
	Member(ctx context.Context, personID int64) (*Member, error)
	// Members returns the members in the given states, by person id
	// descending, below afterID (0: from the top).
	Members(ctx context.Context, states []string, afterID int64, limit int) ([]Member, error)
	// Invite stores m (state invited) if the person has no place in the
	// group or was removed (prev is the state read before, "" for none),
	// and queues the invitation mail, with e, in one transaction. Returns
	// ECONFLICT if the state changed meanwhile.
	Invite(ctx context.Context, m *Member, prev string, invitation *outbox.Mail, e audit.Entry) error
	// SetState moves a member from state from to m.State with its times,
	// with e, in one transaction. Returns ECONFLICT if the member is not
	// in state from any more.
	SetState(ctx context.Context, m *Member, from string, e audit.Entry) error
	// Addressees returns the active advocates who are no bots, not merged,
	// not erased and have an account, with its email and language.
	Addressees(ctx context.Context) ([]Subject, error)
	// ActiveCount returns how many advocates are active.
	ActiveCount(ctx context.Context) (int, error)

	CreateBriefing(ctx context.Context, b *Briefing, e audit.Entry) error
	// UpdateBriefing stores b's title and body if it is still a draft;
	// ECONFLICT if it was sent.
	UpdateBriefing(ctx context.Context, b *Briefing, e audit.Entry) error
	// BriefingByID returns a briefing with its read count; ENOTFOUND if
	// there is none.
	BriefingByID(ctx context.Context, id int64) (*Briefing, error)
	// Briefings returns briefings by id descending below beforeID (0: from
	// the newest): all of them, or only sent ones, or only those a person
	// received (forPerson != 0).
	Briefings(ctx context.Context, sentOnly bool, forPerson int64, beforeID int64, limit int) ([]Briefing, error)
	// SendBriefing marks a draft sent and stores its mails and deliveries,
	// with e, in one transaction; the mails get their ids. ECONFLICT if it
	// is not a draft any more.
	SendBriefing(ctx context.Context, b *Briefing, deliveries []Delivery, e audit.Entry) error
	// Recipients returns the recipients of a briefing by person id, above
	// afterID.
	Recipients(ctx context.Context, briefingID, afterID int64, limit int) ([]Recipient, error)
	// Recipient returns one person's recipient row; ENOTFOUND if there is
	// none.
	Recipient(ctx context.Context, briefingID, personID int64) (*Recipient, error)
	// RecordRead records that a person opened a briefing at, unless they
	// did before. Returns whether this was the first time.
	RecordRead(ctx context.Context, briefingID, personID int64, at time.Time) (bool, error)
	// RecipientByUnsubscribe returns the recipient row of an unsubscribe
	// secret's hash; ENOTFOUND if none has it.
	RecipientByUnsubscribe(ctx context.Context, hash string) (*Recipient, error)
}
