// Package listening hears what people write about the organisation
// elsewhere: sources (feeds, review exports, a signed webhook, a social
// network's search) deliver items; each becomes a mention, enriched with its
// language, sentiment and near-duplicates, linked to the person who wrote
// it, and matched against every topic (a named query in listening/query).
// Staff work through mentions in an inbox.
//
// Readers live in sub-packages (feed, importer, mastodon, fetch) and know
// nothing of storage; enrich and query are pure functions. This package
// holds the rules and the order of things.
package listening

import (
	"context"
	"encoding/json"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/listening/importer"
)

// Permissions of listening. Every staff member reads mentions; those who
// answer or moderate work through them (state, assignee, tags); those who
// shape what is heard (analysts, moderators, admins) manage sources and
// topics.
const (
	PermView   = samtal.PermViewMentions
	PermTriage = samtal.PermTriageMentions
	PermManage = samtal.PermManageListening
)

// The kinds of source.
const (
	KindFeed     = "feed"
	KindImport   = "import"
	KindWebhook  = "webhook"
	KindMastodon = "mastodon"
)

// The states of a source: fetched on schedule, paused by staff, or failing
// (still fetched, less often, until it works again).
const (
	SourceActive  = "active"
	SourcePaused  = "paused"
	SourceFailing = "failing"
)

// The states of a mention in the inbox.
const (
	StateNew        = "new"
	StateSeen       = "seen"
	StateNeedsReply = "needs_reply"
	StateDone       = "done"
	StateIgnored    = "ignored"
)

// States lists the states of a mention in the order the inbox shows them.
var States = []string{StateNew, StateSeen, StateNeedsReply, StateDone, StateIgnored}

// Limits of what staff and sources may store.
const (
	MaxNameLen     = 100
	MaxQueryLen    = 4000
	MaxExamples    = 20
	MaxExampleLen  = 2000
	MaxTitleLen    = 500
	MaxTextLen     = 20000
	MaxAuthorLen   = 200
	MaxURLLen      = 2000
	MaxTags        = 20
	MaxTagLen      = 40
	MaxBulk        = 500
	DefaultLimit   = 30
	MaxLimit       = 100
	MinInterval    = 5 * time.Minute
	MaxInterval    = 24 * time.Hour
	DefaultEvery   = 15 * time.Minute
	MaxWebhookBody = 5 << 20
)

// Source is where listening happens.
type Source struct {
	ID   int64  `json:"id"`
	Kind string `json:"kind"`
	Name string `json:"name"`
	URL  string `json:"url"`
	// Config holds the kind's settings: an import's column mapping, a
	// Mastodon server and what to follow.
	Config SourceConfig `json:"config"`
	// Secret keys a webhook's signatures. It is shown once, when the source
	// is made; lists and reads leave it out.
	Secret   string `json:"secret,omitempty"`
	State    string `json:"state"`
	Interval int    `json:"interval_seconds"`
	// What the next fetch sends to ask only for news.
	ETag         string `json:"-"`
	LastModified string `json:"-"`
	Cursor       string `json:"-"`

	NextFetchAt   *time.Time `json:"next_fetch_at,omitempty"`
	LastFetchAt   *time.Time `json:"last_fetch_at,omitempty"`
	LastSuccessAt *time.Time `json:"last_success_at,omitempty"`
	Failures      int        `json:"failures"`
	LastError     string     `json:"last_error"`
	Items         int64      `json:"items"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

// SourceConfig is a source's kind-specific settings.
type SourceConfig struct {
	// Mapping says which columns of an import file hold what (import).
	Mapping json.RawMessage `json:"mapping,omitempty"`
	// Server, Hashtag and Search say what a Mastodon source follows;
	// Token is an optional access token (search needs one on most
	// servers). The token is never shown again.
	Server  string `json:"server,omitempty"`
	Hashtag string `json:"hashtag,omitempty"`
	Search  string `json:"search,omitempty"`
	Token   string `json:"token,omitempty"`
}

// Topic is a named query.
type Topic struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	Query        string    `json:"query"`
	MustMatch    []string  `json:"must_match"`
	MustNotMatch []string  `json:"must_not_match"`
	Version      int       `json:"version"`
	Rerunning    bool      `json:"rerunning"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	// RerunVersion and RerunBelow are how far the run over the stored
	// history got: mentions with ids below RerunBelow (0: all) are still to
	// be matched against version RerunVersion (0: the run is done).
	RerunVersion int   `json:"-"`
	RerunBelow   int64 `json:"-"`
}

