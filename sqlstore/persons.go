package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/person"
	"github.com/samtal-dev/samtal/search"
)

// Persons stores persons and their identities.
type Persons struct {
	db *DB
	// listFilters are conditions other capabilities add to people lists
	// (consent, advocate score): each returns "" when its field is unset.
	listFilters []func(person.ListFilter) (string, []any)
}

// NewPersons returns the person store of db.
func NewPersons(db *DB) *Persons {
	return &Persons{db: db, listFilters: []func(person.ListFilter) (string, []any){
		advocateScoreFilter, // advocates.go
		consentFilter,       // consents_list.go
	}}
}

// CreatePerson stores a person with identities (already normalised) in one
// transaction. Returns ECONFLICT if an identity belongs to someone already.
func (s *Persons) CreatePerson(ctx context.Context, p *person.Person) error {
	return s.CreateResolved(ctx, p, nil)
}

// CreateResolved implements person.Store.
func (s *Persons) CreateResolved(ctx context.Context, p *person.Person, proposals []person.Suggestion) error {
	return s.CreateResolvedBatch(ctx, []*person.Person{p}, [][]person.Suggestion{proposals})
}

// CreateResolvedBatch implements person.Store: every person with their
// identities and suggestions in one transaction, so that a batch of new
// authors costs one commit.
func (s *Persons) CreateResolvedBatch(ctx context.Context, ps []*person.Person, proposals [][]person.Suggestion) error {
	now := time.Now().UTC()
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		for i, p := range ps {
			if err := s.db.txQueryRow(ctx, tx,
				`INSERT INTO persons (name, name_lower, name_key, locale, location, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
				p.Name, strings.ToLower(p.Name), person.NameKey(p.Name), p.Locale, p.Location, ms(now)).Scan(&p.ID); err != nil {
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
			for _, sg := range proposals[i] {
				if err := addSuggestion(ctx, s.db, tx, person.NewSuggestion(p.ID, sg.PersonB, sg.Reason, sg.Detail)); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func insertIdentity(ctx context.Context, db *DB, tx *sql.Tx, id *person.Identity) error {
	if id.CreatedAt.IsZero() {
		id.CreatedAt = time.Now().UTC()
	}
	err := db.txQueryRow(ctx, tx,
		`INSERT INTO identities (person_id, kind, network, value, display, verified, source, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		id.PersonID, id.Kind, id.Network, id.Value, id.Display, id.Verified, id.Source, ms(id.CreatedAt)).Scan(&id.ID)
	if isUniqueViolation(err) {
		return errIdentityTaken
	} else if err != nil {
		return fmt.Errorf("insert identity: %w", err)
	}
	return nil
}

var errIdentityTaken = &samtal.Error{Code: samtal.ECONFLICT, Message: "error.identity_taken", Field: "identities"}

const personColumns = `p.id, p.name, p.locale, p.location, p.languages, p.avatar, p.bot, COALESCE(p.merged_into, 0),
	p.erased_at IS NOT NULL, EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = p.id), p.created_at, p.updated_at`

func scanPerson(row interface{ Scan(...any) error }) (*person.Person, error) {
	var p person.Person
	var langs string
	var created, updated int64
	if err := row.Scan(&p.ID, &p.Name, &p.Locale, &p.Location, &langs, &p.Avatar, &p.Bot, &p.MergedInto,
		&p.Erased, &p.HasAccount, &created, &updated); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errNotFound
		}
		return nil, err
	}
	if langs != "" {
		p.Languages = strings.Split(langs, ",")
	}
	p.CreatedAt, p.UpdatedAt = fromMS(created), fromMS(updated)
	return &p, nil
}

