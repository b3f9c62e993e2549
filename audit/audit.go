// Package audit records who did what to which record, before and after, when
// and from where. Entries are only ever appended: there is no method that edits
// or deletes one, and the database refuses it too.
package audit

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/samtal-dev/samtal"
)

// Entry is one audited action.
type Entry struct {
	ID         int64
	At         time.Time
	ActorID    int64  // the account that acted; 0 for the system
	ActorLabel string // the actor's email or "system", kept as it was then
	Action     string // e.g. "account.role_change"
	TargetKind string // e.g. "account"
	TargetID   string
	Before     string // JSON of the record before, or ""
	After      string // JSON of the record after, or ""
	IP         string
	Via        string
}

// Filter narrows a listing of the log. Zero fields do not filter.
type Filter struct {
	Action     string
	ActorID    int64
	TargetKind string
	TargetID   string
	Since      time.Time
	Until      time.Time
	BeforeID   int64 // cursor: entries older than this id
	Limit      int
}

// Store keeps entries.
type Store interface {
	AppendAudit(ctx context.Context, e Entry) (int64, error)
	ListAudit(ctx context.Context, f Filter) ([]Entry, error)
}

// New returns an entry for an action by the actor in ctx on a record. Before
// and after are marshalled to JSON; pass nil for none.
func New(ctx context.Context, action, targetKind string, targetID int64, before, after any) Entry {
	a := samtal.ActorFrom(ctx)
	return Entry{
		At:         time.Now().UTC(),
		ActorID:    a.AccountID,
		Action:     action,
		TargetKind: targetKind,
		TargetID:   strconv.FormatInt(targetID, 10),
		Before:     asJSON(before),
		After:      asJSON(after),
		IP:         a.IP,
		Via:        a.Via,
	}
}

func asJSON(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// Service reads the log for those allowed to.
type Service struct {
	Store Store
}

// List returns entries matching f, newest first. Returns EFORBIDDEN unless the
// actor may read the audit log.
func (s *Service) List(ctx context.Context, f Filter) ([]Entry, error) {
	if err := samtal.ActorFrom(ctx).Require(samtal.PermReadAudit); err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 50
	}
	return s.Store.ListAudit(ctx, f)
}