// Mention is one post, review or comment a source found.
type Mention struct {
	ID             int64     `json:"id"`
	SourceID       int64     `json:"source_id"`
	Key            string    `json:"-"`
	URL            string    `json:"url"`
	Site           string    `json:"site"`
	Title          string    `json:"title"`
	Text           string    `json:"text"`
	Author         string    `json:"author"`
	AuthorHandle   string    `json:"author_handle,omitempty"`
	AuthorURL      string    `json:"author_url,omitempty"`
	PersonID       int64     `json:"person_id,omitempty"`
	IdentityID     int64     `json:"-"`
	PublishedAt    time.Time `json:"published_at"`
	CreatedAt      time.Time `json:"created_at"`
	Lang           string    `json:"lang"`
	Sentiment      float64   `json:"sentiment"`
	SentimentLabel string    `json:"sentiment_label"`
	Rating         *float64  `json:"rating"`
	Fingerprint    uint64    `json:"-"`
	Topics         []int64   `json:"topics"`
	DuplicateOf    int64     `json:"duplicate_of,omitempty"`
	// Duplicates counts the mentions clustered under this one.
	Duplicates int      `json:"duplicates"`
	State      string   `json:"state"`
	AssigneeID int64    `json:"assignee_id,omitempty"`
	Tags       []string `json:"tags"`
	// SourceName is the name of the source, for lists.
	SourceName string    `json:"source_name"`
	UpdatedAt  time.Time `json:"updated_at"`

	// BandKeys are the lookup keys of the near-duplicate fingerprint,
	// filled at ingest.
	BandKeys []int64 `json:"-"`
	// BatchHead is, at ingest, the earlier mention of the same batch that
	// this one duplicates: its id is known only once it is stored.
	BatchHead *Mention `json:"-"`
}

// MentionFilter narrows the inbox.
type MentionFilter struct {
	TopicID   int64
	SourceID  int64
	Lang      string
	Sentiment string // positive, neutral, negative
	MinRating *float64
	MaxRating *float64
	Since     time.Time
	Until     time.Time
	State     string
	Tag       string
	Assignee  int64
	// Words are the words of a full-text search (search.Words), each
	// matched as a word or its beginning; all of them must be there.
	Words []string
	// DuplicatesOf lists the cluster of one mention instead.
	DuplicatesOf int64
	// After is the cursor: mentions older than (AfterAt, AfterID).
	AfterAt time.Time
	AfterID int64
	Limit   int
}

// MentionChange is what staff change on one or many mentions.
type MentionChange struct {
	State *string `json:"state,omitempty"`
	// Assignee is an account id; 0 removes the assignee.
	Assignee   *int64   `json:"assignee_id,omitempty"`
	AddTags    []string `json:"add_tags,omitempty"`
	RemoveTags []string `json:"remove_tags,omitempty"`
}

// DayCount is how many mentions (cluster heads) of a topic were published
// on one day.
type DayCount struct {
	Day time.Time `json:"day"`
	N   int       `json:"n"`
}

// Assignee is an account that may be assigned mentions.
type Assignee struct {
	ID   int64
	Name string
}

// TopicTotal is a topic's count of mentions over a period and today.
type TopicTotal struct {
	Period, Today int
}

// FetchOutcome is what one fetch of a source left: the conditional request
// values and cursor for the next one, and either the count of new mentions
// or the error to show.
type FetchOutcome struct {
	At           time.Time
	ETag         string
	LastModified string
	Cursor       string
	Stored       int
	Err          string
	NextFetchAt  time.Time
	Failing      bool
}

