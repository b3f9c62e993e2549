package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/audit"
	"github.com/samtal-dev/samtal/person"
)

// Accounts stores accounts, sessions, API tokens and mailed links.
type Accounts struct{ db *DB }

// NewAccounts returns the account store of db.
func NewAccounts(db *DB) *Accounts { return &Accounts{db: db} }

var errNotFound = &samtal.Error{Code: samtal.ENOTFOUND, Message: "error.not_found"}

const accountColumns = `a.id, a.person_id, COALESCE(a.identity_id, 0), a.email, p.name, a.role, a.locale, a.email_verified_at, a.created_at,
	COALESCE(a.handle, ''), a.notify_email, a.notify_unread`

func scanAccount(row interface{ Scan(...any) error }, extra ...any) (*account.Account, error) {
	var a account.Account
	var verified sql.NullInt64
	var created int64
	dest := append([]any{&a.ID, &a.PersonID, &a.IdentityID, &a.Email, &a.Name, &a.Role, &a.Locale, &verified, &created,
		&a.Handle, &a.NotifyEmail, &a.Unread}, extra...)
	if err := row.Scan(dest...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errNotFound
		}
		return nil, err
	}
	a.EmailVerifiedAt = fromNullMS(verified)
	a.CreatedAt = fromMS(created)
	return &a, nil
}

// CreateAccount implements account.Store.
func (s *Accounts) CreateAccount(ctx context.Context, n account.NewAccount, e *audit.Entry) (*account.Account, error) {
	now := time.Now().UTC()
	var acc *account.Account
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		var personID, identityID int64
		// A verified copy of the email wins over an unverified one (a
		// claim someone typed elsewhere).
		err := tx.QueryRowContext(ctx,
			`SELECT person_id, id FROM identities WHERE kind = $1 AND network = $2 AND value = $3 ORDER BY verified DESC LIMIT 1`,
			n.Identity.Kind, n.Identity.Network, n.Identity.Value).Scan(&personID, &identityID)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if err := tx.QueryRowContext(ctx,
				`INSERT INTO persons (name, name_lower, name_key, locale, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
				n.Name, strings.ToLower(n.Name), person.NameKey(n.Name), n.Locale, ms(now)).Scan(&personID); err != nil {
				return fmt.Errorf("insert person: %w", err)
			}
			id := person.Identity{PersonID: personID, Kind: n.Identity.Kind, Network: n.Identity.Network, Value: n.Identity.Value,
				Display: n.Identity.Display, Verified: n.Identity.Verified, Source: person.SourceSignup, CreatedAt: now}
			if err := insertIdentity(ctx, s.db, tx, &id); err != nil {
				return err
			}
			identityID = id.ID
		case err != nil:
			return fmt.Errorf("find identity: %w", err)
		default:
			// The person is known already (from a mention, say): the account
			// joins them. Their name stays as the organisation knows it: an
			// unverified sign-up must not rewrite someone's record.
			var taken bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM accounts WHERE person_id = $1)`, personID).Scan(&taken); err != nil {
				return fmt.Errorf("find account of person: %w", err)
			}
			if taken {
				return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.email_taken", Field: "email"}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE persons SET name = $1, name_lower = $2, name_key = $3, updated_at = $4 WHERE id = $5 AND name = ''`,
				n.Name, strings.ToLower(n.Name), person.NameKey(n.Name), ms(now), personID); err != nil {
				return fmt.Errorf("update person: %w", err)
			}
		}
		var verified sql.NullInt64
		if n.Verified {
			verified = sql.NullInt64{Int64: ms(now), Valid: true}
		}
		handle, err := freeHandle(ctx, tx, account.HandleFrom(n.Name))
		if err != nil {
			return err
		}
		var id int64
		err = tx.QueryRowContext(ctx,
			`INSERT INTO accounts (person_id, email, password_hash, role, locale, email_verified_at, created_at, updated_at, handle, identity_id)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9) RETURNING id`,
			personID, n.Email, n.PasswordHash, string(n.Role), n.Locale, verified, ms(now), handle, identityID).Scan(&id)
		if isUniqueViolation(err) {
			return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.email_taken", Field: "email"}
		} else if err != nil {
			return fmt.Errorf("insert account: %w", err)
		}
		if e != nil {
			e.TargetID = strconv.FormatInt(id, 10)
			if _, err := appendAudit(ctx, tx, *e); err != nil {
				return err
			}
		}
		acc = &account.Account{ID: id, PersonID: personID, IdentityID: identityID, Email: n.Email, Name: n.Name, Role: n.Role,
			Locale: n.Locale, EmailVerifiedAt: fromNullMS(verified), CreatedAt: fromMS(ms(now)),
			Handle: handle, NotifyEmail: account.NotifyImmediate}
		return nil
	})
	return acc, err
}

