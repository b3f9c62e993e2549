package sqlstore

import (
	"context"
	"fmt"
	"slices"
)

// PersonSnapshotForTest lists everything that belongs to a person, one line
// per row, sorted: identities, account, ideas, comments, votes (with weight
// and time), follows, invitations, notes, tags, notifications, reports and
// uploads. Two snapshots are equal when the person holds exactly the same.
func PersonSnapshotForTest(ctx context.Context, db *DB, personID int64) ([]string, error) {
	queries := []string{
		`SELECT 'identity ' || kind || ' ' || network || ' ' || value || ' ' || CAST(verified AS TEXT) FROM identities WHERE person_id = $1`,
		`SELECT 'account ' || email FROM accounts WHERE person_id = $1`,
		`SELECT 'idea ' || CAST(id AS TEXT) FROM ideas WHERE author_person_id = $1`,
		`SELECT 'comment ' || CAST(id AS TEXT) FROM comments WHERE author_person_id = $1`,
		`SELECT 'vote ' || CAST(idea_id AS TEXT) || ' ' || CAST(created_at AS TEXT) || ' ' || CAST(weight AS TEXT) FROM votes WHERE person_id = $1`,
		`SELECT 'follow ' || CAST(idea_id AS TEXT) FROM idea_follows WHERE person_id = $1`,
		`SELECT 'invite ' || CAST(campaign_id AS TEXT) FROM campaign_invites WHERE person_id = $1`,
		`SELECT 'note ' || body FROM person_notes WHERE person_id = $1`,
		`SELECT 'tag ' || tag FROM person_tags WHERE person_id = $1`,
		`SELECT 'notification ' || event_key FROM notifications WHERE person_id = $1`,
		`SELECT 'report ' || CAST(id AS TEXT) FROM reports WHERE reporter_person_id = $1`,
		`SELECT 'upload ' || key FROM uploads WHERE owner_person_id = $1`,
	}
	var out []string
	for _, q := range queries {
		rows, err := db.read.QueryContext(ctx, q, personID)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", q, err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, s)
		}
		rows.Close()
	}
	slices.Sort(out)
	return out, nil
}
