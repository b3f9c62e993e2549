package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/idea"
	"github.com/samtal-dev/samtal/moderation"
)

// Moderation stores reports and changes the moderation state of ideas and
// comments.
type Moderation struct{ db *DB }

// NewModeration returns the moderation store of db.
func NewModeration(db *DB) *Moderation { return &Moderation{db: db} }

// AddReport implements moderation.Store. The partial unique index on open
// reports decides a duplicate, so two reports at once cannot both pass.
func (s *Moderation) AddReport(ctx context.Context, r *moderation.Report) error {
	err := s.db.write.QueryRowContext(ctx,
		`INSERT INTO reports (target_kind, target_id, idea_id, reporter_person_id, reason, text, status, created_at)
		 VALUES ($1, $2, $3, $4, $5, $6, 'open', $7) RETURNING id`,
		r.Target.Kind, r.Target.ID, r.IdeaID, r.ReporterPersonID, r.Reason, r.Text, ms(r.CreatedAt)).Scan(&r.ID)
	if isUniqueViolation(err) {
		return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.already_reported"}
	} else if err != nil {
		return fmt.Errorf("insert report: %w", err)
	}
	return nil
}

// SetModeration implements moderation.Store. On PostgreSQL the target's row
// is locked so that two moderators at once change the count once.
func (s *Moderation) SetModeration(ctx context.Context, ch moderation.Change) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		lock := ""
		if s.db.Engine == Postgres {
			lock = " FOR UPDATE"
		}
		q := `SELECT moderation, deleted_at IS NOT NULL, id FROM ideas WHERE id = $1` + lock
		if ch.Target.Kind == moderation.KindComment {
			if err := lockCommentIdea(ctx, s.db, tx, ch.Target.ID); err != nil {
				return err
			}
			q = `SELECT moderation, deleted_at IS NOT NULL, idea_id FROM comments WHERE id = $1` + lock
		}
		var before string
		var deleted bool
		var ideaID int64
		err := tx.QueryRowContext(ctx, q, ch.Target.ID).Scan(&before, &deleted, &ideaID)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && deleted) {
			return errNotFound
		} else if err != nil {
			return err
		}
		var open int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM reports WHERE target_kind = $1 AND target_id = $2 AND status = 'open'`,
			ch.Target.Kind, ch.Target.ID).Scan(&open); err != nil {
			return err
		}
		if before == idea.ModVisible && ch.State == idea.ModVisible && open == 0 {
			return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.nothing_to_review"}
		}
		table := "ideas"
		if ch.Target.Kind == moderation.KindComment {
			table = "comments"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET moderation = $1, moderation_reason = $2, moderated_at = $3 WHERE id = $4`,
			ch.State, ch.Reason, ms(ch.At), ch.Target.ID); err != nil {
			return fmt.Errorf("set moderation: %w", err)
		}
		// The idea counts its visible comments.
		if ch.Target.Kind == moderation.KindComment {
			delta := 0
			if before == idea.ModVisible {
				delta--
			}
			if ch.State == idea.ModVisible {
				delta++
			}
			if delta != 0 {
				if _, err := tx.ExecContext(ctx, `UPDATE ideas SET comments = comments + $1 WHERE id = $2`, delta, ideaID); err != nil {
					return fmt.Errorf("count comment: %w", err)
				}
			}
		}
		if ch.Resolution != "" {
			if err := closeReports(ctx, tx, ch.Target.Kind, ch.Target.ID, ch.Resolution, ch.ActorPersonID, ch.At); err != nil {
				return err
			}
		}
		if ch.Audit != nil {
			_, err = appendAudit(ctx, tx, *ch.Audit)
		}
		return err
	})
}