// AccountByID implements account.Store.
func (s *Accounts) AccountByID(ctx context.Context, id int64) (*account.Account, error) {
	row, err := s.db.readRow(ctx, `SELECT `+accountColumns+` FROM accounts a JOIN persons p ON p.id = a.person_id WHERE a.id = $1`, id)
	if err != nil {
		return nil, err
	}
	return scanAccount(row)
}

// AccountByEmail implements account.Store.
func (s *Accounts) AccountByEmail(ctx context.Context, email string) (*account.Account, string, error) {
	var hash string
	row, err := s.db.readRow(ctx, `SELECT `+accountColumns+`, a.password_hash FROM accounts a JOIN persons p ON p.id = a.person_id WHERE a.email = $1`, email)
	if err != nil {
		return nil, "", err
	}
	a, err := scanAccount(row, &hash)
	return a, hash, err
}

// ListAccounts implements account.Store.
func (s *Accounts) ListAccounts(ctx context.Context, f account.Filter) ([]*account.Account, error) {
	var w filter
	if f.Role != "" {
		w.where("a.role = %s", string(f.Role))
	}
	if f.Query != "" {
		p := w.arg("%" + escapeLike(strings.ToLower(f.Query)) + "%")
		w.conds = append(w.conds, "(a.email LIKE "+p+" ESCAPE '\\' OR p.name_lower LIKE "+p+" ESCAPE '\\')")
	}
	if f.AfterID > 0 {
		w.where("a.id > %s", f.AfterID)
	}
	q := `SELECT ` + accountColumns + ` FROM accounts a JOIN persons p ON p.id = a.person_id` + w.sql() + " ORDER BY a.id LIMIT " + w.arg(f.Limit)
	args := w.args
	rows, err := s.db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	defer rows.Close()
	var out []*account.Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// escapeLike escapes the LIKE wildcards in s.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// CountAccountsWithRole implements account.Store.
func (s *Accounts) CountAccountsWithRole(ctx context.Context, r samtal.Role) (int, error) {
	var n int
	err := s.db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts WHERE role = $1`, string(r)).Scan(&n)
	return n, err
}

// UpdateProfile implements account.Store.
func (s *Accounts) UpdateProfile(ctx context.Context, id int64, name, locale string) error {
	now := ms(time.Now())
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		var personID int64
		err := tx.QueryRowContext(ctx, `UPDATE accounts SET locale = $1, updated_at = $2 WHERE id = $3 RETURNING person_id`, locale, now, id).Scan(&personID)
		if errors.Is(err, sql.ErrNoRows) {
			return errNotFound
		} else if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE persons SET name = $1, name_lower = $2, name_key = $3, locale = $4, updated_at = $5 WHERE id = $6`,
			name, strings.ToLower(name), person.NameKey(name), locale, now, personID)
		return err
	})
}

// SetPassword implements account.Store: it also ends every session of the
// account but the one to keep.
func (s *Accounts) SetPassword(ctx context.Context, id int64, hash, keepSessionHash string) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE accounts SET password_hash = $1, updated_at = $2 WHERE id = $3`, hash, ms(time.Now()), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE account_id = $1 AND id_hash <> $2`, id, keepSessionHash)
		return err
	})
}

// SetRole implements account.Store. The last-admin rule is checked inside
// the transaction, after locking the admins, so that two admins demoting each
// other at once cannot both succeed.
func (s *Accounts) SetRole(ctx context.Context, id int64, r samtal.Role, e audit.Entry) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		// SQLite's write transactions are serial already (BEGIN IMMEDIATE).
		if s.db.Engine == Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT id FROM accounts WHERE role = 'admin' ORDER BY id FOR UPDATE`); err != nil {
				return fmt.Errorf("lock admins: %w", err)
			}
		}
		var current string
		err := tx.QueryRowContext(ctx, `SELECT role FROM accounts WHERE id = $1`, id).Scan(&current)
		if errors.Is(err, sql.ErrNoRows) {
			return errNotFound
		} else if err != nil {
			return err
		}
		if current == string(samtal.RoleAdmin) && r != samtal.RoleAdmin {
			var admins int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts WHERE role = 'admin'`).Scan(&admins); err != nil {
				return err
			}
			if admins <= 1 {
				return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.last_admin", Field: "role"}
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET role = $1, updated_at = $2 WHERE id = $3`, string(r), ms(time.Now()), id); err != nil {
			return err
		}
		_, err = appendAudit(ctx, tx, e)
		return err
	})
}

// ReplaceUnverified gives an account whose email was never confirmed a new
// name and password, and voids its earlier links: whoever confirms the email
// owns the account, not whoever signed up first.
func (s *Accounts) ReplaceUnverified(ctx context.Context, id int64, name, hash string, now time.Time) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		var personID int64
		err := tx.QueryRowContext(ctx,
			`UPDATE accounts SET password_hash = $1, updated_at = $2 WHERE id = $3 AND email_verified_at IS NULL RETURNING person_id`,
			hash, ms(now), id).Scan(&personID)
		if errors.Is(err, sql.ErrNoRows) {
			return errNotFound
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE persons SET name = $1, name_lower = $2, name_key = $3, updated_at = $4 WHERE id = $5`,
			name, strings.ToLower(name), person.NameKey(name), ms(now), personID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE account_id = $1`, id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE link_tokens SET used_at = $1 WHERE account_id = $2 AND used_at IS NULL`, ms(now), id)
		return err
	})
}

