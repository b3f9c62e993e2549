// Package notify tells people what happened to the ideas they follow: new
// comments, replies to their comments, @mentions, status changes, merges and
// moderation. It hears idea.Events, fans an event out to the right people
// (in a job when a queue is wired), keeps their notifications for the page
// and the API, and mails them at once or in a daily digest.
package notify

import (
	"context"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/campaign"
)

// The kinds of notification. A person gets at most one per event: the
// most personal kind wins (a mention over a reply over a comment).
const (
	KindComment       = "comment"        // a comment on an idea one follows
	KindReply         = "reply"          // a reply to one's comment
	KindMention       = "mention"        // one's @handle in a comment
	KindStatus        = "status"         // a status change of a followed or voted idea
	KindMerged        = "merged"         // one's idea or vote went into another idea
	KindUnmerged      = "unmerged"       // that merge was undone
	KindIdeaHidden    = "idea_hidden"    // a moderator hid one's idea
	KindCommentHidden = "comment_hidden" // a moderator hid one's comment
)

// The states of a notification's mail.
const (
	EmailNone    = "none"    // the person wanted no mail
	EmailPending = "pending" // to be mailed (at once, or with the next digest)
	EmailSent    = "sent"
)

// MaxMentions is how many @handles of one comment are notified.
const MaxMentions = 10

// Data is what a notification's text needs, kept as it was when it
// happened, so that it is written in the reader's language when read.
type Data struct {
	IdeaTitle string `json:"idea_title,omitempty"`
	ActorName string `json:"actor_name,omitempty"`
	Status    string `json:"status,omitempty"`
	Note      string `json:"note,omitempty"`
	IntoID    int64  `json:"into_id,omitempty"`
	IntoTitle string `json:"into_title,omitempty"`
	Excerpt   string `json:"excerpt,omitempty"`
}

// Notification is one thing one person is told.
type Notification struct {
	ID            int64
	PersonID      int64
	Kind          string
	IdeaID        int64
	CommentID     int64
	ActorPersonID int64
	Data          Data
	// EventKey names the event, so that a retried fan-out adds nothing.
	EventKey   string
	CreatedAt  time.Time
	ReadAt     time.Time
	EmailState string
}

// Read reports whether the notification was read.
func (n *Notification) Read() bool { return !n.ReadAt.IsZero() }

// Recipient is a person with an account, as a notification needs them.
type Recipient struct {
	PersonID  int64
	AccountID int64
	Role      samtal.Role
	Email     string
	Name      string
	Locale    string
	// EmailChoice is account.NotifyOff, NotifyImmediate or NotifyDaily.
	EmailChoice string
}

// actor is the recipient as an actor, to ask the campaign rules as them.
func (r Recipient) actor() samtal.Actor {
	return samtal.Actor{AccountID: r.AccountID, PersonID: r.PersonID, Role: r.Role, Via: "job"}
}

// Store keeps follows and notifications. Recipients are always persons with
// an account: nobody else can read a notification.
type Store interface {
	// SetFollow records an explicit choice to follow an idea or not.
	SetFollow(ctx context.Context, ideaID, personID int64, following bool, at time.Time) error
	// Following reports whether a person follows an idea: their explicit
	// choice, else whether they wrote, voted for or commented on it.
	Following(ctx context.Context, ideaID, personID int64) (bool, error)
	// Followers returns the idea's followers with accounts: its author,
	// voters, commenters and explicit followers, minus explicit unfollows;
	// one query.
	Followers(ctx context.Context, ideaID int64) ([]Recipient, error)
	// Voters returns the idea's voters with accounts.
	Voters(ctx context.Context, ideaID int64) ([]Recipient, error)
	// MergeVoters returns the merged idea's voters as a merge recorded
	// them, with accounts: by then their votes are on the target.
	MergeVoters(ctx context.Context, mergeID int64) ([]Recipient, error)
	// Recipients returns the persons of ids that have accounts.
	Recipients(ctx context.Context, personIDs []int64) ([]Recipient, error)
	// RecipientsByHandle returns the accounts with these handles.
	RecipientsByHandle(ctx context.Context, handles []string) ([]Recipient, error)
	// AddNotifications stores the notifications whose (person, event key) is
	// new, sets their ID, adds to each person's unread count in the same
	// transaction, and returns those it stored.
	AddNotifications(ctx context.Context, list []*Notification) ([]*Notification, error)
	// Notifications returns a person's notifications, newest first, with
	// ids below before (0: from the newest), about ideas of campaigns in
	// scope (or about no idea).
	Notifications(ctx context.Context, personID int64, scope campaign.Scope, before int64, limit int) ([]*Notification, error)
	// MarkRead marks a person's notifications read (ids nil: all) and takes
	// them off the unread count; returns how many were unread.
	MarkRead(ctx context.Context, personID int64, ids []int64, at time.Time) (int, error)
	// Unread returns a person's unread count.
	Unread(ctx context.Context, personID int64) (int, error)
	// SetEmailState sets the mail state of notifications of a person; with
	// digest it also records that a digest went out at.
	SetEmailState(ctx context.Context, personID int64, ids []int64, state string, at time.Time, digest bool) error
	// DigestDue returns people with pending mail whose last digest is older
	// than lastBefore: those who chose the daily digest, and others whose
	// pending notifications are older than staleBefore (a lost immediate
	// mail, or a choice changed since).
	DigestDue(ctx context.Context, lastBefore, staleBefore time.Time, limit int) ([]Recipient, error)
	// PendingMail returns a person's notifications waiting for mail, oldest
	// first.
	PendingMail(ctx context.Context, personID int64, limit int) ([]*Notification, error)
	// UnsubscribeToken returns the account's unsubscribe secret, making one
	// from fresh if it has none yet.
	UnsubscribeToken(ctx context.Context, accountID int64, fresh string) (string, error)
	// AccountByUnsubscribeToken returns the account of a secret; ENOTFOUND
	// if none has it.
	AccountByUnsubscribeToken(ctx context.Context, token string) (int64, error)
	// Unsubscribe turns notification mail off for the account of a secret;
	// ENOTFOUND if none has it.
	Unsubscribe(ctx context.Context, token string) error
}
