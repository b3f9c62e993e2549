package privacy

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
)

// The kinds of record an archive holds, one JSON Lines file each
// (KIND.jsonl), in this order. Notes are only in an archive staff produce.
const (
	KindIdeas         = "ideas"
	KindComments      = "comments"
	KindVotes         = "votes"
	KindFollows       = "follows"
	KindNotifications = "notifications"
	KindReports       = "reports"
	KindInvitations   = "invitations"
	KindConsents      = "consents"
	KindSessions      = "sessions"
	KindTokens        = "tokens"
	KindMails         = "mails"
	KindActions       = "actions"
	KindAdvocacy      = "advocacy"
	KindBriefings     = "briefings"
	KindMentions      = "mentions"
	KindNotes         = "notes"
	// KindUploads is the index of the person's uploads (metadata only; the
	// bytes come through EachUpload).
	KindUploads = "uploads"
)

// Kinds lists the kinds of record every archive holds.
var Kinds = []string{KindIdeas, KindComments, KindVotes, KindFollows, KindNotifications, KindReports,
	KindInvitations, KindConsents, KindSessions, KindTokens, KindMails, KindActions, KindAdvocacy, KindBriefings, KindMentions}

// The records of an archive. Ids are strings, as in the API.

// Idea is an idea the person wrote.
type Idea struct {
	ID         int64      `json:"id,string"`
	CampaignID int64      `json:"campaign_id,string"`
	QuestionID int64      `json:"question_id,string"`
	Title      string     `json:"title"`
	Body       string     `json:"body"`
	Tags       string     `json:"tags,omitempty"`
	Status     string     `json:"status"`
	Votes      int        `json:"votes"`
	Comments   int        `json:"comments"`
	Images     string     `json:"images,omitempty"`
	Moderation string     `json:"moderation"`
	MergedInto int64      `json:"merged_into,omitempty,string"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	DeletedAt  *time.Time `json:"deleted_at,omitempty"`
}

// Comment is a comment the person wrote.
type Comment struct {
	ID         int64      `json:"id,string"`
	IdeaID     int64      `json:"idea_id,string"`
	ParentID   int64      `json:"parent_id,omitempty,string"`
	Body       string     `json:"body"`
	Moderation string     `json:"moderation"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	DeletedAt  *time.Time `json:"deleted_at,omitempty"`
}

// Vote is a vote the person gave.
type Vote struct {
	IdeaID     int64     `json:"idea_id,string"`
	CampaignID int64     `json:"campaign_id,string"`
	CreatedAt  time.Time `json:"created_at"`
}

// Follow is an explicit choice to follow an idea or not.
type Follow struct {
	IdeaID    int64     `json:"idea_id,string"`
	Following bool      `json:"following"`
	At        time.Time `json:"at"`
}

// Notification is a notification the person got.
type Notification struct {
	ID        int64           `json:"id,string"`
	Kind      string          `json:"kind"`
	IdeaID    int64           `json:"idea_id,omitempty,string"`
	CommentID int64           `json:"comment_id,omitempty,string"`
	Data      json.RawMessage `json:"data"`
	CreatedAt time.Time       `json:"created_at"`
	ReadAt    *time.Time      `json:"read_at,omitempty"`
}

// Report is a report the person filed.
type Report struct {
	ID         int64      `json:"id,string"`
	TargetKind string     `json:"target_kind"`
	TargetID   int64      `json:"target_id,string"`
	Reason     string     `json:"reason"`
	Text       string     `json:"text,omitempty"`
	Status     string     `json:"status"`
	CreatedAt  time.Time  `json:"created_at"`
	ResolvedAt *time.Time `json:"resolved_at,omitempty"`
}

// Invitation is an invitation to a campaign.
type Invitation struct {
	CampaignID int64     `json:"campaign_id,string"`
	CreatedAt  time.Time `json:"created_at"`
}

// Consent is one consent record: given or withdrawn, for a purpose, through
// what, with the text the person saw.
type Consent struct {
	ID        int64     `json:"id,string"`
	Purpose   string    `json:"purpose"`
	Given     bool      `json:"given"`
	Text      string    `json:"text,omitempty"`
	Version   int       `json:"text_version,omitempty"`
	Lang      string    `json:"text_lang,omitempty"`
	Channel   string    `json:"channel"`
	CreatedAt time.Time `json:"created_at"`
}

// Session is a signed-in browser: when, from where, with what.
type Session struct {
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	IP         string    `json:"ip,omitempty"`
	UserAgent  string    `json:"user_agent,omitempty"`
}

