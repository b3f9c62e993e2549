package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/idea"
)

// Ideas stores ideas, votes and status changes.
type Ideas struct{ db *DB }

// actorIdentity is the identity the acting account writes through
// (samtal.Actor.IdentityID), stored with each idea, comment and vote: a
// person unmerge sends what arrived since the merge back with its identity.
// NULL when the writer is not an account (imports, the seed).
func actorIdentity(ctx context.Context) sql.NullInt64 {
	return nullID(samtal.ActorFrom(ctx).IdentityID)
}

// NewIdeas returns the idea store of db.
func NewIdeas(db *DB) *Ideas { return &Ideas{db: db} }

// greatest and least are the two-argument max and min: scalar max/min on
// SQLite, GREATEST/LEAST on PostgreSQL.
func (db *DB) greatest(a, b string) string {
	if db.Engine == Postgres {
		return "GREATEST(" + a + ", " + b + ")"
	}
	return "max(" + a + ", " + b + ")"
}

func (db *DB) least(a, b string) string {
	if db.Engine == Postgres {
		return "LEAST(" + a + ", " + b + ")"
	}
	return "min(" + a + ", " + b + ")"
}

// CreateIdea implements idea.Store. Its tags go into idea_tags in the same
// transaction.
func (s *Ideas) CreateIdea(ctx context.Context, i *idea.Idea, trending float64) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx,
			`INSERT INTO ideas (campaign_id, question_id, author_person_id, title, body, tags, status, trending, created_at, updated_at, moderation, moderated_at, body_html, images, identity_id)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $9, $11, $12, $13) RETURNING id`,
			i.CampaignID, i.QuestionID, i.AuthorPersonID, i.Title, i.Body, strings.Join(i.Tags, ","), i.Status, trending, ms(i.CreatedAt),
			moderationOr(i.Moderation), i.BodyHTML, strings.Join(i.Images, ","), actorIdentity(ctx)).Scan(&i.ID)
		if err != nil {
			return fmt.Errorf("insert idea: %w", err)
		}
		i.Trending = trending
		if err := setIdeaTags(ctx, tx, i.ID, i.CampaignID, i.Tags); err != nil {
			return err
		}
		return attachImages(ctx, tx, i)
	})
}

// ideaColumns are read by scanIdea; the last one says whether the viewer
// ($1 in every query that uses them; 0 for a visitor, who voted for
// nothing, so that no vote is looked up) voted.
const ideaColumns = `i.id, i.campaign_id, i.question_id, i.author_person_id, p.name, i.title, %s, i.tags, i.status,
	i.votes, i.comments, COALESCE(i.merged_into, 0), i.trending, i.created_at, i.updated_at,
	i.moderation, i.moderation_reason, i.deleted_at IS NOT NULL,
	CAST($1 AS BIGINT) > 0 AND EXISTS (SELECT 1 FROM votes v WHERE v.idea_id = i.id AND v.person_id = $1), %s, i.images, i.thread_version`

func scanIdea(row interface{ Scan(...any) error }) (*idea.Idea, error) {
	var i idea.Idea
	var tags, images string
	var created, updated int64
	if err := row.Scan(&i.ID, &i.CampaignID, &i.QuestionID, &i.AuthorPersonID, &i.AuthorName, &i.Title, &i.Body, &tags, &i.Status,
		&i.Votes, &i.Comments, &i.MergedInto, &i.Trending, &created, &updated,
		&i.Moderation, &i.ModerationReason, &i.Deleted, &i.Voted, &i.BodyHTML, &images, &i.ThreadVersion); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errNotFound
		}
		return nil, err
	}
	if tags != "" {
		i.Tags = strings.Split(tags, ",")
	}
	if images != "" {
		i.Images = strings.Split(images, ",")
	}
	i.CreatedAt, i.UpdatedAt = fromMS(created), fromMS(updated)
	return &i, nil
}

// IdeaByID implements idea.Store.
func (s *Ideas) IdeaByID(ctx context.Context, id, viewerPersonID int64) (*idea.Idea, error) {
	row, err := s.db.readRow(ctx, `SELECT `+fmt.Sprintf(ideaColumns, "i.body", "i.body_html")+`
		FROM ideas i JOIN persons p ON p.id = i.author_person_id WHERE i.id = $2`, viewerPersonID, id)
	if err != nil {
		return nil, err
	}
	return scanIdea(row)
}

// statusRank returns idea.StatusRank in SQL.
func statusRank() string {
	var b strings.Builder
	b.WriteString("CASE i.status")
	for k, st := range idea.Statuses {
		fmt.Fprintf(&b, " WHEN '%s' THEN %d", st, k)
	}
	fmt.Fprintf(&b, " ELSE %d END", len(idea.Statuses))
	return b.String()
}

