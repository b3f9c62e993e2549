package sqlstore_test

import (
	"context"
	"testing"

	"github.com/samtal-dev/samtal"
	"github.com/samtal-dev/samtal/account"
	"github.com/samtal-dev/samtal/internal/testdb"
	"github.com/samtal-dev/samtal/person"
	"github.com/samtal-dev/samtal/sqlstore"
)

// TestHandles: handles come from the name at creation, alike names get a
// number, the backfill gives accounts without one theirs, and a taken
// handle is refused.
func TestHandles(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := sqlstore.NewAccounts(db)
		a := newAccount(t, s, "a@example.org", samtal.RoleMember) // "Name of a@example.org"
		if a.Handle != "name_of_a_example_org" {
			t.Errorf("handle = %q", a.Handle)
		}
		if err := s.SetHandle(ctx, a.ID, "soren"); err != nil {
			t.Fatal(err)
		}
		b := newAccount(t, s, "b@example.org", samtal.RoleMember)
		if err := s.SetHandle(ctx, b.ID, "soren"); samtal.ErrorCode(err) != samtal.ECONFLICT {
			t.Errorf("taken handle: %v", err)
		}
		// Accounts from before handles existed.
		if err := sqlstore.ExecForTest(ctx, db, `UPDATE accounts SET handle = NULL`); err != nil {
			t.Fatal(err)
		}
		n, err := s.BackfillHandles(ctx)
		if err != nil || n != 2 {
			t.Fatalf("backfill: %d %v", n, err)
		}
		a2, _ := s.AccountByID(ctx, a.ID)
		b2, _ := s.AccountByID(ctx, b.ID)
		if a2.Handle != "name_of_a_example_org" || b2.Handle != "name_of_b_example_org" {
			t.Errorf("backfilled: %q %q", a2.Handle, b2.Handle)
		}
		if n, err := s.BackfillHandles(ctx); err != nil || n != 0 {
			t.Errorf("second backfill: %d %v", n, err)
		}
		// Alike names get numbers.
		for _, want := range []string{"same_name", "same_name2", "same_name3"} {
			acc := newAccountNamed(t, s, want+"@example.org", "Same Name")
			if acc.Handle != want {
				t.Errorf("handle = %q, want %q", acc.Handle, want)
			}
		}
	})
}

func newAccountNamed(t *testing.T, s *sqlstore.Accounts, email, name string) *account.Account {
	t.Helper()
	a, err := s.CreateAccount(context.Background(), account.NewAccount{
		Email: email, Name: name, Role: samtal.RoleMember, Identity: person.Identity{Kind: person.KindEmail, Value: email},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