// markVerified confirms the account's email and its email identity. If a
// verified copy of the email belongs to another person already (staff
// entered it), this one stays unverified and the two persons are proposed
// as a merge: proving an address does not take over someone's record.
func markVerified(ctx context.Context, tx *sql.Tx, id int64, at time.Time) error {
	var personID, identityID int64
	err := tx.QueryRowContext(ctx,
		`UPDATE accounts SET email_verified_at = COALESCE(email_verified_at, $1), updated_at = $1 WHERE id = $2 RETURNING person_id, COALESCE(identity_id, 0)`,
		ms(at), id).Scan(&personID, &identityID)
	if errors.Is(err, sql.ErrNoRows) {
		return errNotFound
	} else if err != nil {
		return err
	}
	var other int64
	err = tx.QueryRowContext(ctx, `SELECT o.person_id FROM identities i JOIN identities o
		ON o.kind = i.kind AND o.network = i.network AND o.value = i.value AND o.verified AND o.id <> i.id
		WHERE i.id = $1`, identityID).Scan(&other)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = tx.ExecContext(ctx, `UPDATE identities SET verified = $1 WHERE id = $2`, true, identityID)
		return err
	case err != nil:
		return err
	case other == personID:
		return nil
	}
	s := person.NewSuggestion(personID, other, person.ReasonUnverifiedCopy, "email")
	_, err = tx.ExecContext(ctx, `INSERT INTO merge_suggestions (person_a, person_b, reason, detail, score, state, created_at)
		VALUES ($1, $2, $3, $4, $5, 'open', $6) ON CONFLICT (person_a, person_b) DO NOTHING`,
		s.PersonA, s.PersonB, s.Reason, s.Detail, s.Score, ms(at))
	return err
}

// CreateSession implements account.Store.
func (s *Accounts) CreateSession(ctx context.Context, se *account.Session) error {
	_, err := s.db.write.ExecContext(ctx,
		`INSERT INTO sessions (id_hash, account_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		se.Hash, se.AccountID, se.CSRFToken, ms(se.CreatedAt), ms(se.LastSeen), ms(se.ExpiresAt), se.IP, se.UserAgent)
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// SessionByHash implements account.Store: one query for the session and its
// account, since it runs on every request of a signed-in browser.
func (s *Accounts) SessionByHash(ctx context.Context, hash string, now time.Time) (*account.Session, *account.Account, error) {
	se := account.Session{Hash: hash}
	var created, seen, expires int64
	row, err := s.db.readRow(ctx,
		`SELECT `+accountColumns+`, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at, s.ip, s.user_agent
		 FROM sessions s JOIN accounts a ON a.id = s.account_id JOIN persons p ON p.id = a.person_id
		 WHERE s.id_hash = $1 AND s.expires_at > $2`, hash, ms(now))
	if err != nil {
		return nil, nil, err
	}
	a, err := scanAccount(row,
		&se.CSRFToken, &created, &seen, &expires, &se.IP, &se.UserAgent)
	if err != nil {
		return nil, nil, err
	}
	se.AccountID = a.ID
	se.CreatedAt, se.LastSeen, se.ExpiresAt = fromMS(created), fromMS(seen), fromMS(expires)
	return &se, a, nil
}

// TouchSession implements account.Store.
func (s *Accounts) TouchSession(ctx context.Context, hash string, seen, expires time.Time) error {
	_, err := s.db.write.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id_hash = $3`, ms(seen), ms(expires), hash)
	return err
}

// DeleteSession implements account.Store.
func (s *Accounts) DeleteSession(ctx context.Context, hash string) error {
	_, err := s.db.write.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, hash)
	return err
}