// Token is a personal API token, without its secret.
type Token struct {
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// Mail is a mail samtal wrote to the person.
type Mail struct {
	ID        int64      `json:"id,string"`
	To        string     `json:"to"`
	Subject   string     `json:"subject"`
	Text      string     `json:"text"`
	State     string     `json:"state"`
	CreatedAt time.Time  `json:"created_at"`
	SentAt    *time.Time `json:"sent_at,omitempty"`
}

// Action is something the person did that the audit log recorded.
type Action struct {
	At         time.Time `json:"at"`
	Action     string    `json:"action"`
	TargetKind string    `json:"target_kind,omitempty"`
	TargetID   string    `json:"target_id,omitempty"`
	IP         string    `json:"ip,omitempty"`
	Via        string    `json:"via,omitempty"`
}

// Advocacy is the person's engagement score and their place in the
// advocate group: what staff see when they look for advocates.
type Advocacy struct {
	Score      float64         `json:"score,omitempty"`
	Parts      json.RawMessage `json:"score_parts,omitempty"`
	ComputedAt *time.Time      `json:"score_computed_at,omitempty"`
	State      string          `json:"advocate_state,omitempty"`
	InvitedAt  *time.Time      `json:"invited_at,omitempty"`
	JoinedAt   *time.Time      `json:"joined_at,omitempty"`
	RemovedAt  *time.Time      `json:"removed_at,omitempty"`
}

// Briefing is a briefing the person was sent or read.
type Briefing struct {
	ID       int64      `json:"briefing_id,string"`
	Title    string     `json:"title"`
	QueuedAt *time.Time `json:"mailed_at,omitempty"`
	ReadAt   *time.Time `json:"read_at,omitempty"`
}

// Mention is something the person wrote elsewhere that listening heard:
// where, when and what, with what samtal made of it. Staff's triage of it
// (state, assignee, tags) is staff's work and stays out.
type Mention struct {
	ID             int64     `json:"id,string"`
	URL            string    `json:"url"`
	Site           string    `json:"site"`
	Title          string    `json:"title"`
	Text           string    `json:"text"`
	Author         string    `json:"author"`
	PublishedAt    time.Time `json:"published_at"`
	Lang           string    `json:"lang"`
	SentimentLabel string    `json:"sentiment_label"`
	Rating         *float64  `json:"rating,omitempty"`
}

// Note is a staff note about the person (only in archives staff produce).
type Note struct {
	ID        int64     `json:"id,string"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

// Upload is an image the person uploaded; its bytes are in the archive as
// File.
type Upload struct {
	Key       string    `json:"key"`
	Mime      string    `json:"mime"`
	Width     int       `json:"width"`
	Height    int       `json:"height"`
	File      string    `json:"file"`
	CreatedAt time.Time `json:"created_at"`
}

// linkSecret matches the secret part of the links samtal mails (sign-in,
// reset, verification, unsubscribe): an archive is a record, not a way in.
var linkSecret = regexp.MustCompile(`(/(?:verify|reset|signin/link|unsubscribe)/)[A-Za-z0-9_-]{16,}`)

// limitExport bounds archives per person: each reads everything.
var limitExport = struct {
	n      int
	window time.Duration
}{10, time.Hour}

// Archive is the export of one person, written by WriteTo as a zip.
type Archive struct {
	ctx   context.Context
	store Store
	sub   *Subject
	staff bool
	at    time.Time
}

// Export checks that the caller may have the archive of person id, audits
// it (who, for whom; not what) and returns it, to be written with WriteTo.
// A member gets their own; an admin anyone's, for a request, and then it
// also holds the staff notes about the person (docs/design.md).
//
// Returns EUNAUTHORIZED for a visitor, ENOTFOUND for a person the caller may
// not export or that does not exist, ECONFLICT for an erased or merged-away
// person, ERATELIMITED past 10 archives an hour per person.
func (s *Service) Export(ctx context.Context, id int64) (*Archive, error) {
	sub, self, err := s.subject(ctx, id)
	if err != nil {
		return nil, err
	}
	if s.Limiter != nil {
		ok, wait, err := s.Limiter.Allow(ctx, "export:person:"+strconv.FormatInt(id, 10), limitExport.n, limitExport.window)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, &samtal.Error{Code: samtal.ERATELIMITED, Message: "error.rate_limited", RetryAfter: int(wait.Seconds()) + 1}
		}
	}
	e := audit.New(ctx, "person.export", "person", id, nil, map[string]any{"by": map[bool]string{true: "self", false: "staff"}[self]})
	if _, err := s.Store.AppendAudit(ctx, e); err != nil {
		return nil, err
	}
	return &Archive{ctx: ctx, store: s.Store, sub: sub, staff: !self, at: s.now()}, nil
}

// Filename is the archive's file name.
func (a *Archive) Filename() string {
	return fmt.Sprintf("samtal-person-%d-%s.zip", a.sub.PersonID, a.at.Format("20060102"))
}

// profile is person.json.
type profile struct {
	Format     int            `json:"format"`
	ExportedAt time.Time      `json:"exported_at"`
	ID         int64          `json:"id,string"`
	Name       string         `json:"name"`
	Locale     string         `json:"locale,omitempty"`
	Location   string         `json:"location,omitempty"`
	Languages  string         `json:"languages,omitempty"`
	Avatar     string         `json:"avatar,omitempty"`
	CreatedAt  time.Time      `json:"created_at"`
	UpdatedAt  time.Time      `json:"updated_at"`
	Identities []Identity     `json:"identities"`
	Tags       []string       `json:"tags"`
	Account    *Account       `json:"account,omitempty"`
	Merged     []MergedPerson `json:"merged_persons,omitempty"`
	Files      []string       `json:"files"`
}

// countingWriter counts what passes.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// WriteTo writes the archive as a zip to w, file by file and record by
// record: person.json, one KIND.jsonl per kind, uploads.jsonl and the
// uploaded files under uploads/. Nothing is collected first, so a person
// with 100,000 events costs what one batch of records costs.
func (a *Archive) WriteTo(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	zw := zip.NewWriter(cw)
	kinds := Kinds
	if a.staff {
		kinds = append(kinds[:len(kinds):len(kinds)], KindNotes)
	}
	files := []string{"person.json"}
	for _, k := range kinds {
		files = append(files, k+".jsonl")
	}
	files = append(files, "uploads.jsonl", "uploads/")

	create := func(name string) (io.Writer, error) {
		return zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: a.at})
	}
	f, err := create("person.json")
	if err != nil {
		return cw.n, err
	}
	sub := a.sub
	p := profile{Format: 1, ExportedAt: a.at, ID: sub.PersonID, Name: sub.Name, Locale: sub.Locale,
		Location: sub.Location, Languages: sub.Languages, Avatar: sub.Avatar, CreatedAt: sub.CreatedAt,
		UpdatedAt: sub.UpdatedAt, Identities: sub.Identities, Tags: sub.Tags, Account: sub.Account,
		Merged: sub.Merged, Files: files}
	if p.Identities == nil {
		p.Identities = []Identity{}
	}
	if p.Tags == nil {
		p.Tags = []string{}
	}
	enc := json.NewEncoder(f)
	enc.SetIndent("", "  ")
	if err := enc.Encode(p); err != nil {
		return cw.n, err
	}
	for _, kind := range kinds {
		f, err := create(kind + ".jsonl")
		if err != nil {
			return cw.n, err
		}
		bw := bufio.NewWriter(f)
		enc := json.NewEncoder(bw)
		err = a.store.Each(a.ctx, sub, kind, func(rec any) error {
			if m, ok := rec.(*Mail); ok {
				m.Text = linkSecret.ReplaceAllString(m.Text, "${1}…")
			}
			return enc.Encode(rec)
		})
		if err != nil {
			return cw.n, fmt.Errorf("archive %s: %w", kind, err)
		}
		if err := bw.Flush(); err != nil {
			return cw.n, err
		}
	}
	// The index of the uploads first, then their bytes one by one: two
	// passes, so that neither is held whole.
	f, err = create(KindUploads + ".jsonl")
	if err != nil {
		return cw.n, err
	}
	bw := bufio.NewWriter(f)
	enc = json.NewEncoder(bw)
	err = a.store.Each(a.ctx, sub, KindUploads, func(rec any) error {
		u := rec.(*Upload)
		u.File = uploadFile(u)
		return enc.Encode(u)
	})
	if err != nil {
		return cw.n, fmt.Errorf("archive uploads: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return cw.n, err
	}
	err = a.store.EachUpload(a.ctx, sub, func(u Upload, data []byte) error {
		f, err := create(uploadFile(&u))
		if err != nil {
			return err
		}
		_, err = f.Write(data)
		return err
	})
	if err != nil {
		return cw.n, fmt.Errorf("archive uploads: %w", err)
	}
	if err := zw.Close(); err != nil {
		return cw.n, err
	}
	return cw.n, nil
}

// uploadFile is where an upload's bytes are in the archive.
func uploadFile(u *Upload) string { return "uploads/" + u.Key + extension(u.Mime) }

func extension(mime string) string {
	switch mime {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/gif":
		return ".gif"
	case "image/webp":
		return ".webp"
	}
	return ""
}
