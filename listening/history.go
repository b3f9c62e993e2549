package listening

import (
	"context"

	"github.com/samtal-dev/samtal/listening/query"
)

// HistoryBatch is how many stored mentions one step of a topic's run over
// the history reads.
const HistoryBatch = 2000

// RunHistory matches new and edited topics against the stored history, a
// batch at a time, newest first, until every pending topic is done or ctx
// ends. Progress is stored after each batch, so a run that stops (a
// restart, a crash) goes on where it was. An edit in the middle restarts
// the topic's run from the newest mention with its new version.
func (s *Service) RunHistory(ctx context.Context) error {
	for {
		pending, err := s.Store.PendingReruns(ctx)
		if err != nil || len(pending) == 0 {
			return err
		}
		for _, t := range pending {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := s.historyStep(ctx, &t); err != nil {
				return err
			}
		}
	}
}

// historyStep matches one batch of history against one topic.
func (s *Service) historyStep(ctx context.Context, t *Topic) error {
	q, err := query.Parse(t.Query)
	if err != nil {
		// A stored query that no longer parses matches nothing: finish.
		return s.Store.MatchHistory(ctx, t.ID, t.RerunVersion, nil, 0, true)
	}
	batch, err := s.Store.HistoryBelow(ctx, t.RerunBelow, HistoryBatch)
	if err != nil {
		return err
	}
	var matched []HistoryItem
	for _, h := range batch {
		if q.Match(query.Prepare(h.doc())) {
			matched = append(matched, h)
		}
	}
	if len(batch) < HistoryBatch {
		return s.Store.MatchHistory(ctx, t.ID, t.RerunVersion, matched, 0, true)
	}
	return s.Store.MatchHistory(ctx, t.ID, t.RerunVersion, matched, batch[len(batch)-1].ID, false)
}
