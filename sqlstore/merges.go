package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/idea"
)

// Merges of duplicate ideas live in the idea store: a merge moves votes and
// comments and recounts both ideas in one transaction.
//
// Locking on PostgreSQL: a merge and its undo take FOR UPDATE on both idea
// rows, in id order, before they read or move any vote or comment. Votes,
// unvotes and comment deletions take FOR KEY SHARE on their idea before they
// touch a vote or comment row (lockUnmerged, RemoveVote, DeleteComment), so
// they wait for a merge instead of holding a row the merge must move, and
// they do not wait for each other (their count updates are no-key updates).
// On SQLite the one writer connection serialises all of it.

// lockUnmerged checks, inside a vote's transaction, that the idea is not
// merged (the service checked before, but a merge may have committed since),
// and on PostgreSQL holds a key-share lock on it until the vote commits.
func (s *Ideas) lockUnmerged(ctx context.Context, tx *sql.Tx, ideaID int64) error {
	q := `SELECT COALESCE(merged_into, 0) FROM ideas WHERE id = $1`
	if s.db.Engine == Postgres {
		q += ` FOR KEY SHARE`
	}
	var into int64
	err := tx.QueryRowContext(ctx, q, ideaID).Scan(&into)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return errNotFound
	case err != nil:
		return fmt.Errorf("lock idea: %w", err)
	case into != 0:
		return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.idea_merged"}
	}
	return nil
}

// lockPair locks two ideas in id order on PostgreSQL and returns their
// campaign and merged_into; ENOTFOUND if either is missing.
func (s *Ideas) lockPair(ctx context.Context, tx *sql.Tx, a, b int64) (campaign, merged map[int64]int64, err error) {
	q := `SELECT id, campaign_id, COALESCE(merged_into, 0) FROM ideas WHERE id IN ($1, $2) ORDER BY id`
	if s.db.Engine == Postgres {
		q += ` FOR UPDATE`
	}
	rows, err := tx.QueryContext(ctx, q, a, b)
	if err != nil {
		return nil, nil, fmt.Errorf("lock ideas: %w", err)
	}
	defer rows.Close()
	campaign, merged = map[int64]int64{}, map[int64]int64{}
	for rows.Next() {
		var id, c, m int64
		if err := rows.Scan(&id, &c, &m); err != nil {
			return nil, nil, err
		}
		campaign[id], merged[id] = c, m
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if len(campaign) != 2 {
		return nil, nil, errNotFound
	}
	return campaign, merged, nil
}

// recountComments sets the comment counts of two ideas from their comments.
func recountComments(ctx context.Context, tx *sql.Tx, a, b int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE ideas SET comments =
		(SELECT COUNT(*) FROM comments c WHERE c.idea_id = ideas.id AND c.deleted_at IS NULL AND c.moderation = 'visible')
		WHERE id IN ($1, $2)`, a, b)
	if err != nil {
		return fmt.Errorf("recount comments: %w", err)
	}
	return nil
}

// mergeCounts fills what a merge moved from its record.
func mergeCounts(ctx context.Context, tx *sql.Tx, m *idea.Merge) error {
	err := tx.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM idea_merge_votes WHERE merge_id = $1 AND kind = 'moved'),
		(SELECT COUNT(*) FROM idea_merge_votes WHERE merge_id = $1 AND kind = 'dropped'),
		(SELECT COUNT(*) FROM idea_merge_comments WHERE merge_id = $1)`, m.ID).
		Scan(&m.VotesMoved, &m.VotesDropped, &m.CommentsMoved)
	if err != nil {
		return fmt.Errorf("merge counts: %w", err)
	}
	return nil
}

