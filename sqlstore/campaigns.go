package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/campaign"
)

// Campaigns stores campaigns and their questions.
type Campaigns struct{ db *DB }

// NewCampaigns returns the campaign store of db.
func NewCampaigns(db *DB) *Campaigns { return &Campaigns{db: db} }

// CreateCampaign implements campaign.Store.
func (s *Campaigns) CreateCampaign(ctx context.Context, c *campaign.Campaign, e audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx,
			`INSERT INTO campaigns (slug, title, brief, visibility, languages, vote_budget, starts_at, ends_at, created_at, hold_first_posts, brief_html, cover_key)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			c.Slug, c.Title, c.Brief, c.Visibility, strings.Join(c.Languages, ","), c.VoteBudget,
			nullMS(c.StartsAt), nullMS(c.EndsAt), ms(c.CreatedAt), c.HoldFirstPosts, c.BriefHTML, nullString(c.CoverKey)).Scan(&c.ID)
		if isUniqueViolation(err) {
			return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.slug_taken", Field: "slug"}
		} else if err != nil {
			return fmt.Errorf("insert campaign: %w", err)
		}
		for i := range c.Questions {
			q := &c.Questions[i]
			q.CampaignID = c.ID
			if err := tx.QueryRowContext(ctx,
				`INSERT INTO questions (campaign_id, position, text, help) VALUES ($1, $2, $3, $4) RETURNING id`,
				c.ID, q.Position, q.Text, q.Help).Scan(&q.ID); err != nil {
				return fmt.Errorf("insert question: %w", err)
			}
		}
		e.TargetID = strconv.FormatInt(c.ID, 10)
		_, err = appendAudit(ctx, tx, e)
		return err
	})
}

const campaignColumns = `id, slug, title, brief, visibility, languages, vote_budget, starts_at, ends_at, created_at, hold_first_posts, brief_html, COALESCE(cover_key, '')`

func scanCampaign(row interface{ Scan(...any) error }) (*campaign.Campaign, error) {
	var c campaign.Campaign
	var langs string
	var starts, ends sql.NullInt64
	var created int64
	if err := row.Scan(&c.ID, &c.Slug, &c.Title, &c.Brief, &c.Visibility, &langs, &c.VoteBudget, &starts, &ends, &created, &c.HoldFirstPosts, &c.BriefHTML, &c.CoverKey); err != nil {
		if err == sql.ErrNoRows {
			return nil, errNotFound
		}
		return nil, err
	}
	if langs != "" {
		c.Languages = strings.Split(langs, ",")
	}
	c.StartsAt, c.EndsAt, c.CreatedAt = fromNullMS(starts), fromNullMS(ends), fromMS(created)
	return &c, nil
}

// ListCampaigns implements campaign.Store with two queries whatever the
// number of campaigns: the campaigns, then all their questions.
func (s *Campaigns) ListCampaigns(ctx context.Context, visibilities []string) ([]*campaign.Campaign, error) {
	args := make([]any, len(visibilities))
	ph := make([]string, len(visibilities))
	for i, v := range visibilities {
		args[i], ph[i] = v, "$"+strconv.Itoa(i+1)
	}
	return s.withQuestions(ctx, `SELECT id FROM campaigns WHERE visibility IN (`+strings.Join(ph, ",")+`) ORDER BY id DESC LIMIT 100`, args...)
}

// withQuestions reads the campaigns whose ids the query ids selects,
// newest first, and all their questions: two queries however many.
func (s *Campaigns) withQuestions(ctx context.Context, ids string, args ...any) ([]*campaign.Campaign, error) {
	rows, err := s.db.readRows(ctx, `SELECT `+campaignColumns+` FROM campaigns WHERE id IN (`+ids+`) ORDER BY id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*campaign.Campaign
	byID := map[int64]*campaign.Campaign{}
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
		byID[c.ID] = c
	}
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	qrows, err := s.db.readRows(ctx, `SELECT id, campaign_id, position, text, help FROM questions
		WHERE campaign_id IN (`+ids+`) ORDER BY campaign_id, position`, args...)
	if err != nil {
		return nil, err
	}
	err = scanQuestions(qrows, func(q campaign.Question) {
		if c := byID[q.CampaignID]; c != nil {
			c.Questions = append(c.Questions, q)
		}
	})
	return out, err
}

// scanQuestions reads question rows (id, campaign_id, position, text, help)
// and closes them.
func scanQuestions(rows *sql.Rows, add func(campaign.Question)) error {
	defer rows.Close()
	for rows.Next() {
		var q campaign.Question
		if err := rows.Scan(&q.ID, &q.CampaignID, &q.Position, &q.Text, &q.Help); err != nil {
			return err
		}
		add(q)
	}
	return rows.Err()
}

// CampaignBySlug implements campaign.Store.
func (s *Campaigns) CampaignBySlug(ctx context.Context, slug string) (*campaign.Campaign, error) {
	return s.campaignWhere(ctx, "slug = $1", slug)
}

// CampaignByID implements campaign.Store.
func (s *Campaigns) CampaignByID(ctx context.Context, id int64) (*campaign.Campaign, error) {
	return s.campaignWhere(ctx, "id = $1", id)
}

// campaignWhere returns the one campaign matching cond, with its questions.
func (s *Campaigns) campaignWhere(ctx context.Context, cond string, arg any) (*campaign.Campaign, error) {
	row, err := s.db.readRow(ctx, `SELECT `+campaignColumns+` FROM campaigns WHERE `+cond, arg)
	if err != nil {
		return nil, err
	}
	c, err := scanCampaign(row)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.readRows(ctx, `SELECT id, campaign_id, position, text, help FROM questions WHERE campaign_id = $1 ORDER BY position`, c.ID)
	if err != nil {
		return nil, err
	}
	err = scanQuestions(rows, func(q campaign.Question) { c.Questions = append(c.Questions, q) })
	return c, err
}

// SetHoldFirstPosts implements campaign.Store.
func (s *Campaigns) SetHoldFirstPosts(ctx context.Context, id int64, on bool, e audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE campaigns SET hold_first_posts = $1 WHERE id = $2`, on, id)
		if err != nil {
			return fmt.Errorf("hold first posts: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound
		}
		_, err = appendAudit(ctx, tx, e)
		return err
	})
}
