package person

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
)

// Merge is the record of merging one person into another. It is kept so that
// the merge can be undone exactly.
type Merge struct {
	ID            int64
	PersonID      int64 // the person merged away
	IntoID        int64 // the person that holds everything now
	ActorPersonID int64
	CreatedAt     time.Time
	UndoneAt      time.Time
	// What moved, by kind (identity, account, idea, comment, vote, …), as
	// the store counted it; for the audit log and the answer to staff.
	Moved map[string]int
}

// MergeKey is the prefixed id of a person merge in URLs (`person-7`), so that
// /merges/{id}/undo serves idea and person merges alike.
func MergeKey(id int64) string { return "person-" + strconv.FormatInt(id, 10) }

// ParseMergeKey returns the id of a `person-N` key, or false.
func ParseMergeKey(key string) (int64, bool) {
	rest, ok := strings.CutPrefix(key, "person-")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, err == nil && id > 0
}

// Merge merges person id into person into: identities, the account,
// contributions, follows, invitations, notes, tags and consent records move,
// and nothing is lost or doubled (a vote both gave on one idea is kept once,
// and the other kept in the record). Returns EINVALID for a merge into
// itself, ECONFLICT (with a message saying why) when either is erased or
// merged already, when the merge would close a cycle, or when both sign in
// with accounts of their own; ENOTFOUND if either does not exist.
func (s *Service) Merge(ctx context.Context, id, into int64) (*Merge, error) {
	if err := s.requireEdit(ctx); err != nil {
		return nil, err
	}
	return s.merge(ctx, id, into, 0)
}

func (s *Service) merge(ctx context.Context, id, into, suggestionID int64) (*Merge, error) {
	if id == into {
		return nil, samtal.FieldError("into", "error.merge_self")
	}
	a, err := s.Store.PersonByID(ctx, id)
	if err != nil {
		return nil, err
	}
	b, err := s.Store.PersonByID(ctx, into)
	if samtal.ErrorCode(err) == samtal.ENOTFOUND {
		return nil, samtal.FieldError("into", "error.merge_target_missing")
	} else if err != nil {
		return nil, err
	}
	if a.Erased || b.Erased {
		return nil, &samtal.Error{Code: samtal.ECONFLICT, Message: "error.merge_erased"}
	}
	if b.MergedInto == a.ID || a.MergedInto == b.ID {
		return nil, &samtal.Error{Code: samtal.ECONFLICT, Message: "error.merge_cycle"}
	}
	if a.MergedInto != 0 || b.MergedInto != 0 {
		return nil, &samtal.Error{Code: samtal.ECONFLICT, Message: "error.person_merged"}
	}
	if a.HasAccount && b.HasAccount {
		return nil, &samtal.Error{Code: samtal.ECONFLICT, Message: "error.merge_two_accounts"}
	}
	e := audit.New(ctx, "person.merge", "person", id, map[string]any{"person": id}, map[string]any{"into": into, "suggestion": suggestionID})
	m, err := s.Store.Merge(ctx, id, into, samtal.ActorFrom(ctx).PersonID, s.now(), e)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Unmerge undoes a person merge: both persons are as they were before it,
// and what arrived on the merged person since then stays with the identity
// it came through. Returns ENOTFOUND, or ECONFLICT when the merge is undone
// already or the person it went into was merged on (undo that one first).
func (s *Service) Unmerge(ctx context.Context, mergeID int64) (*Merge, error) {
	if err := s.requireEdit(ctx); err != nil {
		return nil, err
	}
	m, err := s.Store.MergeByID(ctx, mergeID)
	if err != nil {
		return nil, err
	}
	if !m.UndoneAt.IsZero() {
		return nil, &samtal.Error{Code: samtal.ECONFLICT, Message: "error.merge_undone"}
	}
	e := audit.New(ctx, "person.unmerge", "person", m.PersonID, map[string]any{"into": m.IntoID, "merge": m.ID}, nil)
	return s.Store.Unmerge(ctx, mergeID, samtal.ActorFrom(ctx).PersonID, s.now(), e)
}

func suggestionAudit(ctx context.Context, action string, sg *Suggestion) audit.Entry {
	return audit.New(ctx, action, "merge_suggestion", sg.ID, nil,
		map[string]any{"person_a": sg.PersonA, "person_b": sg.PersonB, "reason": sg.Reason})
}
