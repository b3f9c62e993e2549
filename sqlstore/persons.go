package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/person"
)

// Persons stores persons and their identities.
type Persons struct{ db *DB }

// NewPersons returns the person store of db.
func NewPersons(db *DB) *Persons { return &Persons{db: db} }

// CreatePerson stores a person with identities (already normalised) in one
// transaction. Returns ECONFLICT if an identity belongs to someone already.
func (s *Persons) CreatePerson(ctx context.Context, p *person.Person) error {
	now := time.Now().UTC()
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx,
			`INSERT INTO persons (name, name_lower, locale, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id`,
			p.Name, strings.ToLower(p.Name), p.Locale, ms(now)).Scan(&p.ID); err != nil {
			return fmt.Errorf("insert person: %w", err)
		}
		p.CreatedAt, p.UpdatedAt = fromMS(ms(now)), fromMS(ms(now))
		for i := range p.Identities {
			id := &p.Identities[i]
			id.PersonID, id.CreatedAt = p.ID, p.CreatedAt
			err := tx.QueryRowContext(ctx,
				`INSERT INTO identities (person_id, kind, network, value, display, verified, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
				p.ID, id.Kind, id.Network, id.Value, id.Display, id.Verified, ms(now)).Scan(&id.ID)
			if isUniqueViolation(err) {
				return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.identity_taken", Field: "identities"}
			} else if err != nil {
				return fmt.Errorf("insert identity: %w", err)
			}
		}
		return nil
	})
}

// PersonByID returns a person with their identities.
func (s *Persons) PersonByID(ctx context.Context, id int64) (*person.Person, error) {
	var p person.Person
	var merged sql.NullInt64
	var created, updated int64
	err := s.db.read.QueryRowContext(ctx,
		`SELECT id, name, locale, merged_into, created_at, updated_at FROM persons WHERE id = $1`, id).
		Scan(&p.ID, &p.Name, &p.Locale, &merged, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	} else if err != nil {
		return nil, err
	}
	p.MergedInto, p.CreatedAt, p.UpdatedAt = merged.Int64, fromMS(created), fromMS(updated)
	rows, err := s.db.read.QueryContext(ctx,
		`SELECT id, kind, network, value, display, verified, created_at FROM identities WHERE person_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		i := person.Identity{PersonID: id}
		var at int64
		if err := rows.Scan(&i.ID, &i.Kind, &i.Network, &i.Value, &i.Display, &i.Verified, &at); err != nil {
			return nil, err
		}
		i.CreatedAt = fromMS(at)
		p.Identities = append(p.Identities, i)
	}
	return &p, rows.Err()
}

// Setting returns a setting's value, or "" if it is not set.
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// SetSetting stores a setting.
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	_, err := db.write.ExecContext(ctx,
		`INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// EngineName returns "sqlite" or "postgres".
func (db *DB) EngineName() string { return db.Engine }
