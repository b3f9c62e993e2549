package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/person"
)

// exportPage is how many persons ExportPeople reads per query.
const exportPage = 500

// ExportPeople implements person.Store: the list query page by page, by id
// upwards, and each page's identities and tags in one query each, so that a
// million persons stream in bounded memory.
func (s *Persons) ExportPeople(ctx context.Context, f person.ListFilter, fn func(*person.Person) error) error {
	f.Limit = exportPage
	var after int64
	for {
		page, err := s.list(ctx, f, after, "ASC")
		if err != nil {
			return err
		}
		if len(page) == 0 {
			return nil
		}
		if err := s.fillIdentitiesAndTags(ctx, page); err != nil {
			return err
		}
		for _, p := range page {
			if err := fn(p); err != nil {
				return err
			}
		}
		after = page[len(page)-1].ID
		if len(page) < exportPage {
			return nil
		}
	}
}

// fillIdentitiesAndTags reads the identities and tags of a page of persons.
func (s *Persons) fillIdentitiesAndTags(ctx context.Context, page []*person.Person) error {
	byID := make(map[int64]*person.Person, len(page))
	args := make([]any, len(page))
	for i, p := range page {
		byID[p.ID], args[i] = p, p.ID
	}
	in := placeholders(1, len(page))
	rows, err := s.db.readOnce(ctx, `SELECT person_id, id, kind, network, value, display, verified, source
		FROM identities WHERE person_id IN (`+in+`) ORDER BY person_id, id`, args...)
	if err != nil {
		return fmt.Errorf("export identities: %w", err)
	}
	for rows.Next() {
		var i person.Identity
		if err := rows.Scan(&i.PersonID, &i.ID, &i.Kind, &i.Network, &i.Value, &i.Display, &i.Verified, &i.Source); err != nil {
			rows.Close()
			return err
		}
		byID[i.PersonID].Identities = append(byID[i.PersonID].Identities, i)
	}
	if err := closeRows(rows); err != nil {
		return err
	}
	rows, err = s.db.readOnce(ctx, `SELECT person_id, tag FROM person_tags WHERE person_id IN (`+in+`) ORDER BY person_id, tag`, args...)
	if err != nil {
		return fmt.Errorf("export tags: %w", err)
	}
	for rows.Next() {
		var id int64
		var tag string
		if err := rows.Scan(&id, &tag); err != nil {
			rows.Close()
			return err
		}
		byID[id].Tags = append(byID[id].Tags, tag)
	}
	return closeRows(rows)
}

func closeRows(rows *sql.Rows) error {
	err := rows.Err()
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	return err
}

// AppendAudit implements person.Store for records of actions that change
// no row (an export).
func (s *Persons) AppendAudit(ctx context.Context, e audit.Entry) error {
	_, err := appendAudit(ctx, s.db.write, e)
	return err
}
