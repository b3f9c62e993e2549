package person

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/campaign"
)

// Event is one thing a person did, as the timeline shows it. Every
// capability adds its kinds through the store's list of timeline sources
// (sqlstore/timeline.go), not through the timeline page.
type Event struct {
	At         time.Time
	Kind       string // idea, comment, vote, follow, signup, consent, mention, message, …
	Channel    string // community, email, settings, a source's network, …
	Ref        int64  // the record's id in its kind
	IdeaID     int64  // the idea it is about, if any
	CampaignID int64
	Title      string // what it is about (an idea's title, a purpose)
	Excerpt    string // a short text, e.g. the start of a comment
}

// Key is the event's place in the order: time, then kind, then id, newest
// first.
type Key struct {
	At   int64 // Unix milliseconds
	Kind string
	Ref  int64
}

// TimelineFilter narrows and pages a timeline.
type TimelineFilter struct {
	Kinds    []string // empty means all
	Channels []string
	Before   *Key // the cursor: events before this key
	Limit    int
	// Scope limits events about campaigns to those the viewer may see.
	Scope campaign.Scope
}

// TimelinePage is one page of a timeline.
type TimelinePage struct {
	Events []Event
	Next   string // cursor, "" at the end
}

// CampaignScope tells which campaigns the caller may see.
type CampaignScope interface {
	Scope(ctx context.Context) campaign.Scope
}

// Timeline returns a page of what person id did, newest first. Staff see
// everyone's; a member sees their own (in campaigns they may still see).
// Returns ENOTFOUND for anyone else, and EINVALID for a bad cursor.
func (s *Service) Timeline(ctx context.Context, id int64, scope CampaignScope, f TimelineFilter, cursor string) (*TimelinePage, error) {
	a := samtal.ActorFrom(ctx)
	if !a.SignedIn() || (!a.Can(PermView) && a.PersonID != id) {
		return nil, errNotFound
	}
	if err := s.Store.PersonExists(ctx, id); err != nil {
		return nil, err
	}
	if cursor != "" {
		k, ok := parseTimelineCursor(cursor)
		if !ok {
			return nil, samtal.FieldError("cursor", "error.cursor_invalid")
		}
		f.Before = &k
	}
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 30
	}
	// Each shape of filter is a statement the store keeps prepared.
	if len(f.Channels) > 10 {
		return nil, samtal.FieldError("channel", "error.too_many_channels")
	}
	if len(f.Kinds) > 20 {
		return nil, samtal.FieldError("kind", "error.too_many_kinds")
	}
	f.Scope = campaign.AllCampaigns()
	if !a.Can(PermView) {
		f.Scope = scope.Scope(ctx)
	}
	evs, err := s.Store.Timeline(ctx, id, TimelineFilter{Kinds: f.Kinds, Channels: f.Channels, Before: f.Before,
		Limit: f.Limit + 1, Scope: f.Scope})
	if err != nil {
		return nil, err
	}
	page := &TimelinePage{Events: evs}
	if len(evs) > f.Limit {
		page.Events = evs[:f.Limit]
		last := page.Events[f.Limit-1]
		page.Next = timelineCursor(Key{At: last.At.UnixMilli(), Kind: last.Kind, Ref: last.Ref})
	}
	return page, nil
}

func timelineCursor(k Key) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(k.At, 10) + "|" + k.Kind + "|" + strconv.FormatInt(k.Ref, 10)))
}

func parseTimelineCursor(s string) (Key, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Key{}, false
	}
	parts := strings.Split(string(b), "|")
	if len(parts) != 3 || parts[1] == "" {
		return Key{}, false
	}
	at, err1 := strconv.ParseInt(parts[0], 10, 64)
	ref, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil {
		return Key{}, false
	}
	return Key{At: at, Kind: parts[1], Ref: ref}, true
}
