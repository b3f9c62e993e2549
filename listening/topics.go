package listening

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/listening/query"
)

// checkTopic validates a topic: its name, its query (a parse error says at
// which character and why) and its examples, each of which is run. It
// returns the compiled query.
func checkTopic(t *Topic) (*query.Query, error) {
	t.Name = strings.TrimSpace(t.Name)
	if t.Name == "" || utf8.RuneCountInString(t.Name) > MaxNameLen {
		return nil, samtal.FieldError("name", "error.name_invalid")
	}
	if utf8.RuneCountInString(t.Query) > MaxQueryLen {
		return nil, samtal.FieldError("query", "error.query_too_long")
	}
	q, err := query.Parse(t.Query)
	if err != nil {
		return nil, queryError(err)
	}
	for _, list := range []*[]string{&t.MustMatch, &t.MustNotMatch} {
		kept := (*list)[:0:0]
		for _, ex := range *list {
			if ex = strings.TrimSpace(ex); ex != "" {
				kept = append(kept, ex)
			}
		}
		*list = kept
		if len(kept) > MaxExamples {
			return nil, samtal.FieldError("examples", "error.examples_too_many")
		}
		for _, ex := range kept {
			if utf8.RuneCountInString(ex) > MaxExampleLen {
				return nil, samtal.FieldError("examples", "error.example_too_long")
			}
		}
	}
	for i, ex := range t.MustMatch {
		if !q.Match(query.Prepare(query.Doc{Text: ex})) {
			return nil, &samtal.Error{Code: samtal.EINVALID, Field: fmt.Sprintf("must_match[%d]", i),
				Message: "error.example_must_match", Data: map[string]any{"Number": i + 1, "Example": ex}}
		}
	}
	for i, ex := range t.MustNotMatch {
		if q.Match(query.Prepare(query.Doc{Text: ex})) {
			return nil, &samtal.Error{Code: samtal.EINVALID, Field: fmt.Sprintf("must_not_match[%d]", i),
				Message: "error.example_must_not_match", Data: map[string]any{"Number": i + 1, "Example": ex}}
		}
	}
	return q, nil
}

// queryError turns a query's parse error into the message key
// "error.query."+code with the position and the code's values as its data,
// so that staff read it in their own language.
func queryError(err error) error {
	var pe *query.ParseError
	if !errors.As(err, &pe) {
		return err
	}
	data := make(map[string]any, len(pe.Args)+1)
	maps.Copy(data, pe.Args)
	data["Pos"] = pe.Pos
	return &samtal.Error{Code: samtal.EINVALID, Field: "query", Message: "error.query." + pe.Code, Data: data}
}

// CreateTopic saves a topic after its query parses and its examples
// behave; the stored history is matched against it in the background.
// Returns EFORBIDDEN without PermManage and EINVALID, with the query's
// error or the example that fails.
func (s *Service) CreateTopic(ctx context.Context, t *Topic) error {
	if err := samtal.ActorFrom(ctx).Require(PermManage); err != nil {
		return err
	}
	if _, err := checkTopic(t); err != nil {
		return err
	}
	now := s.now()
	t.CreatedAt, t.UpdatedAt, t.Version, t.Rerunning = now, now, 1, true
	if err := s.Store.CreateTopic(ctx, t, audit.New(ctx, "topic.create", "topic", 0, nil, map[string]any{"name": t.Name, "query": t.Query})); err != nil {
		return err
	}
	s.scheduleHistory(ctx)
	return nil
}

// scheduleHistory asks the queue to run topics over the history now. If it
// cannot, the periodic run picks them up within a minute.
func (s *Service) scheduleHistory(ctx context.Context) {
	if s.Jobs != nil {
		_ = s.Jobs.EnqueueTopicHistory(ctx)
	}
}

// TopicPatch is what staff may change on a topic; nil leaves a field.
type TopicPatch struct {
	Name         *string   `json:"name"`
	Query        *string   `json:"query"`
	MustMatch    *[]string `json:"must_match"`
	MustNotMatch *[]string `json:"must_not_match"`
}

// UpdateTopic changes a topic. A changed query drops what the old one
// matched and runs the new one over the stored history in the background.
func (s *Service) UpdateTopic(ctx context.Context, id int64, p TopicPatch) (*Topic, error) {
	if err := samtal.ActorFrom(ctx).Require(PermManage); err != nil {
		return nil, err
	}
	t, err := s.Store.Topic(ctx, id)
	if err != nil {
		return nil, err
	}
	before := map[string]any{"name": t.Name, "query": t.Query}
	old := t.Query
	if p.Name != nil {
		t.Name = *p.Name
	}
	if p.Query != nil {
		t.Query = *p.Query
	}
	if p.MustMatch != nil {
		t.MustMatch = *p.MustMatch
	}
	if p.MustNotMatch != nil {
		t.MustNotMatch = *p.MustNotMatch
	}
	if _, err := checkTopic(t); err != nil {
		return nil, err
	}
	changed := t.Query != old
	t.UpdatedAt = s.now()
	if changed {
		t.Version++
		t.Rerunning = true
	}
	if err := s.Store.UpdateTopic(ctx, t, changed, audit.New(ctx, "topic.update", "topic", id, before, map[string]any{"name": t.Name, "query": t.Query})); err != nil {
		return nil, err
	}
	if changed {
		s.scheduleHistory(ctx)
	}
	return t, nil
}

