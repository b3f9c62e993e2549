package person

import (
	"context"

	"github.com/samtal-dev/samtal"
)

// MergeRecord is a person merge as a profile lists it: the record with the
// names of the two persons and of who merged them.
type MergeRecord struct {
	Merge
	PersonName string
	IntoName   string
	ActorName  string
}

// MaxMergesShown is how many merges a profile lists.
const MaxMergesShown = 50

// Merges returns the merges into and of person id, newest first, undone
// ones included (staff only).
func (s *Service) Merges(ctx context.Context, id int64) ([]MergeRecord, error) {
	if err := samtal.ActorFrom(ctx).Require(PermView); err != nil {
		return nil, err
	}
	return s.Store.MergesOf(ctx, id, MaxMergesShown)
}

// Suggestion returns one merge suggestion (staff only). Returns ENOTFOUND.
func (s *Service) Suggestion(ctx context.Context, id int64) (*Suggestion, error) {
	if err := samtal.ActorFrom(ctx).Require(PermView); err != nil {
		return nil, err
	}
	return s.Store.SuggestionByID(ctx, id)
}

// TimelineKinds lists the kinds of event a timeline may hold, for filters:
// a capability that adds a kind to the store's timeline sources appears
// here without a change to any page.
func (s *Service) TimelineKinds() []string { return s.Store.TimelineKinds() }
