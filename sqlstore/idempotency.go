package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/samtal-dev/samtal"
)

// Idempotency keeps the answers to API POSTs sent with an Idempotency-Key.
type Idempotency struct{ db *DB }

// NewIdempotency returns the idempotency key store of db.
func NewIdempotency(db *DB) *Idempotency { return &Idempotency{db: db} }

// idempotencyStale is how long a first request may run before a retry may
// take its key over (its process probably died).
const idempotencyStale = time.Minute

// Begin claims key for the account's request with the given fingerprint.
// It returns status 0 when the caller owns the key and must run the request,
// or the saved answer of an earlier request with the same fingerprint. Returns
// ECONFLICT while the first request still runs and EINVALID when the key
// was used for a different request.
func (s *Idempotency) Begin(ctx context.Context, accountID int64, key, fingerprint string, now time.Time) (status int, contentType, body string, err error) {
	err = s.db.tx(ctx, func(tx *sql.Tx) error {
		// A stale claim is given up first, so that the insert below can win.
		if _, err := tx.ExecContext(ctx,
			`DELETE FROM idempotency_keys WHERE account_id = $1 AND key = $2 AND status = 0 AND created_at < $3`,
			accountID, key, ms(now.Add(-idempotencyStale))); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx,
			`INSERT INTO idempotency_keys (account_id, key, fingerprint, created_at) VALUES ($1, $2, $3, $4)
			 ON CONFLICT (account_id, key) DO NOTHING`,
			accountID, key, fingerprint, ms(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		var fp string
		err = tx.QueryRowContext(ctx,
			`SELECT fingerprint, status, content_type, body FROM idempotency_keys WHERE account_id = $1 AND key = $2`,
			accountID, key).Scan(&fp, &status, &contentType, &body)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.idempotency_running"}
		case err != nil:
			return err
		case fp != fingerprint:
			return samtal.FieldError("Idempotency-Key", "error.idempotency_reused")
		case status == 0:
			return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.idempotency_running"}
		}
		return nil
	})
	if err != nil {
		if samtal.ErrorCode(err) == "" {
			err = fmt.Errorf("idempotency key: %w", err)
		}
		return 0, "", "", err
	}
	return status, contentType, body, nil
}

// Finish saves the answer of the request that owns key.
func (s *Idempotency) Finish(ctx context.Context, accountID int64, key string, status int, contentType, body string) error {
	_, err := s.db.write.ExecContext(ctx,
		`UPDATE idempotency_keys SET status = $3, content_type = $4, body = $5 WHERE account_id = $1 AND key = $2`,
		accountID, key, status, contentType, body)
	if err != nil {
		return fmt.Errorf("idempotency key: %w", err)
	}
	return nil
}

// Abandon frees key after a request that must be retried for real (a
// server error, or an answer too large to keep).
func (s *Idempotency) Abandon(ctx context.Context, accountID int64, key string) error {
	_, err := s.db.write.ExecContext(ctx,
		`DELETE FROM idempotency_keys WHERE account_id = $1 AND key = $2`, accountID, key)
	if err != nil {
		return fmt.Errorf("idempotency key: %w", err)
	}
	return nil
}

// DeleteExpired forgets answers older than a day.
func (s *Idempotency) DeleteExpired(ctx context.Context, now time.Time) error {
	_, err := s.db.write.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, ms(now.Add(-24*time.Hour)))
	return err
}