// PersonByID returns a person with their identities and tags.
func (s *Persons) PersonByID(ctx context.Context, id int64) (*person.Person, error) {
	row, err := s.db.readRow(ctx, `SELECT `+personColumns+` FROM persons p WHERE p.id = $1`, id)
	if err != nil {
		return nil, err
	}
	p, err := scanPerson(row)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.readRows(ctx,
		`SELECT id, kind, network, value, display, verified, source, created_at FROM identities WHERE person_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		i := person.Identity{PersonID: id}
		var at int64
		if err := rows.Scan(&i.ID, &i.Kind, &i.Network, &i.Value, &i.Display, &i.Verified, &i.Source, &at); err != nil {
			return nil, err
		}
		i.CreatedAt = fromMS(at)
		p.Identities = append(p.Identities, i)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	p.Tags, err = s.tags(ctx, id)
	return p, err
}

// PersonExists implements person.Store.
func (s *Persons) PersonExists(ctx context.Context, id int64) error {
	row, err := s.db.readRow(ctx, `SELECT 1 FROM persons WHERE id = $1`, id)
	if err != nil {
		return err
	}
	var one int
	if err := row.Scan(&one); errors.Is(err, sql.ErrNoRows) {
		return errNotFound
	} else if err != nil {
		return err
	}
	return nil
}

func (s *Persons) tags(ctx context.Context, id int64) ([]string, error) {
	rows, err := s.db.readRows(ctx, `SELECT tag FROM person_tags WHERE person_id = $1 ORDER BY tag`, id)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (t string, err error) { return t, r.Scan(&t) })
}

// UpdatePerson implements person.Store.
func (s *Persons) UpdatePerson(ctx context.Context, p *person.Person, e audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if p.Avatar != "" {
			// An avatar is an image uploaded to samtal, named by its key.
			var ok bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM uploads WHERE key = $1)`, p.Avatar).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return samtal.FieldError("avatar", "error.avatar_unknown")
			}
		}
		res, err := tx.ExecContext(ctx,
			`UPDATE persons SET name = $1, name_lower = $2, name_key = $3, locale = $4, location = $5, languages = $6,
			 avatar = $7, bot = $8, updated_at = $9 WHERE id = $10 AND merged_into IS NULL AND erased_at IS NULL`,
			p.Name, strings.ToLower(p.Name), person.NameKey(p.Name), p.Locale, p.Location, strings.Join(p.Languages, ","),
			p.Avatar, p.Bot, ms(time.Now()), p.ID)
		if err != nil {
			return fmt.Errorf("update person: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.person_merged"}
		}
		_, err = appendAudit(ctx, tx, e)
		return err
	})
}

// SetTags implements person.Store.
func (s *Persons) SetTags(ctx context.Context, personID int64, tags []string, e audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM person_tags WHERE person_id = $1`, personID); err != nil {
			return fmt.Errorf("clear tags: %w", err)
		}
		for _, t := range tags {
			if _, err := tx.ExecContext(ctx, `INSERT INTO person_tags (person_id, tag) VALUES ($1, $2)`, personID, t); err != nil {
				return fmt.Errorf("add tag: %w", err)
			}
		}
		_, err := appendAudit(ctx, tx, e)
		return err
	})
}

// Stats implements person.Store: counts by the indexes on each table, the
// last activity as the newest of each kind's newest.
func (s *Persons) Stats(ctx context.Context, personID int64) (person.Stats, error) {
	var st person.Stats
	var first, lastIdea, lastComment, lastVote sql.NullInt64
	row, err := s.db.readRow(ctx, `SELECT
		(SELECT created_at FROM persons WHERE id = $1),
		(SELECT COUNT(*) FROM ideas WHERE author_person_id = $1 AND deleted_at IS NULL),
		(SELECT COUNT(*) FROM votes WHERE person_id = $1),
		(SELECT COUNT(*) FROM comments WHERE author_person_id = $1 AND deleted_at IS NULL),
		(SELECT MAX(created_at) FROM ideas WHERE author_person_id = $1 AND deleted_at IS NULL),
		(SELECT MAX(created_at) FROM comments WHERE author_person_id = $1 AND deleted_at IS NULL),
		(SELECT MAX(created_at) FROM votes WHERE person_id = $1)`, personID)
	if err != nil {
		return st, err
	}
	if err := row.Scan(&first, &st.Ideas, &st.Votes, &st.Comments, &lastIdea, &lastComment, &lastVote); err != nil {
		return st, err
	}
	st.FirstSeen = fromNullMS(first)
	for _, t := range []sql.NullInt64{lastIdea, lastComment, lastVote} {
		if at := fromNullMS(t); at.After(st.LastActive) {
			st.LastActive = at
		}
	}
	return st, nil
}

// AddIdentity implements person.Store.
func (s *Persons) AddIdentity(ctx context.Context, id *person.Identity, e *audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := insertIdentity(ctx, s.db, tx, id); err != nil {
			return err
		}
		if e != nil {
			if _, err := appendAudit(ctx, tx, *e); err != nil {
				return err
			}
		}
		return nil
	})
}

// RemoveIdentity implements person.Store. The identity an account signs in
// with cannot go (ECONFLICT).
func (s *Persons) RemoveIdentity(ctx context.Context, personID, identityID int64, e audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		var inUse bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM accounts WHERE identity_id = $1)`, identityID).Scan(&inUse); err != nil {
			return err
		}
		if inUse {
			return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.identity_in_use"}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM identities WHERE id = $1 AND person_id = $2`, identityID, personID)
		if err != nil {
			return fmt.Errorf("remove identity: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound
		}
		_, err = appendAudit(ctx, tx, e)
		return err
	})
}

