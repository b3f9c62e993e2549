package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/consent"
)

// Consents stores consent records, the texts people saw and the consents
// ticked at sign-up. Records are only inserted here; erasure deletes them.
type Consents struct{ db *DB }

// NewConsents returns the consent store of db.
func NewConsents(db *DB) *Consents { return &Consents{db: db} }

var _ consent.Store = (*Consents)(nil)

// Subject implements consent.Store.
func (s *Consents) Subject(ctx context.Context, personID int64) (*consent.Subject, error) {
	row, err := s.db.readRow(ctx, `SELECT p.id, COALESCE(NULLIF(a.locale, ''), p.locale), COALESCE(p.merged_into, 0), p.erased_at IS NOT NULL
		FROM persons p LEFT JOIN accounts a ON a.person_id = p.id WHERE p.id = $1`, personID)
	if err != nil {
		return nil, err
	}
	var sub consent.Subject
	if err := row.Scan(&sub.ID, &sub.Locale, &sub.MergedInto, &sub.Erased); errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	} else if err != nil {
		return nil, err
	}
	return &sub, nil
}

// IdentityOwner implements consent.Store.
func (s *Consents) IdentityOwner(ctx context.Context, identityID int64) (int64, error) {
	return s.db.readID(ctx, `SELECT person_id FROM identities WHERE id = $1`, identityID)
}

// AccountPerson implements consent.Store.
func (s *Consents) AccountPerson(ctx context.Context, accountID int64) (personID, identityID int64, err error) {
	row, err := s.db.readRow(ctx, `SELECT person_id, COALESCE(identity_id, 0) FROM accounts WHERE id = $1`, accountID)
	if err != nil {
		return 0, 0, err
	}
	if err := row.Scan(&personID, &identityID); errors.Is(err, sql.ErrNoRows) {
		return 0, 0, errNotFound
	} else if err != nil {
		return 0, 0, err
	}
	return personID, identityID, nil
}

// recordColumns are read by scanRecords; c is consents, t consent_texts.
const recordColumns = `c.id, c.person_id, c.purpose, c.given, COALESCE(c.text_id, 0), c.channel, COALESCE(c.identity_id, 0),
	COALESCE(c.actor_person_id, 0), c.created_at,
	COALESCE(t.purpose, ''), COALESCE(t.lang, ''), COALESCE(t.version, 0), COALESCE(t.body, ''), COALESCE(t.sha256, ''),
	t.published_at, COALESCE(t.created_at, 0), COALESCE(t.created_by_person_id, 0)`

