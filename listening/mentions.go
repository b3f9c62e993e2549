package listening

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
)

// Mentions lists mentions, newest first: the inbox. Duplicates stay under
// their cluster's head unless f.DuplicatesOf asks for one cluster. Returns
// EFORBIDDEN without PermView and EINVALID for a bad filter.
func (s *Service) Mentions(ctx context.Context, f MentionFilter) ([]Mention, error) {
	if err := samtal.ActorFrom(ctx).Require(PermView); err != nil {
		return nil, err
	}
	if f.Limit == 0 {
		f.Limit = DefaultLimit
	}
	if f.Limit < 1 || f.Limit > MaxLimit {
		return nil, samtal.FieldError("limit", "error.limit_invalid")
	}
	if f.State != "" && !slices.Contains(States, f.State) {
		return nil, samtal.FieldError("state", "error.mention_state_invalid")
	}
	switch f.Sentiment {
	case "", "positive", "neutral", "negative":
	default:
		return nil, samtal.FieldError("sentiment", "error.sentiment_invalid")
	}
	for _, r := range []*float64{f.MinRating, f.MaxRating} {
		if r != nil && (*r < 0 || *r > 1) {
			return nil, samtal.FieldError("rating", "error.rating_invalid")
		}
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && f.Until.Before(f.Since) {
		return nil, samtal.FieldError("until", "error.range_invalid")
	}
	return s.Store.Mentions(ctx, f)
}

// Mention returns one mention with its topics and tags.
func (s *Service) Mention(ctx context.Context, id int64) (*Mention, error) {
	if err := samtal.ActorFrom(ctx).Require(PermView); err != nil {
		return nil, err
	}
	return s.Store.Mention(ctx, id)
}

// ChangeMentions sets the state or the assignee of mentions, or adds and
// removes tags, for one mention or many at once (up to MaxBulk), in one
// transaction. It returns how many mentions it changed. Returns EFORBIDDEN
// without PermTriage, EINVALID for a bad change, and ENOTFOUND when one of
// the mentions does not exist (then nothing changes).
func (s *Service) ChangeMentions(ctx context.Context, ids []int64, c MentionChange) (int, error) {
	if err := samtal.ActorFrom(ctx).Require(PermTriage); err != nil {
		return 0, err
	}
	if len(ids) == 0 || len(ids) > MaxBulk {
		return 0, samtal.FieldError("ids", "error.bulk_invalid")
	}
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if c.State == nil && c.Assignee == nil && len(c.AddTags) == 0 && len(c.RemoveTags) == 0 {
		return 0, samtal.FieldError("state", "error.change_empty")
	}
	if c.State != nil && !slices.Contains(States, *c.State) {
		return 0, samtal.FieldError("state", "error.mention_state_invalid")
	}
	if c.Assignee != nil && *c.Assignee != 0 {
		if err := s.Store.AssignableAccount(ctx, *c.Assignee); err != nil {
			return 0, samtal.FieldError("assignee_id", "error.assignee_invalid")
		}
	}
	var err error
	if c.AddTags, err = cleanTags(c.AddTags); err != nil {
		return 0, err
	}
	if c.RemoveTags, err = cleanTags(c.RemoveTags); err != nil {
		return 0, err
	}
	e := audit.New(ctx, "mention.change", "mention", ids[0], nil, map[string]any{"ids": ids, "change": c})
	return s.Store.ChangeMentions(ctx, ids, c, e)
}

// Assignees lists who may be assigned mentions, for staff who read them.
func (s *Service) Assignees(ctx context.Context) ([]Assignee, error) {
	if err := samtal.ActorFrom(ctx).Require(PermView); err != nil {
		return nil, err
	}
	return s.Store.Assignees(ctx)
}

// cleanTags lower-cases and trims tags and refuses empty or long ones.
func cleanTags(tags []string) ([]string, error) {
	if len(tags) > MaxTags {
		return nil, samtal.FieldError("tags", "error.tags_too_many")
	}
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "" || utf8.RuneCountInString(t) > MaxTagLen || strings.ContainsAny(t, ",\n\t") {
			return nil, samtal.FieldError("tags", "error.tag_invalid")
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out, nil
}
