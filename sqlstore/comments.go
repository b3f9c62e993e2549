package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/idea"
)

// Comments on ideas live in the idea store: a comment changes its idea's
// count in the same transaction.

// commentColumns are read by scanComment.
const commentColumns = `c.id, c.idea_id, COALESCE(c.parent_id, 0), c.author_person_id, p.name, c.body,
	c.deleted_at IS NOT NULL, EXISTS (SELECT 1 FROM comment_edits e WHERE e.comment_id = c.id),
	c.created_at, c.updated_at, c.moderation, c.moderation_reason, c.body_html`

func scanComment(row interface{ Scan(...any) error }) (*idea.Comment, error) {
	var c idea.Comment
	var created, updated int64
	if err := row.Scan(&c.ID, &c.IdeaID, &c.ParentID, &c.AuthorPersonID, &c.AuthorName, &c.Body,
		&c.Deleted, &c.Edited, &created, &updated, &c.Moderation, &c.ModerationReason, &c.BodyHTML); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errNotFound
		}
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
	return &c, nil
}

// AddComment implements idea.CommentStore.
func (s *Ideas) AddComment(ctx context.Context, c *idea.Comment) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		parent := sql.NullInt64{Int64: c.ParentID, Valid: c.ParentID != 0}
		err := tx.QueryRowContext(ctx,
			`INSERT INTO comments (idea_id, parent_id, author_person_id, body, created_at, updated_at, moderation, moderated_at, body_html, identity_id)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $5, $8, $9) RETURNING id`,
			c.IdeaID, parent, c.AuthorPersonID, c.Body, ms(c.CreatedAt), ms(c.UpdatedAt), moderationOr(c.Moderation), c.BodyHTML,
			actorIdentity(ctx)).Scan(&c.ID)
		if err != nil {
			return fmt.Errorf("insert comment: %w", err)
		}
		// The count is of visible comments; a held one counts once approved.
		// An idea merged meanwhile takes no comment: its comments moved.
		add := 0
		if moderationOr(c.Moderation) == idea.ModVisible {
			add = 1
		}
		res, err := tx.ExecContext(ctx, `UPDATE ideas SET comments = comments + $1 WHERE id = $2 AND merged_into IS NULL`, add, c.IdeaID)
		if err != nil {
			return fmt.Errorf("count comment: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.idea_merged_comment"}
		}
		return tx.QueryRowContext(ctx, `SELECT name FROM persons WHERE id = $1`, c.AuthorPersonID).Scan(&c.AuthorName)
	})
}

// CommentByID implements idea.CommentStore.
func (s *Ideas) CommentByID(ctx context.Context, id int64) (*idea.Comment, error) {
	row, err := s.db.readRow(ctx, `SELECT `+commentColumns+`
		FROM comments c JOIN persons p ON p.id = c.author_person_id WHERE c.id = $1`, id)
	if err != nil {
		return nil, err
	}
	return scanComment(row)
}

// CommentsOfIdea implements idea.CommentStore: one query, in id order.
func (s *Ideas) CommentsOfIdea(ctx context.Context, ideaID int64) ([]idea.Comment, error) {
	rows, err := s.db.readRows(ctx, `SELECT `+commentColumns+`
		FROM comments c JOIN persons p ON p.id = c.author_person_id WHERE c.idea_id = $1 ORDER BY c.id`, ideaID)
	if err != nil {
		return nil, fmt.Errorf("list comments: %w", err)
	}
	defer rows.Close()
	var out []idea.Comment
	for rows.Next() {
		c, err := scanComment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

// lockCommentIdea is THE lock order for writing a comment on PostgreSQL:
// its idea before the comment. A merge locks the ideas and then moves their
// comments, and every change of a comment also writes its idea (the count,
// the thread_version trigger), so the other order deadlocks with a merge.
// The key-share lock waits for a merge and lets votes through. SQLite has
// one writer and needs nothing.
func lockCommentIdea(ctx context.Context, db *DB, tx *sql.Tx, commentID int64) error {
	if db.Engine != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT i.id FROM ideas i JOIN comments c ON c.idea_id = i.id WHERE c.id = $1 FOR KEY SHARE OF i`, commentID)
	return err
}

// EditComment implements idea.CommentStore. On PostgreSQL the comment's row
// is locked so that two edits at once each keep the text they replace.
func (s *Ideas) EditComment(ctx context.Context, id int64, body, bodyHTML string, at time.Time) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := lockCommentIdea(ctx, s.db, tx, id); err != nil {
			return err
		}
		lock := ""
		if s.db.Engine == Postgres {
			lock = " FOR UPDATE"
		}
		var old string
		err := tx.QueryRowContext(ctx, `SELECT body FROM comments WHERE id = $1 AND deleted_at IS NULL`+lock, id).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			return errNotFound
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO comment_edits (comment_id, body, edited_at) VALUES ($1, $2, $3)`, id, old, ms(at)); err != nil {
			return fmt.Errorf("keep comment edit: %w", err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE comments SET body = $1, body_html = $2, updated_at = $3 WHERE id = $4`, body, bodyHTML, ms(at), id)
		return err
	})
}

// DeleteComment implements idea.CommentStore. Only the delete that finds the
// comment not deleted yet takes it off the count.
func (s *Ideas) DeleteComment(ctx context.Context, id int64, at time.Time, e *audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		// The count below follows wherever the comment is then.
		if err := lockCommentIdea(ctx, s.db, tx, id); err != nil {
			return err
		}
		var ideaID int64
		var state string
		err := tx.QueryRowContext(ctx,
			`UPDATE comments SET body = '', body_html = '', deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL RETURNING idea_id, moderation`,
			ms(at), id).Scan(&ideaID, &state)
		if errors.Is(err, sql.ErrNoRows) {
			return errNotFound
		} else if err != nil {
			return fmt.Errorf("delete comment: %w", err)
		}
		if state == idea.ModVisible {
			if _, err := tx.ExecContext(ctx, `UPDATE ideas SET comments = comments - 1 WHERE id = $1`, ideaID); err != nil {
				return fmt.Errorf("count comment: %w", err)
			}
		}
		if err := closeReports(ctx, tx, "comment", id, "deleted", 0, at); err != nil {
			return err
		}
		if e != nil {
			_, err = appendAudit(ctx, tx, *e)
		}
		return err
	})
}

// CommentEdits implements idea.CommentStore.
func (s *Ideas) CommentEdits(ctx context.Context, id int64) ([]idea.CommentEdit, error) {
	rows, err := s.db.readRows(ctx, `SELECT body, edited_at FROM comment_edits WHERE comment_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []idea.CommentEdit
	for rows.Next() {
		var e idea.CommentEdit
		var at int64
		if err := rows.Scan(&e.Body, &at); err != nil {
			return nil, err
		}
		e.EditedAt = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// CommentEditsOfIdea implements idea.CommentStore.
func (s *Ideas) CommentEditsOfIdea(ctx context.Context, ideaID int64) (map[int64][]idea.CommentEdit, error) {
	rows, err := s.db.readRows(ctx, `SELECT e.comment_id, e.body, e.edited_at FROM comment_edits e
		JOIN comments c ON c.id = e.comment_id WHERE c.idea_id = $1 ORDER BY e.id`, ideaID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]idea.CommentEdit{}
	for rows.Next() {
		var id, at int64
		var e idea.CommentEdit
		if err := rows.Scan(&id, &e.Body, &at); err != nil {
			return nil, err
		}
		e.EditedAt = fromMS(at)
		out[id] = append(out[id], e)
	}
	return out, rows.Err()
}

var _ idea.CommentStore = (*Ideas)(nil)