// Import is one file of a review export being read into a source.
type Import struct {
	ID         int64       `json:"id"`
	SourceID   int64       `json:"source_id"`
	FileName   string      `json:"file_name"`
	SHA256     string      `json:"sha256"`
	Format     string      `json:"format"`
	Size       int64       `json:"size"`
	State      string      `json:"state"` // running, done, failed
	RowsDone   int         `json:"rows_done"`
	RowsStored int         `json:"rows_stored"`
	RowsFailed int         `json:"rows_failed"`
	Errors     []RowReport `json:"errors"`
	// Error is why a failed import failed, in English. ErrorProblem is
	// the same as a code and values when the importer refused the file,
	// so that staff read it in their language; it is nil for other
	// failures and for imports that failed before codes were kept.
	Error        string            `json:"error,omitempty"`
	ErrorProblem *importer.Problem `json:"error_problem,omitempty"`
	CreatedAt    time.Time         `json:"created_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
	FinishedAt   *time.Time        `json:"finished_at,omitempty"`
}

// RowReport is one row of an import that did not land, and why: Error in
// English, Problems as codes and values (importer.RowError). Reports kept
// before codes were have no Problems, only their English.
type RowReport struct {
	Row      int                `json:"row"`
	Field    string             `json:"field,omitempty"`
	Error    string             `json:"error"`
	Problems []importer.Problem `json:"problems,omitempty"`
}

// MaxRowReports is how many row errors an import keeps; the count goes on.
const MaxRowReports = 200

// DupCandidate is a stored cluster head that shares the band key K with
// a new mention.
type DupCandidate struct {
	K           int64
	ID          int64
	Fingerprint uint64
}

// HistoryItem is a stored mention as a topic's run over history sees it.
type HistoryItem struct {
	ID          int64
	PublishedAt time.Time
	Title, Text string
	URL         string // the matcher finds the site in it
	Author      string
	Handle      string
	Lang        string
	Rating      *float64
}

// Store keeps sources, topics and mentions.
type Store interface {
	CreateSource(ctx context.Context, s *Source, e audit.Entry) error
	// UpdateSource writes name, url, config, state and interval.
	UpdateSource(ctx context.Context, s *Source, e audit.Entry) error
	DeleteSource(ctx context.Context, id int64, e audit.Entry) error
	// Source returns a source (deleted ones: ENOTFOUND), with its secret.
	Source(ctx context.Context, id int64) (*Source, error)
	Sources(ctx context.Context) ([]Source, error)
	// DueSources returns up to limit sources of kinds that are fetched
	// whose next fetch is due at now, soonest first.
	DueSources(ctx context.Context, now time.Time, limit int) ([]Source, error)
	RecordFetch(ctx context.Context, sourceID int64, o FetchOutcome) error

	CreateTopic(ctx context.Context, t *Topic, e audit.Entry) error
	// UpdateTopic writes name, query and examples; a changed query bumps
	// the version, drops the topic's matches and starts its run over the
	// history from the newest mention.
	UpdateTopic(ctx context.Context, t *Topic, queryChanged bool, e audit.Entry) error
	DeleteTopic(ctx context.Context, id int64, e audit.Entry) error
	Topic(ctx context.Context, id int64) (*Topic, error)
	Topics(ctx context.Context) ([]Topic, error)
	TopicDays(ctx context.Context, topicID int64, from, to time.Time) ([]DayCount, error)
	// TopicTotals returns every topic's mentions from the day of from on,
	// and on the day of today, in one read.
	TopicTotals(ctx context.Context, from, today time.Time) (map[int64]TopicTotal, error)
	// TopicsVersion changes whenever a topic is made, edited or deleted:
	// the matcher's index is rebuilt when it moves.
	TopicsVersion(ctx context.Context) (string, error)

	// KnownKeys returns which of keys a source has stored already.
	KnownKeys(ctx context.Context, sourceID int64, keys []string) (map[string]bool, error)
	// DuplicateCandidates returns the stored cluster heads that share one
	// of the band keys.
	DuplicateCandidates(ctx context.Context, bandKeys []int64) ([]DupCandidate, error)
	// InsertMentions stores mentions (skipping keys stored meanwhile) with
	// their topics, band keys and day counts, in one transaction, and
	// returns how many it stored; each stored mention gets its ID.
	InsertMentions(ctx context.Context, sourceID int64, ms []*Mention) (int, error)
	Mention(ctx context.Context, id int64) (*Mention, error)
	Mentions(ctx context.Context, f MentionFilter) ([]Mention, error)
	ChangeMentions(ctx context.Context, ids []int64, c MentionChange, e audit.Entry) (int, error)
	// AssignableAccount reports whether an account may be assigned
	// mentions (exists and holds PermTriage).
	AssignableAccount(ctx context.Context, accountID int64) error
	// Assignees lists the accounts that may be assigned mentions, by name.
	Assignees(ctx context.Context) ([]Assignee, error)

	// HistoryBelow returns up to limit cluster heads with ids below id
	// (0: from the newest), newest first.
	HistoryBelow(ctx context.Context, below int64, limit int) ([]HistoryItem, error)
	// MatchHistory records that topic t (at version) matched the mentions
	// among a batch of history, and that its run has reached below (or is
	// done). It does nothing if the topic has moved on to another version.
	MatchHistory(ctx context.Context, topicID int64, version int, matched []HistoryItem, below int64, done bool) error
	// PendingReruns returns topics whose run over history is not done.
	PendingReruns(ctx context.Context) ([]Topic, error)

	// RememberCall records a webhook call's signature; ECONFLICT if it was
	// seen before. Calls older than before are forgotten on the way.
	RememberCall(ctx context.Context, sourceID int64, signature string, at, before time.Time) error

	CreateImport(ctx context.Context, im *Import, chunks func(yield func([]byte) error) error) error
	Import(ctx context.Context, id int64) (*Import, error)
	Imports(ctx context.Context, sourceID int64) ([]Import, error)
	// ResumableImport returns the unfinished import of this file into this
	// source, or ENOTFOUND.
	ResumableImport(ctx context.Context, sourceID int64, sha string) (*Import, error)
	ImportChunks(ctx context.Context, id int64, fn func([]byte) error) error
	ImportProgress(ctx context.Context, im *Import) error
}
