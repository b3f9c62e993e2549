package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/campaign"
)

// Managing campaigns: editing, questions, invitations. Every write appends
// its audit entry in its own transaction.

// nullString stores "" as NULL (for optional references).
func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// UpdateCampaign implements campaign.Store.
func (s *Campaigns) UpdateCampaign(ctx context.Context, c *campaign.Campaign, e audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			`UPDATE campaigns SET slug = $1, title = $2, brief = $3, brief_html = $4, visibility = $5, languages = $6,
			 vote_budget = $7, starts_at = $8, ends_at = $9, cover_key = $10, hold_first_posts = $12 WHERE id = $11`,
			c.Slug, c.Title, c.Brief, c.BriefHTML, c.Visibility, strings.Join(c.Languages, ","), c.VoteBudget,
			nullMS(c.StartsAt), nullMS(c.EndsAt), nullString(c.CoverKey), c.ID, c.HoldFirstPosts)
		if isUniqueViolation(err) {
			return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.slug_taken", Field: "slug"}
		} else if err != nil {
			return fmt.Errorf("update campaign: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound
		}
		_, err = appendAudit(ctx, tx, e)
		return err
	})
}

// InvitedCampaigns implements campaign.Store with two queries, like
// ListCampaigns.
func (s *Campaigns) InvitedCampaigns(ctx context.Context, personID int64) ([]*campaign.Campaign, error) {
	return s.withQuestions(ctx, `SELECT c.id FROM campaigns c JOIN campaign_invites i ON i.campaign_id = c.id
		WHERE i.person_id = $1 AND c.visibility = 'invited' ORDER BY c.id DESC LIMIT 100`, personID)
}

// AddQuestion implements campaign.Store.
func (s *Campaigns) AddQuestion(ctx context.Context, q *campaign.Question, e audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx,
			`INSERT INTO questions (campaign_id, position, text, help)
			 VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM questions WHERE campaign_id = $1), $2, $3) RETURNING id, position`,
			q.CampaignID, q.Text, q.Help).Scan(&q.ID, &q.Position)
		if err != nil {
			return fmt.Errorf("add question: %w", err)
		}
		_, err = appendAudit(ctx, tx, e)
		return err
	})
}

// UpdateQuestion implements campaign.Store.
func (s *Campaigns) UpdateQuestion(ctx context.Context, q *campaign.Question, e audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE questions SET text = $1, help = $2 WHERE id = $3 AND campaign_id = $4`,
			q.Text, q.Help, q.ID, q.CampaignID)
		if err != nil {
			return fmt.Errorf("update question: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound
		}
		_, err = appendAudit(ctx, tx, e)
		return err
	})
}

// SetQuestionOrder implements campaign.Store.
func (s *Campaigns) SetQuestionOrder(ctx context.Context, campaignID int64, ids []int64, e audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		for i, id := range ids {
			res, err := tx.ExecContext(ctx, `UPDATE questions SET position = $1 WHERE id = $2 AND campaign_id = $3`, i+1, id, campaignID)
			if err != nil {
				return fmt.Errorf("order questions: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return errNotFound
			}
		}
		_, err := appendAudit(ctx, tx, e)
		return err
	})
}

// RemoveQuestion implements campaign.Store. The check for ideas and the
// delete share the transaction; on PostgreSQL an idea posted in between
// fails the delete on the foreign key instead.
func (s *Campaigns) RemoveQuestion(ctx context.Context, campaignID, questionID int64, e audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		var used bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM ideas WHERE question_id = $1)`, questionID).Scan(&used); err != nil {
			return err
		}
		if used {
			return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.question_has_ideas", Field: "question"}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM questions WHERE id = $1 AND campaign_id = $2`, questionID, campaignID)
		if err != nil {
			return fmt.Errorf("remove question: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound
		}
		_, err = appendAudit(ctx, tx, e)
		return err
	})
}

// IsInvited implements campaign.Store.
func (s *Campaigns) IsInvited(ctx context.Context, campaignID, personID int64) (bool, error) {
	row, err := s.db.readRow(ctx, `SELECT EXISTS (SELECT 1 FROM campaign_invites WHERE campaign_id = $1 AND person_id = $2)`, campaignID, personID)
	if err != nil {
		return false, err
	}
	var ok bool
	return ok, row.Scan(&ok)
}

// Invite implements campaign.Store.
func (s *Campaigns) Invite(ctx context.Context, campaignID int64, email string, byPersonID int64, at time.Time, e audit.Entry) (*campaign.Invite, error) {
	inv := &campaign.Invite{CampaignID: campaignID, Email: email, CreatedAt: at}
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT a.person_id, p.name FROM accounts a JOIN persons p ON p.id = a.person_id WHERE a.email = $1`, email).
			Scan(&inv.PersonID, &inv.Name)
		if errors.Is(err, sql.ErrNoRows) {
			return errNotFound
		} else if err != nil {
			return err
		}
		by := sql.NullInt64{Int64: byPersonID, Valid: byPersonID != 0}
		res, err := tx.ExecContext(ctx,
			`INSERT INTO campaign_invites (campaign_id, person_id, invited_by_person, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
			campaignID, inv.PersonID, by, ms(at))
		if err != nil {
			return fmt.Errorf("invite: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // invited already: nothing changed, nothing to audit
		}
		_, err = appendAudit(ctx, tx, e)
		return err
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// Uninvite implements campaign.Store.
func (s *Campaigns) Uninvite(ctx context.Context, campaignID, personID int64, e audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM campaign_invites WHERE campaign_id = $1 AND person_id = $2`, campaignID, personID)
		if err != nil {
			return fmt.Errorf("uninvite: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound
		}
		_, err = appendAudit(ctx, tx, e)
		return err
	})
}

// Invites implements campaign.Store.
func (s *Campaigns) Invites(ctx context.Context, campaignID int64) ([]campaign.Invite, error) {
	rows, err := s.db.readRows(ctx, `SELECT i.person_id, p.name, COALESCE(a.email, ''), i.created_at FROM campaign_invites i
		JOIN persons p ON p.id = i.person_id LEFT JOIN accounts a ON a.person_id = i.person_id
		WHERE i.campaign_id = $1 ORDER BY i.created_at, i.person_id`, campaignID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []campaign.Invite
	for rows.Next() {
		inv := campaign.Invite{CampaignID: campaignID}
		var at int64
		if err := rows.Scan(&inv.PersonID, &inv.Name, &inv.Email, &at); err != nil {
			return nil, err
		}
		inv.CreatedAt = fromMS(at)
		out = append(out, inv)
	}
	return out, rows.Err()
}

// UploadOwner implements campaign.Store.
func (s *Campaigns) UploadOwner(ctx context.Context, key string) (int64, error) {
	return s.db.readID(ctx, `SELECT owner_person_id FROM uploads WHERE key = $1`, key)
}

var _ campaign.Store = (*Campaigns)(nil)