// FindIdentity implements person.Store: one lookup by the unique key.
func (s *Persons) FindIdentity(ctx context.Context, kind, network, value string, verified bool) (*person.Identity, error) {
	row, err := s.db.readRow(ctx,
		`SELECT id, person_id, display, source, created_at FROM identities WHERE kind = $1 AND network = $2 AND value = $3 AND verified = $4`,
		kind, network, value, verified)
	if err != nil {
		return nil, err
	}
	i := person.Identity{Kind: kind, Network: network, Value: value, Verified: verified}
	var at int64
	if err := row.Scan(&i.ID, &i.PersonID, &i.Display, &i.Source, &at); errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	} else if err != nil {
		return nil, err
	}
	i.CreatedAt = fromMS(at)
	return &i, nil
}

// PersonsWithValue implements person.Candidates.
func (s *Persons) PersonsWithValue(ctx context.Context, value, notKind string, personID int64) ([]int64, error) {
	rows, err := s.db.readRows(ctx,
		`SELECT DISTINCT person_id FROM identities WHERE value = $1 AND kind <> $2 AND person_id <> $3 ORDER BY person_id LIMIT 10`,
		value, notKind, personID)
	if err != nil {
		return nil, err
	}
	return scanIDs(rows)
}

// PersonsWithNameKey implements person.Candidates.
func (s *Persons) PersonsWithNameKey(ctx context.Context, key string, personID int64, limit int) ([]person.Person, error) {
	rows, err := s.db.readRows(ctx,
		`SELECT id, location, locale FROM persons WHERE name_key = $1 AND name_key <> '' AND id <> $2 AND merged_into IS NULL AND erased_at IS NULL
		 ORDER BY id LIMIT `+strconv.Itoa(limit), key, personID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (p person.Person, err error) { return p, r.Scan(&p.ID, &p.Location, &p.Locale) })
}

func scanIDs(rows *sql.Rows) ([]int64, error) {
	return collect(rows, func(r *sql.Rows) (id int64, err error) { return id, r.Scan(&id) })
}

// Notes implements person.Store.
func (s *Persons) Notes(ctx context.Context, personID int64) ([]person.Note, error) {
	rows, err := s.db.readRows(ctx,
		`SELECT n.id, COALESCE(n.author_person_id, 0), COALESCE(a.name, ''), n.body, n.created_at
		 FROM person_notes n LEFT JOIN persons a ON a.id = n.author_person_id WHERE n.person_id = $1 ORDER BY n.id`, personID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (person.Note, error) {
		n := person.Note{PersonID: personID}
		var at int64
		err := r.Scan(&n.ID, &n.AuthorPersonID, &n.AuthorName, &n.Body, &at)
		n.CreatedAt = fromMS(at)
		return n, err
	})
}

