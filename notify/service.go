package notify

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/consent"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/mail"
	"github.com/samtal-dev/samtal/markup"
)

// Content reads ideas and comments as the system sees them, for fan-out
// (the idea store is one).
type Content interface {
	IdeaByID(ctx context.Context, id, viewerPersonID int64) (*idea.Idea, error)
	CommentByID(ctx context.Context, id int64) (*idea.Comment, error)
}

// Ideas finds an idea as the actor may see it (idea.Service).
type Ideas interface {
	Get(ctx context.Context, id int64) (*idea.Idea, error)
}

// Campaigns finds a campaign as the actor may see it (campaign.Service).
type Campaigns interface {
	GetByID(ctx context.Context, id int64) (*campaign.Campaign, error)
}

// Mailer puts a mail in the outbox (outbox.Service).
type Mailer interface {
	QueueMessage(ctx context.Context, m mail.Message) error
}

// Translator writes catalog messages (i18n.Catalog).
type Translator interface {
	T(lang, id string, data map[string]any) string
	N(lang, id string, n int, data map[string]any) string
}

// Consent says who consents to mail about ideas now (consent.Service).
type Consent interface {
	Has(ctx context.Context, personID int64, purpose string) (bool, error)
	Consenting(ctx context.Context, purpose string, personIDs []int64) (map[int64]bool, error)
	// WithdrawByLink records that an account's person withdrew through the
	// unsubscribe link.
	WithdrawByLink(ctx context.Context, accountID int64, purpose string) error
}

// Queue runs a fan-out in the background (jobs.Queue).
type Queue interface {
	EnqueueFanout(ctx context.Context, e idea.Event) error
}