// Queue implements moderation.Store: one query for the page of targets
// (open reports and held items, grouped by target, oldest first), then one
// per kind for the items and one for their reports, whatever the page size.
func (s *Moderation) Queue(ctx context.Context, limit, offset int) ([]moderation.Item, error) {
	rows, err := s.db.readRows(ctx, `SELECT kind, id, MIN(since) FROM (
		SELECT target_kind AS kind, target_id AS id, created_at AS since FROM reports WHERE status = 'open'
		UNION ALL
		SELECT 'idea', id, moderated_at FROM ideas WHERE moderation = 'held' AND deleted_at IS NULL
		UNION ALL
		SELECT 'comment', id, moderated_at FROM comments WHERE moderation = 'held' AND deleted_at IS NULL
	) q GROUP BY kind, id ORDER BY MIN(since), kind, id LIMIT $1 OFFSET $2`, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	var items []moderation.Item
	byKey := map[moderation.Target]*moderation.Item{}
	ids := map[string][]int64{}
	for rows.Next() {
		var it moderation.Item
		var since int64
		if err := rows.Scan(&it.Target.Kind, &it.Target.ID, &since); err != nil {
			rows.Close()
			return nil, err
		}
		it.Since = fromMS(since)
		items = append(items, it)
		ids[it.Target.Kind] = append(ids[it.Target.Kind], it.Target.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(items) == 0 {
		return items, err
	}
	for k := range items {
		byKey[items[k].Target] = &items[k]
	}
	detail := map[string]string{
		moderation.KindIdea: `SELECT i.id, i.id, i.title, substr(i.body, 1, 500), i.author_person_id, p.name, i.moderation, i.moderation_reason
			FROM ideas i JOIN persons p ON p.id = i.author_person_id WHERE i.id IN `,
		moderation.KindComment: `SELECT c.id, c.idea_id, i.title, substr(c.body, 1, 500), c.author_person_id, p.name, c.moderation, c.moderation_reason
			FROM comments c JOIN ideas i ON i.id = c.idea_id JOIN persons p ON p.id = c.author_person_id WHERE c.id IN `,
	}
	for kind, list := range ids {
		in, args := inList(list, 0)
		rows, err := s.db.readOnce(ctx, detail[kind]+in, args...)
		if err != nil {
			return nil, fmt.Errorf("queue items: %w", err)
		}
		for rows.Next() {
			var id int64
			var it moderation.Item
			if err := rows.Scan(&id, &it.IdeaID, &it.IdeaTitle, &it.Body, &it.AuthorPersonID, &it.AuthorName, &it.Moderation, &it.ModerationReason); err != nil {
				rows.Close()
				return nil, err
			}
			if x := byKey[moderation.Target{Kind: kind, ID: id}]; x != nil {
				it.Target, it.Since = x.Target, x.Since
				*x = it
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		in, args = inList(list, 1)
		rows, err = s.db.readOnce(ctx, `SELECT target_id, reason, text FROM reports
			WHERE status = 'open' AND target_kind = $1 AND target_id IN `+in+` ORDER BY id`, append([]any{kind}, args...)...)
		if err != nil {
			return nil, fmt.Errorf("queue reports: %w", err)
		}
		for rows.Next() {
			var id int64
			var reason, text string
			if err := rows.Scan(&id, &reason, &text); err != nil {
				rows.Close()
				return nil, err
			}
			x := byKey[moderation.Target{Kind: kind, ID: id}]
			if x == nil {
				continue
			}
			x.Reports++
			if text != "" {
				x.Texts = append(x.Texts, text)
			}
			found := false
			for r := range x.Reasons {
				if x.Reasons[r].Reason == reason {
					x.Reasons[r].Count++
					found = true
				}
			}
			if !found {
				x.Reasons = append(x.Reasons, moderation.ReasonCount{Reason: reason, Count: 1})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	for k := range items {
		// The most given reason first.
		sort.SliceStable(items[k].Reasons, func(a, b int) bool { return items[k].Reasons[a].Count > items[k].Reasons[b].Count })
	}
	return items, nil
}

// inList returns "($n+1, $n+2, …)" for ids, numbered after skip arguments,
// and the ids as arguments.
func inList(ids []int64, skip int) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return "(" + placeholders(skip+1, len(ids)) + ")", args
}

var _ moderation.Store = (*Moderation)(nil)