// MergeIdeas implements idea.MergeStore.
func (s *Ideas) MergeIdeas(ctx context.Context, ideaID, intoID, actorPersonID int64, at time.Time, weight func(time.Time) float64, auditOf idea.MergeAudit) (*idea.Merge, error) {
	m := &idea.Merge{IdeaID: ideaID, IntoID: intoID, ActorPersonID: actorPersonID, At: at}
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		campaign, merged, err := s.lockPair(ctx, tx, ideaID, intoID)
		if err != nil {
			return err
		}
		switch {
		case campaign[ideaID] != campaign[intoID]:
			return samtal.FieldError("into", "error.merge_other_campaign")
		case merged[ideaID] != 0:
			return idea.ErrAlreadyMerged
		case merged[intoID] != 0:
			return idea.ErrMergeTargetMerged
		}
		actor := sql.NullInt64{Int64: actorPersonID, Valid: actorPersonID != 0}
		if err := tx.QueryRowContext(ctx,
			`INSERT INTO idea_merges (idea_id, into_id, actor_person_id, at) VALUES ($1, $2, $3, $4) RETURNING id`,
			ideaID, intoID, actor, ms(at)).Scan(&m.ID); err != nil {
			return fmt.Errorf("insert merge: %w", err)
		}
		// The record first, while every vote is still where it was: a voter
		// of both ideas keeps the target's vote, theirs on the merged idea
		// is dropped (and kept here for undo).
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO idea_merge_votes (merge_id, person_id, kind, weight, created_at, identity_id)
			 SELECT $1, v.person_id,
			        CASE WHEN EXISTS (SELECT 1 FROM votes b WHERE b.idea_id = $3 AND b.person_id = v.person_id) THEN 'dropped' ELSE 'moved' END,
			        v.weight, v.created_at, v.identity_id
			 FROM votes v WHERE v.idea_id = $2`, m.ID, ideaID, intoID); err != nil {
			return fmt.Errorf("record votes: %w", err)
		}
		if _, err := tx.ExecContext(ctx,
			`DELETE FROM votes WHERE idea_id = $1 AND person_id IN
			 (SELECT person_id FROM idea_merge_votes WHERE merge_id = $2 AND kind = 'dropped')`, ideaID, m.ID); err != nil {
			return fmt.Errorf("drop duplicate votes: %w", err)
		}
		// Moved votes keep their weight and time, so the target's trending
		// score gains exactly their terms.
		if _, err := tx.ExecContext(ctx, `UPDATE votes SET idea_id = $1 WHERE idea_id = $2`, intoID, ideaID); err != nil {
			return fmt.Errorf("move votes: %w", err)
		}
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO idea_merge_comments (merge_id, comment_id) SELECT $1, id FROM comments WHERE idea_id = $2`, m.ID, ideaID); err != nil {
			return fmt.Errorf("record comments: %w", err)
		}
		// Comments keep their parents, so their threads stay whole.
		if _, err := tx.ExecContext(ctx, `UPDATE comments SET idea_id = $1 WHERE idea_id = $2`, intoID, ideaID); err != nil {
			return fmt.Errorf("move comments: %w", err)
		}
		// The merged idea's author follows the target now, and explicit
		// choices on the merged idea (follow or stop) carry over, unless
		// the person chose on the target already; the added rows are
		// recorded so that undo takes back exactly those. (Voters and
		// commenters follow the target by their moved votes and comments.)
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO idea_merge_follows (merge_id, person_id)
			 SELECT $1, s.p FROM (SELECT author_person_id AS p FROM ideas WHERE id = $2
			                      UNION SELECT person_id FROM idea_follows WHERE idea_id = $2) s
			 WHERE NOT EXISTS (SELECT 1 FROM idea_follows f WHERE f.idea_id = $3 AND f.person_id = s.p)`,
			m.ID, ideaID, intoID); err != nil {
			return fmt.Errorf("record follows: %w", err)
		}
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO idea_follows (idea_id, person_id, following, at)
			 SELECT $1, r.person_id, COALESCE(a.following, TRUE), $2 FROM idea_merge_follows r
			 LEFT JOIN idea_follows a ON a.idea_id = $4 AND a.person_id = r.person_id
			 WHERE r.merge_id = $3`,
			intoID, ms(at), m.ID, ideaID); err != nil {
			return fmt.Errorf("move follows: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE ideas SET merged_into = $1, updated_at = $2 WHERE id = $3`, intoID, ms(at), ideaID); err != nil {
			return fmt.Errorf("mark merged: %w", err)
		}
		if err := s.recount(ctx, tx, []int64{min(ideaID, intoID), max(ideaID, intoID)}, weight); err != nil {
			return err
		}
		if err := recountComments(ctx, tx, ideaID, intoID); err != nil {
			return err
		}
		if err := mergeCounts(ctx, tx, m); err != nil {
			return err
		}
		_, err = appendAudit(ctx, tx, auditOf(m))
		return err
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// UndoMerge implements idea.MergeStore.
func (s *Ideas) UndoMerge(ctx context.Context, mergeID, actorPersonID int64, at time.Time, weight func(time.Time) float64, auditOf idea.MergeAudit) (*idea.Merge, error) {
	var m *idea.Merge
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		lock := ""
		if s.db.Engine == Postgres {
			// Two undos of one merge wait for each other here.
			lock = " FOR UPDATE OF m"
		}
		var err error
		if m, err = scanMerge(tx.QueryRowContext(ctx, `SELECT `+mergeColumns+` FROM idea_merges m
			JOIN ideas i ON i.id = m.idea_id LEFT JOIN persons p ON p.id = m.actor_person_id
			WHERE m.id = $1`+lock, mergeID)); err != nil {
			return err
		}
		if m.Undone() {
			return idea.ErrMergeUndone
		}
		_, merged, err := s.lockPair(ctx, tx, m.IdeaID, m.IntoID)
		if err != nil {
			return err
		}
		if merged[m.IntoID] != 0 {
			return idea.ErrMergeTargetMovedOn
		}
		if merged[m.IdeaID] != m.IntoID {
			return fmt.Errorf("undo merge %d: idea %d points to %d, not %d", m.ID, m.IdeaID, merged[m.IdeaID], m.IntoID)
		}
		// A moved vote is the target's vote of its voter with the moved
		// vote's time: a vote cast on the target after the merge is newer,
		// so it stays; a moved vote taken back is not there to return.
		res, err := tx.ExecContext(ctx,
			`UPDATE votes SET idea_id = $1 WHERE idea_id = $2 AND EXISTS (SELECT 1 FROM idea_merge_votes r
			 WHERE r.merge_id = $3 AND r.kind = 'moved' AND r.person_id = votes.person_id AND r.created_at = votes.created_at)`,
			m.IdeaID, m.IntoID, m.ID)
		if err != nil {
			return fmt.Errorf("return votes: %w", err)
		}
		returned, _ := res.RowsAffected()
		// Dropped duplicates come back as they were: their voters had
		// voted for both ideas before the merge.
		res, err = tx.ExecContext(ctx,
			`INSERT INTO votes (idea_id, person_id, campaign_id, weight, created_at, identity_id)
			 SELECT i.id, r.person_id, i.campaign_id, r.weight, r.created_at, r.identity_id
			 FROM idea_merge_votes r JOIN ideas i ON i.id = $1
			 WHERE r.merge_id = $2 AND r.kind = 'dropped' ON CONFLICT DO NOTHING`, m.IdeaID, m.ID)
		if err != nil {
			return fmt.Errorf("restore votes: %w", err)
		}
		restored, _ := res.RowsAffected()
		res, err = tx.ExecContext(ctx,
			`UPDATE comments SET idea_id = $1 WHERE idea_id = $2 AND id IN (SELECT comment_id FROM idea_merge_comments WHERE merge_id = $3)`,
			m.IdeaID, m.IntoID, m.ID)
		if err != nil {
			return fmt.Errorf("return comments: %w", err)
		}
		comments, _ := res.RowsAffected()
		// The follows the merge added go, unless their person changed them
		// on the target since (then the row's time is no longer the merge's).
		if _, err := tx.ExecContext(ctx,
			`DELETE FROM idea_follows WHERE idea_id = $1 AND at = $2
			 AND person_id IN (SELECT person_id FROM idea_merge_follows WHERE merge_id = $3)`,
			m.IntoID, ms(m.At), m.ID); err != nil {
			return fmt.Errorf("return follows: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE ideas SET merged_into = NULL, updated_at = $1 WHERE id = $2`, ms(at), m.IdeaID); err != nil {
			return fmt.Errorf("unmark merged: %w", err)
		}
		actor := sql.NullInt64{Int64: actorPersonID, Valid: actorPersonID != 0}
		if _, err := tx.ExecContext(ctx, `UPDATE idea_merges SET undone_at = $1, undone_by_person_id = $2 WHERE id = $3`,
			ms(at), actor, m.ID); err != nil {
			return fmt.Errorf("mark undone: %w", err)
		}
		if err := s.recount(ctx, tx, []int64{min(m.IdeaID, m.IntoID), max(m.IdeaID, m.IntoID)}, weight); err != nil {
			return err
		}
		if err := recountComments(ctx, tx, m.IdeaID, m.IntoID); err != nil {
			return err
		}
		m.UndoneAt = at
		// What this undo put back, for the audit entry and the caller.
		m.VotesMoved, m.VotesDropped, m.CommentsMoved = int(returned), int(restored), int(comments)
		_, err = appendAudit(ctx, tx, auditOf(m))
		return err
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// mergeColumns are read by scanMerge.
const mergeColumns = `m.id, m.idea_id, m.into_id, i.title, COALESCE(m.actor_person_id, 0), COALESCE(p.name, ''), m.at, m.undone_at`

func scanMerge(row interface{ Scan(...any) error }) (*idea.Merge, error) {
	var m idea.Merge
	var at int64
	var undone sql.NullInt64
	if err := row.Scan(&m.ID, &m.IdeaID, &m.IntoID, &m.IdeaTitle, &m.ActorPersonID, &m.ActorName, &at, &undone); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errNotFound
		}
		return nil, err
	}
	m.At, m.UndoneAt = fromMS(at), fromNullMS(undone)
	return &m, nil
}

// MergeByID implements idea.MergeStore.
func (s *Ideas) MergeByID(ctx context.Context, id int64) (*idea.Merge, error) {
	row, err := s.db.readRow(ctx, `SELECT `+mergeColumns+`,
		(SELECT COUNT(*) FROM idea_merge_votes r WHERE r.merge_id = m.id AND r.kind = 'moved'),
		(SELECT COUNT(*) FROM idea_merge_votes r WHERE r.merge_id = m.id AND r.kind = 'dropped'),
		(SELECT COUNT(*) FROM idea_merge_comments r WHERE r.merge_id = m.id)
		FROM idea_merges m JOIN ideas i ON i.id = m.idea_id LEFT JOIN persons p ON p.id = m.actor_person_id
		WHERE m.id = $1`, id)
	if err != nil {
		return nil, err
	}
	var m idea.Merge
	var at int64
	var undone sql.NullInt64
	if err := row.Scan(&m.ID, &m.IdeaID, &m.IntoID, &m.IdeaTitle, &m.ActorPersonID, &m.ActorName, &at, &undone,
		&m.VotesMoved, &m.VotesDropped, &m.CommentsMoved); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errNotFound
		}
		return nil, err
	}
	m.At, m.UndoneAt = fromMS(at), fromNullMS(undone)
	return &m, nil
}

// MergesInto implements idea.MergeStore.
func (s *Ideas) MergesInto(ctx context.Context, intoID int64) ([]idea.Merge, error) {
	rows, err := s.db.readRows(ctx, `SELECT `+mergeColumns+` FROM idea_merges m
		JOIN ideas i ON i.id = m.idea_id LEFT JOIN persons p ON p.id = m.actor_person_id
		WHERE m.into_id = $1 AND m.undone_at IS NULL ORDER BY m.id`, intoID)
	if err != nil {
		return nil, fmt.Errorf("list merges: %w", err)
	}
	defer rows.Close()
	var out []idea.Merge
	for rows.Next() {
		m, err := scanMerge(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *m)
	}
	return out, rows.Err()
}

var _ idea.MergeStore = (*Ideas)(nil)
