package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/campaign"
	"github.com/samtal-dev/samtal/person"
)

// What the people pages need beyond the person itself: persons made by
// staff, the merge history of a profile, the public figures of a member and
// the kinds of timeline event.

// AddPerson implements person.Store: the person, their identities and the
// audit entry in one transaction.
func (s *Persons) AddPerson(ctx context.Context, p *person.Person, e audit.Entry) error {
	now := time.Now().UTC()
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx,
			`INSERT INTO persons (name, name_lower, name_key, locale, location, languages, created_at, updated_at)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
			p.Name, strings.ToLower(p.Name), person.NameKey(p.Name), p.Locale, p.Location, strings.Join(p.Languages, ","), ms(now)).Scan(&p.ID); err != nil {
			return fmt.Errorf("insert person: %w", err)
		}
		p.CreatedAt, p.UpdatedAt = fromMS(ms(now)), fromMS(ms(now))
		for i := range p.Identities {
			id := &p.Identities[i]
			id.PersonID, id.CreatedAt = p.ID, p.CreatedAt
			if err := insertIdentity(ctx, s.db, tx, id); err != nil {
				return err
			}
		}
		e.TargetID = strconv.FormatInt(p.ID, 10)
		_, err := appendAudit(ctx, tx, e)
		return err
	})
}

// MergesOf implements person.Store: one query, each side by its index.
func (s *Persons) MergesOf(ctx context.Context, personID int64, limit int) ([]person.MergeRecord, error) {
	rows, err := s.db.readRows(ctx, `SELECT m.id, m.person_id, m.into_id, COALESCE(m.actor_person_id, 0), m.created_at, m.undone_at,
			pa.name, pb.name, COALESCE(ac.name, '')
		FROM (SELECT id FROM person_merges WHERE into_id = $1 UNION SELECT id FROM person_merges WHERE person_id = $1) x
		JOIN person_merges m ON m.id = x.id
		JOIN persons pa ON pa.id = m.person_id JOIN persons pb ON pb.id = m.into_id
		LEFT JOIN persons ac ON ac.id = m.actor_person_id
		ORDER BY m.id DESC LIMIT `+strconv.Itoa(limit), personID)
	if err != nil {
		return nil, fmt.Errorf("merges of person: %w", err)
	}
	defer rows.Close()
	var out []person.MergeRecord
	for rows.Next() {
		var r person.MergeRecord
		var created int64
		var undone sql.NullInt64
		if err := rows.Scan(&r.ID, &r.PersonID, &r.IntoID, &r.ActorPersonID, &created, &undone, &r.PersonName, &r.IntoName, &r.ActorName); err != nil {
			return nil, err
		}
		r.CreatedAt, r.UndoneAt = fromMS(created), fromNullMS(undone)
		out = append(out, r)
	}
	return out, rows.Err()
}

// PublicStats implements person.Store: visible, undeleted ideas and comments
// (on visible, undeleted ideas) in campaigns of the scope.
func (s *Persons) PublicStats(ctx context.Context, personID int64, scope campaign.Scope) (person.Stats, error) {
	w := filter{args: []any{personID}}
	scoped := func() string {
		var sw filter
		sw.args = w.args
		inScope(&sw, scope)
		w.args = sw.args
		return strings.Join(sw.conds, " AND ")
	}
	ideas := `FROM ideas i JOIN campaigns c ON c.id = i.campaign_id
		WHERE i.author_person_id = $1 AND i.deleted_at IS NULL AND ` + visibleModeration("i") + ` AND `
	comments := `FROM comments cm JOIN ideas i ON i.id = cm.idea_id JOIN campaigns c ON c.id = i.campaign_id
		WHERE cm.author_person_id = $1 AND cm.deleted_at IS NULL AND ` + visibleModeration("cm") +
		` AND i.deleted_at IS NULL AND ` + visibleModeration("i") + ` AND `
	q := `SELECT (SELECT created_at FROM persons WHERE id = $1),
		(SELECT COUNT(*) ` + ideas + scoped() + `),
		(SELECT COUNT(*) ` + comments + scoped() + `),
		(SELECT MAX(i.created_at) ` + ideas + scoped() + `),
		(SELECT MAX(cm.created_at) ` + comments + scoped() + `)`
	var st person.Stats
	var first, lastIdea, lastComment sql.NullInt64
	row, err := s.db.readRow(ctx, q, w.args...)
	if err != nil {
		return st, err
	}
	if err := row.Scan(&first, &st.Ideas, &st.Comments, &lastIdea, &lastComment); err != nil {
		return st, fmt.Errorf("public stats: %w", err)
	}
	st.FirstSeen = fromNullMS(first)
	for _, t := range []sql.NullInt64{lastIdea, lastComment} {
		if at := fromNullMS(t); at.After(st.LastActive) {
			st.LastActive = at
		}
	}
	return st, nil
}

// TimelineKinds implements person.Store: the kinds of timelineSources, in
// their order.
func (s *Persons) TimelineKinds() []string {
	out := make([]string, len(timelineSources))
	for i, src := range timelineSources {
		out[i] = src.kind
	}
	return out
}