// AddNote implements person.Store.
func (s *Persons) AddNote(ctx context.Context, n *person.Note, e audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx,
			`INSERT INTO person_notes (person_id, author_person_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			n.PersonID, sql.NullInt64{Int64: n.AuthorPersonID, Valid: n.AuthorPersonID != 0}, n.Body, ms(n.CreatedAt)).Scan(&n.ID); err != nil {
			return fmt.Errorf("add note: %w", err)
		}
		_, err := appendAudit(ctx, tx, e)
		return err
	})
}

// List implements person.Store: people newest first, by the filters.
func (s *Persons) List(ctx context.Context, f person.ListFilter) ([]*person.Person, error) {
	return s.list(ctx, f, f.AfterID, "DESC")
}

// list reads a page of people by the filter's conditions, by id in order
// (DESC: newest first, after is the cursor below which to read; ASC: from
// after upwards).
func (s *Persons) list(ctx context.Context, f person.ListFilter, after int64, order string) ([]*person.Person, error) {
	var w filter
	w.conds = append(w.conds, "p.merged_into IS NULL", "p.erased_at IS NULL")
	if !f.Bots {
		w.conds = append(w.conds, "NOT p.bot")
	}
	switch {
	case order == "ASC":
		w.where("p.id > %s", after)
	case after > 0:
		w.where("p.id < %s", after)
	}
	if f.Tag != "" {
		w.where("EXISTS (SELECT 1 FROM person_tags t WHERE t.person_id = p.id AND t.tag = %s)", f.Tag)
	}
	switch f.Role {
	case "":
	case "none":
		w.conds = append(w.conds, "NOT EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = p.id)")
	default:
		w.where("EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = p.id AND a.role = %s)", f.Role)
	}
	if f.Language != "" {
		w.where("(p.locale = %s OR ','||p.languages||',' LIKE %s)", f.Language, "%,"+f.Language+",%")
	}
	if f.ActiveFor > 0 {
		since := ms(time.Now().Add(-f.ActiveFor))
		w.where(`(EXISTS (SELECT 1 FROM ideas i WHERE i.author_person_id = p.id AND i.created_at >= %s)
			OR EXISTS (SELECT 1 FROM comments c WHERE c.author_person_id = p.id AND c.created_at >= %s)
			OR EXISTS (SELECT 1 FROM votes v WHERE v.person_id = p.id AND v.created_at >= %s))`, since, since, since)
	}
	for _, cond := range s.listFilters {
		if c, args := cond(f); c != "" {
			w.where(c, args...)
		}
	}
	if f.Q == "" {
		return s.listWhere(ctx, "persons p", "p.id", w, order, f.Limit)
	}
	// A word of the name (each word a prefix), or an identity exactly: two
	// reads, each by its own index in the list's order, merged here. One
	// query with "name matches OR identity is" made the engines walk every
	// person when a word was rare.
	byIdentity := filter{conds: slices.Clone(w.conds), args: slices.Clone(w.args)}
	byIdentity.where("p.id IN (SELECT person_id FROM identities WHERE value = %s)", strings.ToLower(f.Q))
	out, err := s.listWhere(ctx, "persons p", "p.id", byIdentity, order, f.Limit)
	if err != nil {
		return nil, err
	}
	if words := search.Words(f.Q); len(words) > 0 {
		byName, from, by := filter{conds: slices.Clone(w.conds), args: slices.Clone(w.args)}, "persons p", "p.id"
		match := byName.arg(s.db.matchExpr(words, false))
		if s.db.Engine == Postgres {
			// GIN finds matches in no order. When a word is rare, take its
			// few matches as they are: left to itself, the planner walked
			// the primary key backwards through every person looking for
			// them (half a second for a word nobody has). When it is common,
			// the walk finds a page at once.
			ids, dense, err := s.fewMatches(ctx, byName.args[len(byName.args)-1].(string))
			if err != nil {
				return nil, err
			}
			if dense {
				byName.conds = append(byName.conds, "p.search @@ to_tsquery('simple', "+match+")")
			} else if byName.args = byName.args[:len(byName.args)-1]; len(ids) == 0 {
				byName.conds = append(byName.conds, "1 = 0")
			} else {
				in, inArgs := inList(ids, len(byName.args))
				byName.conds = append(byName.conds, "p.id IN "+in)
				byName.args = append(byName.args, inArgs...)
			}
		} else {
			// FTS5 hands out its matches in rowid order, newest first when
			// asked: the list stops at the page's last one.
			from, by = "persons_fts JOIN persons p ON p.id = persons_fts.rowid", "persons_fts.rowid"
			byName.conds = append(byName.conds, "persons_fts MATCH "+match)
			switch {
			case order == "ASC":
				byName.where("persons_fts.rowid > %s", after)
			case after > 0:
				byName.where("persons_fts.rowid < %s", after)
			}
		}
		named, err := s.listWhere(ctx, from, by, byName, order, f.Limit)
		if err != nil {
			return nil, err
		}
		for _, p := range named {
			if !slices.ContainsFunc(out, func(o *person.Person) bool { return o.ID == p.ID }) {
				out = append(out, p)
			}
		}
		slices.SortFunc(out, func(a, b *person.Person) int {
			if order == "ASC" {
				return cmp.Compare(a.ID, b.ID)
			}
			return cmp.Compare(b.ID, a.ID)
		})
		out = out[:min(len(out), f.Limit)]
	}
	return out, nil
}

// fewMatches returns the ids of the persons whose name matches expr when
// there are at most maxFewMatches of them, or dense when there are more.
func (s *Persons) fewMatches(ctx context.Context, expr string) (ids []int64, dense bool, err error) {
	rows, err := s.db.readRows(ctx, `SELECT id FROM persons WHERE search @@ to_tsquery('simple', $1) LIMIT `+strconv.Itoa(maxFewMatches+1), expr)
	if err != nil {
		return nil, false, fmt.Errorf("list persons: %w", err)
	}
	if ids, err = scanIDs(rows); err != nil {
		return nil, false, err
	}
	return ids, len(ids) > maxFewMatches, nil
}

// maxFewMatches is how many matches of a name search are taken as a list
// of ids on PostgreSQL (see list).
const maxFewMatches = 500

// listWhere reads a page of people from (persons p, maybe joined) by w, in
// the order of the column by (p.id, or the index's rowid that equals it).
func (s *Persons) listWhere(ctx context.Context, from, by string, w filter, order string, limit int) ([]*person.Person, error) {
	q := `SELECT ` + personColumns + ` FROM ` + from + w.sql() + ` ORDER BY ` + by + ` ` + order + ` LIMIT ` + strconv.Itoa(limit)
	rows, err := s.db.readRows(ctx, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("list persons: %w", err)
	}
	return collect(rows, func(r *sql.Rows) (*person.Person, error) { return scanPerson(r) })
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