// DeleteTopic removes a topic and what it matched; the mentions stay.
func (s *Service) DeleteTopic(ctx context.Context, id int64) error {
	if err := samtal.ActorFrom(ctx).Require(PermManage); err != nil {
		return err
	}
	return s.Store.DeleteTopic(ctx, id, audit.New(ctx, "topic.delete", "topic", id, nil, nil))
}

// Topic returns a topic. Returns ENOTFOUND or EFORBIDDEN.
func (s *Service) Topic(ctx context.Context, id int64) (*Topic, error) {
	if err := samtal.ActorFrom(ctx).Require(PermView); err != nil {
		return nil, err
	}
	return s.Store.Topic(ctx, id)
}

// Topics lists the topics by name.
func (s *Service) Topics(ctx context.Context) ([]Topic, error) {
	if err := samtal.ActorFrom(ctx).Require(PermView); err != nil {
		return nil, err
	}
	return s.Store.Topics(ctx)
}

// TopicDays returns a topic's mentions per day over the last days days
// (today included), one entry per day, zeros included, oldest first.
func (s *Service) TopicDays(ctx context.Context, topicID int64, days int) ([]DayCount, error) {
	if err := samtal.ActorFrom(ctx).Require(PermView); err != nil {
		return nil, err
	}
	if days < 1 || days > 366 {
		return nil, samtal.FieldError("days", "error.days_invalid")
	}
	if _, err := s.Store.Topic(ctx, topicID); err != nil {
		return nil, err
	}
	today := s.now().Truncate(24 * time.Hour)
	from := today.AddDate(0, 0, -(days - 1))
	got, err := s.Store.TopicDays(ctx, topicID, from, today.AddDate(0, 0, 1))
	if err != nil {
		return nil, err
	}
	byDay := make(map[int64]int, len(got))
	for _, d := range got {
		byDay[d.Day.Unix()] = d.N
	}
	out := make([]DayCount, days)
	for i := range out {
		d := from.AddDate(0, 0, i)
		out[i] = DayCount{Day: d, N: byDay[d.Unix()]}
	}
	return out, nil
}

// TopicTotals returns each topic's mentions over the last days days
// (today included) and today, for a list of topics: one read for all.
func (s *Service) TopicTotals(ctx context.Context, days int) (map[int64]TopicTotal, error) {
	if err := samtal.ActorFrom(ctx).Require(PermView); err != nil {
		return nil, err
	}
	if days < 1 || days > 366 {
		return nil, samtal.FieldError("days", "error.days_invalid")
	}
	today := s.now().Truncate(24 * time.Hour)
	return s.Store.TopicTotals(ctx, today.AddDate(0, 0, -(days-1)), today)
}

// PreviewLimit is how many of the newest stored mentions a preview reads
// at most, and PreviewMatches how many matches it shows.
const (
	PreviewLimit   = 20000
	PreviewMatches = 20
)

// Preview is what a query would find in the stored history.
type Preview struct {
	Checked  int       `json:"checked"`
	Matched  int       `json:"matched"`
	Mentions []Mention `json:"mentions"`
}

// Preview runs a query over the newest stored mentions before it is saved.
// Returns EINVALID (with the query's error) for a query that does not
// parse.
func (s *Service) Preview(ctx context.Context, src string) (*Preview, error) {
	if err := samtal.ActorFrom(ctx).Require(PermManage); err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(src) > MaxQueryLen {
		return nil, samtal.FieldError("query", "error.query_too_long")
	}
	q, err := query.Parse(src)
	if err != nil {
		return nil, queryError(err)
	}
	out := &Preview{Mentions: []Mention{}}
	var ids []int64
	below := int64(0)
	for out.Checked < PreviewLimit {
		batch, err := s.Store.HistoryBelow(ctx, below, 2000)
		if err != nil {
			return nil, err
		}
		if len(batch) == 0 {
			break
		}
		for _, h := range batch {
			if q.Match(query.Prepare(h.doc())) {
				out.Matched++
				if len(ids) < PreviewMatches {
					ids = append(ids, h.ID)
				}
			}
		}
		out.Checked += len(batch)
		below = batch[len(batch)-1].ID
	}
	for _, id := range ids {
		m, err := s.Store.Mention(ctx, id)
		if err != nil {
			continue // gone meanwhile
		}
		out.Mentions = append(out.Mentions, *m)
	}
	return out, nil
}

// doc is what the matcher sees of a stored mention.
func (h *HistoryItem) doc() query.Doc {
	return query.Doc{Title: h.Title, Text: h.Text, URL: h.URL, Author: h.Author, AuthorHandle: h.Handle, Lang: h.Lang, Rating: h.Rating}
}