func scanRecords(rows *sql.Rows, err error) ([]consent.Record, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []consent.Record
	for rows.Next() {
		var r consent.Record
		var t consent.Text
		var at, tAt int64
		var published sql.NullInt64
		if err := rows.Scan(&r.ID, &r.PersonID, &r.Purpose, &r.Given, &r.TextID, &r.Channel, &r.IdentityID, &r.ActorPersonID, &at,
			&t.Purpose, &t.Lang, &t.Version, &t.Body, &t.SHA256, &published, &tAt, &t.CreatedBy); err != nil {
			return nil, err
		}
		r.CreatedAt = fromMS(at)
		if r.TextID != 0 {
			t.ID, t.PublishedAt, t.CreatedAt = r.TextID, fromNullMS(published), fromMS(tAt)
			r.Text = &t
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Records implements consent.Store.
func (s *Consents) Records(ctx context.Context, personID int64, before *consent.Cursor, limit int) ([]consent.Record, error) {
	if before == nil {
		return scanRecords(s.db.readRows(ctx, `SELECT `+recordColumns+` FROM consents c LEFT JOIN consent_texts t ON t.id = c.text_id
			WHERE c.person_id = $1 ORDER BY c.created_at DESC, c.id DESC LIMIT $2`, personID, limit))
	}
	return scanRecords(s.db.readRows(ctx, `SELECT `+recordColumns+` FROM consents c LEFT JOIN consent_texts t ON t.id = c.text_id
		WHERE c.person_id = $1 AND (c.created_at < $2 OR (c.created_at = $2 AND c.id < $3))
		ORDER BY c.created_at DESC, c.id DESC LIMIT $4`, personID, before.At, before.ID, limit))
}

// newest is true of a consents row c that no later row of its person and
// purpose follows: the record that decides.
const newest = `NOT EXISTS (SELECT 1 FROM consents n WHERE n.person_id = c.person_id AND n.purpose = c.purpose
	AND (n.created_at > c.created_at OR (n.created_at = c.created_at AND n.id > c.id)))`

// Current implements consent.Store.
func (s *Consents) Current(ctx context.Context, personID int64) ([]consent.Record, error) {
	return scanRecords(s.db.readRows(ctx, `SELECT `+recordColumns+` FROM consents c LEFT JOIN consent_texts t ON t.id = c.text_id
		WHERE c.person_id = $1 AND `+newest+` ORDER BY c.purpose`, personID))
}

// Has implements consent.Store: one step down the (person, purpose, time)
// index.
func (s *Consents) Has(ctx context.Context, personID int64, purpose string) (bool, error) {
	row, err := s.db.readRow(ctx, `SELECT given FROM consents WHERE person_id = $1 AND purpose = $2
		ORDER BY created_at DESC, id DESC LIMIT 1`, personID, purpose)
	if err != nil {
		return false, err
	}
	var given bool
	if err := row.Scan(&given); errors.Is(err, sql.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return given, nil
}

// Consenting implements consent.Store.
func (s *Consents) Consenting(ctx context.Context, purpose string, personIDs []int64) ([]int64, error) {
	if len(personIDs) == 0 {
		return nil, nil
	}
	args := []any{purpose}
	for _, id := range personIDs {
		args = append(args, id)
	}
	rows, err := s.db.readOnce(ctx, `SELECT c.person_id FROM consents c
		WHERE c.purpose = $1 AND c.person_id IN (`+placeholders(2, len(personIDs))+`) AND c.given AND `+newest, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// AddRecord implements consent.Store.
func (s *Consents) AddRecord(ctx context.Context, r *consent.Record, e audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if err := insertRecord(ctx, tx, r); err != nil {
			return err
		}
		_, err := appendAudit(ctx, tx, e)
		return err
	})
}

func insertRecord(ctx context.Context, tx *sql.Tx, r *consent.Record) error {
	err := tx.QueryRowContext(ctx, `INSERT INTO consents (person_id, purpose, given, text_id, channel, identity_id, actor_person_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		r.PersonID, r.Purpose, r.Given, nullID(r.TextID), r.Channel, nullID(r.IdentityID), nullID(r.ActorPersonID), ms(r.CreatedAt)).Scan(&r.ID)
	if err != nil {
		return fmt.Errorf("insert consent: %w", err)
	}
	r.CreatedAt = fromMS(ms(r.CreatedAt))
	return nil
}

const textColumns = `id, purpose, lang, version, body, sha256, published_at, created_at, COALESCE(created_by_person_id, 0)`

func scanText(row interface{ Scan(...any) error }) (*consent.Text, error) {
	var t consent.Text
	var published sql.NullInt64
	var at int64
	if err := row.Scan(&t.ID, &t.Purpose, &t.Lang, &t.Version, &t.Body, &t.SHA256, &published, &at, &t.CreatedBy); errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	} else if err != nil {
		return nil, err
	}
	t.PublishedAt, t.CreatedAt = fromNullMS(published), fromMS(at)
	return &t, nil
}

// EnsureText implements consent.Store. The version is the next of its
// purpose and language; two new texts at once may pick the same one, and
// the one that loses the unique key tries again.
func (s *Consents) EnsureText(ctx context.Context, t *consent.Text) error {
	for range 5 {
		var found *consent.Text
		err := s.db.tx(ctx, func(tx *sql.Tx) error {
			var err error
			found, err = scanText(tx.QueryRowContext(ctx, `SELECT `+textColumns+` FROM consent_texts WHERE purpose = $1 AND lang = $2 AND sha256 = $3`,
				t.Purpose, t.Lang, t.SHA256))
			if err == nil || err != errNotFound {
				return err
			}
			found = nil
			return tx.QueryRowContext(ctx, `INSERT INTO consent_texts (purpose, lang, version, body, sha256, created_at, created_by_person_id)
				VALUES ($1, $2, (SELECT COALESCE(MAX(version), 0) + 1 FROM consent_texts WHERE purpose = $1 AND lang = $2), $3, $4, $5, $6)
				RETURNING id, version`,
				t.Purpose, t.Lang, t.Body, t.SHA256, ms(t.CreatedAt), nullID(t.CreatedBy)).Scan(&t.ID, &t.Version)
		})
		if isUniqueViolation(err) {
			continue // another writer took that version or stored this body first
		}
		if err != nil {
			return fmt.Errorf("store consent text: %w", err)
		}
		if found != nil {
			*t = *found
		} else {
			t.CreatedAt = fromMS(ms(t.CreatedAt))
		}
		return nil
	}
	return fmt.Errorf("store consent text: no free version after 5 tries")
}

// PublishText implements consent.Store.
func (s *Consents) PublishText(ctx context.Context, textID int64, at time.Time, e audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE consent_texts SET published_at = $1 WHERE id = $2`, ms(at), textID)
		if err != nil {
			return fmt.Errorf("publish consent text: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound
		}
		_, err = appendAudit(ctx, tx, e)
		return err
	})
}

// TextByID implements consent.Store.
func (s *Consents) TextByID(ctx context.Context, id int64) (*consent.Text, error) {
	row, err := s.db.readRow(ctx, `SELECT `+textColumns+` FROM consent_texts WHERE id = $1`, id)
	if err != nil {
		return nil, err
	}
	return scanText(row)
}

// CurrentText implements consent.Store.
func (s *Consents) CurrentText(ctx context.Context, purpose, lang string) (*consent.Text, error) {
	row, err := s.db.readRow(ctx, `SELECT `+textColumns+` FROM consent_texts
		WHERE purpose = $1 AND lang = $2 AND published_at IS NOT NULL ORDER BY published_at DESC, id DESC LIMIT 1`, purpose, lang)
	if err != nil {
		return nil, err
	}
	return scanText(row)
}

// Texts implements consent.Store.
func (s *Consents) Texts(ctx context.Context) ([]consent.Text, error) {
	rows, err := s.db.readRows(ctx, `SELECT `+textColumns+` FROM consent_texts ORDER BY id DESC`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *sql.Rows) (consent.Text, error) {
		t, err := scanText(r)
		if err != nil {
			return consent.Text{}, err
		}
		return *t, nil
	})
}

// SetOffers implements consent.Store.
func (s *Consents) SetOffers(ctx context.Context, accountID int64, offers []consent.Offer) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM consent_offers WHERE account_id = $1`, accountID); err != nil {
			return fmt.Errorf("clear consent offers: %w", err)
		}
		for _, o := range offers {
			if _, err := tx.ExecContext(ctx, `INSERT INTO consent_offers (account_id, purpose, text_id, created_at) VALUES ($1, $2, $3, $4)`,
				accountID, o.Purpose, o.TextID, ms(o.CreatedAt)); err != nil {
				return fmt.Errorf("store consent offer: %w", err)
			}
		}
		return nil
	})
}

// ConfirmOffers implements consent.Store. The offers are taken with one
// DELETE … RETURNING, so that two confirmations at once record them once.
func (s *Consents) ConfirmOffers(ctx context.Context, accountID int64, at time.Time, e audit.Entry) ([]consent.Record, error) {
	var out []consent.Record
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		var personID, identityID int64
		err := tx.QueryRowContext(ctx, `SELECT person_id, COALESCE(identity_id, 0) FROM accounts WHERE id = $1`, accountID).Scan(&personID, &identityID)
		if errors.Is(err, sql.ErrNoRows) {
			return errNotFound
		} else if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `DELETE FROM consent_offers WHERE account_id = $1 RETURNING purpose, text_id`, accountID)
		if err != nil {
			return fmt.Errorf("take consent offers: %w", err)
		}
		for rows.Next() {
			r := consent.Record{PersonID: personID, Given: true, Channel: consent.ChannelSignup, IdentityID: identityID,
				ActorPersonID: personID, CreatedAt: at}
			if err := rows.Scan(&r.Purpose, &r.TextID); err != nil {
				rows.Close()
				return err
			}
			out = append(out, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(out) == 0 {
			return nil
		}
		var audited []map[string]any
		for k := range out {
			if err := insertRecord(ctx, tx, &out[k]); err != nil {
				return err
			}
			audited = append(audited, map[string]any{"purpose": out[k].Purpose, "given": true, "channel": consent.ChannelSignup, "text_id": out[k].TextID})
		}
		b, err := json.Marshal(audited)
		if err != nil {
			return err
		}
		e.TargetKind, e.TargetID, e.After = "person", strconv.FormatInt(personID, 10), string(b)
		_, err = appendAudit(ctx, tx, e)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
