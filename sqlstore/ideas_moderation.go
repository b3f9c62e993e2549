package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/idea"
)

// moderationOr returns the state to store: "" (a caller that does not
// moderate) is visible.
func moderationOr(state string) string {
	if state == "" {
		return idea.ModVisible
	}
	return state
}

// votesUsedQuery counts a person's votes in a campaign against the budget:
// votes on ideas that are deleted, held or hidden stay (counts stay exact)
// but do not count, since the voter cannot take them back.
const votesUsedQuery = `SELECT COUNT(*) FROM votes v JOIN ideas i ON i.id = v.idea_id
	WHERE v.person_id = $1 AND v.campaign_id = $2 AND i.deleted_at IS NULL AND i.moderation = 'visible'`

// closeReports closes the open reports of a target with a resolution.
func closeReports(ctx context.Context, tx *sql.Tx, kind string, id int64, resolution string, byPersonID int64, at time.Time) error {
	by := sql.NullInt64{Int64: byPersonID, Valid: byPersonID != 0}
	_, err := tx.ExecContext(ctx,
		`UPDATE reports SET status = 'closed', resolution = $1, resolved_by_person_id = $2, resolved_at = $3
		 WHERE target_kind = $4 AND target_id = $5 AND status = 'open'`,
		resolution, by, ms(at), kind, id)
	if err != nil {
		return fmt.Errorf("close reports: %w", err)
	}
	return nil
}

// HasVisibleContribution implements idea.ModerationStore; both halves use
// the author indexes.
func (s *Ideas) HasVisibleContribution(ctx context.Context, personID int64) (bool, error) {
	row, err := s.db.readRow(ctx,
		`SELECT EXISTS (SELECT 1 FROM ideas WHERE author_person_id = $1 AND moderation = 'visible')
		     OR EXISTS (SELECT 1 FROM comments WHERE author_person_id = $1 AND moderation = 'visible')`, personID)
	if err != nil {
		return false, err
	}
	var ok bool
	return ok, row.Scan(&ok)
}

// UpdateIdea implements idea.ModerationStore.
func (s *Ideas) UpdateIdea(ctx context.Context, i *idea.Idea, at time.Time, e *audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			`UPDATE ideas SET title = $1, body = $2, tags = $3, updated_at = $4, body_html = $6 WHERE id = $5 AND deleted_at IS NULL`,
			i.Title, i.Body, strings.Join(i.Tags, ","), ms(at), i.ID, i.BodyHTML)
		if err != nil {
			return fmt.Errorf("update idea: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound
		}
		if e != nil {
			_, err = appendAudit(ctx, tx, *e)
		}
		return err
	})
}

// DeleteIdea implements idea.ModerationStore. The votes stay; the budget
// query leaves deleted ideas out.
func (s *Ideas) DeleteIdea(ctx context.Context, id int64, at time.Time, e *audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE ideas SET deleted_at = $1, updated_at = $1 WHERE id = $2 AND deleted_at IS NULL`, ms(at), id)
		if err != nil {
			return fmt.Errorf("delete idea: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound
		}
		if err := closeReports(ctx, tx, "idea", id, "deleted", 0, at); err != nil {
			return err
		}
		if e != nil {
			_, err = appendAudit(ctx, tx, *e)
		}
		return err
	})
}

var _ idea.ModerationStore = (*Ideas)(nil)
