package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/idea"
)

// Staff notes on ideas live in the idea store.

// AddNote implements idea.NoteStore.
func (s *Ideas) AddNote(ctx context.Context, n *idea.Note, e audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx,
			`INSERT INTO idea_notes (idea_id, author_person_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			n.IdeaID, n.AuthorPersonID, n.Body, ms(n.CreatedAt)).Scan(&n.ID)
		if err != nil {
			return fmt.Errorf("insert note: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT name FROM persons WHERE id = $1`, n.AuthorPersonID).Scan(&n.AuthorName); err != nil {
			return err
		}
		_, err = appendAudit(ctx, tx, e)
		return err
	})
}

// NotesOfIdea implements idea.NoteStore.
func (s *Ideas) NotesOfIdea(ctx context.Context, ideaID int64) ([]idea.Note, error) {
	rows, err := s.db.readRows(ctx, `SELECT n.id, n.idea_id, n.author_person_id, p.name, n.body, n.created_at
		FROM idea_notes n JOIN persons p ON p.id = n.author_person_id WHERE n.idea_id = $1 ORDER BY n.id DESC`, ideaID)
	if err != nil {
		return nil, fmt.Errorf("list notes: %w", err)
	}
	defer rows.Close()
	var out []idea.Note
	for rows.Next() {
		var n idea.Note
		var at int64
		if err := rows.Scan(&n.ID, &n.IdeaID, &n.AuthorPersonID, &n.AuthorName, &n.Body, &at); err != nil {
			return nil, err
		}
		n.CreatedAt = fromMS(at)
		out = append(out, n)
	}
	return out, rows.Err()
}

var _ idea.NoteStore = (*Ideas)(nil)
