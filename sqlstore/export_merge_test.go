package sqlstore

import (
	"context"
	"time"

	"github.com/samtal-dev/samtal/idea"
)

// CountsForTest returns an idea's kept counts and trending score, and the
// same figures recomputed from its votes and comments.
func CountsForTest(ctx context.Context, db *DB, id int64) (votes, comments int, trending float64, wantVotes, wantComments int, wantTrending float64, err error) {
	var created int64
	if err = db.read.QueryRowContext(ctx, `SELECT votes, comments, trending, created_at FROM ideas WHERE id = $1`, id).
		Scan(&votes, &comments, &trending, &created); err != nil {
		return
	}
	if err = db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM comments WHERE idea_id = $1 AND deleted_at IS NULL`, id).Scan(&wantComments); err != nil {
		return
	}
	wantTrending = idea.Weight(time.UnixMilli(created))
	rows, err := db.read.QueryContext(ctx, `SELECT weight FROM votes WHERE idea_id = $1`, id)
	if err != nil {
		return
	}
	defer rows.Close()
	for rows.Next() {
		var w float64
		if err = rows.Scan(&w); err != nil {
			return
		}
		wantVotes++
		wantTrending = idea.AddWeight(wantTrending, w)
	}
	err = rows.Err()
	return
}

// VotersForTest returns the persons who voted for an idea, in id order.
func VotersForTest(ctx context.Context, db *DB, id int64) ([]int64, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT person_id FROM votes WHERE idea_id = $1 ORDER BY person_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var p int64
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
