package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/samtal-dev/samtal/person"
)

// ImportPersons stores many persons with their identities (already
// normalised) in one transaction, many rows per statement: an import of a
// contact list from another tool, and the load benchmark's seed. It sets
// each person's ID. Returns ECONFLICT, and stores nothing, if an identity
// is taken. No suggestions are made: an import is resolved by its own rules.
func (s *Persons) ImportPersons(ctx context.Context, ps []*person.Person) error {
	now := time.Now().UTC()
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		// Ids are given here, so that identities can name their person in
		// the same batch; the sequence is moved past them afterwards.
		if s.db.Engine == Postgres {
			// Nobody else may take ids while these are handed out.
			if _, err := tx.ExecContext(ctx, `LOCK TABLE persons IN SHARE ROW EXCLUSIVE MODE`); err != nil {
				return fmt.Errorf("import persons: lock: %w", err)
			}
		}
		var next int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM persons`).Scan(&next); err != nil {
			return fmt.Errorf("import persons: %w", err)
		}
		for _, p := range ps {
			p.ID, next = next, next+1
			if p.CreatedAt.IsZero() {
				p.CreatedAt = now
			}
			p.UpdatedAt = p.CreatedAt
		}
		for start := 0; start < len(ps); start += importBatch {
			batch := ps[start:min(start+importBatch, len(ps))]
			var q strings.Builder
			q.WriteString(`INSERT INTO persons (id, name, name_lower, name_key, locale, location, languages, created_at, updated_at) VALUES `)
			s.db.values(&q, len(batch), 9)
			args := make([]any, 0, len(batch)*9)
			for _, p := range batch {
				args = append(args, p.ID, p.Name, strings.ToLower(p.Name), person.NameKey(p.Name), p.Locale, p.Location,
					strings.Join(p.Languages, ","), ms(p.CreatedAt), ms(p.CreatedAt))
			}
			if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
				return fmt.Errorf("import persons: %w", err)
			}
		}
		var ids []*person.Identity
		for _, p := range ps {
			for i := range p.Identities {
				id := &p.Identities[i]
				id.PersonID, id.CreatedAt = p.ID, p.CreatedAt
				if id.Source == "" {
					id.Source = person.SourceImport
				}
				ids = append(ids, id)
			}
		}
		for start := 0; start < len(ids); start += importBatch {
			batch := ids[start:min(start+importBatch, len(ids))]
			var q strings.Builder
			q.WriteString(`INSERT INTO identities (person_id, kind, network, value, display, verified, source, created_at) VALUES `)
			s.db.values(&q, len(batch), 8)
			args := make([]any, 0, len(batch)*8)
			for _, id := range batch {
				args = append(args, id.PersonID, id.Kind, id.Network, id.Value, id.Display, id.Verified, id.Source, ms(id.CreatedAt))
			}
			if _, err := tx.ExecContext(ctx, q.String(), args...); isUniqueViolation(err) {
				return errIdentityTaken
			} else if err != nil {
				return fmt.Errorf("import identities: %w", err)
			}
		}
		if s.db.Engine == Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('persons', 'id'), (SELECT MAX(id) FROM persons))`); err != nil {
				return fmt.Errorf("import persons: sequence: %w", err)
			}
		}
		return nil
	})
}