// ListIdeas implements idea.Store: one query, whatever the page size, with
// the counts kept on each idea and the viewer's vote as a subquery that hits
// the votes primary key. Lists carry the first 300 characters of a body.
// Pages continue after f.After by the sort key and id (row values, which
// both engines compare in index order), never by OFFSET.
func (s *Ideas) ListIdeas(ctx context.Context, f idea.Filter) ([]*idea.Idea, error) {
	w := filter{args: []any{f.ViewerPersonID}}
	from := ` FROM ideas i JOIN persons p ON p.id = i.author_person_id`
	order := "i.trending DESC, i.id DESC"
	if f.Sort == idea.SortRelevance {
		// The words first, so that the engine starts from the index.
		ph := w.arg(s.db.matchExpr(f.Words, true))
		var cond, score string
		from, cond, score = s.db.ideaMatch(ph)
		from += ` JOIN persons p ON p.id = i.author_person_id`
		w.conds = append(w.conds, cond)
		order = score + " DESC, i.id DESC"
	}
	w.where("i.campaign_id = %s", f.CampaignID)
	if f.QuestionID != 0 {
		w.where("i.question_id = %s", f.QuestionID)
	}
	if f.Status != "" {
		w.where("i.status = %s", f.Status)
	}
	if f.Tag != "" {
		// From the campaign's range of idea_tags: a tag is a few percent of
		// a campaign's ideas, cheaper to sort than to find along the order.
		w.where("i.id IN (SELECT t.idea_id FROM idea_tags t WHERE t.campaign_id = %s AND t.tag = %s)", f.CampaignID, f.Tag)
	}
	w.conds = append(w.conds, "i.merged_into IS NULL", "i.deleted_at IS NULL")
	// Held and hidden ideas: moderators see them all, authors their own.
	if !f.Moderator {
		w.where("(i.moderation = 'visible' OR i.author_person_id = %s)", f.ViewerPersonID)
	}
	switch f.Sort {
	case idea.SortTop:
		order = "i.votes DESC, i.id DESC"
	case idea.SortNewest:
		order = "i.id DESC"
	case idea.SortStatus:
		// No index follows this order: a campaign's ideas are sorted per
		// page. It is a choice people make now and then, not the default.
		order = statusRank() + ", i.trending DESC, i.id DESC"
	}
	if c := f.After; c != nil {
		switch c.Sort {
		case idea.SortTrending:
			w.where("(i.trending, i.id) < (%s, %s)", c.Trending, c.ID)
		case idea.SortTop:
			w.where("(i.votes, i.id) < (%s, %s)", c.Votes, c.ID)
		case idea.SortNewest:
			w.where("i.id < %s", c.ID)
		case idea.SortStatus:
			rank := statusRank()
			w.where("("+rank+" > %s OR ("+rank+" = %s AND (i.trending, i.id) < (%s, %s)))", c.Rank, c.Rank, c.Trending, c.ID)
		}
	}
	q := `SELECT ` + fmt.Sprintf(ideaColumns, "substr(i.body, 1, 300)", "''") + from +
		w.sql() + " ORDER BY " + order + " LIMIT " + w.arg(f.Limit)
	rows, err := s.db.readRows(ctx, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list ideas: %w", err)
	}
	defer rows.Close()
	out := make([]*idea.Idea, 0, f.Limit)
	for rows.Next() {
		i, err := scanIdea(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

// setIdeaTags writes an idea's tags into idea_tags (after deleting the ones
// it had). Every write of ideas.tags must call it in its transaction.
func setIdeaTags(ctx context.Context, tx *sql.Tx, ideaID, campaignID int64, tags []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM idea_tags WHERE idea_id = $1`, ideaID); err != nil {
		return fmt.Errorf("tags: %w", err)
	}
	for _, t := range tags {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO idea_tags (idea_id, campaign_id, tag) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, ideaID, campaignID, t); err != nil {
			return fmt.Errorf("tags: %w", err)
		}
	}
	return nil
}

// CampaignTags implements idea.Store: one range of the (campaign_id, tag)
// index, without reading the ideas (ideas merged into others count too).
func (s *Ideas) CampaignTags(ctx context.Context, campaignID int64, limit int) ([]idea.TagCount, error) {
	rows, err := s.db.readRows(ctx, `SELECT tag, COUNT(*) FROM idea_tags
		WHERE campaign_id = $1 GROUP BY tag ORDER BY COUNT(*) DESC, tag LIMIT $2`, campaignID, limit)
	if err != nil {
		return nil, fmt.Errorf("campaign tags: %w", err)
	}
	defer rows.Close()
	var out []idea.TagCount
	for rows.Next() {
		var t idea.TagCount
		if err := rows.Scan(&t.Tag, &t.Ideas); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// AddVote implements idea.Store. The vote, the count and the trending score
// change in one transaction; on PostgreSQL the voter's row is locked so that
// two votes of one person at once cannot both pass the budget.
func (s *Ideas) AddVote(ctx context.Context, ideaID, personID, campaignID int64, budget int, weight float64, at time.Time) (int, error) {
	var votes int
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		if s.db.Engine == Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT id FROM persons WHERE id = $1 FOR UPDATE`, personID); err != nil {
				return fmt.Errorf("lock voter: %w", err)
			}
		}
		if s.db.Engine == Postgres {
			// On PostgreSQL the idea is locked before its votes (see
			// lockUnmerged); SQLite's one writer needs no lock, and the
			// update below refuses a merged idea.
			if err := s.lockUnmerged(ctx, tx, ideaID); err != nil {
				return err
			}
		}
		if budget > 0 {
			var used int
			if err := s.db.txQueryRow(ctx, tx, votesUsedQuery, personID, campaignID).Scan(&used); err != nil {
				return err
			}
			if used >= budget {
				return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.vote_budget_spent"}
			}
		}
		res, err := s.db.txExec(ctx, tx,
			`INSERT INTO votes (idea_id, person_id, campaign_id, weight, created_at, identity_id) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
			ideaID, personID, campaignID, weight, ms(at), actorIdentity(ctx))
		if err != nil {
			return fmt.Errorf("insert vote: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.already_voted"}
		}
		hi, lo := s.db.greatest("trending", "$1"), s.db.least("trending", "$1")
		err = s.db.txQueryRow(ctx, tx,
			`UPDATE ideas SET votes = votes + 1, trending = `+hi+` + ln(1 + exp(`+lo+` - `+hi+`)) WHERE id = $2 AND merged_into IS NULL RETURNING votes`,
			weight, ideaID).Scan(&votes)
		if errors.Is(err, sql.ErrNoRows) {
			// Merged a moment ago: the vote is rolled back with the rest.
			return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.idea_merged"}
		}
		return err
	})
	return votes, err
}

// RemoveVote implements idea.Store.
func (s *Ideas) RemoveVote(ctx context.Context, ideaID, personID int64) (int, error) {
	var votes int
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		if s.db.Engine == Postgres {
			// See lockUnmerged: wait for a merge before touching its votes.
			if _, err := tx.ExecContext(ctx, `SELECT id FROM ideas WHERE id = $1 FOR KEY SHARE`, ideaID); err != nil {
				return err
			}
		}
		var weight float64
		err := s.db.txQueryRow(ctx, tx, `DELETE FROM votes WHERE idea_id = $1 AND person_id = $2 RETURNING weight`, ideaID, personID).Scan(&weight)
		if errors.Is(err, sql.ErrNoRows) {
			return &samtal.Error{Code: samtal.ENOTFOUND, Message: "error.no_vote"}
		} else if err != nil {
			return err
		}
		// log(e^t - e^w) = t + log(1 - e^(w-t)); the idea's own creation term
		// keeps it above any one vote, the floor only guards rounding.
		err = s.db.txQueryRow(ctx, tx,
			`UPDATE ideas SET votes = votes - 1, trending = trending + ln(`+s.db.greatest("1e-12", "1 - exp($1 - trending)")+`)
			 WHERE id = $2 RETURNING votes`, weight, ideaID).Scan(&votes)
		return err
	})
	return votes, err
}

// VotesUsed implements idea.Store.
func (s *Ideas) VotesUsed(ctx context.Context, personID, campaignID int64) (int, error) {
	row, err := s.db.readRow(ctx, votesUsedQuery, personID, campaignID)
	if err != nil {
		return 0, err
	}
	var n int
	return n, row.Scan(&n)
}

// SetStatus implements idea.Store.
func (s *Ideas) SetStatus(ctx context.Context, ideaID int64, status, note string, actorPersonID int64, at time.Time, e audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE ideas SET status = $1, updated_at = $2 WHERE id = $3`, status, ms(at), ideaID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound
		}
		actor := sql.NullInt64{Int64: actorPersonID, Valid: actorPersonID != 0}
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO idea_status_changes (idea_id, status, note, actor_person_id, at) VALUES ($1, $2, $3, $4, $5)`,
			ideaID, status, note, actor, ms(at)); err != nil {
			return err
		}
		_, err = appendAudit(ctx, tx, e)
		return err
	})
}

// StatusChanges implements idea.Store.
func (s *Ideas) StatusChanges(ctx context.Context, ideaID int64) ([]idea.StatusChange, error) {
	rows, err := s.db.readRows(ctx,
		`SELECT c.status, c.note, COALESCE(p.name, ''), c.at FROM idea_status_changes c
		 LEFT JOIN persons p ON p.id = c.actor_person_id WHERE c.idea_id = $1 ORDER BY c.id`, ideaID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []idea.StatusChange
	for rows.Next() {
		var c idea.StatusChange
		var at int64
		if err := rows.Scan(&c.Status, &c.Note, &c.ActorName, &at); err != nil {
			return nil, err
		}
		c.At = fromMS(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// CampaignOfQuestion implements idea.Store.
func (s *Ideas) CampaignOfQuestion(ctx context.Context, questionID int64) (int64, error) {
	return s.db.readID(ctx, `SELECT campaign_id FROM questions WHERE id = $1`, questionID)
}

// ImportedVote is one vote brought in from elsewhere (an import from another
// tool, or the load benchmark's seed).
type ImportedVote struct {
	IdeaID, PersonID, CampaignID int64
	At                           time.Time
}

// importBatch is how many rows one INSERT statement carries.
const importBatch = 500

// ImportVotes stores many votes at once and sets the counts and trending
// scores of the ideas they are for, in one transaction. Votes a person
// already gave are skipped. weight is idea.Weight; it is a parameter so that
// the store keeps no rule of its own.
func (s *Ideas) ImportVotes(ctx context.Context, votes []ImportedVote, weight func(time.Time) float64) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		touched := map[int64]bool{}
		for start := 0; start < len(votes); start += importBatch {
			batch := votes[start:min(start+importBatch, len(votes))]
			var q strings.Builder
			q.WriteString(`INSERT INTO votes (idea_id, person_id, campaign_id, weight, created_at) VALUES `)
			s.db.values(&q, len(batch), 5)
			args := make([]any, 0, len(batch)*5)
			for _, v := range batch {
				args = append(args, v.IdeaID, v.PersonID, v.CampaignID, weight(v.At), ms(v.At))
				touched[v.IdeaID] = true
			}
			q.WriteString(" ON CONFLICT DO NOTHING")
			if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
				return fmt.Errorf("import votes: %w", err)
			}
		}
		// Recount from the votes table, so that skipped duplicates do not
		// count: a few hundred ideas per query, in id order.
		ids := make([]int64, 0, len(touched))
		for id := range touched {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for start := 0; start < len(ids); start += importBatch {
			if err := s.recount(ctx, tx, ids[start:min(start+importBatch, len(ids))], weight); err != nil {
				return err
			}
		}
		return nil
	})
}

// recount sets the vote count and trending score of the given ideas from
// their votes.
func (s *Ideas) recount(ctx context.Context, tx *sql.Tx, ids []int64, weight func(time.Time) float64) error {
	ph := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		ph[i], args[i] = fmt.Sprintf("$%d", i+1), id
	}
	in := "(" + strings.Join(ph, ",") + ")"
	type tally struct {
		n     int
		score float64
	}
	tallies := make(map[int64]*tally, len(ids))
	rows, err := tx.QueryContext(ctx, `SELECT id, created_at FROM ideas WHERE id IN `+in, args...)
	if err != nil {
		return fmt.Errorf("recount: %w", err)
	}
	for rows.Next() {
		var id, created int64
		if err := rows.Scan(&id, &created); err != nil {
			rows.Close()
			return err
		}
		tallies[id] = &tally{score: weight(fromMS(created))}
	}
	rows.Close()
	rows, err = tx.QueryContext(ctx, `SELECT idea_id, weight FROM votes WHERE idea_id IN `+in, args...)
	if err != nil {
		return fmt.Errorf("recount: %w", err)
	}
	for rows.Next() {
		var id int64
		var w float64
		if err := rows.Scan(&id, &w); err != nil {
			rows.Close()
			return err
		}
		if t := tallies[id]; t != nil {
			t.n++
			t.score = idea.AddWeight(t.score, w)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// One statement for the batch: a person merge recounts a thousand ideas,
	// and a statement each was most of its time on PostgreSQL.
	var q strings.Builder
	q.WriteString(`UPDATE ideas SET votes = CAST(v.column2 AS INTEGER), trending = CAST(v.column3 AS DOUBLE PRECISION) FROM (VALUES `)
	up := make([]any, 0, 3*len(tallies))
	for id, t := range tallies {
		if len(up) > 0 {
			q.WriteString(", ")
		}
		n := len(up)
		if s.db.Engine == Postgres {
			fmt.Fprintf(&q, "(CAST($%d AS BIGINT), CAST($%d AS INTEGER), CAST($%d AS DOUBLE PRECISION))", n+1, n+2, n+3)
		} else {
			q.WriteString("(?, ?, ?)")
		}
		up = append(up, id, t.n, t.score)
	}
	if len(up) == 0 {
		return nil
	}
	q.WriteString(`) AS v WHERE ideas.id = v.column1`)
	if _, err := tx.ExecContext(ctx, q.String(), up...); err != nil {
		return fmt.Errorf("recount: %w", err)
	}
	return nil
}
