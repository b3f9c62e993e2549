// Package idea is about the community's answers to a campaign's questions:
// ideas, the votes on them and their status, from open to done. Who may see
// an idea follows who may see its campaign.
package idea

import (
	"context"
	"math"
	"time"

	"github.com/samtal-dev/samtal/audit"
)

// The statuses of an idea.
const (
	Open        = "open"
	UnderReview = "under_review"
	Planned     = "planned"
	InProgress  = "in_progress"
	Done        = "done"
	Declined    = "declined"
)

// Statuses lists the statuses in the order of the roadmap.
var Statuses = []string{Open, UnderReview, Planned, InProgress, Done, Declined}

// ValidStatus reports whether s is a status.
func ValidStatus(s string) bool {
	for _, x := range Statuses {
		if s == x {
			return true
		}
	}
	return false
}

// Idea is one answer to a question.
type Idea struct {
	ID             int64
	CampaignID     int64
	QuestionID     int64
	AuthorPersonID int64
	AuthorName     string
	Title          string
	Body           string
	Tags           []string
	Status         string
	Votes          int
	Comments       int
	Voted          bool // whether the person asking voted for it
	MergedInto     int64
	Trending       float64 // the recency-weighted vote score lists sort by
	CreatedAt      time.Time
	UpdatedAt      time.Time
	// Moderation is ModVisible, ModHeld or ModHidden; only the author and
	// moderators ever get an idea that is not visible.
	Moderation       string
	ModerationReason string
	Deleted          bool // deleted ideas leave lists; their page says so
	// BodyHTML is Body rendered and sanitised when it was written (lists
	// leave it empty: they show the start of Body as text).
	BodyHTML string
	// Images are the keys of the idea's uploaded images, in order.
	Images []string
	// ThreadVersion changes whenever anything the idea's comment thread
	// shows changes (the store keeps it); the thread cache is keyed by it.
	ThreadVersion int64
}

// ImageURLs returns where the idea's images are served.
func (i *Idea) ImageURLs() []string {
	out := make([]string, len(i.Images))
	for k, key := range i.Images {
		out[k] = "/uploads/" + key
	}
	return out
}

// StatusChange is one change of status with its public note.
type StatusChange struct {
	Status    string
	Note      string
	ActorName string
	At        time.Time
}

// The sort orders of a list.
const (
	SortTrending = "trending"
	SortTop      = "top"
	SortNewest   = "newest"
	// SortStatus groups ideas by status in the order of an idea's life
	// (Statuses), trending first within each.
	SortStatus = "status"
)

// Filter selects and orders a list of ideas.
type Filter struct {
	CampaignID int64
	QuestionID int64
	Status     string
	Sort       string
	Limit      int
	// Tag keeps the ideas with this tag.
	Tag string
	// After is the cursor of the previous page; nil for the first page.
	After *Cursor
	// Q keeps the ideas that share a word with it ("is yours one of
	// these?"), closest first (SortRelevance); Words are its words as the
	// service found them, for the store.
	Q     string
	Words []string
	// ViewerPersonID is who asks, to fill Idea.Voted; 0 for a visitor.
	ViewerPersonID int64
	// Moderator lists held and hidden ideas too; otherwise only visible
	// ones and the viewer's own.
	Moderator bool
}

// Store keeps ideas and votes. Counts are kept on the idea and changed in the
// same transaction as the vote, so they are exact under concurrent voting.
type Store interface {
	// CreateIdea stores i with its images in one transaction; EINVALID
	// (field images) for an image that is not the author's upload or is
	// attached to an idea already.
	CreateIdea(ctx context.Context, i *Idea, trending float64) error
	// IdeaByID returns an idea with Voted for viewer; ENOTFOUND if missing.
	IdeaByID(ctx context.Context, id, viewerPersonID int64) (*Idea, error)
	// ListIdeas returns one page of ideas with their counts in one query.
	ListIdeas(ctx context.Context, f Filter) ([]*Idea, error)
	// AddVote records a vote and returns the new count. ECONFLICT if the
	// person voted for the idea already or has no budget left (budget 0:
	// unlimited). weight is the vote's term of the trending score.
	AddVote(ctx context.Context, ideaID, personID, campaignID int64, budget int, weight float64, at time.Time) (int, error)
	// RemoveVote takes a vote back, and its weight off the trending score;
	// ENOTFOUND if there was none.
	RemoveVote(ctx context.Context, ideaID, personID int64) (int, error)
	// VotesUsed counts a person's votes in a campaign.
	VotesUsed(ctx context.Context, personID, campaignID int64) (int, error)
	// SetStatus changes the status, records the change with its note, and
	// appends the audit entry, in one transaction.
	SetStatus(ctx context.Context, ideaID int64, status, note string, actorPersonID int64, at time.Time, e audit.Entry) error
	StatusChanges(ctx context.Context, ideaID int64) ([]StatusChange, error)
	// CampaignOfQuestion returns the campaign a question belongs to.
	CampaignOfQuestion(ctx context.Context, questionID int64) (int64, error)
	// CampaignTags returns the commonest tags of a campaign's ideas, most
	// used first, at most limit.
	CampaignTags(ctx context.Context, campaignID int64, limit int) ([]TagCount, error)
}

// TagCount is a tag and how many ideas carry it.
type TagCount struct {
	Tag   string
	Ideas int
}

// Trending scores weigh a vote by its time: a vote counts e^((t-epoch)/tau),
// so one from tau ago counts 1/e of one now. Scores are kept as logarithms
// so that they never overflow.
var trendingEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// trendingTau is how fast a vote's weight fades.
const trendingTau = 3 * 24 * time.Hour

// Weight returns the log-weight of something that happened at t.
func Weight(t time.Time) float64 {
	return float64(t.Sub(trendingEpoch)) / float64(trendingTau)
}

// AddWeight returns log(e^score + e^w) without overflow.
func AddWeight(score, w float64) float64 {
	hi, lo := math.Max(score, w), math.Min(score, w)
	return hi + math.Log1p(math.Exp(lo-hi))
}
