package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/sqlstore"
)

func TestIdempotencyKeys(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := sqlstore.NewIdempotency(db)
		a := newAccount(t, sqlstore.NewAccounts(db), "idem@example.org", samtal.RoleMember)
		b := newAccount(t, sqlstore.NewAccounts(db), "other@example.org", samtal.RoleMember)
		now := time.Now()

		if st, _, _, err := s.Begin(ctx, a.ID, "k1", "fp", now); err != nil || st != 0 {
			t.Fatalf("first Begin = %d, %v; want to own the key", st, err)
		}
		// While the first request runs, a retry must wait.
		if _, _, _, err := s.Begin(ctx, a.ID, "k1", "fp", now); samtal.ErrorCode(err) != samtal.ECONFLICT {
			t.Errorf("Begin while running: %v, want ECONFLICT", err)
		}
		// Keys are per account.
		if st, _, _, err := s.Begin(ctx, b.ID, "k1", "fp", now); err != nil || st != 0 {
			t.Errorf("another account's Begin = %d, %v; want to own its own key", st, err)
		}
		if err := s.Finish(ctx, a.ID, "k1", 201, "application/json", `{"id":"7"}`); err != nil {
			t.Fatal(err)
		}
		st, ct, body, err := s.Begin(ctx, a.ID, "k1", "fp", now)
		if err != nil || st != 201 || ct != "application/json" || body != `{"id":"7"}` {
			t.Errorf("replay = %d %q %q %v", st, ct, body, err)
		}
		if _, _, _, err := s.Begin(ctx, a.ID, "k1", "other body", now); samtal.ErrorCode(err) != samtal.EINVALID {
			t.Errorf("key reused for another request: %v, want EINVALID", err)
		}

		// A claim whose request died is taken over after a while.
		if st, _, _, err := s.Begin(ctx, a.ID, "k2", "fp", now.Add(-2*time.Minute)); err != nil || st != 0 {
			t.Fatalf("Begin k2 = %d, %v", st, err)
		}
		if st, _, _, err := s.Begin(ctx, a.ID, "k2", "fp", now); err != nil || st != 0 {
			t.Errorf("stale claim not taken over: %d, %v", st, err)
		}
		// An abandoned key runs again.
		if err := s.Abandon(ctx, a.ID, "k2"); err != nil {
			t.Fatal(err)
		}
		if st, _, _, err := s.Begin(ctx, a.ID, "k2", "fp", now); err != nil || st != 0 {
			t.Errorf("abandoned key: %d, %v", st, err)
		}

		// A day later the answers are gone.
		if err := s.DeleteExpired(ctx, now.Add(25*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if st, _, _, err := s.Begin(ctx, a.ID, "k1", "other body", now); err != nil || st != 0 {
			t.Errorf("expired key still known: %d, %v", st, err)
		}
	})
}