// DeleteExpired removes sessions, links and rate-limit windows that can no
// longer matter. The maintenance job calls it.
func (s *Accounts) DeleteExpired(ctx context.Context, now time.Time) error {
	return s.db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1`, ms(now)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM link_tokens WHERE expires_at < $1`, ms(now.Add(-24*time.Hour))); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM rate_limits WHERE window_start < $1`, ms(now.Add(-48*time.Hour)))
		return err
	})
}

// CreateAPIToken implements account.Store.
func (s *Accounts) CreateAPIToken(ctx context.Context, t *account.APIToken, hash string) error {
	err := s.db.write.QueryRowContext(ctx,
		`INSERT INTO api_tokens (account_id, name, hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		t.AccountID, t.Name, hash, ms(t.CreatedAt)).Scan(&t.ID)
	if err != nil {
		return fmt.Errorf("create token: %w", err)
	}
	return nil
}

// AccountByAPITokenHash implements account.Store: one query, since it runs on
// every API request.
func (s *Accounts) AccountByAPITokenHash(ctx context.Context, hash string) (*account.Account, *account.APIToken, error) {
	var t account.APIToken
	var created int64
	var used sql.NullInt64
	row, err := s.db.readRow(ctx,
		`SELECT `+accountColumns+`, t.id, t.name, t.created_at, t.last_used_at
		 FROM api_tokens t JOIN accounts a ON a.id = t.account_id JOIN persons p ON p.id = a.person_id
		 WHERE t.hash = $1 AND t.revoked_at IS NULL`, hash)
	if err != nil {
		return nil, nil, err
	}
	a, err := scanAccount(row,
		&t.ID, &t.Name, &created, &used)
	if err != nil {
		return nil, nil, err
	}
	t.AccountID, t.CreatedAt, t.LastUsedAt = a.ID, fromMS(created), fromNullMS(used)
	return a, &t, nil
}

// TouchAPIToken implements account.Store.
func (s *Accounts) TouchAPIToken(ctx context.Context, id int64, at time.Time) error {
	_, err := s.db.write.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, ms(at), id)
	return err
}

// ListAPITokens implements account.Store.
func (s *Accounts) ListAPITokens(ctx context.Context, accountID int64) ([]*account.APIToken, error) {
	rows, err := s.db.readRows(ctx,
		`SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE account_id = $1 ORDER BY id DESC`, accountID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*account.APIToken
	for rows.Next() {
		t := account.APIToken{AccountID: accountID}
		var created int64
		var used, revoked sql.NullInt64
		if err := rows.Scan(&t.ID, &t.Name, &created, &used, &revoked); err != nil {
			return nil, err
		}
		t.CreatedAt, t.LastUsedAt, t.RevokedAt = fromMS(created), fromNullMS(used), fromNullMS(revoked)
		out = append(out, &t)
	}
	return out, rows.Err()
}

// RevokeAPIToken implements account.Store.
func (s *Accounts) RevokeAPIToken(ctx context.Context, accountID, id int64, at time.Time) error {
	res, err := s.db.write.ExecContext(ctx,
		`UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND account_id = $3 AND revoked_at IS NULL`, ms(at), id, accountID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errNotFound
	}
	return nil
}

// CreateLinkToken implements account.Store.
func (s *Accounts) CreateLinkToken(ctx context.Context, hash, purpose string, accountID int64, now, expires time.Time) error {
	_, err := s.db.write.ExecContext(ctx,
		`INSERT INTO link_tokens (hash, purpose, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		hash, purpose, accountID, ms(now), ms(expires))
	return err
}

// ConsumeLink implements account.Store. Using the link, confirming the email
// and setting the password happen in one transaction: a failure leaves the
// link usable. The UPDATE … RETURNING lets only one of two clicks win.
func (s *Accounts) ConsumeLink(ctx context.Context, hash, purpose string, now time.Time, newPasswordHash string) (int64, error) {
	var id int64
	err := s.db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx,
			`UPDATE link_tokens SET used_at = $1
			 WHERE hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1 RETURNING account_id`,
			ms(now), hash, purpose).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return &samtal.Error{Code: samtal.ENOTFOUND, Message: "error.link_invalid"}
		} else if err != nil {
			return err
		}
		if err := markVerified(ctx, tx, id, now); err != nil {
			return err
		}
		if newPasswordHash == "" {
			return nil
		}
		// A new password ends every session and voids every other link, so
		// that whoever had the old password or an older link is out.
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET password_hash = $1, updated_at = $2 WHERE id = $3`, newPasswordHash, ms(now), id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE account_id = $1`, id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE link_tokens SET used_at = $1 WHERE account_id = $2 AND used_at IS NULL`, ms(now), id)
		return err
	})
	return id, err
}
