package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
)

// Handles for @mentions: assigned from the name when an account is created
// (CreateAccount), backfilled for accounts made before handles existed.

// freeHandle returns base, or base followed by the smallest number from 2 on
// that no account has. Two sign-ups with the same name at the same moment on
// PostgreSQL may still meet the unique index; one of them then fails and
// can be tried again.
func freeHandle(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}, base string) (string, error) {
	h := base
	for n := 2; ; n++ {
		var taken bool
		if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM accounts WHERE handle = $1)`, h).Scan(&taken); err != nil {
			return "", fmt.Errorf("find free handle: %w", err)
		}
		if !taken {
			return h, nil
		}
		h = base + strconv.Itoa(n)
	}
}

// BackfillHandles gives every account without a handle one from its name,
// oldest account first, so that earlier members keep the plainer handles.
// It runs with the migrations (cmd/samtal) and does nothing once every
// account has a handle.
func (s *Accounts) BackfillHandles(ctx context.Context) (int, error) {
	n := 0
	for {
		var id int64
		var name string
		err := s.db.write.QueryRowContext(ctx, `SELECT a.id, p.name FROM accounts a JOIN persons p ON p.id = a.person_id
			WHERE a.handle IS NULL ORDER BY a.id LIMIT 1`).Scan(&id, &name)
		if errors.Is(err, sql.ErrNoRows) {
			return n, nil
		} else if err != nil {
			return n, fmt.Errorf("backfill handles: %w", err)
		}
		err = s.db.tx(ctx, func(tx *sql.Tx) error {
			h, err := freeHandle(ctx, tx, account.HandleFrom(name))
			if err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `UPDATE accounts SET handle = $1 WHERE id = $2 AND handle IS NULL`, h, id)
			return err
		})
		if err != nil {
			return n, fmt.Errorf("backfill handle of account %d: %w", id, err)
		}
		n++
	}
}

// SetHandle implements account.HandleStore.
func (s *Accounts) SetHandle(ctx context.Context, id int64, handle string) error {
	res, err := s.db.write.ExecContext(ctx, `UPDATE accounts SET handle = $1, updated_at = $2 WHERE id = $3`, handle, ms(time.Now()), id)
	if isUniqueViolation(err) {
		return &samtal.Error{Code: samtal.ECONFLICT, Message: "error.handle_taken", Field: "handle"}
	} else if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errNotFound
	}
	return nil
}

// SetNotifyEmail implements account.HandleStore.
func (s *Accounts) SetNotifyEmail(ctx context.Context, id int64, choice string) error {
	res, err := s.db.write.ExecContext(ctx, `UPDATE accounts SET notify_email = $1, updated_at = $2 WHERE id = $3`, choice, ms(time.Now()), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errNotFound
	}
	return nil
}