// Service notifies people. It implements idea.Events.
type Service struct {
	Store      Store
	Content    Content
	Ideas      Ideas
	Campaigns  Campaigns
	Mailer     Mailer // nil: no mail
	Translator Translator
	// BaseURL is where links in mails point, without a trailing slash.
	BaseURL string
	// Queue, if set, fans events out in a job; without one (tests, the
	// command line) Publish fans out before it returns.
	Queue Queue
	// Consent decides who may be mailed: nothing is sent for a purpose
	// without current consent, so without it nobody gets notification mail
	// (the notifications themselves are kept all the same).
	Consent Consent
	Log     *slog.Logger
	Now     func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

// The limits of the pages and the API.
const (
	DefaultLimit = 30
	MaxLimit     = 100
	// DigestEvery is how often a member who chose the digest gets one.
	DigestEvery = 24 * time.Hour
	// staleAfter is when a pending immediate mail is taken as lost and
	// goes with the next digest run instead.
	staleAfter = 15 * time.Minute
	// maxDigestItems bounds one digest; the rest goes with the next.
	maxDigestItems = 50
	excerptLen     = 200
)

// relevant lists the events that notify anyone. Votes and new ideas do
// not: their authors and voters follow without a row, so a vote costs
// nothing here.
var relevant = map[string]bool{
	idea.EventCommentAdded: true, idea.EventStatusChanged: true,
	idea.EventIdeaMerged: true, idea.EventIdeaUnmerged: true,
	idea.EventIdeaHidden: true, idea.EventCommentHidden: true,
}

// Publish implements idea.Events: it queues the fan-out, or runs it now
// without a queue. Errors are logged; the action that happened stands.
func (s *Service) Publish(ctx context.Context, e idea.Event) {
	if !relevant[e.Kind] {
		return
	}
	ctx = context.WithoutCancel(ctx)
	if s.Queue != nil {
		err := s.Queue.EnqueueFanout(ctx, e)
		if err == nil {
			return
		}
		s.log().Warn("notify: could not queue the fan-out; running it now", "kind", e.Kind, "idea_id", e.IdeaID, "err", err)
	}
	if err := s.Fanout(ctx, e); err != nil {
		s.log().Error("notify: fan-out failed", "kind", e.Kind, "idea_id", e.IdeaID, "err", err)
	}
}

// mentionRe finds @handles: an @ at the start or after a character that
// cannot be part of an email address or a word.
var mentionRe = regexp.MustCompile(`(?:^|[^\pL\pN_.@])@([A-Za-z0-9_]{2,30})\b`)

// Mentions returns the distinct handles a text mentions, lower-cased, in
// order, at most MaxMentions.
func Mentions(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range mentionRe.FindAllStringSubmatch(text, -1) {
		h := strings.ToLower(m[1])
		if seen[h] {
			continue
		}
		seen[h] = true
		out = append(out, h)
		if len(out) == MaxMentions {
			break
		}
	}
	return out
}

// fanout collects who hears of one event, most personal kind first.
type fanout struct {
	order []int64
	to    map[int64]Recipient
	kind  map[int64]string
}

func (f *fanout) add(kind string, rs []Recipient) {
	for _, r := range rs {
		if _, ok := f.to[r.PersonID]; ok {
			continue // once per event: the first, most personal kind stays
		}
		f.order = append(f.order, r.PersonID)
		f.to[r.PersonID] = r
		f.kind[r.PersonID] = kind
	}
}

// Fanout works out who hears of e, stores their notifications and mails
// those who want mail at once. It runs in a job (or in Publish without a
// queue); a retry adds nobody twice. Nobody hears of their own action, and
// nobody who cannot see the idea's campaign hears of it at all.
func (s *Service) Fanout(ctx context.Context, e idea.Event) error {
	i, err := s.Content.IdeaByID(ctx, e.IdeaID, 0)
	if samtal.ErrorCode(err) == samtal.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	f := &fanout{to: map[int64]Recipient{}, kind: map[int64]string{}}
	data := Data{IdeaTitle: i.Title}
	commentID := int64(0)
	persons := func(ids ...int64) ([]Recipient, error) { return s.Store.Recipients(ctx, ids) }
	switch e.Kind {
	case idea.EventCommentAdded:
		c, err := s.Content.CommentByID(ctx, e.CommentID)
		if err != nil || c.Deleted {
			return ignoreNotFound(err)
		}
		commentID, data.ActorName, data.Excerpt = c.ID, c.AuthorName, excerpt(c.Body)
		mentioned, err := s.Store.RecipientsByHandle(ctx, Mentions(c.Body))
		if err != nil {
			return err
		}
		f.add(KindMention, mentioned)
		if c.ParentID != 0 {
			p, err := s.Content.CommentByID(ctx, c.ParentID)
			if err != nil {
				return ignoreNotFound(err)
			}
			rs, err := persons(p.AuthorPersonID)
			if err != nil {
				return err
			}
			f.add(KindReply, rs)
		}
		rs, err := s.Store.Followers(ctx, i.ID)
		if err != nil {
			return err
		}
		f.add(KindComment, rs)
	case idea.EventStatusChanged:
		data.Status, data.Note = e.Status, e.Note
		if data.Status == "" {
			data.Status = i.Status
		}
		rs, err := s.Store.Followers(ctx, i.ID)
		if err != nil {
			return err
		}
		f.add(KindStatus, rs)
		// Voters hear what became of their vote even if they stopped
		// following the discussion.
		if rs, err = s.Store.Voters(ctx, i.ID); err != nil {
			return err
		}
		f.add(KindStatus, rs)
	case idea.EventIdeaMerged, idea.EventIdeaUnmerged:
		into, err := s.Content.IdeaByID(ctx, e.IntoIdeaID, 0)
		if err != nil {
			return ignoreNotFound(err)
		}
		data.IntoID, data.IntoTitle = into.ID, into.Title
		kind := KindMerged
		if e.Kind == idea.EventIdeaUnmerged {
			kind = KindUnmerged
		}
		rs, err := persons(i.AuthorPersonID)
		if err != nil {
			return err
		}
		f.add(kind, rs)
		if rs, err = s.Store.MergeVoters(ctx, e.MergeID); err != nil {
			return err
		}
		f.add(kind, rs)
	case idea.EventIdeaHidden:
		data.Note = e.Note
		rs, err := persons(i.AuthorPersonID)
		if err != nil {
			return err
		}
		f.add(KindIdeaHidden, rs)
	case idea.EventCommentHidden:
		c, err := s.Content.CommentByID(ctx, e.CommentID)
		if err != nil {
			return ignoreNotFound(err)
		}
		commentID, data.Note = c.ID, e.Note
		rs, err := persons(c.AuthorPersonID)
		if err != nil {
			return err
		}
		f.add(KindCommentHidden, rs)
	default:
		return nil
	}
	if e.ActorPersonID != 0 && data.ActorName == "" && e.Kind != idea.EventIdeaHidden && e.Kind != idea.EventCommentHidden {
		// Moderators stay unnamed when they hide something; otherwise
		// the text says who acted.
		if rs, err := persons(e.ActorPersonID); err == nil && len(rs) == 1 {
			data.ActorName = rs[0].Name
		}
	}
	at := e.At
	if at.IsZero() {
		at = s.now()
	}
	key := fmt.Sprintf("%s:%d:%d:%d:%d", e.Kind, e.IdeaID, e.CommentID, e.MergeID, at.UnixMilli())
	visible := map[samtal.Role]bool{}
	var list []*Notification
	for _, pid := range f.order {
		r := f.to[pid]
		if pid == e.ActorPersonID {
			continue
		}
		ok, seen := visible[r.Role]
		if !seen {
			// The campaign's rules decide, asked as the recipient; they
			// depend on the role only.
			_, err := s.Campaigns.GetByID(samtal.WithActor(ctx, r.actor()), i.CampaignID)
			if err != nil && samtal.ErrorCode(err) != samtal.ENOTFOUND {
				return err
			}
			ok = err == nil
			visible[r.Role] = ok
		}
		if !ok {
			continue
		}
		state := EmailPending
		if r.EmailChoice == account.NotifyOff {
			state = EmailNone
		}
		list = append(list, &Notification{
			PersonID: pid, Kind: f.kind[pid], IdeaID: i.ID, CommentID: commentID, ActorPersonID: e.ActorPersonID,
			Data: data, EventKey: key, CreatedAt: at, EmailState: state,
		})
	}
	if len(list) == 0 {
		return nil
	}
	if err := s.withoutConsent(ctx, list); err != nil {
		return err
	}
	added, err := s.Store.AddNotifications(ctx, list)
	if err != nil {
		return err
	}
	for _, n := range added {
		if r := f.to[n.PersonID]; r.EmailChoice == account.NotifyImmediate && n.EmailState == EmailPending {
			if err := s.mailNow(ctx, r, n); err != nil {
				// It stays pending; the digest run takes it later.
				s.log().Warn("notify: mail not queued", "person_id", r.PersonID, "notification_id", n.ID, "err", err)
			}
		}
	}
	return nil
}

// withoutConsent marks the mail of notifications for persons without
// current idea_emails consent as not to be sent: one query for the whole
// fan-out.
func (s *Service) withoutConsent(ctx context.Context, list []*Notification) error {
	var ids []int64
	for _, n := range list {
		if n.EmailState == EmailPending {
			ids = append(ids, n.PersonID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	ok := map[int64]bool{}
	if s.Consent != nil {
		var err error
		if ok, err = s.Consent.Consenting(ctx, consent.IdeaEmails, ids); err != nil {
			return err
		}
	}
	for _, n := range list {
		if n.EmailState == EmailPending && !ok[n.PersonID] {
			n.EmailState = EmailNone
		}
	}
	return nil
}

// consents reports whether a person consents to idea mails now; asked
// right before a mail is queued, since a digest goes out hours after its
// notifications were made.
func (s *Service) consents(ctx context.Context, personID int64) (bool, error) {
	if s.Consent == nil {
		return false, nil
	}
	return s.Consent.Has(ctx, personID, consent.IdeaEmails)
}

func ignoreNotFound(err error) error {
	if samtal.ErrorCode(err) == samtal.ENOTFOUND {
		return nil
	}
	return err
}

// excerpt is the start of a comment, for the notification and its mail.
func excerpt(s string) string { return markup.Excerpt(s, excerptLen) }

// newSecret returns 32 random bytes, URL-safe.
func newSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// idStr writes an id for a path.
func idStr(id int64) string { return strconv.FormatInt(id, 10) }
